import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { isJwtClaimKey } from '../../route-match';
import { describeProblem, Problem } from '../errors';
import { addSynthValidation, labelsSubset, MeshObject } from '../mesh-model';
import { ROOT_NAMESPACE } from './destination-rules';
import { MeshAnalysis } from './model';

const SECURITY = 'security.istio.io';

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
  const a = MeshAnalysis.of(scope);
  const vs = a.virtualService(apiObject);
  if (vs === undefined) return []; // a VirtualService that does not render is reported by its own validation
  const claimField = firstClaimMatch(vs.spec);
  if (claimField === undefined) return [];
  const problems: Problem[] = [];
  for (const key of vs.gatewayKeys) {
    const gateway = a.gateway(key)?.object;
    if (gateway === undefined) continue; // an unknown gateway is reported by the gateway checks
    const uncovered = gatewayPods(a, gateway).find(pod => !requestAuthenticationsFor(a, pod.namespace).some(p => appliesTo(p, pod)));
    if (uncovered === undefined) continue;
    problems.push({
      field: claimField.field,
      value: claimField.key,
      problem: `routes on a JWT claim, but no RequestAuthentication applies to the pods of gateway "${key}" (${uncovered.description}), `
        + 'so the gateway never validates a token and the claim is never set (istioctl analyze IST0149)',
      fix: `add a RequestAuthentication for those pods, in namespace ${namespaces(uncovered.namespace)}, with a selector they match `
        + `(e.g. ${JSON.stringify(uncovered.labels)}); an IngressRoute does this with its jwt option`,
      symptom: 'the route never matches, and requests fall through to the next route',
      prop: 'VirtualServiceProps.http',
    });
  }
  return problems;
}

/** The selector-based RequestAuthentications that can apply to a pod of `namespace`: its namespace's and the root's. */
function requestAuthenticationsFor(a: MeshAnalysis, namespace: string): MeshObject[] {
  return [...new Set([ROOT_NAMESPACE, namespace])]
    .flatMap(ns => a.inNamespace('RequestAuthentication', SECURITY, ns))
    .filter(o => o.manifest.spec?.targetRefs === undefined && o.manifest.spec?.targetRef === undefined);
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
function gatewayPods(a: MeshAnalysis, gateway: MeshObject): GatewayPod[] {
  const selector: { [key: string]: string } = gateway.manifest.spec?.selector ?? {};
  const pods = a.workloadsSelectedAnywhere(selector).map(w => ({
    namespace: w.object.namespace,
    labels: w.podLabels,
    description: `${w.object.kind} "${w.object.namespace}/${w.object.name}"`,
  }));
  if (pods.length > 0) return pods;
  const namespace = gatewayWorkloadNamespaces.get(gateway.apiObject) ?? gateway.namespace;
  return [{ namespace, labels: selector, description: `labels ${JSON.stringify(selector)} in namespace "${namespace}"` }];
}

/** Whether a selector-based RequestAuthentication applies to the pod. */
function appliesTo(policy: MeshObject, pod: GatewayPod): boolean {
  return labelsSubset(policy.manifest.spec?.selector?.matchLabels ?? {}, pod.labels);
}

function namespaces(podNamespace: string): string {
  return podNamespace === ROOT_NAMESPACE ? `"${ROOT_NAMESPACE}"` : `"${podNamespace}" or "${ROOT_NAMESPACE}"`;
}
