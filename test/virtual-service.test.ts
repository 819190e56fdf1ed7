import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { allOf, oneOf, synth } from './util';
import { CorsMethod } from '../src/cors-policy';
import { FaultAbort, GrpcStatus } from '../src/http-fault';
import { RetryOn } from '../src/http-retry';
import { RedirectPortSelection, RedirectScheme, HttpRouteOptions } from '../src/http-route';
import { StringMatch } from '../src/string-match';
import { VirtualService, VirtualServiceProps } from '../src/virtual-service';

// ----------------------------------------------------------------------------------------------------------------
// Other objects of the app, as plain API objects: the cross-resource rules read every object in wire form, whoever
// made it, and these tests must not depend on the other L2s of the library.
// ----------------------------------------------------------------------------------------------------------------

function gateway(scope: Construct, id: string, name: string, namespace: string, servers: Array<{ hosts: string[]; port?: any; tls?: any }>) {
  return new ApiObject(scope, id, {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: servers.map(s => ({ port: s.port ?? { number: 80, name: 'http', protocol: 'HTTP' }, hosts: s.hosts, tls: s.tls })),
    },
  });
}

function destinationRule(scope: Construct, name: string, host: string, subsets: string[]) {
  return new ApiObject(scope, `${name}-destination-rule`, {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name },
    spec: { host, subsets: subsets.map(s => ({ name: s, labels: { version: s } })) },
  });
}

/** A Service selecting `app: <name>`, with ports named after their protocol (`http`, `tcp-mysql`...). */
function service(scope: Construct, name: string, ports: Array<{ port: number; name: string }>) {
  const svc = new kplus.Service(scope, `${name}-service`, { metadata: { name }, ports });
  svc.selectLabel('app', name);
  return svc;
}

function bookinfoChart(): Chart {
  return new Chart(Testing.app(), 'bookinfo', { namespace: 'bookinfo' });
}

const TO_REVIEWS = [{ host: 'reviews' }];

/** A mesh VirtualService for `reviews` with one HTTP route; returns the construction as a thunk, for toThrow. */
function withRoute(route: HttpRouteOptions, props: VirtualServiceProps = {}): () => VirtualService {
  return () => new VirtualService(Testing.chart(), 'Reviews', { hosts: ['reviews'], ...props, http: [route] });
}

describe('snapshots', () => {
  test('Bookinfo reviews: header match, weighted canary, retries, timeout and fault', () => {
    // GIVEN
    const chart = bookinfoChart();
    service(chart, 'reviews', [{ port: 9080, name: 'http' }]);
    destinationRule(chart, 'reviews', 'reviews', ['v1', 'v2', 'v3']);

    // WHEN
    new VirtualService(chart, 'Reviews', {
      hosts: ['reviews'],
      http: [
        {
          name: 'jason',
          match: [{ headers: { 'end-user': StringMatch.exact('jason') } }],
          route: [{ host: 'reviews', subset: 'v2' }],
        },
        {
          name: 'canary',
          route: [
            { host: 'reviews', subset: 'v1', weight: 80 },
            { host: 'reviews', subset: 'v3', weight: 20, headers: { response: { set: { 'x-canary': 'v3' } } } },
          ],
          timeout: Duration.seconds(10),
          retries: {
            attempts: 3,
            perTryTimeout: Duration.seconds(2),
            retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE],
            retryOnStatusCodes: [503],
          },
          fault: { delay: { fixedDelay: Duration.seconds(7), percentage: 10 }, abort: FaultAbort.httpStatus(500, 5) },
        },
      ],
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'VirtualService', 'reviews')).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      spec: {
        hosts: ['reviews'],
        http: [
          {
            name: 'jason',
            match: [{ headers: { 'end-user': { exact: 'jason' } } }],
            route: [{ destination: { host: 'reviews', subset: 'v2' } }],
          },
          {
            name: 'canary',
            route: [
              { destination: { host: 'reviews', subset: 'v1' }, weight: 80 },
              { destination: { host: 'reviews', subset: 'v3' }, weight: 20, headers: { response: { set: { 'x-canary': 'v3' } } } },
            ],
            timeout: '10s',
            retries: { attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error,connect-failure,503' },
            fault: {
              delay: { fixedDelay: '7s', percentage: { value: 10 } },
              abort: { httpStatus: 500, percentage: { value: 5 } },
            },
          },
        ],
      },
    });
  });

  test('ingress with every HTTP feature, and the delegate it hands /reviews to', () => {
    // GIVEN
    const chart = bookinfoChart();
    gateway(chart, 'PublicGateway', 'public-gateway', 'istio-system', [{ hosts: ['*/bookinfo.example.com'] }]);
    destinationRule(chart, 'productpage', 'productpage', ['v1']);

    // WHEN
    new VirtualService(chart, 'ReviewsDelegate', {
      http: [{ match: [{ uri: StringMatch.prefix('/reviews/v2') }], route: [{ host: 'reviews', port: 9080 }] }],
    });
    const vs = new VirtualService(chart, 'Bookinfo', {
      hosts: ['bookinfo.example.com'],
      gateways: ['istio-system/public-gateway'],
      exportTo: ['.'],
    });
    vs.addHttpRoute({
      name: 'old-shop',
      match: [{ uri: StringMatch.prefix('/shop'), ignoreUriCase: true }],
      redirect: { uri: '/store', scheme: RedirectScheme.HTTPS, derivePort: RedirectPortSelection.FROM_PROTOCOL_DEFAULT, redirectCode: 308 },
    });
    vs.addHttpRoute({ name: 'health', match: [{ uri: StringMatch.exact('/healthz') }], directResponse: { status: 200, body: 'ok' } });
    vs.addHttpRoute({ name: 'reviews', match: [{ uri: StringMatch.prefix('/reviews') }], delegate: { name: 'reviews-delegate' } });
    vs.addHttpRoute({
      name: 'api',
      match: [{
        name: 'v1-json',
        uri: StringMatch.regex('/api/v1/products/[0-9]+'),
        method: StringMatch.exact('GET'),
        scheme: StringMatch.exact('https'),
        authority: StringMatch.prefix('bookinfo.'),
        headers: { 'x-debug': StringMatch.present() },
        withoutHeaders: { 'x-legacy-client': StringMatch.present() },
        queryParams: { format: StringMatch.exact('json') },
        port: 80,
        gateways: ['istio-system/public-gateway'],
        statPrefix: 'api-v1',
      }],
      rewrite: { uriRegexRewrite: { match: '^/api/v1/(.*)', rewrite: '/\\1' }, authority: 'productpage.bookinfo.svc.cluster.local' },
      route: [{ host: 'productpage', subset: 'v1', port: 9080 }],
      mirrors: [{ host: 'productpage-shadow', port: 9080, percentage: 5 }],
      corsPolicy: {
        allowOrigins: [StringMatch.exact('https://bookinfo.example.com'), StringMatch.regex('https://.*\\.example\\.com')],
        allowMethods: [CorsMethod.GET, CorsMethod.POST],
        allowHeaders: ['authorization', 'content-type'],
        exposeHeaders: ['x-request-id'],
        maxAge: Duration.hours(24),
        allowCredentials: true,
      },
      headers: {
        request: { set: { 'x-forwarded-via': 'bookinfo-gateway' }, add: { 'x-trace': '%REQ(x-request-id)%' }, remove: ['x-internal'] },
        response: { remove: ['server'] },
      },
    });
    vs.addHttpRoute({
      name: 'default',
      route: [{ host: 'productpage', port: 9080 }],
      mirror: { host: 'productpage-shadow', port: 9080, percentage: 1.5 },
      fault: { abort: FaultAbort.grpcStatus(GrpcStatus.UNAVAILABLE, 0.1) },
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    const bookinfo = oneOf(manifests, 'VirtualService', 'bookinfo');
    expect(bookinfo.spec.http[0].redirect).toEqual({ uri: '/store', scheme: 'https', derivePort: 'FROM_PROTOCOL_DEFAULT', redirectCode: 308 });
    expect(bookinfo.spec.http[1].directResponse).toEqual({ status: 200, body: { string: 'ok' } });
    expect(bookinfo.spec.http[2].delegate).toEqual({ name: 'reviews-delegate' });
    expect(bookinfo.spec.http[3].match[0]).toMatchObject({ headers: { 'x-debug': {} }, withoutHeaders: { 'x-legacy-client': {} } });
    expect(bookinfo.spec.http[3].mirrors).toEqual([{ destination: { host: 'productpage-shadow', port: { number: 9080 } }, percentage: { value: 5 } }]);
    expect(bookinfo.spec.http[3].corsPolicy.maxAge).toEqual('24h');
    expect(bookinfo.spec.http[4]).toMatchObject({
      mirror: { host: 'productpage-shadow', port: { number: 9080 } },
      mirrorPercentage: { value: 1.5 },
      fault: { abort: { grpcStatus: 'UNAVAILABLE', percentage: { value: 0.1 } } },
    });
    expect(oneOf(manifests, 'VirtualService', 'reviews-delegate').spec).toEqual({
      http: [{ match: [{ uri: { prefix: '/reviews/v2' } }], route: [{ destination: { host: 'reviews', port: { number: 9080 } } }] }],
    });
  });

  test('TCP: MySQL traffic split between two versions (Bookinfo ratings db)', () => {
    // GIVEN
    const chart = bookinfoChart();
    service(chart, 'mysqldb', [{ port: 3306, name: 'tcp-mysql' }]);
    destinationRule(chart, 'mysqldb', 'mysqldb', ['v1', 'v2']);

    // WHEN
    new VirtualService(chart, 'Mysqldb', {
      hosts: ['mysqldb'],
      tcp: [{
        match: [{ port: 3306, sourceLabels: { app: 'ratings' }, destinationSubnets: ['10.0.0.0/16'] }],
        route: [{ host: 'mysqldb', subset: 'v1', port: 3306, weight: 90 }, { host: 'mysqldb', subset: 'v2', port: 3306, weight: 10 }],
      }],
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'VirtualService').spec.tcp).toEqual([{
      match: [{ port: 3306, sourceLabels: { app: 'ratings' }, destinationSubnets: ['10.0.0.0/16'] }],
      route: [
        { destination: { host: 'mysqldb', subset: 'v1', port: { number: 3306 } }, weight: 90 },
        { destination: { host: 'mysqldb', subset: 'v2', port: { number: 3306 } }, weight: 10 },
      ],
    }]);
  });

  test('TLS passthrough at the ingress gateway, routed by SNI', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'db', { namespace: 'data' });
    gateway(chart, 'TlsGateway', 'tls-gateway', 'istio-system', [{
      port: { number: 443, name: 'tls', protocol: 'TLS' },
      hosts: ['*.db.example.com'],
      tls: { mode: 'PASSTHROUGH' },
    }]);

    // WHEN
    new VirtualService(chart, 'Databases', {
      hosts: ['*.db.example.com'],
      gateways: ['istio-system/tls-gateway'],
      tls: [
        { match: [{ port: 443, sniHosts: ['orders.db.example.com'] }], route: [{ host: 'orders-db', port: 5432 }] },
        { match: [{ port: 443, sniHosts: ['users.db.example.com'] }], route: [{ host: 'users-db.data.svc.cluster.local', port: 5432 }] },
      ],
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'VirtualService').spec).toEqual({
      hosts: ['*.db.example.com'],
      gateways: ['istio-system/tls-gateway'],
      tls: [
        { match: [{ port: 443, sniHosts: ['orders.db.example.com'] }], route: [{ destination: { host: 'orders-db', port: { number: 5432 } } }] },
        {
          match: [{ port: 443, sniHosts: ['users.db.example.com'] }],
          route: [{ destination: { host: 'users-db.data.svc.cluster.local', port: { number: 5432 } } }],
        },
      ],
    });
  });
});

describe('API', () => {
  test('name and namespace: kebab-case id and the chart namespace, or metadata', () => {
    // GIVEN
    const chart = bookinfoChart();
    // WHEN
    const byId = new VirtualService(chart, 'ReviewsRoute', { hosts: ['reviews'], http: [{ route: TO_REVIEWS }] });
    const named = new VirtualService(chart, 'Other', {
      metadata: { name: 'ratings', namespace: 'ratings-ns' },
      hosts: ['ratings'],
      http: [{ route: [{ host: 'ratings' }] }],
    });
    // THEN
    expect([byId.name, byId.namespace, byId.kind]).toEqual(['reviews-route', 'bookinfo', 'VirtualService']);
    expect([named.name, named.namespace]).toEqual(['ratings', 'ratings-ns']);
    expect(allOf(synth(chart), 'VirtualService').map(m => m.metadata)).toEqual([
      { name: 'reviews-route', namespace: 'bookinfo' },
      { name: 'ratings', namespace: 'ratings-ns' },
    ]);
  });

  test('hosts and gateways accessors return copies; addHost, addGateway and addXxxRoute after construction are rendered', () => {
    // GIVEN
    const chart = Testing.chart();
    const vs = new VirtualService(chart, 'Shop', { hosts: ['shop.example.com'], gateways: ['istio-system/public-gateway'] });
    // WHEN
    vs.hosts.push('evil.example.com');
    vs.gateways.push('mesh');
    vs.addHost('www.shop.example.com');
    vs.addGateway('istio-system/internal-gateway');
    vs.addHttpRoute({ route: [{ host: 'shop' }] });
    vs.addTcpRoute({ match: [{ port: 9000 }], route: [{ host: 'shop', port: 9000 }] });
    vs.addTlsRoute({ match: [{ sniHosts: ['shop.example.com'] }], route: [{ host: 'shop', port: 443 }] });
    // THEN
    expect(vs.hosts).toEqual(['shop.example.com', 'www.shop.example.com']);
    expect(vs.gateways).toEqual(['istio-system/public-gateway', 'istio-system/internal-gateway']);
    const spec = oneOf(synth(chart), 'VirtualService').spec;
    expect(spec.hosts).toEqual(['shop.example.com', 'www.shop.example.com']);
    expect(spec.gateways).toEqual(['istio-system/public-gateway', 'istio-system/internal-gateway']);
    expect([spec.http.length, spec.tcp.length, spec.tls.length]).toEqual([1, 1, 1]);
  });

  test('fqdnHosts: short Service names expand with the VirtualService namespace, FQDNs and wildcards stay', () => {
    // GIVEN
    const vs = new VirtualService(bookinfoChart(), 'Reviews', { hosts: ['reviews', 'ratings.prod', '*.example.com'] });
    // WHEN
    vs.addHost('details.bookinfo.svc.cluster.local');
    // THEN
    expect(vs.fqdnHosts).toEqual(['reviews.bookinfo.svc.cluster.local', 'ratings.prod', '*.example.com', 'details.bookinfo.svc.cluster.local']);
    expect(new VirtualService(Testing.chart(), 'NoNamespace', { hosts: ['reviews'] }).fqdnHosts).toEqual(['reviews.default.svc.cluster.local']);
  });

  test('fault percentages default to 100 (Istio injects nothing without one); a mirror without percentage mirrors all', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new VirtualService(chart, 'Ratings', {
      hosts: ['ratings'],
      http: [{
        route: [{ host: 'ratings' }],
        fault: { delay: { fixedDelay: Duration.millis(1500) }, abort: FaultAbort.httpStatus(503) },
        mirror: { host: 'ratings-shadow' },
      }],
    });
    // THEN
    const route = oneOf(synth(chart), 'VirtualService').spec.http[0];
    expect(route.fault).toEqual({
      delay: { fixedDelay: '1500ms', percentage: { value: 100 } },
      abort: { httpStatus: 503, percentage: { value: 100 } },
    });
    expect(route.mirror).toEqual({ host: 'ratings-shadow' });
    expect(route.mirrorPercentage).toBeUndefined();
  });

  test('withoutHeaders accepts Istio\'s regex "*" presence marker, which is no RE2 expression', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new VirtualService(chart, 'Reviews', {
      hosts: ['reviews'],
      http: [{ match: [{ withoutHeaders: { 'x-canary': StringMatch.regex('*') } }], route: TO_REVIEWS }],
    });
    // THEN
    expect(oneOf(synth(chart), 'VirtualService').spec.http[0].match).toEqual([{ withoutHeaders: { 'x-canary': { regex: '*' } } }]);
    expect(withRoute({ match: [{ headers: { 'x-canary': StringMatch.regex('*') } }], route: TO_REVIEWS })).toThrow(/headers\["x-canary"\]\.regex/);
  });

  test('a gateway shared from outside the app (no Gateway in its namespace here) is not reported', () => {
    // GIVEN
    const chart = bookinfoChart();
    // WHEN
    new VirtualService(chart, 'Shop', { hosts: ['shop.example.com'], gateways: ['istio-system/public-gateway'], http: [{ route: [{ host: 'shop' }] }] });
    // THEN
    expect(oneOf(synth(chart), 'VirtualService').spec.gateways).toEqual(['istio-system/public-gateway']);
  });

  test('gateway hosts in "./host", "*/host" and "<vs namespace>/host" form are honoured', () => {
    // GIVEN
    const chart = bookinfoChart();
    gateway(chart, 'Local', 'local-gateway', 'bookinfo', [{ hosts: ['./a.example.com'] }]);
    gateway(chart, 'Shared', 'shared-gateway', 'istio-system', [{ hosts: ['*/b.example.com', 'bookinfo/c.example.com'] }]);
    // WHEN
    new VirtualService(chart, 'A', { hosts: ['a.example.com'], gateways: ['local-gateway'], http: [{ route: [{ host: 'a' }] }] });
    new VirtualService(chart, 'B', { hosts: ['b.example.com'], gateways: ['istio-system/shared-gateway'], http: [{ route: [{ host: 'b' }] }] });
    new VirtualService(chart, 'C', { hosts: ['c.example.com'], gateways: ['istio-system/shared-gateway'], http: [{ route: [{ host: 'c' }] }] });
    // THEN
    expect(allOf(synth(chart), 'VirtualService')).toHaveLength(3);
  });

  test('mesh VirtualServices for the same host do not conflict when visible in disjoint namespaces or bound to a gateway', () => {
    // GIVEN
    const chart = bookinfoChart();
    // WHEN
    new VirtualService(chart, 'Local', { hosts: ['reviews'], exportTo: ['.'], http: [{ route: TO_REVIEWS }] });
    new VirtualService(chart, 'ForFrontend', {
      hosts: ['reviews.bookinfo.svc.cluster.local'], exportTo: ['frontend'], http: [{ route: TO_REVIEWS }],
    });
    new VirtualService(chart, 'AtGateway', { hosts: ['reviews'], gateways: ['istio-system/internal-gateway'], http: [{ route: TO_REVIEWS }] });
    // THEN
    expect(allOf(synth(chart), 'VirtualService')).toHaveLength(3);
  });

  test('synth reports every problem of the app at once, each with its construct path', () => {
    // GIVEN
    const chart = bookinfoChart();
    // WHEN
    new VirtualService(chart, 'Reviews', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews', subset: 'v3' }] }, { route: TO_REVIEWS }] });
    new VirtualService(chart, 'Empty', { hosts: ['ratings'] });
    // THEN
    expect(() => synth(chart)).toThrow(/\[bookinfo\/Reviews\] http\[0\]\.match: is empty[\s\S]*\[bookinfo\/Reviews\] http\[0\]\.route\[0\]\.destination\.subset[\s\S]*\[bookinfo\/Empty\] http: is empty/);
  });
});

describe('local errors (thrown at construction or by addXxx)', () => {
  test.each(['bad_host', '*foo.example.com', 'shop.*.com', '10.0.0.1.'])('host syntax: %s', (host) => {
    expect(() => new VirtualService(Testing.chart(), 'Vs', { hosts: [host] }))
      .toThrow(/\[test\/Vs\] hosts\[0\]: .*Fix: use a Service name \("reviews"\), an FQDN/);
  });

  test('"*" host on a mesh-bound VirtualService, at construction or when "mesh" is added', () => {
    expect(() => new VirtualService(Testing.chart(), 'Vs', { hosts: ['*'] }))
      .toThrow(/hosts\[0\]: is "\*" on a VirtualService that applies to the mesh.*Fix: list the Service hosts/);
    const vs = new VirtualService(Testing.chart(), 'Vs', { hosts: ['*'], gateways: ['istio-system/public-gateway'] });
    expect(() => vs.addGateway('mesh')).toThrow(/hosts\[0\]: is "\*" on a VirtualService that applies to the mesh/);
  });

  test('overlapping hosts', () => {
    const vs = new VirtualService(Testing.chart(), 'Vs', { hosts: ['*.example.com'], gateways: ['istio-system/gw'] });
    expect(() => vs.addHost('shop.example.com'))
      .toThrow(/hosts\[1\]: overlaps host "\*\.example\.com".*Fix: list each host once/);
  });

  test.each(['Istio-System/gw', 'istio-system/', 'a/b/c'])('gateway "namespace/name" syntax: %s', (ref) => {
    expect(() => new VirtualService(Testing.chart(), 'Vs', { hosts: ['shop.example.com'], gateways: [ref] }))
      .toThrow(/gateways\[0\]: must be "<namespace>\/<gateway name>".*Fix: write the reference as e\.g\. "istio-system\/public-gateway"/);
  });

  test('gateway in the legacy "name.namespace" form', () => {
    expect(() => new VirtualService(Testing.chart(), 'Vs', { hosts: ['shop.example.com'], gateways: ['public-gateway.istio-system'] }))
      .toThrow(/gateways\[0\]: uses the legacy "<name>\.<namespace>" form.*Fix: write it as "istio-system\/public-gateway"/);
  });

  test('bare gateway name that is not a DNS label', () => {
    expect(() => new VirtualService(Testing.chart(), 'Vs', { hosts: ['shop.example.com'], gateways: ['Public_Gateway'] }))
      .toThrow(/gateways\[0\]: must be a lower-case DNS-1123 label.*Fix: use the Gateway's metadata\.name/);
  });

  test('exportTo', () => {
    expect(() => new VirtualService(Testing.chart(), 'Vs', { hosts: ['reviews'], exportTo: ['~'] }))
      .toThrow(/exportTo: "~" \(visible to no namespace\) is only allowed on ServiceEntry.*Fix: use "\.", "\*" or namespace names/);
  });

  test('exportTo listing the own namespace twice ("." and its name)', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'bookinfo' });
    expect(() => new VirtualService(chart, 'Vs', { hosts: ['reviews'], exportTo: ['.', 'bookinfo'] }))
      .toThrow(/exportTo: lists both "\." and "bookinfo", its own namespace, so the same entry twice.*Fix: use "\.", "\*" or namespace names, each once.*webhook rejects/);
  });

  test.each<[string, HttpRouteOptions]>([
    ['http[0].match[0].port', { match: [{ port: 70000 }], route: TO_REVIEWS }],
    ['http[0].route[0].destination.port.number', { route: [{ host: 'reviews', port: 0 }] }],
    ['http[0].redirect.port', { redirect: { port: 65536 } }],
    ['http[0].mirror.port.number', { route: TO_REVIEWS, mirror: { host: 'reviews-shadow', port: -1 } }],
  ])('ports 1-65535: %s', (field, route) => {
    expect(withRoute(route)).toThrow(new RegExp(`${escapeRe(field)}: must be an integer from 1 to 65535.*Fix: use`));
  });

  test.each<[string, HttpRouteOptions]>([
    ['http[0].timeout', { route: TO_REVIEWS, timeout: Duration.millis(0) }],
    ['http[0].retries.perTryTimeout', { route: TO_REVIEWS, retries: { attempts: 2, perTryTimeout: Duration.millis(0.5) } }],
    ['http[0].fault.delay.fixedDelay', { route: TO_REVIEWS, fault: { delay: { fixedDelay: Duration.seconds(0) } } }],
    ['http[0].corsPolicy.maxAge', { route: TO_REVIEWS, corsPolicy: { maxAge: Duration.millis(0) } }],
  ])('durations of at least 1ms: %s', (field, route) => {
    expect(withRoute(route)).toThrow(new RegExp(`${escapeRe(field)}: must be at least 1ms.*Fix: use e\\.g\\. Duration`));
  });

  test.each([-1, 2.5])('weights are whole numbers, 0 or more: %s', (weight) => {
    expect(withRoute({ route: [{ host: 'reviews', weight }] }))
      .toThrow(/http\[0\]\.route\[0\]\.weight: must be a whole number, 0 or more.*Fix: use a relative weight/);
  });

  test('several destinations whose weights are all 0', () => {
    expect(withRoute({ route: [{ host: 'reviews', subset: 'v1' }, { host: 'reviews', subset: 'v2', weight: 0 }] }))
      .toThrow(/http\[0\]\.route: has 2 destinations whose weights add up to 0.*Fix: give at least one destination a positive weight/);
  });

  test.each<[string, HttpRouteOptions]>([
    ['http[0].mirrorPercentage.value', { route: TO_REVIEWS, mirror: { host: 'reviews-shadow', percentage: 120 } }],
    ['http[0].mirrors[0].percentage.value', { route: TO_REVIEWS, mirrors: [{ host: 'reviews-shadow', percentage: -5 }] }],
    ['http[0].fault.delay.percentage.value', { route: TO_REVIEWS, fault: { delay: { fixedDelay: Duration.seconds(1), percentage: 101 } } }],
    ['http[0].fault.abort.percentage.value', { route: TO_REVIEWS, fault: { abort: FaultAbort.httpStatus(503, 200) } }],
  ])('percentages 0-100: %s', (field, route) => {
    expect(withRoute(route)).toThrow(new RegExp(`${escapeRe(field)}: must be a number from 0 to 100.*Fix: use a percentage`));
  });

  test.each<[string, HttpRouteOptions]>([
    ['http[0].fault.delay.percentage.value', { route: TO_REVIEWS, fault: { delay: { fixedDelay: Duration.seconds(1), percentage: 0.00005 } } }],
    ['http[0].fault.abort.percentage.value', { route: TO_REVIEWS, fault: { abort: FaultAbort.httpStatus(503, 0.00001) } }],
  ])('fault percentages between 0 and 0.0001: %s', (field, route) => {
    expect(withRoute(route))
      .toThrow(new RegExp(`${escapeRe(field)}: is below 0\\.0001, the smallest share.*Fix: use 0 to inject no fault, or at least 0\\.0001`));
    // 0 (no fault) and 0.0001 are accepted
    const smallest: HttpRouteOptions = {
      route: TO_REVIEWS,
      fault: { abort: FaultAbort.httpStatus(503, 0), delay: { fixedDelay: Duration.seconds(1), percentage: 0.0001 } },
    };
    expect(withRoute(smallest)).not.toThrow();
  });

  test.each<[string, HttpRouteOptions]>([
    ['http[0].match[0].uri.regex', { match: [{ uri: StringMatch.regex('/api/(?!internal).*') }], route: TO_REVIEWS }],
    ['http[0].match[0].headers["x-id"].regex', { match: [{ headers: { 'x-id': StringMatch.regex('(a)\\1') } }], route: TO_REVIEWS }],
    ['http[0].corsPolicy.allowOrigins[0].regex', { route: TO_REVIEWS, corsPolicy: { allowOrigins: [StringMatch.regex('(?<=https://).*')] } }],
  ])('RE2-incompatible regular expressions: %s', (field, route) => {
    expect(withRoute(route)).toThrow(new RegExp(`${escapeRe(field)}: is not valid RE2: .*Fix: RE2 has no (look-around|back-references)`));
  });

  test('RE2-incompatible uriRegexRewrite', () => {
    expect(withRoute({ route: TO_REVIEWS, rewrite: { uriRegexRewrite: { match: '^/(?=v1)', rewrite: '/' } } }))
      .toThrow(/http\[0\]\.rewrite\.uriRegexRewrite\.match: is not valid RE2: invalid or unsupported Perl syntax: `\(\?=`.*Fix: RE2 has no look-around/);
  });

  test('empty prefix outside the URI', () => {
    expect(withRoute({ match: [{ headers: { 'x-user': StringMatch.prefix('') } }], route: TO_REVIEWS }))
      .toThrow(/http\[0\]\.match\[0\]\.headers\["x-user"\]\.prefix: must not be empty.*Fix: use StringMatch\.present\(\)/);
  });

  test('StringMatch.present() outside headers, withoutHeaders and queryParams', () => {
    expect(withRoute({ match: [{ uri: StringMatch.present() }], route: TO_REVIEWS }))
      .toThrow(/http\[0\]\.match\[0\]\.uri: cannot be StringMatch\.present\(\).*Fix: use StringMatch\.exact\(\), prefix\(\) or regex\(\)/);
  });

  test('header names in matches', () => {
    expect(withRoute({ match: [{ withoutHeaders: { 'x user': StringMatch.exact('a') } }], route: TO_REVIEWS }))
      .toThrow(/http\[0\]\.match\[0\]\.withoutHeaders: has a header name that must be an HTTP header name.*\(got "x user"\).*Fix: use the lower-case header name/);
  });

  test('header names that a request may set or add', () => {
    expect(withRoute({ route: TO_REVIEWS, headers: { request: { set: { ':path': '/x' } } } }))
      .toThrow(/http\[0\]\.headers\.request\.set: has a header name that must not be a pseudo-header other than ":authority".*Fix: use a plain header name; to change the Host/);
  });

  test.each<[string, HttpRouteOptions]>([
    ['http[0].headers.request.remove[0]', { route: TO_REVIEWS, headers: { request: { remove: [':authority'] } } }],
    ['http[0].route[0].headers.response.set', { route: [{ host: 'reviews', headers: { response: { set: { host: 'x' } } } }] }],
  ])('header names that may be removed, or set on responses: %s', (field, route) => {
    expect(withRoute(route)).toThrow(new RegExp(`${escapeRe(field)}: .*must not be.*Fix: .*pseudo-headers and "host" cannot be`));
  });

  test.each(['100%', 'a\nb'])('header values: %j', (value) => {
    expect(withRoute({ route: TO_REVIEWS, headers: { response: { add: { 'x-note': value } } } }))
      .toThrow(/http\[0\]\.headers\.response\.add\["x-note"\]: .*Fix: remove control characters and escape literal percent signs as "%%"/);
  });

  test('subset names are DNS labels', () => {
    expect(withRoute({ route: [{ host: 'reviews', subset: 'v1.0' }] }))
      .toThrow(/http\[0\]\.route\[0\]\.destination\.subset: must be a DNS label.*\(got "v1\.0"\).*Fix: use the name of a DestinationRule subset/);
  });

  test('destination host "*"', () => {
    expect(withRoute({ route: [{ host: '*' }] })).toThrow(/http\[0\]\.route\[0\]\.destination\.host: must name one service, not "\*".*Fix: use the Service name/);
  });

  test('destination host that is not a host name', () => {
    expect(withRoute({ route: [{ host: '10.0.0.1' }] }))
      .toThrow(/http\[0\]\.route\[0\]\.destination\.host: must not end in an all-numeric label.*Fix: use a Service name, a Service FQDN or a ServiceEntry host/);
  });

  test('sourceLabels', () => {
    expect(withRoute({ match: [{ sourceLabels: { 'app/': 'x' } }], route: TO_REVIEWS }))
      .toThrow(/http\[0\]\.match\[0\]\.sourceLabels: label key "app\/" .*Fix: use valid Kubernetes label keys and values/);
  });

  test('sourceNamespace', () => {
    expect(withRoute({ match: [{ sourceNamespace: 'Front_End' }], route: TO_REVIEWS }))
      .toThrow(/http\[0\]\.match\[0\]\.sourceNamespace: must be a lower-case DNS-1123 label.*Fix: use the namespace name/);
  });

  test('destinationSubnets', () => {
    expect(() => new VirtualService(Testing.chart(), 'Db', { hosts: ['db'], tcp: [{ match: [{ destinationSubnets: ['10.0.0.0/33'] }], route: [{ host: 'db' }] }] }))
      .toThrow(/tcp\[0\]\.match\[0\]\.destinationSubnets\[0\]: has an invalid prefix length.*Fix: write an address like "10\.0\.0\.1"/);
  });

  test.each<[string, HttpRouteOptions]>([
    ['route and redirect', { route: TO_REVIEWS, redirect: { uri: '/new' } }],
    ['redirect and directResponse', { redirect: { uri: '/new' }, directResponse: { status: 404 } }],
    ['route and delegate', { route: TO_REVIEWS, delegate: { name: 'reviews-delegate' } }],
    ['redirect and rewrite', { redirect: { uri: '/new' }, rewrite: { uri: '/x' } }],
    ['directResponse and fault', { directResponse: { status: 503 }, fault: { abort: FaultAbort.httpStatus(500) } }],
  ])('route, redirect, directResponse and delegate conflicts: %s', (pair, route) => {
    const [a, b] = pair.split(' and ');
    expect(withRoute(route)).toThrow(new RegExp(`http\\[0\\]: sets both ${a} and ${b}, which cannot be combined.*Fix: keep one of ${a} and ${b}`));
  });

  test('a route with none of route, redirect, directResponse or delegate', () => {
    expect(withRoute({ match: [{ uri: StringMatch.prefix('/') }], timeout: Duration.seconds(1) }))
      .toThrow(/http\[0\]: has none of route, redirect, directResponse or delegate.*Fix: add route: \[\{ host: \.\.\. \}\]/);
  });

  test('a redirect that changes nothing', () => {
    expect(withRoute({ redirect: { redirectCode: 302 } })).toThrow(/http\[0\]\.redirect: changes nothing.*Fix: set where to redirect to/);
  });

  test('a redirect with both port and derivePort', () => {
    expect(withRoute({ redirect: { port: 8443, derivePort: RedirectPortSelection.FROM_REQUEST_PORT } }))
      .toThrow(/http\[0\]\.redirect\.derivePort: is set together with port.*Fix: keep either a fixed port or derivePort/);
  });

  test('redirectCode outside 3xx', () => {
    expect(withRoute({ redirect: { uri: '/new', redirectCode: 200 } })).toThrow(/http\[0\]\.redirect\.redirectCode: must be a 3xx status.*Fix: use 301, 302, 307 or 308/);
  });

  test('directResponse status outside 200-600', () => {
    expect(withRoute({ directResponse: { status: 100 } })).toThrow(/http\[0\]\.directResponse\.status: must be a whole number from 200 to 600.*Fix: use a status such as/);
  });

  test('directResponse body over 1 MiB', () => {
    expect(withRoute({ directResponse: { status: 200, body: 'x'.repeat(1024 * 1024 + 1) } }))
      .toThrow(/http\[0\]\.directResponse\.body\.string: must be at most 1 MiB.*Fix: serve large bodies from a workload/);
  });

  test('delegate name', () => {
    expect(withRoute({ delegate: { name: 'Reviews_Delegate' } }))
      .toThrow(/http\[0\]\.delegate\.name: must be a lower-case DNS-1123 subdomain.*Fix: use the delegate VirtualService's metadata\.name/);
  });

  test('delegate namespace', () => {
    expect(withRoute({ delegate: { name: 'reviews', namespace: 'Shop' } }))
      .toThrow(/http\[0\]\.delegate\.namespace: must be a lower-case DNS-1123 label.*Fix: use the delegate VirtualService's namespace/);
  });

  test('rewrite uri and uriRegexRewrite together', () => {
    expect(withRoute({ route: TO_REVIEWS, rewrite: { uri: '/v2', uriRegexRewrite: { match: '^/v1', rewrite: '/v2' } } }))
      .toThrow(/http\[0\]\.rewrite\.uriRegexRewrite: is set together with rewrite\.uri.*Fix: use either uri/);
  });

  test('a rewrite that changes nothing', () => {
    expect(withRoute({ route: TO_REVIEWS, rewrite: {} })).toThrow(/http\[0\]\.rewrite: changes nothing.*Fix: set what to rewrite, or drop rewrite/);
  });

  test('the authority set in more than one place', () => {
    expect(withRoute({ route: TO_REVIEWS, rewrite: { authority: 'a.example.com' }, headers: { request: { set: { host: 'b.example.com' } } } }))
      .toThrow(/http\[0\]\.rewrite\.authority: sets the authority more than once.*Fix: set the authority in one place only/);
  });

  test('retry attempts below 0', () => {
    expect(withRoute({ route: TO_REVIEWS, retries: { attempts: -1 } })).toThrow(/http\[0\]\.retries\.attempts: must be a whole number, 0 or more.*Fix: use e\.g\. 3/);
  });

  test('retry attempts 0 with perTryTimeout or retryOn', () => {
    expect(withRoute({ route: TO_REVIEWS, retries: { attempts: 0, perTryTimeout: Duration.seconds(1), retryOn: [RetryOn.FIVE_XX] } }))
      .toThrow(/http\[0\]\.retries\.attempts: is 0 \(retries off\) while perTryTimeout and retryOn are set.*Fix: set attempts to 1 or more/);
  });

  test('retryOn values', () => {
    expect(withRoute({ route: TO_REVIEWS, retries: { attempts: 2, retryOn: [RetryOn.RESET, ' 5xx' as RetryOn] } }))
      .toThrow(/http\[0\]\.retries\.retryOn\[1\]: is not a retry condition Istio knows.*\(got " 5xx"\).*Fix: use a RetryOn value/);
  });

  test('retryOn status codes', () => {
    expect(withRoute({ route: TO_REVIEWS, retries: { attempts: 2, retryOnStatusCodes: [599] } }))
      .toThrow(/http\[0\]\.retries\.retryOnStatusCodes\[0\]: is not a registered HTTP status code.*Fix: use a status code such as 503/);
  });

  test('a fault with neither abort nor delay', () => {
    expect(withRoute({ route: TO_REVIEWS, fault: {} })).toThrow(/http\[0\]\.fault: has neither delay nor abort.*Fix: add delay: .* or abort: FaultAbort\.httpStatus\(503\)/);
  });

  test('abort httpStatus outside 200-600', () => {
    expect(withRoute({ route: TO_REVIEWS, fault: { abort: FaultAbort.httpStatus(601) } }))
      .toThrow(/http\[0\]\.fault\.abort\.httpStatus: must be a whole number from 200 to 600.*Fix: use a status such as 503/);
  });

  test('abort grpcStatus names', () => {
    expect(withRoute({ route: TO_REVIEWS, fault: { abort: FaultAbort.grpcStatus('14' as GrpcStatus) } }))
      .toThrow(/http\[0\]\.fault\.abort\.grpcStatus: is not a gRPC status name.*Fix: use a GrpcStatus value/);
  });

  test('mirror and mirrors together', () => {
    expect(withRoute({ route: TO_REVIEWS, mirror: { host: 'a' }, mirrors: [{ host: 'b' }] }))
      .toThrow(/http\[0\]\.mirrors: is set together with mirror.*Fix: put every mirror in mirrors/);
  });

  test('corsPolicy allowMethods are upper case', () => {
    expect(withRoute({ route: TO_REVIEWS, corsPolicy: { allowMethods: [CorsMethod.GET, 'post' as CorsMethod] } }))
      .toThrow(/http\[0\]\.corsPolicy\.allowMethods\[1\]: must be one of GET, HEAD, .* \(case-sensitive\).*Fix: use a CorsMethod value/);
  });

  test('corsPolicy allowOrigins must not be empty', () => {
    expect(withRoute({ route: TO_REVIEWS, corsPolicy: { allowOrigins: [StringMatch.exact('')] } }))
      .toThrow(/http\[0\]\.corsPolicy\.allowOrigins\[0\]: must be a non-empty exact, prefix or regex match.*Fix: use e\.g\. StringMatch\.exact/);
  });

  test('corsPolicy allowHeaders and exposeHeaders are header names', () => {
    expect(withRoute({ route: TO_REVIEWS, corsPolicy: { exposeHeaders: ['x-a, x-b'] } }))
      .toThrow(/http\[0\]\.corsPolicy\.exposeHeaders\[0\]: must be "\*" or an HTTP header name.*Fix: list header names/);
  });

  test('corsPolicy maxAge in whole seconds', () => {
    expect(withRoute({ route: TO_REVIEWS, corsPolicy: { maxAge: Duration.millis(1500) } }))
      .toThrow(/http\[0\]\.corsPolicy\.maxAge: must be a whole number of seconds.*Fix: use e\.g\. Duration\.hours\(24\)/);
  });

  test('TLS sniHosts must be covered by the VirtualService hosts', () => {
    const vs = new VirtualService(Testing.chart(), 'Db', { hosts: ['*.db.example.com'], gateways: ['istio-system/tls-gateway'] });
    expect(() => vs.addTlsRoute({ match: [{ sniHosts: ['db.example.org'] }], route: [{ host: 'db' }] }))
      .toThrow(/tls\[0\]\.match\[0\]\.sniHosts\[0\]: is not covered by any of the VirtualService's hosts.*Fix: add "db\.example\.org" \(or a wildcard covering it\) to hosts/);
  });

  test('TLS route without match', () => {
    expect(() => new VirtualService(Testing.chart(), 'Db', { hosts: ['db.example.com'], tls: [{ match: [], route: [{ host: 'db' }] }] }))
      .toThrow(/tls\[0\]\.match: is empty; a TLS route needs at least one match with sniHosts.*Fix: add match/);
  });

  test('TLS match without sniHosts', () => {
    expect(() => new VirtualService(Testing.chart(), 'Db', { hosts: ['db.example.com'], tls: [{ match: [{ sniHosts: [] }], route: [{ host: 'db' }] }] }))
      .toThrow(/tls\[0\]\.match\[0\]\.sniHosts: is empty.*Fix: list the SNI names this route takes/);
  });

  test('TLS sniHosts syntax', () => {
    expect(() => new VirtualService(Testing.chart(), 'Db', { hosts: ['*'], gateways: ['gw'], tls: [{ match: [{ sniHosts: ['db*.example.com'] }], route: [{ host: 'db' }] }] }))
      .toThrow(/tls\[0\]\.match\[0\]\.sniHosts\[0\]: uses a partial wildcard.*Fix: use a DNS name such as "db\.example\.com"/);
  });

  test.each(['tcp', 'tls'])('%s route without destinations', (kind) => {
    const props: VirtualServiceProps = kind === 'tcp'
      ? { hosts: ['db'], tcp: [{ route: [] }] }
      : { hosts: ['db.example.com'], tls: [{ match: [{ sniHosts: ['db.example.com'] }], route: [] }] };
    expect(() => new VirtualService(Testing.chart(), 'Db', props))
      .toThrow(new RegExp(`${kind}\\[0\\]\\.route: is empty; a ${kind.toUpperCase()} route needs at least one destination.*Fix: add route`));
  });

  test.each<[string, VirtualServiceProps]>([
    ['gateways', { gateways: ['istio-system/public-gateway'] }],
    ['tcp', { tcp: [{ route: [{ host: 'db' }] }] }],
    ['tls', { tls: [{ match: [{ sniHosts: ['db.example.com'] }], route: [{ host: 'db' }] }] }],
  ])('a delegate VirtualService (no hosts) with %s', (field, props) => {
    expect(() => new VirtualService(Testing.chart(), 'Delegate', props))
      .toThrow(new RegExp(`\\] ${field}: .*is set on a delegate VirtualService \\(one without hosts\\).*Fix: add hosts to make it a regular VirtualService`));
  });

  test('a delegate VirtualService that delegates again', () => {
    expect(() => new VirtualService(Testing.chart(), 'Delegate', { http: [{ delegate: { name: 'other' } }] }))
      .toThrow(/http\[0\]\.delegate: is set in a delegate VirtualService.*delegation is only one level deep.*Fix: route to destinations here/);
  });

  test('@request.auth.claims matches only on gateway-only VirtualServices', () => {
    const jwtRoute: HttpRouteOptions = { match: [{ headers: { '@request.auth.claims.group': StringMatch.exact('admin') } }], route: TO_REVIEWS };
    expect(withRoute(jwtRoute, { gateways: ['istio-system/public-gateway', 'mesh'] }))
      .toThrow(/http\[0\]\.match\[0\]\.headers: matches a JWT claim, which Istio supports only on VirtualServices bound to gateways.*Fix: bind this VirtualService to gateways only/);
    expect(withRoute(jwtRoute, { hosts: ['shop.example.com'], gateways: ['istio-system/public-gateway'] })).not.toThrow();
  });
});

describe('synth-time errors', () => {
  test('no http, tcp or tls route', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'Reviews', { hosts: ['reviews'] });
    expect(() => synth(chart)).toThrow(/\[test\/Reviews\] http: is empty, and so are tcp and tls.*Fix: add a route with addHttpRoute\(\)/);
  });

  test('IST0130: a route without match before other routes', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'Reviews', {
      hosts: ['reviews'],
      http: [{ route: TO_REVIEWS }, { match: [{ uri: StringMatch.prefix('/v2') }], route: [{ host: 'reviews-v2' }] }],
    });
    expect(() => synth(chart))
      .toThrow(/http\[0\]\.match: is empty, so this route takes all traffic and the routes after it \(http\[1\]\) are never used.*Fix: move this route to the end of http/);
  });

  test('IST0130/IST0131: a match identical to an earlier route\'s', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'Db', {
      hosts: ['db'],
      tcp: [{ match: [{ port: 5432 }], route: [{ host: 'db-primary' }] }, { match: [{ port: 5432 }], route: [{ host: 'db-replica' }] }],
    });
    expect(() => synth(chart))
      .toThrow(/tcp\[1\]\.match\[0\]: is the same as tcp\[0\]\.match\[0\], which is checked first, so it never applies; no match of tcp\[1\] can apply.*Fix: remove it, or make it more specific/);
  });

  test('IST0131: a URI covered by an earlier prefix with the same other conditions', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'Shop', {
      hosts: ['shop'],
      http: [
        { match: [{ uri: StringMatch.prefix('/api'), method: StringMatch.exact('GET') }], route: [{ host: 'api' }] },
        // Different other conditions: reachable.
        { match: [{ uri: StringMatch.prefix('/api/admin'), method: StringMatch.exact('POST') }], route: [{ host: 'admin' }] },
        // A stat prefix only labels the match: still covered.
        {
          match: [{ uri: StringMatch.prefix('/api/v2'), method: StringMatch.exact('GET'), statPrefix: 'api-v2' }, { uri: StringMatch.prefix('/v2') }],
          route: [{ host: 'api-v2' }],
        },
      ],
    });
    expect(() => synth(chart))
      .toThrow(/http\[2\]\.match\[0\]\.uri: is covered by the earlier prefix "\/api" of http\[0\]\.match\[0\] and the same other conditions.*Fix: move this route above http\[0\]/);
    expect(() => synth(chart)).not.toThrow(/http\[1\]/);
  });

  test('a delegate that names a VirtualService with hosts', () => {
    const chart = bookinfoChart();
    new VirtualService(chart, 'Reviews', { hosts: ['reviews'], http: [{ route: TO_REVIEWS }] });
    new VirtualService(chart, 'Bookinfo', {
      hosts: ['bookinfo.example.com'],
      gateways: ['istio-system/public-gateway'],
      http: [{ match: [{ uri: StringMatch.prefix('/reviews') }], delegate: { name: 'reviews' } }, { route: [{ host: 'productpage' }] }],
    });
    expect(() => synth(chart))
      .toThrow(/http\[0\]\.delegate: names VirtualService bookinfo\/reviews \(bookinfo\/Reviews\), which has hosts.*Fix: remove the hosts of that VirtualService.*404 NR/);
  });

  test('IST0101: a gateway missing from a namespace where the app defines Gateways', () => {
    const chart = bookinfoChart();
    gateway(chart, 'PublicGateway', 'public-gateway', 'istio-system', [{ hosts: ['*'] }]);
    new VirtualService(chart, 'Shop', { hosts: ['shop.example.com'], gateways: ['istio-system/public-gatway'], http: [{ route: [{ host: 'shop' }] }] });
    expect(() => synth(chart))
      .toThrow(/gateways\[0\]: names Gateway "public-gatway" in namespace "istio-system", which this app does not define.*Fix: use one of "istio-system\/public-gateway"/);
  });

  test('IST0132: VirtualService hosts that the bound Gateway does not serve', () => {
    const chart = bookinfoChart();
    gateway(chart, 'PublicGateway', 'public-gateway', 'istio-system', [{ hosts: ['shop.example.com', 'other/api.example.com'] }]);
    new VirtualService(chart, 'Api', { hosts: ['api.example.com'], gateways: ['istio-system/public-gateway'], http: [{ route: [{ host: 'api' }] }] });
    expect(() => synth(chart))
      .toThrow(/gateways\[0\]: binds hosts \["api\.example\.com"\], none of which Gateway istio-system\/public-gateway serves to namespace "bookinfo".*"other\/api\.example\.com"\] only for other namespaces.*Fix: add one of these hosts to the Gateway's servers.*404 NR route_not_found/);
  });

  test('IST0101: a subset without any DestinationRule for the host', () => {
    const chart = bookinfoChart();
    destinationRule(chart, 'ratings', 'ratings', ['v1']);
    new VirtualService(chart, 'Reviews', { hosts: ['reviews'], http: [{ route: TO_REVIEWS, mirror: { host: 'reviews', subset: 'v3' } }] });
    expect(() => synth(chart))
      .toThrow(/http\[0\]\.mirror\.subset: is not defined: no DestinationRule in the app has host "reviews\.bookinfo\.svc\.cluster\.local".*Fix: add a DestinationRule for "reviews\.bookinfo\.svc\.cluster\.local" with a subset "v3".*503/);
  });

  test('IST0101: a subset the host\'s DestinationRule does not define (hosts compared after short-name expansion)', () => {
    const chart = bookinfoChart();
    const other = new Chart(appOf(chart), 'dr', { namespace: 'bookinfo' });
    destinationRule(other, 'reviews', 'reviews.bookinfo.svc.cluster.local', ['v1', 'v2']);
    new VirtualService(chart, 'Reviews', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews', subset: 'v2', weight: 50 }, { host: 'reviews', subset: 'v3', weight: 50 }] }] });
    expect(() => synth(chart))
      .toThrow(/http\[0\]\.route\[1\]\.destination\.subset: is not among the subsets \["v1","v2"\] that DestinationRule bookinfo\/reviews defines.*Fix: add subset "v3" to that DestinationRule/);
  });

  test('IST0112: no port for a Service with several ports', () => {
    const chart = bookinfoChart();
    service(chart, 'reviews', [{ port: 9080, name: 'http' }, { port: 9443, name: 'https' }]);
    new VirtualService(chart, 'Reviews', { hosts: ['reviews'], http: [{ route: TO_REVIEWS }] });
    expect(() => synth(chart))
      .toThrow(/http\[0\]\.route\[0\]\.destination\.port: is not set, but Service bookinfo\/reviews has 2 ports \(9080, 9443\).*Fix: set port to the one to route to: one of 9080, 9443.*IST0112/);
  });

  test('IST0118: a destination Service port whose protocol Istio cannot tell', () => {
    const chart = bookinfoChart();
    service(chart, 'reviews', [{ port: 9080, name: 'web' }]);
    new VirtualService(chart, 'Reviews', { hosts: ['reviews'], http: [{ route: TO_REVIEWS }] });
    expect(() => synth(chart))
      .toThrow(/\[bookinfo\/Reviews\] http\[0\]\.route\[0\]\.destination: Service bookinfo\/reviews spec\.ports\[0\]\.name: does not name a protocol Istio recognises \(got "web"\)\. Fix: name the port "<protocol>\[-<suffix>\]".*IST0118/);
  });

  test('a TCP route to a Service port named for HTTP', () => {
    const chart = bookinfoChart();
    service(chart, 'reviews', [{ port: 9080, name: 'http' }]);
    new VirtualService(chart, 'Reviews', { hosts: ['reviews'], tcp: [{ route: [{ host: 'reviews', port: 9080 }] }] });
    expect(() => synth(chart))
      .toThrow(/\[bookinfo\/Reviews\] tcp\[0\]\.route\[0\]\.destination: Service bookinfo\/reviews spec\.ports\[0\] protocol: is not one a tcp route applies to .*\(got "HTTP"\)\. Fix: use a http route for this port/);
  });

  test('IST0101 host:port: a port the ServiceEntry does not have', () => {
    const chart = bookinfoChart();
    new ApiObject(chart, 'Googleapis', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'googleapis' },
      spec: { hosts: ['*.googleapis.com'], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }], location: 'MESH_EXTERNAL', resolution: 'NONE' },
    });
    new VirtualService(chart, 'Storage', {
      hosts: ['storage.googleapis.com'],
      tls: [{ match: [{ sniHosts: ['storage.googleapis.com'] }], route: [{ host: 'storage.googleapis.com', port: 8443 }] }],
    });
    expect(() => synth(chart))
      .toThrow(/tls\[0\]\.route\[0\]\.destination\.port\.number: is not a port of ServiceEntry bookinfo\/googleapis \(ports: 443\).*Fix: use one of 443/);
  });

  test('IST0109: two mesh VirtualServices in one namespace declare the same host', () => {
    const chart = bookinfoChart();
    new VirtualService(chart, 'Reviews', { hosts: ['reviews'], http: [{ route: TO_REVIEWS }] });
    new VirtualService(chart, 'ReviewsCanary', { hosts: ['reviews.bookinfo.svc.cluster.local'], gateways: ['mesh'], http: [{ route: TO_REVIEWS }] });
    expect(() => synth(chart))
      .toThrow(/\[bookinfo\/Reviews\] hosts\[0\]: is also declared by VirtualService bookinfo\/reviews-canary \(bookinfo\/ReviewsCanary\).*Fix: merge their routes into one VirtualService.*IST0109/);
  });
});

function appOf(chart: Chart): Construct {
  return chart.node.scope!;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
