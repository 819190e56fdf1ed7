/**
 * The helloworld canary on the Kubernetes Gateway API: one Service per version, an HTTPRoute parented to the
 * helloworld Service (GAMMA) with the testers' header pins, the 90/10 split, the mirror, timeout and retries (on
 * status codes), DestinationRules per version Service for circuit breaking, and the same rules on a Gateway of class
 * istio for ingress.
 */
import { App, Chart } from 'cdk8s';
// In this repository 'cdk8s-istio' resolves to ../../src (tsconfig-paths); in your app it is the npm package.
import { build as buildOnIstioApi } from '../canary/main';
import { IstioApi, RoutingApi } from 'cdk8s-istio';

/** Builds the canary example into `app`, every routing construct on the Gateway API unless it overrides it. */
export function build(app: App): Chart {
  IstioApi.useRoutingApi(app, RoutingApi.GATEWAY_API);
  return buildOnIstioApi(app);
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
