import { Problem } from '../errors';
import { gatewayApiViews, MATCHES_PROP, PARENTS_PROP, routeHosts, routeProp, RouteView } from './gateway-api-model';
import { MeshAnalysis } from './model';

/**
 * Two Gateway API routes on the same Gateway parent (and listener) for the same hostname with the same match: the
 * Gateway API gives the request to the oldest route by creation time, then to the first by `{namespace}/{name}`
 * alphabetically (gateway-api HTTPRouteRule: "If ties still exist across multiple Routes, matching precedence MUST be
 * determined in order of ... the oldest Route based on creation timestamp ... the Route appearing first in
 * alphabetical order by {namespace}/{name}"). Applied together, which route was created first is an accident, so the
 * second route's rule is dead or, worse, wins by accident. Within one route, a rule whose match an earlier rule has
 * is never used. TLSRoutes conflict on a hostname, TCPRoutes on a listener (they have no match).
 *
 * Reported once per pair, on the route that sorts last (the one that loses on a creation-time tie). Linear: routes are
 * looked up by `gateway|listener|kind family|hostname`.
 */
export function gatewayApiRouteConflictProblems(a: MeshAnalysis, route: RouteView): Problem[] {
  const problems: Problem[] = [];
  const views = gatewayApiViews(a);
  const id = (r: RouteView) => `${r.object.namespace}/${r.object.name}`;
  const mine = matchKeys(route);
  // Within the route: a rule whose every match an earlier rule has.
  const seen = new Set<string>();
  route.rules.forEach((rule, i) => {
    const keys = mine[i];
    if (keys.every(k => seen.has(k))) {
      problems.push({
        field: `${rule.field}.matches`,
        problem: 'matches only requests an earlier rule of this route matches the same way',
        fix: 'merge the rules, or make the match of this one differ',
        symptom: 'the rule never applies',
        prop: routeProp(MATCHES_PROP, route.object.kind),
      });
    }
    keys.forEach(k => seen.add(k));
  });
  const reported = new Set<string>();
  for (const p of route.parents.filter(x => x.kind === 'Gateway')) {
    for (const host of routeHosts(route)) {
      for (const other of views.routesOn(p, route.object.kind, host)) {
        if (other === route || reported.has(id(other)) || id(other) > id(route) || other.object.kind !== route.object.kind) continue;
        const theirs = new Set(matchKeys(other).flat());
        const shared = mine.flat().find(k => theirs.has(k));
        if (shared === undefined) continue;
        reported.add(id(other));
        problems.push({
          field: p.field,
          value: `${p.namespace}/${p.name}${p.sectionName ? `/${p.sectionName}` : ''}`,
          problem: `attaches ${route.object.kind} rules for "${host}" with a match (${shared}) that ${route.object.kind} ${id(other)} at ${other.object.path} also has on this parent`,
          fix: 'route these requests in one of the two routes only, or give the routes different hostnames or matches',
          symptom: `the older route takes the requests and, when both are created at once, ${id(other)} (first alphabetically); the other route's rule is dead`,
          prop: PARENTS_PROP,
        });
      }
    }
  }
  return problems;
}

/** Per rule, the keys of its matches (a rule without matches matches everything: `PathPrefix /` for HTTP). */
function matchKeys(route: RouteView): string[][] {
  const kind = route.object.kind;
  if (kind === 'TLSRoute' || kind === 'TCPRoute') return route.rules.map(() => ['every connection']);
  return route.rules.map(rule => {
    const matches = rule.matches.length > 0 ? rule.matches : [{}];
    return matches.map(m => kind === 'HTTPRoute' ? httpMatchKey(m) : grpcMatchKey(m));
  });
}

function httpMatchKey(m: any): string {
  const path = m.path ?? { type: 'PathPrefix', value: '/' };
  const parts = [`${path.type ?? 'PathPrefix'} ${path.value ?? '/'}`];
  if (m.method) parts.push(`method ${m.method}`);
  parts.push(...valueKeys('header', m.headers, true), ...valueKeys('query', m.queryParams, false));
  return parts.join(', ');
}

function grpcMatchKey(m: any): string {
  const method = m.method ?? {};
  return [`${method.type ?? 'Exact'} ${method.service ?? '*'}/${method.method ?? '*'}`, ...valueKeys('header', m.headers, true)].join(', ');
}

function valueKeys(what: string, list: any[] | undefined, caseInsensitive: boolean): string[] {
  return (list ?? [])
    .map(v => `${what} ${caseInsensitive ? String(v.name).toLowerCase() : v.name} ${v.type ?? 'Exact'} ${v.value}`)
    .sort();
}
