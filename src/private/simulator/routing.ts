/**
 * What istiod's configuration does with one request: the proxy that handles it (a sidecar or a gateway), the
 * VirtualService and route that match it in Istio's order, each destination with its subset, pods and
 * DestinationRule policy, and the authorization decision at the workloads on the way.
 *
 * Sources followed: pilot/pkg/networking/core/route (virtual host and route building, delegate merging),
 * pilot/pkg/model/push_context.go (`destinationRule`: client namespace, then the Service's, then the root
 * namespace; `VirtualServicesForGateway`), pilot/pkg/model/sidecar.go (egress host import) and Envoy's route
 * matching (first route whose match holds; `safe_regex` full match; `present_match` for `{}`).
 */
import { Protocol } from '../../protocol';
import { gatewayServerIsHttp, HTTP_ROUTED_PROTOCOLS, PASSTHROUGH_TLS_MODES, servicePortProtocol } from '../mesh-rules';
import { authorize, AuthorizationDecision } from './authorization';
import { stringMatches } from './matching';
import {
  DestinationRuleView, GatewayView, idOf, MeshConfig, ServiceView, SidecarView, VirtualServiceView, visibleTo,
} from './mesh-config';
import type { SimulatedDestination, SimulatedMirror } from '../../simulator';
import { pickDestinationRules } from '../analysis/destination-rules';
import { clusterLocalService, gatewayKey, splitServerHost } from '../analysis/references';
import { expandHost, hostCovers, hostsOverlap, labelsSubset, mostSpecificHostMatches, sameLabels } from '../mesh-model';
import { re2FullMatch } from '../re2';

export type Outcome = 'ROUTED' | 'REDIRECTED' | 'DIRECT_RESPONSE' | 'ABORTED' | 'NO_ROUTE' | 'NO_CLUSTER'
| 'BLOCKED_BY_REGISTRY_ONLY' | 'DENIED' | 'UNAUTHENTICATED' | 'NO_LISTENER' | 'DEPENDS_ON_CLUSTER';

export interface SourceSpec {
  readonly gateway?: string;
  readonly gatewayWorkloadNamespace?: string;
  readonly namespace?: string;
  readonly labels?: { [key: string]: string };
  readonly serviceAccount?: string;
}

export interface RequestSpec {
  readonly source: SourceSpec;
  readonly host: string;
  readonly port?: number;
  readonly path: string;
  readonly method: string;
  readonly scheme: string;
  readonly headers: { [name: string]: string };
  readonly queryParams: { [name: string]: string };
  readonly jwtClaims?: { [claim: string]: any };
}

/** A destination as the public API describes it (`SimulatedDestination`), with the outcome as a plain string. */
export type DestinationResult = Omit<SimulatedDestination, 'outcome'> & { readonly outcome: Outcome };

/** A mirror as the public API describes it (`SimulatedMirror`), with the outcome as a plain string. */
export type MirrorResult = Omit<SimulatedMirror, 'outcome'> & { readonly outcome: Outcome };

export interface SimulationData {
  outcome: Outcome;
  statusCode?: number;
  explanation: string;
  proxy: string;
  virtualService?: string;
  routeIndex?: number;
  routeName?: string;
  gatewayServer?: any;
  destinations: DestinationResult[];
  mirrors: MirrorResult[];
  rewrite?: any;
  redirect?: any;
  directResponse?: any;
  headers?: any;
  timeout?: string;
  retries?: any;
  fault?: any;
  corsPolicy?: any;
  notes: string[];
}

type PortKind = 'http' | 'tcp' | 'tls';

/**
 * The routes of a VirtualService that apply on a port of `protocol`: `http` for the HTTP family (and for a port whose
 * protocol Istio sniffs, since the request is HTTP), `tls` for TLS and HTTPS (by SNI), else `tcp`.
 */
function routeKindOf(protocol: Protocol | undefined): PortKind {
  if (protocol === undefined || HTTP_ROUTED_PROTOCOLS.includes(protocol)) return 'http';
  return protocol === Protocol.TLS || protocol === Protocol.HTTPS ? 'tls' : 'tcp';
}

/**
 * The host a client's DNS resolves, as istiod names it: `reviews` from `prod` is `reviews.prod.svc.cluster.local`,
 * and so is `reviews.prod` when `prod` is a namespace of the app (the resolver's `svc.cluster.local` search suffix).
 */
function clientFqdn(config: MeshConfig, host: string, namespace: string): string {
  const hostname = host.toLowerCase();
  const candidates = hostname.includes('.')
    ? [`${hostname}.svc.cluster.local`, `${hostname}.cluster.local`, hostname]
    : [`${hostname}.${namespace}.svc.cluster.local`];
  const known = candidates.find(c => config.services.has(c));
  if (known) return known;
  const labels = hostname.split('.');
  if (labels.length === 2 && config.knownNamespaces.has(labels[1])) return `${hostname}.svc.cluster.local`;
  return expandHost(hostname, namespace);
}

interface Proxy {
  /** `sidecar of <ns>/<labels>` or `gateway <ns>/<name>`. */
  readonly description: string;
  readonly namespace: string;
  readonly labels: { [key: string]: string };
  readonly principal?: string;
  /** `namespace/name` of the gateways this proxy implements; empty for a sidecar. */
  readonly gateways: string[];
  readonly sidecar?: SidecarView;
}

interface Context {
  readonly config: MeshConfig;
  readonly request: RequestSpec;
  readonly proxy: Proxy;
  readonly port: number;
  /** The gateway whose server accepted the request (for `match.gateways`), or `mesh`. */
  readonly gateway: string;
  /** Whether a RequestAuthentication at the proxy validated the token, so `@request.auth.claims` matches can hold. */
  readonly claimsValidated: boolean;
  readonly notes: string[];
}

export function simulate(config: MeshConfig, request: RequestSpec): SimulationData {
  return request.source.gateway !== undefined ? simulateAtGateway(config, request) : simulateFromSidecar(config, request);
}

function result(outcome: Outcome, explanation: string, proxy: string, notes: string[], statusCode?: number): SimulationData {
  return { outcome, explanation, proxy, statusCode, destinations: [], mirrors: [], notes };
}

// ---------------------------------------------------------------------------------------------------------------
// Sidecar (mesh) traffic

function simulateFromSidecar(config: MeshConfig, request: RequestSpec): SimulationData {
  const namespace = request.source.namespace ?? 'default';
  const labels = request.source.labels ?? {};
  const sidecar = sidecarFor(config, namespace, labels);
  const proxy: Proxy = {
    description: `sidecar of a workload in ${namespace}${Object.keys(labels).length ? ` with labels ${JSON.stringify(labels)}` : ''}`,
    namespace,
    labels,
    sidecar,
    gateways: [],
    principal: `cluster.local/ns/${namespace}/sa/${request.source.serviceAccount ?? 'default'}`,
  };
  const notes: string[] = [];
  if (sidecar) notes.push(`Sidecar ${idOf(sidecar)} configures this proxy`);
  const fqdn = clientFqdn(config, request.host, namespace);
  const service = config.services.get(fqdn);
  const entries = service ? [] : config.serviceEntriesFor(fqdn, namespace);
  const registryNamespace = service?.namespace ?? entries[0]?.namespace;
  const inRegistry = (service !== undefined && visibleTo(service.exportTo, service.namespace, namespace)) || entries.length > 0;
  const imported = inRegistry && sidecarImports(sidecar, namespace, registryNamespace!, fqdn);
  const meshVirtualServices = mostSpecificHostMatches(config.virtualServices.filter(vs => vs.gateways.includes('mesh')
    && visibleTo(vs.exportTo, vs.namespace, namespace)
    && sidecarImports(sidecar, namespace, vs.namespace, fqdn)), vs => vs.hosts, fqdn);
  if (meshVirtualServices.length > 1) {
    notes.push(`VirtualServices ${meshVirtualServices.map(idOf).join(', ')} all claim ${fqdn} for mesh traffic; a sidecar uses only the `
      + `oldest (IST0109); assumed ${idOf(meshVirtualServices[0])}`);
  }
  const vs = meshVirtualServices[0];
  if (!imported) {
    const port = request.port ?? 80;
    // A VirtualService for a host outside the registry still routes it on port 80 (route.go, separateVSHostsAndServices).
    if (vs && port === 80 && routesOf(vs, 'http')) {
      notes.push(`${fqdn} is not in the registry: the route of VirtualService ${idOf(vs)} applies on port 80 only`);
      return routeWith({ config, request, proxy, port, gateway: 'mesh', claimsValidated: false, notes }, vs, 'http', routesOf(vs, 'http')!);
    }
    const why = !inRegistry
      ? `${fqdn} is not a Service or ServiceEntry host of the app visible from ${namespace}`
      : `Sidecar ${idOf(sidecar!)} does not import ${registryNamespace}/${fqdn} into ${namespace}`;
    if (sidecar?.spec.outboundTrafficPolicy?.mode === 'REGISTRY_ONLY') {
      return result('BLOCKED_BY_REGISTRY_ONLY', `${why}, and Sidecar ${idOf(sidecar)} allows only known hosts (REGISTRY_ONLY): `
        + 'the request goes to the BlackHoleCluster (502)', proxy.description, notes, 502);
    }
    return result('DEPENDS_ON_CLUSTER', `${why}: what happens depends on the cluster (a Service the app does not define, or, `
      + 'with the mesh\'s outboundTrafficPolicy ALLOW_ANY, the PassthroughCluster)', proxy.description, notes);
  }
  const registryPorts = service?.ports ?? entries[0].ports;
  const servicePort = request.port !== undefined
    ? registryPorts.find(p => p.port === request.port)
    : registryPorts.length === 1 ? registryPorts[0] : undefined;
  const port = request.port ?? servicePort?.port ?? 80;
  if (!servicePort) {
    return result('DEPENDS_ON_CLUSTER', `${service ? `Service ${idOf(service)}` : `ServiceEntry ${idOf(entries[0])}`} has no port ${port} `
      + `(its ports: ${registryPorts.map(p => p.port).join(', ')}): the client's connection goes to the PassthroughCluster or nowhere`,
    proxy.description, notes);
  }
  const ctx: Context = { config, request, proxy, port, gateway: 'mesh', claimsValidated: false, notes };
  const kind = routeKindOf(servicePortProtocol(servicePort));
  const routes = vs ? routesOf(vs, kind) : [];
  if (!vs || routes === undefined) {
    return defaultRoute(ctx, fqdn, vs
      ? `VirtualService ${idOf(vs)} has no ${kind} routes, so the proxy routes to ${fqdn} directly`
      : `no VirtualService applies to ${fqdn} for mesh traffic, so the proxy routes to it directly`);
  }
  return routeWith(ctx, vs, kind, routes);
}

/** The Sidecar that configures a workload: one selecting it in its namespace, else its namespace's default, else the root's. */
function sidecarFor(config: MeshConfig, namespace: string, labels: { [key: string]: string }): SidecarView | undefined {
  const own = config.sidecarsByNamespace.get(namespace) ?? [];
  return own.find(s => s.workloadSelector !== undefined && labelsSubset(s.workloadSelector, labels))
    ?? own.find(s => s.workloadSelector === undefined)
    ?? (config.sidecarsByNamespace.get(config.rootNamespace) ?? []).find(s => s.workloadSelector === undefined);
}

/** Whether the Sidecar's egress hosts (`namespace/host`) import config of `configNamespace` for `host`. */
function sidecarImports(sidecar: SidecarView | undefined, proxyNamespace: string, configNamespace: string, host: string): boolean {
  const egress: any[] = sidecar?.spec.egress ?? [];
  if (egress.length === 0) return true;
  const listener = egress.find(e => e.port === undefined) ?? egress[0];
  return (listener.hosts ?? []).some((entry: string) => {
    const [ns, h] = entry.split('/', 2);
    const nsOk = ns === '*' || (ns === '.' ? configNamespace === (sidecar!.namespace ?? proxyNamespace) : ns === configNamespace);
    return nsOk && hostCovers(h, host);
  });
}

function routesOf(vs: VirtualServiceView, kind: PortKind): any[] | undefined {
  const routes = vs.spec[kind];
  return Array.isArray(routes) && routes.length > 0 ? routes : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Gateway traffic

function simulateAtGateway(config: MeshConfig, request: RequestSpec): SimulationData {
  const ref = request.source.gateway!;
  const gateway = config.gateways.get(ref);
  const notes: string[] = [];
  if (!gateway) {
    return result('DEPENDS_ON_CLUSTER', `Gateway ${ref} is not defined in the app: its servers are unknown`, `gateway ${ref}`, notes);
  }
  const workloadNamespace = request.source.gatewayWorkloadNamespace ?? gatewayWorkloadNamespace(config, gateway);
  const merged = [...config.gateways.values()].filter(g => sameLabels(g.selector, gateway.selector));
  const port = request.port ?? (request.scheme === 'https' ? 443 : 80);
  const proxy: Proxy = {
    description: `gateway workload ${JSON.stringify(gateway.selector)} in ${workloadNamespace}`,
    namespace: workloadNamespace,
    labels: gateway.selector,
    gateways: merged.map(idOf),
  };
  const hostname = request.host.toLowerCase().replace(/:\d+$/, '');
  const onPort = merged.flatMap(g => (g.servers as any[]).filter(s => s?.port?.number === port).map(server => ({ gateway: g, server })));
  if (onPort.length === 0) {
    return result('NO_LISTENER', `no server of ${merged.map(idOf).join(', ')} listens on port ${port}: the connection is refused`, proxy.description, notes);
  }
  // istiod merges the servers of every Gateway that selects the same workload (IST0145 when they conflict).
  const served = onPort.filter(({ server }) => (server.hosts ?? []).some((h: string) => hostCovers(splitServerHost(h, '').host, hostname)));
  if (served.length === 0) {
    return result('NO_ROUTE', `no server on port ${port} serves host ${hostname} (404 NR: no virtual host)`, proxy.description, notes, 404);
  }
  const { gateway: owner, server } = served[0];
  const protocol = String(server.port.protocol ?? 'HTTP').toUpperCase();
  const base = (r: SimulationData): SimulationData => ({ ...r, gatewayServer: server });
  if (protocol === 'HTTP' && server.tls?.httpsRedirect) {
    return base({
      ...result('REDIRECTED', `server ${server.port.name ?? port} of Gateway ${idOf(owner)} redirects plain HTTP to HTTPS (301)`, proxy.description, notes, 301),
      redirect: { scheme: 'https', authority: hostname, uri: request.path },
    });
  }
  const authz = authorize(config, workloadNamespace, gateway.selector, {
    host: hostname, port, method: request.method, path: request.path, headers: request.headers, jwtClaims: request.jwtClaims,
  });
  notes.push(...authz.notes);
  if (!authz.allowed) return base(result(authz.status === 401 ? 'UNAUTHENTICATED' : 'DENIED', `at the gateway: ${authz.reason}`, proxy.description, notes, authz.status));
  // A gateway terminates HTTPS (and TLS in SIMPLE or MUTUAL mode) itself; only passed-through TLS is routed by SNI.
  const kind: PortKind = PASSTHROUGH_TLS_MODES.includes(server.tls?.mode) ? 'tls' : gatewayServerIsHttp(protocol, server.tls?.mode) ? 'http' : 'tcp';
  const serverHosts: string[] = server.hosts ?? [];
  const candidates = config.virtualServices.filter(vs => vs.gateways.includes(idOf(owner))
    && visibleTo(vs.exportTo, vs.namespace, workloadNamespace)
    && vs.hosts.some(h => hostCovers(h, hostname))
    && serverHosts.some(sh => serverAdmits(sh, owner.namespace, vs, hostname)));
  const ctx: Context = { config, request, proxy, port, gateway: idOf(owner), claimsValidated: authz.tokenValidated, notes };
  if (candidates.length === 0) {
    return base(result('NO_ROUTE', `no VirtualService bound to Gateway ${idOf(owner)} serves ${hostname} (404 NR)`, proxy.description, notes, 404));
  }
  if (candidates.length > 1) {
    notes.push(`VirtualServices ${candidates.map(idOf).join(', ')} serve ${hostname} at Gateway ${idOf(owner)}: istiod merges their routes, `
      + 'oldest first; assumed this order');
  }
  // At a gateway, the routes of every VirtualService for the host are merged into one list.
  const routes = candidates.flatMap(vs => (routesOf(vs, kind) ?? []).map(route => ({ vs, route })));
  return base(routeWithMerged(ctx, routes, kind));
}

/** A server host `ns/host` admits a VirtualService of namespace `ns` (`*` any, `.` the Gateway's own) for `host`. */
function serverAdmits(serverHost: string, gatewayNamespace: string, vs: VirtualServiceView, host: string): boolean {
  const entry = splitServerHost(serverHost, gatewayNamespace);
  return (entry.namespace === '*' || entry.namespace === vs.namespace) && hostsOverlap(entry.host, host);
}

/**
 * Where a Gateway's pods run: a workload of the app its selector picks, else Istio's stock gateways' namespace for
 * their `istio` labels, else the Gateway's own namespace.
 */
function gatewayWorkloadNamespace(config: MeshConfig, gateway: GatewayView): string {
  for (const workloads of config.workloadsByNamespace.values()) {
    const hit = workloads.find(w => Object.keys(gateway.selector).length > 0 && labelsSubset(gateway.selector, w.podLabels));
    if (hit) return hit.namespace;
  }
  const istio = gateway.selector.istio;
  if (istio === 'ingressgateway' || istio === 'egressgateway') return config.rootNamespace;
  return gateway.namespace;
}

// ---------------------------------------------------------------------------------------------------------------
// Routes

function routeWith(ctx: Context, vs: VirtualServiceView, kind: PortKind, routes: any[]): SimulationData {
  return routeWithMerged(ctx, routes.map(route => ({ vs, route })), kind);
}

function routeWithMerged(ctx: Context, routes: Array<{ vs: VirtualServiceView; route: any }>, kind: PortKind): SimulationData {
  for (let i = 0; i < routes.length; i++) {
    const { vs, route } = routes[i];
    if (kind === 'http' && route.delegate) {
      const delegated = delegateMatch(ctx, vs, route);
      if (delegated) return delegated;
      continue;
    }
    if (routeMatches(ctx, vs, route, kind)) return applyRoute(ctx, vs, route, i, kind);
  }
  const host = ctx.request.host;
  return result('NO_ROUTE', `no route of ${[...new Set(routes.map(r => idOf(r.vs)))].join(', ')} matches the request to ${host}`
    + `${kind === 'http' ? ' (404 NR)' : ': the connection is closed'}`, ctx.proxy.description, ctx.notes, kind === 'http' ? 404 : undefined);
}

/**
 * A route with `delegate` is replaced by the delegate's routes, each with the parent's match and its own both
 * holding (istiod's `mergeHTTPRoutes`); a request none of them matches goes on to the parent's next route.
 */
function delegateMatch(ctx: Context, parent: VirtualServiceView, route: any): SimulationData | undefined {
  if (!route.match?.length ? false : !route.match.some((m: any) => httpMatchHolds(ctx, parent, m))) return undefined;
  const id = `${route.delegate.namespace ?? parent.namespace}/${route.delegate.name}`;
  const child = ctx.config.virtualServicesById.get(id);
  if (!child) {
    return result('DEPENDS_ON_CLUSTER', `route ${describeRoute(route, 0)} of ${idOf(parent)} delegates to VirtualService ${id}, which the app does not define`, ctx.proxy.description, ctx.notes);
  }
  const routes: any[] = child.spec.http ?? [];
  for (let i = 0; i < routes.length; i++) {
    if (routeMatches(ctx, child, routes[i], 'http')) {
      const applied = applyRoute(ctx, child, routes[i], i, 'http');
      ctx.notes.push(`delegated from VirtualService ${idOf(parent)}`);
      return applied;
    }
  }
  return undefined;
}

function routeMatches(ctx: Context, vs: VirtualServiceView, route: any, kind: PortKind): boolean {
  const matches: any[] = route.match ?? [];
  if (matches.length === 0) return true;
  return matches.some(m => (kind === 'http' ? httpMatchHolds(ctx, vs, m) : l4MatchHolds(ctx, vs, m, kind)));
}

function commonMatchHolds(ctx: Context, vs: VirtualServiceView, m: any): boolean {
  if (m.port !== undefined && m.port !== ctx.port) return false;
  if (m.sourceLabels !== undefined && !labelsSubset(m.sourceLabels, ctx.proxy.labels)) return false;
  if (m.sourceNamespace !== undefined && m.sourceNamespace !== ctx.proxy.namespace) return false;
  if (Array.isArray(m.gateways) && m.gateways.length > 0) {
    const gateways = m.gateways.map((g: string) => (g === 'mesh' ? g : gatewayKey(g, vs.namespace)));
    if (!gateways.includes(ctx.gateway)) return false;
  }
  return true;
}

function httpMatchHolds(ctx: Context, vs: VirtualServiceView, m: any): boolean {
  if (m === null || typeof m !== 'object') return false;
  const r = ctx.request;
  const path = r.path.split('?')[0];
  if (m.uri !== undefined && !stringMatches(m.uri, path, m.ignoreUriCase === true && m.uri.regex === undefined)) return false;
  if (m.scheme !== undefined && !stringMatches(m.scheme, r.scheme)) return false;
  if (m.method !== undefined && !stringMatches(m.method, r.method)) return false;
  if (m.authority !== undefined && !stringMatches(m.authority, r.host)) return false;
  for (const [name, match] of Object.entries(m.headers ?? {})) {
    if (!stringMatches(match, headerValue(ctx, name))) return false;
  }
  for (const [name, match] of Object.entries(m.withoutHeaders ?? {})) {
    if (stringMatches(match, headerValue(ctx, name))) return false;
  }
  for (const [name, match] of Object.entries<any>(m.queryParams ?? {})) {
    const value = r.queryParams[name];
    if (typeof match?.regex === 'string' ? !(value !== undefined && re2FullMatch(match.regex, value)) : !stringMatches(match, value)) return false;
  }
  return commonMatchHolds(ctx, vs, m);
}

/** A header's value; `@request.auth.claims.<name>` is a claim of a token a RequestAuthentication at this proxy validated. */
function headerValue(ctx: Context, name: string): string | undefined {
  const claim = /^@request\.auth\.claims\.(.+)$/.exec(name);
  if (claim) {
    if (!ctx.claimsValidated || ctx.request.jwtClaims === undefined) return undefined;
    let value: any = ctx.request.jwtClaims;
    for (const part of claim[1].split('.')) value = value?.[part];
    return value === undefined ? undefined : String(value);
  }
  return ctx.request.headers[name.toLowerCase()];
}

function l4MatchHolds(ctx: Context, vs: VirtualServiceView, m: any, kind: PortKind): boolean {
  if (m === null || typeof m !== 'object') return false;
  if (kind === 'tls' && Array.isArray(m.sniHosts) && !m.sniHosts.some((h: string) => hostCovers(h, ctx.request.host.toLowerCase()))) return false;
  if (Array.isArray(m.destinationSubnets) && m.destinationSubnets.length > 0) {
    ctx.notes.push(`a match on destinationSubnets of ${idOf(vs)} depends on addresses the simulator does not know; treated as not matching`);
    return false;
  }
  return commonMatchHolds(ctx, vs, m);
}

function describeRoute(route: any, index: number): string {
  return route?.name ? `"${route.name}"` : `#${index}`;
}

function applyRoute(ctx: Context, vs: VirtualServiceView, route: any, index: number, kind: PortKind): SimulationData {
  const base: SimulationData = {
    ...result('ROUTED', '', ctx.proxy.description, ctx.notes),
    virtualService: idOf(vs),
    routeIndex: index,
    routeName: route.name,
    rewrite: route.rewrite,
    headers: route.headers,
    corsPolicy: route.corsPolicy,
    fault: route.fault,
  };
  const where = `route ${describeRoute(route, index)} of VirtualService ${idOf(vs)}`;
  if (kind === 'http') {
    base.timeout = route.timeout;
    // Istio retries twice by default (meshConfig.defaultHttpRetryPolicy) when a route sets none.
    base.retries = route.retries ?? { attempts: 2, retryOn: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes' };
  }
  if (route.redirect) {
    const code = route.redirect.redirectCode ?? 301;
    return { ...base, outcome: 'REDIRECTED', statusCode: code, redirect: route.redirect, explanation: `${where} redirects (${code})` };
  }
  if (route.directResponse) {
    const status = route.directResponse.status;
    return { ...base, outcome: 'DIRECT_RESPONSE', statusCode: status, directResponse: route.directResponse, explanation: `${where} answers directly with ${status}` };
  }
  const abort = route.fault?.abort;
  const abortShare = abort ? abort.percentage?.value ?? 100 : 0;
  if (abort && abortShare >= 100) {
    const status = abort.httpStatus ?? 503;
    return { ...base, outcome: 'ABORTED', statusCode: status, explanation: `${where} injects an abort (${status}) into every request` };
  }
  const dests: any[] = route.route ?? [];
  const totalWeight = dests.reduce((sum, d) => sum + (d.weight ?? 0), 0);
  const shares = dests.map(d => (dests.length === 1 && !d.weight ? 100 : totalWeight === 0 ? 0 : ((d.weight ?? 0) * 100) / totalWeight));
  base.destinations = dests.map((d, i) => resolveDestination(ctx, vs, d.destination ?? {}, shares[i]));
  base.mirrors = mirrorsOf(route).map(m => {
    const resolved = resolveDestination(ctx, vs, m.destination, 100);
    const { host, subset, port, outcome, explanation } = resolved;
    return { host, subset, port, percentage: m.percentage, outcome, explanation };
  });
  return summarize(base, where);
}

function mirrorsOf(route: any): Array<{ destination: any; percentage: number }> {
  const mirrors: Array<{ destination: any; percentage: number }> = [];
  if (route.mirror) mirrors.push({ destination: route.mirror, percentage: route.mirrorPercentage?.value ?? route.mirrorPercent ?? 100 });
  for (const m of route.mirrors ?? []) mirrors.push({ destination: m.destination ?? {}, percentage: m.percentage?.value ?? 100 });
  return mirrors;
}

/** The outcome of the whole request: what every weighted destination has in common, else ROUTED with each one's own. */
function summarize(data: SimulationData, where: string): SimulationData {
  const live = data.destinations.filter(d => d.weight > 0);
  const failing = live.filter(d => d.outcome !== 'ROUTED');
  if (live.length > 0 && failing.length === live.length && new Set(failing.map(d => d.outcome)).size === 1) {
    return { ...data, outcome: failing[0].outcome, statusCode: failing[0].statusCode, explanation: `${where}: ${failing.map(d => d.explanation).join('; ')}` };
  }
  const parts = live.map(d => `${d.weight}% to ${d.host}${d.subset ? ` subset ${d.subset}` : ''}${d.outcome !== 'ROUTED' ? ` (${d.explanation})` : ''}`);
  return { ...data, outcome: 'ROUTED', explanation: `${where} sends ${parts.join(', ')}` };
}

function defaultRoute(ctx: Context, fqdn: string, why: string): SimulationData {
  const base: SimulationData = {
    ...result('ROUTED', '', ctx.proxy.description, ctx.notes),
    retries: { attempts: 2, retryOn: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes' },
  };
  base.destinations = [resolveDestination(ctx, undefined, { host: fqdn, port: { number: ctx.port } }, 100)];
  return summarize(base, why);
}

// ---------------------------------------------------------------------------------------------------------------
// Destinations

function resolveDestination(ctx: Context, vs: VirtualServiceView | undefined, dest: any, weight: number): DestinationResult {
  const { config, proxy } = ctx;
  const host = expandHost(String(dest.host ?? ''), vs?.namespace ?? proxy.namespace);
  const service = config.services.get(host);
  const entries = service ? [] : config.serviceEntriesFor(host, proxy.namespace);
  const ports = service?.ports ?? entries[0]?.ports ?? [];
  const port: number | undefined = dest.port?.number ?? (ports.length === 1 ? ports[0].port : ctx.port);
  const base = { host, subset: dest.subset, port, weight, workloads: [] as string[], tlsMode: 'AUTO' };
  // A cluster-local host names its namespace; other hosts not in the registry have none.
  const serviceNamespace = service?.namespace ?? entries[0]?.namespace ?? clusterLocalService(host)?.namespace;
  const rule = destinationRuleFor(config, host, proxy, serviceNamespace);
  const subset = dest.subset === undefined ? undefined : rule?.subsets.find(s => s.name === dest.subset);
  if (!service && entries.length === 0) {
    const subsetNote = dest.subset === undefined ? '' : subset
      ? ` (DestinationRule ${rule!.ids.join(', ')} defines its subset ${dest.subset})`
      : ` (and no DestinationRule of the app visible to the ${proxy.description} defines its subset ${dest.subset})`;
    return {
      ...base,
      destinationRule: rule?.ids.join(', '),
      outcome: 'DEPENDS_ON_CLUSTER',
      explanation: `${host} is not a Service or ServiceEntry of the app${subsetNote}: in the cluster it must exist, or the request gets 503 (NC cluster_not_found)`,
    };
  }
  const serviceId = service ? idOf(service) : idOf(entries[0]);
  if (dest.subset !== undefined && subset === undefined) {
    return {
      ...base,
      service: serviceId,
      destinationRule: rule?.ids.join(', '),
      outcome: 'NO_CLUSTER',
      statusCode: 503,
      explanation: rule
        ? `subset ${dest.subset} is not defined by DestinationRule ${rule.ids.join(', ')}, the one the ${proxy.description} uses for ${host} (503 NC)`
        : `no DestinationRule visible to the ${proxy.description} defines subsets for ${host}, so subset ${dest.subset} does not exist (503 NC)`,
    };
  }
  const trafficPolicy = effectivePolicy(rule?.trafficPolicy, subset?.trafficPolicy, port);
  const podLabels = service?.selector ? { ...service.selector, ...(subset?.labels ?? {}) } : subset?.labels;
  const selected = podLabels && service ? config.workloadsSelected(service.namespace, podLabels) : [];
  const resolved: DestinationResult = {
    ...base,
    service: serviceId,
    destinationRule: rule?.ids.join(', '),
    trafficPolicy,
    tlsMode: trafficPolicy?.tls?.mode ?? 'AUTO',
    podLabels,
    workloads: selected.map(idOf),
    outcome: 'ROUTED',
    explanation: selected.length === 0 && service?.selector
      ? `no workload of the app carries ${JSON.stringify(podLabels)}: unless pods outside the app do, the request gets 503 (UH no healthy upstream)`
      : `reaches ${serviceId}${dest.subset ? ` subset ${dest.subset}` : ''}`,
  };
  if (service && selected.length > 0) return withAuthorization(ctx, resolved, service, selected.map(w => w.podLabels), port);
  return resolved;
}

/** The AuthorizationPolicies of the destination's pods decide; a request is denied when every selected workload denies it. */
function withAuthorization(
  ctx: Context, dest: DestinationResult, service: ServiceView, podLabels: Array<{ [key: string]: string }>, port: number | undefined,
): DestinationResult {
  const servicePort = service.ports.find(p => p.port === port);
  const targetPort = typeof servicePort?.targetPort === 'number' ? servicePort.targetPort : port ?? ctx.port;
  const decisions: AuthorizationDecision[] = podLabels.map(labels => authorize(ctx.config, service.namespace, labels, {
    principal: ctx.proxy.principal,
    sourceNamespace: ctx.proxy.namespace,
    host: ctx.request.host,
    port: targetPort,
    method: ctx.request.method,
    path: ctx.request.path,
    headers: ctx.request.headers,
  }));
  for (const d of decisions) ctx.notes.push(...d.notes.filter(n => !ctx.notes.includes(n)));
  if (decisions.every(d => !d.allowed)) {
    return { ...dest, outcome: 'DENIED', statusCode: 403, authorizationPolicy: decisions[0].policy, explanation: `at ${idOf(service)}: ${decisions[0].reason}` };
  }
  return dest;
}

interface ConsolidatedRule {
  readonly ids: string[];
  readonly trafficPolicy?: any;
  readonly subsets: any[];
}

/** The DestinationRules a proxy uses for `host`, in istiod's order (`pickDestinationRules`), merged. */
function destinationRuleFor(config: MeshConfig, host: string, proxy: Proxy, serviceNamespace: string | undefined): ConsolidatedRule | undefined {
  const rulesIn = (ns: string) => (config.destinationRulesByNamespace.get(ns) ?? [])
    .filter(dr => dr.workloadSelector === undefined || labelsSubset(dr.workloadSelector, proxy.labels));
  const rules = pickDestinationRules(rulesIn, dr => ({ namespace: dr.namespace, fqdnHost: dr.host, exportTo: dr.exportTo }),
    proxy.namespace, host, serviceNamespace, config.rootNamespace);
  return rules.length > 0 ? consolidate(rules) : undefined;
}

function consolidate(rules: DestinationRuleView[]): ConsolidatedRule {
  const subsets: any[] = [];
  for (const dr of rules) {
    for (const s of dr.spec.subsets ?? []) if (!subsets.some(x => x.name === s.name)) subsets.push(s);
  }
  return { ids: rules.map(idOf), trafficPolicy: rules.find(dr => dr.spec.trafficPolicy !== undefined)?.spec.trafficPolicy, subsets };
}

/**
 * The traffic policy of a destination port (`MergeSubsetTrafficPolicy` in pilot/pkg/networking/core/cluster_traffic_policy.go):
 * port-level settings for the port replace a policy whole (omitted fields take defaults, not the policy's), then
 * every field the subset sets replaces the rule's.
 */
function effectivePolicy(rulePolicy: any, subsetPolicy: any, port: number | undefined): any {
  const rule = forPort(rulePolicy, port);
  if (subsetPolicy === undefined) return rule;
  const subset = forPort(subsetPolicy, port);
  const merged: any = { ...(rule ?? {}) };
  for (const [field, value] of Object.entries(subset)) if (value !== undefined) merged[field] = value;
  return merged;
}

function forPort(policy: any, port: number | undefined): any {
  if (policy === undefined) return undefined;
  const { portLevelSettings, ...rest } = policy;
  const settings = (portLevelSettings ?? []).find((s: any) => s.port?.number === port);
  if (!settings) return rest;
  const { port: _port, ...portPolicy } = settings;
  return portPolicy;
}
