/**
 * The egress example on the Kubernetes Gateway API, as Istio's egress gateway task writes it: a Gateway of class
 * istio (ClusterIP) per external host and two routes (sidecars to the gateway, parented to the ServiceEntry; gateway to
 * the host). The TCP database keeps Istio's API (no documented Gateway API form).
 */
import { build as buildOnIstioApi } from '../egress/main';
import { onGatewayApi, synthApp } from '../gateway-api-variant';

/** Builds the egress example into an app, every routing construct on the Gateway API unless it overrides it. */
export const build = onGatewayApi(buildOnIstioApi);

if (require.main === module) synthApp(build);
