import { App, Chart, Testing } from 'cdk8s';
import { GatewayApiGateway, GatewayApiListener, GatewayApiProtocol, GatewayApiRoutesFrom } from '../../src/gateway-api-gateway';
import { StringMatch } from '../../src/string-match';

/** Synthesizes a chart (running every validation of its app) into plain manifests. */
export function synth(chart: Chart): any[] {
  return Testing.synth(chart);
}

/** All manifests of a kind, in output order. */
export function allOf(manifests: any[], kind: string): any[] {
  return manifests.filter(m => m.kind === kind);
}

/** The one manifest of a kind (and name, when given); fails the test when there is not exactly one. */
export function oneOf(manifests: any[], kind: string, name?: string): any {
  const found = allOf(manifests, kind).filter(m => name === undefined || m.metadata?.name === name);
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${kind}${name ? ` named ${name}` : ''}, found ${found.length}: `
      + JSON.stringify(allOf(manifests, kind).map(m => m.metadata?.name)));
  }
  return found[0];
}

/** The Bookinfo ingress paths, as bookinfo-gateway.yaml writes them. */
export const BOOKINFO_PATHS = [
  { uri: StringMatch.exact('/productpage') },
  { uri: StringMatch.prefix('/static') },
  { uri: StringMatch.exact('/login') },
  { uri: StringMatch.exact('/logout') },
  { uri: StringMatch.prefix('/api/v1/products') },
];

/**
 * A platform team's Gateway API Gateway `infra/public` (chart `infra`): an HTTPS listener for `*.example.com` that admits
 * routes of every namespace, then `extraListeners`.
 */
export function sharedGatewayApiGateway(app: App, extraListeners: GatewayApiListener[] = []): GatewayApiGateway {
  const infra = new Chart(app, 'infra', { namespace: 'infra' });
  return new GatewayApiGateway(infra, 'Public', {
    listeners: [{
      name: 'https',
      port: 443,
      protocol: GatewayApiProtocol.HTTPS,
      hostname: '*.example.com',
      tls: { certificateRefs: [{ name: 'wildcard-example-com' }] },
      allowedRoutesFrom: GatewayApiRoutesFrom.ALL,
    }, ...extraListeners],
  });
}
