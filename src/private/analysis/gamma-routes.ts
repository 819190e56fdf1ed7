import { MeshAnalysis } from './model';
import { Problem } from '../errors';

const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
const USE_WAYPOINT_LABEL = 'istio.io/use-waypoint';

/**
 * A GAMMA route (a route whose parent is a Service) is applied by the client's sidecar, or in ambient mode by the
 * Service's waypoint: ztunnel only handles L4. A route for a Service of an ambient namespace (`istio.io/dataplane-mode:
 * ambient` on the app's Namespace object) that neither the namespace nor the Service sends through a waypoint
 * (`istio.io/use-waypoint`) is applied by no proxy of that namespace's clients.
 *
 * @see https://istio.io/latest/docs/ambient/usage/l7-features/ (L7 routing needs a waypoint)
 * @param serviceLabels the labels of the parent Service
 */
export function gammaWithoutProxyProblems(
  a: MeshAnalysis, namespace: string, serviceName: string, serviceLabels: { [key: string]: string }): Problem[] {
  const ns = a.withName('Namespace', '', namespace)[0];
  const labels: { [key: string]: string } = ns?.manifest.metadata?.labels ?? {};
  if (labels[DATAPLANE_MODE_LABEL] !== 'ambient') return [];
  if (labels[USE_WAYPOINT_LABEL] !== undefined || serviceLabels[USE_WAYPOINT_LABEL] !== undefined) return [];
  return [{
    field: 'routingApi',
    value: 'GATEWAY_API',
    problem: `routes with a route parented to Service "${serviceName}" in namespace "${namespace}", which is ambient without a waypoint: `
      + 'ztunnel handles L4 only, and no waypoint applies the route',
    fix: `deploy a waypoint for the namespace (MeshEnrollment.ambient({ waypoint: true })) or label the Service ${USE_WAYPOINT_LABEL}`,
    symptom: 'the rules and the split are ignored: requests are balanced over every pod of the Service',
    prop: 'CanaryReleaseProps.routingApi',
  }];
}

/**
 * A GAMMA route and a mesh-bound VirtualService for the same Service: istiod turns the route into a mesh
 * VirtualService of its own (pilot/pkg/config/kube/gateway), and a sidecar applies one VirtualService per host, so one
 * of the two is ignored; Istio calls mixing them for the same workload unsupported, with undefined behaviour.
 *
 * @see https://istio.io/latest/docs/ambient/migrate/migrate-policies/
 */
export function gammaVirtualServiceClashProblems(a: MeshAnalysis, fqdn: string): Problem[] {
  return a.meshVirtualServicesWithHost(fqdn).map(vs => ({
    field: 'routingApi',
    prop: 'CanaryReleaseProps.routingApi',
    value: 'GATEWAY_API',
    problem: `routes ${fqdn} with an HTTPRoute, and VirtualService ${vs.object.namespace}/${vs.object.name} (${vs.object.path}) routes it for the mesh too`,
    fix: 'route the Service with one API: remove the VirtualService, or keep this release on Istio\'s API (routingApi: RoutingApi.ISTIO)',
    symptom: 'sidecars apply only one of the two, so either the release\'s rules or the VirtualService\'s are ignored',
  }));
}
