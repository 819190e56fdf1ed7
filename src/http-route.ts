import { Duration } from 'cdk8s';
import { CorsPolicy, corsPolicyProblems, renderCorsPolicy } from './cors-policy';
import { HttpFault, httpFaultProblems, renderHttpFault } from './http-fault';
import { authorityHeaderValues, HttpHeaders, httpHeadersProblems, renderHttpHeaders } from './http-headers';
import { HttpRetry, httpRetryProblems, renderHttpRetry } from './http-retry';
import { durationProblem, istioDuration } from './private/duration';
import { Problem } from './private/errors';
import { IstioRelease } from './private/istio-version';
import { re2Issue } from './private/re2';
import { k8sLabelNameProblem, objectNameProblem, portProblem } from './private/rules';
import {
  HttpMirror, HttpRouteDestination, mirrorProblems, renderDestination, renderRouteDestinations, routeDestinationsProblems,
} from './route-destination';
import { HttpMatch, httpMatchProblems, renderHttpMatch } from './route-match';

/** The scheme of a redirect. */
export enum RedirectScheme {
  /** `http` */
  HTTP = 'http',
  /** `https` */
  HTTPS = 'https',
}

/** Where a redirect takes its port from, instead of a fixed port. */
export enum RedirectPortSelection {
  /** 80 for http, 443 for https. */
  FROM_PROTOCOL_DEFAULT = 'FROM_PROTOCOL_DEFAULT',
  /** The port of the request. */
  FROM_REQUEST_PORT = 'FROM_REQUEST_PORT',
}

/**
 * Answer requests with an HTTP redirect instead of forwarding them. Set at least one of `uri`, `authority`,
 * `port`, `derivePort` or `scheme`; the others keep the request's value.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRedirect
 */
export interface HttpRedirect {
  /**
   * The path to redirect to.
   *
   * @default - the request's path
   */
  readonly uri?: string;

  /**
   * The authority (host) to redirect to.
   *
   * @default - the request's authority
   */
  readonly authority?: string;

  /**
   * The port to redirect to.
   *
   * @default - the request's port (see `derivePort`)
   */
  readonly port?: number;

  /**
   * Derive the port instead of fixing it. Not together with `port`.
   *
   * @default - the request's port
   */
  readonly derivePort?: RedirectPortSelection;

  /**
   * The scheme to redirect to.
   *
   * @default - the request's scheme
   */
  readonly scheme?: RedirectScheme;

  /**
   * The redirect status code, 300 to 399.
   *
   * @default 301
   */
  readonly redirectCode?: number;
}

/**
 * Answer requests with a fixed response instead of forwarding them.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPDirectResponse
 */
export interface HttpDirectResponse {
  /** The HTTP status, 200 to 600. */
  readonly status: number;

  /**
   * The response body (at most 1 MiB).
   *
   * @default - no body
   */
  readonly body?: string;
}

/**
 * Hand the request over to another VirtualService, which must be a delegate (one without `hosts`).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#Delegate
 */
export interface HttpDelegate {
  /** The delegate VirtualService's `metadata.name`. */
  readonly name: string;

  /**
   * The delegate VirtualService's namespace.
   *
   * @default - this VirtualService's namespace
   */
  readonly namespace?: string;
}

/** A regular-expression rewrite of the path. */
export interface RegexRewrite {
  /** The RE2 expression to find in the path. */
  readonly match: string;

  /** The replacement; `\1`-style references name capture groups of `match`. */
  readonly rewrite: string;
}

/**
 * Rewrite the request before forwarding it. Set at least one field; `uri` and `uriRegexRewrite` exclude each
 * other.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRewrite
 */
export interface HttpRewrite {
  /**
   * Replaces the part of the path that the route's `uri` match matched (the whole path for `exact`, the prefix for
   * `prefix`).
   *
   * @default - the path is kept
   */
  readonly uri?: string;

  /**
   * Rewrites the path with a regular expression.
   *
   * @default - the path is kept
   */
  readonly uriRegexRewrite?: RegexRewrite;

  /**
   * Replaces the authority (Host header).
   *
   * @default - the authority is kept
   */
  readonly authority?: string;
}

/**
 * One HTTP route of a VirtualService: conditions (`match`) and what to do with matching requests: forward them
 * to weighted destinations (`route`), answer with a `redirect` or a `directResponse`, or hand them to a `delegate`
 * VirtualService. Routes are evaluated in order and the first match wins.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute
 */
export interface HttpRouteOptions {
  /**
   * A name for the route, shown in access logs and Envoy statistics.
   *
   * @default - unnamed
   */
  readonly name?: string;

  /**
   * Conditions; the route applies when any of them holds.
   *
   * @default - every request (such a route must be the last one)
   */
  readonly match?: HttpMatch[];

  /**
   * Weighted destinations to forward requests to.
   *
   * @default - none: set `redirect`, `directResponse` or `delegate` instead
   */
  readonly route?: HttpRouteDestination[];

  /**
   * Answer with a redirect.
   *
   * @default - no redirect
   */
  readonly redirect?: HttpRedirect;

  /**
   * Answer with a fixed response.
   *
   * @default - no direct response
   */
  readonly directResponse?: HttpDirectResponse;

  /**
   * Hand requests to a delegate VirtualService.
   *
   * @default - no delegation
   */
  readonly delegate?: HttpDelegate;

  /**
   * Rewrite the path or authority before forwarding.
   *
   * @default - no rewrite
   */
  readonly rewrite?: HttpRewrite;

  /**
   * The timeout for the whole request, including retries.
   *
   * @default - Istio's default (no timeout)
   */
  readonly timeout?: Duration;

  /**
   * The retry policy.
   *
   * @default - Istio's default (2 attempts on connect failures and refused streams)
   */
  readonly retries?: HttpRetry;

  /**
   * Faults to inject.
   *
   * @default - none
   */
  readonly fault?: HttpFault;

  /**
   * Copy requests to one other destination. Use `mirrors` for several.
   *
   * @default - no mirroring
   */
  readonly mirror?: HttpMirror;

  /**
   * Copy requests to several destinations. Not together with `mirror`.
   *
   * @default - no mirroring
   */
  readonly mirrors?: HttpMirror[];

  /**
   * The CORS policy.
   *
   * @default - no CORS handling
   */
  readonly corsPolicy?: CorsPolicy;

  /**
   * Header changes for every request this route forwards and its responses.
   *
   * @default - none
   */
  readonly headers?: HttpHeaders;
}

const ONE_MIB = 1024 * 1024;

/** What is wrong with an HTTP route at `field` (`http[i]`), on its own, for the target Istio `release`. @internal */
export function httpRouteProblems(field: string, r: HttpRouteOptions, release: IstioRelease): Problem[] {
  const problems: Problem[] = [];
  problems.push(...actionProblems(field, r));
  (r.match ?? []).forEach((m, i) => problems.push(...httpMatchProblems(`${field}.match[${i}]`, m)));
  if (r.route) problems.push(...routeDestinationsProblems(`${field}.route`, r.route));
  if (r.redirect) problems.push(...redirectProblems(`${field}.redirect`, r.redirect));
  if (r.directResponse) problems.push(...directResponseProblems(`${field}.directResponse`, r.directResponse));
  if (r.delegate) problems.push(...delegateProblems(`${field}.delegate`, r.delegate));
  if (r.rewrite) problems.push(...rewriteProblems(`${field}.rewrite`, r));
  if (r.timeout) {
    const problem = durationProblem(r.timeout);
    if (problem) problems.push({ field: `${field}.timeout`, value: r.timeout.toHumanString(), problem, fix: 'use e.g. Duration.seconds(10)' });
  }
  if (r.retries) problems.push(...httpRetryProblems(`${field}.retries`, r.retries, release));
  if (r.fault) problems.push(...httpFaultProblems(`${field}.fault`, r.fault));
  if (r.mirror && r.mirrors) {
    problems.push({
      field: `${field}.mirrors`,
      problem: 'is set together with mirror',
      fix: 'put every mirror in mirrors (each with its own percentage) and drop mirror',
      symptom: 'the webhook rejects the VirtualService',
    });
  }
  if (r.mirror) problems.push(...mirrorProblems(`${field}.mirror`, `${field}.mirrorPercentage.value`, r.mirror));
  (r.mirrors ?? []).forEach((m, i) => {
    problems.push(...mirrorProblems(`${field}.mirrors[${i}].destination`, `${field}.mirrors[${i}].percentage.value`, m));
  });
  if (r.corsPolicy) problems.push(...corsPolicyProblems(`${field}.corsPolicy`, r.corsPolicy));
  if (r.headers) problems.push(...httpHeadersProblems(`${field}.headers`, r.headers));
  problems.push(...authorityProblems(field, r));
  return problems;
}

/** The wire form of an HTTP route. @internal */
export function renderHttpRoute(r: HttpRouteOptions): any {
  const redirect = r.redirect && {
    uri: r.redirect.uri,
    authority: r.redirect.authority,
    port: r.redirect.port,
    derivePort: r.redirect.derivePort,
    scheme: r.redirect.scheme,
    redirectCode: r.redirect.redirectCode,
  };
  const rewrite = r.rewrite && {
    uri: r.rewrite.uri,
    uriRegexRewrite: r.rewrite.uriRegexRewrite && { match: r.rewrite.uriRegexRewrite.match, rewrite: r.rewrite.uriRegexRewrite.rewrite },
    authority: r.rewrite.authority,
  };
  return {
    name: r.name,
    match: r.match?.map(renderHttpMatch),
    route: r.route && renderRouteDestinations(r.route),
    redirect,
    directResponse: r.directResponse && {
      status: r.directResponse.status,
      body: r.directResponse.body === undefined ? undefined : { string: r.directResponse.body },
    },
    delegate: r.delegate && { name: r.delegate.name, namespace: r.delegate.namespace },
    rewrite,
    timeout: r.timeout && istioDuration(r.timeout),
    retries: renderHttpRetry(r.retries),
    fault: renderHttpFault(r.fault),
    mirror: r.mirror && renderDestination(r.mirror),
    mirrorPercentage: r.mirror?.percentage === undefined ? undefined : { value: r.mirror.percentage },
    mirrors: r.mirrors?.map(m => ({
      destination: renderDestination(m),
      percentage: m.percentage === undefined ? undefined : { value: m.percentage },
    })),
    corsPolicy: renderCorsPolicy(r.corsPolicy),
    headers: renderHttpHeaders(r.headers),
  };
}

/** Exactly one of route, redirect, directResponse or delegate; redirects and direct responses take no fault or rewrite. */
function actionProblems(field: string, r: HttpRouteOptions): Problem[] {
  const actions = {
    route: (r.route?.length ?? 0) > 0,
    redirect: r.redirect !== undefined,
    directResponse: r.directResponse !== undefined,
    delegate: r.delegate !== undefined,
  };
  const set = Object.entries(actions).filter(([, on]) => on).map(([name]) => name);
  if (set.length === 0) {
    return [{
      field,
      problem: 'has none of route, redirect, directResponse or delegate, so it does not say what to do with a matching request',
      fix: 'add route: [{ host: ... }], a redirect, a directResponse or a delegate',
      symptom: 'the webhook rejects the VirtualService ("HTTP route, redirect or direct_response is required")',
    }];
  }
  const problems: Problem[] = [];
  const conflicts: Array<[string, string]> = [];
  for (let i = 0; i < set.length; i++) {
    for (let j = i + 1; j < set.length; j++) conflicts.push([set[i], set[j]]);
  }
  for (const answer of ['redirect', 'directResponse'] as const) {
    if (!actions[answer]) continue;
    if (r.fault) conflicts.push([answer, 'fault']);
    if (r.rewrite) conflicts.push([answer, 'rewrite']);
  }
  for (const [a, b] of conflicts) {
    problems.push({
      field,
      problem: `sets both ${a} and ${b}, which cannot be combined: a route either forwards (route), answers itself `
        + '(redirect, directResponse) or delegates, and only forwarded requests can be rewritten or faulted',
      fix: `keep one of ${a} and ${b}, or split them into two routes with different matches`,
      symptom: 'the webhook rejects the VirtualService',
    });
  }
  return problems;
}

function redirectProblems(field: string, r: HttpRedirect): Problem[] {
  const problems: Problem[] = [];
  if (r.uri === undefined && r.authority === undefined && r.port === undefined && r.derivePort === undefined && r.scheme === undefined) {
    problems.push({
      field,
      problem: 'changes nothing (none of uri, authority, port, derivePort or scheme is set)',
      fix: 'set where to redirect to, e.g. { scheme: RedirectScheme.HTTPS }',
      symptom: 'the webhook rejects the VirtualService',
    });
  }
  if (r.port !== undefined && r.derivePort !== undefined) {
    problems.push({ field: `${field}.derivePort`, value: r.derivePort, problem: 'is set together with port', fix: 'keep either a fixed port or derivePort' });
  }
  if (r.port !== undefined) {
    const problem = portProblem(r.port);
    if (problem) problems.push({ field: `${field}.port`, value: r.port, problem, fix: 'use a port such as 443' });
  }
  if (r.redirectCode !== undefined && (!Number.isInteger(r.redirectCode) || r.redirectCode < 300 || r.redirectCode > 399)) {
    problems.push({ field: `${field}.redirectCode`, value: r.redirectCode, problem: 'must be a 3xx status (300 to 399)', fix: 'use 301, 302, 307 or 308' });
  }
  return problems;
}

function directResponseProblems(field: string, d: HttpDirectResponse): Problem[] {
  const problems: Problem[] = [];
  if (!Number.isInteger(d.status) || d.status < 200 || d.status > 600) {
    problems.push({ field: `${field}.status`, value: d.status, problem: 'must be a whole number from 200 to 600', fix: 'use a status such as 200, 404 or 503' });
  }
  if (d.body !== undefined && Buffer.byteLength(d.body, 'utf8') > ONE_MIB) {
    problems.push({
      field: `${field}.body.string`,
      value: `${Buffer.byteLength(d.body, 'utf8')} bytes`,
      problem: 'must be at most 1 MiB',
      fix: 'serve large bodies from a workload instead',
    });
  }
  return problems;
}

function delegateProblems(field: string, d: HttpDelegate): Problem[] {
  const problems: Problem[] = [];
  const nameProblem = objectNameProblem(d.name);
  if (nameProblem) problems.push({ field: `${field}.name`, value: d.name, problem: nameProblem, fix: 'use the delegate VirtualService\'s metadata.name' });
  if (d.namespace !== undefined) {
    const nsProblem = k8sLabelNameProblem(d.namespace);
    if (nsProblem) problems.push({ field: `${field}.namespace`, value: d.namespace, problem: nsProblem, fix: 'use the delegate VirtualService\'s namespace' });
  }
  return problems;
}

function rewriteProblems(field: string, r: HttpRouteOptions): Problem[] {
  const rw = r.rewrite!;
  const problems: Problem[] = [];
  if (rw.uri !== undefined && rw.uriRegexRewrite !== undefined) {
    problems.push({
      field: `${field}.uriRegexRewrite`,
      problem: 'is set together with rewrite.uri',
      fix: 'use either uri (replace the matched prefix) or uriRegexRewrite',
      symptom: 'the webhook rejects the VirtualService',
    });
  }
  if (rw.uri === undefined && rw.uriRegexRewrite === undefined && rw.authority === undefined) {
    problems.push({ field, problem: 'changes nothing (none of uri, uriRegexRewrite or authority is set)', fix: 'set what to rewrite, or drop rewrite' });
  }
  if (rw.uriRegexRewrite) {
    const issue = re2Issue(rw.uriRegexRewrite.match);
    if (issue) problems.push({ field: `${field}.uriRegexRewrite.match`, value: rw.uriRegexRewrite.match, ...issue });
  }
  return problems;
}

/** Envoy has one authority rewrite per route: rewrite.authority or a request ":authority"/"host" header, once. */
function authorityProblems(field: string, r: HttpRouteOptions): Problem[] {
  const authorities = [...(r.rewrite?.authority !== undefined ? [r.rewrite.authority] : []), ...authorityHeaderValues(r.headers)];
  if (authorities.length <= 1) return [];
  return [{
    field: r.rewrite?.authority !== undefined ? `${field}.rewrite.authority` : `${field}.headers.request`,
    value: authorities,
    problem: 'sets the authority more than once (rewrite.authority and/or request headers ":authority" or "host")',
    fix: 'set the authority in one place only, preferably rewrite.authority',
    symptom: 'the webhook rejects the VirtualService ("authority header cannot be set multiple times")',
  }];
}
