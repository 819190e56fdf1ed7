/**
 * IngressRoute on the Gateway API routing a path to a CanaryRelease (`httpRoutes: [{ match, release }]`): the
 * IngressRoute's HTTPRoute, whose parent is the ingress Gateway, gets the release's rules (`release.httpRouteRules`)
 * within the path's match. The release's own HTTPRoute is parented to its Service, which istiod binds to the mesh only
 * (istio/istio pilot/pkg/config/kube/gateway, `RouteParents.fetch`: a Service parent is the internal parent "mesh"), so
 * the gateway applies the split only through its own route.
 */
import { App, Chart, Duration, Testing } from 'cdk8s';
import { oneOf, synth } from './util';
import { IstioApi, RoutingApi } from '../src/api-version';
import { CanaryRelease, CanaryReleaseProps, CanaryRule, CanaryWorkload } from '../src/canary-release';
import { GatewayApiHttpRoute } from '../src/gateway-api-http-route';
import { GatewayApiBackend, GatewayApiParent } from '../src/gateway-api-refs';
import { IngressRoute } from '../src/ingress-route';
import { Protocol } from '../src/protocol';
import { ServiceBackend } from '../src/service-backend';
import { StringMatch } from '../src/string-match';

const IMAGES = 'registry.istio.io/release/examples-bookinfo';

function gatewayApiChart(app: App = Testing.app(), namespace: string = 'bookinfo'): Chart {
  IstioApi.useRoutingApi(app, RoutingApi.GATEWAY_API);
  return new Chart(app, namespace, { namespace });
}

function reviews(chart: Chart, props: Partial<CanaryReleaseProps> = {}): CanaryRelease {
  return new CanaryRelease(chart, 'Reviews', {
    port: 9080,
    versions: ['v1', 'v2'].map(name => ({ name, workload: CanaryWorkload.fromImage(`${IMAGES}-reviews-${name}:1.20.3`) })),
    canaryPercent: 10,
    ...props,
  });
}

const REVIEWS_PATH = [{ uri: StringMatch.prefix('/reviews') }];
const SPLIT = [{ name: 'reviews-v1', port: 9080, weight: 90 }, { name: 'reviews-v2', port: 9080, weight: 10 }];

describe('an IngressRoute path to a CanaryRelease on the Gateway API', () => {
  test('snapshot: the release\'s pins, split, mirror, timeout and retries within the path, on an HTTPRoute of the ingress Gateway', () => {
    // GIVEN
    const chart = gatewayApiChart();
    const release = reviews(chart, {
      rules: [CanaryRule.header('end-user', StringMatch.exact('jason'), 'v2')],
      mirror: { version: 'v2', percentage: 20 },
      timeout: Duration.seconds(10),
      retries: { attempts: 3, perTryTimeout: Duration.seconds(2), retryOnStatusCodes: [503] },
    });

    // WHEN
    const ingress = new IngressRoute(chart, 'Bookinfo', {
      hosts: ['bookinfo.example.com'],
      httpRoutes: [{ match: REVIEWS_PATH, release, headers: { request: { set: { 'x-ingress': 'bookinfo' } } } }],
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    const route = oneOf(manifests, 'HTTPRoute', 'bookinfo');
    expect(route.spec.parentRefs).toEqual([{ name: 'bookinfo-gateway' }]);
    expect(ingress.httpRoute?.name).toBe('bookinfo');
    const headerFilter = { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-ingress', value: 'bookinfo' }] } };
    const mirror = { type: 'RequestMirror', requestMirror: { backendRef: { name: 'reviews-v2', port: 9080 }, percent: 20 } };
    expect(route.spec.rules).toEqual([
      {
        matches: [{ path: { type: 'PathPrefix', value: '/reviews' }, headers: [{ type: 'Exact', name: 'end-user', value: 'jason' }] }],
        filters: [headerFilter],
        backendRefs: [{ name: 'reviews-v2', port: 9080 }],
        timeouts: { request: '10s', backendRequest: '2s' },
        retry: { attempts: 3, codes: [503] },
      },
      {
        matches: [{ path: { type: 'PathPrefix', value: '/reviews' } }],
        filters: [headerFilter, mirror],
        backendRefs: SPLIT,
        timeouts: { request: '10s', backendRequest: '2s' },
        retry: { attempts: 3, codes: [503] },
      },
    ]);
  });

  test('the split is preserved at the gateway: the same weighted version Services as the release\'s mesh route, never the release\'s Service', () => {
    // GIVEN
    const chart = gatewayApiChart();
    const release = reviews(chart);

    // WHEN
    new IngressRoute(chart, 'Bookinfo', { hosts: ['bookinfo.example.com'], httpRoutes: [{ release }] });

    // THEN
    const manifests = synth(chart);
    const ingressRoute = oneOf(manifests, 'HTTPRoute', 'bookinfo');
    const meshRoute = oneOf(manifests, 'HTTPRoute', 'reviews');
    expect(meshRoute.spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'reviews', port: 9080 }]);
    expect(ingressRoute.spec.rules.map((r: any) => r.backendRefs)).toEqual(meshRoute.spec.rules.map((r: any) => r.backendRefs));
    expect(ingressRoute.spec.rules).toEqual([{ backendRefs: SPLIT }]);
    const backends = ingressRoute.spec.rules.flatMap((r: any) => r.backendRefs.map((b: any) => b.name));
    expect(backends).not.toContain('reviews');
  });

  test('each of the path\'s matches is combined with each of the rule\'s (both must hold)', () => {
    // GIVEN
    const chart = gatewayApiChart();
    const release = reviews(chart, { rules: [CanaryRule.header('end-user', StringMatch.prefix('ja'), 'v2')] });

    // WHEN
    new IngressRoute(chart, 'Bookinfo', {
      hosts: ['bookinfo.example.com'],
      httpRoutes: [{ match: [{ uri: StringMatch.exact('/reviews') }, { uri: StringMatch.prefix('/api/reviews') }], release }],
    });

    // THEN
    const rules = oneOf(synth(chart), 'HTTPRoute', 'bookinfo').spec.rules;
    const jason = [{ type: 'RegularExpression', name: 'end-user', value: 'ja.*' }];
    expect(rules[0].matches).toEqual([
      { path: { type: 'Exact', value: '/reviews' }, headers: jason },
      { path: { type: 'PathPrefix', value: '/api/reviews' }, headers: jason },
    ]);
    expect(rules[1].matches).toEqual([{ path: { type: 'Exact', value: '/reviews' } }, { path: { type: 'PathPrefix', value: '/api/reviews' } }]);
  });

  test('other paths of the IngressRoute keep their backends, in the Gateway API\'s precedence order', () => {
    // GIVEN
    const chart = gatewayApiChart();
    const release = reviews(chart);

    // WHEN
    new IngressRoute(chart, 'Bookinfo', {
      hosts: ['bookinfo.example.com'],
      httpRoutes: [{ match: REVIEWS_PATH, release }, { route: [{ host: 'productpage', port: 9080 }] }],
    });

    // THEN
    const rules = oneOf(synth(chart), 'HTTPRoute', 'bookinfo').spec.rules;
    expect(rules.map((r: any) => r.backendRefs)).toEqual([SPLIT, [{ name: 'productpage', port: 9080 }]]);
  });
});

describe('errors', () => {
  test('error: a release on Istio\'s API (subsets, no Service per version)', () => {
    const chart = gatewayApiChart();
    const release = reviews(chart, { routingApi: RoutingApi.ISTIO });
    expect(() => new IngressRoute(chart, 'Bookinfo', { hosts: ['bookinfo.example.com'], httpRoutes: [{ match: REVIEWS_PATH, release }] })).toThrow(
      '[bookinfo/Bookinfo] httpRoutes[0].release: is a CanaryRelease on Istio\'s API, whose versions are DestinationRule subsets: Gateway API backendRefs '
      + 'name Services, and the release has no Service per version (got "bookinfo/Reviews"). Fix: put the release on the Gateway API too '
      + '(routingApi: RoutingApi.GATEWAY_API on the CanaryRelease, or IstioApi.useRoutingApi for the app)');
  });

  test('error: a TCP release', () => {
    const chart = gatewayApiChart();
    const release = reviews(chart, { protocol: Protocol.TCP });
    expect(() => new IngressRoute(chart, 'Bookinfo', { hosts: ['bookinfo.example.com'], httpRoutes: [{ release }] })).toThrow(
      'httpRoutes[0].release: is a release of protocol TCP, routed with a TCPRoute, whose rules an HTTPRoute cannot take (got "TCP"). '
      + 'Fix: route the gateway\'s TCP traffic with an IngressRoute tcpRoutes entry and backend: release.backend');
  });

  test('error: a release in another namespace than the IngressRoute', () => {
    const app = Testing.app();
    const release = reviews(gatewayApiChart(app, 'reviews'));
    expect(() => new IngressRoute(new Chart(app, 'edge', { namespace: 'edge' }), 'Bookinfo', { hosts: ['bookinfo.example.com'], httpRoutes: [{ release }] })).toThrow(
      'httpRoutes[0].release: is in namespace "reviews", and this IngressRoute\'s HTTPRoute in "edge": the release\'s rules name its version Services '
      + 'without a namespace (got "reviews/reviews"). Fix: create the IngressRoute in namespace "reviews"');
  });

  test('error: the path and a rule of the release both match the URI', () => {
    const chart = gatewayApiChart();
    const release = reviews(chart, { rules: [CanaryRule.http({ match: [{ uri: StringMatch.prefix('/beta') }], version: 'v2' })] });
    expect(() => new IngressRoute(chart, 'Bookinfo', { hosts: ['bookinfo.example.com'], httpRoutes: [{ match: REVIEWS_PATH, release }] })).toThrow(
      'httpRoutes[0].release: match[0].uri: is also set by the route\'s own match ({"prefix":"/reviews"}), and a request cannot satisfy both (got {"prefix":"/beta"})');
  });

  test('error: a later, more specific path would win over the release\'s path', () => {
    const chart = gatewayApiChart();
    const release = reviews(chart);
    expect(() => new IngressRoute(chart, 'Bookinfo', {
      hosts: ['bookinfo.example.com'],
      httpRoutes: [{ release }, { match: REVIEWS_PATH, route: [{ host: 'reviews-v1', port: 9080 }] }],
    })).toThrow('httpRoutes[1].match: would take precedence over the earlier httpRoutes[0], whose requests it overlaps');
  });
});

describe('IST0140 on the Gateway API: a gateway route to the release\'s Service bypasses its split', () => {
  test('an IngressRoute path whose backend is the release\'s Service is an error naming the release option', () => {
    // GIVEN
    const chart = gatewayApiChart();
    const release = reviews(chart);
    // WHEN
    new IngressRoute(chart, 'Bookinfo', {
      hosts: ['bookinfo.example.com'],
      httpRoutes: [{ match: REVIEWS_PATH, backend: ServiceBackend.fromMeshService(release.service!) }],
    });
    // THEN
    expect(() => synth(chart)).toThrow(/\[bookinfo\/Reviews\] HTTPRoute bookinfo\/bookinfo \(bookinfo\/Bookinfo\/HttpRoute\) rules\[0\]\.backendRefs\[0\]: sends gateway traffic to the release's Service directly, bypassing the release's rules and weights \(got "bookinfo\/reviews"\)\. Fix: put the release on the Gateway API .*\(IST0140\)\. See IngressHttpRoute\.release in the API reference\./);
  });

  test('the same for a release on Istio\'s API behind a Gateway API HTTPRoute', () => {
    // GIVEN
    const chart = gatewayApiChart();
    const release = reviews(chart, { routingApi: RoutingApi.ISTIO });
    // WHEN
    new IngressRoute(chart, 'Bookinfo', {
      hosts: ['bookinfo.example.com'],
      httpRoutes: [{ match: REVIEWS_PATH, backend: ServiceBackend.fromMeshService(release.service!) }],
    });
    // THEN
    expect(() => synth(chart)).toThrow(/bypassing the release's rules and weights.*\(IST0140\)/);
  });

  test('not an error: a mesh (GAMMA) route to the release\'s Service, or the path routed with release:', () => {
    // GIVEN
    const chart = gatewayApiChart();
    const release = reviews(chart);
    // WHEN
    new GatewayApiHttpRoute(chart, 'FromMesh', {
      metadata: { name: 'reviews-from-mesh' },
      parents: [GatewayApiParent.service('details', { port: 9080 })],
      rules: [{ backends: [GatewayApiBackend.service('reviews', 9080)] }],
    });
    new IngressRoute(chart, 'Bookinfo', { hosts: ['bookinfo.example.com'], httpRoutes: [{ match: REVIEWS_PATH, release }] });
    // THEN
    expect(() => synth(chart)).not.toThrow();
  });
});
