import { Problem } from '../errors';
import { GATEWAY_API_GROUP } from '../gateway-api';
import { hostsOverlap } from '../mesh-model';
import { gatewayApiViews } from './gateway-api-model';
import { MeshAnalysis, VirtualServiceView } from './model';

/**
 * IST0140: a gateway-bound VirtualService that routes to the release's Service (`fqdn`) without a subset sends
 * ingress traffic straight to the Service, so the release's rules and weights never apply to it. Looked up by
 * destination host.
 */
export function canaryBypassProblems(a: MeshAnalysis, release: VirtualServiceView, fqdn: string): Problem[] {
  const problems: Problem[] = [];
  for (const d of a.httpDestinationsTo(fqdn)) {
    const other = d.virtualService;
    if (other === release || other.gatewayKeys.length === 0 || d.subset !== undefined) continue;
    problems.push({
      field: `VirtualService ${other.object.namespace}/${other.object.name} (${other.object.path}) ${d.field}`,
      value: d.host,
      problem: 'sends gateway traffic to the release\'s Service directly, bypassing the release\'s rules and weights',
      fix: 'route the IngressRoute path with release: <the CanaryRelease> (it keeps the release\'s rules, split, timeout and retries), '
        + 'or expose the release with release.bindToGateway(gatewayRef, hosts)',
      symptom: 'ingress requests reach every version in proportion to its pods, whatever the weights (IST0140)',
      prop: 'IngressHttpRoute.release',
    });
  }
  return problems;
}

/**
 * IST0140 for Gateway API routes: a route attached to a Gateway whose backend is the release's Service sends that
 * gateway's traffic to every pod of the Service. A gateway applies only the routes parented to it: not the release's
 * VirtualService (bound to `mesh`), nor its GAMMA route, whose Service parent istiod turns into the `mesh` parent
 * (istio/istio `pilot/pkg/config/kube/gateway`, `RouteParents.fetch`). Looked up by backend Service.
 */
export function canaryGatewayApiBypassProblems(a: MeshAnalysis, namespace: string, name: string): Problem[] {
  const problems: Problem[] = [];
  for (const { route, backend } of gatewayApiViews(a).routesToService(namespace, name)) {
    if (!route.parents.some(p => p.group === GATEWAY_API_GROUP && p.kind === 'Gateway')) continue;
    problems.push({
      field: `${route.object.kind} ${route.object.namespace}/${route.object.name} (${route.object.path}) ${backend.field}`,
      value: `${namespace}/${name}`,
      problem: 'sends gateway traffic to the release\'s Service directly, bypassing the release\'s rules and weights',
      fix: 'put the release on the Gateway API (routingApi: RoutingApi.GATEWAY_API) and route the IngressRoute path with '
        + 'release: <the CanaryRelease> (it writes the release\'s rules and split into the gateway\'s HTTPRoute), or use '
        + 'release.httpRouteRules in that route',
      symptom: 'gateway requests reach every version in proportion to its pods, whatever the weights (IST0140)',
      prop: 'IngressHttpRoute.release',
    });
  }
  return problems;
}

/**
 * A gateway merges the routes of every VirtualService bound to it for the same host into one list, ordered by the
 * objects' creation times. The release's routes end in a catch-all split, so once bound with `bindToGateway()` to a
 * host that another VirtualService (e.g. an IngressRoute's) routes at the same gateway, one of the two never applies.
 * Looked up by gateway.
 */
export function canaryGatewayClashProblems(a: MeshAnalysis, release: VirtualServiceView): Problem[] {
  if (release.gatewayKeys.length === 0) return [];
  const problems: Problem[] = [];
  const seen = new Set<VirtualServiceView>();
  for (const key of release.gatewayKeys) {
    for (const other of a.virtualServicesOnGateway(key)) {
      if (other === release || seen.has(other)) continue;
      seen.add(other);
      const shared = other.gatewayKeys.filter(g => release.gatewayKeys.includes(g));
      const common = other.fqdnHosts.filter(h => release.fqdnHosts.some(mine => hostsOverlap(mine, h)));
      if (common.length === 0) continue;
      problems.push({
        field: `bindToGateway(${shared[0]}) hosts`,
        value: common,
        problem: `are also routed at that gateway by VirtualService ${other.object.namespace}/${other.object.name} (${other.object.path}); the gateway merges `
          + 'both VirtualServices\' routes for a host in the order the objects were created, and the release\'s routes end in a catch-all split',
        fix: 'bind the release with a host of its own, or drop bindToGateway and route from that VirtualService with the release\'s own '
          + 'routes (an IngressRoute path with release: <the CanaryRelease>, or release.gatewayHttpRoutes())',
        symptom: 'depending on which object is older, that VirtualService\'s routes or the release\'s rules never apply to requests for the host',
        prop: 'IngressHttpRoute.release',
      });
    }
  }
  return problems;
}
