import { Problem } from '../errors';
import { delegateReferenceProblems, destinationReferenceProblems, gatewayReferenceProblems } from './ist0101-references';
import { conflictingMeshHostProblems } from './ist0109-conflicting-mesh-hosts';
import { gatewayHostProblems } from './ist0132-gateway-hosts';
import { MeshAnalysis, VirtualServiceView } from './model';

/** Every cross-resource rule of a VirtualService, in the order they are reported. */
export function virtualServiceProblems(a: MeshAnalysis, vs: VirtualServiceView): Problem[] {
  const problems: Problem[] = [];
  problems.push(...delegateReferenceProblems(a, vs));
  problems.push(...gatewayReferenceProblems(a, vs, (field, ref, gateway) => gatewayHostProblems(vs, field, ref, gateway)));
  problems.push(...destinationReferenceProblems(a, vs));
  problems.push(...conflictingMeshHostProblems(a, vs));
  return problems;
}
