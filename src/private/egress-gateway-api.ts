import type { EgressThroughGatewayProps } from '../egress-through-gateway';
import { Protocol } from '../protocol';
import { Problem } from './errors';

/** The alternative every refusal offers. */
const KEEP_ISTIO = 'or keep this egress on Istio\'s API (routingApi: RoutingApi.ISTIO)';

/** Istio names the Service of a Gateway of class `istio` `<gateway name>-istio`, a DNS-1035 label. */
const SERVICE_SUFFIX = '-istio';

/**
 * What EgressThroughGateway cannot say on the Gateway API, in the form Istio's egress gateway task documents for it
 * ("Gateway API" tabs of https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway/ and
 * .../egress-gateway-tls-origination/): a Gateway of class `istio` (ClusterIP Service) that Istio deploys in the
 * construct's namespace, an HTTPRoute (HTTP) or TLSRoute (TLS passthrough) parented to the ServiceEntry for the mesh
 * hop and one parented to the Gateway for the external hop (backend kind `Hostname`), and a DestinationRule for TLS
 * origination. The task shows neither TCP, Istio mutual TLS to the gateway, wildcard forwarding nor an existing
 * egress gateway deployment, so those are refused, with the alternative.
 *
 * @param gatewayName the name of the Gateway the construct would create
 */
export function egressGatewayApiProblems(props: EgressThroughGatewayProps, protocol: Protocol, direct: boolean, gatewayName: string): Problem[] {
  const problems: Problem[] = [];
  if (direct) {
    if (props.tlsOrigination !== undefined) {
      problems.push({
        field: 'tlsOrigination',
        value: 'direct: true',
        problem: 'in direct mode rewrites the port with a VirtualService, and Istio documents no Gateway API form of sidecar TLS origination',
        fix: `originate TLS at the egress gateway (remove direct), ${KEEP_ISTIO}`,
      });
    }
    return problems;
  }
  if (protocol === Protocol.TCP) {
    problems.push({
      field: 'protocol',
      value: protocol,
      problem: 'is TCP, and Istio\'s egress gateway task documents its Gateway API form for HTTP and TLS passthrough only',
      fix: `use direct: true for TCP, ${KEEP_ISTIO}`,
    });
  }
  if (props.gatewayMutualTls) {
    problems.push({
      field: 'gatewayMutualTls',
      value: true,
      problem: 'has no Gateway API form: the gateway Istio deploys for a Gateway of class istio listens in plain HTTP or TLS passthrough',
      fix: `remove gatewayMutualTls, ${KEEP_ISTIO}`,
    });
  }
  for (const key of ['forwardTo', 'egressGateway', 'gatewayRef', 'subsetName'] as const) {
    if (props[key] === undefined) continue;
    problems.push({
      field: key,
      value: props[key],
      problem: key === 'forwardTo'
        ? 'forwards a wildcard host by SNI, which Istio documents for its own API only (wildcard egress task)'
        : 'describes Istio\'s egress gateway deployment (istio-egressgateway), and on the Gateway API Istio deploys the egress gateway for a Gateway of its own',
      fix: `remove ${key}, ${KEEP_ISTIO}`,
    });
  }
  const serviceName = `${gatewayName}${SERVICE_SUFFIX}`;
  if (serviceName.length > 63) {
    problems.push({
      field: 'name',
      value: gatewayName,
      problem: `makes Istio name the gateway's Service "${serviceName}", longer than the 63 characters of a DNS label`,
      fix: `pass a name of at most ${63 - SERVICE_SUFFIX.length - '-egress'.length} characters`,
    });
  }
  return problems;
}

/** The Service Istio creates for a Gateway of class `istio`, which the mesh hop sends to. */
export function gatewayApiServiceName(gatewayName: string): string {
  return `${gatewayName}${SERVICE_SUFFIX}`;
}
