import { Problem } from '../errors';
import { GATEWAY_NAME_LABEL } from '../gateway-api';
import { labelsSubset } from '../mesh-model';
import { gatewayServerIsHttp, PASSTHROUGH_TLS_MODES } from '../mesh-rules';
import { gatewayApiViews } from './gateway-api-model';
import { MeshAnalysis } from './model';

const ISTIO_FIX = 'serve the JWT-protected route from its own gateway deployment (an IngressGateway or route selector whose labels select '
  + 'other pods), away from TCP and TLS-passthrough routes';
const GATEWAY_API_FIX = 'serve the JWT-protected route from a Gateway of its own (an IngressRoute without gateway creates one, with its own '
  + 'pods), away from TCP and TLS routes';

/**
 * An IngressRoute's JWT DENY policy on gateway pods that also serve connections the gateway does not handle as HTTP
 * (TCP, TLS passthrough): Istio ignores the HTTP conditions of a DENY rule on such connections, so the rule denies
 * every one of them (the same rule as AuthorizationPolicy's httpOnlyWorkloads). The Gateways on those pods are found
 * through the gateways-by-selector-label index: those whose selector contains, or is contained in, the route's.
 */
export function jwtNonHttpServerProblems(a: MeshAnalysis, selector: { [key: string]: string }, fix: string = ISTIO_FIX): Problem[] {
  const problems: Problem[] = [];
  for (const gateway of a.gatewaysSharingLabels(selector)) {
    if (!labelsSubset(gateway.selector, selector) && !labelsSubset(selector, gateway.selector)) continue;
    const { namespace, name, path } = gateway.object;
    for (const server of gateway.servers) {
      const protocol = server.protocol.toUpperCase();
      if (gatewayServerIsHttp(protocol, server.tls?.mode)) continue;
      const passthrough = PASSTHROUGH_TLS_MODES.includes(server.tls?.mode);
      problems.push(nonHttpProblem(
        `${namespace}/${name} port ${server.port} ${passthrough ? `${protocol} ${server.tls.mode}` : protocol}`,
        `Gateway "${namespace}/${name}" (${path}) also serves non-HTTP connections on these pods (selector ${JSON.stringify(selector)})`,
        fix,
      ));
    }
  }
  return problems;
}

/**
 * The same check for a policy attached (targetRefs) to the Gateway API Gateway `namespace/name`: Istio deploys one
 * workload per such Gateway, so its own listeners that are not HTTP or HTTPS (TCP, TLS: their routes are TCPRoutes and
 * TLSRoutes) are the non-HTTP connections of the pods, as are the servers of Istio Gateways whose selector picks those
 * pods (labelled `gateway.networking.k8s.io/gateway-name: <name>`). A Gateway outside the app is not known: not checked.
 */
export function jwtNonHttpListenerProblems(a: MeshAnalysis, namespace: string, name: string): Problem[] {
  const views = gatewayApiViews(a);
  const gateway = views.gateway(namespace, name);
  const problems: Problem[] = [];
  for (const listener of gateway ? views.listeners(gateway) : []) {
    if (listener.protocol === 'HTTP' || listener.protocol === 'HTTPS') continue;
    problems.push(nonHttpProblem(
      `${namespace}/${name} listener ${listener.name} port ${listener.port} ${listener.protocol}`,
      `Gateway "${namespace}/${name}" (${gateway!.path}) also has a ${listener.protocol} listener, served by the same pods`,
      GATEWAY_API_FIX,
    ));
  }
  return [...problems, ...jwtNonHttpServerProblems(a, { [GATEWAY_NAME_LABEL]: name }, GATEWAY_API_FIX)];
}

function nonHttpProblem(value: string, what: string, fix: string): Problem {
  return {
    field: 'jwt',
    value,
    problem: `needs gateway pods that only serve HTTP, but ${what}`,
    fix,
    symptom: 'the JWT DENY policy cannot evaluate tokens on those connections, so Istio refuses all of them',
    prop: 'IngressRouteProps.jwt',
  };
}
