/**
 * The secure-ingress example on the Kubernetes Gateway API: every IngressRoute follows IngressRoute's Gateway API
 * output (Gateway listeners, HTTPRoute, TLSRoute, TCPRoute).
 */
import { App, Chart } from 'cdk8s';
// In this repository 'cdk8s-istio' resolves to ../../src (tsconfig-paths); in your app it is the npm package.
import { build as buildOnIstioApi } from '../secure-ingress/main';
import { IstioApi, RoutingApi } from 'cdk8s-istio';

/** Builds the secure-ingress example into `app`, every routing construct on the Gateway API unless it overrides it. */
export function build(app: App): Chart[] {
  IstioApi.useRoutingApi(app, RoutingApi.GATEWAY_API);
  return buildOnIstioApi(app);
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
