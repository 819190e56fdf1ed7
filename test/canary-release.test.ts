import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { allOf, oneOf, synth } from './util';
import { CanaryRelease, CanaryReleaseProps, CanaryRule, CanaryVersion, CanaryWorkload } from '../src/canary-release';
import { Gateway } from '../src/gateway';
import { FaultAbort, GrpcStatus } from '../src/http-fault';
import { RetryOn } from '../src/http-retry';
import { IngressRoute } from '../src/ingress-route';
import { MeshService } from '../src/mesh-service';
import { MeshDeployment } from '../src/mesh-workload';
import { Protocol } from '../src/protocol';
import { ServiceBackend } from '../src/service-backend';
import { StringMatch } from '../src/string-match';
import { ConsistentHash, LoadBalancerAlgorithm } from '../src/traffic-policy';
import { VirtualService } from '../src/virtual-service';

const IMAGES = 'registry.istio.io/release/examples-bookinfo';
const JASON = { headers: { 'end-user': StringMatch.exact('jason') } };

function bookinfo(): Chart {
  return new Chart(Testing.app(), 'bookinfo', { namespace: 'bookinfo' });
}

/** Bookinfo `service` versions built from the sample's images, with optional weights (in order). */
function versionsOf(service: string, names: string[], weights: Array<number | undefined> = []): CanaryVersion[] {
  return names.map((name, i) => ({ name, weight: weights[i], workload: CanaryWorkload.fromImage(`${IMAGES}-${service}-${name}:1.20.3`) }));
}

/** A reviews release (v1 and v2 unless given) in namespace bookinfo, as a thunk for toThrow. */
function reviews(props: Partial<CanaryReleaseProps> = {}, chart: Chart = bookinfo()): () => CanaryRelease {
  return () => new CanaryRelease(chart, 'Reviews', { port: 9080, versions: versionsOf('reviews', ['v1', 'v2']), ...props });
}

/** A plain cdk8s-plus Deployment of reviews, labelled as given, to hand in. */
function plainDeployment(chart: Chart, name: string, labels: { [key: string]: string }, namespace?: string): kplus.Deployment {
  return new kplus.Deployment(chart, name, {
    metadata: { name, namespace },
    podMetadata: { labels },
    containers: [{ image: `${IMAGES}-reviews-v2:1.20.3`, ports: [{ number: 9080, name: 'http' }] }],
  });
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('snapshots', () => {
  test('two versions: reviews v1 stable, v2 canary at 10%', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    const release = reviews({ canaryPercent: 10 }, chart)();

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(release.weights).toEqual({ v1: 90, v2: 10 });
    expect(allOf(manifests, 'Deployment').map(d => [d.metadata.name, d.spec.template.metadata.labels.app, d.spec.template.metadata.labels.version]))
      .toEqual([['reviews-v1', 'reviews', 'v1'], ['reviews-v2', 'reviews', 'v2']]);
    expect(oneOf(manifests, 'Service', 'reviews').spec).toMatchObject({ selector: { app: 'reviews' }, ports: [{ name: 'http', port: 9080 }] });
    expect(oneOf(manifests, 'DestinationRule', 'reviews').spec).toEqual({
      host: 'reviews',
      subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }],
    });
    expect(oneOf(manifests, 'VirtualService', 'reviews').spec).toEqual({
      hosts: ['reviews'],
      http: [{
        route: [
          { destination: { host: 'reviews', subset: 'v1' }, weight: 90 },
          { destination: { host: 'reviews', subset: 'v2' }, weight: 10 },
        ],
      }],
    });
  });

  test('three versions: reviews v1 25%, v2 25%, v3 50%', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    reviews({ versions: versionsOf('reviews', ['v1', 'v2', 'v3'], [25, 25, 50]) }, chart)();

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'VirtualService').spec.http[0].route.map((r: any) => [r.destination.subset, r.weight]))
      .toEqual([['v1', 25], ['v2', 25], ['v3', 50]]);
    expect(oneOf(manifests, 'DestinationRule').spec.subsets.map((s: any) => s.name)).toEqual(['v1', 'v2', 'v3']);
  });

  test('header pinning: end-user jason to v2, a cookie to v3, everybody else to v1', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    reviews({
      versions: versionsOf('reviews', ['v1', 'v2', 'v3'], [100, 0, 0]),
      rules: [
        CanaryRule.header('end-user', StringMatch.exact('jason'), 'v2'),
        CanaryRule.cookie('reviews-canary', 'v3.beta', 'v3'),
        CanaryRule.header('x-tester', StringMatch.prefix('qa-'), 'v3'),
      ],
    }, chart)();

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    const http = oneOf(manifests, 'VirtualService').spec.http;
    expect(http.map((r: any) => [r.match?.[0].headers, r.route.map((d: any) => d.destination.subset)])).toEqual([
      [{ 'end-user': { exact: 'jason' } }, ['v2']],
      [{ cookie: { regex: '^(.*?;\\s*)?(reviews-canary=v3\\.beta)(;.*)?$' } }, ['v3']],
      [{ 'x-tester': { prefix: 'qa-' } }, ['v3']],
      [undefined, ['v1']],
    ]);
    // The cookie expression finds the cookie anywhere in the header, and only that exact value.
    const cookie = new RegExp(http[1].match[0].headers.cookie.regex);
    expect(['reviews-canary=v3.beta', 'a=1; reviews-canary=v3.beta; b=2', 'a=1;reviews-canary=v3.beta'].every(h => cookie.test(h))).toBe(true);
    expect(['reviews-canary=v3xbeta', 'xreviews-canary=v3.beta', 'reviews-canary=v3.beta2'].some(h => cookie.test(h))).toBe(false);
  });

  test('source-label routing: ratings v2 serves reviews v3 only, v1 serves everybody else', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    new CanaryRelease(chart, 'Ratings', {
      port: 9080,
      versions: versionsOf('ratings', ['v1', 'v2'], [100, 0]),
      rules: [
        CanaryRule.sourceLabels({ app: 'reviews', version: 'v3' }, 'v2'),
        CanaryRule.sourceLabels({ app: 'reviews', version: 'v2' }, 'v1'),
      ],
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'VirtualService', 'ratings').spec.http).toEqual([
      { match: [{ sourceLabels: { app: 'reviews', version: 'v3' } }], route: [{ destination: { host: 'ratings', subset: 'v2' } }] },
      { match: [{ sourceLabels: { app: 'reviews', version: 'v2' } }], route: [{ destination: { host: 'ratings', subset: 'v1' } }] },
      { route: [{ destination: { host: 'ratings', subset: 'v1' } }] },
    ]);
  });

  test('mirroring: v1 serves all requests, 20% of them are copied to v2', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    reviews({ mirror: { version: 'v2', percentage: 20 } }, chart)();

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'VirtualService').spec.http).toEqual([{
      route: [{ destination: { host: 'reviews', subset: 'v1' } }],
      mirror: { host: 'reviews', subset: 'v2' },
      mirrorPercentage: { value: 20 },
    }]);
  });

  test('fault injection: 7s delay for jason, HTTP 500 for half of the test users, on the weighted split', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    new CanaryRelease(chart, 'Ratings', {
      port: 9080,
      versions: versionsOf('ratings', ['v1', 'v2'], [90, 10]),
      rules: [
        CanaryRule.http({ match: [JASON], fault: { delay: { fixedDelay: Duration.seconds(7) } } }),
        CanaryRule.http({
          name: 'abort-testers',
          match: [{ headers: { 'end-user': StringMatch.prefix('test-') } }],
          fault: { abort: FaultAbort.httpStatus(500, 50) },
          version: 'v2',
        }),
      ],
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    const http = oneOf(manifests, 'VirtualService', 'ratings').spec.http;
    expect(http[0]).toEqual({
      match: [{ headers: { 'end-user': { exact: 'jason' } } }],
      fault: { delay: { fixedDelay: '7s', percentage: { value: 100 } } },
      route: [{ destination: { host: 'ratings', subset: 'v1' }, weight: 90 }, { destination: { host: 'ratings', subset: 'v2' }, weight: 10 }],
    });
    expect(http[1]).toMatchObject({ name: 'abort-testers', fault: { abort: { httpStatus: 500, percentage: { value: 50 } } } });
    expect(http[1].route).toEqual([{ destination: { host: 'ratings', subset: 'v2' } }]);
    expect(http[2].fault).toBeUndefined();
  });

  test('TCP: weighted tcp routes, a caller pinned by its labels', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    new CanaryRelease(chart, 'Mysqldb', {
      protocol: Protocol.TCP,
      port: 3306,
      versions: [
        { name: 'v1', weight: 80, workload: CanaryWorkload.fromImage(`${IMAGES}-mysqldb:1.20.3`, { replicas: 1 }) },
        { name: 'v2', weight: 20, workload: CanaryWorkload.fromImage(`${IMAGES}-mysqldb:1.20.3`, { replicas: 1 }) },
      ],
      rules: [
        CanaryRule.sourceLabels({ app: 'ratings', version: 'v2-mysql' }, 'v2'),
        CanaryRule.tcp({ match: [{ sourceNamespace: 'ops' }], version: 'v1' }),
      ],
      trafficPolicy: { connectionPool: { tcp: { maxConnections: 100 } }, loadBalancer: { consistentHash: ConsistentHash.sourceIp() } },
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    const vs = oneOf(manifests, 'VirtualService', 'mysqldb').spec;
    expect(vs.http).toBeUndefined();
    expect(vs.tcp).toEqual([
      { match: [{ sourceLabels: { app: 'ratings', version: 'v2-mysql' } }], route: [{ destination: { host: 'mysqldb', subset: 'v2' } }] },
      { match: [{ sourceNamespace: 'ops' }], route: [{ destination: { host: 'mysqldb', subset: 'v1' } }] },
      { route: [{ destination: { host: 'mysqldb', subset: 'v1' }, weight: 80 }, { destination: { host: 'mysqldb', subset: 'v2' }, weight: 20 }] },
    ]);
    expect(oneOf(manifests, 'Service', 'mysqldb').spec.ports).toEqual([{ name: 'tcp', port: 3306, targetPort: 3306, protocol: 'TCP' }]);
    expect(allOf(manifests, 'Deployment').map(d => [d.spec.replicas, d.spec.template.spec.containers[0].ports])).toEqual([
      [1, [{ containerPort: 3306, name: 'tcp' }]],
      [1, [{ containerPort: 3306, name: 'tcp' }]],
    ]);
  });
});

describe('rules', () => {
  test('a regular-expression header pin, ahead of an exact one, in the order given', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    reviews({
      versions: versionsOf('reviews', ['v1', 'v2', 'v3'], [100, 0, 0]),
      rules: [
        CanaryRule.header('end-user', StringMatch.regex('(jason|json)-[0-9]+'), 'v3'),
        CanaryRule.header('end-user', StringMatch.exact('jason'), 'v2'),
      ],
    }, chart)();

    // THEN
    expect(oneOf(synth(chart), 'VirtualService').spec.http).toEqual([
      { match: [{ headers: { 'end-user': { regex: '(jason|json)-[0-9]+' } } }], route: [{ destination: { host: 'reviews', subset: 'v3' } }] },
      { match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
      { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
    ]);
  });
});

describe('weights', () => {
  test('a version with weight 0 keeps its subset but gets no share of the split', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    const release = reviews({ versions: versionsOf('reviews', ['v1', 'v2', 'v3'], [80, 20, 0]) }, chart)();

    // THEN
    const manifests = synth(chart);
    expect(release.versions).toEqual(['v1', 'v2', 'v3']);
    expect(release.destinationRule!.subsetNames).toEqual(['v1', 'v2', 'v3']);
    expect(oneOf(manifests, 'VirtualService').spec.http[0].route.map((r: any) => r.destination.subset)).toEqual(['v1', 'v2']);
  });

  test('without weights or canaryPercent the first version gets everything', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    const release = reviews({}, chart)();

    // THEN
    expect(release.weights).toEqual({ v1: 100, v2: 0 });
    expect(oneOf(synth(chart), 'VirtualService').spec.http).toEqual([{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }]);
  });

  test('a version without a weight counts as 0 when others have one', () => {
    // GIVEN / WHEN
    const release = reviews({ versions: versionsOf('reviews', ['v1', 'v2', 'v3'], [undefined, 40, 60]) })();

    // THEN
    expect(release.weights).toEqual({ v1: 0, v2: 40, v3: 60 });
  });
});

describe('protocols and resilience', () => {
  test('gRPC: grpc port names, http routes with retries on gRPC statuses and a gRPC abort fault', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    new CanaryRelease(chart, 'Catalog', {
      protocol: Protocol.GRPC,
      port: 50051,
      versions: [
        { name: 'v1', weight: 95, workload: CanaryWorkload.fromImage('example.com/catalog:1.0') },
        { name: 'v2', weight: 5, workload: CanaryWorkload.fromImage('example.com/catalog:2.0') },
      ],
      rules: [CanaryRule.http({ match: [{ headers: { 'x-chaos': StringMatch.exact('on') } }], fault: { abort: FaultAbort.grpcStatus(GrpcStatus.UNAVAILABLE) } })],
      retries: { attempts: 3, perTryTimeout: Duration.millis(500), retryOn: [RetryOn.UNAVAILABLE, RetryOn.RESOURCE_EXHAUSTED] },
    });

    // THEN
    const manifests = synth(chart);
    expect(oneOf(manifests, 'Service', 'catalog').spec.ports).toEqual([{ name: 'grpc', port: 50051, targetPort: 50051, protocol: 'TCP' }]);
    expect(allOf(manifests, 'Deployment').map(d => d.spec.template.spec.containers[0].ports)).toEqual([
      [{ containerPort: 50051, name: 'grpc' }],
      [{ containerPort: 50051, name: 'grpc' }],
    ]);
    const http = oneOf(manifests, 'VirtualService', 'catalog').spec.http;
    expect(http[0].fault).toEqual({ abort: { grpcStatus: 'UNAVAILABLE', percentage: { value: 100 } } });
    for (const route of http) expect(route.retries).toEqual({ attempts: 3, perTryTimeout: '500ms', retryOn: 'unavailable,resource-exhausted' });
  });

  test('timeout and retries go on every route; circuit breaking, load balancing and per-version policies on the DestinationRule', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    reviews({
      versions: [
        { name: 'v1', weight: 90, workload: CanaryWorkload.fromImage(`${IMAGES}-reviews-v1:1.20.3`) },
        {
          name: 'v2',
          weight: 10,
          workload: CanaryWorkload.fromImage(`${IMAGES}-reviews-v2:1.20.3`),
          trafficPolicy: { connectionPool: { http: { http1MaxPendingRequests: 10 } } },
        },
      ],
      rules: [CanaryRule.header('end-user', StringMatch.exact('jason'), 'v2')],
      timeout: Duration.seconds(10),
      retries: { attempts: 2, perTryTimeout: Duration.seconds(3), retryOn: [RetryOn.GATEWAY_ERROR] },
      trafficPolicy: {
        connectionPool: { tcp: { maxConnections: 100 }, http: { http2MaxRequests: 1000 } },
        outlierDetection: { consecutive5xxErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30) },
        loadBalancer: { consistentHash: ConsistentHash.httpCookie({ name: 'session', ttl: Duration.hours(1) }) },
      },
    }, chart)();

    // THEN
    const manifests = synth(chart);
    for (const route of oneOf(manifests, 'VirtualService').spec.http) {
      expect(route).toMatchObject({ timeout: '10s', retries: { attempts: 2, perTryTimeout: '3s', retryOn: 'gateway-error' } });
    }
    const dr = oneOf(manifests, 'DestinationRule').spec;
    expect(dr.trafficPolicy).toEqual({
      connectionPool: { tcp: { maxConnections: 100 }, http: { http2MaxRequests: 1000 } },
      outlierDetection: { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s' },
      loadBalancer: { consistentHash: { httpCookie: { name: 'session', ttl: '1h' } } },
    });
    expect(dr.subsets).toEqual([
      { name: 'v1', labels: { version: 'v1' } },
      { name: 'v2', labels: { version: 'v2' }, trafficPolicy: { connectionPool: { http: { http1MaxPendingRequests: 10 } } } },
    ]);
  });

  test('Bookinfo reviews DestinationRule: a simple load balancer for every version', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    reviews({ trafficPolicy: { loadBalancer: { simple: LoadBalancerAlgorithm.RANDOM } } }, chart)();

    // THEN
    expect(oneOf(synth(chart), 'DestinationRule').spec.trafficPolicy).toEqual({ loadBalancer: { simple: 'RANDOM' } });
  });
});

describe('created workloads', () => {
  test('the service account is passed through to the pods', () => {
    // GIVEN
    const chart = bookinfo();
    const account = new kplus.ServiceAccount(chart, 'Account', { metadata: { name: 'bookinfo-reviews' } });

    // WHEN
    new CanaryRelease(chart, 'Reviews', {
      port: 9080,
      versions: ['v1', 'v2'].map(name => ({
        name,
        workload: CanaryWorkload.fromImage(`${IMAGES}-reviews-${name}:1.20.3`, { serviceAccount: account }),
      })),
    });

    // THEN
    const deployment = oneOf(synth(chart), 'Deployment', 'reviews-v2');
    expect(deployment.spec.template.spec.serviceAccountName).toBe('bookinfo-reviews');
  });

  test('cdk8s-plus\'s deprecated container `port` gets the unnamed-port error, not a duplicate port', () => {
    expect(reviews({
      versions: ['v1', 'v2'].map(name => ({
        name,
        workload: CanaryWorkload.fromImage(`${IMAGES}-reviews-${name}:1.20.3`, { container: { port: 9080 } }),
      })),
    })).toThrow(/\[bookinfo\/Reviews\/Deployment-v1\] containers\[0\]\.ports\[0\]\.name: is unnamed.*Fix: pass ports: \[\{ number: 9080, name:/);
  });
});

describe('handed-in workloads and Services', () => {
  test('existing Deployments and a MeshService: labels checked, nothing created twice', () => {
    // GIVEN
    const chart = bookinfo();
    const v1 = new MeshDeployment(chart, 'ReviewsV1', {
      app: 'reviews',
      version: 'v1',
      containers: [{ image: `${IMAGES}-reviews-v1:1.20.3`, ports: [{ number: 9080, name: 'http' }] }],
    });
    const v2 = plainDeployment(chart, 'reviews-v2', { app: 'reviews', version: 'v2' });
    const service = new MeshService(chart, 'Reviews', { ports: [{ port: 9080, protocol: Protocol.HTTP }] });

    // WHEN
    const release = new CanaryRelease(chart, 'ReviewsRelease', {
      service: ServiceBackend.fromMeshService(service),
      versions: [
        { name: 'v1', weight: 50, workload: CanaryWorkload.fromDeployment(v1) },
        { name: 'v2', weight: 50, workload: CanaryWorkload.fromDeployment(v2) },
      ],
    });

    // THEN
    const manifests = synth(chart);
    expect(release.service).toBeUndefined();
    expect(release.deployments).toEqual([]);
    expect(release.serviceName).toEqual('reviews');
    expect(allOf(manifests, 'Deployment').map(d => d.metadata.name)).toEqual(['reviews-v1', 'reviews-v2']);
    expect(allOf(manifests, 'Service').map(s => s.metadata.name)).toEqual(['reviews']);
    expect(oneOf(manifests, 'VirtualService', 'reviews').spec.http[0].route.map((r: any) => r.destination))
      .toEqual([{ host: 'reviews', subset: 'v1' }, { host: 'reviews', subset: 'v2' }]);
  });

  test('an imported Deployment ApiObject and new versions side by side; a multi-port Service routes to its chosen port', () => {
    // GIVEN
    const chart = bookinfo();
    const v1 = new ApiObject(chart, 'ReviewsV1', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'reviews-v1' },
      spec: {
        selector: { matchLabels: { app: 'reviews', version: 'v1' } },
        template: {
          metadata: { labels: { app: 'reviews', version: 'v1' } },
          spec: { containers: [{ name: 'reviews', image: `${IMAGES}-reviews-v1:1.20.3`, ports: [{ containerPort: 9080, name: 'http' }] }] },
        },
      },
    });
    const service = new MeshService(chart, 'Reviews', {
      ports: [{ port: 9080, protocol: Protocol.HTTP }, { port: 15372, name: 'http-admin', protocol: Protocol.HTTP }],
    });

    // WHEN
    new CanaryRelease(chart, 'ReviewsRelease', {
      service: ServiceBackend.fromMeshService(service, { port: 9080 }),
      targetPort: 9080,
      versions: [
        { name: 'v1', weight: 90, workload: CanaryWorkload.fromApiObject(v1) },
        { name: 'v2', weight: 10, workload: CanaryWorkload.fromImage(`${IMAGES}-reviews-v2:1.20.3`) },
      ],
    });

    // THEN
    const manifests = synth(chart);
    expect(allOf(manifests, 'Deployment').map(d => d.metadata.name)).toEqual(['reviews-v1', 'reviews-v2']);
    expect(oneOf(manifests, 'Deployment', 'reviews-v2').spec.template.spec.containers[0].ports).toEqual([{ containerPort: 9080, name: 'http' }]);
    expect(oneOf(manifests, 'VirtualService', 'reviews').spec.http[0].route.map((r: any) => r.destination)).toEqual([
      { host: 'reviews', subset: 'v1', port: { number: 9080 } },
      { host: 'reviews', subset: 'v2', port: { number: 9080 } },
    ]);
  });
});

describe('handed-in Service with a wider selector', () => {
  test('created versions carry the extra selector labels through podMetadata', () => {
    // GIVEN
    const chart = bookinfo();
    const service = new MeshService(chart, 'ReviewsService', {
      metadata: { name: 'reviews' },
      extraSelector: { tier: 'backend' },
      ports: [{ port: 9080, protocol: Protocol.HTTP }],
    });
    const workload = (version: string) => CanaryWorkload.fromImage(`${IMAGES}-reviews-${version}:1.20.3`, { podMetadata: { labels: { tier: 'backend' } } });

    // WHEN
    new CanaryRelease(chart, 'Reviews', {
      service: ServiceBackend.fromMeshService(service),
      versions: [{ name: 'v1', weight: 90, workload: workload('v1') }, { name: 'v2', weight: 10, workload: workload('v2') }],
    });

    // THEN
    expect(allOf(synth(chart), 'Deployment').map(d => d.spec.template.metadata.labels)).toEqual([
      expect.objectContaining({ app: 'reviews', version: 'v1', tier: 'backend' }),
      expect.objectContaining({ app: 'reviews', version: 'v2', tier: 'backend' }),
    ]);
  });

  test('without them, the created versions are reported with the podMetadata fix', () => {
    // GIVEN
    const chart = bookinfo();
    const service = new MeshService(chart, 'ReviewsService', {
      metadata: { name: 'reviews' },
      extraSelector: { tier: 'backend' },
      ports: [{ port: 9080, protocol: Protocol.HTTP }],
    });
    reviews({ port: undefined, service: ServiceBackend.fromMeshService(service) }, chart)();

    // THEN
    expect(() => synth(chart)).toThrow(/versions\[0\]\.workload \(Deployment bookinfo\/reviews-v1\) spec\.template\.metadata\.labels: lacks the labels \{"tier":"backend"\}.*Fix: label the pods tier: "backend" \(CanaryWorkload\.fromImage\(image, \{ podMetadata: \{ labels \} \}\)\)/);
  });
});

describe('exposure through a gateway', () => {
  test('bindToGateway: the same rules and split apply at the gateway, and the routes keep applying to the mesh', () => {
    // GIVEN
    const chart = bookinfo();
    const gateway = new Gateway(chart, 'PublicGateway', {
      metadata: { namespace: 'istio-system' },
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 80, name: 'http', protocol: Protocol.HTTP }, hosts: ['bookinfo/reviews.example.com'] }],
    });
    const release = reviews({ canaryPercent: 20, rules: [CanaryRule.header('end-user', StringMatch.exact('jason'), 'v2')] }, chart)();

    // WHEN
    release.bindToGateway(gateway.gatewayRef, ['reviews.example.com']);

    // THEN
    const vs = oneOf(synth(chart), 'VirtualService', 'reviews').spec;
    expect(vs.gateways).toEqual(['mesh', 'istio-system/public-gateway']);
    expect(vs.hosts).toEqual(['reviews', 'reviews.example.com']);
    expect(vs.http).toHaveLength(2);
    expect(release.virtualService!.gateways).toEqual(['mesh', 'istio-system/public-gateway']);
  });

  test('splitDestinations: another gateway route splits like the release, through the subsets', () => {
    // GIVEN
    const chart = bookinfo();
    const release = reviews({ versions: versionsOf('reviews', ['v1', 'v2', 'v3'], [75, 25, 0]) }, chart)();

    // WHEN
    new VirtualService(chart, 'Ingress', {
      metadata: { namespace: 'frontend' },
      hosts: ['reviews.example.com'],
      gateways: ['istio-system/public-gateway'],
      http: [{ route: release.splitDestinations }],
    });

    // THEN
    expect(oneOf(synth(chart), 'VirtualService', 'ingress').spec.http[0].route).toEqual([
      { destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v1' }, weight: 75 },
      { destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v2' }, weight: 25 },
    ]);
  });

  test('IngressRoute: an ingress path to the release routes through its subsets with splitDestinations', () => {
    // GIVEN
    const chart = bookinfo();
    const release = reviews({ canaryPercent: 10 }, chart)();

    // WHEN
    const ingress = new IngressRoute(chart, 'Public', {
      hosts: ['bookinfo.example.com'],
      httpRoutes: [{ match: [{ uri: StringMatch.prefix('/reviews') }], route: release.splitDestinations }],
    });

    // THEN
    const manifests = synth(chart);
    expect(oneOf(manifests, 'VirtualService', ingress.virtualService.name).spec).toMatchObject({
      gateways: [ingress.gatewayRef],
      http: [{
        route: [
          { destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v1' }, weight: 90 },
          { destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v2' }, weight: 10 },
        ],
      }],
    });
  });

  test('end to end: an IngressRoute sends one path to the release\'s split and another to a second service, bindToGateway not needed', () => {
    // GIVEN
    const chart = bookinfo();
    const release = reviews({ canaryPercent: 10, rules: [CanaryRule.header('end-user', StringMatch.exact('jason'), 'v2')] }, chart)();
    const details = new MeshService(chart, 'Details', { metadata: { name: 'details' }, ports: [{ port: 9080, protocol: Protocol.HTTP }] });

    // WHEN
    const ingress = new IngressRoute(chart, 'Public', {
      hosts: ['bookinfo.example.com'],
      httpRoutes: [
        { match: [{ uri: StringMatch.prefix('/reviews') }], route: release.splitDestinations },
        { match: [{ uri: StringMatch.prefix('/details') }], backend: ServiceBackend.fromMeshService(details) },
      ],
    });

    // THEN: the whole app synthesizes (no IST0140, IST0132 or clash), the gateway serves the host, and the routes were
    // written once: the mesh VirtualService keeps the release's rules, the ingress reuses its split.
    const manifests = synth(chart);
    expect(oneOf(manifests, 'Gateway', ingress.gateway!.name).spec.servers.map((s: any) => s.hosts)).toEqual([['bookinfo.example.com']]);
    expect(oneOf(manifests, 'VirtualService', 'reviews').spec).toEqual({
      hosts: ['reviews'],
      http: [
        { match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
        {
          route: [
            { destination: { host: 'reviews', subset: 'v1' }, weight: 90 },
            { destination: { host: 'reviews', subset: 'v2' }, weight: 10 },
          ],
        },
      ],
    });
    expect(oneOf(manifests, 'VirtualService', ingress.virtualService.name).spec.http.map((r: any) => r.route.map((d: any) => d.destination))).toEqual([
      [{ host: 'reviews.bookinfo.svc.cluster.local', subset: 'v1' }, { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v2' }],
      [{ host: 'details.bookinfo.svc.cluster.local', port: { number: 9080 } }],
    ]);
  });

  test('backend: the release\'s Service as a route destination', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    const release = reviews({}, chart)();

    // THEN
    expect(release.backend.resolve()).toMatchObject({ host: 'reviews.bookinfo.svc.cluster.local', namespace: 'bookinfo', port: 9080, protocol: Protocol.HTTP });
    expect(release.service?.name).toEqual('reviews');
  });
});

describe('errors', () => {
  test('a weight outside 0 to 100', () => {
    expect(reviews({ versions: versionsOf('reviews', ['v1', 'v2'], [120, -20]) }))
      .toThrow(/\[bookinfo\/Reviews\] versions\[0\]\.weight: must be an integer percentage from 0 to 100 \(got 120\)\. Fix: use a whole number/);
  });

  test('a canaryPercent outside 0 to 100', () => {
    expect(reviews({ canaryPercent: 12.5 })).toThrow(/canaryPercent: must be an integer percentage from 0 to 100 \(got 12\.5\)\. Fix:/);
  });

  test('weights that do not add up to 100 name the sum', () => {
    expect(reviews({ versions: versionsOf('reviews', ['v1', 'v2', 'v3'], [50, 30, 10]) }))
      .toThrow(/versions\[\]\.weight: must add up to 100, and they add up to 90 \(got \{"v1":50,"v2":30,"v3":10\}\)\. Fix: adjust the weights by \+10/);
  });

  test('canaryPercent together with per-version weights', () => {
    expect(reviews({ canaryPercent: 10, versions: versionsOf('reviews', ['v1', 'v2'], [90, 10]) }))
      .toThrow(/canaryPercent: is set together with per-version weights.*Fix: use canaryPercent for two versions, or a weight on each version/);
  });

  test('canaryPercent with other than two versions', () => {
    expect(reviews({ canaryPercent: 10, versions: versionsOf('reviews', ['v1', 'v2', 'v3']) }))
      .toThrow(/canaryPercent: needs exactly two versions \(the stable one and the canary\), and there are 3.*Fix: give each version a weight/);
  });

  test('fewer than two versions', () => {
    expect(reviews({ versions: versionsOf('reviews', ['v1']) }))
      .toThrow(/versions: has 1 version; a release splits traffic between two or more.*Fix: add the version to release next/);
  });

  test('a duplicate version name', () => {
    expect(reviews({ versions: versionsOf('reviews', ['v1', 'v2', 'v1'], [50, 50, 0]) }))
      .toThrow(/versions\[2\]\.name: is also the name of versions\[0\] \(got "v1"\)\. Fix: give every version its own name.*duplicate subset names/);
  });

  test.each([
    ['-v1', 'is not a valid Kubernetes label value'],
    ['v 1', 'is not a valid Kubernetes label value'],
  ])('an invalid version name %s (not a label value)', (name, problem) => {
    expect(reviews({ versions: [...versionsOf('reviews', ['v1']), { name, workload: CanaryWorkload.fromImage('x:1') }] }))
      .toThrow(new RegExp(`versions\\[1\\]\\.name: .*${escapeRe(problem)}.*\\(got "${escapeRe(name)}"\\)\\. Fix: use a label value`));
  });

  test('a rule that names no declared version', () => {
    expect(reviews({ rules: [CanaryRule.header('end-user', StringMatch.exact('jason'), 'v3')] }))
      .toThrow(/rules\[0\]\.version: is not one of the release's versions \(v1, v2\) \(got "v3"\)\. Fix: route to a declared version.*503 NR/);
  });

  test('a header name that cannot be matched', () => {
    expect(reviews({ rules: [CanaryRule.header('end user', StringMatch.exact('jason'), 'v2')] }))
      .toThrow(/rules\[0\]\.match\[0\]\.headers: has a header name that must be an HTTP header name.*\(got "end user"\)\. Fix: use the lower-case header name/);
  });

  test('an invalid header match value (the VirtualService match rules, with the release\'s field names)', () => {
    expect(reviews({ rules: [CanaryRule.header('end-user', StringMatch.regex('(?!jason).*'), 'v2')] }))
      .toThrow(/rules\[0\]\.match\[0\]\.headers\["end-user"\]\.regex: is not valid RE2: invalid or unsupported Perl syntax: `\(\?!`.*Fix: RE2 has no look-around/);
  });

  test('an invalid cookie name', () => {
    expect(reviews({ rules: [CanaryRule.cookie('canary;x', 'always', 'v2')] }))
      .toThrow(/rules\[0\]\.cookie\.name: is not a valid cookie name \(an HTTP token\) \(got "canary;x"\)\. Fix: use letters, digits and "-"/);
  });

  test('an invalid cookie value', () => {
    expect(reviews({ rules: [CanaryRule.cookie('canary', 'yes please', 'v2')] }))
      .toThrow(/rules\[0\]\.cookie\.value: is not a valid cookie value.*\(got "yes please"\)\. Fix: use a plain token/);
  });

  test('an invalid fault (the VirtualService fault rules, with the release\'s field names)', () => {
    expect(reviews({ rules: [CanaryRule.http({ match: [JASON], fault: { abort: FaultAbort.httpStatus(700) } })] }))
      .toThrow(/rules\[0\]\.fault\.abort\.httpStatus: must be a whole number from 200 to 600 \(got 700\)/);
  });

  test('a rule shadowed by an earlier one is reported by the VirtualService at synth (IST0130/IST0131)', () => {
    // GIVEN
    const chart = bookinfo();
    reviews({
      rules: [
        CanaryRule.header('end-user', StringMatch.exact('jason'), 'v2'),
        CanaryRule.http({ match: [JASON], fault: { delay: { fixedDelay: Duration.seconds(7) } } }),
      ],
    }, chart)();

    // THEN
    expect(() => synth(chart))
      .toThrow(/\[bookinfo\/Reviews\/VirtualService\] http\[1\]\.match\[0\]: is the same as http\[0\]\.match\[0\].*never used \(IST0130\).*Fix: remove it/);
  });

  test('a rule without conditions ahead of the split is reported by the VirtualService at synth (IST0130)', () => {
    // GIVEN
    const chart = bookinfo();
    reviews({ rules: [CanaryRule.http({ match: [], version: 'v2' })] }, chart)();

    // THEN
    expect(() => synth(chart)).toThrow(/\[bookinfo\/Reviews\/VirtualService\] http\[0\]\.match: is empty.*\(http\[1\]\) are never used.*\(IST0130\)/);
  });

  test('a mirror to an undeclared version', () => {
    expect(reviews({ mirror: { version: 'v3' } }))
      .toThrow(/mirror\.version: is not one of the release's versions \(v1, v2\) \(got "v3"\)\. Fix: mirror to a declared version/);
  });

  test('a mirror percentage outside 0 to 100', () => {
    expect(reviews({ mirror: { version: 'v2', percentage: 150 } }))
      .toThrow(/mirror\.percentage: must be a number from 0 to 100 \(got 150\)\. Fix: use a percentage such as 10/);
  });

  test('an invalid timeout or retry policy', () => {
    expect(reviews({ timeout: Duration.millis(0.5) })).toThrow(/\] timeout: must be at least 1ms.*Fix: use e\.g\. Duration\.seconds\(10\)/);
    expect(reviews({ retries: { attempts: 0, perTryTimeout: Duration.seconds(1) } }))
      .toThrow(/retries\.attempts: is 0 \(retries off\) while perTryTimeout is set/);
  });

  test('an invalid traffic policy names the release\'s field', () => {
    expect(reviews({ trafficPolicy: {} })).toThrow(/\[bookinfo\/Reviews\] trafficPolicy: must set at least one of loadBalancer/);
    const versions = versionsOf('reviews', ['v1', 'v2']);
    expect(reviews({ versions: [versions[0], { ...versions[1], trafficPolicy: {} }] }))
      .toThrow(/\[bookinfo\/Reviews\] versions\[1\]\.trafficPolicy: must set at least one of loadBalancer/);
  });

  test.each([
    ['rules[0]', { rules: [CanaryRule.header('end-user', StringMatch.exact('jason'), 'v2')] }],
    ['rules[0]', { rules: [CanaryRule.cookie('canary', 'always', 'v2')] }],
    ['rules[0]', { rules: [CanaryRule.http({ match: [JASON], fault: { abort: FaultAbort.httpStatus(503) } })] }],
    ['mirror', { mirror: { version: 'v2' } }],
    ['timeout', { timeout: Duration.seconds(1) }],
    ['retries', { retries: { attempts: 3 } }],
    ['trafficPolicy.connectionPool.http', { trafficPolicy: { connectionPool: { http: { http2MaxRequests: 10 } } } }],
    ['trafficPolicy.loadBalancer.consistentHash', { trafficPolicy: { loadBalancer: { consistentHash: ConsistentHash.httpHeader('x-user') } } }],
  ] as Array<[string, Partial<CanaryReleaseProps>]>)('an HTTP option on a TCP service: %s', (field, props) => {
    expect(reviews({ protocol: Protocol.TCP, ...props }))
      .toThrow(new RegExp(`\\] ${escapeRe(field)}: .*is an HTTP option, and protocol TCP is routed as opaque TCP.*Fix: remove it, or set protocol to HTTP`));
  });

  test('a TCP rule on an HTTP service', () => {
    expect(reviews({ rules: [CanaryRule.tcp({ match: [{ port: 9080 }], version: 'v2' })] }))
      .toThrow(/rules\[0\]: is a TCP rule, and protocol HTTP is routed with http routes.*Fix: use CanaryRule\.http\(\), header\(\), cookie\(\) or sourceLabels\(\)/);
  });

  test('a UDP service', () => {
    expect(reviews({ protocol: Protocol.UDP })).toThrow(/protocol: is UDP, which Istio does not route \(got "UDP"\)\. Fix: release a TCP-based service/);
  });

  test('a handed-in Deployment without the version label', () => {
    // GIVEN
    const chart = bookinfo();
    const v2 = plainDeployment(chart, 'reviews-v2', { app: 'reviews' });
    reviews({ versions: [...versionsOf('reviews', ['v1']), { name: 'v2', workload: CanaryWorkload.fromDeployment(v2) }] }, chart)();

    // THEN
    expect(() => synth(chart)).toThrow(new RegExp(escapeRe('[bookinfo/Reviews] versions[1].workload (Deployment bookinfo/reviews-v2) '
      + 'spec.template.metadata.labels.version: is missing, and subset "v2" selects pods labelled version: v2. '
      + 'Fix: label the pods version: "v2" (deployment.podMetadata.addLabel(\'version\', \'v2\')), or rename the version. '
      + 'In the cluster: subset "v2" has no endpoints: requests routed to it fail with 503 UH')));
  });

  test('a handed-in plain Deployment is checked against Istio\'s pod rules (a port the sidecar reserves)', () => {
    // GIVEN
    const chart = bookinfo();
    const v2 = new kplus.Deployment(chart, 'reviews-v2', {
      metadata: { name: 'reviews-v2' },
      podMetadata: { labels: { app: 'reviews', version: 'v2' } },
      containers: [{ image: `${IMAGES}-reviews-v2:1.20.3`, ports: [{ number: 9080, name: 'http' }, { number: 15090, name: 'http-metrics' }] }],
    });
    reviews({ versions: [...versionsOf('reviews', ['v1']), { name: 'v2', workload: CanaryWorkload.fromDeployment(v2) }] }, chart)();

    // THEN
    expect(() => synth(chart)).toThrow(/\[bookinfo\/Reviews\] versions\[1\]\.workload: Deployment bookinfo\/reviews-v2 spec\.template\.spec\.containers\[0\]\.ports\[1\]\.containerPort: .*15090/);
  });

  test('a handed-in Deployment labelled with another version', () => {
    // GIVEN
    const chart = bookinfo();
    const v2 = plainDeployment(chart, 'reviews-v2', { app: 'reviews', version: 'v3' });
    reviews({ versions: [...versionsOf('reviews', ['v1']), { name: 'v2', workload: CanaryWorkload.fromDeployment(v2) }] }, chart)();

    // THEN
    expect(() => synth(chart))
      .toThrow(/versions\[1\]\.workload \(Deployment bookinfo\/reviews-v2\) spec\.template\.metadata\.labels\.version: is not the version's name "v2".*\(got "v3"\)\. Fix: label the pods version: "v2"/);
  });

  test('a handed-in Deployment without the labels the Service selects on', () => {
    // GIVEN
    const chart = bookinfo();
    const v2 = plainDeployment(chart, 'reviews-v2', { app: 'reviews-next', version: 'v2' });
    reviews({ versions: [...versionsOf('reviews', ['v1']), { name: 'v2', workload: CanaryWorkload.fromDeployment(v2) }] }, chart)();

    // THEN
    expect(() => synth(chart)).toThrow(/versions\[1\]\.workload \(Deployment bookinfo\/reviews-v2\) spec\.template\.metadata\.labels: lacks the labels \{"app":"reviews"\} that the release's Service selects on \(got \{"app":"reviews-next"\}\)\. Fix: label the pods app: "reviews"/);
  });

  test('a handed-in Deployment in another namespace', () => {
    // GIVEN
    const chart = bookinfo();
    const v2 = plainDeployment(chart, 'reviews-v2', { app: 'reviews', version: 'v2' }, 'staging');
    reviews({ versions: [...versionsOf('reviews', ['v1']), { name: 'v2', workload: CanaryWorkload.fromDeployment(v2) }] }, chart)();

    // THEN
    expect(() => synth(chart)).toThrow(/versions\[1\]\.workload \(Deployment staging\/reviews-v2\) metadata\.namespace: is not the namespace of the release's Service \("bookinfo"\).*Fix: deploy the version in namespace "bookinfo"/);
  });

  test('a handed-in Service that selects on version', () => {
    // GIVEN
    const chart = bookinfo();
    const svc = new kplus.Service(chart, 'ReviewsService', { metadata: { name: 'reviews' }, ports: [{ port: 9080, name: 'http' }] });
    svc.selectLabel('app', 'reviews');
    svc.selectLabel('version', 'v1');
    reviews({ port: undefined, service: ServiceBackend.fromService(svc) }, chart)();

    // THEN
    expect(() => synth(chart)).toThrow(/service \(Service bookinfo\/reviews\) spec\.selector\.version: pins one version, so the Service cannot reach the others \(got "v1"\)\. Fix: select on "app" only/);
  });

  test('a handed-in Service whose port protocol the release cannot route', () => {
    // GIVEN
    const chart = bookinfo();
    const svc = new MeshService(chart, 'ReviewsService', { metadata: { name: 'reviews' }, ports: [{ port: 9080, protocol: Protocol.TCP }] });
    reviews({ port: undefined, service: ServiceBackend.fromMeshService(svc) }, chart)();

    // THEN
    expect(() => synth(chart)).toThrow(/\[bookinfo\/Reviews\/VirtualService\] http\[0\]\.route\[0\]\.destination: Service bookinfo\/reviews spec\.ports\[0\] protocol: is not one a http route applies to/);
  });

  test('a handed-in Service in another namespace', () => {
    // GIVEN
    const chart = bookinfo();
    const svc = new MeshService(chart, 'ReviewsService', { metadata: { name: 'reviews', namespace: 'staging' }, ports: [{ port: 9080, protocol: Protocol.HTTP }] });

    // THEN
    expect(reviews({ port: undefined, service: ServiceBackend.fromMeshService(svc) }, chart))
      .toThrow(/service: is in namespace "staging", but the release's VirtualService and DestinationRule are in "bookinfo".*Fix: create the release in the Service's namespace/);
  });

  test('a handed-in multi-port Service without a chosen port (IST0112)', () => {
    // GIVEN
    const chart = bookinfo();
    const svc = new MeshService(chart, 'ReviewsService', { metadata: { name: 'reviews' }, ports: [{ port: 9080, protocol: Protocol.HTTP }, { port: 9090, name: 'http-admin', protocol: Protocol.HTTP }] });

    // THEN
    expect(reviews({ port: undefined, service: ServiceBackend.fromMeshService(svc) }, chart))
      .toThrow(/service: has 2 ports and none was chosen.*\(IST0112\) \(got \[9080,9090\]\)\. Fix: pass the port when making the backend, e\.g\. ServiceBackend\.fromMeshService\(service, \{ port: 9080 \}\)/);
  });

  test('a host that is not a Kubernetes Service', () => {
    expect(reviews({ port: undefined, service: ServiceBackend.fromHost('reviews.example.com', 443, Protocol.HTTPS) }))
      .toThrow(/service: is not a Kubernetes Service, so it has no pods to split into versions \(got "reviews\.example\.com"\)/);
  });

  test('serviceName or port together with a handed-in Service', () => {
    // GIVEN
    const chart = bookinfo();
    const svc = new MeshService(chart, 'ReviewsService', { metadata: { name: 'reviews' }, ports: [{ port: 9080, protocol: Protocol.HTTP }] });

    // THEN
    expect(reviews({ service: ServiceBackend.fromMeshService(svc), serviceName: 'reviews' }, chart))
      .toThrow(/serviceName: is set together with service.*\n.*port: is set together with service, and only describes a Service the release creates \(got 9080\)\. Fix: drop port/);
  });

  test('bindToGateway with a host another VirtualService (an IngressRoute\'s) already routes at that gateway', () => {
    // GIVEN
    const chart = bookinfo();
    const release = reviews({ canaryPercent: 10 }, chart)();
    const ingress = new IngressRoute(chart, 'Public', {
      hosts: ['bookinfo.example.com'],
      httpRoutes: [{ match: [{ uri: StringMatch.prefix('/ratings') }], route: [{ host: 'ratings' }] }],
    });

    // WHEN
    release.bindToGateway(ingress.gatewayRef, ['bookinfo.example.com']);

    // THEN
    expect(() => synth(chart)).toThrow(new RegExp(escapeRe('[bookinfo/Reviews] bindToGateway(bookinfo/public-gateway) hosts: are also routed at that '
      + 'gateway by VirtualService bookinfo/public (bookinfo/Public/VirtualService)') + '.*catch-all split \\(got \\["bookinfo\\.example\\.com"\\]\\)\\. '
      + 'Fix: bind the release with a host of its own, or drop bindToGateway and route from that VirtualService with the release\'s own routes'
      + '.*In the cluster: .*never apply'));
  });

  test('another gateway-bound VirtualService routing to the release\'s Service without a subset (IST0140)', () => {
    // GIVEN
    const chart = bookinfo();
    const release = reviews({ canaryPercent: 10 }, chart)();
    new VirtualService(chart, 'Ingress', {
      hosts: ['reviews.example.com'],
      gateways: ['istio-system/public-gateway'],
      http: [{ route: [{ host: release.backend.host }] }],
    });

    // THEN
    expect(() => synth(chart)).toThrow(/\[bookinfo\/Reviews\] VirtualService bookinfo\/ingress \(bookinfo\/Ingress\) http\[0\]\.route\[0\]\.destination: sends gateway traffic to the release's Service directly.*Fix: route the IngressRoute path with release: <the CanaryRelease>.*or expose the release with release\.bindToGateway\(gatewayRef, hosts\).*\(IST0140\)/);
  });
});
