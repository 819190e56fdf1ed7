/**
 * CanaryRelease on the Gateway API backend (GAMMA): one Service per version, a route whose parent is the release's
 * Service, traffic policies as per-version DestinationRules, and one test per feature the Gateway API cannot express.
 * The request simulator (MeshSimulator) does not read Gateway API kinds; these tests check the objects themselves.
 */
import { App, Chart, Duration, Testing } from 'cdk8s';
import { allOf, oneOf, synth } from './util';
import { IstioApi, RoutingApi } from '../src/api-version';
import { CanaryRelease, CanaryReleaseProps, CanaryRule, CanaryVersion, CanaryWorkload } from '../src/canary-release';
import { RetryOn } from '../src/http-retry';
import { MeshEnrollment, MeshNamespace } from '../src/mesh-namespace';
import { Protocol } from '../src/protocol';
import { StringMatch } from '../src/string-match';
import { LoadBalancerAlgorithm } from '../src/traffic-policy';
import { VirtualService } from '../src/virtual-service';

const IMAGES = 'registry.istio.io/release/examples-bookinfo';
const JASON = { headers: { 'end-user': StringMatch.exact('jason') } };

function bookinfo(app: App = Testing.app()): Chart {
  return new Chart(app, 'bookinfo', { namespace: 'bookinfo' });
}

function versionsOf(service: string, names: string[], weights: Array<number | undefined> = []): CanaryVersion[] {
  return names.map((name, i) => ({ name, weight: weights[i], workload: CanaryWorkload.fromImage(`${IMAGES}-${service}-${name}:1.20.3`) }));
}

/** A reviews release on the Gateway API (v1 and v2 unless given) in namespace bookinfo, as a thunk for toThrow. */
function reviews(props: Partial<CanaryReleaseProps> = {}, chart: Chart = bookinfo()): () => CanaryRelease {
  return () => new CanaryRelease(chart, 'Reviews', {
    port: 9080, versions: versionsOf('reviews', ['v1', 'v2']), routingApi: RoutingApi.GATEWAY_API, ...props,
  });
}

const PARENT = [{ group: '', kind: 'Service', name: 'reviews', port: 9080 }];

describe('CanaryRelease on the Gateway API: manifests', () => {
  test('snapshot: v2 canary at 10%, a header pin, mirroring, timeout and retries, circuit breaking', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    const release = reviews({
      canaryPercent: 10,
      rules: [CanaryRule.header('end-user', StringMatch.exact('jason'), 'v2')],
      mirror: { version: 'v2', percentage: 20 },
      timeout: Duration.seconds(10),
      retries: { attempts: 3, perTryTimeout: Duration.seconds(2), retryOnStatusCodes: [503] },
      trafficPolicy: { connectionPool: { http: { http1MaxPendingRequests: 32 } } },
    }, chart)();

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(release.routingApi).toBe(RoutingApi.GATEWAY_API);
    expect(release.virtualService).toBeUndefined();
    expect(release.destinationRule).toBeUndefined();
    expect(allOf(manifests, 'VirtualService')).toEqual([]);
    expect(release.versionServices.map(s => s.name)).toEqual(['reviews-v1', 'reviews-v2']);
    expect(release.versionDestinationRules.map(d => d.name)).toEqual(['reviews-v1', 'reviews-v2']);
  });

  test('the request-routing task\'s Gateway API tab: jason to v2, everybody else to v1', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    reviews({ rules: [CanaryRule.header('end-user', StringMatch.exact('jason'), 'v2')] }, chart)();

    // THEN (https://istio.io/latest/docs/tasks/traffic-management/request-routing/, "Gateway API" tab)
    expect(oneOf(synth(chart), 'HTTPRoute', 'reviews').spec).toEqual({
      parentRefs: PARENT,
      rules: [
        { matches: [{ headers: [{ type: 'Exact', name: 'end-user', value: 'jason' }] }], backendRefs: [{ name: 'reviews-v2', port: 9080 }] },
        { backendRefs: [{ name: 'reviews-v1', port: 9080 }] },
      ],
    });
  });

  test('version Services select app and version, with the release\'s port and protocol', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    reviews({ port: 80, targetPort: 9080, protocol: Protocol.HTTP2 }, chart)();

    // THEN
    const v2 = oneOf(synth(chart), 'Service', 'reviews-v2');
    expect(v2.metadata.namespace).toBe('bookinfo');
    expect(v2.spec.selector).toEqual({ app: 'reviews', version: 'v2' });
    expect(v2.spec.ports).toEqual([expect.objectContaining({ port: 80, targetPort: 9080, name: 'http2' })]);
  });

  test('a traffic policy becomes one DestinationRule per version Service, the version\'s own fields replacing the release\'s', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    reviews({
      versions: [
        ...versionsOf('reviews', ['v1']),
        { ...versionsOf('reviews', ['v2'])[0], trafficPolicy: { loadBalancer: { simple: LoadBalancerAlgorithm.RANDOM } } },
      ],
      trafficPolicy: { loadBalancer: { simple: LoadBalancerAlgorithm.ROUND_ROBIN } },
    }, chart)();

    // THEN
    const manifests = synth(chart);
    expect(allOf(manifests, 'DestinationRule').map(d => [d.metadata.name, d.spec.host, d.spec.trafficPolicy.loadBalancer.simple])).toEqual([
      ['reviews-v1', 'reviews-v1', 'ROUND_ROBIN'],
      ['reviews-v2', 'reviews-v2', 'RANDOM'],
    ]);
  });

  test('TCP services get a TCPRoute with the weighted split', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    const release = new CanaryRelease(chart, 'Db', {
      port: 3306, protocol: Protocol.TCP, routingApi: RoutingApi.GATEWAY_API, versions: versionsOf('mysqldb', ['v1', 'v2'], [80, 20]),
    });

    // THEN
    expect(release.tcpRoute).toBeDefined();
    expect(oneOf(synth(chart), 'TCPRoute', 'db').spec).toEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'db', port: 3306 }],
      rules: [{ backendRefs: [{ name: 'db-v1', port: 3306, weight: 80 }, { name: 'db-v2', port: 3306, weight: 20 }] }],
    });
  });

  test('gRPC services get a GRPCRoute: header pins and the split', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    const release = reviews({ protocol: Protocol.GRPC, canaryPercent: 50, rules: [CanaryRule.header('x-canary', StringMatch.exact('1'), 'v2')] }, chart)();

    // THEN
    expect(release.grpcRoute).toBeDefined();
    expect(oneOf(synth(chart), 'GRPCRoute', 'reviews').spec.rules).toEqual([
      { matches: [{ headers: [{ type: 'Exact', name: 'x-canary', value: '1' }] }], backendRefs: [{ name: 'reviews-v2', port: 9080 }] },
      { backendRefs: [{ name: 'reviews-v1', port: 9080, weight: 50 }, { name: 'reviews-v2', port: 9080, weight: 50 }] },
    ]);
  });

  test('IstioApi.useRoutingApi() chooses the backend for a whole app, and the prop overrides it', () => {
    // GIVEN
    const app = Testing.app();
    IstioApi.useRoutingApi(app, RoutingApi.GATEWAY_API);
    const chart = bookinfo(app);

    // WHEN
    new CanaryRelease(chart, 'Reviews', { port: 9080, versions: versionsOf('reviews', ['v1', 'v2']) });
    new CanaryRelease(chart, 'Ratings', { port: 9080, versions: versionsOf('ratings', ['v1', 'v2']), routingApi: RoutingApi.ISTIO });

    // THEN
    const manifests = synth(chart);
    expect(allOf(manifests, 'HTTPRoute').map(r => r.metadata.name)).toEqual(['reviews']);
    expect(allOf(manifests, 'VirtualService').map(r => r.metadata.name)).toEqual(['ratings']);
  });

  test('splitDestinations name the version Services', () => {
    const release = reviews({ canaryPercent: 10 })();
    expect(release.splitDestinations).toEqual([
      { host: 'reviews-v1.bookinfo.svc.cluster.local', port: undefined, weight: 90 },
      { host: 'reviews-v2.bookinfo.svc.cluster.local', port: undefined, weight: 10 },
    ]);
  });
});

describe('CanaryRelease on the Gateway API in ambient mode', () => {
  test('with a waypoint, the waypoint applies the route (no error)', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'shop');
    const ns = new MeshNamespace(chart, 'Shop', { name: 'shop', enrollment: MeshEnrollment.ambient({ waypoint: true }) });

    // WHEN
    new CanaryRelease(ns, 'Reviews', { port: 9080, versions: versionsOf('reviews', ['v1', 'v2']), routingApi: RoutingApi.GATEWAY_API });

    // THEN
    expect(oneOf(synth(chart), 'HTTPRoute', 'reviews').metadata.namespace).toBe('shop');
  });
});

describe('CanaryRelease on the Gateway API: what it cannot express', () => {
  test('fault injection', () => {
    expect(reviews({ rules: [CanaryRule.http({ match: [JASON], fault: { delay: { fixedDelay: Duration.seconds(7) } } })] }))
      .toThrow(/rules\[0\]\.fault: injects faults, and the Gateway API has no fault injection.*Fix: test faults with a VirtualService of their own, or keep this release on Istio's API \(routingApi: RoutingApi\.ISTIO\)/);
  });

  test('a caller (sourceLabels) rule', () => {
    expect(reviews({ rules: [CanaryRule.sourceLabels({ app: 'productpage' }, 'v2')] }))
      .toThrow(/rules\[0\]: matches the calling workload, and Gateway API routes cannot.*\(got "CanaryRule\.sourceLabels\(\)"\).*Fix: have the callers send a header/);
  });

  test('a TCP rule', () => {
    expect(() => new CanaryRelease(bookinfo(), 'Db', {
      port: 3306,
      protocol: Protocol.TCP,
      routingApi: RoutingApi.GATEWAY_API,
      versions: versionsOf('mysqldb', ['v1', 'v2']),
      rules: [CanaryRule.tcp({ match: [{ port: 3306 }], version: 'v2' })],
    })).toThrow(/rules\[0\]: matches connections, and a TCPRoute has no matches.*Fix: remove the rule/);
  });

  test('timeout on a GRPCRoute', () => {
    expect(reviews({ protocol: Protocol.GRPC, timeout: Duration.seconds(5) }))
      .toThrow(/timeout: is an option of HTTPRoute rules, and protocol GRPC is routed with a GRPCRoute, which has no timeouts or retries.*Fix: set protocol HTTP2/);
  });

  test('Envoy retry conditions', () => {
    expect(reviews({ retries: { attempts: 3, retryOn: [RetryOn.GATEWAY_ERROR] } }))
      .toThrow(/retries\.retryOn: names Envoy retry conditions, and an HTTPRoute retries on HTTP status codes only.*\(got \["gateway-error"\]\).*Fix: use retryOnStatusCodes/);
  });

  test('retryRemoteLocalities', () => {
    expect(reviews({ retries: { attempts: 3, retryRemoteLocalities: true } }))
      .toThrow(/retries\.retryRemoteLocalities: has no HTTPRoute counterpart/);
  });

  test('a match field an HTTPRoute has no counterpart for', () => {
    expect(reviews({ rules: [CanaryRule.http({ match: [{ authority: StringMatch.exact('reviews.example.com') }], version: 'v2' })] }))
      .toThrow(/rules\[0\]\.match\[0\]\.authority: is an authority match, which the Gateway API cannot express.*or keep this release on Istio's API/);
  });

  test('a method that is not one exact method', () => {
    expect(reviews({ rules: [CanaryRule.http({ match: [{ method: StringMatch.prefix('P') }], version: 'v2' })] }))
      .toThrow(/rules\[0\]\.match\[0\]\.method: is a method match other than one exact method, which the Gateway API cannot express/);
  });

  test('an HTTP condition on a GRPCRoute', () => {
    expect(reviews({ protocol: Protocol.GRPC, rules: [CanaryRule.http({ match: [{ uri: StringMatch.prefix('/reviews.Reviews/') }], version: 'v2' })] }))
      .toThrow(/rules\[0\]\.match\[0\]\.uri: is an HTTP condition, and protocol GRPC is routed with a GRPCRoute/);
  });

  test('a later rule more specific than an earlier one it overlaps (the Gateway API prefers the most specific match)', () => {
    expect(reviews({
      rules: [
        CanaryRule.header('end-user', StringMatch.exact('jason'), 'v2'),
        CanaryRule.http({ match: [{ headers: { 'end-user': StringMatch.exact('jason'), 'x-debug': StringMatch.exact('1') } }], version: 'v1' }),
      ],
    })).toThrow(/rules\[1\]\.match: would take precedence over the earlier rules\[0\], whose requests it overlaps: the Gateway API orders rules by their match.*or keep this release on Istio's API/);
  });

  test('a release in an ambient namespace without a waypoint, where no proxy applies the route', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'shop');
    const ns = new MeshNamespace(chart, 'Shop', { name: 'shop', enrollment: MeshEnrollment.ambient() });

    // WHEN
    new CanaryRelease(ns, 'Reviews', { port: 9080, versions: versionsOf('reviews', ['v1', 'v2']), routingApi: RoutingApi.GATEWAY_API });

    // THEN
    expect(() => synth(chart)).toThrow(/routingApi: routes with a route parented to Service "reviews" in namespace "shop", which is ambient without a waypoint.*Fix: deploy a waypoint.*In the cluster: the rules and the split are ignored/);
  });

  test('a VirtualService routing the release\'s Service for the mesh as well', () => {
    // GIVEN
    const chart = bookinfo();
    reviews({}, chart)();

    // WHEN
    new VirtualService(chart, 'ReviewsOverride', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews' }] }] });

    // THEN
    expect(() => synth(chart)).toThrow(/routingApi: routes reviews\.bookinfo\.svc\.cluster\.local with an HTTPRoute, and VirtualService bookinfo\/reviews-override .* routes it for the mesh too.*In the cluster: sidecars apply only one of the two/);
  });

  test('bindToGateway(), which needs the VirtualService', () => {
    const release = reviews()();
    expect(() => release.bindToGateway('istio-system/public'))
      .toThrow(/routingApi: is the Gateway API, so the release has no VirtualService and no subsets for bindToGateway\(\).*Fix: attach an HTTPRoute to the Gateway API Gateway with the release's rules/);
  });
});
