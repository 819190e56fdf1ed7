/**
 * The Gateway API variants of the examples (examples/<name>-gateway-api/): the same app, built with every routing
 * construct on the Kubernetes Gateway API (`IstioApi.useRoutingApi`) unless the construct overrides it.
 */
import { App } from 'cdk8s';
// In this repository 'cdk8s-istio' resolves to ../src (tsconfig-paths); in your app it is the npm package.
import { IstioApi, RoutingApi } from 'cdk8s-istio';

/** `build` with the app's routing API set to the Gateway API first. */
export function onGatewayApi<T>(build: (app: App) => T): (app: App) => T {
  return app => {
    IstioApi.useRoutingApi(app, RoutingApi.GATEWAY_API);
    return build(app);
  };
}

/** Synthesizes `build`'s app, as `cdk8s synth` runs a main.ts. */
export function synthApp(build: (app: App) => unknown): void {
  const app = new App();
  build(app);
  app.synth();
}
