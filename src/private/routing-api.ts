import { IConstruct } from 'constructs';
import { RoutingApi } from '../api-version';

/** The context key `IstioApi.useRoutingApi` sets. */
export const ROUTING_API_CONTEXT_KEY = 'cdk8s-istio:routingApi';

/**
 * The routing API a construct emits: its own `routingApi` prop, else the app's or chart's choice
 * (`IstioApi.useRoutingApi`), else Istio's APIs. Every routing construct resolves it here.
 */
export function resolveRoutingApi(scope: IConstruct, override?: RoutingApi): RoutingApi {
  return override ?? scope.node.tryGetContext(ROUTING_API_CONTEXT_KEY) ?? RoutingApi.ISTIO;
}
