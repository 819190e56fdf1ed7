import { Problem } from '../errors';

/** The VirtualServiceProps prop of each kind of route, which messages about the routes name. */
export const ROUTE_PROPS = { http: 'VirtualServiceProps.http', tcp: 'VirtualServiceProps.tcp', tls: 'VirtualServiceProps.tls' } as const;
export type RouteKind = keyof typeof ROUTE_PROPS;

/**
 * Istio's unreachable-rule analysis (IST0130/IST0131) over rendered routes: a match-less route before others, a
 * match identical to an earlier route's, and (HTTP) a URI covered by an earlier route's prefix with otherwise
 * identical conditions. Istio only warns; requests silently go to the earlier route, so these are errors here.
 *
 * A route also takes all traffic when one of its matches has only empty conditions (`sourceLabels: {}`,
 * `headers: {}`, `{}` itself, a `uri` StringMatch without a value...): istiod translates an empty condition to no
 * condition (`pilot/pkg/networking/core/route/route.go`, `translateRouteMatch`).
 */
export function unreachableRouteProblems(kind: RouteKind, routes: any[]): Problem[] {
  const problems: Problem[] = [];
  const seen: Array<{ key: string; rest: string; uri?: any; at: string; route: number }> = [];
  const emptyAt = routes.map(r => ((r.match ?? []) as any[]).findIndex(matchesEverything));
  const catchAll = routes.findIndex((r, i) => !r.match || r.match.length === 0 || emptyAt[i] >= 0);
  if (catchAll >= 0 && catchAll < routes.length - 1) {
    const later = routes.slice(catchAll + 1).map((_r, i) => `${kind}[${catchAll + 1 + i}]`);
    const noMatch = !routes[catchAll].match || routes[catchAll].match.length === 0;
    problems.push(noMatch ? {
      field: `${kind}[${catchAll}].match`,
      problem: `is empty, so this route takes all traffic and the routes after it (${later.join(', ')}) are never used`,
      fix: `move this route to the end of ${kind}, or give it a match`,
      symptom: 'requests meant for the later routes silently go to this route\'s destinations (IST0130)',
      prop: ROUTE_PROPS[kind],
    } : {
      field: `${kind}[${catchAll}].match[${emptyAt[catchAll]}]`,
      value: routes[catchAll].match[emptyAt[catchAll]],
      problem: `has only empty conditions, which match every request, so this route takes all traffic and the routes after it (${later.join(', ')}) `
        + 'are never used',
      fix: 'give the condition a value (e.g. sourceLabels: { app: "web" }, or a StringMatch with exact, prefix or regex), or remove the match',
      symptom: 'requests meant for the later routes silently go to this route\'s destinations (IST0130)',
      prop: ROUTE_PROPS[kind],
    });
  }
  const last = catchAll >= 0 ? catchAll : routes.length - 1;
  for (let i = 0; i <= last; i++) {
    const matches: any[] = routes[i].match ?? [];
    let shadowed = 0;
    const found: Problem[] = [];
    matches.forEach((m, j) => {
      const at = `${kind}[${i}].match[${j}]`;
      // Names and stat prefixes only label a match; they do not change what it matches.
      const { name: _name, statPrefix: _statPrefix, uri, ...rest } = m;
      const key = canonical({ ...rest, uri });
      const restKey = canonical(rest);
      const duplicate = seen.find(s => s.key === key && s.route !== i);
      if (duplicate) {
        shadowed++;
        found.push({
          field: at,
          problem: `is the same as ${duplicate.at}, which is checked first, so it never applies`,
          fix: 'remove it, or make it more specific than the earlier match (routes are tried in order)',
          symptom: `matching requests go to ${kind}[${duplicate.route}] instead (IST0131)`,
          prop: ROUTE_PROPS[kind],
        });
        return;
      }
      const cover = kind === 'http' ? seen.find(s => s.route !== i && s.rest === restKey && prefixCovers(s.uri, uri, m.ignoreUriCase)) : undefined;
      if (cover) {
        shadowed++;
        const earlier = cover.uri === undefined ? `${cover.at}, which has no uri condition` : `the earlier prefix "${cover.uri.prefix}" of ${cover.at}`;
        found.push({
          field: `${at}.uri`,
          value: uri,
          problem: `is covered by ${earlier} and the same other conditions, so it never applies`,
          fix: `move this route above ${kind}[${cover.route}], or make the earlier prefix more specific`,
          symptom: `these requests silently go to ${kind}[${cover.route}]'s destinations (IST0131)`,
          prop: ROUTE_PROPS[kind],
        });
        return;
      }
      seen.push({ key, rest: restKey, uri, at, route: i });
    });
    if (matches.length > 0 && shadowed === matches.length) {
      found.forEach(p => problems.push({ ...p, problem: `${p.problem}; no match of ${kind}[${i}] can apply, so the route is never used (IST0130)` }));
    } else {
      problems.push(...found);
    }
  }
  return problems;
}

/**
 * Whether an earlier `uri` match (a prefix, or none: any path) takes every request a later `uri` match (a prefix
 * or an exact path) would. Regular expressions are not compared.
 */
function prefixCovers(earlier: any, later: any, ignoreCase: boolean | undefined): boolean {
  const earlierPrefix = earlier === undefined ? '' : earlier.prefix;
  const laterValue = later?.prefix ?? later?.exact;
  if (earlierPrefix === undefined || laterValue === undefined) return false;
  const fold = (v: string) => (ignoreCase ? v.toLowerCase() : v);
  return fold(laterValue).startsWith(fold(earlierPrefix));
}

/** JSON with sorted keys and without undefined values, to compare matches the way Istio does. */
function canonical(value: any): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).filter(k => value[k] !== undefined).sort();
    return `{${keys.map(k => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Keys of a match that only label it or change how other conditions compare; they match nothing by themselves. */
const LABEL_KEYS = ['name', 'statPrefix', 'ignoreUriCase'];

/** Whether a rendered match has only empty conditions (none at all, `{}` maps, StringMatches without a value). */
function matchesEverything(m: any): boolean {
  if (m === null || typeof m !== 'object') return false;
  return Object.entries(m).every(([key, value]) => LABEL_KEYS.includes(key) || value === undefined
    || (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0));
}
