import type { HttpMatch } from '../route-match';
import type { Problem } from './errors';

const MAPS = ['headers', 'withoutHeaders', 'queryParams'] as const;

/**
 * The conditions "one of `outer` and one of `inner`" as one list of HTTP matches (Istio ORs the matches of a route and
 * ANDs the fields of one match): each outer match combined with each inner one. No outer matches: `inner`; no inner
 * matches: `outer`. Two values for the same field (two `uri`s, the same header twice) cannot be combined: a problem.
 *
 * @param outer e.g. the ingress path of an IngressRoute route
 * @param inner e.g. the conditions of a CanaryRelease rule
 * @param problems where conflicts are reported (field `match[i].<field>`)
 */
export function combineMatches(outer: HttpMatch[], inner: HttpMatch[] | undefined, problems: Problem[]): HttpMatch[] {
  if (outer.length === 0) return inner ?? [];
  if (inner === undefined || inner.length === 0) return outer;
  return outer.flatMap((o, i) => inner.map(r => combine(o, r, `match[${i}]`, problems)));
}

function combine(outer: HttpMatch, inner: HttpMatch, field: string, problems: Problem[]): HttpMatch {
  const result: { [key: string]: any } = { ...outer };
  for (const [key, value] of Object.entries(inner)) {
    if (value === undefined) continue;
    const mine = (outer as any)[key];
    if (key === 'name') {
      result.name = mine === undefined ? value : `${mine}-${value}`;
    } else if ((MAPS as readonly string[]).includes(key)) {
      const merged: { [name: string]: unknown } = { ...mine };
      for (const [name, condition] of Object.entries(value as object)) {
        if (name in merged && JSON.stringify(wire(merged[name])) !== JSON.stringify(wire(condition))) {
          problems.push(conflict(`${field}.${key}.${name}`, merged[name], condition));
        }
        merged[name] = condition;
      }
      result[key] = merged;
    } else if (mine !== undefined && JSON.stringify(wire(mine)) !== JSON.stringify(wire(value))) {
      problems.push(conflict(`${field}.${key}`, mine, value));
    } else {
      result[key] = value;
    }
  }
  return result as HttpMatch;
}

/** A condition as Istio reads it (a StringMatch as `{ exact: ... }`), for comparisons and messages. */
function wire(value: any): unknown {
  return typeof value?._render === 'function' ? value._render() : value;
}

function conflict(field: string, outer: unknown, inner: unknown): Problem {
  return {
    field,
    value: wire(inner),
    problem: `is also set by the route's own match (${JSON.stringify(wire(outer))}), and a request cannot satisfy both`,
    fix: 'match on another field (e.g. the path on the route, a header in the release\'s rule), or drop one of them',
    symptom: 'the combined route would never match',
  };
}
