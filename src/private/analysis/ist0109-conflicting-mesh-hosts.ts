import { Problem } from '../errors';
import { MeshAnalysis, VirtualServiceView, visibilitiesIntersect } from './model';

/**
 * IST0109 (istio/istio `pkg/config/analysis/analyzers/virtualservice/conflictingmeshgatewayhosts.go`): two
 * mesh-bound VirtualServices visible in a common namespace must not declare the same host. Looked up by host.
 */
export function conflictingMeshHostProblems(a: MeshAnalysis, vs: VirtualServiceView): Problem[] {
  if (!vs.meshBound || vs.fqdnHosts.length === 0) return [];
  const problems: Problem[] = [];
  const hosts = (vs.spec.hosts ?? []) as string[];
  vs.fqdnHosts.forEach((fqdn, i) => {
    for (const other of a.meshVirtualServicesWithHost(fqdn)) {
      if (other === vs || !visibilitiesIntersect(vs.visibility, other.visibility)) continue;
      problems.push({
        field: `hosts[${i}]`,
        value: hosts[i],
        problem: `is also declared by VirtualService ${other.object.namespace}/${other.object.name} (${other.object.path}); both apply to the mesh `
          + 'and are visible in the same namespaces',
        fix: 'merge their routes into one VirtualService for this host, or bind one of them to gateways only',
        symptom: 'sidecars use only one of them and silently ignore the other\'s routes (IST0109)',
        prop: 'VirtualServiceProps.hosts',
      });
    }
  });
  return problems;
}
