import { Problem } from '../errors';
import { labelsSubset } from '../mesh-model';
import { gatewayServerIsHttp, PASSTHROUGH_TLS_MODES } from '../mesh-rules';
import { MeshAnalysis } from './model';

/**
 * An IngressRoute's JWT DENY policy on gateway pods that also serve connections the gateway does not handle as HTTP
 * (TCP, TLS passthrough): Istio ignores the HTTP conditions of a DENY rule on such connections, so the rule denies
 * every one of them (the same rule as AuthorizationPolicy's httpOnlyWorkloads). The Gateways on those pods are found
 * through the gateways-by-selector-label index: those whose selector contains, or is contained in, the route's.
 */
export function jwtNonHttpServerProblems(a: MeshAnalysis, selector: { [key: string]: string }): Problem[] {
  const problems: Problem[] = [];
  for (const gateway of a.gatewaysSharingLabels(selector)) {
    if (!labelsSubset(gateway.selector, selector) && !labelsSubset(selector, gateway.selector)) continue;
    const { namespace, name, path } = gateway.object;
    for (const server of gateway.servers) {
      const protocol = server.protocol.toUpperCase();
      if (gatewayServerIsHttp(protocol, server.tls?.mode)) continue;
      const passthrough = PASSTHROUGH_TLS_MODES.includes(server.tls?.mode);
      problems.push({
        field: 'jwt',
        value: `${namespace}/${name} port ${server.port} ${passthrough ? `${protocol} ${server.tls.mode}` : protocol}`,
        problem: `needs gateway pods that only serve HTTP, but Gateway "${namespace}/${name}" (${path}) also serves `
          + `non-HTTP connections on these pods (selector ${JSON.stringify(selector)})`,
        fix: 'serve the JWT-protected route from its own gateway deployment (an IngressGateway or route selector whose labels select '
          + 'other pods), away from TCP and TLS-passthrough routes',
        symptom: 'the JWT DENY policy cannot evaluate tokens on those connections, so Istio refuses all of them',
        prop: 'IngressRouteProps.jwt',
      });
    }
  }
  return problems;
}
