/**
 * Istio's helloworld service moving from v1 to v2: v2 takes 10% of the traffic and a shadow copy of some more,
 * testers choose their version with a header, and every request has a deadline, retries and circuit breaking, so a
 * bad v2 pod is ejected before users notice. Raise `canaryPercent` step by step to finish the move.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-27';
// In this repository 'cdk8s-istio' resolves to ../../src (tsconfig-paths); in your app it is the npm package.
import {
  CanaryRelease,
  CanaryRule,
  CanaryWorkload,
  CanaryWorkloadOptions,
  Gateway,
  GatewayApiGateway,
  GatewayApiHttpRoute,
  GatewayApiParent,
  GatewayApiProtocol,
  IstioApi,
  MeshNamespace,
  Protocol,
  RetryOn,
  RoutingApi,
  StringMatch,
} from 'cdk8s-istio';

const HOST = 'helloworld.example.com';
const IMAGES = 'docker.io/istio/examples-helloworld';

/** Builds the canary chart (namespace sample) into `app`. */
export function build(app: App): Chart {
  const chart = new Chart(app, 'canary');
  const ns = new MeshNamespace(chart, 'Sample', { name: 'sample' });
  const gatewayApi = IstioApi.routingApiOf(chart) === RoutingApi.GATEWAY_API;

  const workload: CanaryWorkloadOptions = {
    replicas: 2,
    container: {
      name: 'helloworld',
      imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT,
      // The image runs as root by default; a numeric user lets the kubelet enforce runAsNonRoot.
      securityContext: { user: 1000, group: 1000 },
      resources: {
        cpu: { request: plus.Cpu.millis(100), limit: plus.Cpu.millis(500) },
        memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
      },
      // Python needs a writable temporary directory; the root file system stays read-only.
      volumeMounts: [{ path: '/tmp', volume: plus.Volume.fromEmptyDir(ns, 'TmpVolume', 'tmp') }],
    },
  };

  const release = new CanaryRelease(ns, 'Helloworld', {
    port: 5000,
    versions: [
      { name: 'v1', workload: CanaryWorkload.fromImage(`${IMAGES}-v1:1.0`, workload) },
      { name: 'v2', workload: CanaryWorkload.fromImage(`${IMAGES}-v2:1.0`, workload) },
    ],
    canaryPercent: 10,
    // Testers pin their version, whatever the split; they are not live traffic, so they are not mirrored.
    rules: [
      CanaryRule.header('x-test-group', StringMatch.exact('canary'), 'v2'),
      CanaryRule.header('x-test-group', StringMatch.exact('stable'), 'v1'),
    ],
    // 20% of live requests are also sent to v2 (responses dropped): v2 sees production load before its share grows.
    mirror: { version: 'v2', percentage: 20 },
    // The first try and up to three retries, 2s each, fit in the 10s deadline. helloworld's GET is idempotent, so
    // retrying 502/503/504 is safe. An HTTPRoute retries on status codes only.
    timeout: Duration.seconds(10),
    retries: gatewayApi
      ? { attempts: 3, perTryTimeout: Duration.seconds(2), retryOnStatusCodes: [502, 503, 504] }
      : { attempts: 3, perTryTimeout: Duration.seconds(2), retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE, RetryOn.REFUSED_STREAM] },
    trafficPolicy: {
      // Queue at most 32 requests per client proxy; beyond that callers get 503 at once instead of waiting.
      connectionPool: {
        tcp: { maxConnections: 100, connectTimeout: Duration.seconds(1) },
        http: { http1MaxPendingRequests: 32, maxRetries: 10 },
      },
      // A pod that fails five times in a row leaves the pool for 30s (longer each time), at most half of the pods.
      outlierDetection: {
        consecutive5xxErrors: 5,
        interval: Duration.seconds(10),
        baseEjectionTime: Duration.seconds(30),
        maxEjectionPercent: 50,
      },
    },
  });

  // Ingress gets the same rules and split as the mesh, so testers can pin v2 from outside the cluster too.
  if (gatewayApi) {
    // A Gateway Istio deploys, and an HTTPRoute on it with the release's rules (to the version Services).
    const gateway = new GatewayApiGateway(ns, 'HelloworldGateway', {
      listeners: [{ name: 'http', port: 80, protocol: GatewayApiProtocol.HTTP, hostname: HOST }],
    });
    new GatewayApiHttpRoute(ns, 'HelloworldIngress', { parents: [GatewayApiParent.gateway(gateway)], hostnames: [HOST], rules: release.httpRouteRules });
  } else {
    const gateway = new Gateway(ns, 'HelloworldGateway', {
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 80, name: 'http', protocol: Protocol.HTTP }, hosts: [HOST] }],
    });
    release.bindToGateway(gateway.gatewayRef, [HOST]);
  }

  return chart;
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
