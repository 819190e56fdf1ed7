/**
 * The egress example on the Kubernetes Gateway API, as Istio's egress gateway task writes it: a Gateway of class
 * istio (ClusterIP) per external host and two routes (sidecars to the gateway, parented to the ServiceEntry; gateway to
 * the host). The TCP database keeps Istio's API (no documented Gateway API form).
 */
import { App, Chart } from 'cdk8s';
// In this repository 'cdk8s-istio' resolves to ../../src (tsconfig-paths); in your app it is the npm package.
import { build as buildOnIstioApi } from '../egress/main';
import { IstioApi, RoutingApi } from 'cdk8s-istio';

/** Builds the egress example into `app`, every routing construct on the Gateway API unless it overrides it. */
export function build(app: App): Chart {
  IstioApi.useRoutingApi(app, RoutingApi.GATEWAY_API);
  return buildOnIstioApi(app);
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
