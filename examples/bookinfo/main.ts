/**
 * Istio's Bookinfo application (samples/bookinfo/platform/kube/bookinfo.yaml) in a mesh namespace, with the traffic
 * rules of Istio's traffic-management tasks: the ingress paths, reviews split 25/25/50, ratings chosen by the calling
 * reviews version, and a 7s delay for the test user jason.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-27';
// In this repository 'cdk8s-istio' resolves to ../../src (tsconfig-paths); in your app it is the npm package.
import {
  CanaryRelease,
  CanaryRule,
  CanaryWorkload,
  IngressRoute,
  MeshDeployment,
  MeshNamespace,
  MeshService,
  Protocol,
  RoutingApi,
  ServiceBackend,
  StringMatch,
} from 'cdk8s-istio';

const PORT = 9080;
const IMAGES = 'docker.io/istio/examples-bookinfo';
const TAG = '1.20.3';

/** One pod per version, as in the sample; cdk8s-plus's default requests (1 CPU each) would not fit a laptop cluster. */
const RESOURCES: plus.ContainerResources = {
  cpu: { request: plus.Cpu.millis(100), limit: plus.Cpu.millis(1000) },
  memory: { request: Size.mebibytes(128), limit: Size.mebibytes(1024) },
};

/** Builds the Bookinfo chart into `app`. */
export function build(app: App): Chart {
  const chart = new Chart(app, 'bookinfo');
  const ns = new MeshNamespace(chart, 'Bookinfo', { name: 'bookinfo' });

  const productpage = new MeshService(ns, 'Productpage', { ports: [{ port: PORT, protocol: Protocol.HTTP }] });
  bookinfoDeployment(ns, 'productpage', 'v1', {
    // productpage writes to /tmp; the root file system stays read-only.
    scratch: { tmp: '/tmp' },
    podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': `${PORT}`, 'prometheus.io/path': '/metrics' },
  });

  new MeshService(ns, 'Details', { ports: [{ port: PORT, protocol: Protocol.HTTP }] });
  bookinfoDeployment(ns, 'details', 'v1');

  // reviews: v1 shows no stars, v2 black stars, v3 red stars. A quarter each for v1 and v2, half for v3.
  const reviewsWeights: { [version: string]: number } = { v1: 25, v2: 25, v3: 50 };
  new CanaryRelease(ns, 'Reviews', {
    port: PORT,
    versions: Object.entries(reviewsWeights).map(([version, weight]) => ({
      name: version,
      weight,
      // WebSphere Liberty writes logs and its work area; both go to emptyDir volumes.
      workload: CanaryWorkload.fromDeployment(bookinfoDeployment(ns, 'reviews', version, {
        scratch: { 'tmp': '/tmp', 'wlp-output': '/opt/ibm/wlp/output' },
        env: { LOG_DIR: '/tmp/logs' },
      })),
    })),
  });

  // ratings: v2 serves reviews v3 only; v1 serves reviews v2 (reviews v1 never calls ratings). Caller rules and
  // fault injection have no Gateway API form, so ratings stays on Istio's API in the Gateway API variant too.
  new CanaryRelease(ns, 'Ratings', {
    routingApi: RoutingApi.ISTIO,
    port: PORT,
    versions: [
      { name: 'v1', weight: 100, workload: CanaryWorkload.fromDeployment(bookinfoDeployment(ns, 'ratings', 'v1')) },
      { name: 'v2', weight: 0, workload: CanaryWorkload.fromDeployment(bookinfoDeployment(ns, 'ratings', 'v2')) },
    ],
    rules: [
      // First, so that jason's requests get the delay whichever reviews version calls (Istio's fault-injection task).
      CanaryRule.http({
        name: 'jason-delay',
        match: [{ headers: { 'end-user': StringMatch.exact('jason') } }],
        fault: { delay: { fixedDelay: Duration.seconds(7) } },
      }),
      CanaryRule.sourceLabels({ app: 'reviews', version: 'v3' }, 'v2'),
      CanaryRule.sourceLabels({ app: 'reviews', version: 'v2' }, 'v1'),
    ],
  });

  // The paths of bookinfo-gateway.yaml, on the ingress gateway's port 8080 for every host.
  new IngressRoute(ns, 'BookinfoIngress', {
    metadata: { name: 'bookinfo' },
    gatewayMetadata: { name: 'bookinfo-gateway' },
    hosts: ['*'],
    port: 8080,
    httpRoutes: [{
      match: [
        { uri: StringMatch.exact('/productpage') },
        { uri: StringMatch.prefix('/static') },
        { uri: StringMatch.exact('/login') },
        { uri: StringMatch.exact('/logout') },
        { uri: StringMatch.prefix('/api/v1/products') },
      ],
      backend: ServiceBackend.fromMeshService(productpage),
    }],
  });

  return chart;
}

interface BookinfoDeploymentOptions {
  /** Paths the container writes to, by volume name; each is an emptyDir volume. */
  readonly scratch?: { [volume: string]: string };
  /** Environment variables. */
  readonly env?: { [name: string]: string };
  /** Pod annotations. */
  readonly podAnnotations?: { [key: string]: string };
}

/**
 * A Bookinfo workload as bookinfo.yaml declares it: Deployment `<service>-<version>`, one pod, running as the service
 * account `bookinfo-<service>` (so its mTLS identity names the service; one account per service, shared by versions).
 */
function bookinfoDeployment(ns: MeshNamespace, service: string, version: string, options: BookinfoDeploymentOptions = {}): MeshDeployment {
  const serviceAccount = serviceAccountOf(ns, service);
  const deployment = new MeshDeployment(ns, `${service}-${version}`, {
    app: service,
    version,
    replicas: 1,
    serviceAccount,
    podMetadata: { annotations: options.podAnnotations },
    containers: [{
      name: service,
      image: `${IMAGES}-${service}-${version}:${TAG}`,
      imagePullPolicy: plus.ImagePullPolicy.IF_NOT_PRESENT,
      ports: [{ number: PORT, name: 'http' }],
      resources: RESOURCES,
      envVariables: Object.fromEntries(Object.entries(options.env ?? {}).map(([k, v]) => [k, plus.EnvValue.fromValue(v)])),
    }],
  });
  for (const [name, path] of Object.entries(options.scratch ?? {})) {
    deployment.containers[0].mount(path, plus.Volume.fromEmptyDir(deployment, `${name}-volume`, name));
  }
  return deployment;
}

/** The service account of a Bookinfo service, created once per service. */
function serviceAccountOf(ns: MeshNamespace, service: string): plus.ServiceAccount {
  const id = `${service}-account`;
  const existing = ns.node.tryFindChild(id);
  if (existing) return existing as plus.ServiceAccount;
  // cdk8s-plus objects take the chart's namespace, not the MeshNamespace's, so it is given here.
  return new plus.ServiceAccount(ns, id, {
    metadata: { name: `bookinfo-${service}`, namespace: ns.namespaceName, labels: { account: service } },
  });
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
