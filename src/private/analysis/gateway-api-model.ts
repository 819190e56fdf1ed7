import { GATEWAY_API_GROUP } from '../gateway-api';
import { MeshObject } from '../mesh-model';
import { MeshAnalysis, pushTo } from './model';

/**
 * The Kubernetes Gateway API objects of a synth pass (ours and plain `ApiObject`s alike), as the Gateway API and
 * Istio read them: Gateways with their listeners, routes with their parentRefs and backendRefs, ReferenceGrants.
 * Built once per pass (per MeshAnalysis) and indexed, so every rule looks up what it needs.
 */

/** The route kinds Istio implements. */
export const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute'] as const;

/** The kinds that compete for the same requests on a listener: HTTPRoute and GRPCRoute both route HTTP. */
function routeFamily(kind: string): string {
  return kind === 'HTTPRoute' || kind === 'GRPCRoute' ? 'http' : kind;
}

/** The host names a route is looked up by on a listener: its hostnames, `*` when it has none. */
export function routeHosts(route: RouteView): string[] {
  return [...new Set(route.hostnames.length > 0 ? route.hostnames : ['*'])];
}

/** One Gateway listener (as a parentRef names it), route kind family and host name. */
function listenerRouteKey(parent: ParentRefView, kind: string, host: string): string {
  return `${parent.namespace}/${parent.name}|${parent.sectionName ?? ''}|${parent.port ?? ''}|${routeFamily(kind)}|${host}`;
}

/** Per route kind, the prop of the library's API that holds its backends, which an error about them names. */
export const BACKENDS_PROP = {
  HTTPRoute: 'GatewayApiHttpRule.backends',
  GRPCRoute: 'GatewayApiGrpcRule.backends',
  TLSRoute: 'GatewayApiTlsRouteProps.backends',
  TCPRoute: 'GatewayApiTcpRouteProps.backends',
} as const;

/** Per route kind, the prop of the library's API that decides which requests a rule takes. */
export const MATCHES_PROP = {
  HTTPRoute: 'GatewayApiHttpRule.matches',
  GRPCRoute: 'GatewayApiGrpcRule.matches',
  TLSRoute: 'GatewayApiHostnameRouteProps.hostnames',
  TCPRoute: 'GatewayApiTcpRouteProps.backends',
} as const;

/** The prop of every route's parents. */
export const PARENTS_PROP = 'GatewayApiRouteProps.parents';

/** The prop `kind`'s `table` names (kinds are the route kinds the views index). */
export function routeProp<T extends { [kind in typeof ROUTE_KINDS[number]]: string }>(table: T, kind: string): T[keyof T] {
  return table[kind as keyof T];
}

/** A listener of a Gateway. */
export interface ListenerView {
  readonly gateway: MeshObject;
  readonly index: number;
  readonly name: string;
  readonly port: number;
  readonly protocol: string;
  readonly hostname?: string;
  /** `Same`, `All` or `Selector`. */
  readonly from: string;
  readonly selector?: { [key: string]: string };
  /** The route kinds the listener accepts. */
  readonly kinds: readonly string[];
}

/** One `parentRefs` entry of a route, resolved to a `group/kind/namespace/name` key. */
export interface ParentRefView {
  readonly field: string;
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly sectionName?: string;
  readonly port?: number;
}

/** One `backendRefs` entry (or a mirror's `backendRef`). */
export interface BackendRefView {
  readonly field: string;
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly port?: number;
  readonly weight: number;
}

/** A Gateway API route. */
export interface RouteView {
  readonly object: MeshObject;
  readonly hostnames: string[];
  readonly parents: ParentRefView[];
  readonly rules: Array<{ readonly field: string; readonly matches: any[]; readonly backends: BackendRefView[]; readonly filters: any[] }>;
}

const VIEWS = new WeakMap<MeshAnalysis, GatewayApiViews>();

/** The Gateway API views of the pass `a` belongs to. */
export function gatewayApiViews(a: MeshAnalysis): GatewayApiViews {
  let views = VIEWS.get(a);
  if (views === undefined) {
    views = new GatewayApiViews(a);
    VIEWS.set(a, views);
  }
  return views;
}

export class GatewayApiViews {
  private listenersByGateway?: Map<MeshObject, ListenerView[]>;
  private routesByObject?: Map<unknown, RouteView>;
  private routesByListenerKey?: Map<string, RouteView[]>;
  private allRoutes?: RouteView[];
  private routesByService?: Map<string, Array<{ route: RouteView; backend: BackendRefView }>>;

  constructor(private readonly a: MeshAnalysis) {}

  /** The Gateway API Gateway `namespace/name`, if the app defines it. */
  public gateway(namespace: string, name: string): MeshObject | undefined {
    return this.a.named('Gateway', GATEWAY_API_GROUP, namespace, name);
  }

  /** The listeners of a Gateway API Gateway. */
  public listeners(gateway: MeshObject): readonly ListenerView[] {
    this.listenersByGateway ??= new Map(this.a.ofKind('Gateway', GATEWAY_API_GROUP).map(g => [g, listenerViews(g)]));
    return this.listenersByGateway.get(gateway) ?? [];
  }

  /** The view of a route object. */
  public route(apiObject: unknown): RouteView | undefined {
    this.routesByObject ??= new Map(this.routes().map(r => [r.object.apiObject, r]));
    return this.routesByObject.get(apiObject);
  }

  /** Every Gateway API route of the app. */
  public routes(): readonly RouteView[] {
    this.allRoutes ??= ROUTE_KINDS.flatMap(kind => this.a.ofKind(kind, GATEWAY_API_GROUP).map(routeView));
    return this.allRoutes;
  }

  /** The routes with a backend (not a mirror) that is the Service `namespace/name`, with that backend. */
  public routesToService(namespace: string, name: string): ReadonlyArray<{ route: RouteView; backend: BackendRefView }> {
    this.routesByService ??= (() => {
      const map = new Map<string, Array<{ route: RouteView; backend: BackendRefView }>>();
      for (const route of this.routes()) {
        for (const rule of route.rules) {
          for (const backend of rule.backends) {
            if (backend.group !== '' || backend.kind !== 'Service' || backend.field.includes('requestMirror')) continue;
            pushTo(map, `${backend.namespace}/${backend.name}`, { route, backend });
          }
        }
      }
      return map;
    })();
    return this.routesByService.get(`${namespace}/${name}`) ?? [];
  }

  /**
   * The routes of kind family `kind` (see routeFamily) attached to the Gateway listener `parent` names (by parentRef,
   * whatever the listener accepts) for host name `host` (see routeHosts), for conflict checks.
   */
  public routesOn(parent: ParentRefView, kind: string, host: string): readonly RouteView[] {
    this.routesByListenerKey ??= (() => {
      const map = new Map<string, RouteView[]>();
      for (const r of this.routes()) {
        const keys = new Set(r.parents.filter(p => p.kind === 'Gateway').flatMap(p => routeHosts(r).map(h => listenerRouteKey(p, r.object.kind, h))));
        for (const key of keys) pushTo(map, key, r);
      }
      return map;
    })();
    return this.routesByListenerKey.get(listenerRouteKey(parent, kind, host)) ?? [];
  }

  /** Whether a ReferenceGrant in `namespace` lets `fromKind` objects of `fromNamespace` refer to `toKind` `toName`. */
  public granted(namespace: string, fromKind: string, fromNamespace: string, toGroup: string, toKind: string, toName: string): boolean {
    return this.a.inNamespace('ReferenceGrant', GATEWAY_API_GROUP, namespace).some(g => {
      const spec = g.manifest.spec ?? {};
      const from = ((spec.from ?? []) as any[]).some(f => (f.group ?? '') === GATEWAY_API_GROUP && f.kind === fromKind && f.namespace === fromNamespace);
      const to = ((spec.to ?? []) as any[]).some(t => (t.group ?? '') === toGroup && t.kind === toKind && (t.name === undefined || t.name === toName));
      return from && to;
    });
  }

  /** Whether the app defines anything in `namespace` that a reference there could be checked against. */
  public managesNamespace(namespace: string, kind: string, group: string, name: string): boolean {
    return this.a.named(kind, group, namespace, name) !== undefined
      || this.a.inNamespace('ReferenceGrant', GATEWAY_API_GROUP, namespace).length > 0;
  }

  /** The labels of a Namespace object of the app (plus `kubernetes.io/metadata.name`), if the app defines it. */
  public namespaceLabels(namespace: string): { [key: string]: string } | undefined {
    const ns = this.a.named('Namespace', '', namespace, namespace) ?? this.a.withName('Namespace', '', namespace)[0];
    if (ns === undefined) return undefined;
    return { ...ns.manifest.metadata?.labels ?? {}, 'kubernetes.io/metadata.name': namespace };
  }
}

/** The route kinds a listener of each protocol accepts by default in Istio (a TLS listener: by its TLS mode). */
function defaultKinds(protocol: string, tlsMode: string | undefined): string[] {
  switch (protocol) {
    case 'HTTP': case 'HTTPS': return ['HTTPRoute', 'GRPCRoute'];
    case 'TLS': return (tlsMode ?? 'Terminate') === 'Passthrough' ? ['TLSRoute'] : ['TCPRoute'];
    case 'TCP': return ['TCPRoute'];
    default: return [];
  }
}

function listenerViews(gateway: MeshObject): ListenerView[] {
  return ((gateway.manifest.spec?.listeners ?? []) as any[]).map((l, index) => {
    const kinds = ((l.allowedRoutes?.kinds ?? []) as any[]).map(k => String(k.kind));
    return {
      gateway,
      index,
      name: String(l.name),
      port: Number(l.port),
      protocol: String(l.protocol),
      hostname: l.hostname,
      from: l.allowedRoutes?.namespaces?.from ?? 'Same',
      selector: l.allowedRoutes?.namespaces?.selector?.matchLabels,
      kinds: kinds.length > 0 ? kinds : defaultKinds(String(l.protocol), l.tls?.mode),
    };
  });
}

function routeView(object: MeshObject): RouteView {
  const spec = object.manifest.spec ?? {};
  const ns = object.namespace;
  const backend = (field: string, b: any): BackendRefView => ({
    field,
    group: b.group ?? '',
    kind: b.kind ?? 'Service',
    namespace: b.namespace ?? ns,
    name: String(b.name),
    port: b.port === undefined ? undefined : Number(b.port),
    weight: b.weight === undefined ? 1 : Number(b.weight),
  });
  return {
    object,
    hostnames: (spec.hostnames ?? []) as string[],
    parents: ((spec.parentRefs ?? []) as any[]).map((p, i) => ({
      field: `parentRefs[${i}]`,
      group: p.group ?? GATEWAY_API_GROUP,
      kind: p.kind ?? 'Gateway',
      namespace: p.namespace ?? ns,
      name: String(p.name),
      sectionName: p.sectionName,
      port: p.port === undefined ? undefined : Number(p.port),
    })),
    rules: ((spec.rules ?? []) as any[]).map((r, i) => {
      const filters = (r.filters ?? []) as any[];
      const mirrors = filters.map((f, j) => ({ f, j })).filter(x => x.f.requestMirror?.backendRef)
        .map(x => backend(`rules[${i}].filters[${x.j}].requestMirror.backendRef`, { ...x.f.requestMirror.backendRef, weight: undefined }));
      return {
        field: `rules[${i}]`,
        matches: (r.matches ?? []) as any[],
        filters,
        backends: [...((r.backendRefs ?? []) as any[]).map((b, j) => backend(`rules[${i}].backendRefs[${j}]`, b)), ...mirrors],
      };
    }),
  };
}
