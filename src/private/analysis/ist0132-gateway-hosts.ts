import { Problem } from '../errors';
import { hostsOverlap } from '../mesh-model';
import { GatewayView, VirtualServiceView } from './model';

/**
 * IST0132 (istio/istio `pkg/config/analysis/analyzers/virtualservice/gateways.go`): a VirtualService bound to
 * Gateways of the app must have hosts those Gateways serve to its namespace. istioctl reports the VirtualService
 * for a gateway none of its hosts is served by (`vsHostInGateway`); a host that no gateway serves beside hosts that
 * one does is dead configuration, not an error.
 */
export function gatewayHostProblems(vs: VirtualServiceView, field: string, ref: string, gateway: GatewayView): Problem[] {
  const { visible, elsewhere } = gatewayHosts(gateway, vs.object.namespace);
  const ours = vs.fqdnHosts;
  if (ours.some(h => visible.some(g => hostsOverlap(g, h)))) return [];
  const hidden = elsewhere.filter(e => ours.some(h => hostsOverlap(e.slice(e.indexOf('/') + 1), h)));
  const hosts = (vs.spec.hosts ?? []) as string[];
  return [{
    field,
    value: ref,
    problem: `binds hosts ${JSON.stringify(hosts)}, none of which Gateway ${gateway.object.namespace}/${gateway.object.name} serves to namespace `
      + `"${vs.object.namespace}" (its servers accept ${JSON.stringify(visible)}`
      + (hidden.length > 0 ? `; ${JSON.stringify(hidden)} only for other namespaces)` : ')'),
    fix: 'add one of these hosts to the Gateway\'s servers (or "<this namespace>/<host>"), or change the VirtualService hosts',
    symptom: 'requests to these hosts get 404 NR route_not_found at the gateway (IST0132)',
    prop: 'VirtualServiceProps.gateways',
  }];
}

/** The hosts of a Gateway's servers that namespace `namespace` may bind, and those only for other namespaces. */
function gatewayHosts(gateway: GatewayView, namespace: string): { visible: string[]; elsewhere: string[] } {
  const visible: string[] = [];
  const elsewhere: string[] = [];
  for (const server of gateway.servers) {
    for (const h of server.hosts) {
      if (h.namespace === '*' || h.namespace === namespace) visible.push(h.host);
      else elsewhere.push(`${h.namespace}/${h.host}`);
    }
  }
  return { visible, elsewhere };
}
