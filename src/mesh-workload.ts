import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import * as plus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { apiObjectOf } from './private/api-object';
import { configError, describeProblem, Problem, throwIfProblems } from './private/errors';
import { addSynthValidation, markMeshChecked, renderManifest } from './private/mesh-model';
import {
  APP_LABEL,
  appLabelProblem,
  ContainerPortUse,
  containersProblems,
  Finding,
  INJECT_KEY,
  podInjectionChoice,
  podTemplateOf,
  podTemplateProblems,
  PodTemplateExpectations,
  proxyUidFinding,
  servicePortProtocol,
  VERSION_LABEL,
  versionLabelProblem,
} from './private/mesh-rules';
import { defaultObjectName, metadataProblems, objectNameIssue } from './private/names';
import { withFields } from './private/objects';
import { DEFAULT_NAMESPACE, namespaceOf } from './private/scope';
import { checkArgs, checkShapeBeforeConstruct } from './private/shape';
import { Protocol } from './protocol';

/**
 * Whether Istio injects its sidecar into a workload's pods: the pod label `sidecar.istio.io/inject`.
 *
 * @see https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy
 */
export enum SidecarInjection {
  /** Label `sidecar.istio.io/inject: "true"`: injected even in a namespace without injection labels. */
  ENABLED = 'true',
  /**
   * Label `sidecar.istio.io/inject: "false"`: never injected, even in a namespace labelled `istio-injection=enabled`.
   * The pod is kept out of the mesh: no mTLS, no routing, no telemetry for its own traffic.
   */
  DISABLED = 'false',
  /** No label: the namespace decides (`istio-injection=enabled` or `istio.io/rev=<revision>`). */
  NAMESPACE_DEFAULT = 'namespace-default',
}

/**
 * What makes a workload part of the mesh: the labels Istio and DestinationRule subsets read, and the injection choice.
 */
export interface MeshWorkloadOptions {
  /**
   * The pod label `app`: Istio's canonical service name for the workload, and what a MeshService selects.
   */
  readonly app: string;

  /**
   * The pod label `version`: Istio's canonical revision, and what DestinationRule subsets select on. Any Kubernetes
   * label value (`v1`, `v2-canary`, an image tag such as `1.20.3`); CanaryRelease derives a subset name from it.
   */
  readonly version: string;

  /**
   * Whether the sidecar is injected. Opting out is an explicit choice made here; the `sidecar.istio.io/inject` label
   * or annotation set through `podMetadata` is refused.
   *
   * @default SidecarInjection.NAMESPACE_DEFAULT
   */
  readonly sidecarInjection?: SidecarInjection;
}

/**
 * Props of a MeshDeployment: a cdk8s-plus Deployment's props plus the mesh options.
 */
export interface MeshDeploymentProps extends plus.DeploymentProps, MeshWorkloadOptions {}

/**
 * Props of a MeshStatefulSet: a cdk8s-plus StatefulSet's props plus the mesh options.
 */
export interface MeshStatefulSetProps extends plus.StatefulSetProps, MeshWorkloadOptions {}

/**
 * A cdk8s-plus Deployment made for the mesh. Its pods carry the labels `app` and `version`, every container port is
 * named `<protocol>[-<suffix>]`, and it refuses what breaks the sidecar: ports the proxy reserves (15000, 15001,
 * 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090), containers running as UID 1337, and injection choices
 * hidden in `podMetadata`.
 *
 * The object is named after the construct id in kebab case (`ReviewsV1` becomes `reviews-v1`) and lands in the
 * enclosing MeshNamespace. cdk8s-plus's other defaults stay as they are: 2 replicas, CPU and memory requests and
 * limits, `runAsNonRoot`, a read-only root file system, `imagePullPolicy: Always`, a TCP startup probe on
 * `portNumber`, no service account token.
 *
 * @see https://istio.io/latest/docs/ops/deployment/application-requirements/
 */
export class MeshDeployment extends plus.Deployment {
  /** The pod label `app`. */
  public readonly app: string;
  /** The pod label `version`. */
  public readonly version: string;
  /** The injection choice. */
  public readonly sidecarInjection: SidecarInjection;

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the MeshDeployment's settings
   */
  constructor(scope: Construct, id: string, props: MeshDeploymentProps) {
    super(scope, id, meshWorkloadProps(scope, id, 'MeshDeploymentProps', props));
    ({ app: this.app, version: this.version, sidecarInjection: this.sidecarInjection } = initMeshWorkload(this, props, 'MeshDeploymentProps'));
  }

  /**
   * Attaches a container; its ports and security context must suit the sidecar.
   *
   * @param cont the container
   */
  public attachContainer(cont: plus.Container): void {
    checkContainer(this, cont);
    super.attachContainer(cont);
  }

  /**
   * Exposes the pods with a Service made for the mesh: named `options.name`, else after the `app` label (the
   * Service's host, `<app>.<namespace>.svc`), selecting on `app` only (every version of the app, so subsets and
   * canaries can split between them), with the containers' protocol-named ports (or `options.ports`, which must be
   * named `<protocol>[-<suffix>]` too). Expose one version of an app; the other versions are reached through it.
   *
   * @param options the Service's name, ports and type
   */
  public exposeViaService(options: plus.DeploymentExposeViaServiceOptions = {}): plus.Service {
    return new AppService(this, `${options.name ?? ''}Service`, {
      metadata: { name: options.name ?? this.app, namespace: this.metadata.namespace },
      app: this.app,
      ports: options.ports ?? containerServicePorts(this.containers.flatMap(c => c.ports)),
      type: options.serviceType,
    });
  }
}

/**
 * A cdk8s-plus StatefulSet made for the mesh, with the same guarantees as MeshDeployment. Its headless Service (made
 * here unless `service` is passed) has the StatefulSet's name, so pods are `<name>-0.<name>.<namespace>.svc`, selects
 * on `app` and carries the containers' protocol-named ports. It is created next to the StatefulSet, with the id
 * `<id>Service`.
 */
export class MeshStatefulSet extends plus.StatefulSet {
  /** The pod label `app`. */
  public readonly app: string;
  /** The pod label `version`. */
  public readonly version: string;
  /** The injection choice. */
  public readonly sidecarInjection: SidecarInjection;

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the MeshStatefulSet's settings
   */
  constructor(scope: Construct, id: string, props: MeshStatefulSetProps) {
    super(scope, id, withHeadlessService(scope, id, meshWorkloadProps(scope, id, 'MeshStatefulSetProps', props)));
    ({ app: this.app, version: this.version, sidecarInjection: this.sidecarInjection } = initMeshWorkload(this, props, 'MeshStatefulSetProps'));
  }

  /**
   * Attaches a container; its ports and security context must suit the sidecar.
   *
   * @param cont the container
   */
  public attachContainer(cont: plus.Container): void {
    checkContainer(this, cont);
    super.attachContainer(cont);
  }
}

/**
 * A container port of a workload, as Istio sees it.
 */
export interface ResolvedContainerPort {
  /** The name of the container. */
  readonly containerName: string;
  /** The port number. */
  readonly number: number;
  /** The port's name, if it has one. */
  readonly name?: string;
  /** The protocol the name claims (UDP for UDP ports), or undefined when it claims none. */
  readonly protocol?: Protocol;
}

/**
 * A workload as it will be synthesized: what routes, subsets and policies need to know about it.
 */
export interface ResolvedMeshWorkload {
  /** The kind, e.g. `Deployment`. */
  readonly kind: string;
  /** The object's name. */
  readonly name: string;
  /** The object's namespace, `default` when it has none. */
  readonly namespace: string;
  /** The pod label `app`, if set. */
  readonly app?: string;
  /** The pod label `version`, if set. */
  readonly version?: string;
  /** Every label of the pod template. */
  readonly podLabels: { [key: string]: string };
  /** The pods' own injection choice (label, else the deprecated annotation). */
  readonly sidecarInjection: SidecarInjection;
  /** Every port of the pod's containers. */
  readonly ports: ResolvedContainerPort[];
}

/**
 * A workload handed to a construct of this library: a MeshDeployment or MeshStatefulSet, any cdk8s-plus workload or
 * Pod, or a plain ApiObject (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod). It is checked by
 * the same rules as MeshDeployment, on the object as it will be synthesized.
 */
export class MeshWorkload {
  /**
   * A workload or Pod from any cdk8s-plus line (cdk8s-plus-27, cdk8s-plus-33, ...), including MeshDeployment and
   * MeshStatefulSet, or a workload ApiObject.
   *
   * @param workload the workload construct (its ApiObject is found with `ApiObject.of()`)
   */
  public static fromWorkload(workload: IConstruct): MeshWorkload {
    checkArgs('MeshWorkload.fromWorkload', [workload]);
    return MeshWorkload.fromApiObject(apiObjectOf(workload, 'a workload (Deployment, StatefulSet, DaemonSet, Job, Pod, ...)'));
  }

  /**
   * A workload ApiObject (e.g. imported with `cdk8s import` or `Include`).
   *
   * @param apiObject the workload's ApiObject (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod)
   */
  public static fromApiObject(apiObject: ApiObject): MeshWorkload {
    checkArgs('MeshWorkload.fromApiObject', [apiObject]);
    if (podTemplateOf({ kind: apiObject.kind }) === undefined) {
      throw configError(apiObject, {
        field: 'kind',
        value: apiObject.kind,
        problem: 'has no pod template',
        fix: 'pass a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod',
      });
    }
    return new MeshWorkload(apiObject);
  }

  /** The kind of the workload. */
  public readonly kind: string;
  /** The workload's name. */
  public readonly name: string;
  /** The workload's namespace, or undefined when it has none. */
  public readonly namespace?: string;

  private readonly apiObject: ApiObject;

  private constructor(apiObject: ApiObject) {
    this.apiObject = apiObject;
    this.kind = apiObject.kind;
    this.name = apiObject.name;
    this.namespace = apiObject.metadata.namespace;
  }

  /** The workload as it will be synthesized. Call it at synth time (in a validation or a Lazy), after every mutation. */
  public resolve(): ResolvedMeshWorkload {
    const { template } = podTemplateOf(renderManifest(this.apiObject))!;
    const labels = { ...template.metadata?.labels };
    const injection = podInjectionChoice(template.metadata);
    return {
      kind: this.kind,
      name: this.name,
      namespace: this.namespace ?? DEFAULT_NAMESPACE,
      app: labels[APP_LABEL],
      version: labels[VERSION_LABEL],
      podLabels: labels,
      sidecarInjection: injection === 'true' ? SidecarInjection.ENABLED
        : injection === 'false' ? SidecarInjection.DISABLED : SidecarInjection.NAMESPACE_DEFAULT,
      ports: (template.spec?.containers ?? []).flatMap((c: any) => (c.ports ?? []).map((p: any) => ({
        containerName: c.name,
        number: p.containerPort,
        name: p.name,
        protocol: servicePortProtocol({ name: p.name, protocol: p.protocol }),
      }))),
    };
  }

  /**
   * What keeps the workload from being mesh-ready, one message per problem: missing `app`/`version` pod labels,
   * unnamed or mis-named container ports, ports reserved by the sidecar, UID 1337, injection labels Istio ignores.
   * Call it at synth time, e.g. from `node.addValidation()`.
   */
  public problems(): string[] {
    return renderedProblems(this.apiObject, undefined);
  }

  /**
   * `problems()` for a workload whose container port names nothing copies or references (a Deployment behind a
   * Service whose target ports are numbers): unnamed ports are fine there. `prop` is the prop of the construct that
   * took the workload, which the messages name.
   * @internal
   */
  public _problemsWithPortUse(use: ContainerPortUse, prop?: 'CanaryReleaseProps.versions'): string[] {
    return renderedProblems(this.apiObject, undefined, use, prop);
  }
}

/**
 * What MeshDeployment and MeshStatefulSet do once cdk8s-plus has built them (they extend different cdk8s-plus classes,
 * so they share this function instead of a base class): check the props, register the synth-time check of the pods,
 * and return the mesh options they expose.
 */
function initMeshWorkload(
  workload: plus.Workload, props: MeshWorkloadOptions & plus.WorkloadProps, struct: WorkloadStruct,
): Required<MeshWorkloadOptions> {
  const options = { app: props.app, version: props.version, sidecarInjection: props.sidecarInjection ?? SidecarInjection.NAMESPACE_DEFAULT };
  checkMeshWorkload(workload, options, props);
  const expect: PodTemplateExpectations = {
    app: options.app,
    version: options.version,
    injectLabel: options.sidecarInjection === SidecarInjection.NAMESPACE_DEFAULT ? null : options.sidecarInjection,
  };
  addSynthValidation(workload, () => renderedProblems(workload, expect, undefined, field => workloadPropOf(struct, field)));
  markMeshChecked(ApiObject.of(workload));
  return options;
}

/** The props handed to cdk8s-plus: explicit name and namespace, `app`/`version` labels, the injection label. */
function meshWorkloadProps<T extends plus.WorkloadProps & MeshWorkloadOptions>(scope: Construct, id: string, type: string, props: T): T {
  checkShapeBeforeConstruct(scope, id, type, props);
  const injection = props.sidecarInjection ?? SidecarInjection.NAMESPACE_DEFAULT;
  const labels = { [APP_LABEL]: props.app, [VERSION_LABEL]: props.version };
  const metadata: ApiObjectMetadata = withFields(props.metadata, {
    name: props.metadata?.name ?? defaultObjectName(id),
    namespace: props.metadata?.namespace ?? namespaceOf(scope),
    labels: { ...labels, ...props.metadata?.labels },
  });
  const podMetadata: ApiObjectMetadata = withFields(props.podMetadata, {
    labels: {
      ...props.podMetadata?.labels,
      ...labels,
      ...(injection === SidecarInjection.NAMESPACE_DEFAULT ? {} : { [INJECT_KEY]: injection }),
    },
  });
  return withFields(props, { metadata, podMetadata }) as T;
}

/**
 * A Service that selects the pods of a mesh workload by their `app` label only: it ignores the selection cdk8s-plus
 * adds for the workload that owns it (`cdk8s.io/metadata.addr`, a hash of the construct path) and selects what
 * `select()` or `selectLabel()` are asked for otherwise.
 */
class AppService extends plus.Service {
  constructor(scope: Construct, id: string, props: plus.ServiceProps & { readonly app: string }) {
    const { app, ...serviceProps } = props;
    super(scope, id, serviceProps);
    this.selectLabel(APP_LABEL, app);
  }

  public select(selector: plus.IPodSelector): void {
    if (selector instanceof MeshStatefulSet || selector instanceof MeshDeployment) return;
    super.select(selector);
  }
}

/** Service ports for container ports: the same number and name (`<protocol>[-<suffix>]`) and L4 protocol. */
function containerServicePorts(ports: plus.ContainerPort[]): plus.ServicePort[] {
  return ports.map(p => ({ port: p.number, targetPort: p.number, name: p.name, protocol: p.protocol }));
}

/** A StatefulSet's props with its headless Service, unless one is given (see MeshStatefulSet). */
function withHeadlessService(scope: Construct, id: string, props: MeshStatefulSetProps): MeshStatefulSetProps {
  if (props.service) return props;
  const service = new AppService(scope, `${id}Service`, {
    metadata: { name: props.metadata!.name, namespace: props.metadata!.namespace },
    app: props.app,
    clusterIP: 'None',
    ports: containerServicePorts((props.containers ?? []).flatMap(c => c.ports ?? (c.portNumber !== undefined ? [{ number: c.portNumber }] : []))),
  });
  return { ...props, service };
}

/** The construction-time checks of a mesh workload's own props (containers are checked as they are attached). */
function checkMeshWorkload(workload: plus.Workload, options: Required<MeshWorkloadOptions>, props: plus.WorkloadProps): void {
  const problems: Problem[] = [];
  const nameIssue = objectNameIssue(workload.metadata.name ?? '');
  if (nameIssue) problems.push(nameIssue);
  problems.push(
    ...metadataProblems({ namespace: workload.metadata.namespace, labels: props.metadata?.labels, annotations: props.metadata?.annotations }),
    ...metadataProblems({ labels: props.podMetadata?.labels, annotations: props.podMetadata?.annotations }, 'podMetadata.'),
  );
  const appProblem = appLabelProblem(options.app);
  if (appProblem) problems.push({ field: 'app', value: options.app, problem: appProblem, fix: 'use a valid label value, e.g. "reviews"' });
  const versionProblem = versionLabelProblem(options.version);
  if (versionProblem) {
    problems.push({ field: 'version', value: options.version, problem: versionProblem, fix: 'use a label value: at most 63 letters, digits, "-", "_" and ".", e.g. "v1" or "1.20.3"' });
  }
  for (const key of [APP_LABEL, VERSION_LABEL]) {
    const value = props.podMetadata?.labels?.[key];
    if (value !== undefined) {
      problems.push({
        field: `podMetadata.labels.${key}`,
        value,
        problem: `is set by the ${key} prop`,
        fix: `remove it from podMetadata and pass ${key}: "${value}"`,
      });
    }
  }
  for (const where of ['labels', 'annotations'] as const) {
    const value = props.podMetadata?.[where]?.[INJECT_KEY];
    if (value !== undefined) {
      problems.push({
        field: `podMetadata.${where}["${INJECT_KEY}"]`,
        value,
        problem: 'hides the workload\'s injection choice in pod metadata',
        fix: `remove it and pass sidecarInjection: SidecarInjection.${value === 'false' ? 'DISABLED' : 'ENABLED'}`,
      });
    }
  }
  addFinding(problems, 'securityContext.user', proxyUidFinding(workload.securityContext.user));
  if (workload.hostNetwork && options.sidecarInjection === SidecarInjection.ENABLED) {
    problems.push({
      field: 'hostNetwork',
      value: true,
      problem: 'is set with sidecarInjection ENABLED, and Istio never injects hostNetwork pods',
      fix: 'drop hostNetwork, or pass sidecarInjection: SidecarInjection.DISABLED',
    });
  }
  throwIfProblems(workload, problems);
}

/** The attach-time check of a container, together with the containers already attached (port names are pod-wide). */
function checkContainer(workload: plus.Workload, cont: plus.Container): void {
  const wire = (c: plus.Container) => ({
    name: c.name,
    ports: c.ports.map(p => ({ name: p.name, containerPort: p.number, protocol: p.protocol })),
    securityContext: { runAsUser: c.securityContext.user },
  });
  const problems = containersProblems([...workload.containers, cont].map(wire), '')
    .map(p => ({ ...p, field: p.field.replace('.securityContext.runAsUser', '.securityContext.user') }));
  throwIfProblems(workload, problems);
}

/** The problems of a workload as it will be synthesized; objects that fail to render report that themselves. */
function renderedProblems(
  scope: IConstruct, expect: PodTemplateExpectations | undefined, use?: ContainerPortUse,
  prop?: 'CanaryReleaseProps.versions' | ((field: string) => string | undefined),
): string[] {
  const apiObject = scope instanceof ApiObject ? scope : ApiObject.of(scope);
  let manifest: any;
  try {
    manifest = renderManifest(apiObject);
  } catch {
    return [];
  }
  const found = podTemplateOf(manifest);
  if (!found) return [];
  const prefix = expect ? found.field : `${apiObject.kind} ${apiObject.metadata.namespace ?? DEFAULT_NAMESPACE}/${apiObject.name} ${found.field}`;
  return podTemplateProblems(found.template, prefix, expect, use)
    .map(p => describeProblem({ ...p, prop: typeof prop === 'function' ? prop(p.field) : prop }));
}

/** The props structs of the library's own workloads (their cdk8s-plus props are documented on them in API.md). */
type WorkloadStruct = 'MeshDeploymentProps' | 'MeshStatefulSetProps';

/**
 * The prop of a MeshDeployment or MeshStatefulSet that a problem of its rendered pod template (`field`, e.g.
 * `spec.template.metadata.labels.app`) comes from, as API.md documents it.
 */
function workloadPropOf(struct: WorkloadStruct, field: string): string | undefined {
  if (field.includes(INJECT_KEY)) return `${struct}.sidecarInjection`;
  if (field.endsWith(`metadata.labels.${APP_LABEL}`)) return `${struct}.app`;
  if (field.endsWith(`metadata.labels.${VERSION_LABEL}`)) return `${struct}.version`;
  if (field.includes('.initContainers[')) return `${struct}.initContainers`;
  if (field.includes('.containers[')) return `${struct}.containers`;
  if (field.includes('.securityContext')) return `${struct}.securityContext`;
  if (field.includes('metadata.')) return `${struct}.podMetadata`;
  return undefined;
}

function addFinding(problems: Problem[], field: string, finding: Finding | undefined): void {
  if (finding) problems.push({ field, ...finding });
}
