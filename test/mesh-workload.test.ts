import { ApiObject, Chart, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { allOf, oneOf, synth } from './util';
import { MeshService } from '../src/mesh-service';
import { MeshDeployment, MeshStatefulSet, MeshWorkload, SidecarInjection } from '../src/mesh-workload';
import { Protocol } from '../src/protocol';

const REVIEWS = 'docker.io/istio/examples-bookinfo-reviews';

function bookinfo(): Chart {
  return new Chart(Testing.app(), 'bookinfo', { namespace: 'bookinfo' });
}

function reviews(scope: Construct, version: string, props: Partial<plus.DeploymentProps> = {}): MeshDeployment {
  return new MeshDeployment(scope, `Reviews${version.toUpperCase()}`, {
    app: 'reviews',
    version,
    containers: [{ image: `${REVIEWS}-${version}:1.20.3`, ports: [{ number: 9080, name: 'http' }] }],
    ...props,
  });
}

/** A construct of some other part of the library that takes a workload and checks it at synth. */
class WorkloadConsumer extends Construct {
  constructor(scope: Construct, id: string, workload: MeshWorkload) {
    super(scope, id);
    this.node.addValidation({ validate: () => workload.problems() });
  }
}

describe('MeshDeployment manifests', () => {
  test('reviews v1 and v2 behind one MeshService: pod labels app and version, named ports, hash-free names', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    reviews(chart, 'v1');
    reviews(chart, 'v2', { replicas: 1 });
    new MeshService(chart, 'Reviews', { ports: [{ port: 9080, protocol: Protocol.HTTP }] });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    const deployments = allOf(manifests, 'Deployment');
    expect(deployments.map(d => [d.metadata.name, d.metadata.namespace, d.metadata.labels])).toEqual([
      ['reviews-v1', 'bookinfo', { app: 'reviews', version: 'v1' }],
      ['reviews-v2', 'bookinfo', { app: 'reviews', version: 'v2' }],
    ]);
    for (const [i, d] of deployments.entries()) {
      expect(d.spec.template.metadata.labels).toMatchObject({ app: 'reviews', version: `v${i + 1}` });
      expect(d.spec.template.metadata.labels['sidecar.istio.io/inject']).toBeUndefined();
      expect(d.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 9080, name: 'http' }]);
    }
    expect(oneOf(manifests, 'Service', 'reviews').spec.selector).toEqual({ app: 'reviews' });
  });

  test('sidecarInjection is the pod label sidecar.istio.io/inject: "true", "false" or none', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    new MeshDeployment(chart, 'Sleep', {
      app: 'sleep',
      version: 'v1',
      sidecarInjection: SidecarInjection.ENABLED,
      containers: [{ image: 'curlimages/curl:8.8.0', command: ['sleep', 'infinity'] }],
    });
    const busybox = new MeshDeployment(chart, 'Busybox', {
      app: 'busybox',
      version: 'v1',
      sidecarInjection: SidecarInjection.DISABLED,
      containers: [{ image: 'busybox:1.36', command: ['sleep', 'infinity'] }],
    });

    // THEN
    const manifests = synth(chart);
    expect(oneOf(manifests, 'Deployment', 'sleep').spec.template.metadata.labels['sidecar.istio.io/inject']).toEqual('true');
    expect(oneOf(manifests, 'Deployment', 'busybox').spec.template.metadata.labels['sidecar.istio.io/inject']).toEqual('false');
    expect(busybox.sidecarInjection).toEqual(SidecarInjection.DISABLED);
    expect([busybox.app, busybox.version]).toEqual(['busybox', 'v1']);
  });

  test('MeshStatefulSet: pod labels, and the headless Service cdk8s-plus makes copies the protocol-named ports', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    new MeshStatefulSet(chart, 'Mongodb', {
      app: 'mongodb',
      version: 'v1',
      containers: [{ image: 'docker.io/istio/examples-bookinfo-mongodb:1.20.3', ports: [{ number: 27017, name: 'mongo' }] }],
    });

    // THEN
    const manifests = synth(chart);
    const statefulSet = oneOf(manifests, 'StatefulSet', 'mongodb');
    expect(statefulSet.spec.template.metadata.labels).toMatchObject({ app: 'mongodb', version: 'v1' });
    expect(oneOf(manifests, 'Service').spec.ports).toEqual([{ name: 'mongo', port: 27017, targetPort: 27017 }]);
  });
});

describe('MeshWorkload (workloads handed to the library)', () => {
  test('resolve() reads a cdk8s-plus Deployment as it will be synthesized', () => {
    // GIVEN
    const chart = bookinfo();
    const deployment = new plus.Deployment(chart, 'Ratings', {
      podMetadata: { labels: { 'app': 'ratings', 'version': 'v1', 'sidecar.istio.io/inject': 'false' } },
      containers: [{ image: 'ratings:1', ports: [{ number: 9080, name: 'http' }] }],
    });

    // WHEN
    deployment.containers[0].addPort({ number: 9090, name: 'grpc-admin' });
    const resolved = MeshWorkload.fromWorkload(deployment).resolve();

    // THEN
    expect(resolved).toMatchObject({
      kind: 'Deployment',
      namespace: 'bookinfo',
      app: 'ratings',
      version: 'v1',
      sidecarInjection: SidecarInjection.DISABLED,
      ports: [
        { containerName: 'main', number: 9080, name: 'http', protocol: Protocol.HTTP },
        { containerName: 'main', number: 9090, name: 'grpc-admin', protocol: Protocol.GRPC },
      ],
    });
    expect(resolved.name).toEqual(deployment.name);
    expect(MeshWorkload.fromWorkload(deployment).problems()).toEqual([]);
  });

  test('a cdk8s-plus Deployment without app/version labels and with an unnamed port fails a consumer\'s synth', () => {
    // GIVEN
    const chart = bookinfo();
    const deployment = new plus.Deployment(chart, 'Details', { containers: [{ image: 'details:1', portNumber: 9080 }] });

    // WHEN
    new WorkloadConsumer(chart, 'Consumer', MeshWorkload.fromWorkload(deployment));

    // THEN
    let message = '';
    try {
      synth(chart);
    } catch (e) {
      message = (e as Error).message;
    }
    const where = `Deployment bookinfo/${deployment.name} spec.template.`;
    expect(message).toContain(`[bookinfo/Consumer] ${where}metadata.labels.app: is missing. Fix: label the pod template app: <value>`);
    expect(message).toContain(`[bookinfo/Consumer] ${where}metadata.labels.version: is missing. Fix: label the pod template version: <value>`);
    expect(message).toContain(`[bookinfo/Consumer] ${where}spec.containers[0].ports[0].name: is unnamed`);
  });

  test('a plain ApiObject pod template is checked: UID 1337 and reserved ports', () => {
    // GIVEN
    const chart = bookinfo();
    const legacy = new ApiObject(chart, 'Legacy', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'legacy' },
      spec: {
        selector: { matchLabels: { app: 'legacy' } },
        template: {
          metadata: { labels: { app: 'legacy', version: 'v1' } },
          spec: {
            securityContext: { runAsUser: 1337 },
            containers: [{ name: 'app', image: 'legacy:1', ports: [{ containerPort: 15020, name: 'http-metrics' }] }],
          },
        },
      },
    });

    // WHEN
    const problems = MeshWorkload.fromApiObject(legacy).problems();

    // THEN
    expect(problems).toEqual([
      expect.stringMatching(/^Deployment bookinfo\/legacy spec\.template\.spec\.securityContext\.runAsUser: is the UID reserved for the Istio sidecar \(IST0144\) \(got 1337\)\. Fix: run the application as another UID/),
      expect.stringMatching(/^Deployment bookinfo\/legacy spec\.template\.spec\.containers\[0\]\.ports\[0\]\.containerPort: is reserved by the Istio sidecar .*\(got 15020\)/),
    ]);
  });

  test('an injection label value the injector ignores is reported', () => {
    const chart = bookinfo();
    const deployment = new plus.Deployment(chart, 'Ratings', {
      podMetadata: { labels: { 'app': 'ratings', 'version': 'v1', 'sidecar.istio.io/inject': 'yes' } },
      containers: [{ image: 'ratings:1' }],
    });
    expect(MeshWorkload.fromWorkload(deployment).problems()).toEqual([
      expect.stringMatching(/metadata\.labels\["sidecar\.istio\.io\/inject"\]: must be "true" or "false"; the injector ignores any other value \(got "yes"\)\. Fix: set it to "true" or "false"/),
    ]);
  });

  test('the deprecated injection annotation is reported', () => {
    const chart = bookinfo();
    const deployment = new plus.Deployment(chart, 'Ratings', {
      podMetadata: { labels: { app: 'ratings', version: 'v1' }, annotations: { 'sidecar.istio.io/inject': 'false' } },
      containers: [{ image: 'ratings:1' }],
    });
    expect(MeshWorkload.fromWorkload(deployment).resolve().sidecarInjection).toEqual(SidecarInjection.DISABLED);
    expect(MeshWorkload.fromWorkload(deployment).problems()).toEqual([
      expect.stringMatching(/metadata\.annotations\["sidecar\.istio\.io\/inject"\]: is deprecated as an annotation \(IST0135\).*Fix: remove the annotation and set the pod label sidecar\.istio\.io\/inject instead/),
    ]);
  });

  test('a hostNetwork pod labelled for injection is reported', () => {
    const chart = bookinfo();
    const deployment = new plus.Deployment(chart, 'Agent', {
      hostNetwork: true,
      podMetadata: { labels: { 'app': 'agent', 'version': 'v1', 'sidecar.istio.io/inject': 'true' } },
      containers: [{ image: 'agent:1' }],
    });
    expect(MeshWorkload.fromWorkload(deployment).problems()).toEqual([
      expect.stringMatching(/spec\.template\.spec\.hostNetwork: is set on a pod labelled sidecar\.istio\.io\/inject: "true", and Istio never injects hostNetwork pods.*Fix: drop hostNetwork/),
    ]);
  });

  test('an ApiObject without a pod template is refused', () => {
    const chart = bookinfo();
    const config = new ApiObject(chart, 'Config', { apiVersion: 'v1', kind: 'ConfigMap' });
    expect(() => MeshWorkload.fromApiObject(config)).toThrow(/\[bookinfo\/Config\] kind: has no pod template \(got "ConfigMap"\)\. Fix: pass a Deployment, StatefulSet/);
  });
});

describe('MeshDeployment errors', () => {
  const image = `${REVIEWS}-v1:1.20.3`;
  const base = { app: 'reviews', version: 'v1' };

  test('a container port the sidecar reserves is refused', () => {
    expect(() => new MeshDeployment(bookinfo(), 'Reviews', { ...base, containers: [{ image, ports: [{ number: 15090, name: 'http-metrics' }] }] }))
      .toThrow(/\[bookinfo\/Reviews\] containers\[0\]\.ports\[0\]\.containerPort: is reserved by the Istio sidecar \(Envoy Prometheus telemetry\) \(got 15090\)\. Fix: use another port/);
  });

  test('a pod running as UID 1337 is refused', () => {
    expect(() => new MeshDeployment(bookinfo(), 'Reviews', { ...base, securityContext: { user: 1337 }, containers: [{ image }] }))
      .toThrow(/\[bookinfo\/Reviews\] securityContext\.user: is the UID reserved for the Istio sidecar \(IST0144\) \(got 1337\)\. Fix: run the application as another UID\. In the cluster: traffic from processes running as 1337 bypasses the sidecar/);
  });

  test('a container running as UID 1337 is refused', () => {
    const deployment = new MeshDeployment(bookinfo(), 'Reviews', { ...base, containers: [{ image }] });
    expect(() => deployment.addContainer({ name: 'helper', image: 'helper:1', securityContext: { user: 1337 } }))
      .toThrow(/\[bookinfo\/Reviews\] containers\[1\]\.securityContext\.user: is the UID reserved for the Istio sidecar \(IST0144\) \(got 1337\)/);
  });

  test('an unnamed container port (portNumber) is refused', () => {
    expect(() => new MeshDeployment(bookinfo(), 'Reviews', { ...base, containers: [{ image, portNumber: 9080 }] }))
      .toThrow(/containers\[0\]\.ports\[0\]\.name: is unnamed.*\(got 9080\)\. Fix: pass ports: \[\{ number: 9080, name: "<protocol>\[-<suffix>\]" \}\] instead of portNumber/);
  });

  test('a container port named without a protocol is refused', () => {
    expect(() => new MeshDeployment(bookinfo(), 'Reviews', { ...base, containers: [{ image, ports: [{ number: 9080, name: 'web' }] }] }))
      .toThrow(/containers\[0\]\.ports\[0\]\.name: does not name a protocol Istio recognises \(got "web"\)\. Fix: name the port "<protocol>\[-<suffix>\]".*e\.g\. "http-web"\./);
  });

  test('a container port name longer than 15 characters is refused', () => {
    expect(() => new MeshDeployment(bookinfo(), 'Reviews', { ...base, containers: [{ image, ports: [{ number: 9080, name: 'http-reviews-api' }] }] }))
      .toThrow(/containers\[0\]\.ports\[0\]\.name: must be at most 15 lower-case letters.*\(got "http-reviews-api"\)\. Fix: shorten or rename it/);
  });

  test('a container port name repeated in another container is refused', () => {
    expect(() => new MeshDeployment(bookinfo(), 'Reviews', {
      ...base,
      containers: [
        { image, ports: [{ number: 9080, name: 'http' }] },
        { name: 'admin', image: 'admin:1', ports: [{ number: 9081, name: 'http' }] },
      ],
    })).toThrow(/containers\[1\]\.ports\[0\]\.name: is also the name of containers\[0\]\.ports\[0\] \(got "http"\)\. Fix: give every container port of the pod its own name/);
  });

  test('the injection label in podMetadata props is refused in favour of sidecarInjection', () => {
    expect(() => new MeshDeployment(bookinfo(), 'Reviews', {
      ...base, podMetadata: { labels: { 'sidecar.istio.io/inject': 'false' } }, containers: [{ image }],
    })).toThrow(/podMetadata\.labels\["sidecar\.istio\.io\/inject"\]: hides the workload's injection choice in pod metadata \(got "false"\)\. Fix: remove it and pass sidecarInjection: SidecarInjection\.DISABLED/);
  });

  test('the injection label added through podMetadata later is reported at synth', () => {
    // GIVEN
    const chart = bookinfo();
    const deployment = new MeshDeployment(chart, 'Reviews', { ...base, containers: [{ image }] });

    // WHEN
    deployment.podMetadata.addLabel('sidecar.istio.io/inject', 'false');

    // THEN
    expect(() => synth(chart)).toThrow(/\[bookinfo\/Reviews\] spec\.template\.metadata\.labels\["sidecar\.istio\.io\/inject"\]: was set through podMetadata.*\(got "false"\)\. Fix: remove it from podMetadata and pass sidecarInjection/);
  });

  test('the injection annotation added through podMetadata later is reported at synth', () => {
    const chart = bookinfo();
    const deployment = new MeshDeployment(chart, 'Reviews', { ...base, containers: [{ image }] });
    deployment.podMetadata.addAnnotation('sidecar.istio.io/inject', 'true');
    expect(() => synth(chart)).toThrow(/\[bookinfo\/Reviews\] spec\.template\.metadata\.annotations\["sidecar\.istio\.io\/inject"\]: is deprecated as an annotation \(IST0135\).*Fix: remove the annotation and pass sidecarInjection/);
  });

  test('an app label changed through podMetadata later is reported at synth', () => {
    const chart = bookinfo();
    const deployment = new MeshDeployment(chart, 'Reviews', { ...base, containers: [{ image }] });
    deployment.podMetadata.addLabel('app', 'ratings');
    expect(() => synth(chart)).toThrow(/spec\.template\.metadata\.labels\.app: differs from the workload's app "reviews" \(got "ratings"\)\. Fix: do not set the app label through podMetadata; pass the app prop/);
  });

  test('a reserved port added to a container after construction is reported at synth', () => {
    const chart = bookinfo();
    const deployment = new MeshDeployment(chart, 'Reviews', { ...base, containers: [{ image, ports: [{ number: 9080, name: 'http' }] }] });
    deployment.containers[0].addPort({ number: 15021, name: 'http-health' });
    expect(() => synth(chart)).toThrow(/\[bookinfo\/Reviews\] spec\.template\.spec\.containers\[0\]\.ports\[1\]\.containerPort: is reserved by the Istio sidecar \(health checks\) \(got 15021\)/);
  });

  test('a version that is not a label value is refused', () => {
    expect(() => new MeshDeployment(bookinfo(), 'Reviews', { app: 'reviews', version: 'v1 0', containers: [{ image }] }))
      .toThrow(/\[bookinfo\/Reviews\] version: label value "v1 0" of "version" is not a valid Kubernetes label value \(got "v1 0"\)\. Fix: use a label value/);
  });

  test('an app that is not a label value is refused', () => {
    expect(() => new MeshDeployment(bookinfo(), 'Reviews', { app: '', version: 'v1', containers: [{ image }] }))
      .toThrow(/\[bookinfo\/Reviews\] app: must not be empty \(got ""\)\. Fix: use a valid label value/);
  });

  test('app or version in podMetadata props is refused', () => {
    expect(() => new MeshDeployment(bookinfo(), 'Reviews', { ...base, podMetadata: { labels: { version: 'v2' } }, containers: [{ image }] }))
      .toThrow(/podMetadata\.labels\.version: is set by the version prop \(got "v2"\)\. Fix: remove it from podMetadata and pass version: "v2"/);
  });

  test('hostNetwork with sidecarInjection ENABLED is refused', () => {
    expect(() => new MeshDeployment(bookinfo(), 'Reviews', { ...base, hostNetwork: true, sidecarInjection: SidecarInjection.ENABLED, containers: [{ image }] }))
      .toThrow(/hostNetwork: is set with sidecarInjection ENABLED, and Istio never injects hostNetwork pods \(got true\)\. Fix: drop hostNetwork/);
  });

  test.each([
    ['a reserved container port', { containers: [{ image: 'mongo:7', ports: [{ number: 15008, name: 'tcp-mongo' }] }] },
      /\[bookinfo\/Mongodb\] containers\[0\]\.ports\[0\]\.containerPort: is reserved by the Istio sidecar \(HBONE mTLS tunnel\) \(got 15008\)/],
    ['UID 1337', { securityContext: { user: 1337 }, containers: [{ image: 'mongo:7', ports: [{ number: 27017, name: 'mongo' }] }] },
      /\[bookinfo\/Mongodb\] securityContext\.user: is the UID reserved for the Istio sidecar \(IST0144\)/],
    ['the injection label in podMetadata', { podMetadata: { labels: { 'sidecar.istio.io/inject': 'false' } }, containers: [{ image: 'mongo:7', ports: [{ number: 27017, name: 'mongo' }] }] },
      /\[bookinfo\/Mongodb\] podMetadata\.labels\["sidecar\.istio\.io\/inject"\]: hides the workload's injection choice.*Fix: remove it and pass sidecarInjection/],
  ])('MeshStatefulSet refuses what MeshDeployment refuses: %s', (_, props, message) => {
    expect(() => new MeshStatefulSet(bookinfo(), 'Mongodb', { app: 'mongodb', version: 'v1', ...props as any })).toThrow(message);
  });

  test('a name that is not a DNS subdomain is refused', () => {
    expect(() => new MeshDeployment(bookinfo(), 'Reviews', { ...base, metadata: { name: 'Reviews_V1' }, containers: [{ image }] }))
      .toThrow(/metadata\.name: must be a lower-case DNS-1123 subdomain.*\(got "Reviews_V1"\)\. Fix: pass a valid metadata\.name/);
  });
});
