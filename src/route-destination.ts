import { HttpHeaders, httpHeadersProblems, renderHttpHeaders } from './http-headers';
import { Problem } from './private/errors';
import { dnsLabelProblem, percentProblem, portProblem, wildcardHostProblem } from './private/rules';

/**
 * A service that a TCP or TLS route sends connections to, with its share of the traffic.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#RouteDestination
 */
export interface RouteDestination {
  /**
   * The destination host: a Kubernetes Service (`reviews`, resolved in the VirtualService's namespace, or
   * `reviews.prod.svc.cluster.local`) or a ServiceEntry host.
   */
  readonly host: string;

  /**
   * A subset defined by a DestinationRule for `host`.
   *
   * @default - every endpoint of the host
   */
  readonly subset?: string;

  /**
   * The destination port. Required when the Service or ServiceEntry has several ports.
   *
   * @default - the host's only port
   */
  readonly port?: number;

  /**
   * The relative share of traffic (weights need not add up to 100; a destination without weight counts as 0
   * when there are several).
   *
   * @default - all traffic when this is the only destination
   */
  readonly weight?: number;
}

/**
 * A destination of an HTTP route: a {@link RouteDestination} with header changes that apply only to the
 * requests sent to it.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRouteDestination
 */
export interface HttpRouteDestination extends RouteDestination {
  /**
   * Header changes for requests sent to this destination and their responses.
   *
   * @default - none
   */
  readonly headers?: HttpHeaders;
}

/**
 * Where an HTTP route copies requests to (fire and forget: responses are discarded).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMirrorPolicy
 */
export interface HttpMirror {
  /** The host to copy requests to (same forms as {@link RouteDestination.host}). */
  readonly host: string;

  /**
   * A subset defined by a DestinationRule for `host`.
   *
   * @default - every endpoint of the host
   */
  readonly subset?: string;

  /**
   * The port, required when the host has several.
   *
   * @default - the host's only port
   */
  readonly port?: number;

  /**
   * The percentage of requests to copy, 0 to 100.
   *
   * @default 100
   */
  readonly percentage?: number;
}

/** What is wrong with a destination (host, subset, port) at `field` (`...destination`). @internal */
export function destinationProblems(field: string, d: { host: string; subset?: string; port?: number }): Problem[] {
  const problems: Problem[] = [];
  if (d.host === '*') {
    problems.push({
      field: `${field}.host`,
      value: d.host,
      problem: 'must name one service, not "*"',
      fix: 'use the Service name (e.g. "reviews") or its FQDN (e.g. "reviews.prod.svc.cluster.local")',
    });
  } else {
    const problem = wildcardHostProblem(d.host);
    if (problem) {
      problems.push({
        field: `${field}.host`,
        value: d.host,
        problem,
        fix: 'use a Service name, a Service FQDN or a ServiceEntry host (not an IP address)',
      });
    }
  }
  if (d.subset !== undefined) {
    const problem = dnsLabelProblem(d.subset);
    if (problem) {
      problems.push({ field: `${field}.subset`, value: d.subset, problem, fix: 'use the name of a DestinationRule subset, such as "v1"' });
    }
  }
  if (d.port !== undefined) {
    const problem = portProblem(d.port);
    if (problem) problems.push({ field: `${field}.port.number`, value: d.port, problem, fix: 'use the Service port number' });
  }
  return problems;
}

/**
 * What is wrong with a list of weighted destinations at `field` (`http[i].route`, `tcp[i].route`...): each
 * destination, each weight, and the total.
 * @internal
 */
export function routeDestinationsProblems(field: string, route: RouteDestination[]): Problem[] {
  const problems: Problem[] = [];
  route.forEach((d, i) => {
    problems.push(...destinationProblems(`${field}[${i}].destination`, d));
    if (d.weight !== undefined && (!Number.isInteger(d.weight) || d.weight < 0)) {
      problems.push({
        field: `${field}[${i}].weight`,
        value: d.weight,
        problem: 'must be a whole number, 0 or more',
        fix: 'use a relative weight such as 80 (weights need not add up to 100)',
      });
    }
    const headers = (d as HttpRouteDestination).headers;
    if (headers) problems.push(...httpHeadersProblems(`${field}[${i}].headers`, headers));
  });
  if (route.length > 1 && route.every(d => (d.weight ?? 0) <= 0)) {
    problems.push({
      field,
      value: route.map(d => d.weight ?? 0),
      problem: `has ${route.length} destinations whose weights add up to 0 (a destination without weight counts as 0)`,
      fix: 'give at least one destination a positive weight, e.g. 90 and 10',
      symptom: 'the webhook rejects the VirtualService ("total destination weight = 0")',
    });
  }
  return problems;
}

/**
 * What is wrong with a mirror: its destination at `destinationField` (`http[i].mirror`, `http[i].mirrors[k].destination`)
 * and its percentage at `percentageField`.
 * @internal
 */
export function mirrorProblems(destinationField: string, percentageField: string, m: HttpMirror): Problem[] {
  const problems = destinationProblems(destinationField, m);
  if (m.percentage !== undefined) {
    const problem = percentProblem(m.percentage);
    if (problem) problems.push({ field: percentageField, value: m.percentage, problem, fix: 'use a percentage such as 10' });
  }
  return problems;
}

/** The wire form of a destination. @internal */
export function renderDestination(d: { host: string; subset?: string; port?: number }): any {
  return { host: d.host, subset: d.subset, port: d.port === undefined ? undefined : { number: d.port } };
}

/** The wire form of a weighted destination list. @internal */
export function renderRouteDestinations(route: RouteDestination[]): any[] {
  return route.map(d => ({
    destination: renderDestination(d),
    weight: d.weight,
    headers: renderHttpHeaders((d as HttpRouteDestination).headers),
  }));
}
