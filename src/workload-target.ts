import { configError, Problem } from './private/errors';
import { GATEWAY_NAME_LABEL } from './private/gateway-api';
import { istioReleaseOf, VERSION_GATES, versionGateProblem } from './private/istio-version';
import { k8sLabelNameProblem, labelsProblem, objectNameProblem } from './private/rules';
import { checkArgs } from './private/shape';
import { IstioResource, IstioResourceProps } from './resource';

/** Istio accepts at most this many `targetRefs` (CRD `maxItems`). */
const MAX_TARGET_REFS = 16;

/**
 * Options for a policy target reference.
 */
export interface PolicyTargetReferenceOptions {
  /**
   * The namespace of the target. Istio does not support cross-namespace references, so this may only repeat the
   * policy's own namespace (it is then omitted from the output).
   *
   * @default - the policy's namespace
   */
  readonly namespace?: string;
}

/**
 * A resource a security policy attaches to through `targetRefs`, instead of selecting pods by label.
 *
 * - `gateway()` attaches to the proxies Istio deploys for a Kubernetes Gateway API `Gateway`.
 * - `gatewayClass()` attaches to every Gateway of a class; Istio only honours it for policies in the root
 *   namespace (`istio-system` by default).
 * - `service()` and `serviceEntry()` attach to the waypoint proxy of that service (ambient mode only).
 *
 * @see https://istio.io/latest/docs/reference/config/type/workload-selector/#PolicyTargetReference
 */
export class PolicyTargetReference {
  /**
   * A Kubernetes Service (core group), enforced by its waypoint proxy.
   *
   * @param name the Service's name
   * @param options the namespace of the Service, when it is not the policy's
   */
  public static service(name: string, options: PolicyTargetReferenceOptions = {}): PolicyTargetReference {
    checkArgs('PolicyTargetReference.service', [name, options]);
    return new PolicyTargetReference('', 'Service', name, options.namespace);
  }

  /**
   * An Istio ServiceEntry (`networking.istio.io`), enforced by its waypoint proxy.
   *
   * @param name the ServiceEntry's name
   * @param options the namespace of the ServiceEntry, when it is not the policy's
   */
  public static serviceEntry(name: string, options: PolicyTargetReferenceOptions = {}): PolicyTargetReference {
    checkArgs('PolicyTargetReference.serviceEntry', [name, options]);
    return new PolicyTargetReference('networking.istio.io', 'ServiceEntry', name, options.namespace);
  }

  /**
   * A Kubernetes Gateway API Gateway (`gateway.networking.k8s.io`).
   *
   * @param name the Gateway's name
   * @param options the namespace of the Gateway, when it is not the policy's
   */
  public static gateway(name: string, options: PolicyTargetReferenceOptions = {}): PolicyTargetReference {
    checkArgs('PolicyTargetReference.gateway', [name, options]);
    return new PolicyTargetReference('gateway.networking.k8s.io', 'Gateway', name, options.namespace);
  }

  /**
   * A Kubernetes Gateway API GatewayClass (`gateway.networking.k8s.io`); only for policies in the root namespace.
   *
   * @param name the GatewayClass's name
   * @param options the reference's namespace (GatewayClasses are cluster-scoped: leave it out)
   */
  public static gatewayClass(name: string, options: PolicyTargetReferenceOptions = {}): PolicyTargetReference {
    checkArgs('PolicyTargetReference.gatewayClass', [name, options]);
    return new PolicyTargetReference('gateway.networking.k8s.io', 'GatewayClass', name, options.namespace);
  }

  /** API group of the target, `''` for the core group. */
  public readonly group: string;
  /** Kind of the target, e.g. `Gateway`. */
  public readonly kind: string;
  /** Name of the target. */
  public readonly name: string;
  /** The namespace given for the target, if any. */
  public readonly namespace?: string;

  private constructor(group: string, kind: string, name: string, namespace?: string) {
    this.group = group;
    this.kind = kind;
    this.name = name;
    this.namespace = namespace;
  }

  /**
   * What is wrong with this reference on `policy`, if anything.
   * @internal
   */
  public _problem(policy: IstioResource, field: string): Problem | undefined {
    // Services are DNS-1123 labels; the other kinds are DNS-1123 subdomains.
    const nameProblem = this.kind === 'Service' ? k8sLabelNameProblem(this.name) : objectNameProblem(this.name);
    if (nameProblem) {
      return { field: `${field}.name`, value: this.name, problem: nameProblem, fix: `pass the name of the ${this.kind} as it appears in metadata.name` };
    }
    if (this.namespace !== undefined && this.namespace !== policy.effectiveNamespace) {
      return {
        field: `${field}.namespace`,
        value: this.namespace,
        problem: `is not the policy's namespace "${policy.effectiveNamespace}"; Istio does not support cross-namespace targetRefs`,
        fix: `create the ${policy.kind} in namespace "${this.namespace}", next to the ${this.kind} it targets`,
        symptom: 'the API server rejects the object ("cross namespace referencing is not currently supported")',
      };
    }
    return undefined;
  }

  /**
   * The reference as Istio renders it. The namespace is never rendered: it can only be the policy's own.
   * @internal
   */
  public _render(): any {
    return { group: this.group, kind: this.kind, name: this.name };
  }

  /** @internal */
  public _key(): string {
    return `${this.group}/${this.kind}/${this.name}`;
  }
}

/**
 * Props of a security policy that applies either to the pods a label selector picks, or to the resources
 * `targetRefs` names (AuthorizationPolicy, RequestAuthentication).
 */
export interface PolicyTargetingProps extends IstioResourceProps {
  /**
   * Labels of the pods the policy applies to (`selector.matchLabels`), in the policy's namespace. Use it for
   * sidecars; use `targetRefs` for Gateway API gateways and waypoints. Must not be combined with `targetRefs`.
   *
   * @default - every workload in the namespace (every workload of the mesh when the policy is in the root namespace)
   */
  readonly selector?: { [key: string]: string };

  /**
   * The resources the policy attaches to. More can be added with `addTargetRef()`. Must not be combined with
   * `selector`.
   *
   * @default - none: the policy applies through `selector`, or namespace-wide
   */
  readonly targetRefs?: PolicyTargetReference[];
}

/**
 * Refuses a workload selector Istio would reject, and an empty one: `matchLabels: {}` is easily mistaken for
 * "no workloads" while it selects the whole namespace.
 * @internal
 */
export function checkPolicySelector(scope: IstioResource, selector: { [key: string]: string } | undefined): void {
  if (selector === undefined) return;
  if (Object.keys(selector).length === 0) {
    throw configError(scope, {
      field: 'selector',
      value: selector,
      problem: 'is empty, which applies the policy to every workload in the namespace',
      fix: 'list the labels of the pods to select, or omit selector to make the policy namespace-wide on purpose',
    });
  }
  const problem = labelsProblem(selector);
  if (problem) {
    throw configError(scope, {
      field: 'selector',
      value: selector,
      problem,
      fix: 'use the exact labels of the pods\' template (no wildcards, valid Kubernetes label keys and values)',
    });
  }
}

/** `selector` as Istio renders it. @internal */
export function renderPolicySelector(selector: { [key: string]: string } | undefined): any {
  return selector === undefined ? undefined : { matchLabels: { ...selector } };
}

/**
 * The targeting part (selector or targetRefs) shared by AuthorizationPolicy and RequestAuthentication.
 * @internal
 */
export class PolicyTargets {
  public readonly selector: { [key: string]: string } | undefined;
  private readonly policy: IstioResource;
  private readonly refs: PolicyTargetReference[] = [];

  constructor(policy: IstioResource, selector: { [key: string]: string } | undefined) {
    checkPolicySelector(policy, selector);
    const gatewayName = selector?.[GATEWAY_NAME_LABEL];
    if (gatewayName !== undefined) {
      // IST0166 IneffectiveSelector: Istio ignores selectors for the pods of Gateway API gateways.
      throw configError(policy, {
        field: 'selector',
        value: selector,
        problem: `selects the pods of a Gateway API gateway (label ${GATEWAY_NAME_LABEL}), which Istio ignores for selectors`,
        fix: `replace selector with targetRefs: [PolicyTargetReference.gateway('${gatewayName}')]`,
        symptom: `the ${policy.kind} has no effect on the gateway (istioctl analyze: IST0166 IneffectiveSelector)`,
      });
    }
    this.policy = policy;
    this.selector = selector === undefined ? undefined : { ...selector };
  }

  public get targetRefs(): PolicyTargetReference[] {
    return [...this.refs];
  }

  public add(ref: PolicyTargetReference): void {
    const field = `targetRefs[${this.refs.length}]`;
    if (this.selector !== undefined) {
      throw configError(this.policy, {
        field,
        value: ref._render(),
        problem: 'is set together with selector; a policy applies either to the pods a selector picks or to its targetRefs',
        fix: `remove selector to attach the policy to the ${ref.kind}, or drop the targetRefs and keep selector (one ${this.policy.kind} per mechanism)`,
        symptom: 'the API server rejects the object ("only one of targetRefs or selector can be set")',
      });
    }
    const problem = ref._problem(this.policy, field) ?? targetKindVersionProblem(this.policy, ref, field);
    if (problem) throw configError(this.policy, problem);
    if (this.refs.some(r => r._key() === ref._key())) {
      throw configError(this.policy, {
        field,
        value: ref._render(),
        problem: 'targets the same resource as an earlier entry',
        fix: 'list each target once',
      });
    }
    if (this.refs.length >= MAX_TARGET_REFS) {
      throw configError(this.policy, {
        field,
        value: ref._render(),
        problem: `exceeds Istio's limit of ${MAX_TARGET_REFS} targetRefs per policy`,
        fix: `split the targets over several ${this.policy.kind} objects`,
      });
    }
    this.refs.push(ref);
  }

  /** `selector` and `targetRefs` as Istio renders them. */
  public render(): any {
    return {
      selector: renderPolicySelector(this.selector),
      targetRefs: this.refs.length > 0 ? this.refs.map(r => r._render()) : undefined,
    };
  }
}

/** A target kind newer than the target Istio release (VERSION_GATES.targetRef*). */
function targetKindVersionProblem(policy: IstioResource, ref: PolicyTargetReference, field: string): Problem | undefined {
  const release = istioReleaseOf(policy);
  if (ref.kind === 'ServiceEntry') {
    return versionGateProblem(release, VERSION_GATES.targetRefServiceEntry, `${field}.kind`, ref.kind,
      'target a Kubernetes Service with PolicyTargetReference.service() instead',
      `istiod of Istio ${release.text} does not attach policies to ServiceEntries, so the ${policy.kind} has no effect`);
  }
  if (ref.kind === 'GatewayClass') {
    return versionGateProblem(release, VERSION_GATES.targetRefGatewayClass, `${field}.kind`, ref.kind,
      'attach the policy to each waypoint with PolicyTargetReference.gateway()',
      `istiod of Istio ${release.text} does not attach policies to GatewayClasses, so the ${policy.kind} has no effect`);
  }
  return undefined;
}
