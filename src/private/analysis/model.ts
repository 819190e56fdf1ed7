import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { apiObjectKinds, expandHost, hostCovers, labelsSubset, MeshObject, meshObjects, passState } from '../mesh-model';
import { podTemplateOf } from '../mesh-rules';
import { clusterLocalService, gatewayKey, splitServerHost } from './references';

/**
 * The mesh analysis of one synth pass: typed, indexed views of every object of the app (this library's, cdk8s-plus's
 * and plain `ApiObject`s alike), built once per pass and shared by every cross-resource rule. Every rule reads the
 * views through an index (by host, by namespace/name, by gateway, by namespace), so a rule costs what it looks at,
 * never a scan of a whole kind per object.
 *
 * Built lazily: each view is indexed the first time a rule asks for it within the pass.
 */
export class MeshAnalysis {
  /** The analysis of the current synth pass of the app `scope` belongs to (a fresh one outside a pass). */
  public static of(scope: IConstruct): MeshAnalysis {
    const pass = passState(scope);
    if (pass === undefined) return new MeshAnalysis(scope.node.root);
    pass.analysis ??= new MeshAnalysis(scope.node.root);
    return pass.analysis as MeshAnalysis;
  }

  private readonly lazy = new Map<string, any>();

  private constructor(private readonly root: IConstruct) {}

  /** Every object of a kind (and group). The list is shared: never modify it. */
  public ofKind(kind: string, group?: string): readonly MeshObject[] {
    return meshObjects(this.root, kind, group);
  }

  /** The objects of a kind (and group, when given) in one namespace. */
  public inNamespace(kind: string, group: string | undefined, namespace: string): readonly MeshObject[] {
    const index = this.once(`ns:${group}/${kind}`, () => groupBy(this.ofKind(kind, group), o => o.namespace));
    return index.get(namespace) ?? [];
  }

  /** The object of a kind with a namespace and name, if the app defines one (the first, when it defines several). */
  public named(kind: string, group: string, namespace: string, name: string): MeshObject | undefined {
    const index = this.once(`name:${group}/${kind}`, () => groupBy(this.ofKind(kind, group), o => `${o.namespace}/${o.name}`));
    return index.get(`${namespace}/${name}`)?.[0];
  }

  /** The objects of a kind and group with a name, in any namespace. */
  public withName(kind: string, group: string, name: string): readonly MeshObject[] {
    const index = this.once(`byName:${group}/${kind}`, () => groupBy(this.ofKind(kind, group), o => o.name));
    return index.get(name) ?? [];
  }

  /** The rendered view of an ApiObject, if it renders. */
  public viewOf(apiObject: ApiObject): MeshObject | undefined {
    const index = this.once(`view:${apiObject.kind}`, () => new Map(this.ofKind(apiObject.kind).map(o => [o.apiObject, o])));
    return index.get(apiObject);
  }

  /** Every group of objects that share kind, group, namespace and name (two or more), in app order. */
  public duplicates(): MeshObject[][] {
    return this.once('duplicates', () => {
      const groups = apiObjectKinds(this.root).flatMap(k => [...groupBy(this.ofKind(k), o => `${o.group}/${o.namespace}/${o.name}`).values()]);
      return groups.filter(g => g.length > 1);
    });
  }

  /** The Kubernetes Service a cluster-local host (`name.namespace.svc.cluster.local`) names, if the app defines it. */
  public service(fqdn: string): MeshObject | undefined {
    const service = clusterLocalService(fqdn);
    return service ? this.named('Service', '', service.namespace, service.name) : undefined;
  }

  /** The VirtualServices of the app. */
  public virtualServices(): readonly VirtualServiceView[] {
    return this.once('vs', () => this.ofKind('VirtualService', NETWORKING).map(virtualServiceView));
  }

  /** The view of one VirtualService. */
  public virtualService(apiObject: ApiObject): VirtualServiceView | undefined {
    const index = this.once('vs:object', () => new Map(this.virtualServices().map(v => [v.object.apiObject, v])));
    return index.get(apiObject);
  }

  /** The mesh-bound VirtualServices that declare a host (by FQDN; wildcards only match themselves). */
  public meshVirtualServicesWithHost(fqdn: string): readonly VirtualServiceView[] {
    const index = this.once('vs:meshHost', () => {
      const map = new Map<string, VirtualServiceView[]>();
      for (const v of this.virtualServices()) if (v.meshBound) for (const h of new Set(v.fqdnHosts)) pushTo(map, h, v);
      return map;
    });
    return index.get(fqdn) ?? [];
  }

  /** The VirtualServices bound to a gateway (`namespace/name`). */
  public virtualServicesOnGateway(key: string): readonly VirtualServiceView[] {
    const index = this.once('vs:gateway', () => {
      const map = new Map<string, VirtualServiceView[]>();
      for (const v of this.virtualServices()) for (const g of new Set(v.gatewayKeys)) pushTo(map, g, v);
      return map;
    });
    return index.get(key) ?? [];
  }

  /** Every HTTP route destination, of every VirtualService, that sends to a host (FQDN). */
  public httpDestinationsTo(fqdn: string): readonly RouteDestinationView[] {
    const index = this.once('vs:httpDestination', () => {
      const map = new Map<string, RouteDestinationView[]>();
      for (const v of this.virtualServices()) for (const d of v.httpDestinations) pushTo(map, d.fqdn, d);
      return map;
    });
    return index.get(fqdn) ?? [];
  }

  /** The workloads (objects with a pod template) of one namespace, with their pod labels and container ports. */
  public workloadsIn(namespace: string): readonly WorkloadView[] {
    const index = this.once('workloads:ns', () => groupBy(this.workloads(), w => w.object.namespace));
    return index.get(namespace) ?? [];
  }

  /** Every workload (object with a pod template) of the app. */
  public workloads(): readonly WorkloadView[] {
    return this.once('workloads', () => WORKLOAD_KINDS.flatMap(kind => this.ofKind(kind).map(workloadView)).filter((w): w is WorkloadView => w !== undefined));
  }

  /**
   * The workloads of any namespace whose pods carry every label of `selector` (a Gateway's pods may run anywhere);
   * an empty selector selects every workload.
   */
  public workloadsSelectedAnywhere(selector: { [key: string]: string }): readonly WorkloadView[] {
    const entries = Object.entries(selector);
    if (entries.length === 0) return this.workloads();
    const [key, value] = entries[0];
    const index = this.once(`workloads:*:${key}`, () => groupBy(this.workloads().filter(w => key in w.podLabels), w => w.podLabels[key]));
    return (index.get(value) ?? []).filter(w => labelsSubset(selector, w.podLabels));
  }

  /** The workloads of a namespace whose pods carry every label of `selector` (an empty selector selects none). */
  public workloadsSelectedBy(namespace: string, selector: { [key: string]: string }): WorkloadView[] {
    const entries = Object.entries(selector);
    if (entries.length === 0) return [];
    // Indexed by the selector's first label, so a lookup costs the workloads that share it, not the namespace.
    const [key, value] = entries[0];
    const index = this.once(`workloads:${namespace}:${key}`, () => groupBy(this.workloadsIn(namespace).filter(w => key in w.podLabels), w => w.podLabels[key]));
    return (index.get(value) ?? []).filter(w => labelsSubset(selector, w.podLabels));
  }

  /**
   * The namespaces the app defines workloads in or creates (Namespace objects, e.g. a MeshNamespace's), in app order:
   * the namespaces whose proxies the app can name as clients.
   */
  public appNamespaces(): readonly string[] {
    return this.once('ns:app', () => [...new Set([
      ...this.ofKind('Namespace', '').map(o => o.name),
      ...this.workloads().map(w => w.object.namespace),
    ])]);
  }

  /** The Gateways of the app by `namespace/name`. */
  public gateway(key: string): GatewayView | undefined {
    const index = this.once('gw', () => new Map(this.gateways().map(g => [`${g.object.namespace}/${g.object.name}`, g])));
    return index.get(key);
  }

  /** The view of one Gateway object, with its position among the Gateways of the app (app order). */
  public gatewayOf(apiObject: ApiObject): { view: GatewayView; order: number } | undefined {
    const index = this.once('gw:object', () => new Map(this.gateways().map((g, order) => [g.object.apiObject, { view: g, order }])));
    return index.get(apiObject);
  }

  /** The Gateways of the app. */
  public gateways(): readonly GatewayView[] {
    return this.once('gw:list', () => this.ofKind('Gateway', NETWORKING).map(gatewayView));
  }

  /** The Gateways of one namespace. */
  public gatewaysIn(namespace: string): readonly GatewayView[] {
    return this.once('gw:ns', () => groupBy(this.gateways(), g => g.object.namespace)).get(namespace) ?? [];
  }

  /**
   * The Gateways whose selector is empty or shares a label (key and value) with `selector`, in app order: every
   * Gateway whose selector can contain, or be contained in, `selector`.
   */
  public gatewaysSharingLabels(selector: { [key: string]: string }): readonly GatewayView[] {
    const index = this.once('gw:label', () => {
      const map = new Map<string, GatewayView[]>();
      for (const g of this.gateways()) {
        const labels = Object.entries(g.selector);
        if (labels.length === 0) pushTo(map, '', g);
        for (const [key, value] of labels) pushTo(map, `${key}=${value}`, g);
      }
      return map;
    });
    const found = new Set([...index.get('') ?? [], ...Object.entries(selector).flatMap(([key, value]) => index.get(`${key}=${value}`) ?? [])]);
    const order = (g: GatewayView) => this.gatewayOf(g.object.apiObject)!.order;
    return [...found].sort((x, y) => order(x) - order(y));
  }

  /** Every DestinationRule of the app whose host is `fqdn` or a wildcard covering it, wherever it is. */
  public destinationRulesAnywhere(fqdn: string): MeshObject[] {
    const index = this.once('dr:host', () => hostIndex(this.ofKind('DestinationRule', NETWORKING), o => [String(o.manifest.spec?.host ?? '')]));
    return lookupHost(index, fqdn);
  }

  /** The ServiceEntries visible to namespace `from` that declare `fqdn` (or a wildcard covering it). */
  public serviceEntriesFor(fqdn: string, from: string): MeshObject[] {
    const index = this.once('se:host', () => hostIndex(this.ofKind('ServiceEntry', NETWORKING), o => (o.manifest.spec?.hosts ?? []) as string[]));
    return lookupHost(index, fqdn).filter(o => visibleTo(o, from));
  }

  /**
   * The DestinationRules istiod merges with `rule` (itself included), in app order: those of its namespace for the same
   * host (FQDN) with the same visibility (`exportTo`) and the same workload selector (or none).
   */
  public mergedDestinationRules(rule: MeshObject): readonly MeshObject[] {
    const index = this.once('dr:merge', () => groupBy(this.ofKind('DestinationRule', NETWORKING), mergeKey));
    return index.get(mergeKey(rule)) ?? [rule];
  }

  /** A value a rule computes once per pass (keys start with the rule's own prefix), e.g. a lookup many objects share. */
  public memo<T>(key: string, build: () => T): T {
    return this.once(`memo:${key}`, build);
  }

  private once<T>(key: string, build: () => T): T {
    let value = this.lazy.get(key);
    if (value === undefined) {
      value = build();
      this.lazy.set(key, value);
    }
    return value;
  }
}

export const NETWORKING = 'networking.istio.io';
export const MESH = 'mesh';

/** A VirtualService as istiod reads it. */
export interface VirtualServiceView {
  readonly object: MeshObject;
  readonly spec: any;
  /** Hosts with short names expanded in the VirtualService's namespace. */
  readonly fqdnHosts: string[];
  /** The gateways as `namespace/name` (legacy and `./name` forms normalized), without `mesh`. */
  readonly gatewayKeys: string[];
  /** Whether the routes apply to sidecars (no gateways, or `mesh` among them). */
  readonly meshBound: boolean;
  /** Where the VirtualService is visible: `*`, or a set of namespaces. */
  readonly visibility: Visibility;
  readonly httpDestinations: RouteDestinationView[];
}

export interface RouteDestinationView {
  readonly virtualService: VirtualServiceView;
  /** e.g. `http[0].route[1].destination`. */
  readonly field: string;
  readonly host: string;
  readonly fqdn: string;
  readonly subset?: string;
}

export type Visibility = '*' | Set<string>;

/** The kinds whose objects have a pod template. */
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'];

/** A workload: its pod labels and the ports its containers declare. */
export interface WorkloadView {
  readonly object: MeshObject;
  readonly podLabels: { [key: string]: string };
  readonly ports: Array<{ readonly name?: string; readonly number: number }>;
}

function workloadView(object: MeshObject): WorkloadView | undefined {
  const found = podTemplateOf(object.manifest);
  if (found === undefined) return undefined;
  const containers = (found.template.spec?.containers ?? []) as any[];
  return {
    object,
    podLabels: found.template.metadata?.labels ?? {},
    ports: containers.flatMap(c => ((c.ports ?? []) as any[]).map(p => ({ name: p.name, number: Number(p.containerPort) }))),
  };
}

/** One server of a Gateway, with the namespace part of its hosts split off. */
export interface GatewayServerView {
  readonly index: number;
  readonly port: number;
  readonly protocol: string;
  readonly bind: string;
  readonly tls?: any;
  /** `{ namespace, host }`: namespace `*` for any namespace, `.` resolved to the Gateway's. */
  readonly hosts: Array<{ readonly namespace: string; readonly host: string }>;
}

export interface GatewayView {
  readonly object: MeshObject;
  readonly selector: { [key: string]: string };
  readonly servers: GatewayServerView[];
}

function virtualServiceView(object: MeshObject): VirtualServiceView {
  const spec = object.manifest.spec ?? {};
  const ns = object.namespace;
  const gateways = (spec.gateways ?? []) as string[];
  const view: VirtualServiceView = {
    object,
    spec,
    fqdnHosts: ((spec.hosts ?? []) as string[]).map(h => expandHost(h, ns)),
    gatewayKeys: gateways.filter(g => g !== MESH).map(g => gatewayKey(g, ns)),
    meshBound: gateways.length === 0 || gateways.includes(MESH),
    visibility: visibilityOf(spec.exportTo, ns),
    httpDestinations: [],
  };
  ((spec.http ?? []) as any[]).forEach((route, i) => ((route.route ?? []) as any[]).forEach((d, j) => {
    const host = String(d.destination?.host ?? '');
    view.httpDestinations.push({ virtualService: view, field: `http[${i}].route[${j}].destination`, host, fqdn: expandHost(host, ns), subset: d.destination?.subset });
  }));
  return view;
}

function gatewayView(object: MeshObject): GatewayView {
  const spec = object.manifest.spec ?? {};
  return {
    object,
    selector: spec.selector ?? {},
    servers: ((spec.servers ?? []) as any[]).map((s, index) => ({
      index,
      port: Number(s.port?.number),
      protocol: String(s.port?.protocol ?? ''),
      bind: s.bind ?? '',
      tls: s.tls,
      hosts: ((s.hosts ?? []) as string[]).map(h => splitServerHost(h, object.namespace)),
    })),
  };
}

/** Where an object with `exportTo` is visible: `*` for everywhere, else the listed namespaces (`.` is its own). */
export function visibilityOf(exportTo: string[] | undefined, ownNamespace: string): Visibility {
  if (!exportTo || exportTo.length === 0 || exportTo.includes('*')) return '*';
  return new Set(exportTo.map(e => (e === '.' ? ownNamespace : e)));
}

export function visibilitiesIntersect(a: Visibility, b: Visibility): boolean {
  if (a === '*' || b === '*') return true;
  return [...a].some(ns => b.has(ns));
}

/** Whether an object (with `spec.exportTo`) is visible to namespace `from`. */
export function visibleTo(o: MeshObject, from: string): boolean {
  const v = visibilityOf(o.manifest.spec?.exportTo, o.namespace);
  return v === '*' || v.has(from);
}

interface HostIndex {
  readonly exact: Map<string, MeshObject[]>;
  readonly wildcards: Array<{ host: string; object: MeshObject }>;
}

function hostIndex(objects: readonly MeshObject[], hostsOf: (o: MeshObject) => string[]): HostIndex {
  const exact = new Map<string, MeshObject[]>();
  const wildcards: Array<{ host: string; object: MeshObject }> = [];
  for (const o of objects) {
    for (const h of new Set(hostsOf(o).map(host => expandHost(host, o.namespace)))) {
      if (h.startsWith('*')) wildcards.push({ host: h, object: o });
      else pushTo(exact, h, o);
    }
  }
  return { exact, wildcards };
}

function lookupHost(index: HostIndex, fqdn: string): MeshObject[] {
  const found = [...index.exact.get(fqdn) ?? []];
  for (const w of index.wildcards) if (hostCovers(w.host, fqdn) && !found.includes(w.object)) found.push(w.object);
  return found;
}

/** What makes istiod merge two DestinationRules: namespace, host, visibility and workload selector. */
function mergeKey(rule: MeshObject): string {
  const spec = rule.manifest.spec ?? {};
  const visibility = visibilityOf(spec.exportTo, rule.namespace);
  const labels = spec.workloadSelector?.matchLabels;
  return JSON.stringify([
    rule.namespace,
    expandHost(String(spec.host ?? ''), rule.namespace),
    visibility === '*' ? '*' : [...visibility].sort(),
    labels === undefined ? null : Object.entries(labels).sort(),
  ]);
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) pushTo(map, key(item), item);
  return map;
}

/** Adds `value` to the list of `key`. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
