import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { isJwtClaimKey } from '../../route-match';
import { describeProblem, Problem } from '../errors';
import { addSynthValidation, labelsSubset, MeshObject, meshObjects, renderManifest } from '../mesh-model';
import { podTemplateOf } from '../mesh-rules';
import { DEFAULT_NAMESPACE } from '../scope';
import { MeshAnalysis } from './model';
import { gatewayKey } from './references';

/**
 * istioctl analyze IST0149 (JwtClaimBasedRoutingWithoutRequestAuthN), after istio/istio
 * `pkg/config/analysis/analyzers/virtualservice/jwtclaimroute.go`: a VirtualService that matches
 * `@request.auth.claims.*` headers routes on claims only where a RequestAuthentication applies to the gateway pods
 * (one in the root namespace `istio-system` or in the pod's namespace, whose selector matches the pod's labels);
 * elsewhere the claims are never set and the route never matches.
 *
 * Istio checks the Pods of the cluster. Here the gateway pods are the app's workloads that the Gateway selects; when
 * the app has none, the pods are assumed to carry exactly the Gateway's selector labels and to run in the namespace
 * the gateway workload is known to run in (`noteGatewayWorkloadNamespace`, e.g. an IngressRoute's
 * `workloadNamespace`), else in the Gateway's own namespace.
 */

/** Istio's root namespace, where a RequestAuthentication applies to the whole mesh (`constants.IstioSystemNamespace`). */
const ROOT_NAMESPACE = 'istio-system';
const WORKLOAD_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet', 'Pod'];

const gatewayWorkloadNamespaces = new WeakMap<ApiObject, string>();

/** Records the namespace the pods of the Gateway `gateway` (its ApiObject) run in. */
export function noteGatewayWorkloadNamespace(gateway: ApiObject, namespace: string): void {
  gatewayWorkloadNamespaces.set(gateway, namespace);
}

/** Adds the IST0149 check to a VirtualService construct (`apiObject` is the object it renders). */
export function addJwtClaimRouteValidation(virtualService: IConstruct, apiObject: ApiObject): void {
  addSynthValidation(virtualService, () => jwtClaimRouteProblems(virtualService, apiObject).map(describeProblem));
}

interface GatewayPod {
  readonly namespace: string;
  readonly labels: { [key: string]: string };
  /** How the pod is known, for the message. */
  readonly description: string;
}

function jwtClaimRouteProblems(scope: IConstruct, apiObject: ApiObject): Problem[] {
  let manifest: any;
  try {
    manifest = renderManifest(apiObject);
  } catch {
    return []; // the VirtualService's own validation reports it
  }
  const claimField = firstClaimMatch(manifest.spec);
  if (claimField === undefined) return [];
  const vsNamespace: string = manifest.metadata?.namespace ?? DEFAULT_NAMESPACE;
  const a = MeshAnalysis.of(scope);
  const policies = meshObjects(scope, 'RequestAuthentication', 'security.istio.io')
    .filter(o => o.manifest.spec?.targetRefs === undefined && o.manifest.spec?.targetRef === undefined);
  const problems: Problem[] = [];
  for (const ref of (manifest.spec?.gateways ?? []) as string[]) {
    if (ref === 'mesh') continue;
    const [namespace, name] = gatewayKey(ref, vsNamespace).split('/');
    const gateway = a.gateway(`${namespace}/${name}`)?.object;
    if (gateway === undefined) continue; // an unknown gateway is reported by the gateway checks
    const uncovered = gatewayPods(scope, gateway).find(pod => !policies.some(p => appliesTo(p, pod)));
    if (uncovered === undefined) continue;
    problems.push({
      field: claimField.field,
      value: claimField.key,
      problem: `routes on a JWT claim, but no RequestAuthentication applies to the pods of gateway "${namespace}/${name}" (${uncovered.description}), `
        + 'so the gateway never validates a token and the claim is never set (istioctl analyze IST0149)',
      fix: `add a RequestAuthentication for those pods, in namespace ${namespaces(uncovered.namespace)}, with a selector they match `
        + `(e.g. ${JSON.stringify(uncovered.labels)}); an IngressRoute does this with its jwt option`,
      symptom: 'the route never matches, and requests fall through to the next route',
    });
  }
  return problems;
}

/** The first `@request.auth.claims` header match of the spec, as `field` and `key`. */
function firstClaimMatch(spec: any): { field: string; key: string } | undefined {
  const routes: any[] = spec?.http ?? [];
  for (const [i, route] of routes.entries()) {
    for (const [j, match] of ((route.match ?? []) as any[]).entries()) {
      for (const part of ['headers', 'withoutHeaders']) {
        const key = Object.keys(match[part] ?? {}).find(isJwtClaimKey);
        if (key !== undefined) return { field: `http[${i}].match[${j}].${part}`, key };
      }
    }
  }
  return undefined;
}

/** The pods the gateway selects: the app's workloads, or the assumed gateway deployment. */
function gatewayPods(scope: IConstruct, gateway: MeshObject): GatewayPod[] {
  const selector: { [key: string]: string } = gateway.manifest.spec?.selector ?? {};
  const pods: GatewayPod[] = [];
  for (const kind of WORKLOAD_KINDS) {
    for (const workload of meshObjects(scope, kind)) {
      const labels = podTemplateOf(workload.manifest)?.template?.metadata?.labels ?? {};
      if (labelsSubset(selector, labels)) {
        pods.push({ namespace: workload.namespace, labels, description: `${kind} "${workload.namespace}/${workload.name}"` });
      }
    }
  }
  if (pods.length > 0) return pods;
  const namespace = gatewayWorkloadNamespaces.get(gateway.apiObject) ?? gateway.namespace;
  return [{ namespace, labels: selector, description: `labels ${JSON.stringify(selector)} in namespace "${namespace}"` }];
}

/** Whether a selector-based RequestAuthentication applies to the pod. */
function appliesTo(policy: MeshObject, pod: GatewayPod): boolean {
  if (policy.namespace !== ROOT_NAMESPACE && policy.namespace !== pod.namespace) return false;
  return labelsSubset(policy.manifest.spec?.selector?.matchLabels ?? {}, pod.labels);
}

function namespaces(podNamespace: string): string {
  return podNamespace === ROOT_NAMESPACE ? `"${ROOT_NAMESPACE}"` : `"${podNamespace}" or "${ROOT_NAMESPACE}"`;
}
