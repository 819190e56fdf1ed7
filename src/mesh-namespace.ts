import { ApiObject, JsonPatch } from 'cdk8s';
import * as plus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  AuthorizationAction,
  AuthorizationPolicy,
  AuthorizationRule,
  AuthorizationRuleFromIngressGatewayOptions,
  AuthorizationRuleOptions,
  AuthorizationRules,
} from './authorization-policy';
import { GatewayApiGateway, GatewayApiProtocol } from './gateway-api-gateway';
import { MtlsMode, PeerAuthentication } from './peer-authentication';
import { meshReadinessProblems } from './private/analysis/mesh-readiness';
import { MeshAnalysis } from './private/analysis/model';
import { hiddenDestinationProblems } from './private/analysis/sidecar-egress';
import { configError, describeProblem, Problem, throwIfProblems } from './private/errors';
import { addSynthValidation, renderManifest } from './private/mesh-model';
import { INJECT_KEY, podInjectionChoice, podTemplateOf, serviceNameProblem } from './private/mesh-rules';
import { defaultObjectName, metadataProblems } from './private/names';
import { k8sLabelNameProblem } from './private/rules';
import { isNamespaceScope, isPlacedElsewhere, markNamespaceScope } from './private/scope';
import { checkArgs, checkShape } from './private/shape';
import { OutboundTrafficPolicyMode, Sidecar } from './sidecar';
import { Telemetry, TelemetryOptions } from './telemetry';
import { PolicyTargetReference } from './workload-target';

/** Namespace label of classic sidecar injection (`enabled` / `disabled`). */
const INJECTION_LABEL = 'istio-injection';
/** Namespace label that injects through a control-plane revision (or revision tag). */
const REVISION_LABEL = 'istio.io/rev';
/** Namespace (and pod) label of the ambient data plane. */
const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
/** Namespace label naming the waypoint that serves the namespace's services. */
const USE_WAYPOINT_LABEL = 'istio.io/use-waypoint';
/** Namespace label naming the namespace of that waypoint. */
const USE_WAYPOINT_NAMESPACE_LABEL = 'istio.io/use-waypoint-namespace';
/** Gateway label choosing which traffic a waypoint handles; `istioctl waypoint generate` sets it to `service`. */
const WAYPOINT_FOR_LABEL = 'istio.io/waypoint-for';
/** The port and protocol every waypoint listens on (HBONE tunnel). */
const HBONE_PORT = 15008;

/** Labels only the enrollment may set, with what to do instead. */
const ENROLLMENT_LABELS: { [key: string]: string } = {
  [INJECTION_LABEL]: 'pass enrollment: MeshEnrollment.sidecarInjection() or MeshEnrollment.disabled()',
  [REVISION_LABEL]: 'pass enrollment: MeshEnrollment.revision("<revision>")',
  [DATAPLANE_MODE_LABEL]: 'pass enrollment: MeshEnrollment.ambient()',
  [USE_WAYPOINT_LABEL]: 'pass enrollment: MeshEnrollment.ambient({ waypoint: true })',
  [USE_WAYPOINT_NAMESPACE_LABEL]: 'pass enrollment: MeshEnrollment.ambient({ waypoint: true }) to run a waypoint in this namespace',
  [INJECT_KEY]: 'remove it: it is a pod label, and on a Namespace it does nothing; choose the namespace\'s mode with enrollment, '
    + 'and a workload\'s with MeshDeployment\'s sidecarInjection',
};

/** Kubernetes reserves `kube-` namespaces; `istio-system` is Istio's root namespace, where policies become mesh-wide. */
const RESERVED_NAMESPACE = /^(kube-.*|istio-system)$/;

/** Kinds that have no namespace: objects of these kinds inside a MeshNamespace are not expected to land in it. */
const CLUSTER_SCOPED_KINDS = ['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PriorityClass',
  'StorageClass', 'IngressClass', 'PersistentVolume', 'GatewayClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'];

/** Kinds with a pod template, whose injection choice the namespace's enrollment may ignore. */
const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'];

/**
 * How the workloads of a namespace join the mesh.
 */
export enum MeshEnrollmentMode {
  /** Sidecars are injected into every pod (`istio-injection: enabled`). */
  SIDECAR_INJECTION = 'sidecar-injection',
  /** Sidecars are injected by one control-plane revision (`istio.io/rev: <revision>`). */
  REVISION = 'revision',
  /** Pods join the ambient data plane, without sidecars (`istio.io/dataplane-mode: ambient`). */
  AMBIENT = 'ambient',
  /** Nothing is injected, not even pods that ask for it (`istio-injection: disabled`). */
  DISABLED = 'disabled',
}

/**
 * Options of `MeshEnrollment.ambient()`.
 */
export interface AmbientEnrollmentOptions {
  /**
   * Whether to deploy a waypoint proxy for the namespace: a Gateway API `Gateway` of class `istio-waypoint`, which the
   * namespace label `istio.io/use-waypoint` makes serve every service of the namespace. L7 features (HTTP routing,
   * L7 authorization, HTTP telemetry) need one.
   *
   * @default - false, unless `waypointName` is set
   */
  readonly waypoint?: boolean;

  /**
   * The name of the waypoint `Gateway` (a DNS-1035 label: Istio names the waypoint's Deployment, Service and service
   * account after it). Setting it deploys a waypoint.
   *
   * @default 'waypoint'
   */
  readonly waypointName?: string;
}

/**
 * How a MeshNamespace's workloads join the mesh: exactly one of sidecar injection, a control-plane revision,
 * ambient mode, or explicitly none. Each mode is one set of namespace labels, so the namespace can never carry two
 * injection labels (istioctl analyze IST0123).
 *
 * @see https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/
 * @see https://istio.io/latest/docs/ambient/usage/add-workloads/
 */
export class MeshEnrollment {
  /** Sidecar injection by the default control plane: label `istio-injection: enabled`. */
  public static sidecarInjection(): MeshEnrollment {
    checkArgs('MeshEnrollment.sidecarInjection', []);
    return new MeshEnrollment(MeshEnrollmentMode.SIDECAR_INJECTION, { [INJECTION_LABEL]: 'enabled' });
  }

  /**
   * Sidecar injection by one control-plane revision (canary upgrades): label `istio.io/rev: <revision>`, and no
   * `istio-injection` label, which would take precedence over it.
   *
   * @param revision the revision or revision tag, a DNS label such as `1-22-3` or `canary` (revisions use dashes, not dots)
   */
  public static revision(revision: string): MeshEnrollment {
    checkArgs('MeshEnrollment.revision', [revision]);
    return new MeshEnrollment(MeshEnrollmentMode.REVISION, { [REVISION_LABEL]: revision }, revision);
  }

  /**
   * Ambient mode (ztunnel, no sidecars): label `istio.io/dataplane-mode: ambient`, optionally with a waypoint.
   *
   * @param options the waypoint the namespace's traffic goes through, if any
   */
  public static ambient(options: AmbientEnrollmentOptions = {}): MeshEnrollment {
    checkArgs('MeshEnrollment.ambient', [options]);
    const wantsWaypoint = options.waypoint ?? options.waypointName !== undefined;
    const waypointName = wantsWaypoint ? options.waypointName ?? 'waypoint' : undefined;
    const labels: { [key: string]: string } = { [DATAPLANE_MODE_LABEL]: 'ambient' };
    if (waypointName !== undefined) labels[USE_WAYPOINT_LABEL] = waypointName;
    const enrollment = new MeshEnrollment(MeshEnrollmentMode.AMBIENT, labels, undefined, waypointName);
    if (options.waypoint === false && options.waypointName !== undefined) enrollment.contradiction = options.waypointName;
    return enrollment;
  }

  /**
   * Out of the mesh: label `istio-injection: disabled`, which turns off every injector webhook for the namespace, so
   * even pods labelled `sidecar.istio.io/inject: "true"` get no sidecar. No mesh policy applies to its workloads.
   */
  public static disabled(): MeshEnrollment {
    checkArgs('MeshEnrollment.disabled', []);
    return new MeshEnrollment(MeshEnrollmentMode.DISABLED, { [INJECTION_LABEL]: 'disabled' });
  }

  /** The mode. */
  public readonly mode: MeshEnrollmentMode;

  /** The control-plane revision, for `MeshEnrollmentMode.REVISION`. */
  public readonly controlPlaneRevision?: string;

  /** The name of the namespace's waypoint, for ambient mode with a waypoint. */
  public readonly waypointName?: string;

  private readonly _labels: { [key: string]: string };
  /** A waypointName given together with `waypoint: false`. */
  private contradiction?: string;

  private constructor(mode: MeshEnrollmentMode, labels: { [key: string]: string }, revision?: string, waypointName?: string) {
    this.mode = mode;
    this._labels = labels;
    this.controlPlaneRevision = revision;
    this.waypointName = waypointName;
  }

  /** The namespace labels of this mode. Returns a copy. */
  public get labels(): { [key: string]: string } {
    return { ...this._labels };
  }

  /** Whether pods of the namespace get a sidecar unless they opt out. */
  public get injectsSidecars(): boolean {
    return this.mode === MeshEnrollmentMode.SIDECAR_INJECTION || this.mode === MeshEnrollmentMode.REVISION;
  }

  /**
   * What is wrong with the options of this enrollment, if anything.
   * @internal
   */
  public _problems(): Problem[] {
    const problems: Problem[] = [];
    if (this.controlPlaneRevision !== undefined) {
      const problem = this.controlPlaneRevision.length === 0 ? 'must not be empty' : k8sLabelNameProblem(this.controlPlaneRevision);
      if (problem) {
        problems.push({
          field: 'enrollment.revision',
          value: this.controlPlaneRevision,
          problem,
          fix: `use the revision name as installed (istioctl install --revision), with dashes instead of dots, e.g. "${
            this.controlPlaneRevision.replace(/[^a-z0-9-]+/gi, '-').toLowerCase() || '1-22-3'}"`,
          symptom: 'no injector webhook matches the label, so pods start without a sidecar',
        });
      }
    }
    if (this.contradiction !== undefined) {
      problems.push({
        field: 'enrollment.waypointName',
        value: this.contradiction,
        problem: 'is set together with waypoint: false',
        fix: 'remove waypoint: false to deploy the waypoint, or remove waypointName',
      });
    } else if (this.waypointName !== undefined) {
      const problem = serviceNameProblem(this.waypointName);
      if (problem) {
        problems.push({
          field: 'enrollment.waypointName',
          value: this.waypointName,
          problem: `${problem}, because Istio names the waypoint's Service after it`,
          fix: 'use a name such as "waypoint"',
        });
      }
    }
    return problems;
  }
}

/**
 * Options of `EgressFilter.registryOnly()`.
 */
export interface EgressLockdownOptions {
  /**
   * Hosts the namespace's workloads may call besides their own namespace (`./*`) and `istio-system/*`, in Sidecar
   * egress form `namespace/dnsName`: `backend/*` (every service of namespace backend),
   * `./api.example.com` (a ServiceEntry host exported to this namespace), `*\/api.example.com`.
   *
   * @default - only `./*` and `istio-system/*`
   */
  readonly allowedHosts?: string[];
}

/**
 * What the workloads of a MeshNamespace may call (as aws-appmesh models a mesh's `egressFilter`).
 */
export class EgressFilter {
  /**
   * No lockdown: no Sidecar, so the mesh-wide outbound traffic policy applies and every service of the mesh is
   * reachable.
   */
  public static allowAll(): EgressFilter {
    return new EgressFilter(undefined);
  }

  /**
   * Locks egress down with the namespace's default Sidecar (named `default`): outbound traffic policy REGISTRY_ONLY,
   * and only the services of this namespace, of `istio-system` and of `options.allowedHosts` are known to the
   * workloads. Sidecar mode only (a Sidecar has no effect on ambient workloads).
   *
   * @param options the hosts allowed besides the namespace's own and `istio-system`'s
   */
  public static registryOnly(options: EgressLockdownOptions = {}): EgressFilter {
    return new EgressFilter([...new Set(['./*', 'istio-system/*', ...options.allowedHosts ?? []])]);
  }

  /** The Sidecar egress hosts when egress is locked down, else undefined. @internal */
  public readonly _hosts?: string[];

  private constructor(hosts: string[] | undefined) {
    this._hosts = hosts;
  }

  /** Whether egress is locked down (a Sidecar with REGISTRY_ONLY). */
  public get lockedDown(): boolean {
    return this._hosts !== undefined;
  }
}

/**
 * A per-port mutual-TLS mode for some workloads of a MeshNamespace. Istio only accepts port-level modes on a
 * PeerAuthentication with a selector, so each override lives in a workload-level PeerAuthentication whose mode is
 * otherwise inherited from the namespace's.
 */
export interface PortMtlsOverride {
  /** Labels of the workloads that listen on the port, e.g. `{ app: 'reviews' }`. */
  readonly selector: { [key: string]: string };

  /** The port the workload listens on (the container port, i.e. the Service's targetPort). */
  readonly port: number;

  /** The mode on that port, e.g. `MtlsMode.DISABLE` for a port that a non-mesh client must reach in plain text. */
  readonly mode: MtlsMode;

  /**
   * The name of the workload-level PeerAuthentication. Overrides with the same selector share it.
   *
   * @default - the selector's label values in kebab case, e.g. `reviews` for `{ app: 'reviews' }`
   */
  readonly name?: string;
}

/**
 * Props of a MeshNamespace.
 */
export interface MeshNamespaceProps {
  /** The namespace's name, a DNS-1123 label. */
  readonly name: string;

  /**
   * How the namespace's workloads join the mesh.
   *
   * @default MeshEnrollment.sidecarInjection()
   */
  readonly enrollment?: MeshEnrollment;

  /**
   * Extra labels of the Namespace object. The enrollment labels (`istio-injection`, `istio.io/rev`,
   * `istio.io/dataplane-mode`, `istio.io/use-waypoint`) are set by `enrollment` and refused here.
   *
   * @default - only the enrollment's labels
   */
  readonly labels?: { [key: string]: string };

  /**
   * Annotations of the Namespace object.
   *
   * @default - none
   */
  readonly annotations?: { [key: string]: string };

  /**
   * The mutual-TLS mode of the namespace: a namespace-wide PeerAuthentication named `default`. STRICT refuses
   * plain text; PERMISSIVE accepts both (for migrations); DISABLE (sidecar mode only) turns mTLS off. UNSET creates
   * no PeerAuthentication, so the mesh-wide policy applies.
   *
   * @default MtlsMode.STRICT, or MtlsMode.UNSET when the enrollment is `MeshEnrollment.disabled()`
   */
  readonly mtls?: MtlsMode;

  /**
   * Per-port mutual-TLS modes for some workloads; more with `addPortMtlsOverride()`.
   *
   * @default - none
   */
  readonly portMtlsOverrides?: PortMtlsOverride[];

  /**
   * What the namespace's workloads may call: `EgressFilter.registryOnly()` locks egress down with the namespace's
   * default Sidecar (outbound traffic policy REGISTRY_ONLY, only known hosts); sidecar mode only.
   *
   * @default EgressFilter.allowAll(): no Sidecar, the mesh-wide outbound traffic policy applies
   */
  readonly egressFilter?: EgressFilter;

  /**
   * Refuses every request to the namespace's workloads that no ALLOW policy lets through: an AuthorizationPolicy
   * named `deny-all` (ALLOW, no rules). Open traffic with `allowFromNamespaces()`, `allowFromServiceAccounts()` and
   * `allowFromIngressGateway()`, or your own ALLOW policies.
   *
   * @default false
   */
  readonly defaultDeny?: boolean;

  /**
   * Try `defaultDeny` before enforcing it: the `deny-all` policy and the ALLOW policies of `allowFromNamespaces()`,
   * `allowFromServiceAccounts()` and `allowFromIngressGateway()` get the annotation `istio.io/dry-run: "true"`, so
   * the proxies report what they would refuse (`istio_dry_run_*` stats) without refusing anything. Needs `defaultDeny`.
   *
   * @default false
   */
  readonly defaultDenyDryRun?: boolean;

  /**
   * The namespace's telemetry: a Telemetry named `default` without selector (tracing, access logging, metrics),
   * which overrides the mesh-wide defaults (`MeshTelemetryDefaults`) for every workload of the namespace.
   * Workload-level overrides are Telemetry objects with a `selector` or `targetRefs` created in the namespace.
   *
   * @default - none: the mesh-wide defaults apply
   */
  readonly telemetry?: TelemetryOptions;
}

/**
 * A Kubernetes Namespace enrolled in the mesh, with its mesh policies.
 *
 * - The Namespace object carries exactly one enrollment mode (sidecar injection, a control-plane revision, ambient
 *   with an optional waypoint, or disabled), and never a `metadata.namespace`, even in a Chart that has a namespace.
 * - Mesh policy, one prop each: a namespace-wide PeerAuthentication (`mtls`, STRICT by default) with per-port
 *   overrides, egress lockdown through the namespace's default Sidecar, and a default-deny AuthorizationPolicy with
 *   helpers that allow traffic from namespaces, service accounts or the ingress gateway.
 * - Constructs of this library created inside it (routes, services, workloads, Istio resources) land in the
 *   namespace without repeating it. Plain cdk8s and cdk8s-plus objects created inside it must be given the namespace
 *   (`metadata: { namespace: ns.namespaceName }`); synth reports those that are not.
 *
 * @example
 * const ns = new MeshNamespace(chart, 'IstioInAction', { name: 'istioinaction' });
 * // lands in istioinaction
 * new MeshDeployment(ns, 'Webapp', { app: 'webapp', version: 'v1', containers: [{ image: 'istioinaction/webapp:latest' }] });
 */
export class MeshNamespace extends Construct {
  /** The namespace's name. */
  public readonly name: string;

  /** The namespace's name (the same as `name`), for readability where other names are around. */
  public readonly namespaceName: string;

  /** The Namespace object. */
  public readonly namespace: plus.Namespace;

  /** How the namespace's workloads join the mesh. */
  public readonly enrollment: MeshEnrollment;

  /** The namespace's mutual-TLS mode; UNSET when the namespace has no PeerAuthentication of its own. */
  public readonly mtlsMode: MtlsMode;

  /** The namespace-wide PeerAuthentication, unless `mtls` is UNSET. */
  public readonly peerAuthentication?: PeerAuthentication;

  /** The namespace's default Sidecar, with `egressFilter: EgressFilter.registryOnly()`. */
  public readonly sidecar?: Sidecar;

  /** The `deny-all` AuthorizationPolicy, with `defaultDeny`. */
  public readonly denyAllPolicy?: AuthorizationPolicy;

  /** The namespace's Telemetry (`default`), with `telemetry`. */
  public readonly telemetry?: Telemetry;


  /** The waypoint Gateway (`gateway.networking.k8s.io/v1`, class `istio-waypoint`), in ambient mode with a waypoint. */
  public readonly waypoint?: GatewayApiGateway;

  private readonly portMtlsPolicies = new Map<string, { selectorKey: string; policy: PeerAuthentication }>();
  private readonly allowPolicies = new Map<string, AuthorizationPolicy>();
  private readonly dryRun: boolean;
  private _auditPolicy?: AuthorizationPolicy;
  private _waypointEntryPolicy?: AuthorizationPolicy;

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the MeshNamespace's settings
   */
  constructor(scope: Construct, id: string, props: MeshNamespaceProps) {
    super(scope, id);
    checkShape(this, 'MeshNamespaceProps', props);
    this.name = props.name;
    this.namespaceName = props.name;
    this.enrollment = props.enrollment ?? MeshEnrollment.sidecarInjection();
    const disabled = this.enrollment.mode === MeshEnrollmentMode.DISABLED;
    this.mtlsMode = props.mtls ?? (disabled ? MtlsMode.UNSET : MtlsMode.STRICT);

    this.checkPlacement(scope);
    throwIfProblems(this, [
      ...this.nameProblems(),
      ...this.enrollment._problems(),
      ...this.metadataProblems(props),
    ]);
    this.checkMtlsMode('mtls', props.mtls);
    if (props.egressFilter?.lockedDown) this.checkEgressLockdown();
    if (props.defaultDeny === true) this.checkPolicyTakesEffect('defaultDeny', true);
    if (props.telemetry !== undefined) this.checkPolicyTakesEffect('telemetry', props.telemetry);
    this.dryRun = props.defaultDenyDryRun === true;
    if (this.dryRun && props.defaultDeny !== true) {
      throw configError(this, {
        field: 'defaultDenyDryRun',
        value: true,
        problem: 'needs defaultDeny: there is no deny-all policy to try',
        fix: 'pass defaultDeny: true together with defaultDenyDryRun: true, or remove defaultDenyDryRun',
      });
    }

    markNamespaceScope(this, this.name);
    this.namespace = new plus.Namespace(this, 'Namespace', {
      metadata: {
        name: this.name,
        labels: { ...props.labels, ...this.enrollment.labels },
        annotations: props.annotations,
      },
    });
    // cdk8s stamps the chart's namespace on every object, a Namespace too; a Namespace is cluster-scoped.
    const namespaceObject = ApiObject.of(this.namespace);
    if (namespaceObject.metadata.namespace !== undefined) namespaceObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));

    if (this.enrollment.waypointName !== undefined) this.waypoint = this.createWaypoint(this.enrollment.waypointName);

    if (this.mtlsMode !== MtlsMode.UNSET) {
      // `default` is the name Istio's documentation gives the namespace-wide policy.
      this.peerAuthentication = new PeerAuthentication(this, 'PeerAuthentication', {
        metadata: { name: 'default' },
        mtlsMode: this.mtlsMode,
      });
    }
    for (const override of props.portMtlsOverrides ?? []) this.addPortMtlsOverride(override);

    const hosts = props.egressFilter?._hosts;
    if (hosts !== undefined) {
      this.sidecar = new Sidecar(this, 'Sidecar', {
        metadata: { name: 'default' },
        outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
        egress: [{ hosts }],
      });
    }
    if (props.defaultDeny === true) {
      this.denyAllPolicy = new AuthorizationPolicy(this, 'DenyAll', { action: AuthorizationAction.ALLOW, dryRun: this.dryRun });
    }
    if (props.telemetry !== undefined) {
      this.telemetry = new Telemetry(this, 'Telemetry', { metadata: { name: 'default' }, ...props.telemetry });
    }

    addSynthValidation(this, () => this.validateNamespace().map(describeProblem));
  }

  /**
   * Sets the mutual-TLS mode of one port of some workloads, e.g. DISABLE on a metrics port a non-mesh scraper reads
   * in plain text. Creates (or extends) a workload-level PeerAuthentication with that selector, whose mode on the
   * other ports is the namespace's.
   *
   * @param portOverride the workloads, the port and its mode
   * @returns the workload-level PeerAuthentication
   */
  public addPortMtlsOverride(portOverride: PortMtlsOverride): PeerAuthentication {
    checkShape(this, 'PortMtlsOverride', portOverride, 'addPortMtlsOverride(portOverride)');
    this.checkMtlsMode(`addPortMtlsOverride(${portOverride.port}).mode`, portOverride.mode);
    const labels = Object.entries(portOverride.selector ?? {}).sort(([a], [b]) => a.localeCompare(b));
    const selectorKey = JSON.stringify(labels);
    const name = portOverride.name ?? (defaultObjectName(labels.map(([, v]) => v).join('-')) || 'port-mtls');
    const existing = this.portMtlsPolicies.get(name);
    const reserved = this.peerAuthentication?.name === name;
    if (reserved || (existing !== undefined && existing.selectorKey !== selectorKey)) {
      throw configError(this, {
        field: `addPortMtlsOverride(${portOverride.port}).name`,
        value: name,
        problem: reserved
          ? 'is the name of the namespace-wide PeerAuthentication'
          : `is already the name of the PeerAuthentication for selector ${JSON.stringify(existing!.policy.selector)}`,
        fix: 'pass another name for the workload-level PeerAuthentication',
        symptom: 'one PeerAuthentication would overwrite the other when applied',
      });
    }
    let policy = existing?.policy;
    if (policy === undefined) {
      policy = new PeerAuthentication(this, `PortMtls-${name}`, { metadata: { name }, selector: portOverride.selector });
      this.portMtlsPolicies.set(name, { selectorKey, policy });
    }
    policy.addPortMtls(portOverride.port, portOverride.mode);
    return policy;
  }

  /**
   * Allows requests from workloads in these namespaces (identified by their mTLS certificates). Needs `defaultDeny`.
   * Every call adds a rule to the AuthorizationPolicy `allow-from-namespaces`. In ambient mode with a waypoint the policy is
   * attached to the waypoint (`targetRefs`), which sees the callers' identities and can check L7 operations, and the
   * AuthorizationPolicy `allow-from-waypoint` lets the waypoint through ztunnel's default deny.
   *
   * @returns the AuthorizationPolicy
   * @param namespaces the namespaces of the calling workloads
   * @param options the operations (`to`) and conditions (`when`) allowed
   */
  public allowFromNamespaces(namespaces: string[], options: AuthorizationRuleOptions = {}): AuthorizationPolicy {
    return this.addAllowRule('allowFromNamespaces()', 'AllowFromNamespaces', AuthorizationRules.fromNamespaces(namespaces, options));
  }

  /**
   * Allows requests from workloads running as these service accounts, `<namespace>/<service account>` (identified by
   * their mTLS certificates). Needs `defaultDeny`. Every call adds a rule to the AuthorizationPolicy
   * `allow-from-service-accounts`, attached to the waypoint in ambient mode with a waypoint (see `allowFromNamespaces()`).
   *
   * @returns the AuthorizationPolicy
   * @param serviceAccounts the service accounts as `<namespace>/<service account>`, e.g. `shop/frontend`
   * @param options the operations (`to`) and conditions (`when`) allowed
   */
  public allowFromServiceAccounts(serviceAccounts: string[], options: AuthorizationRuleOptions = {}): AuthorizationPolicy {
    return this.addAllowRule('allowFromServiceAccounts()', 'AllowFromServiceAccounts',
      AuthorizationRules.fromServiceAccounts(serviceAccounts, options));
  }

  /**
   * Allows requests that come through the ingress gateway, identified by its service account
   * (`istio-system/istio-ingressgateway-service-account` by default, i.e. the principal
   * `cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account`). Needs `defaultDeny`. Every call adds a
   * rule to the AuthorizationPolicy `allow-from-ingress-gateway`. In ambient mode it is enforced by ztunnel even with a
   * waypoint: an ingress gateway sends to the pods directly unless the Service opts in to its waypoint
   * (`istio.io/ingress-use-waypoint`).
   *
   * @returns the AuthorizationPolicy
   * @param options the gateway's service account and namespace, and the operations and conditions allowed
   */
  public allowFromIngressGateway(options: AuthorizationRuleFromIngressGatewayOptions = {}): AuthorizationPolicy {
    return this.addAllowRule('allowFromIngressGateway()', 'AllowFromIngressGateway', AuthorizationRules.fromIngressGateway(options));
  }

  /**
   * Logs the requests to the namespace's workloads that `rule` matches, without allowing or denying them: a rule of
   * the AuthorizationPolicy `audit` (action AUDIT). Audit logs need a provider that supports them, declared in the
   * mesh config (Istio's built-in providers do not write audit logs).
   *
   * @returns the AuthorizationPolicy
   * @param rule the requests to log: sources (`from`), operations (`to`) and conditions (`when`)
   */
  public addAuditRule(rule: AuthorizationRule): AuthorizationPolicy {
    this.checkPolicyTakesEffect('addAuditRule()', rule);
    if (this._auditPolicy === undefined) {
      this._auditPolicy = new AuthorizationPolicy(this, 'Audit', { action: AuthorizationAction.AUDIT, rules: [rule] });
    } else {
      this._auditPolicy.addRule(rule);
    }
    return this._auditPolicy;
  }

  /** The `audit` AuthorizationPolicy (action AUDIT), once `addAuditRule()` was called. */
  public get auditPolicy(): AuthorizationPolicy | undefined {
    return this._auditPolicy;
  }

  private addAllowRule(method: string, id: string, rule: AuthorizationRule): AuthorizationPolicy {
    if (this.denyAllPolicy === undefined) {
      throw configError(this, {
        field: method,
        value: rule.from,
        problem: 'needs defaultDeny: an ALLOW policy already refuses every request it does not match, so without defaultDeny '
          + 'the namespace would become deny-by-default as a side effect',
        fix: 'pass defaultDeny: true to the MeshNamespace, or create your own AuthorizationPolicy with a selector for the workloads to protect',
      });
    }
    const waypoint = this.enrollment.waypointName;
    // Requests to a service go through the waypoint, so the pods' ztunnel sees the waypoint's identity, not the client's:
    // the rule is checked at the waypoint (targetRefs), and ztunnel lets the waypoint in. Ingress gateways bypass the
    // waypoint unless the Service opts in (istio.io/ingress-use-waypoint, istio/istio#51214), so their rule stays at ztunnel.
    // https://istio.io/latest/docs/ambient/usage/l7-features/ (attach L7 policy to the waypoint by targetRefs)
    const atWaypoint = waypoint !== undefined && method !== 'allowFromIngressGateway()';
    if (atWaypoint && this._waypointEntryPolicy === undefined) {
      this._waypointEntryPolicy = new AuthorizationPolicy(this, 'AllowFromWaypoint', {
        rules: [AuthorizationRules.fromServiceAccounts([`${this.name}/${waypoint}`])],
        dryRun: this.dryRun,
      });
    }
    let policy = this.allowPolicies.get(id);
    if (policy === undefined) {
      const targetRefs = atWaypoint ? [PolicyTargetReference.gateway(waypoint!)] : undefined;
      policy = new AuthorizationPolicy(this, id, { rules: [rule], dryRun: this.dryRun, targetRefs });
      this.allowPolicies.set(id, policy);
    } else {
      policy.addRule(rule);
    }
    return policy;
  }

  /** The waypoint as `istioctl waypoint generate` writes it, through the Gateway API Gateway L2. */
  private createWaypoint(name: string): GatewayApiGateway {
    return new GatewayApiGateway(this, 'Waypoint', {
      metadata: { name, labels: { [WAYPOINT_FOR_LABEL]: 'service' } },
      gatewayClassName: 'istio-waypoint',
      listeners: [{ name: 'mesh', port: HBONE_PORT, protocol: GatewayApiProtocol.HBONE }],
    });
  }

  /** A Namespace cannot live inside another namespace. */
  private checkPlacement(scope: Construct): void {
    const outer = scope.node.scopes.find(s => isNamespaceScope(s));
    if (outer !== undefined) {
      throw configError(this, {
        field: 'scope',
        value: outer.node.path,
        problem: 'is inside another MeshNamespace; namespaces do not nest',
        fix: 'create the MeshNamespace in the Chart, next to the other one',
      });
    }
  }

  private nameProblems(): Problem[] {
    const problem = k8sLabelNameProblem(this.name);
    if (problem) return [{ field: 'name', value: this.name, problem, fix: 'use lower-case letters, digits and "-", e.g. "istioinaction"' }];
    if (RESERVED_NAMESPACE.test(this.name)) {
      return [{
        field: 'name',
        value: this.name,
        problem: this.name === 'istio-system'
          ? 'is Istio\'s root namespace, where a namespace-wide PeerAuthentication or AuthorizationPolicy applies to the whole mesh'
          : 'starts with "kube-", which Kubernetes reserves for its system namespaces',
        fix: this.name === 'istio-system'
          ? 'configure the control plane through its installation (istioctl, Helm values), and mesh-wide policies with '
            + 'PeerAuthentication/AuthorizationPolicy objects in istio-system'
          : 'choose another name',
      }];
    }
    return [];
  }

  private metadataProblems(props: MeshNamespaceProps): Problem[] {
    const problems: Problem[] = [];
    for (const [key, value] of Object.entries(props.labels ?? {})) {
      const fix = ENROLLMENT_LABELS[key];
      if (fix !== undefined) {
        problems.push({
          field: `labels["${key}"]`,
          value,
          problem: key === INJECT_KEY
            ? 'is a pod label, not a namespace label'
            : 'is an enrollment label; the namespace must carry exactly one enrollment mode (two injection labels: istioctl analyze IST0123)',
          fix,
        });
      }
    }
    problems.push(...metadataProblems({ labels: props.labels, annotations: props.annotations }, ''));
    return problems;
  }

  /** A mode the enrollment cannot honour: any policy in a disabled namespace, DISABLE in ambient mode. */
  private checkMtlsMode(field: string, mode: MtlsMode | undefined): void {
    if (mode === undefined || mode === MtlsMode.UNSET) return;
    this.checkPolicyTakesEffect(field, mode);
    if (this.enrollment.mode === MeshEnrollmentMode.AMBIENT && mode === MtlsMode.DISABLE) {
      throw configError(this, {
        field,
        value: mode,
        problem: 'is not supported in ambient mode: ztunnel always tunnels through mutual TLS (HBONE)',
        fix: 'use MtlsMode.PERMISSIVE to also accept plain text from clients outside the mesh, or keep the workload out of ambient '
          + 'with the pod label istio.io/dataplane-mode: none',
        symptom: 'Istio ignores the DISABLE policy',
      });
    }
  }

  /** With enrollment disabled no pod has a proxy, so a mesh policy would only look like protection. */
  private checkPolicyTakesEffect(field: string, value: unknown): void {
    if (this.enrollment.mode !== MeshEnrollmentMode.DISABLED) return;
    throw configError(this, {
      field,
      value,
      problem: 'has no effect in a namespace whose enrollment is disabled: no pod of it gets a proxy to enforce it',
      fix: `enroll the namespace (MeshEnrollment.sidecarInjection(), .revision() or .ambient()), or remove ${field.replace(/\(.*$/, '()')}`,
      symptom: 'the policy is applied but nothing enforces it: traffic is neither encrypted nor restricted',
    });
  }

  private checkEgressLockdown(): void {
    this.checkPolicyTakesEffect('egressFilter', 'EgressFilter.registryOnly()');
    if (this.enrollment.mode === MeshEnrollmentMode.AMBIENT) {
      throw configError(this, {
        field: 'egressFilter',
        value: 'EgressFilter.registryOnly()',
        problem: 'is a Sidecar, which has no effect on ambient workloads (istioctl analyze IST0167)',
        fix: 'use EgressFilter.allowAll(); in ambient mode route egress through an egress waypoint or gateway, or use sidecar enrollment',
        symptom: 'outbound traffic is not restricted',
      });
    }
  }

  /** Rules that need the whole app: objects landing elsewhere, duplicate namespaces, choices the enrollment ignores. */
  private validateNamespace(): Problem[] {
    return [
      ...this.enrollmentLabelProblems(),
      ...this.strayObjectProblems(),
      ...this.duplicateNamespaceProblems(),
      ...this.ignoredInjectionProblems(),
      ...this.ambientSidecarProblems(),
      ...this.enrollment.mode === MeshEnrollmentMode.DISABLED ? [] : meshReadinessProblems(MeshAnalysis.of(this), this.name),
      ...hiddenDestinationProblems(MeshAnalysis.of(this), this.name),
    ];
  }

  /**
   * The enrollment labels of the Namespace as synthesized: labels added or changed after construction
   * (`namespace.metadata.addLabel()`) would give it a second enrollment mode (IST0123) or another one.
   */
  private enrollmentLabelProblems(): Problem[] {
    let labels: { [key: string]: string };
    try {
      labels = renderManifest(ApiObject.of(this.namespace)).metadata?.labels ?? {};
    } catch {
      return [];
    }
    const expected = this.enrollment.labels;
    return Object.keys(ENROLLMENT_LABELS)
      .filter(key => labels[key] !== expected[key])
      .map(key => ({
        field: `Namespace "${this.name}" metadata.labels["${key}"]`,
        prop: 'MeshNamespaceProps.enrollment',
        value: labels[key] ?? '<none>',
        problem: this.enrollmentLabelChange(key, expected[key]),
        fix: `do not change enrollment labels on the Namespace object; ${ENROLLMENT_LABELS[key]}`,
        symptom: 'pods are injected (or not) by whichever label the injector webhooks read first, not by the enrollment',
      }));
  }

  private enrollmentLabelChange(key: string, expected: string | undefined): string {
    if (key === INJECT_KEY) return 'was added after construction, but it is a pod label, and on a Namespace it does nothing';
    if (expected !== undefined) return `is not "${expected}", which enrollment ${this.enrollment.mode} sets`;
    return `was added after construction, but enrollment ${this.enrollment.mode} does not set it; the namespace must carry exactly `
      + 'one enrollment mode (two injection labels: istioctl analyze IST0123)';
  }

  /** cdk8s and cdk8s-plus objects do not know about MeshNamespace: they take the chart's namespace, or none. */
  private strayObjectProblems(): Problem[] {
    const own = ApiObject.of(this.namespace);
    const problems: Problem[] = [];
    for (const child of this.node.findAll()) {
      if (!(child instanceof ApiObject) || child === own || CLUSTER_SCOPED_KINDS.includes(child.kind)) continue;
      // e.g. an IngressRoute's TLS Secret, which must be in the gateway workload's namespace
      if (isPlacedElsewhere(child)) continue;
      let namespace: string | undefined;
      try {
        namespace = renderManifest(child).metadata?.namespace;
      } catch {
        continue;
      }
      if (namespace === this.name) continue;
      problems.push({
        field: `${child.kind} "${child.name}" (${child.node.path}) metadata.namespace`,
        prop: 'MeshNamespaceProps.name',
        value: namespace ?? '<none>',
        problem: `is not "${this.name}", although the object is created inside MeshNamespace "${this.name}"`,
        fix: `pass metadata: { namespace: "${this.name}" } (cdk8s and cdk8s-plus constructs take the chart's namespace, not the `
          + 'MeshNamespace\'s), use the library\'s construct (MeshDeployment, MeshService), or create the object outside the MeshNamespace',
        symptom: namespace === undefined
          ? 'kubectl applies the object to its current namespace, out of reach of this namespace\'s mesh policies'
          : `the object lands in namespace "${namespace}", out of reach of this namespace's mesh policies`,
      });
    }
    return problems;
  }

  private duplicateNamespaceProblems(): Problem[] {
    const own = ApiObject.of(this.namespace);
    return MeshAnalysis.of(this).withName('Namespace', '', this.name)
      .filter(o => o.apiObject !== own)
      .map(o => ({
        field: 'name',
        prop: 'MeshNamespaceProps.name',
        value: this.name,
        problem: `is also the name of the Namespace at ${o.path}`,
        fix: 'create each namespace once, and put everything that belongs to it inside its MeshNamespace',
        symptom: 'the two objects overwrite each other\'s labels, so the enrollment depends on the order they are applied in',
      }));
  }

  /** Pod injection choices that this namespace's labels make the injector ignore. */
  private ignoredInjectionProblems(): Problem[] {
    const mode = this.enrollment.mode;
    if (mode !== MeshEnrollmentMode.DISABLED && mode !== MeshEnrollmentMode.AMBIENT) return [];
    const problems: Problem[] = [];
    for (const kind of WORKLOAD_KINDS) {
      for (const o of MeshAnalysis.of(this).inNamespace(kind, undefined, this.name)) {
        const found = podTemplateOf(o.manifest);
        if (found === undefined) continue;
        const choice = podInjectionChoice(found.template.metadata);
        const field = `${kind} "${o.name}" (${o.path}) ${found.field}metadata.labels["${INJECT_KEY}"]`;
        if (mode === MeshEnrollmentMode.DISABLED && choice === 'true') {
          problems.push({
            field,
            prop: 'MeshNamespaceProps.enrollment',
            value: choice,
            problem: `is ignored: namespace "${this.name}" is labelled istio-injection: disabled, which turns off every injector webhook`,
            fix: 'enroll the namespace (MeshEnrollment.sidecarInjection()), or remove the opt-in (sidecarInjection: SidecarInjection.NAMESPACE_DEFAULT)',
            symptom: 'the pod starts without a sidecar',
          });
        } else if (mode === MeshEnrollmentMode.AMBIENT && choice === 'false' && found.template.metadata?.labels?.[DATAPLANE_MODE_LABEL] !== 'none') {
          problems.push({
            field,
            prop: 'MeshNamespaceProps.enrollment',
            value: choice,
            problem: `does not keep the pod out of the mesh: namespace "${this.name}" is ambient, and ztunnel captures pods without a sidecar`,
            fix: `label the pod template ${DATAPLANE_MODE_LABEL}: none (podMetadata) to keep it out of ambient`,
            symptom: 'the pod\'s traffic still goes through ztunnel and the namespace\'s policies',
          });
        }
      }
    }
    return problems;
  }

  /** IST0167: a selector-less Sidecar in an ambient namespace does nothing. */
  private ambientSidecarProblems(): Problem[] {
    if (this.enrollment.mode !== MeshEnrollmentMode.AMBIENT) return [];
    return MeshAnalysis.of(this).inNamespace('Sidecar', 'networking.istio.io', this.name)
      .filter(o => o.manifest.spec?.workloadSelector === undefined)
      .map(o => ({
        field: `Sidecar "${o.name}" (${o.path})`,
        prop: 'MeshNamespaceProps.enrollment',
        problem: `is the default Sidecar of namespace "${this.name}", which is ambient: a Sidecar has no effect on ambient workloads (IST0167)`,
        fix: 'remove the Sidecar, or use sidecar enrollment for the namespace',
        symptom: 'the Sidecar\'s egress and ingress settings are silently ignored',
      }));
  }
}
