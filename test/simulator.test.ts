import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { loadSample, samplesAvailable } from './util/samples';
import { CanaryRelease, CanaryRule, CanaryWorkload } from '../src/canary-release';
import { DestinationRule } from '../src/destination-rule';
import { IngressRoute } from '../src/ingress-route';
import { TlsCredential } from '../src/ingress-tls';
import { MeshNamespace } from '../src/mesh-namespace';
import { MeshService } from '../src/mesh-service';
import { MeshDeployment } from '../src/mesh-workload';
import { Protocol } from '../src/protocol';
import { ServiceBackend } from '../src/service-backend';
import { MeshSimulator, RequestOutcome, RequestSource } from '../src/simulator';
import { StringMatch } from '../src/string-match';

const IMAGES = 'registry.istio.io/release/examples-bookinfo';
const haveSamples = samplesAvailable('Simulator tests on Istio\'s Bookinfo samples');
const withSamples = haveSamples ? describe : describe.skip;

/** Bookinfo's productpage, the caller of reviews and ratings in Istio's tasks. */
const PRODUCTPAGE = RequestSource.fromWorkload({ namespace: 'default', labels: { app: 'productpage', version: 'v1' }, serviceAccount: 'bookinfo-productpage' });
/** reviews v2, the caller of ratings in the fault-injection task. */
const REVIEWS_V2 = RequestSource.fromWorkload({ namespace: 'default', labels: { app: 'reviews', version: 'v2' }, serviceAccount: 'bookinfo-reviews' });

/** A manifest of `kind`, with the apiVersion Kubernetes and Istio serve it at today. */
function manifest(kind: string, metadata: { name: string; namespace?: string; annotations?: { [key: string]: string } }, spec: any): any {
  const apiVersions: { [kind: string]: string } = {
    Service: 'v1', Namespace: 'v1', Deployment: 'apps/v1', AuthorizationPolicy: 'security.istio.io/v1', RequestAuthentication: 'security.istio.io/v1',
  };
  return { apiVersion: apiVersions[kind] ?? 'networking.istio.io/v1', kind, metadata, spec };
}

/** Bookinfo (Services, Deployments), its DestinationRules, and the given networking samples, applied in order. */
function bookinfoWith(...samples: string[]): MeshSimulator {
  const objects = ['bookinfo/bookinfo.yaml', 'bookinfo/destination-rule-all.yaml', ...samples].flatMap(loadSample);
  // `kubectl apply` of a later sample replaces an earlier object of the same kind and name.
  const byId = new Map<string, any>();
  for (const o of objects) byId.set(`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o);
  return MeshSimulator.fromManifests([...byId.values()]);
}

withSamples('Istio\'s request-routing task (istio.io/latest/docs/tasks/traffic-management/request-routing)', () => {
  test('virtual-service-all-v1: every request to reviews reaches v1', () => {
    const sim = bookinfoWith('bookinfo/virtual-service-all-v1.yaml');
    const result = sim.request({ source: PRODUCTPAGE, host: 'reviews' });
    result.expectReaches('reviews', { subset: 'v1', share: 100 });
    expect(result.virtualService).toBe('default/reviews');
    expect(result.destinations[0]).toMatchObject({
      host: 'reviews.default.svc.cluster.local',
      service: 'default/reviews',
      port: 9080,
      destinationRule: 'default/reviews',
      podLabels: { app: 'reviews', version: 'v1' },
      workloads: ['default/reviews-v1'],
    });
  });

  test('virtual-service-reviews-test-v2: end-user jason reaches v2, everyone else v1', () => {
    const sim = bookinfoWith('bookinfo/virtual-service-all-v1.yaml', 'bookinfo/virtual-service-reviews-test-v2.yaml');
    sim.request({ source: PRODUCTPAGE, host: 'reviews', headers: { 'end-user': 'jason' } }).expectReaches('reviews', { subset: 'v2', share: 100 });
    sim.request({ source: PRODUCTPAGE, host: 'reviews', headers: { 'end-user': 'kim' } }).expectReaches('reviews', { subset: 'v1', share: 100 });
    sim.request({ source: PRODUCTPAGE, host: 'reviews' }).expectReaches('reviews', { subset: 'v1', share: 100 });
  });

  test('the ingress gateway sends /productpage to productpage and anything else nowhere (bookinfo-gateway)', () => {
    const sim = bookinfoWith('bookinfo/bookinfo-gateway.yaml');
    const gateway = RequestSource.fromGateway('default/bookinfo-gateway');
    const page = sim.request({ source: gateway, host: 'bookinfo.example.com', port: 8080, path: '/productpage' });
    page.expectReaches('productpage', { share: 100 });
    expect(page.proxy).toBe('gateway workload {"istio":"ingressgateway"} in istio-system');
    const other = sim.request({ source: gateway, host: 'bookinfo.example.com', port: 8080, path: '/admin' });
    other.expectOutcome(RequestOutcome.NO_ROUTE);
    expect(other.statusCode).toBe(404);
  });
});

withSamples('Istio\'s traffic-shifting task (istio.io/latest/docs/tasks/traffic-management/traffic-shifting)', () => {
  test.each([
    ['virtual-service-reviews-50-v3.yaml', { v1: 50, v3: 50 }],
    ['virtual-service-reviews-80-20.yaml', { v1: 80, v2: 20 }],
    ['virtual-service-reviews-90-10.yaml', { v1: 90, v2: 10 }],
    ['virtual-service-reviews-v3.yaml', { v3: 100 }],
    ['virtual-service-reviews-v2-v3.yaml', { v2: 50, v3: 50 }],
  ])('%s splits reviews traffic %j', (sample, split) => {
    const result = bookinfoWith(`bookinfo/${sample}`).request({ source: PRODUCTPAGE, host: 'reviews' });
    for (const [subset, share] of Object.entries(split)) expect(result.shareOf('reviews', subset)).toBe(share);
    expect(result.shareOf('reviews')).toBe(100);
  });
});

withSamples('Istio\'s fault-injection task (istio.io/latest/docs/tasks/traffic-management/fault-injection)', () => {
  test('virtual-service-ratings-test-delay: jason\'s requests to ratings are delayed 7s, reach v1, and time out in reviews\' 2x3s', () => {
    const sim = bookinfoWith('bookinfo/virtual-service-all-v1.yaml', 'bookinfo/virtual-service-ratings-test-delay.yaml');
    const jason = sim.request({ source: REVIEWS_V2, host: 'ratings', headers: { 'end-user': 'jason' } });
    jason.expectReaches('ratings', { subset: 'v1', share: 100 });
    expect(jason.fault).toEqual({ delay: { percentage: { value: 100 }, fixedDelay: '7s' } });
    const other = sim.request({ source: REVIEWS_V2, host: 'ratings' });
    expect(other.fault).toBeUndefined();
  });

  test('virtual-service-ratings-test-abort: jason gets 500 from ratings, everyone else reaches v1', () => {
    const sim = bookinfoWith('bookinfo/virtual-service-all-v1.yaml', 'bookinfo/virtual-service-ratings-test-abort.yaml');
    const jason = sim.request({ source: REVIEWS_V2, host: 'ratings', headers: { 'end-user': 'jason' } });
    jason.expectOutcome(RequestOutcome.ABORTED);
    expect(jason.statusCode).toBe(500);
    sim.request({ source: REVIEWS_V2, host: 'ratings' }).expectReaches('ratings', { subset: 'v1', share: 100 });
  });
});

describe('Istio\'s mirroring task (istio.io/latest/docs/tasks/traffic-management/mirroring)', () => {
  /** The task's httpbin v1/v2, DestinationRule and VirtualService, as the task applies them. */
  function httpbin(mirror: boolean): MeshSimulator {
    const deployment = (version: string) => (manifest('Deployment', { name: `httpbin-${version}`, namespace: 'default' }, { template: { metadata: { labels: { app: 'httpbin', version } }, spec: { containers: [{ image: 'docker.io/kennethreitz/httpbin' }] } } }));
    return MeshSimulator.fromManifests([
      deployment('v1'), deployment('v2'),
      manifest('Service', { name: 'httpbin', namespace: 'default' }, { ports: [{ name: 'http', port: 8000, targetPort: 80 }], selector: { app: 'httpbin' } }),
      manifest('DestinationRule', { name: 'httpbin', namespace: 'default' }, { host: 'httpbin', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] }),
      manifest('VirtualService', { name: 'httpbin', namespace: 'default' }, {
        hosts: ['httpbin'],
        http: [{
          route: [{ destination: { host: 'httpbin', subset: 'v1' }, weight: 100 }],
          ...(mirror ? { mirror: { host: 'httpbin', subset: 'v2' }, mirrorPercentage: { value: 100.0 } } : {}),
        }],
      }),
    ]);
  }
  const SLEEP = RequestSource.fromWorkload({ namespace: 'default', labels: { app: 'sleep' } });

  test('before mirroring, all traffic reaches v1 and nothing is mirrored', () => {
    const result = httpbin(false).request({ source: SLEEP, host: 'httpbin', path: '/headers' });
    result.expectReaches('httpbin', { subset: 'v1', share: 100 });
    expect(result.mirrors).toEqual([]);
  });

  test('with the mirror, v1 answers and every request is copied to v2', () => {
    const result = httpbin(true).request({ source: SLEEP, host: 'httpbin', path: '/headers' });
    result.expectReaches('httpbin', { subset: 'v1', share: 100 });
    expect(result.mirrors).toEqual([{
      host: 'httpbin.default.svc.cluster.local',
      subset: 'v2',
      port: 8000,
      percentage: 100,
      outcome: RequestOutcome.ROUTED,
      explanation: 'reaches default/httpbin subset v2',
    }]);
  });
});

describe('the library\'s patterns', () => {
  function shop(): { chart: Chart; ns: MeshNamespace } {
    const chart = new Chart(Testing.app(), 'shop');
    return { chart, ns: new MeshNamespace(chart, 'Shop', { name: 'shop' }) };
  }
  const image = (v: string) => CanaryWorkload.fromImage(`${IMAGES}-reviews-${v}:1.20.3`);
  const CALLER = RequestSource.fromWorkload({ namespace: 'shop', labels: { app: 'productpage' } });

  test('a CanaryRelease\'s header pin, split, timeout and retries', () => {
    const { chart, ns } = shop();
    new CanaryRelease(ns, 'Reviews', {
      port: 9080,
      versions: [{ name: 'v1', weight: 80, workload: image('v1') }, { name: 'v2', weight: 20, workload: image('v2') }],
      rules: [CanaryRule.header('end-user', StringMatch.exact('jason'), 'v2')],
      timeout: Duration.seconds(10),
    });
    const sim = MeshSimulator.fromChart(chart);

    const jason = sim.request({ source: CALLER, host: 'reviews', headers: { 'end-user': 'jason' } });
    jason.expectReaches('reviews', { subset: 'v2', share: 100 });
    expect(jason.destinations[0].workloads).toEqual(['shop/reviews-v2']);
    expect(jason.timeout).toBe('10s');

    const anyone = sim.request({ source: CALLER, host: 'reviews' });
    expect([anyone.shareOf('reviews', 'v1'), anyone.shareOf('reviews', 'v2')]).toEqual([80, 20]);
  });

  test('an IngressRoute: HTTPS is served, plain HTTP is redirected, unknown paths are 404', () => {
    const { chart, ns } = shop();
    const reviews = new MeshService(ns, 'Reviews', { ports: [{ port: 9080, protocol: Protocol.HTTP }] });
    new MeshDeployment(ns, 'ReviewsV1', { app: 'reviews', version: 'v1', containers: [{ image: `${IMAGES}-reviews-v1:1.20.3`, ports: [{ number: 9080, name: 'http' }] }] });
    const route = new IngressRoute(ns, 'Public', {
      hosts: ['shop.example.com'],
      tls: { credential: TlsCredential.fromSecret('shop-example-com', 'istio-system') },
      httpRoutes: [{ match: [{ uri: StringMatch.prefix('/reviews') }], backend: ServiceBackend.fromMeshService(reviews) }],
    });
    const sim = MeshSimulator.fromChart(chart);
    const from = RequestSource.fromGateway(route.gatewayRef);
    const redirected = sim.request({ source: from, host: 'shop.example.com', path: '/reviews' });
    redirected.expectOutcome(RequestOutcome.REDIRECTED);
    expect(redirected.statusCode).toBe(301);
    const served = sim.request({ source: from, host: 'shop.example.com', scheme: 'https', path: '/reviews/1' });
    served.expectReaches('reviews', { share: 100 });
    expect(served.gatewayServer.tls).toMatchObject({ mode: 'SIMPLE', credentialName: 'shop-example-com' });
    sim.request({ source: from, host: 'shop.example.com', scheme: 'https', path: '/admin' }).expectOutcome(RequestOutcome.NO_ROUTE);
    sim.request({ source: from, host: 'other.example.com', scheme: 'https', path: '/reviews' }).expectOutcome(RequestOutcome.NO_ROUTE);
  });

  test('a MeshNamespace\'s default-deny refuses callers it does not allow, naming the policy', () => {
    const chart = new Chart(Testing.app(), 'shop');
    const ns = new MeshNamespace(chart, 'Shop', { name: 'shop', defaultDeny: true });
    ns.allowFromNamespaces(['frontend']);
    new CanaryRelease(ns, 'Reviews', { port: 9080, versions: [{ name: 'v1', weight: 100, workload: image('v1') }, { name: 'v2', weight: 0, workload: image('v2') }] });
    const sim = MeshSimulator.fromChart(chart);

    const denied = sim.request({ source: RequestSource.fromWorkload({ namespace: 'marketing' }), host: 'reviews.shop' });
    denied.expectOutcome(RequestOutcome.DENIED);
    expect(denied.statusCode).toBe(403);
    expect(denied.destinations[0].authorizationPolicy).toMatch(/^shop\//);
    sim.request({ source: RequestSource.fromWorkload({ namespace: 'frontend' }), host: 'reviews.shop' }).expectReaches('reviews', { share: 100 });
  });

  test('a DestinationRule exported only to its own namespace is not consulted for clients elsewhere (503 NC for its subset)', () => {
    const chart = new Chart(Testing.app(), 'apps');
    new ApiObject(chart, 'Svc', manifest('Service', { name: 'api', namespace: 'team-a' }, { ports: [{ name: 'http', port: 80 }], selector: { app: 'api' } }));
    new DestinationRule(chart, 'Dr', { metadata: { name: 'api', namespace: 'team-c' }, host: 'api.team-a.svc.cluster.local', subsets: [{ name: 'v1', labels: { version: 'v1' } }], exportTo: ['.'] });
    new ApiObject(chart, 'Vs', manifest('VirtualService', { name: 'api', namespace: 'team-b' }, { hosts: ['api.team-a.svc.cluster.local'], http: [{ route: [{ destination: { host: 'api.team-a.svc.cluster.local', subset: 'v1' } }] }] }));
    const sim = MeshSimulator.fromChart(chart);
    const result = sim.request({ source: RequestSource.fromWorkload({ namespace: 'team-b' }), host: 'api.team-a' });
    result.expectOutcome(RequestOutcome.NO_CLUSTER);
    expect(result.explanation).toContain('no DestinationRule visible to the sidecar of a workload in team-b defines subsets for api.team-a.svc.cluster.local');
  });
});

describe('why nothing matches: one test per outcome', () => {
  const svc = (name: string, ns = 'default', port = 80) => (manifest('Service', { name, namespace: ns }, { ports: [{ name: 'http', port }], selector: { app: name } }));
  const deploy = (name: string, version: string, ns = 'default') => (manifest('Deployment', { name: `${name}-${version}`, namespace: ns }, { template: { metadata: { labels: { app: name, version } }, spec: { containers: [{ image: 'x' }] } } }));
  const vs = (spec: any, name = 'vs', ns = 'default') => manifest('VirtualService', { name, namespace: ns }, spec);
  const FROM = RequestSource.fromWorkload({ namespace: 'default', labels: { app: 'client' } });

  test('NO_ROUTE: no route of the VirtualService matches (404 NR)', () => {
    const sim = MeshSimulator.fromManifests([svc('api'), deploy('api', 'v1'),
      vs({ hosts: ['api'], http: [{ match: [{ uri: { prefix: '/v1' } }], route: [{ destination: { host: 'api' } }] }] })]);
    const result = sim.request({ source: FROM, host: 'api', path: '/v2/users' });
    result.expectOutcome(RequestOutcome.NO_ROUTE);
    expect(result.statusCode).toBe(404);
    expect(result.explanation).toBe('no route of default/vs matches the request to api (404 NR)');
  });

  test('NO_CLUSTER: a subset no DestinationRule defines (503 NC)', () => {
    const sim = MeshSimulator.fromManifests([svc('api'), deploy('api', 'v1'),
      manifest('DestinationRule', { name: 'api', namespace: 'default' }, { host: 'api', subsets: [{ name: 'v1', labels: { version: 'v1' } }] }),
      vs({ hosts: ['api'], http: [{ route: [{ destination: { host: 'api', subset: 'v3' } }] }] })]);
    const result = sim.request({ source: FROM, host: 'api' });
    result.expectOutcome(RequestOutcome.NO_CLUSTER);
    expect(result.statusCode).toBe(503);
    expect(result.explanation).toContain('subset v3 is not defined by DestinationRule default/api');
  });

  test('BLOCKED_BY_REGISTRY_ONLY: a host the app does not know, from a namespace that allows only known hosts (502)', () => {
    const sim = MeshSimulator.fromManifests([
      manifest('Sidecar', { name: 'default', namespace: 'default' }, { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } }),
    ]);
    const result = sim.request({ source: FROM, host: 'www.example.com' });
    result.expectOutcome(RequestOutcome.BLOCKED_BY_REGISTRY_ONLY);
    expect(result.statusCode).toBe(502);
    expect(result.explanation).toContain('Sidecar default/default allows only known hosts (REGISTRY_ONLY)');
  });

  test('BLOCKED_BY_REGISTRY_ONLY: a Service the Sidecar\'s egress hosts do not import', () => {
    const sim = MeshSimulator.fromManifests([svc('api', 'other'),
      manifest('Sidecar', { name: 'default', namespace: 'default' }, { egress: [{ hosts: ['./*'] }], outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } })]);
    const result = sim.request({ source: FROM, host: 'api.other' });
    result.expectOutcome(RequestOutcome.BLOCKED_BY_REGISTRY_ONLY);
    expect(result.explanation).toContain('Sidecar default/default does not import other/api.other.svc.cluster.local into default');
  });

  test('DENIED: an AuthorizationPolicy denies it, named (403)', () => {
    const sim = MeshSimulator.fromManifests([svc('api'), deploy('api', 'v1'),
      manifest('AuthorizationPolicy', { name: 'no-admin', namespace: 'default' }, { selector: { matchLabels: { app: 'api' } }, action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] })]);
    const result = sim.request({ source: FROM, host: 'api', path: '/admin/users' });
    result.expectOutcome(RequestOutcome.DENIED);
    expect(result.destinations[0].authorizationPolicy).toBe('default/no-admin');
    expect(result.explanation).toContain('denied by DENY AuthorizationPolicy default/no-admin');
    sim.request({ source: FROM, host: 'api', path: '/users' }).expectReaches('api', { share: 100 });
  });

  test('UNAUTHENTICATED: a token from an issuer the gateway\'s RequestAuthentication does not trust (401)', () => {
    const sim = MeshSimulator.fromManifests([
      manifest('Gateway', { name: 'gw', namespace: 'istio-system' }, { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] }),
      manifest('RequestAuthentication', { name: 'jwt', namespace: 'istio-system' }, { selector: { matchLabels: { istio: 'ingressgateway' } }, jwtRules: [{ issuer: 'https://auth.example.com' }] }),
    ]);
    const result = sim.request({ source: RequestSource.fromGateway('istio-system/gw'), host: 'a.example.com', jwtClaims: { iss: 'https://evil.example.com', sub: 'x' } });
    result.expectOutcome(RequestOutcome.UNAUTHENTICATED);
    expect(result.statusCode).toBe(401);
  });

  test('NO_LISTENER: no server of the gateway listens on the port', () => {
    const sim = MeshSimulator.fromManifests([
      manifest('Gateway', { name: 'gw', namespace: 'istio-system' }, { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] }),
    ]);
    const result = sim.request({ source: RequestSource.fromGateway('istio-system/gw'), host: 'a.example.com', port: 8443 });
    result.expectOutcome(RequestOutcome.NO_LISTENER);
    expect(result.explanation).toBe('no server of istio-system/gw listens on port 8443: the connection is refused');
  });

  test('DEPENDS_ON_CLUSTER: a Service the app does not define', () => {
    const result = MeshSimulator.fromManifests([manifest('Namespace', { name: 'billing' }, {})])
      .request({ source: FROM, host: 'payments.billing' });
    result.expectOutcome(RequestOutcome.DEPENDS_ON_CLUSTER);
    expect(result.explanation).toContain('payments.billing.svc.cluster.local is not a Service or ServiceEntry host of the app visible from default');
  });
});

describe('Istio\'s routing order and scoping', () => {
  const base = [
    manifest('Service', { name: 'api', namespace: 'default' }, { ports: [{ name: 'http', port: 80 }], selector: { app: 'api' } }),
    manifest('Service', { name: 'legacy', namespace: 'default' }, { ports: [{ name: 'http', port: 80 }], selector: { app: 'legacy' } }),
  ];
  const FROM = RequestSource.fromWorkload({ namespace: 'default' });

  test('the first matching route wins, even when a later one matches more precisely', () => {
    const sim = MeshSimulator.fromManifests([...base, manifest('VirtualService', { name: 'api', namespace: 'default' }, {
      hosts: ['api'],
      http: [
        { name: 'all', match: [{ uri: { prefix: '/' } }], route: [{ destination: { host: 'api' } }] },
        { name: 'legacy', match: [{ uri: { exact: '/old' } }], route: [{ destination: { host: 'legacy' } }] },
      ],
    })]);
    const result = sim.request({ source: FROM, host: 'api', path: '/old' });
    expect(result.routeName).toBe('all');
    result.expectReaches('api', { share: 100 });
  });

  test('a delegate\'s routes replace the delegating route, and what none matches goes on to the next parent route', () => {
    const sim = MeshSimulator.fromManifests([...base,
      manifest('VirtualService', { name: 'root', namespace: 'default' }, {
        hosts: ['api'],
        http: [
          { match: [{ uri: { prefix: '/v1' } }], delegate: { name: 'v1-routes', namespace: 'default' } },
          { route: [{ destination: { host: 'legacy' } }] },
        ],
      }),
      manifest('VirtualService', { name: 'v1-routes', namespace: 'default' }, { http: [{ match: [{ uri: { prefix: '/v1/users' } }], route: [{ destination: { host: 'api' } }] }] })]);
    const users = sim.request({ source: FROM, host: 'api', path: '/v1/users/7' });
    expect(users.virtualService).toBe('default/v1-routes');
    users.expectReaches('api', { share: 100 });
    sim.request({ source: FROM, host: 'api', path: '/v1/orders' }).expectReaches('legacy', { share: 100 });
  });

  test('a route whose match names only a gateway does not apply to mesh traffic', () => {
    const sim = MeshSimulator.fromManifests([...base, manifest('VirtualService', { name: 'api', namespace: 'default' }, {
      hosts: ['api'],
      gateways: ['mesh', 'public'],
      http: [
        { match: [{ gateways: ['public'] }], route: [{ destination: { host: 'legacy' } }] },
        { route: [{ destination: { host: 'api' } }] },
      ],
    })]);
    sim.request({ source: FROM, host: 'api' }).expectReaches('api', { share: 100 });
  });

  test('a VirtualService exported to another namespace does not apply to clients in this one', () => {
    const sim = MeshSimulator.fromManifests([...base, manifest('VirtualService', { name: 'api', namespace: 'default' }, { hosts: ['api.default.svc.cluster.local'], exportTo: ['other'], http: [{ route: [{ destination: { host: 'legacy' } }] }] })]);
    sim.request({ source: FROM, host: 'api' }).expectReaches('api', { share: 100 });
    sim.request({ source: RequestSource.fromWorkload({ namespace: 'other' }), host: 'api.default' }).expectReaches('legacy', { share: 100 });
  });

  test('regex matches are RE2 and match the whole path (Envoy safe_regex)', () => {
    const sim = MeshSimulator.fromManifests([...base, manifest('VirtualService', { name: 'api', namespace: 'default' }, {
      hosts: ['api'],
      http: [
        { match: [{ uri: { regex: '(?i)/admin.*' } }], route: [{ destination: { host: 'legacy' } }] },
        { route: [{ destination: { host: 'api' } }] },
      ],
    })]);
    sim.request({ source: FROM, host: 'api', path: '/ADMIN/x' }).expectReaches('legacy', { share: 100 });
    sim.request({ source: FROM, host: 'api', path: '/x/admin' }).expectReaches('api', { share: 100 });
  });
});

describe('what a route does and which policy applies', () => {
  const api = manifest('Service', { name: 'api', namespace: 'default' }, { ports: [{ name: 'http', port: 80, targetPort: 8080 }], selector: { app: 'api' } });
  const db = manifest('Service', { name: 'db', namespace: 'default' }, { ports: [{ name: 'tcp-postgres', port: 5432 }], selector: { app: 'db' } });
  const vs = (name: string, spec: any, ns = 'default') => manifest('VirtualService', { name, namespace: ns }, spec);
  const dr = (name: string, ns: string, spec: any) => manifest('DestinationRule', { name, namespace: ns }, spec);
  const FROM = RequestSource.fromWorkload({ namespace: 'default' });

  test('a direct response, a rewrite with header operations, and a redirect', () => {
    const sim = MeshSimulator.fromManifests([api, vs('api', {
      hosts: ['api'],
      http: [
        { match: [{ uri: { exact: '/healthz' } }], directResponse: { status: 200, body: { string: 'ok' } } },
        { match: [{ uri: { prefix: '/old' } }], redirect: { uri: '/new', redirectCode: 308 } },
        { rewrite: { uri: '/v2' }, headers: { request: { set: { 'x-version': 'v2' } } }, route: [{ destination: { host: 'api' } }] },
      ],
    })]);
    const health = sim.request({ source: FROM, host: 'api', path: '/healthz' });
    expect([health.outcome, health.statusCode, health.directResponse.body]).toEqual([RequestOutcome.DIRECT_RESPONSE, 200, { string: 'ok' }]);
    const old = sim.request({ source: FROM, host: 'api', path: '/old/page' });
    expect([old.outcome, old.statusCode, old.redirect.uri]).toEqual([RequestOutcome.REDIRECTED, 308, '/new']);
    const rewritten = sim.request({ source: FROM, host: 'api', path: '/x' });
    expect([rewritten.rewrite, rewritten.headers]).toEqual([{ uri: '/v2' }, { request: { set: { 'x-version': 'v2' } } }]);
  });

  test('the subset\'s traffic policy replaces the rule\'s, and port-level settings the port\'s', () => {
    const sim = MeshSimulator.fromManifests([api, dr('api', 'default', {
      host: 'api',
      trafficPolicy: {
        loadBalancer: { simple: 'ROUND_ROBIN' },
        tls: { mode: 'ISTIO_MUTUAL' },
        portLevelSettings: [{ port: { number: 80 }, connectionPool: { http: { http1MaxPendingRequests: 10 } } }],
      },
      subsets: [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' } } }],
    }), vs('api', { hosts: ['api'], http: [{ route: [{ destination: { host: 'api', subset: 'v1' } }] }] })]);
    const dest = sim.request({ source: FROM, host: 'api' }).destinations[0];
    expect(dest.trafficPolicy).toEqual({ loadBalancer: { simple: 'LEAST_REQUEST' }, connectionPool: { http: { http1MaxPendingRequests: 10 } } });
    expect(dest.tlsMode).toBe('AUTO');
  });

  test('DestinationRule lookup: the client\'s namespace, then the Service\'s, then the root namespace', () => {
    const rules = [
      dr('api-root', 'istio-system', { host: 'api.default.svc.cluster.local', subsets: [{ name: 'root', labels: { v: 'root' } }] }),
      dr('api-own', 'default', { host: 'api', subsets: [{ name: 'own', labels: { v: 'own' } }] }),
      dr('api-client', 'client', { host: 'api.default.svc.cluster.local', subsets: [{ name: 'client', labels: { v: 'client' } }] }),
    ];
    const lookup = (objects: any[], ns: string) =>
      MeshSimulator.fromManifests([api, ...objects]).request({ source: RequestSource.fromWorkload({ namespace: ns }), host: 'api.default' }).destinations[0].destinationRule;
    expect(lookup(rules, 'client')).toBe('client/api-client');
    expect(lookup(rules, 'other')).toBe('default/api-own');
    expect(lookup([rules[0]], 'other')).toBe('istio-system/api-root');
  });

  test('a more specific rule that is not exported hides a less specific exported one (MostSpecificHostMatch before exportTo)', () => {
    const sim = MeshSimulator.fromManifests([api,
      dr('exact', 'default', { host: 'api.default.svc.cluster.local', exportTo: ['.'] }),
      dr('wildcard', 'default', { host: '*.default.svc.cluster.local' }),
      dr('root', 'istio-system', { host: '*.svc.cluster.local', trafficPolicy: { tls: { mode: 'DISABLE' } } })]);
    const dest = sim.request({ source: RequestSource.fromWorkload({ namespace: 'other' }), host: 'api.default' }).destinations[0];
    expect(dest.destinationRule).toBe('default/wildcard');
  });

  test('TCP ports use the tcp routes, matched by port', () => {
    const sim = MeshSimulator.fromManifests([db, api, vs('db', { hosts: ['db'], tcp: [{ match: [{ port: 5432 }], route: [{ destination: { host: 'api', port: { number: 80 } } }] }] })]);
    const result = sim.request({ source: FROM, host: 'db' });
    result.expectReaches('api', { share: 100 });
    expect(result.retries).toBeUndefined();
  });

  test('protocols as Istio selects them: a TLS-terminating gateway server uses tcp routes, an unnamed port 3306 is TCP', () => {
    const mysql = manifest('Service', { name: 'mysql', namespace: 'default' }, { ports: [{ port: 3306 }], selector: { app: 'mysql' } });
    const sim = MeshSimulator.fromManifests([api, mysql,
      manifest('Gateway', { name: 'gw', namespace: 'istio-system' }, {
        selector: { istio: 'ingressgateway' },
        servers: [{ port: { number: 3306, name: 'tls-mysql', protocol: 'TLS' }, hosts: ['db.example.com'], tls: { mode: 'SIMPLE', credentialName: 'db-cert' } }],
      }),
      vs('db', { hosts: ['db.example.com'], gateways: ['istio-system/gw'], tcp: [{ route: [{ destination: { host: 'mysql' } }] }] }),
      vs('mysql', { hosts: ['mysql'], tcp: [{ route: [{ destination: { host: 'api' } }] }], http: [{ route: [{ destination: { host: 'mysql' } }] }] })]);
    sim.request({ source: RequestSource.fromGateway('istio-system/gw'), host: 'db.example.com', port: 3306 }).expectReaches('mysql', { share: 100 });
    sim.request({ source: FROM, host: 'mysql' }).expectReaches('api', { share: 100 });
  });

  test('TLS passthrough at a gateway is routed by SNI', () => {
    const sim = MeshSimulator.fromManifests([api,
      manifest('Gateway', { name: 'gw', namespace: 'istio-system' }, { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: ['*.example.com'], tls: { mode: 'PASSTHROUGH' } }] }),
      vs('passthrough', { hosts: ['*.example.com'], gateways: ['istio-system/gw'], tls: [{ match: [{ sniHosts: ['api.example.com'] }], route: [{ destination: { host: 'api' } }] }] })]);
    const from = RequestSource.fromGateway('istio-system/gw');
    sim.request({ source: from, host: 'api.example.com', port: 443 }).expectReaches('api', { share: 100 });
    sim.request({ source: from, host: 'web.example.com', port: 443 }).expectOutcome(RequestOutcome.NO_ROUTE);
  });

  test('a gateway server host "ns/host" admits only VirtualServices of that namespace', () => {
    const gateway = manifest('Gateway', { name: 'gw', namespace: 'istio-system' }, { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop/*.example.com'] }] });
    const route = (ns: string) => vs('public', { hosts: ['a.example.com'], gateways: ['istio-system/gw'], http: [{ route: [{ destination: { host: 'api.default.svc.cluster.local' } }] }] }, ns);
    const from = RequestSource.fromGateway('istio-system/gw');
    MeshSimulator.fromManifests([api, gateway, route('shop')]).request({ source: from, host: 'a.example.com' }).expectReaches('api', { share: 100 });
    MeshSimulator.fromManifests([api, gateway, route('marketing')]).request({ source: from, host: 'a.example.com' }).expectOutcome(RequestOutcome.NO_ROUTE);
  });

  test('at a gateway, the routes of every VirtualService for the host merge in order', () => {
    const sim = MeshSimulator.fromManifests([api, db,
      manifest('Gateway', { name: 'gw', namespace: 'istio-system' }, { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] }),
      vs('a-orders', { hosts: ['shop.example.com'], gateways: ['istio-system/gw'], http: [{ match: [{ uri: { prefix: '/orders' } }], route: [{ destination: { host: 'db', port: { number: 5432 } } }] }] }),
      vs('b-rest', { hosts: ['shop.example.com'], gateways: ['istio-system/gw'], http: [{ route: [{ destination: { host: 'api' } }] }] })]);
    const from = RequestSource.fromGateway('istio-system/gw');
    expect(sim.request({ source: from, host: 'shop.example.com', path: '/orders/1' }).virtualService).toBe('default/a-orders');
    const rest = sim.request({ source: from, host: 'shop.example.com', path: '/cart' });
    expect(rest.virtualService).toBe('default/b-rest');
    expect(rest.notes.join()).toContain('istiod merges their routes');
  });

  test('routing on JWT claims holds only where a RequestAuthentication at the gateway validated the token (IST0149)', () => {
    const objects = (withAuthn: boolean) => [api,
      manifest('Gateway', { name: 'gw', namespace: 'istio-system' }, { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] }),
      vs('claims', {
        hosts: ['*'],
        gateways: ['istio-system/gw'],
        http: [
          { match: [{ headers: { '@request.auth.claims.group': { exact: 'beta' } } }], route: [{ destination: { host: 'api' } }] },
        ],
      }),
      ...(withAuthn ? [manifest('RequestAuthentication', { name: 'jwt', namespace: 'istio-system' }, { selector: { matchLabels: { istio: 'ingressgateway' } }, jwtRules: [{ issuer: 'https://auth.example.com' }] })] : [])];
    const request = { source: RequestSource.fromGateway('istio-system/gw'), host: 'a.example.com', jwtClaims: { iss: 'https://auth.example.com', sub: 'u1', group: 'beta' } };
    MeshSimulator.fromManifests(objects(true)).request(request).expectReaches('api', { share: 100 });
    MeshSimulator.fromManifests(objects(false)).request(request).expectOutcome(RequestOutcome.NO_ROUTE);
  });

  test('a VirtualService for a host outside the registry routes it on port 80 only', () => {
    const sim = MeshSimulator.fromManifests([api, vs('google', { hosts: ['www.google.com'], http: [{ route: [{ destination: { host: 'api' } }] }] })]);
    sim.request({ source: FROM, host: 'www.google.com' }).expectReaches('api', { share: 100 });
    sim.request({ source: FROM, host: 'www.google.com', port: 8080 }).expectOutcome(RequestOutcome.DEPENDS_ON_CLUSTER);
  });

  test('a Service exported only to its own namespace is not in other namespaces\' registry', () => {
    const hidden = { ...api, metadata: { ...api.metadata, annotations: { 'networking.istio.io/exportTo': '.' } } };
    const sim = MeshSimulator.fromManifests([hidden]);
    sim.request({ source: FROM, host: 'api' }).expectReaches('api', { share: 100 });
    sim.request({ source: RequestSource.fromWorkload({ namespace: 'other' }), host: 'api.default' }).expectOutcome(RequestOutcome.DEPENDS_ON_CLUSTER);
  });

  test('an AuthorizationPolicy in dry-run is noted, not enforced', () => {
    const sim = MeshSimulator.fromManifests([api,
      manifest('Deployment', { name: 'api', namespace: 'default' }, { template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ image: 'x' }] } } }),
      manifest('AuthorizationPolicy', { name: 'deny-all', namespace: 'default', annotations: { 'istio.io/dry-run': 'true' } }, { action: 'DENY', rules: [{}] })]);
    const result = sim.request({ source: FROM, host: 'api' });
    result.expectReaches('api', { share: 100 });
    expect(result.notes).toContain('AuthorizationPolicy default/deny-all is in dry-run: it is logged, not enforced');
  });

  test('AuthorizationPolicy ports are the workload\'s (targetPort), not the Service\'s', () => {
    const policy = (port: string) => (manifest('AuthorizationPolicy', { name: 'deny-port', namespace: 'default' }, { selector: { matchLabels: { app: 'api' } }, action: 'DENY', rules: [{ to: [{ operation: { ports: [port] } }] }] }));
    const deployment = manifest('Deployment', { name: 'api', namespace: 'default' }, { template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ image: 'x' }] } } });
    MeshSimulator.fromManifests([api, deployment, policy('8080')]).request({ source: FROM, host: 'api' }).expectOutcome(RequestOutcome.DENIED);
    MeshSimulator.fromManifests([api, deployment, policy('80')]).request({ source: FROM, host: 'api' }).expectReaches('api', { share: 100 });
  });
});

describe('properties', () => {
  test('for random weighted splits, the simulated shares equal the configured weights', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 6 }), weights => {
      const total = weights.reduce((a, b) => a + b, 0);
      fc.pre(total > 0);
      const subsets = weights.map((_, i) => `v${i}`);
      const sim = MeshSimulator.fromManifests([
        manifest('Service', { name: 'api', namespace: 'default' }, { ports: [{ name: 'http', port: 80 }], selector: { app: 'api' } }),
        manifest('DestinationRule', { name: 'api', namespace: 'default' }, { host: 'api', subsets: subsets.map(name => ({ name, labels: { version: name } })) }),
        manifest('VirtualService', { name: 'api', namespace: 'default' }, { hosts: ['api'], http: [{ route: subsets.map((subset, i) => ({ destination: { host: 'api', subset }, weight: weights[i] })) }] }),
      ]);
      const result = sim.request({ source: RequestSource.fromWorkload({ namespace: 'default' }), host: 'api' });
      subsets.forEach((subset, i) => expect(result.shareOf('api', subset)).toBeCloseTo((weights[i] * 100) / total, 9));
    }));
  });
});

describe('untyped callers', () => {
  test('a request without a source names the field', () => {
    expect(() => MeshSimulator.fromManifests([]).request({ host: 'api' } as any))
      .toThrow('[MeshSimulator.request] request.source: is required. Fix: set request.source to a RequestSource (e.g. from RequestSource.fromGateway()).');
  });

  test('a port written as a string names the field and value', () => {
    expect(() => MeshSimulator.fromManifests([]).request({ source: RequestSource.fromWorkload({ namespace: 'a' }), host: 'api', port: 'http' as any }))
      .toThrow('[MeshSimulator.request] request.port: must be a number, not a string (got "http"). Fix: pass a number.');
  });

  test('a port out of range', () => {
    expect(() => MeshSimulator.fromManifests([]).request({ source: RequestSource.fromWorkload({ namespace: 'a' }), host: 'api', port: 70000 }))
      .toThrow('[MeshSimulator.request] request.port: must be a port number (1-65535) (got 70000). Fix: give the port the client connects to.');
  });

  test('a workload source without a namespace', () => {
    expect(() => RequestSource.fromWorkload({} as any))
      .toThrow('[RequestSource.fromWorkload] options.namespace: is required. Fix: set options.namespace to a string.');
  });

  test('manifests that are not a list', () => {
    expect(() => MeshSimulator.fromManifests({ kind: 'Service' } as any))
      .toThrow('[MeshSimulator.fromManifests] manifests: must be a list of any values (got {"kind":"Service"}). Fix: wrap the value in a list: [{"kind":"Service"}].');
  });
});
