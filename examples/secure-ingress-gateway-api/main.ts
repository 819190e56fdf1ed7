/**
 * The secure-ingress example on the Kubernetes Gateway API: every IngressRoute follows IngressRoute's Gateway API
 * output (Gateway listeners, HTTPRoute, TLSRoute, TCPRoute).
 */
import { onGatewayApi, synthApp } from '../gateway-api-variant';
import { build as buildOnIstioApi } from '../secure-ingress/main';

/** Builds the secure-ingress example into an app, every routing construct on the Gateway API unless it overrides it. */
export const build = onGatewayApi(buildOnIstioApi);

if (require.main === module) synthApp(build);
