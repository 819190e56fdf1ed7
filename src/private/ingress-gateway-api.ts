import { Construct } from 'constructs';
import { RoutingApi } from '../api-version';
import type { CanaryRelease } from '../canary-release';
import { GatewayApiGateway, GatewayApiListener, GatewayApiProtocol, GatewayApiRoutesFrom, GatewayApiTlsMode } from '../gateway-api-gateway';
import { GatewayApiGrpcMatch, GatewayApiGrpcRoute } from '../gateway-api-grpc-route';
import { GatewayApiHttpFilter, GatewayApiHttpMatch, GatewayApiHttpMethod, GatewayApiHttpRoute, GatewayApiHttpRule, GatewayApiValueMatch, escapeRegex, stringMatchType } from '../gateway-api-http-route';
import { GatewayApiTcpRoute, GatewayApiTlsRoute } from '../gateway-api-l4-routes';
import { GatewayApiBackend, GatewayApiParent } from '../gateway-api-refs';
import { RedirectScheme } from '../http-route';
import type { IngressHttpRoute, IngressTcpRoute, IngressTlsRoute } from '../ingress-route';
import { Protocol } from '../protocol';
import { ReferenceGrant } from '../reference-grant';
import { HttpMirror, RouteDestination } from '../route-destination';
import { HttpMatch, isJwtClaimKey } from '../route-match';
import { ServiceBackend } from '../service-backend';
import { StringMatch } from '../string-match';
import { Problem, throwIfProblems } from './errors';
import { GATEWAY_API_GROUP } from './gateway-api';
import { combineMatches } from './http-match';
import { DEFAULT_NAMESPACE } from './scope';

/**
 * IngressRoute on the Kubernetes Gateway API: the route's intent composed from the Gateway API L2s (a Gateway of class
 * `istio` or a reference to one, listeners per host, HTTPRoute / TLSRoute / TCPRoute, a ReferenceGrant for a
 * certificate in another namespace). Whatever an IngressRoute can say that the Gateway API cannot is an error naming
 * the feature and the alternative, never dropped.
 */

/** How to keep a feature the Gateway API lacks. */
const KEEP_ISTIO = 'or keep this IngressRoute on Istio\'s APIs (routingApi: RoutingApi.ISTIO)';

/** Route options the Gateway API (HTTPRoute, as Istio implements it) cannot express, with what to do instead. */
const UNSUPPORTED_HTTP_OPTIONS: ReadonlyArray<{ key: keyof IngressHttpRoute; feature: string; fix: string; istioOnly?: boolean }> = [
  { key: 'fault', feature: 'fault injection', fix: `remove fault (test faults on the mesh with a VirtualService), ${KEEP_ISTIO}` },
  { key: 'delegate', feature: 'delegation to another VirtualService', fix: `route to backends here, ${KEEP_ISTIO}` },
  { key: 'directResponse', feature: 'a direct response', fix: `route to a backend that answers, ${KEEP_ISTIO}` },
  // The Gateway API has experimental or newer counterparts (HTTPRoute retry, the CORS filter, rule names) that this
  // library does not write: they are errors too, worded as the library's limit, not the Gateway API's.
  { key: 'retries', feature: 'retries', fix: `remove retries, ${KEEP_ISTIO}`, istioOnly: true },
  { key: 'corsPolicy', feature: 'a CORS policy', fix: `answer CORS in the backend, ${KEEP_ISTIO}`, istioOnly: true },
  { key: 'name', feature: 'a route name (Envoy stats)', fix: `remove name, ${KEEP_ISTIO}`, istioOnly: true },
];

/** Match fields without a Gateway API equivalent. */
const UNSUPPORTED_MATCH_FIELDS: ReadonlyArray<{ key: string; feature: string; fix: string }> = [
  { key: 'scheme', feature: 'a scheme match', fix: 'attach the route to the HTTP or HTTPS listener instead' },
  { key: 'authority', feature: 'an authority match', fix: 'list the host in the route\'s hosts instead' },
  { key: 'withoutHeaders', feature: 'a negated header match (withoutHeaders)', fix: 'match the values you want instead' },
  { key: 'ignoreUriCase', feature: 'a case-insensitive URI match', fix: 'match the path with StringMatch.regex("(?i)...")' },
  { key: 'port', feature: 'a port match', fix: 'make one IngressRoute per port' },
  { key: 'sourceLabels', feature: 'a source labels match (routes match requests, not callers)', fix: 'remove it' },
  { key: 'sourceNamespace', feature: 'a source namespace match (routes match requests, not callers)', fix: 'remove it' },
  { key: 'gateways', feature: 'a per-match gateway', fix: 'remove it' },
  { key: 'statPrefix', feature: 'a stat prefix', fix: 'remove it' },
  { key: 'name', feature: 'a match name', fix: 'remove it' },
];

/** What the Gateway API rendering needs from the IngressRoute. */
export interface IngressGatewayApiSpec {
  /** The route's name (HTTPRoute, TLSRoute, TCPRoute) and the default Gateway name's stem. */
  readonly name: string;
  readonly routeNamespace?: string;
  /** `HTTP`, `TLS_PASSTHROUGH` or `TCP` (IngressProtocol). */
  readonly protocol: string;
  readonly hosts: string[];
  readonly port?: number;
  /** TLS terminated at the gateway: the Secret, its namespace, and the plain-HTTP port to redirect from. */
  readonly tls?: { readonly secretName: string; readonly secretNamespace: string; readonly redirectPort?: number };
  /** An existing Gateway API Gateway to attach to, `namespace/name`. */
  readonly gatewayRef?: string;
  /** Metadata of the route's own Gateway. */
  readonly gatewayMetadata?: { readonly name: string; readonly namespace?: string; readonly [key: string]: any };
}

/** The Gateway API objects of an IngressRoute. */
export class IngressGatewayApi {
  public readonly gateway?: GatewayApiGateway;
  /** The HTTPRoute, created by the first HTTP route whose backend is not a gRPC Service port. */
  public httpRoute?: GatewayApiHttpRoute;
  /** The GRPCRoute, created by the first HTTP route whose backend is a gRPC Service port. */
  public grpcRoute?: GatewayApiGrpcRoute;
  public readonly redirectRoute?: GatewayApiHttpRoute;
  public readonly tlsRoutes: GatewayApiTlsRoute[] = [];
  public tcpRoute?: GatewayApiTcpRoute;
  public readonly referenceGrant?: ReferenceGrant;
  /** The parents of the routes that carry the traffic (not the redirect). */
  private readonly parents: GatewayApiParent[];
  private readonly rules: Array<{ field: string; matches: GatewayApiHttpMatch[] }> = [];
  private readonly grpcRules: Array<{ field: string; matches: GatewayApiGrpcMatch[] }> = [];

  constructor(private readonly scope: Construct, private readonly spec: IngressGatewayApiSpec) {
    const namespace = spec.routeNamespace;
    const hostnames = spec.hosts.filter(h => h !== '*');
    if (spec.gatewayRef !== undefined) {
      const [gwNamespace, gwName] = spec.gatewayRef.split('/');
      this.parents = [GatewayApiParent.gatewayNamed(gwName, { namespace: gwNamespace, port: spec.port })];
    } else {
      const gatewayNamespace = spec.gatewayMetadata?.namespace ?? namespace;
      const from = gatewayNamespace === namespace ? { allowedRoutesFrom: GatewayApiRoutesFrom.SAME } : {
        // The routes live in another namespace than their Gateway: admit exactly that one.
        allowedRoutesFrom: GatewayApiRoutesFrom.SELECTOR,
        allowedRoutesSelector: { 'kubernetes.io/metadata.name': namespace ?? DEFAULT_NAMESPACE },
      };
      const listeners = this.listeners(from);
      this.gateway = new GatewayApiGateway(scope, 'Gateway', { metadata: spec.gatewayMetadata, listeners: listeners.main.concat(listeners.redirect) });
      const gateway = this.gateway;
      const attach = (ls: GatewayApiListener[], all: boolean) => all
        ? [GatewayApiParent.gateway(gateway)]
        : ls.map(l => GatewayApiParent.gateway(gateway, { sectionName: l.name }));
      this.parents = attach(listeners.main, listeners.redirect.length === 0);
      if (listeners.redirect.length > 0) {
        this.redirectRoute = new GatewayApiHttpRoute(scope, 'HttpsRedirect', {
          metadata: { name: `${spec.name}-https-redirect`, namespace },
          parents: attach(listeners.redirect, false),
          hostnames,
          rules: [{ filters: [GatewayApiHttpFilter.redirect({ scheme: RedirectScheme.HTTPS, statusCode: 301 })] }],
        });
      }
      if (spec.tls && spec.tls.secretNamespace !== (gatewayNamespace ?? DEFAULT_NAMESPACE)) {
        // The certificate lives elsewhere: its namespace must grant the Gateway the reference.
        this.referenceGrant = new ReferenceGrant(scope, 'CertificateGrant', {
          metadata: { name: `${spec.name}-certificate`, namespace: spec.tls.secretNamespace },
          from: [{ group: GATEWAY_API_GROUP, kind: 'Gateway', namespace: gatewayNamespace ?? DEFAULT_NAMESPACE }],
          to: [{ group: '', kind: 'Secret', name: spec.tls.secretName }],
        });
      }
    }
  }

  /** The host names the routes serve (none for `*`). */
  private get hostnames(): string[] {
    return this.spec.hosts.filter(h => h !== '*');
  }

  /** Adds an IngressRoute HTTP route as a rule, or throws what the Gateway API cannot express. */
  public addHttp(field: string, route: IngressHttpRoute): void {
    if (route.backend && route.release === undefined && backendProtocol(route.backend) === Protocol.GRPC) {
      this.addGrpc(field, route);
      return;
    }
    const problems: Problem[] = [];
    if (this.grpcRoute) problems.push(mixedKindsProblem(field, 'an HTTP backend', 'gRPC'));
    for (const u of UNSUPPORTED_HTTP_OPTIONS.filter(o => route[o.key] !== undefined)) problems.push(unsupported(`${field}.${u.key}`, u.feature, u.fix, u.istioOnly));
    const matches = (route.match ?? []).map((m, i) => gatewayApiHttpMatch(`${field}.match[${i}]`, m, problems));
    const filters = headerFilters(route);
    if (route.redirect) {
      const r = route.redirect;
      if (r.derivePort !== undefined) problems.push(unsupported(`${field}.redirect.derivePort`, 'a redirect port taken from the request', `set redirect.port, ${KEEP_ISTIO}`));
      filters.push(GatewayApiHttpFilter.redirect({
        scheme: r.scheme, hostname: r.authority, port: r.port, replaceFullPath: r.uri, statusCode: r.redirectCode,
      }));
    }
    if (route.rewrite) filters.push(...this.rewrite(`${field}.rewrite`, route, problems));
    filters.push(...this.mirrorFilters(field, route, problems));
    const backends = route.backend
      ? [this.fromServiceBackend(`${field}.backend`, route.backend, problems)]
      : (route.route ?? []).map((d, i) => this.destination(`${field}.route[${i}]`, d, problems));
    (route.route ?? []).forEach((d, i) => {
      if (d.headers) problems.push(unsupported(`${field}.route[${i}].headers`, 'header changes per destination', `set headers on the route, ${KEEP_ISTIO}`));
    });
    throwIfProblems(this.scope, problems);
    const rule: GatewayApiHttpRule = {
      matches, filters, backends: backends.filter((b): b is GatewayApiBackend => b !== undefined), timeout: route.timeout,
    };
    throwIfProblems(this.scope, precedenceProblems(field, matches, this.rules));
    this.addHttpRules(field, [rule]);
  }

  /**
   * Adds an IngressRoute HTTP route to a CanaryRelease on the Gateway API: the release's HTTPRoute rules
   * (`release.httpRouteRules`: the pins, then the weighted split over the version Services, with the release's timeout,
   * retries and mirror), each within this route's match (combined as on Istio's API, `combineMatches`), as rules of this
   * IngressRoute's HTTPRoute, whose parent is the ingress Gateway. The release's own HTTPRoute does not serve: istiod
   * binds a route whose parent is a Service to the mesh only (istio/istio pilot/pkg/config/kube/gateway,
   * `RouteParents.fetch`: `meshParentKey` becomes the internal parent "mesh", i.e. sidecars and waypoints), so an
   * ingress gateway routing to the release's Service would skip the split. What is wrong goes into `problems`.
   */
  public addRelease(field: string, route: IngressHttpRoute, release: CanaryRelease, problems: Problem[]): void {
    const releaseProblem = this.releaseProblem(field, release);
    if (releaseProblem) {
      problems.push(releaseProblem);
      return;
    }
    if (this.grpcRoute) problems.push(mixedKindsProblem(field, 'an HTTP backend', 'gRPC'));
    for (const u of UNSUPPORTED_HTTP_OPTIONS.filter(o => route[o.key] !== undefined)) problems.push(unsupported(`${field}.${u.key}`, u.feature, u.fix, u.istioOnly));
    const outer = route.match ?? [];
    outer.forEach((m, i) => gatewayApiHttpMatch(`${field}.match[${i}]`, m, problems));
    const filters = [
      ...headerFilters(route), ...route.rewrite ? this.rewrite(`${field}.rewrite`, route, problems) : [], ...this.mirrorFilters(field, route, problems),
    ];
    const rules: GatewayApiHttpRule[] = release.httpRouteRules.map(r => ({
      ...r,
      // The route's own match was checked above; the release's matches are Gateway API matches already.
      matches: combineMatches(outer, (r.matches ?? []).map(istioMatch), problems).map((m, i) => gatewayApiHttpMatch(`${field}.match[${i}]`, m, [])),
      filters: [...filters, ...r.filters ?? []],
    }));
    if (problems.length > 0) return;
    const all = rules.flatMap(r => (r.matches!.length > 0 ? r.matches! : [{}]));
    problems.push(...precedenceProblems(field, all, this.rules));
    if (problems.length > 0) return;
    this.addHttpRules(field, rules, all);
  }

  /** Why `release` cannot be routed to from this route's HTTPRoute, if it cannot. */
  private releaseProblem(field: string, release: CanaryRelease): Problem | undefined {
    if (release.routingApi !== RoutingApi.GATEWAY_API) {
      return {
        field: `${field}.release`,
        value: release.node.path,
        problem: 'is a CanaryRelease on Istio\'s API, whose versions are DestinationRule subsets: Gateway API backendRefs name Services, '
          + 'and the release has no Service per version',
        fix: 'put the release on the Gateway API too (routingApi: RoutingApi.GATEWAY_API on the CanaryRelease, or IstioApi.useRoutingApi for '
          + `the app): it then has a Service per version to split over, ${KEEP_ISTIO}`,
      };
    }
    if (release.httpRouteRules.length === 0) {
      return {
        field: `${field}.release`,
        value: release.protocol,
        problem: `is a release of protocol ${release.protocol}, routed with a ${release.grpcRoute ? 'GRPCRoute' : 'TCPRoute'}, whose rules an HTTPRoute cannot take`,
        fix: release.grpcRoute
          ? 'give the release protocol HTTP2 (an HTTPRoute then carries its gRPC calls)'
          : 'route the gateway\'s TCP traffic with an IngressRoute tcpRoutes entry and backend: release.backend',
      };
    }
    const releaseNamespace = release.versionServices[0].effectiveNamespace;
    const routeNamespace = this.spec.routeNamespace ?? DEFAULT_NAMESPACE;
    if (releaseNamespace !== routeNamespace) {
      return {
        field: `${field}.release`,
        value: `${releaseNamespace}/${release.serviceName}`,
        problem: `is in namespace "${releaseNamespace}", and this IngressRoute's HTTPRoute in "${routeNamespace}": the release's rules name its version Services without a namespace`,
        fix: `create the IngressRoute in namespace "${releaseNamespace}" (its Gateway may stay elsewhere: gatewayMetadata.namespace), ${KEEP_ISTIO}`,
      };
    }
    return undefined;
  }

  /** Adds rules to the HTTPRoute (created by the first of them); `matches` are what later routes must not outrank. */
  private addHttpRules(field: string, rules: GatewayApiHttpRule[], matches: GatewayApiHttpMatch[] = rules[0].matches ?? []): void {
    this.httpRoute ??= new GatewayApiHttpRoute(this.scope, 'HttpRoute', {
      metadata: { name: this.spec.name, namespace: this.spec.routeNamespace }, parents: this.parents, hostnames: this.hostnames,
    });
    for (const rule of rules) this.httpRoute.addRule(rule);
    this.rules.push({ field, matches });
  }

  /**
   * An HTTP route to a gRPC Service port as a GRPCRoute rule: a URI `/<service>/<method>` (exact) or `/<service>/`
   * (prefix) becomes a service/method match, headers stay; redirects, rewrites and timeouts do not exist for gRPC.
   */
  private addGrpc(field: string, route: IngressHttpRoute): void {
    const problems: Problem[] = [];
    if (this.httpRoute) problems.push(mixedKindsProblem(field, 'a gRPC backend', 'HTTP'));
    for (const u of UNSUPPORTED_HTTP_OPTIONS.filter(o => route[o.key] !== undefined)) problems.push(unsupported(`${field}.${u.key}`, u.feature, u.fix, u.istioOnly));
    for (const key of ['redirect', 'rewrite', 'timeout'] as const) {
      if (route[key] !== undefined) {
        problems.push(unsupported(`${field}.${key}`, `a ${key} on a route to a gRPC Service port (a GRPCRoute has none)`, `remove ${key}, ${KEEP_ISTIO}`));
      }
    }
    const matches = (route.match ?? []).map((m, i) => {
      const http = gatewayApiHttpMatch(`${field}.match[${i}]`, { ...m, uri: undefined }, problems);
      if (http.method) problems.push(unsupported(`${field}.match[${i}].method`, 'a method match on gRPC (every call is a POST)', 'remove the method match'));
      return { ...grpcMethod(`${field}.match[${i}].uri`, m.uri, problems), headers: http.headers };
    });
    const filters = [...headerFilters(route), ...this.mirrorFilters(field, route, problems)];
    const backend = this.fromServiceBackend(`${field}.backend`, route.backend!, problems);
    throwIfProblems(this.scope, problems);
    throwIfProblems(this.scope, grpcPrecedenceProblems(field, matches, this.grpcRules));
    this.grpcRoute ??= new GatewayApiGrpcRoute(this.scope, 'GrpcRoute', {
      metadata: { name: this.spec.name, namespace: this.spec.routeNamespace }, parents: this.parents, hostnames: this.hostnames,
    });
    this.grpcRoute.addRule({ matches, filters, backends: backend ? [backend] : [] });
    this.grpcRules.push({ field, matches });
  }

  /** The route's mirrors as filters (HTTPRoute and GRPCRoute alike). */
  private mirrorFilters(field: string, route: IngressHttpRoute, problems: Problem[]): GatewayApiHttpFilter[] {
    const all = [...route.mirror ? [route.mirror] : [], ...route.mirrors ?? []];
    return all.flatMap((m, i) => this.mirror(`${field}.${route.mirror && i === 0 ? 'mirror' : `mirrors[${route.mirror ? i - 1 : i}]`}`, m, problems));
  }

  /** Adds an IngressRoute TCP route as the TCPRoute, or throws what the Gateway API cannot express. */
  public addTcp(field: string, route: IngressTcpRoute): void {
    const problems: Problem[] = [];
    if (this.tcpRoute) problems.push(unsupported(field, 'a second TCP route on one port (a TCPRoute has no match to choose between them)', `make another IngressRoute on another port, ${KEEP_ISTIO}`));
    if (route.match !== undefined) problems.push(unsupported(`${field}.match`, 'TCP match conditions (a TCPRoute takes every connection of its listener)', `remove match, ${KEEP_ISTIO}`));
    const backends = this.l4Backends(field, route.backend, route.route, problems);
    throwIfProblems(this.scope, problems);
    this.tcpRoute = new GatewayApiTcpRoute(this.scope, 'TcpRoute', { metadata: { name: this.spec.name, namespace: this.spec.routeNamespace }, parents: this.parents, backends });
  }

  /** Adds an IngressRoute TLS passthrough route as a TLSRoute. */
  public addTls(field: string, route: IngressTlsRoute): void {
    const problems: Problem[] = [];
    const hostnames = route.sniHosts ?? this.spec.hosts;
    if (hostnames.includes('*')) problems.push(unsupported(`${field}.sniHosts`, 'the SNI name "*" (a TLSRoute needs host names)', `list the SNI names, ${KEEP_ISTIO}`));
    const backends = this.l4Backends(field, route.backend, route.route, problems);
    throwIfProblems(this.scope, problems);
    const index = this.tlsRoutes.length;
    this.tlsRoutes.push(new GatewayApiTlsRoute(this.scope, index === 0 ? 'TlsRoute' : `TlsRoute${index}`, {
      metadata: { name: index === 0 ? this.spec.name : `${this.spec.name}-${index}`, namespace: this.spec.routeNamespace },
      parents: this.parents,
      hostnames,
      backends,
    }));
  }

  /** The listeners of the route's own Gateway: one per host (and protocol), and the plain-HTTP ones that redirect. */
  private listeners(from: Partial<GatewayApiListener>): { main: GatewayApiListener[]; redirect: GatewayApiListener[] } {
    const spec = this.spec;
    const hosts = spec.hosts;
    const named = (stem: string, i: number) => hosts.length === 1 ? stem : `${stem}-${i}`;
    const hostname = (h: string) => h === '*' ? undefined : h;
    const certificateRefs = spec.tls ? [{ name: spec.tls.secretName, namespace: spec.tls.secretNamespace }] : undefined;
    if (spec.protocol === 'TLS_PASSTHROUGH') {
      return {
        main: hosts.map((h, i) => ({ ...from, name: named('tls', i), port: spec.port!, protocol: GatewayApiProtocol.TLS, hostname: hostname(h), tls: { mode: GatewayApiTlsMode.PASSTHROUGH } })),
        redirect: [],
      };
    }
    if (spec.protocol === 'TCP') {
      return {
        main: [spec.tls
          ? { ...from, name: 'tls', port: spec.port!, protocol: GatewayApiProtocol.TLS, tls: { mode: GatewayApiTlsMode.TERMINATE, certificateRefs } }
          : { ...from, name: 'tcp', port: spec.port!, protocol: GatewayApiProtocol.TCP }],
        redirect: [],
      };
    }
    if (!spec.tls) {
      return { main: hosts.map((h, i) => ({ ...from, name: named('http', i), port: spec.port!, protocol: GatewayApiProtocol.HTTP, hostname: hostname(h) })), redirect: [] };
    }
    const redirectPort = spec.tls.redirectPort;
    return {
      main: hosts.map((h, i) => ({ ...from, name: named('https', i), port: spec.port!, protocol: GatewayApiProtocol.HTTPS, hostname: hostname(h), tls: { certificateRefs } })),
      redirect: redirectPort === undefined ? [] : hosts.map((h, i) => ({ ...from, name: named('http', i), port: redirectPort, protocol: GatewayApiProtocol.HTTP, hostname: hostname(h) })),
    };
  }

  /** A VirtualService rewrite as a URLRewrite filter: a URI rewrite replaces the matched prefix, or an exact path. */
  private rewrite(field: string, route: IngressHttpRoute, problems: Problem[]): GatewayApiHttpFilter[] {
    const r = route.rewrite!;
    if (r.uriRegexRewrite) problems.push(unsupported(`${field}.uriRegexRewrite`, 'a regex rewrite', `rewrite by prefix or full path, ${KEEP_ISTIO}`));
    if (r.uri === undefined) return r.authority === undefined ? [] : [GatewayApiHttpFilter.rewrite({ hostname: r.authority })];
    const uris = (route.match ?? []).map(m => m.uri);
    const types = uris.map(u => u === undefined ? 'none' : stringMatchType(u));
    if (types.length === 1 && types[0] === 'prefix') return [GatewayApiHttpFilter.rewrite({ hostname: r.authority, replacePrefixMatch: r.uri })];
    if (types.length > 0 && types.every(t => t === 'exact')) return [GatewayApiHttpFilter.rewrite({ hostname: r.authority, replaceFullPath: r.uri })];
    problems.push(unsupported(`${field}.uri`, 'a URI rewrite on a route that is not one prefix match or only exact matches',
      `split the route so each has one StringMatch.prefix() uri match (or only exact ones), ${KEEP_ISTIO}`));
    return [];
  }

  private mirror(field: string, m: HttpMirror, problems: Problem[]): GatewayApiHttpFilter[] {
    if (m.subset !== undefined) problems.push(unsupported(`${field}.subset`, 'a subset (Gateway API backends have no subsets)', `mirror to a Service of the version, ${KEEP_ISTIO}`));
    if (m.percentage !== undefined && !Number.isInteger(m.percentage)) {
      problems.push(unsupported(`${field}.percentage`, 'a fractional mirror percentage', `use a whole percentage, ${KEEP_ISTIO}`));
    }
    const backend = this.host(field, m.host, m.port, undefined, problems);
    return backend ? [GatewayApiHttpFilter.mirror(backend, { percent: m.percentage })] : [];
  }

  private l4Backends(
    field: string, backend: ServiceBackend | undefined, route: RouteDestination[] | undefined, problems: Problem[],
  ): GatewayApiBackend[] {
    const all = backend
      ? [this.fromServiceBackend(`${field}.backend`, backend, problems)]
      : (route ?? []).map((d, i) => this.destination(`${field}.route[${i}]`, d, problems));
    return all.filter((b): b is GatewayApiBackend => b !== undefined);
  }

  private destination(field: string, d: RouteDestination, problems: Problem[]): GatewayApiBackend | undefined {
    if (d.subset !== undefined) {
      problems.push(unsupported(`${field}.subset`, 'a subset (Gateway API backends have no subsets)', `route to a Service per version (as CanaryRelease does on the Gateway API), ${KEEP_ISTIO}`));
    }
    return this.host(field, d.host, d.port, d.weight, problems);
  }

  private fromServiceBackend(field: string, backend: ServiceBackend, problems: Problem[]): GatewayApiBackend | undefined {
    let port: number | undefined;
    try {
      port = backend.resolve().port;
    } catch {
      port = undefined;
    }
    return this.host(field, backend.host, port, undefined, problems);
  }

  /**
   * A host as a backendRef: a Kubernetes Service (`name`, `name.namespace`, `name.namespace.svc.cluster.local`), or any
   * other host through Istio's `Hostname` backend kind. The Gateway API needs the port.
   */
  private host(
    field: string, host: string, port: number | undefined, weight: number | undefined, problems: Problem[],
  ): GatewayApiBackend | undefined {
    if (port === undefined) {
      problems.push({
        field,
        value: host,
        problem: 'has no port; a Gateway API backendRef to a Service needs one',
        fix: 'choose the port (ServiceBackend options port, or port on the destination)',
      });
      return undefined;
    }
    if (host.includes('*')) {
      problems.push(unsupported(`${field}.host`, 'a wildcard destination host', `route to one host, ${KEEP_ISTIO}`));
      return undefined;
    }
    const labels = host.split('.');
    const routeNamespace = this.spec.routeNamespace ?? DEFAULT_NAMESPACE;
    if (labels.length === 1) return GatewayApiBackend.service(host, port, { weight, namespace: this.spec.routeNamespace });
    if (labels.length === 2 || (labels.length === 5 && host.endsWith('.svc.cluster.local'))) {
      return GatewayApiBackend.service(labels[0], port, { weight, namespace: labels[1] === routeNamespace ? this.spec.routeNamespace : labels[1] });
    }
    return GatewayApiBackend.hostname(host, port, { weight });
  }
}

/** The route's header changes as filters (HTTPRoute and GRPCRoute alike). */
function headerFilters(route: IngressHttpRoute): GatewayApiHttpFilter[] {
  const filters: GatewayApiHttpFilter[] = [];
  if (route.headers?.request) filters.push(GatewayApiHttpFilter.requestHeaders(route.headers.request));
  if (route.headers?.response) filters.push(GatewayApiHttpFilter.responseHeaders(route.headers.response));
  return filters;
}

/** A Gateway API match as the Istio match it came from (an exact method, exact or regex values), to combine it with `combineMatches`. */
function istioMatch(m: GatewayApiHttpMatch): HttpMatch {
  const values = (list: GatewayApiValueMatch[] | undefined) => list && Object.fromEntries(list.map(v => [v.name, v.value]));
  return { uri: m.path, headers: values(m.headers), queryParams: values(m.queryParams), method: m.method && StringMatch.exact(m.method) };
}

/** The protocol of a backend's chosen port, when it can be told now. */
function backendProtocol(backend: ServiceBackend): Protocol | undefined {
  try {
    return backend.resolve().protocol;
  } catch {
    return undefined;
  }
}

function mixedKindsProblem(field: string, what: string, earlier: string): Problem {
  return {
    field,
    problem: `routes to ${what}, but earlier routes of this IngressRoute go to ${earlier} backends; on the Gateway API gRPC and HTTP routes cannot share a host name`,
    fix: `make another IngressRoute (another host) for these routes, ${KEEP_ISTIO}`,
  };
}

const GRPC_PATH = /^\/([a-zA-Z_][a-zA-Z0-9_.]*)\/([A-Za-z_][A-Za-z_0-9]*)?$/;

/** A URI match as a gRPC service/method match: exact `/<service>/<method>`, prefix `/<service>/`, or any call. */
function grpcMethod(field: string, uri: StringMatch | undefined, problems: Problem[]): { service?: string; method?: string } {
  if (uri === undefined) return {};
  const type = stringMatchType(uri);
  const value = Object.values(uri._render())[0] as string;
  if (type === 'prefix' && value === '/') return {};
  const parts = GRPC_PATH.exec(value ?? '');
  if (parts && type === 'exact' && parts[2] !== undefined) return { service: parts[1], method: parts[2] };
  if (parts && type === 'prefix' && parts[2] === undefined) return { service: parts[1] };
  problems.push(unsupported(field, 'a URI match a GRPCRoute cannot express (it matches a service, and a method of it)',
    `match StringMatch.exact("/<package.Service>/<Method>") or StringMatch.prefix("/<package.Service>/"), ${KEEP_ISTIO}`));
  return {};
}

/**
 * The GRPCRoute form of the precedence check: the Gateway API gives a gRPC call to the rule with the longest matching
 * service, then method, then the most header matches (gateway-api GRPCRouteRule, "Precedence"), whatever the order.
 */
function grpcPrecedenceProblems(
  field: string, matches: GatewayApiGrpcMatch[], earlier: Array<{ field: string; matches: GatewayApiGrpcMatch[] }>,
): Problem[] {
  const mine = matches.length > 0 ? matches : [{}];
  const grpcRank = (m: GatewayApiGrpcMatch) => [m.service?.length ?? 0, m.method?.length ?? 0, m.headers?.length ?? 0];
  const same = (x: string | undefined, y: string | undefined) => x === undefined || y === undefined || x === y;
  const grpcOverlap = (a: GatewayApiGrpcMatch, b: GatewayApiGrpcMatch) => same(a.service, b.service) && same(a.method, b.method);
  return earlier.filter(e => {
    const theirs = e.matches.length > 0 ? e.matches : [{}];
    return mine.some(b => theirs.some(a => grpcOverlap(a, b) && compareRank(grpcRank(b), grpcRank(a)) > 0));
  }).map(e => precedenceProblem(field, e.field, 'calls', 'longer services and methods, more headers first'));
}

/**
 * An Istio HTTP match as a Gateway API HTTPRoute match (path, headers, query parameters, method); what it cannot say is
 * reported in `problems`, ending with `keep` (how to stay on Istio's APIs). Used by IngressRoute and CanaryRelease.
 */
export function gatewayApiHttpMatch(field: string, m: HttpMatch, problems: Problem[], keep: string = KEEP_ISTIO): GatewayApiHttpMatch {
  for (const u of UNSUPPORTED_MATCH_FIELDS.filter(f => (m as any)[f.key] !== undefined)) problems.push(unsupported(`${field}.${u.key}`, u.feature, `${u.fix}, ${keep}`));
  let method: GatewayApiHttpMethod | undefined;
  if (m.method) {
    const value = Object.values(m.method._render())[0];
    method = stringMatchType(m.method) === 'exact' && Object.values(GatewayApiHttpMethod).includes(value as GatewayApiHttpMethod) ? value as GatewayApiHttpMethod : undefined;
    if (method === undefined) problems.push(unsupported(`${field}.method`, 'a method match other than one exact method', `match one method exactly (StringMatch.exact("GET")), ${keep}`));
  }
  const values = (kind: string, map: { [name: string]: StringMatch } | undefined): GatewayApiValueMatch[] | undefined => {
    if (map === undefined) return undefined;
    return Object.entries(map).map(([name, value]) => {
      if (kind === 'headers' && isJwtClaimKey(name)) {
        problems.push(unsupported(`${field}.headers`, `a JWT claim match ("${name}")`, `match a header the backend or an authorization policy sets instead, ${keep}`));
      }
      return { name, value: exactOrRegex(value) };
    });
  };
  return { path: m.uri, headers: values('headers', m.headers), queryParams: values('queryParams', m.queryParams), method };
}

/** A header or query value as the Gateway API matches it: exact, or RE2 regex (a prefix and a presence check become regexes). */
function exactOrRegex(value: StringMatch): StringMatch {
  const type = stringMatchType(value);
  if (type === 'prefix') return StringMatch.regex(`${escapeRegex(Object.values(value._render())[0] as string)}.*`);
  if (type === 'present') return StringMatch.regex('.*');
  return value;
}

function unsupported(field: string, feature: string, fix: string, istioOnly?: boolean): Problem {
  return { field, problem: `is ${feature}, which ${istioOnly ? 'this IngressRoute writes only with Istio\'s APIs' : 'the Gateway API cannot express'}`, fix };
}

/**
 * Istio's VirtualService tries routes in order; the Gateway API picks the most specific match whatever the order: an
 * exact path, then the longest prefix, then a method, then the most headers, then the most query parameters
 * (gateway-api HTTPRouteRule, "Precedence"). A route that would now win over an earlier one it overlaps changes
 * where requests go, so it is an error. Istio orders the converted routes by path kind (exact, then prefix, then
 * regex: `getURIRank`), then path length, method, header and query parameter counts (istio/istio
 * pilot/pkg/config/kube/gateway conversion.go, `sortHTTPRoutes`); a match without path is the CRD default
 * `PathPrefix /`.
 */
export function precedenceProblems(
  field: string, matches: GatewayApiHttpMatch[], earlier: Array<{ field: string; matches: GatewayApiHttpMatch[] }>, keep: string = KEEP_ISTIO,
): Problem[] {
  const problems: Problem[] = [];
  const mine = matches.length > 0 ? matches : [{}];
  for (const e of earlier) {
    const theirs = e.matches.length > 0 ? e.matches : [{}];
    const clash = mine.find(b => theirs.some(a => overlap(a, b) && compareRank(rank(b), rank(a)) > 0));
    if (clash) problems.push(precedenceProblem(field, e.field, 'requests', 'exact paths, then prefixes, then regexes; longer paths, a method, more headers and query parameters first', keep));
  }
  return problems;
}

function precedenceProblem(field: string, earlier: string, what: string, order: string, keep: string = KEEP_ISTIO): Problem {
  return {
    field: `${field}.match`,
    problem: `would take precedence over the earlier ${earlier}, whose ${what} it overlaps: the Gateway API orders rules by their match (${order}), `
      + 'not by position as the VirtualService does',
    fix: `move this route before ${earlier}, or make their matches disjoint, ${keep}`,
    symptom: `${what} both match would go to this route instead of ${earlier}`,
  };
}

/** Istio's precedence key of a match: path kind (exact 3, prefix 2, regex 1), path length, method, headers, query params. */
function rank(m: GatewayApiHttpMatch): number[] {
  const type = m.path ? stringMatchType(m.path) : 'prefix';
  const value = m.path ? Object.values(m.path._render())[0] as string : '/';
  const kind = type === 'exact' ? 3 : type === 'prefix' ? 2 : 1;
  return [kind, value.length, m.method ? 1 : 0, m.headers?.length ?? 0, m.queryParams?.length ?? 0];
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Whether some request can match both (conservative: regexes and different header names may overlap). */
function overlap(a: GatewayApiHttpMatch, b: GatewayApiHttpMatch): boolean {
  if (a.method && b.method && a.method !== b.method) return false;
  if (!pathsOverlap(a.path, b.path)) return false;
  for (const key of ['headers', 'queryParams'] as const) {
    for (const x of a[key] ?? []) {
      const y = (b[key] ?? []).find(v => key === 'headers' ? v.name.toLowerCase() === x.name.toLowerCase() : v.name === x.name);
      if (y && stringMatchType(x.value) === 'exact' && stringMatchType(y.value) === 'exact' && x.value._render().exact !== y.value._render().exact) return false;
    }
  }
  return true;
}

function pathsOverlap(a: StringMatch | undefined, b: StringMatch | undefined): boolean {
  const norm = (m: StringMatch | undefined) => m ? { type: stringMatchType(m), value: Object.values(m._render())[0] as string } : { type: 'prefix', value: '/' };
  const x = norm(a);
  const y = norm(b);
  if (x.type === 'regex' || y.type === 'regex') return true;
  const under = (path: string, prefix: string) => prefix === '/' || path === prefix.replace(/\/$/, '') || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
  if (x.type === 'exact' && y.type === 'exact') return x.value === y.value;
  if (x.type === 'exact') return under(x.value, y.value);
  if (y.type === 'exact') return under(y.value, x.value);
  return under(x.value, y.value) || under(y.value, x.value);
}
