/**
 * The routing promises each example exists to keep, checked with the request simulator (the snapshots in
 * examples.test.ts show that the YAML changed; these show whether requests still go where the example says).
 */
import { Testing } from 'cdk8s';
import { build as buildBookinfo } from '../examples/bookinfo/main';
import { build as buildCanary } from '../examples/canary/main';
import { build as buildEgress } from '../examples/egress/main';
import { build as buildSecureIngress } from '../examples/secure-ingress/main';
import { MeshSimulator, RequestOutcome, RequestSource } from '../src/simulator';

function simulatorOf(build: (app: any) => unknown): MeshSimulator {
  const app = Testing.app();
  build(app);
  return MeshSimulator.fromApp(app);
}

describe('bookinfo', () => {
  const sim = simulatorOf(buildBookinfo);
  const productpage = RequestSource.fromWorkload({ namespace: 'bookinfo', labels: { app: 'productpage', version: 'v1' }, serviceAccount: 'bookinfo-productpage' });
  const reviews = (version: string) => RequestSource.fromWorkload({ namespace: 'bookinfo', labels: { app: 'reviews', version }, serviceAccount: 'bookinfo-reviews' });

  test('reviews is split 25/25/50 between v1, v2 and v3', () => {
    const result = sim.request({ source: productpage, host: 'reviews' });
    expect(['v1', 'v2', 'v3'].map(v => result.shareOf('reviews', v))).toEqual([25, 25, 50]);
    expect(result.destinations.map(d => d.workloads)).toEqual([['bookinfo/reviews-v1'], ['bookinfo/reviews-v2'], ['bookinfo/reviews-v3']]);
  });

  test('ratings is chosen by the calling reviews version: v3 calls ratings v2, v2 calls v1', () => {
    sim.request({ source: reviews('v3'), host: 'ratings' }).expectReaches('ratings', { subset: 'v2', share: 100 });
    sim.request({ source: reviews('v2'), host: 'ratings' }).expectReaches('ratings', { subset: 'v1', share: 100 });
  });

  test('jason\'s requests to ratings are delayed 7s', () => {
    const jason = sim.request({ source: reviews('v2'), host: 'ratings', headers: { 'end-user': 'jason' } });
    expect(jason.routeName).toBe('jason-delay');
    expect(jason.fault.delay.fixedDelay).toBe('7s');
  });

  test('the ingress gateway serves the Bookinfo paths on port 8080 and nothing else', () => {
    const gateway = RequestSource.fromGateway('bookinfo/bookinfo-gateway');
    sim.request({ source: gateway, host: 'bookinfo.example.com', port: 8080, path: '/productpage' }).expectReaches('productpage', { share: 100 });
    sim.request({ source: gateway, host: 'bookinfo.example.com', port: 8080, path: '/api/v1/products/1' }).expectReaches('productpage', { share: 100 });
    sim.request({ source: gateway, host: 'bookinfo.example.com', port: 8080, path: '/metrics' }).expectOutcome(RequestOutcome.NO_ROUTE);
  });
});

describe('canary', () => {
  const sim = simulatorOf(buildCanary);
  const client = RequestSource.fromWorkload({ namespace: 'sample', labels: { app: 'curl' } });

  test('live traffic: 90% to v1, 10% to v2, 20% mirrored to v2, 10s deadline and 3 retries', () => {
    const live = sim.request({ source: client, host: 'helloworld', path: '/hello' });
    expect([live.shareOf('helloworld', 'v1'), live.shareOf('helloworld', 'v2')]).toEqual([90, 10]);
    expect(live.mirrors.map(m => [m.subset, m.percentage])).toEqual([['v2', 20]]);
    expect([live.timeout, live.retries.attempts]).toEqual(['10s', 3]);
    expect(live.destinations[0].trafficPolicy.outlierDetection.consecutive5xxErrors).toBe(5);
  });

  test('testers pin their version by header, from the mesh and through the ingress gateway', () => {
    for (const source of [client, RequestSource.fromGateway('sample/helloworld-gateway')]) {
      const host = source === client ? 'helloworld' : 'helloworld.example.com';
      sim.request({ source, host, headers: { 'x-test-group': 'canary' } }).expectReaches('helloworld', { subset: 'v2', share: 100 });
      sim.request({ source, host, headers: { 'x-test-group': 'stable' } }).expectReaches('helloworld', { subset: 'v1', share: 100 });
    }
  });
});

describe('egress', () => {
  const sim = simulatorOf(buildEgress);
  const curl = RequestSource.fromWorkload({ namespace: 'payments', labels: { app: 'curl', version: 'v1' } });

  test('a host the namespace does not register is blocked (REGISTRY_ONLY)', () => {
    sim.request({ source: curl, host: 'www.example.com' }).expectOutcome(RequestOutcome.BLOCKED_BY_REGISTRY_ONLY);
  });

  test('api.github.com leaves through the egress gateway, which originates TLS to port 443', () => {
    const firstHop = sim.request({ source: curl, host: 'api.github.com', port: 80 });
    expect(firstHop.destinations.map(d => d.host)).toEqual(['istio-egressgateway.istio-system.svc.cluster.local']);
    // The three egress DestinationRules for the gateway's host sit in its namespace (the Service's, which istiod
    // consults for clients of every namespace they are exported to) and merge there: each adds its subset.
    expect(firstHop.destinations[0]).toMatchObject({
      subset: 'payments-github',
      port: 443,
      destinationRule: 'istio-system/egressgateway-for-payments-github, istio-system/egressgateway-for-payments-myapp, '
        + 'istio-system/egressgateway-for-payments-orders-db',
    });
    // The egress gateway's Service is Istio's, not the app's.
    firstHop.expectOutcome(RequestOutcome.DEPENDS_ON_CLUSTER);

    // The egress gateway's proxy (in istio-system) gets the second hop and the TLS origination rule of its namespace.
    const secondHop = sim.request({ source: RequestSource.fromGateway('payments/github-egress'), host: 'api.github.com', port: 443 });
    secondHop.expectReaches('api.github.com', { share: 100 });
    expect(secondHop.destinations[0]).toMatchObject({
      service: 'payments/github', port: 443, tlsMode: 'SIMPLE', destinationRule: 'istio-system/originate-tls-for-payments-github',
    });
  });

  test('a client in another namespace leaves the same way: the first hop and its subset are exported to it', () => {
    const other = RequestSource.fromWorkload({ namespace: 'shop', labels: { app: 'web' } });
    const firstHop = sim.request({ source: other, host: 'api.github.com', port: 80 });
    expect(firstHop.destinations[0]).toMatchObject({ host: 'istio-egressgateway.istio-system.svc.cluster.local', subset: 'payments-github' });
    expect(firstHop.destinations[0].destinationRule).toContain('istio-system/egressgateway-for-payments-github');
  });
});

describe('secure-ingress', () => {
  const sim = simulatorOf(buildSecureIngress);
  const gateway = RequestSource.fromGateway('istio-system/public-gateway');

  test('plain HTTP is redirected to HTTPS and HTTPS reaches httpbin', () => {
    sim.request({ source: gateway, host: 'httpbin.example.com', path: '/get' }).expectOutcome(RequestOutcome.REDIRECTED);
    sim.request({ source: gateway, host: 'httpbin.example.com', scheme: 'https', path: '/get' }).expectReaches('httpbin', { share: 100 });
  });

  test('the API needs a token of the shop\'s issuer, and writes need the shop-admin group', () => {
    const api = RequestSource.fromGateway('shop/api-gateway', { workloadNamespace: 'istio-system' });
    const request = { source: api, host: 'api.example.com', scheme: 'https', path: '/anything' };
    const token = { iss: 'https://login.example.com', sub: 'kim', aud: 'shop-api' };

    const anonymous = sim.request(request);
    anonymous.expectOutcome(RequestOutcome.DENIED);
    expect(anonymous.explanation).toContain('istio-system/shop-api-jwt');
    sim.request({ ...request, jwtClaims: token }).expectReaches('httpbin', { share: 100 });
    sim.request({ ...request, method: 'POST', jwtClaims: token }).expectOutcome(RequestOutcome.DENIED);
    sim.request({ ...request, method: 'POST', jwtClaims: { ...token, groups: ['shop-admin'] } }).expectReaches('httpbin', { share: 100 });
    sim.request({ ...request, jwtClaims: { ...token, iss: 'https://evil.example.com' } }).expectOutcome(RequestOutcome.UNAUTHENTICATED);
  });
});
