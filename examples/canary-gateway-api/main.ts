/**
 * The helloworld canary on the Kubernetes Gateway API: one Service per version, an HTTPRoute parented to the
 * helloworld Service (GAMMA) with the testers' header pins, the 90/10 split, the mirror, timeout and retries (on
 * status codes), DestinationRules per version Service for circuit breaking, and the same rules on a Gateway of class
 * istio for ingress.
 */
import { build as buildOnIstioApi } from '../canary/main';
import { onGatewayApi, synthApp } from '../gateway-api-variant';

/** Builds the canary example into an app, every routing construct on the Gateway API unless it overrides it. */
export const build = onGatewayApi(buildOnIstioApi);

if (require.main === module) synthApp(build);
