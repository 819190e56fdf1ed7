/**
 * Any cdk8s-plus line: Services and Deployments of cdk8s-plus-27 and of the current line (cdk8s-plus-33, what
 * `cdk8s init` scaffolds) are accepted by the same calls, found through `ApiObject.of()`, and so are plain ApiObjects.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import * as plus27 from 'cdk8s-plus-27';
import * as plus33 from 'cdk8s-plus-33';
import { Construct } from 'constructs';
import { CanaryRelease, CanaryWorkload, IngressRoute, MeshWorkload, Protocol, ServiceBackend, StringMatch } from '../src';
import { allOf, oneOf, synth } from './util';

const IMAGE = 'registry.istio.io/release/examples-bookinfo-reviews-v1:1.20.3';

function shop(): Chart {
  return new Chart(new App(), 'shop', { namespace: 'shop' });
}

const LINES = [
  ['cdk8s-plus-27', plus27],
  ['cdk8s-plus-33', plus33],
] as const;

describe.each(LINES)('%s', (_line, plus) => {
  function deployment(chart: Chart, version: string): Construct {
    return new plus.Deployment(chart, `reviews-${version}`, {
      metadata: { name: `reviews-${version}` },
      podMetadata: { labels: { app: 'reviews', version } },
      containers: [{ image: IMAGE, ports: [{ number: 9080, name: 'http' }], securityContext: { ensureNonRoot: false } }],
    });
  }

  function service(chart: Chart): Construct {
    return new plus.Service(chart, 'ReviewsService', {
      metadata: { name: 'reviews' },
      selector: plus.Pods.select(chart, 'ReviewsPods', { labels: { app: 'reviews' } }),
      ports: [{ port: 9080, name: 'http', targetPort: 9080 }],
    });
  }

  test('a Service is a route backend (ServiceBackend.fromService)', () => {
    const chart = shop();
    const backend = ServiceBackend.fromService(service(chart));
    new IngressRoute(chart, 'Shop', { hosts: ['shop.example.com'], httpRoutes: [{ match: [{ uri: StringMatch.prefix('/') }], backend }] });

    expect(backend.host).toEqual('reviews.shop.svc.cluster.local');
    expect(backend.resolve()).toMatchObject({ port: 9080, protocol: Protocol.HTTP });
    expect(oneOf(synth(chart), 'VirtualService').spec.http[0].route).toEqual([
      { destination: { host: 'reviews.shop.svc.cluster.local', port: { number: 9080 } } },
    ]);
  });

  test('Deployments are the versions of a CanaryRelease (CanaryWorkload.fromDeployment)', () => {
    const chart = shop();
    new CanaryRelease(chart, 'Reviews', {
      service: ServiceBackend.fromService(service(chart)),
      versions: [
        { name: 'v1', weight: 90, workload: CanaryWorkload.fromDeployment(deployment(chart, 'v1')) },
        { name: 'v2', weight: 10, workload: CanaryWorkload.fromDeployment(deployment(chart, 'v2')) },
      ],
    });

    const manifests = synth(chart);
    expect(allOf(manifests, 'Deployment').map(d => d.metadata.name)).toEqual(['reviews-v1', 'reviews-v2']);
    expect(oneOf(manifests, 'VirtualService', 'reviews').spec.http[0].route).toEqual([
      { destination: { host: 'reviews', subset: 'v1' }, weight: 90 },
      { destination: { host: 'reviews', subset: 'v2' }, weight: 10 },
    ]);
  });

  test('a workload is checked against Istio\'s pod rules (MeshWorkload.fromWorkload)', () => {
    const chart = shop();
    const workload = MeshWorkload.fromWorkload(deployment(chart, 'v1'));
    expect(workload.resolve()).toMatchObject({ kind: 'Deployment', name: 'reviews-v1', namespace: 'shop', app: 'reviews', version: 'v1' });
    expect(workload.problems()).toEqual([]);
  });

  test('a Deployment is not a Service', () => {
    const chart = shop();
    expect(() => ServiceBackend.fromService(deployment(chart, 'v1'))).toThrow(
      '[shop/reviews-v1] kind: must be a core v1 Service (got "apps/v1/Deployment"). '
      + 'Fix: pass a Service, or use ServiceBackend.fromHost() for a ServiceEntry or external host.');
  });
});

test('a plain Service ApiObject is accepted by fromService too', () => {
  const chart = shop();
  const api = new ApiObject(chart, 'Api', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'api' },
    spec: { selector: { app: 'api' }, ports: [{ port: 8080, name: 'http' }] },
  });
  expect(ServiceBackend.fromService(api).host).toEqual('api.shop.svc.cluster.local');
});

test('a construct that synthesizes no Kubernetes object is refused with what to pass', () => {
  const chart = shop();
  expect(() => ServiceBackend.fromService(new Construct(chart, 'Empty'))).toThrow(
    '[shop/Empty] construct: synthesizes no Kubernetes object (it is neither an ApiObject nor a construct with one) '
    + '(got "Empty"). Fix: pass a Service: a cdk8s-plus object (any cdk8s-plus line) or the ApiObject itself.');
  expect(() => CanaryWorkload.fromDeployment(new Construct(chart, 'Nothing'))).toThrow(
    /\[shop\/Nothing\] construct: synthesizes no Kubernetes object .* Fix: pass a workload \(Deployment, StatefulSet/);
});

test('cdk8s-plus-27 stays a peer dependency (MeshDeployment is a cdk8s-plus-27 Deployment); the current line is tested', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pkg = require('../package.json');
  expect(pkg.peerDependencies['cdk8s-plus-27']).toEqual('^2.9.5');
  expect(pkg.devDependencies['cdk8s-plus-33']).toBeDefined();
  expect(pkg.peerDependencies['cdk8s-plus-33']).toBeUndefined();
});

test('cdk8s-plus-33 classes type-check where the API takes a Service or a Deployment (no TS2345)', () => {
  const chart = shop();
  const service: plus33.Service = new plus33.Service(chart, 'Web', { metadata: { name: 'web' }, ports: [{ port: 80, name: 'http' }] });
  const deployment: plus33.Deployment = new plus33.Deployment(chart, 'WebV1', {
    metadata: { name: 'web-v1' },
    podMetadata: { labels: { app: 'web', version: 'v1' } },
    containers: [{ image: 'nginx:1.27', ports: [{ number: 80, name: 'http' }], securityContext: { ensureNonRoot: false } }],
  });
  expect(ServiceBackend.fromService(service).host).toEqual('web.shop.svc.cluster.local');
  expect(CanaryWorkload.fromDeployment(deployment)._existing?.name).toEqual('web-v1');
});
