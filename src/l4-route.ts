import { Problem } from './private/errors';
import { wildcardHostProblem } from './private/rules';
import { RouteDestination, renderRouteDestinations, routeDestinationsProblems } from './route-destination';
import { l4MatchProblems, renderL4Match, TcpMatch, TlsMatch } from './route-match';

/**
 * A route for opaque TCP traffic: conditions and weighted destinations.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#TCPRoute
 */
export interface TcpRouteOptions {
  /**
   * Conditions; the route applies when any of them holds.
   *
   * @default - every connection (such a route must be the last TCP route)
   */
  readonly match?: TcpMatch[];

  /** Weighted destinations to forward connections to (at least one). */
  readonly route: RouteDestination[];
}

/**
 * A route for TLS traffic that is passed through unterminated, chosen by SNI: conditions and weighted
 * destinations.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#TLSRoute
 */
export interface TlsRouteOptions {
  /** Conditions (at least one); the route applies when any of them holds. */
  readonly match: TlsMatch[];

  /** Weighted destinations to forward connections to (at least one). */
  readonly route: RouteDestination[];
}

/** What is wrong with a TCP route at `field` (`tcp[i]`). @internal */
export function tcpRouteProblems(field: string, r: TcpRouteOptions): Problem[] {
  const problems: Problem[] = [];
  (r.match ?? []).forEach((m, i) => problems.push(...l4MatchProblems(`${field}.match[${i}]`, m)));
  problems.push(...requiredRouteProblems(field, r.route, 'TCP'));
  return problems;
}

/** What is wrong with a TLS route at `field` (`tls[i]`), on its own (the VirtualService checks SNI against its hosts). @internal */
export function tlsRouteProblems(field: string, r: TlsRouteOptions): Problem[] {
  const problems: Problem[] = [];
  if (r.match.length === 0) {
    problems.push({ field: `${field}.match`, problem: 'is empty; a TLS route needs at least one match with sniHosts', fix: 'add match: [{ sniHosts: ["..."] }]' });
  }
  r.match.forEach((m, i) => {
    const matchField = `${field}.match[${i}]`;
    if (m.sniHosts.length === 0) {
      problems.push({ field: `${matchField}.sniHosts`, problem: 'is empty', fix: 'list the SNI names this route takes, e.g. ["db.example.com"]' });
    }
    m.sniHosts.forEach((h, j) => {
      const problem = wildcardHostProblem(h);
      if (problem) problems.push({ field: `${matchField}.sniHosts[${j}]`, value: h, problem, fix: 'use a DNS name such as "db.example.com" or "*.example.com"' });
    });
    problems.push(...l4MatchProblems(matchField, m));
  });
  problems.push(...requiredRouteProblems(field, r.route, 'TLS'));
  return problems;
}

/** The wire form of a TCP route. @internal */
export function renderTcpRoute(r: TcpRouteOptions): any {
  return { match: r.match?.map(m => renderL4Match(m)), route: renderRouteDestinations(r.route) };
}

/** The wire form of a TLS route. @internal */
export function renderTlsRoute(r: TlsRouteOptions): any {
  return { match: r.match.map(m => renderL4Match(m, m.sniHosts)), route: renderRouteDestinations(r.route) };
}

function requiredRouteProblems(field: string, route: RouteDestination[], kind: string): Problem[] {
  if (route.length === 0) {
    return [{
      field: `${field}.route`,
      problem: `is empty; a ${kind} route needs at least one destination`,
      fix: 'add route: [{ host: "..." }]',
      symptom: `the webhook rejects the VirtualService ("${kind} route is required")`,
    }];
  }
  return routeDestinationsProblems(`${field}.route`, route);
}
