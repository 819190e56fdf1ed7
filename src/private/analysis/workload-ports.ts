import { Problem } from '../errors';
import { MeshObject } from '../mesh-model';
import { MeshAnalysis, WorkloadView } from './model';

/**
 * Port-level mTLS (PeerAuthentication `portLevelMtls`) and AuthorizationPolicy `to.operation.ports` match the port
 * the request arrives on at the workload — the container port (istio.io PeerAuthentication reference: "the port value
 * in the portLevelMtls field refers to the port of the workload, not the port of the Kubernetes service";
 * AuthorizationPolicy `Operation.ports` match the `destination.port` attribute, the port the workload receives on).
 * A port that none of the selected workloads declares but that is the `port` of a Service selecting them, with another
 * `targetPort`, was written with the Service port.
 *
 * `ports` are the policy's `{ field, port }`; `selector` is its workload selector (undefined: every workload of the
 * namespace).
 */
export function servicePortAsWorkloadPortProblems(a: MeshAnalysis, policy: MeshObject, selector: { [key: string]: string } | undefined,
  ports: Array<{ field: string; port: number }>, what: string): Problem[] {
  if (ports.length === 0) return [];
  const workloads = selector === undefined || Object.keys(selector).length === 0
    ? a.workloadsIn(policy.namespace) : a.workloadsSelectedBy(policy.namespace, selector);
  if (workloads.length === 0) return [];
  const declared = new Set(workloads.flatMap(w => w.ports.map(p => p.number)));
  const problems: Problem[] = [];
  for (const { field, port } of ports) {
    if (declared.has(port)) continue;
    const found = servicePortTarget(a, policy.namespace, workloads, port);
    if (found === undefined) continue;
    problems.push({
      field,
      value: port,
      problem: `is the port of Service ${found.service.namespace}/${found.service.name} (${found.service.path}), whose pods receive it on `
        + `targetPort ${found.target}; ${what} matches the port the workload receives the request on, not the Service port`,
      fix: `use the container port ${found.target}`,
      symptom: `the setting never applies: requests arrive at the pods on port ${found.target}`,
      prop: policy.kind === 'PeerAuthentication' ? 'PeerAuthenticationProps.portLevelMtls' : 'AuthorizationPolicyProps.rules',
    });
  }
  return problems;
}

/** The Service of the namespace that selects some of `workloads` and has `port` as a Service port with another target. */
function servicePortTarget(a: MeshAnalysis, namespace: string, workloads: readonly WorkloadView[], port: number):
{ service: MeshObject; target: number } | undefined {
  const mine = new Set(workloads);
  for (const service of a.inNamespace('Service', '', namespace)) {
    const spec = service.manifest.spec ?? {};
    const selected = a.workloadsSelectedBy(namespace, spec.selector ?? {}).filter(w => mine.has(w));
    if (selected.length === 0) continue;
    for (const p of (spec.ports ?? []) as any[]) {
      if (Number(p.port) !== port || p.targetPort === undefined) continue;
      const target = typeof p.targetPort === 'number' ? p.targetPort
        : selected.flatMap(w => w.ports).find(c => c.name === p.targetPort)?.number;
      if (target !== undefined && target !== port) return { service, target };
    }
  }
  return undefined;
}
