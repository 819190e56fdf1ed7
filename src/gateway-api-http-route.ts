import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { GatewayApiBackend } from './gateway-api-refs';
import { GatewayApiHostnameRouteProps, GatewayApiRoute } from './gateway-api-route';
import { HeaderOperations } from './http-headers';
import { RedirectScheme } from './http-route';
import { Problem, throwIfProblems } from './private/errors';
import {
  gatewayApiDuration, gatewayApiDurationProblem, gatewayApiHeaderNameProblem, gatewayApiHostnameProblem,
  headerModifierProblems, renderHeaderModifier,
} from './private/gateway-api';
import { percentProblem, portProblem } from './private/rules';
import { checkArgs, checkShape } from './private/shape';
import { StringMatch } from './string-match';

/**
 * An HTTP method a Gateway API route matches.
 */
export enum GatewayApiHttpMethod {
  /** GET */
  GET = 'GET',
  /** HEAD */
  HEAD = 'HEAD',
  /** POST */
  POST = 'POST',
  /** PUT */
  PUT = 'PUT',
  /** DELETE */
  DELETE = 'DELETE',
  /** CONNECT */
  CONNECT = 'CONNECT',
  /** OPTIONS */
  OPTIONS = 'OPTIONS',
  /** TRACE */
  TRACE = 'TRACE',
  /** PATCH */
  PATCH = 'PATCH',
}

/**
 * A header or query parameter match: the name, and `StringMatch.exact()` or `StringMatch.regex()` (RE2, the whole
 * value) for the value. The Gateway API has no prefix or presence match: use a regex.
 */
export interface GatewayApiValueMatch {
  /** The header or query parameter name (header names are case-insensitive; query parameter names are not). */
  readonly name: string;

  /** The value: `StringMatch.exact()` or `StringMatch.regex()`. */
  readonly value: StringMatch;
}

/**
 * What a request must look like for an HTTPRoute rule to apply. All fields must match (AND); a rule matches when any
 * of its matches does (OR).
 */
export interface GatewayApiHttpMatch {
  /**
   * The path: `StringMatch.exact()`, `StringMatch.prefix()` (whole path segments: `/api` matches `/api/v1`, not
   * `/apiv1`) or `StringMatch.regex()` (RE2).
   *
   * @default - any path (prefix `/`)
   */
  readonly path?: StringMatch;

  /**
   * Headers that must match.
   *
   * @default - none
   */
  readonly headers?: GatewayApiValueMatch[];

  /**
   * Query parameters that must match.
   *
   * @default - none
   */
  readonly queryParams?: GatewayApiValueMatch[];

  /**
   * The method.
   *
   * @default - any method
   */
  readonly method?: GatewayApiHttpMethod;
}

/**
 * Where a redirect sends the client. Unset fields keep the request's value.
 */
export interface GatewayApiRedirect {
  /**
   * The scheme.
   *
   * @default - the request's
   */
  readonly scheme?: RedirectScheme;

  /**
   * The host name.
   *
   * @default - the request's
   */
  readonly hostname?: string;

  /**
   * The port.
   *
   * @default - the scheme's well-known port when the scheme changes, else the request's
   */
  readonly port?: number;

  /**
   * Replace the whole path with this.
   *
   * @default - the path is kept
   */
  readonly replaceFullPath?: string;

  /**
   * Replace the matched path prefix with this (the rule needs exactly one `StringMatch.prefix()` path match).
   *
   * @default - the path is kept
   */
  readonly replacePrefixMatch?: string;

  /**
   * The status code: 301, 302, 303, 307 or 308.
   *
   * @default 302
   */
  readonly statusCode?: number;
}

/**
 * How the request is rewritten before it is forwarded. Unset fields are kept.
 */
export interface GatewayApiRewrite {
  /**
   * The `Host` header.
   *
   * @default - the request's
   */
  readonly hostname?: string;

  /**
   * Replace the whole path with this.
   *
   * @default - the path is kept
   */
  readonly replaceFullPath?: string;

  /**
   * Replace the matched path prefix with this (the rule needs exactly one `StringMatch.prefix()` path match).
   *
   * @default - the path is kept
   */
  readonly replacePrefixMatch?: string;
}

/**
 * How much of the traffic a mirror copies.
 */
export interface GatewayApiMirrorOptions {
  /**
   * The percentage of requests mirrored (0 to 100).
   *
   * @default 100
   */
  readonly percent?: number;
}

const REDIRECT_CODES: readonly number[] = [301, 302, 303, 307, 308];
const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/;

/**
 * A filter of an HTTPRoute (or GRPCRoute) rule: header changes, a redirect, a rewrite, a mirror.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httproutefilter
 */
export class GatewayApiHttpFilter {
  /**
   * Changes the request's headers before it is forwarded.
   *
   * @param operations headers to set, add and remove
   */
  public static requestHeaders(operations: HeaderOperations): GatewayApiHttpFilter {
    checkArgs('GatewayApiHttpFilter.requestHeaders', [operations]);
    return new GatewayApiHttpFilter('RequestHeaderModifier', { requestHeaderModifier: operations });
  }

  /**
   * Changes the response's headers before it is returned.
   *
   * @param operations headers to set, add and remove
   */
  public static responseHeaders(operations: HeaderOperations): GatewayApiHttpFilter {
    checkArgs('GatewayApiHttpFilter.responseHeaders', [operations]);
    return new GatewayApiHttpFilter('ResponseHeaderModifier', { responseHeaderModifier: operations });
  }

  /**
   * Answers with a redirect instead of forwarding (the rule then has no backends). HTTP→HTTPS:
   * `redirect({ scheme: RedirectScheme.HTTPS, statusCode: 301 })`.
   *
   * @param redirect where to redirect to
   */
  public static redirect(redirect: GatewayApiRedirect): GatewayApiHttpFilter {
    checkArgs('GatewayApiHttpFilter.redirect', [redirect]);
    return new GatewayApiHttpFilter('RequestRedirect', { requestRedirect: redirect });
  }

  /**
   * Rewrites the host or path before the request is forwarded.
   *
   * @param rewrite the new host name or path
   */
  public static rewrite(rewrite: GatewayApiRewrite): GatewayApiHttpFilter {
    checkArgs('GatewayApiHttpFilter.rewrite', [rewrite]);
    return new GatewayApiHttpFilter('URLRewrite', { urlRewrite: rewrite });
  }

  /**
   * Sends a copy of the requests to another backend (responses from it are ignored).
   *
   * @param backend where the copies go (its weight is ignored)
   * @param options how much is copied
   */
  public static mirror(backend: GatewayApiBackend, options: GatewayApiMirrorOptions = {}): GatewayApiHttpFilter {
    checkArgs('GatewayApiHttpFilter.mirror', [backend, options]);
    return new GatewayApiHttpFilter('RequestMirror', { requestMirror: { backend, percent: options.percent } });
  }

  private constructor(
    /** The filter's type, as the Gateway API names it (e.g. `RequestRedirect`). */
    public readonly type: string,
    private readonly settings: any,
  ) {}

  /** The mirror's backend, for a mirror filter. @internal */
  public get _mirrorBackend(): GatewayApiBackend | undefined {
    return this.settings.requestMirror?.backend;
  }

  /** The path a redirect or rewrite writes, when it replaces a prefix. @internal */
  public get _replacesPrefix(): boolean {
    const s = this.settings.requestRedirect ?? this.settings.urlRewrite;
    return s?.replacePrefixMatch !== undefined;
  }

  /** What is wrong with the filter at `field`. @internal */
  public _problems(field: string): Problem[] {
    const s = this.settings;
    if (s.requestHeaderModifier) return headerModifierProblems(`${field}.requestHeaderModifier`, s.requestHeaderModifier);
    if (s.responseHeaderModifier) return headerModifierProblems(`${field}.responseHeaderModifier`, s.responseHeaderModifier);
    if (s.requestMirror) {
      const problems = (s.requestMirror.backend as GatewayApiBackend)._problems(`${field}.requestMirror.backendRef`);
      const p = s.requestMirror.percent;
      const issue = p === undefined ? undefined : percentProblem(p) ?? (Number.isInteger(p) ? undefined : 'must be a whole number');
      if (issue) problems.push({ field: `${field}.requestMirror.percent`, value: p, problem: issue, fix: 'use a whole percentage from 0 to 100' });
      return problems;
    }
    const r: GatewayApiRedirect = s.requestRedirect ?? s.urlRewrite;
    const sub = s.requestRedirect ? 'requestRedirect' : 'urlRewrite';
    const problems: Problem[] = [];
    if (r.hostname !== undefined) {
      const issue = gatewayApiHostnameProblem(r.hostname) ?? (r.hostname.startsWith('*') ? 'must not be a wildcard' : undefined);
      if (issue) problems.push({ field: `${field}.${sub}.hostname`, value: r.hostname, problem: issue, fix: 'use one host name, e.g. "shop.example.com"' });
    }
    if (r.replaceFullPath !== undefined && r.replacePrefixMatch !== undefined) {
      problems.push({ field: `${field}.${sub}`, problem: 'sets both replaceFullPath and replacePrefixMatch', fix: 'set one of them' });
    }
    for (const key of ['replaceFullPath', 'replacePrefixMatch'] as const) {
      const value = r[key];
      if (value !== undefined && !(value.startsWith('/') && (value === '/' || PATH_CHARS.test(value)))) {
        problems.push({ field: `${field}.${sub}.path.${key}`, value, problem: 'must be an absolute path (starting with "/") of URL path characters', fix: 'write it like "/v2/api"' });
      }
    }
    if (s.requestRedirect) {
      const redirect: GatewayApiRedirect = s.requestRedirect;
      const portIssue = redirect.port === undefined ? undefined : portProblem(redirect.port);
      if (portIssue) problems.push({ field: `${field}.requestRedirect.port`, value: redirect.port, problem: portIssue, fix: 'use the port to redirect to' });
      if (redirect.statusCode !== undefined && !REDIRECT_CODES.includes(redirect.statusCode)) {
        problems.push({ field: `${field}.requestRedirect.statusCode`, value: redirect.statusCode, problem: `must be one of ${REDIRECT_CODES.join(', ')}`, fix: 'use 301 (permanent) or 302 (temporary)' });
      }
    }
    return problems;
  }

  /** The `filters` entry, for a route in `routeNamespace`. @internal */
  public _render(routeNamespace: string | undefined): any {
    const s = this.settings;
    if (s.requestHeaderModifier) return { type: this.type, requestHeaderModifier: renderHeaderModifier(s.requestHeaderModifier) };
    if (s.responseHeaderModifier) return { type: this.type, responseHeaderModifier: renderHeaderModifier(s.responseHeaderModifier) };
    if (s.requestMirror) {
      const backend = (s.requestMirror.backend as GatewayApiBackend)._render(routeNamespace);
      return { type: this.type, requestMirror: { backendRef: { ...backend, weight: undefined }, percent: s.requestMirror.percent } };
    }
    const r: GatewayApiRedirect = s.requestRedirect ?? s.urlRewrite;
    const path = r.replaceFullPath !== undefined ? { type: 'ReplaceFullPath', replaceFullPath: r.replaceFullPath }
      : r.replacePrefixMatch !== undefined ? { type: 'ReplacePrefixMatch', replacePrefixMatch: r.replacePrefixMatch } : undefined;
    if (s.urlRewrite) return { type: this.type, urlRewrite: { hostname: r.hostname, path } };
    const redirect: GatewayApiRedirect = s.requestRedirect;
    return {
      type: this.type,
      requestRedirect: { scheme: redirect.scheme, hostname: redirect.hostname, path, port: redirect.port, statusCode: redirect.statusCode },
    };
  }
}

/**
 * A rule of an HTTPRoute: the requests it applies to, what happens to them, and where they go.
 */
export interface GatewayApiHttpRule {
  /**
   * The requests the rule applies to (any of them). At most 64.
   *
   * @default - every request (path prefix `/`)
   */
  readonly matches?: GatewayApiHttpMatch[];

  /**
   * Filters applied in order: header changes, redirect, rewrite, mirror.
   *
   * @default - none
   */
  readonly filters?: GatewayApiHttpFilter[];

  /**
   * Where requests go, with relative weights. A rule without backends (and without a redirect) answers 500.
   *
   * @default - none
   */
  readonly backends?: GatewayApiBackend[];

  /**
   * The time the gateway waits for the whole request to complete (Istio: the route timeout).
   *
   * @default - no timeout
   */
  readonly timeout?: Duration;

  /**
   * The time one attempt to a backend may take (at most `timeout`).
   *
   * @default - `timeout`
   */
  readonly backendTimeout?: Duration;

  /**
   * How failed requests are retried (Gateway API `retry`, experimental channel; Istio implements it).
   *
   * @default - Istio's default retry policy
   */
  readonly retry?: GatewayApiHttpRetry;
}

/**
 * How an HTTPRoute rule retries a failed request.
 *
 * @see https://gateway-api.sigs.k8s.io/geps/gep-1731/
 */
export interface GatewayApiHttpRetry {
  /**
   * The most retries of one request.
   *
   * @default - Istio's default (2)
   */
  readonly attempts?: number;

  /**
   * The response status codes (400 to 599) that are retried.
   *
   * @default - Istio's default (503)
   */
  readonly codes?: number[];

  /**
   * The least time between two attempts.
   *
   * @default - Envoy's default (25ms, growing)
   */
  readonly backoff?: Duration;
}

/**
 * Props of a GatewayApiHttpRoute.
 */
export interface GatewayApiHttpRouteProps extends GatewayApiHostnameRouteProps {
  /**
   * The rules; more can be added with `addRule()`. For each request, the most specific matching rule applies (see
   * the Gateway API's precedence: exact path, longest prefix, method, most headers, most query parameters).
   *
   * @default - none
   */
  readonly rules?: GatewayApiHttpRule[];
}

/**
 * A Kubernetes Gateway API HTTPRoute (`gateway.networking.k8s.io/v1`): HTTP routing for a Gateway's listeners, or for
 * mesh traffic to a Service (GAMMA).
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httproute
 *
 * @example
 * new GatewayApiHttpRoute(chart, 'Shop', {
 *   parents: [GatewayApiParent.gatewayNamed('public')],
 *   hostnames: ['shop.example.com'],
 *   rules: [{ backends: [GatewayApiBackend.service('shop', 8080)] }],
 * });
 */
export class GatewayApiHttpRoute extends GatewayApiRoute {
  private readonly _rules: GatewayApiHttpRule[] = [];

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the route's settings
   */
  constructor(scope: Construct, id: string, props: GatewayApiHttpRouteProps = {}) {
    super(scope, id, 'HTTPRoute', props, 'GatewayApiHttpRouteProps');
    for (const hostname of props.hostnames ?? []) this.addHostname(hostname);
    for (const rule of props.rules ?? []) this.addRule(rule);
  }

  /** The rules, in order. */
  public get rules(): GatewayApiHttpRule[] {
    return [...this._rules];
  }

  /**
   * Adds a host name the route serves.
   *
   * @param hostname e.g. `shop.example.com` or `*.example.com`
   */
  public addHostname(hostname: string): void {
    this._addHostname(hostname);
  }

  /**
   * Adds a rule (at most 16 per route, 128 matches in all).
   *
   * @param rule the rule
   */
  public addRule(rule: GatewayApiHttpRule): void {
    const field = `rules[${this._rules.length}]`;
    checkShape(this, 'GatewayApiHttpRule', rule, field);
    const problems = httpRuleProblems(field, rule);
    problems.push(...this._backendProblems(`${field}.backendRefs`, rule.backends ?? []));
    if (this._rules.length >= 16) problems.push({ field, problem: 'is the 17th rule; an HTTPRoute has at most 16', fix: 'split the route into several HTTPRoutes' });
    const matches = [...this._rules, rule].reduce((n, r) => n + (r.matches?.length ?? 0), 0);
    if (matches > 128) problems.push({ field: `${field}.matches`, value: matches, problem: 'brings the route to more than 128 matches', fix: 'split the route into several HTTPRoutes' });
    throwIfProblems(this, problems);
    this._rules.push(rule);
  }

  /** @internal */
  protected _renderSpec(): any {
    return {
      ...this._renderAttachment(),
      rules: this._rules.length > 0 ? this._rules.map(r => renderHttpRule(r, this.namespace)) : undefined,
    };
  }
}

/** What is wrong with an HTTPRoute rule: its matches, filters, timeouts, and the CRD's rules that tie them together. */
function httpRuleProblems(field: string, rule: GatewayApiHttpRule): Problem[] {
  const problems: Problem[] = [];
  const matches = rule.matches ?? [];
  if (matches.length > 64) problems.push({ field: `${field}.matches`, value: matches.length, problem: 'has more than 64 matches', fix: 'split the rule' });
  matches.forEach((m, i) => problems.push(...httpMatchProblems(`${field}.matches[${i}]`, m)));
  problems.push(...httpFilterProblems(`${field}.filters`, rule.filters ?? [], ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite', 'RequestMirror']));
  const filters = rule.filters ?? [];
  const types = filters.map(f => f.type);
  if (types.includes('RequestRedirect') && (rule.backends ?? []).length > 0) {
    problems.push({
      field: `${field}.backendRefs`,
      problem: 'is set on a rule that redirects; a redirect answers the request itself',
      fix: 'remove the backends, or the redirect',
      symptom: 'the API server rejects the HTTPRoute',
    });
  }
  if (types.includes('RequestRedirect') && types.includes('URLRewrite')) {
    problems.push({ field: `${field}.filters`, problem: 'has both a redirect and a rewrite', fix: 'redirect, or rewrite and forward, not both', symptom: 'the API server rejects the HTTPRoute' });
  }
  if (filters.some(f => f._replacesPrefix) && !(matches.length === 1 && matches[0].path !== undefined && stringMatchType(matches[0].path) === 'prefix')) {
    problems.push({
      field: `${field}.matches`,
      problem: 'must be exactly one StringMatch.prefix() path match when a redirect or rewrite uses replacePrefixMatch',
      fix: 'match one path prefix in this rule, or use replaceFullPath',
      symptom: 'the API server rejects the HTTPRoute',
    });
  }
  for (const key of ['timeout', 'backendTimeout'] as const) {
    const d = rule[key];
    const issue = d === undefined ? undefined : gatewayApiDurationProblem(d);
    if (issue) problems.push({ field: `${field}.${key}`, value: gatewayApiDuration(d!), problem: issue, fix: 'use a duration like Duration.seconds(15)' });
  }
  const retry = rule.retry;
  if (retry?.attempts !== undefined && (!Number.isInteger(retry.attempts) || retry.attempts < 0)) {
    problems.push({ field: `${field}.retry.attempts`, value: retry.attempts, problem: 'must be a whole number, 0 or more', fix: 'use e.g. 3' });
  }
  (retry?.codes ?? []).forEach((code, i) => {
    if (!Number.isInteger(code) || code < 400 || code > 599) {
      problems.push({ field: `${field}.retry.codes[${i}]`, value: code, problem: 'must be a status code from 400 to 599', fix: 'use e.g. 503', symptom: 'the API server rejects the HTTPRoute' });
    }
  });
  const backoffIssue = retry?.backoff === undefined ? undefined : gatewayApiDurationProblem(retry.backoff);
  if (backoffIssue) problems.push({ field: `${field}.retry.backoff`, value: gatewayApiDuration(retry!.backoff!), problem: backoffIssue, fix: 'use a duration like Duration.millis(100)' });
  if (rule.timeout && rule.backendTimeout && rule.backendTimeout.toMilliseconds() > rule.timeout.toMilliseconds()) {
    problems.push({
      field: `${field}.backendTimeout`,
      value: gatewayApiDuration(rule.backendTimeout),
      problem: `is longer than timeout (${gatewayApiDuration(rule.timeout)})`,
      fix: 'make backendTimeout at most timeout',
      symptom: 'the API server rejects the HTTPRoute',
    });
  }
  return problems;
}

/** The filters' own problems, the filter types the route kind allows, and the types that may appear only once. @internal */
export function httpFilterProblems(field: string, filters: GatewayApiHttpFilter[], allowed: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  if (filters.length > 16) problems.push({ field, value: filters.length, problem: 'has more than 16 filters', fix: 'use at most 16 filters per rule' });
  filters.forEach((f, i) => {
    if (!allowed.includes(f.type)) {
      problems.push({ field: `${field}[${i}]`, value: f.type, problem: 'is not a filter this route kind supports', fix: `use ${allowed.join(', ')}` });
      return;
    }
    problems.push(...f._problems(`${field}[${i}]`));
    if (f.type !== 'RequestMirror' && filters.findIndex(g => g.type === f.type) < i) {
      problems.push({ field: `${field}[${i}]`, value: f.type, problem: 'repeats a filter type that may appear once per rule', fix: 'merge the two filters into one', symptom: 'the API server rejects the route' });
    }
  });
  return problems;
}

/** `exact`, `prefix`, `regex` or `present`. @internal */
export function stringMatchType(m: StringMatch): string {
  const rendered = m._render();
  return Object.keys(rendered)[0] ?? 'present';
}

function stringMatchValue(m: StringMatch): string {
  return Object.values(m._render())[0] as string;
}

function httpMatchProblems(field: string, m: GatewayApiHttpMatch): Problem[] {
  const problems: Problem[] = [];
  if (m.path) {
    const type = stringMatchType(m.path);
    const value = type === 'present' ? undefined : stringMatchValue(m.path);
    if (type === 'present') {
      problems.push({ field: `${field}.path`, problem: 'cannot be StringMatch.present(); every request has a path', fix: 'leave path out to match any path' });
    } else if (type === 'regex') {
      problems.push(...m.path._problems(`${field}.path`, { allowEmptyPrefix: false, allowPresent: false }));
    } else if (!value!.startsWith('/') || !PATH_CHARS.test(value!)) {
      problems.push({ field: `${field}.path.${type}`, value, problem: 'must be an absolute path (starting with "/") of URL path characters', fix: 'write it like "/api"', symptom: 'the API server rejects the HTTPRoute' });
    } else if (/\/\/|\/\.\.?(\/|$)|%2f|#/i.test(value!)) {
      problems.push({ field: `${field}.path.${type}`, value, problem: 'contains "//", "/./", "/../", "%2F" or "#", which requests never carry after normalization', fix: 'write the normalized path', symptom: 'the API server rejects the HTTPRoute' });
    }
  }
  for (const key of ['headers', 'queryParams'] as const) {
    const list = m[key] ?? [];
    if (list.length > 16) problems.push({ field: `${field}.${key}`, value: list.length, problem: 'has more than 16 entries', fix: 'match at most 16' });
    list.forEach((h, i) => problems.push(...valueMatchProblems(`${field}.${key}[${i}]`, h, list.slice(0, i), key === 'headers')));
  }
  return problems;
}

/** A header or query parameter match: a valid name, listed once, and an exact or RE2 regex value. @internal */
export function valueMatchProblems(field: string, h: GatewayApiValueMatch, earlier: GatewayApiValueMatch[], caseInsensitive: boolean): Problem[] {
  const problems: Problem[] = [];
  const nameIssue = gatewayApiHeaderNameProblem(h.name);
  if (nameIssue) problems.push({ field: `${field}.name`, value: h.name, problem: nameIssue, fix: 'use a valid name' });
  const same = (a: string) => caseInsensitive ? a.toLowerCase() === h.name.toLowerCase() : a === h.name;
  if (earlier.some(e => same(e.name))) problems.push({ field: `${field}.name`, value: h.name, problem: 'is matched twice', fix: 'match each name once (use a regex for alternatives)' });
  const type = stringMatchType(h.value);
  if (type === 'prefix' || type === 'present') {
    problems.push({
      field: `${field}.value`,
      problem: `cannot be StringMatch.${type}(); the Gateway API matches values exactly or by regex`,
      fix: type === 'prefix' ? `use StringMatch.regex("${escapeRegex(stringMatchValue(h.value))}.*")` : 'use StringMatch.regex(".*")',
    });
  } else if (type === 'regex') {
    problems.push(...h.value._problems(`${field}.value`, { allowEmptyPrefix: false, allowPresent: false }));
  } else if (stringMatchValue(h.value).length === 0 || stringMatchValue(h.value).length > 4096) {
    problems.push({ field: `${field}.value.exact`, value: stringMatchValue(h.value), problem: 'must be 1 to 4096 characters', fix: 'match a non-empty value' });
  }
  return problems;
}

/** `value` with RE2's special characters escaped. @internal */
export function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A header or query parameter match as the Gateway API writes it. @internal */
export function renderValueMatch(h: GatewayApiValueMatch): any {
  return { type: stringMatchType(h.value) === 'regex' ? 'RegularExpression' : 'Exact', name: h.name, value: stringMatchValue(h.value) };
}

const PATH_TYPES: { readonly [type: string]: string } = { exact: 'Exact', prefix: 'PathPrefix', regex: 'RegularExpression' };

function renderHttpMatch(m: GatewayApiHttpMatch): any {
  return {
    path: m.path ? { type: PATH_TYPES[stringMatchType(m.path)], value: stringMatchValue(m.path) } : undefined,
    headers: m.headers && m.headers.length > 0 ? m.headers.map(renderValueMatch) : undefined,
    queryParams: m.queryParams && m.queryParams.length > 0 ? m.queryParams.map(renderValueMatch) : undefined,
    method: m.method,
  };
}

function renderHttpRule(r: GatewayApiHttpRule, namespace: string | undefined): any {
  return {
    matches: r.matches && r.matches.length > 0 ? r.matches.map(renderHttpMatch) : undefined,
    filters: r.filters && r.filters.length > 0 ? r.filters.map(f => f._render(namespace)) : undefined,
    backendRefs: r.backends && r.backends.length > 0 ? r.backends.map(b => b._render(namespace)) : undefined,
    retry: r.retry && {
      attempts: r.retry.attempts,
      codes: r.retry.codes && r.retry.codes.length > 0 ? r.retry.codes : undefined,
      backoff: r.retry.backoff ? gatewayApiDuration(r.retry.backoff) : undefined,
    },
    timeouts: r.timeout || r.backendTimeout ? {
      request: r.timeout ? gatewayApiDuration(r.timeout) : undefined,
      backendRequest: r.backendTimeout ? gatewayApiDuration(r.backendTimeout) : undefined,
    } : undefined,
  };
}
