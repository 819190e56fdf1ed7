/**
 * Bookinfo on the Kubernetes Gateway API: reviews' 25/25/50 split as an HTTPRoute parented to the reviews Service
 * (GAMMA) over one Service per version. ratings keeps Istio's API (its caller rules and fault have no Gateway API
 * form); the ingress follows IngressRoute's Gateway API output.
 */
import { App, Chart } from 'cdk8s';
// In this repository 'cdk8s-istio' resolves to ../../src (tsconfig-paths); in your app it is the npm package.
import { build as buildOnIstioApi } from '../bookinfo/main';
import { IstioApi, RoutingApi } from 'cdk8s-istio';

/** Builds the bookinfo example into `app`, every routing construct on the Gateway API unless it overrides it. */
export function build(app: App): Chart {
  IstioApi.useRoutingApi(app, RoutingApi.GATEWAY_API);
  return buildOnIstioApi(app);
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
