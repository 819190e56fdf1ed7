/**
 * The simulator's view of an app: every object that decides where a request goes, read from the synthesized
 * manifests (so objects of this library, of cdk8s-plus and plain `ApiObject`s count alike) and indexed once.
 */
import { visibilityOf } from '../analysis/model';
import { gatewayKey } from '../analysis/references';
import { expandHost, groupOf, hostCovers, labelsSubset } from '../mesh-model';
import { podTemplateOf } from '../mesh-rules';

/** The namespace istiod reads mesh-wide configuration from (`meshConfig.rootNamespace`). */
export const DEFAULT_ROOT_NAMESPACE = 'istio-system';

export interface ObjectId {
  readonly namespace: string;
  readonly name: string;
}

export function idOf(o: ObjectId): string {
  return `${o.namespace}/${o.name}`;
}

export interface ServicePort {
  readonly port: number;
  readonly targetPort?: number | string;
  readonly name?: string;
  readonly appProtocol?: string;
}

export interface ServiceView extends ObjectId {
  readonly fqdn: string;
  readonly ports: ServicePort[];
  readonly selector?: { [key: string]: string };
  readonly exportTo: string[];
}

export interface WorkloadView extends ObjectId {
  readonly kind: string;
  readonly podLabels: { [key: string]: string };
  readonly serviceAccount: string;
}

export interface ServiceEntryView extends ObjectId {
  readonly hosts: string[];
  readonly ports: ServicePort[];
  readonly exportTo: string[];
  readonly manifest: any;
}

export interface VirtualServiceView extends ObjectId {
  /** Hosts as istiod reads them: short names expanded with the VirtualService's namespace. */
  readonly hosts: string[];
  /** Gateways as `namespace/name` or `mesh`; `['mesh']` when the object names none. */
  readonly gateways: string[];
  readonly exportTo: string[];
  readonly spec: any;
}

export interface DestinationRuleView extends ObjectId {
  readonly host: string;
  readonly exportTo: string[];
  readonly workloadSelector?: { [key: string]: string };
  readonly spec: any;
}

export interface GatewayView extends ObjectId {
  readonly selector: { [key: string]: string };
  readonly servers: any[];
}

export interface SidecarView extends ObjectId {
  readonly workloadSelector?: { [key: string]: string };
  readonly spec: any;
}

export interface PolicyView extends ObjectId {
  readonly kind: string;
  readonly selector?: { [key: string]: string };
  readonly hasTargetRefs: boolean;
  /** `istio.io/dry-run: "true"`: the policy is evaluated and logged, never enforced. */
  readonly dryRun: boolean;
  readonly spec: any;
}

function list<T>(map: Map<string, T[]>, key: string): T[] {
  let value = map.get(key);
  if (value === undefined) {
    value = [];
    map.set(key, value);
  }
  return value;
}

function exportToOf(value: any, annotation?: string): string[] {
  if (Array.isArray(value) && value.length > 0) return value.map(String);
  if (typeof annotation === 'string' && annotation.trim() !== '') return annotation.split(',').map(s => s.trim());
  return ['*'];
}

/** Whether config of `ownerNamespace` with `exportTo` is visible to a proxy in `viewerNamespace` (the analysis's reading). */
export function visibleTo(exportTo: string[], ownerNamespace: string, viewerNamespace: string): boolean {
  const visibility = visibilityOf(exportTo, ownerNamespace);
  return visibility === '*' || visibility.has(viewerNamespace);
}

export class MeshConfig {
  public readonly services = new Map<string, ServiceView>();
  public readonly namespaces = new Map<string, { [key: string]: string }>();
  public readonly workloadsByNamespace = new Map<string, WorkloadView[]>();
  public readonly serviceEntries: ServiceEntryView[] = [];
  public readonly virtualServices: VirtualServiceView[] = [];
  public readonly virtualServicesById = new Map<string, VirtualServiceView>();
  public readonly destinationRulesByNamespace = new Map<string, DestinationRuleView[]>();
  public readonly gateways = new Map<string, GatewayView>();
  public readonly sidecarsByNamespace = new Map<string, SidecarView[]>();
  public readonly policiesByNamespace = new Map<string, PolicyView[]>();
  /** Every namespace the app names: its Namespace objects' and its objects' namespaces. */
  public readonly knownNamespaces = new Set<string>();

  constructor(manifests: any[], public readonly rootNamespace: string) {
    // istiod orders configs by creation time, then name and namespace; synthesized objects are created together,
    // so name and namespace decide.
    const sorted = manifests.filter(m => m && typeof m === 'object' && typeof m.kind === 'string')
      .sort((a, b) => compareIds(idOfManifest(a), idOfManifest(b)));
    for (const m of sorted) this.add(m);
  }

  public workloadsIn(namespace: string): WorkloadView[] {
    return this.workloadsByNamespace.get(namespace) ?? [];
  }

  /** Workloads of `namespace` whose pods carry every label of `selector`. */
  public workloadsSelected(namespace: string, selector: { [key: string]: string }): WorkloadView[] {
    return this.workloadsIn(namespace).filter(w => labelsSubset(selector, w.podLabels));
  }

  /** The ServiceEntries visible from `viewer` whose hosts cover `host`. */
  public serviceEntriesFor(host: string, viewer: string): ServiceEntryView[] {
    return this.serviceEntries.filter(se => visibleTo(se.exportTo, se.namespace, viewer) && se.hosts.some(h => hostCovers(h, host)));
  }

  private add(m: any): void {
    const group = groupOf(String(m.apiVersion ?? ''));
    const namespace: string = m.metadata?.namespace ?? 'default';
    const name: string = m.metadata?.name ?? '';
    const spec = m.spec ?? {};
    this.knownNamespaces.add(m.kind === 'Namespace' ? name : namespace);
    switch (`${group}/${m.kind}`) {
      case '/Namespace':
        this.namespaces.set(name, m.metadata?.labels ?? {});
        break;
      case '/Service': {
        const fqdn = expandHost(name, namespace);
        this.services.set(fqdn, {
          namespace,
          name,
          fqdn,
          ports: (spec.ports ?? []).map((p: any) => ({ port: p.port, targetPort: p.targetPort, name: p.name, appProtocol: p.appProtocol })),
          selector: spec.selector,
          exportTo: exportToOf(undefined, m.metadata?.annotations?.['networking.istio.io/exportTo']),
        });
        break;
      }
      case 'apps/Deployment':
      case 'apps/StatefulSet':
      case 'apps/DaemonSet':
      case 'apps/ReplicaSet':
      case 'batch/Job':
      case 'batch/CronJob':
      case '/Pod': {
        const pod = podTemplateOf(m)?.template;
        list(this.workloadsByNamespace, namespace).push({
          namespace,
          name,
          kind: m.kind,
          podLabels: pod?.metadata?.labels ?? {},
          serviceAccount: pod?.spec?.serviceAccountName ?? 'default',
        });
        break;
      }
      case 'networking.istio.io/ServiceEntry':
        this.serviceEntries.push({
          namespace,
          name,
          manifest: m,
          hosts: (spec.hosts ?? []).map(String),
          ports: (spec.ports ?? []).map((p: any) => ({ port: p.number, targetPort: p.targetPort, name: p.name, appProtocol: p.protocol })),
          exportTo: exportToOf(spec.exportTo),
        });
        break;
      case 'networking.istio.io/VirtualService': {
        const gateways: string[] = Array.isArray(spec.gateways) && spec.gateways.length > 0 ? spec.gateways : ['mesh'];
        const vs: VirtualServiceView = {
          namespace,
          name,
          spec,
          hosts: (spec.hosts ?? []).map((h: string) => expandHost(h, namespace)),
          gateways: gateways.map(g => (g === 'mesh' ? g : gatewayKey(g, namespace))),
          exportTo: exportToOf(spec.exportTo),
        };
        this.virtualServices.push(vs);
        this.virtualServicesById.set(idOf(vs), vs);
        break;
      }
      case 'networking.istio.io/DestinationRule':
        list(this.destinationRulesByNamespace, namespace).push({
          namespace,
          name,
          spec,
          host: expandHost(String(spec.host ?? ''), namespace),
          exportTo: exportToOf(spec.exportTo),
          workloadSelector: spec.workloadSelector?.matchLabels,
        });
        break;
      case 'networking.istio.io/Gateway':
        this.gateways.set(`${namespace}/${name}`, { namespace, name, selector: spec.selector ?? {}, servers: spec.servers ?? [] });
        break;
      case 'networking.istio.io/Sidecar':
        list(this.sidecarsByNamespace, namespace).push({ namespace, name, spec, workloadSelector: spec.workloadSelector?.labels });
        break;
      case 'security.istio.io/AuthorizationPolicy':
      case 'security.istio.io/RequestAuthentication':
        list(this.policiesByNamespace, namespace).push({
          namespace,
          name,
          spec,
          kind: m.kind,
          selector: spec.selector?.matchLabels,
          hasTargetRefs: (spec.targetRefs ?? []).length > 0 || spec.targetRef !== undefined,
          dryRun: m.metadata?.annotations?.['istio.io/dry-run'] === 'true',
        });
        break;
      default:
        break;
    }
  }
}

function idOfManifest(m: any): ObjectId {
  return { namespace: m.metadata?.namespace ?? 'default', name: m.metadata?.name ?? '' };
}

function compareIds(a: ObjectId, b: ObjectId): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0;
}
