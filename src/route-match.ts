import { gatewayKey, isGatewayFqdn } from './private/analysis/references';
import { Problem } from './private/errors';
import { ipOrCidrProblem, k8sLabelNameProblem, labelsProblem, matchHeaderNameProblem, portProblem } from './private/rules';
import { StringMatch } from './string-match';

/**
 * The conditions an HTTP request must meet for a route to apply (Istio's `HTTPMatchRequest`). All conditions of
 * one match must hold; a route with several matches applies when any of them holds.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest
 */
export interface HttpMatch {
  /**
   * A name for the match, appended to the route's name in access logs.
   *
   * @default - unnamed
   */
  readonly name?: string;

  /**
   * The request path, e.g. `StringMatch.prefix('/api')`.
   *
   * @default - any path
   */
  readonly uri?: StringMatch;

  /**
   * The URI scheme, e.g. `StringMatch.exact('https')`.
   *
   * @default - any scheme
   */
  readonly scheme?: StringMatch;

  /**
   * The HTTP method, e.g. `StringMatch.exact('GET')`.
   *
   * @default - any method
   */
  readonly method?: StringMatch;

  /**
   * The HTTP authority (Host header).
   *
   * @default - any authority
   */
  readonly authority?: StringMatch;

  /**
   * Request headers that must match, by lower-case name. `@request.auth.claims.<claim>` keys match JWT claims and
   * only work on VirtualServices bound to gateways only.
   *
   * @default - no header condition
   */
  readonly headers?: { [name: string]: StringMatch };

  /**
   * Request headers that must NOT match, by lower-case name.
   *
   * @default - no negative header condition
   */
  readonly withoutHeaders?: { [name: string]: StringMatch };

  /**
   * Query parameters that must match, by name.
   *
   * @default - no query-parameter condition
   */
  readonly queryParams?: { [name: string]: StringMatch };

  /**
   * Compare the URI case-insensitively (only for `exact` and `prefix` URI matches).
   *
   * @default false
   */
  readonly ignoreUriCase?: boolean;

  /**
   * The port the request was addressed to, for services that listen on several ports.
   *
   * @default - any port
   */
  readonly port?: number;

  /**
   * Labels the calling workload must have (sidecar traffic only).
   *
   * @default - any workload
   */
  readonly sourceLabels?: { [key: string]: string };

  /**
   * The namespace of the calling workload (sidecar traffic only).
   *
   * @default - any namespace
   */
  readonly sourceNamespace?: string;

  /**
   * Gateways this match applies to (`namespace/name` or `mesh`), overriding the VirtualService's `gateways` for it.
   *
   * @default - the VirtualService's gateways
   */
  readonly gateways?: string[];

  /**
   * A prefix for the statistics Envoy emits for this match.
   *
   * @default - none
   */
  readonly statPrefix?: string;
}

/**
 * The conditions a TCP connection must meet for a TCP route to apply (Istio's `L4MatchAttributes`).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#L4MatchAttributes
 */
export interface TcpMatch {
  /**
   * IP addresses or CIDR blocks the connection is addressed to.
   *
   * @default - any destination address
   */
  readonly destinationSubnets?: string[];

  /**
   * The port the connection is addressed to.
   *
   * @default - any port
   */
  readonly port?: number;

  /**
   * Labels the calling workload must have (sidecar traffic only).
   *
   * @default - any workload
   */
  readonly sourceLabels?: { [key: string]: string };

  /**
   * The namespace of the calling workload (sidecar traffic only).
   *
   * @default - any namespace
   */
  readonly sourceNamespace?: string;

  /**
   * Gateways this match applies to (`namespace/name` or `mesh`), overriding the VirtualService's `gateways` for it.
   *
   * @default - the VirtualService's gateways
   */
  readonly gateways?: string[];
}

/**
 * The conditions a TLS connection must meet for a TLS route to apply (Istio's `TLSMatchAttributes`): the SNI
 * names it asks for, plus the TCP conditions.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#TLSMatchAttributes
 */
export interface TlsMatch extends TcpMatch {
  /**
   * SNI names to match (wildcards allowed as a leading `*.`). Each must be one of the VirtualService's `hosts` or
   * covered by one.
   */
  readonly sniHosts: string[];
}

/**
 * Istio's rule for a gateway reference in `gateways` (top level or in a match): `mesh`, `namespace/name` with both
 * parts lower-case DNS labels, or a bare `name` in the VirtualService's namespace.
 * @internal
 */
export function gatewayRefProblems(field: string, ref: string): Problem[] {
  if (ref === 'mesh') return [];
  if (ref.includes('/')) {
    const parts = ref.split('/');
    if (parts.length !== 2 || k8sLabelNameProblem(parts[0]) || k8sLabelNameProblem(parts[1])) {
      return [{
        field,
        value: ref,
        problem: 'must be "<namespace>/<gateway name>" with both parts lower-case DNS labels, or "mesh"',
        fix: 'write the reference as e.g. "istio-system/public-gateway", or pass gateway.gatewayRef',
      }];
    }
    return [];
  }
  if (isGatewayFqdn(ref)) {
    // `<name>.<namespace>.svc.cluster.local`: istiod reads it as `<namespace>/<name>`; it is normalized to that form.
    const [name, namespace] = ref.split('.');
    const problem = k8sLabelNameProblem(name) ?? k8sLabelNameProblem(namespace);
    return problem ? [{ field, value: ref, problem: `has a name or namespace part that ${problem}`, fix: 'use "<namespace>/<gateway name>", e.g. "istio-system/public-gateway"' }] : [];
  }
  if (ref.includes('.')) {
    // istiod's resolveGatewayName (pilot/pkg/model/config.go) still reads "name.ns" as "ns/name" (the label after the
    // first dot is the namespace), "for backward compatibility only"; the library takes the current form.
    const key = gatewayKey(ref, '');
    return [{
      field,
      value: ref,
      problem: `uses the legacy "<name>.<namespace>" form, which istiod resolves to "${key}" for backward compatibility only`,
      fix: `write it as "${key}"`,
    }];
  }
  const problem = k8sLabelNameProblem(ref);
  return problem ? [{ field, value: ref, problem, fix: 'use the Gateway\'s metadata.name, as "<namespace>/<name>" or "mesh"' }] : [];
}

/**
 * A gateway reference as the library renders it: `<name>.<namespace>.svc.cluster.local` becomes `<namespace>/<name>`
 * (the way istiod reads it); every other form is kept. @internal
 */
export function normalizeGatewayRef(ref: string): string {
  return isGatewayFqdn(ref) ? gatewayKey(ref, '') : ref;
}

/** Whether a header-match key is a JWT-claim key (`@request.auth.claims...`). @internal */
export function isJwtClaimKey(name: string): boolean {
  return /^@request\.auth\.claims/i.test(name);
}

/** What is wrong with an HTTP match at `field` (`http[i].match[j]`). @internal */
export function httpMatchProblems(field: string, m: HttpMatch): Problem[] {
  const problems: Problem[] = [];
  problems.push(...m.uri?._problems(`${field}.uri`, { allowEmptyPrefix: true, allowPresent: false }) ?? []);
  for (const key of ['scheme', 'method', 'authority'] as const) {
    problems.push(...m[key]?._problems(`${field}.${key}`, { allowEmptyPrefix: false, allowPresent: false }) ?? []);
  }
  for (const key of ['headers', 'withoutHeaders'] as const) {
    for (const [name, sm] of Object.entries(m[key] ?? {})) {
      const nameProblem = matchHeaderNameProblem(name);
      if (nameProblem) {
        problems.push({
          field: `${field}.${key}`,
          value: name,
          problem: `has a header name that ${nameProblem}`,
          fix: 'use the lower-case header name (e.g. "x-user"), or "@request.auth.claims.<claim>" for a JWT claim',
        });
      }
      // In withoutHeaders, Istio reads regex "*" as "the header is present" instead of compiling it.
      if (key === 'withoutHeaders' && sm._render().regex === '*') continue;
      problems.push(...sm._problems(`${field}.${key}["${name}"]`, { allowEmptyPrefix: false, allowPresent: true }));
    }
  }
  for (const [name, sm] of Object.entries(m.queryParams ?? {})) {
    problems.push(...sm._problems(`${field}.queryParams["${name}"]`, { allowEmptyPrefix: false, allowPresent: true }));
  }
  problems.push(...l4MatchProblems(field, m));
  return problems;
}

/** What is wrong with the conditions shared by HTTP, TCP and TLS matches. @internal */
export function l4MatchProblems(field: string, m: TcpMatch): Problem[] {
  const problems: Problem[] = [];
  if (m.port !== undefined) {
    const problem = portProblem(m.port);
    if (problem) problems.push({ field: `${field}.port`, value: m.port, problem, fix: 'use the service port number the request is sent to' });
  }
  if (m.sourceLabels) {
    const problem = labelsProblem(m.sourceLabels);
    if (problem) problems.push({ field: `${field}.sourceLabels`, value: m.sourceLabels, problem, fix: 'use valid Kubernetes label keys and values' });
  }
  if (m.sourceNamespace !== undefined) {
    const problem = k8sLabelNameProblem(m.sourceNamespace);
    if (problem) problems.push({ field: `${field}.sourceNamespace`, value: m.sourceNamespace, problem, fix: 'use the namespace name' });
  }
  (m.gateways ?? []).forEach((g, i) => problems.push(...gatewayRefProblems(`${field}.gateways[${i}]`, g)));
  (m.destinationSubnets ?? []).forEach((s, i) => {
    const problem = ipOrCidrProblem(s);
    if (problem) {
      problems.push({ field: `${field}.destinationSubnets[${i}]`, value: s, problem, fix: 'write an address like "10.0.0.1" or a block like "10.0.0.0/16"' });
    }
  });
  return problems;
}

/** The wire form of an HTTP match. @internal */
export function renderHttpMatch(m: HttpMatch): any {
  return {
    name: m.name,
    uri: m.uri?._render(),
    scheme: m.scheme?._render(),
    method: m.method?._render(),
    authority: m.authority?._render(),
    headers: renderMatchMap(m.headers),
    withoutHeaders: renderMatchMap(m.withoutHeaders),
    queryParams: renderMatchMap(m.queryParams),
    ignoreUriCase: m.ignoreUriCase,
    port: m.port,
    sourceLabels: m.sourceLabels ? { ...m.sourceLabels } : undefined,
    sourceNamespace: m.sourceNamespace,
    gateways: m.gateways?.map(normalizeGatewayRef),
    statPrefix: m.statPrefix,
  };
}

/** The wire form of a TCP or TLS match. @internal */
export function renderL4Match(m: TcpMatch, sniHosts?: string[]): any {
  return {
    sniHosts: sniHosts ? [...sniHosts] : undefined,
    destinationSubnets: m.destinationSubnets ? [...m.destinationSubnets] : undefined,
    port: m.port,
    sourceLabels: m.sourceLabels ? { ...m.sourceLabels } : undefined,
    sourceNamespace: m.sourceNamespace,
    gateways: m.gateways?.map(normalizeGatewayRef),
  };
}

function renderMatchMap(map?: { [name: string]: StringMatch }): any {
  if (map === undefined) return undefined;
  const result: any = {};
  for (const [name, sm] of Object.entries(map)) result[name] = sm._render();
  return result;
}
