/**
 * Bookinfo on the Kubernetes Gateway API: reviews' 25/25/50 split as an HTTPRoute parented to the reviews Service
 * (GAMMA) over one Service per version. ratings keeps Istio's API (its caller rules and fault have no Gateway API
 * form); the ingress follows IngressRoute's Gateway API output.
 */
import { build as buildOnIstioApi } from '../bookinfo/main';
import { onGatewayApi, synthApp } from '../gateway-api-variant';

/** Builds the bookinfo example into an app, every routing construct on the Gateway API unless it overrides it. */
export const build = onGatewayApi(buildOnIstioApi);

if (require.main === module) synthApp(build);
