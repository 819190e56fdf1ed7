import { ApiObject, App, Chart, Duration, Testing } from 'cdk8s';
import { oneOf, synth } from './util';
import { expectSemanticallyEqual, loadSample, samplesAvailable } from './util/samples';
import { IstioApi, RoutingApi } from '../src/api-version';
import {
  GatewayApiGateway, GatewayApiListener, GatewayApiProtocol, GatewayApiRouteKind, GatewayApiRoutesFrom, GatewayApiTlsMode,
} from '../src/gateway-api-gateway';
import { GatewayApiGrpcRoute } from '../src/gateway-api-grpc-route';
import {
  GatewayApiHttpFilter, GatewayApiHttpMethod, GatewayApiHttpRoute, GatewayApiHttpRule,
} from '../src/gateway-api-http-route';
import { GatewayApiTcpRoute, GatewayApiTlsRoute } from '../src/gateway-api-l4-routes';
import { GatewayApiBackend, GatewayApiParent } from '../src/gateway-api-refs';
import { RedirectScheme } from '../src/http-route';
import { resolveRoutingApi } from '../src/private/routing-api';
import { ReferenceGrant } from '../src/reference-grant';
import { StringMatch } from '../src/string-match';

const HTTP: GatewayApiListener = { name: 'http', port: 80, protocol: GatewayApiProtocol.HTTP };
const PRODUCTPAGE = GatewayApiBackend.service('productpage', 9080);

function listenerError(listener: GatewayApiListener): () => void {
  return () => new GatewayApiGateway(Testing.chart(), 'Gw', { listeners: [listener] });
}

function ruleError(rule: GatewayApiHttpRule): () => void {
  return () => new GatewayApiHttpRoute(Testing.chart(), 'Route', { rules: [rule] });
}

describe('the routing API switch', () => {
  test('Istio APIs unless the app, the chart or the construct says otherwise', () => {
    // GIVEN
    const app = Testing.app();
    const plain = new Chart(app, 'plain');
    const gatewayApiApp = Testing.app();
    IstioApi.useRoutingApi(gatewayApiApp, RoutingApi.GATEWAY_API);
    const chartOfApp = new Chart(gatewayApiApp, 'c');
    const app3 = Testing.app();
    const chart3 = new Chart(app3, 'c3');
    IstioApi.useRoutingApi(chart3, RoutingApi.GATEWAY_API);
    // THEN
    expect(IstioApi.routingApiOf(plain)).toBe(RoutingApi.ISTIO);
    expect(resolveRoutingApi(plain)).toBe(RoutingApi.ISTIO);
    expect(resolveRoutingApi(plain, RoutingApi.GATEWAY_API)).toBe(RoutingApi.GATEWAY_API);
    expect(IstioApi.routingApiOf(chartOfApp)).toBe(RoutingApi.GATEWAY_API);
    expect(resolveRoutingApi(chartOfApp, RoutingApi.ISTIO)).toBe(RoutingApi.ISTIO);
    expect(IstioApi.routingApiOf(chart3)).toBe(RoutingApi.GATEWAY_API);
    expect(IstioApi.routingApiOf(app3)).toBe(RoutingApi.ISTIO);
  });

  test('error: set twice with different values', () => {
    const app = Testing.app();
    IstioApi.useRoutingApi(app, RoutingApi.GATEWAY_API);
    IstioApi.useRoutingApi(app, RoutingApi.GATEWAY_API); // the same value again is harmless
    expect(() => IstioApi.useRoutingApi(app, RoutingApi.ISTIO)).toThrow(
      '[<app>] IstioApi.useRoutingApi: the routing API is already gateway-api; got istio. Fix: set the routing API once per app or chart, '
      + 'and override it per construct with its routingApi prop.');
  });

  test('error: set after constructs were added', () => {
    const app = new App();
    new Chart(app, 'early');
    expect(() => IstioApi.useRoutingApi(app, RoutingApi.GATEWAY_API)).toThrow(
      '[<app>] IstioApi.useRoutingApi: called after constructs were added to this scope. Fix: call it right after creating the App or Chart, '
      + 'so every routing construct uses the same API.');
  });
});

describe('snapshots', () => {
  test('Bookinfo on the Gateway API (samples/bookinfo/gateway-api/bookinfo-gateway.yaml)', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    const gateway = new GatewayApiGateway(chart, 'BookinfoGateway', {
      listeners: [{ ...HTTP, allowedRoutesFrom: GatewayApiRoutesFrom.SAME }],
    });
    new GatewayApiHttpRoute(chart, 'Bookinfo', {
      parents: [GatewayApiParent.gateway(gateway)],
      rules: [{
        matches: [
          { path: StringMatch.exact('/productpage') },
          { path: StringMatch.prefix('/static') },
          { path: StringMatch.exact('/login') },
          { path: StringMatch.exact('/logout') },
          { path: StringMatch.prefix('/api/v1/products') },
        ],
        backends: [PRODUCTPAGE],
      }],
    });
    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    if (samplesAvailable('Bookinfo Gateway API sample equality test')) {
      expectSemanticallyEqual(manifests, loadSample('bookinfo/gateway-api/bookinfo-gateway.yaml'));
    }
  });

  test('every Gateway API kind, with every field the L2s model', () => {
    // GIVEN
    const app = Testing.app();
    const infra = new Chart(app, 'infra', { namespace: 'ingress' });
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    // WHEN
    const gateway = new GatewayApiGateway(infra, 'Public', {
      listeners: [
        { name: 'http', port: 80, protocol: GatewayApiProtocol.HTTP, hostname: '*.example.com', allowedRoutesFrom: GatewayApiRoutesFrom.ALL },
        {
          name: 'https',
          port: 443,
          protocol: GatewayApiProtocol.HTTPS,
          hostname: 'shop.example.com',
          tls: { certificateRefs: [{ name: 'shop-cert', namespace: 'shop' }] },
          allowedRoutesFrom: GatewayApiRoutesFrom.SELECTOR,
          allowedRoutesSelector: { 'gateway-access': 'true' },
          allowedRouteKinds: [GatewayApiRouteKind.HTTP_ROUTE, GatewayApiRouteKind.GRPC_ROUTE],
        },
        { name: 'tls', port: 8443, protocol: GatewayApiProtocol.TLS, tls: { mode: GatewayApiTlsMode.PASSTHROUGH }, allowedRoutesFrom: GatewayApiRoutesFrom.ALL },
        { name: 'tcp', port: 5432, protocol: GatewayApiProtocol.TCP, allowedRoutesFrom: GatewayApiRoutesFrom.ALL },
      ],
    });
    new GatewayApiHttpRoute(shop, 'Redirect', {
      parents: [GatewayApiParent.gateway(gateway, { sectionName: 'http' })],
      hostnames: ['shop.example.com'],
      rules: [{ filters: [GatewayApiHttpFilter.redirect({ scheme: RedirectScheme.HTTPS, statusCode: 301 })] }],
    });
    const route = new GatewayApiHttpRoute(shop, 'Shop', {
      parents: [GatewayApiParent.gateway(gateway, { sectionName: 'https' })],
      hostnames: ['shop.example.com'],
    });
    route.addRule({
      matches: [{
        path: StringMatch.prefix('/api'),
        headers: [{ name: 'x-canary', value: StringMatch.exact('true') }],
        queryParams: [{ name: 'debug', value: StringMatch.regex('1|yes') }],
        method: GatewayApiHttpMethod.GET,
      }],
      filters: [
        GatewayApiHttpFilter.requestHeaders({ set: { 'x-env': 'prod' }, add: { 'x-trace': 'on' }, remove: ['x-internal'] }),
        GatewayApiHttpFilter.responseHeaders({ remove: ['server'] }),
        GatewayApiHttpFilter.rewrite({ replacePrefixMatch: '/v2/api' }),
        GatewayApiHttpFilter.mirror(GatewayApiBackend.service('shop-shadow', 8080), { percent: 10 }),
      ],
      backends: [GatewayApiBackend.service('shop-v1', 8080, { weight: 90 }), GatewayApiBackend.service('shop-v2', 8080, { weight: 10 })],
      timeout: Duration.seconds(10),
      backendTimeout: Duration.millis(2500),
    });
    route.addRule({ matches: [{ path: StringMatch.regex('/items/[0-9]+') }], backends: [GatewayApiBackend.service('catalog', 80, { namespace: 'catalog' })] });
    new GatewayApiGrpcRoute(shop, 'Orders', {
      parents: [GatewayApiParent.gateway(gateway, { sectionName: 'https' })],
      hostnames: ['shop.example.com'],
      rules: [{
        matches: [{ service: 'shop.v1.Orders', method: 'Create', headers: [{ name: 'x-tenant', value: StringMatch.exact('a') }] }],
        filters: [GatewayApiHttpFilter.requestHeaders({ set: { 'x-grpc': '1' } })],
        backends: [GatewayApiBackend.service('orders', 9090)],
      }],
    });
    new GatewayApiTlsRoute(shop, 'Legacy', {
      parents: [GatewayApiParent.gateway(gateway, { sectionName: 'tls' })],
      hostnames: ['legacy.example.com'],
      backends: [GatewayApiBackend.service('legacy', 443)],
    });
    new GatewayApiTcpRoute(shop, 'Db', {
      parents: [GatewayApiParent.gateway(gateway, { sectionName: 'tcp' })],
      backends: [GatewayApiBackend.service('postgres', 5432)],
    });
    new GatewayApiHttpRoute(shop, 'Mesh', {
      parents: [GatewayApiParent.service('reviews', { port: 9080 })],
      rules: [{ backends: [GatewayApiBackend.service('reviews-v1', 9080, { weight: 1 }), GatewayApiBackend.service('reviews-v2', 9080, { weight: 3 })] }],
    });
    new GatewayApiHttpRoute(shop, 'Egress', {
      parents: [GatewayApiParent.serviceEntry('httpbin-ext')],
      rules: [{ backends: [GatewayApiBackend.hostname('httpbin.org', 80)] }],
    });
    new ReferenceGrant(shop, 'AllowIngressCerts', {
      from: [{ kind: 'Gateway', namespace: 'ingress' }],
      to: [{ kind: 'Secret', name: 'shop-cert' }],
    });
    // THEN
    const manifests = Testing.synth(shop);
    const gatewayManifest = oneOf(Testing.synth(infra), 'Gateway');
    expect([gatewayManifest, ...manifests]).toMatchSnapshot();
    expect(gatewayManifest.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(gatewayManifest.spec.listeners[1]).toEqual({
      name: 'https',
      hostname: 'shop.example.com',
      port: 443,
      protocol: 'HTTPS',
      tls: { mode: 'Terminate', certificateRefs: [{ name: 'shop-cert', namespace: 'shop' }] },
      allowedRoutes: {
        namespaces: { from: 'Selector', selector: { matchLabels: { 'gateway-access': 'true' } } },
        kinds: [{ kind: 'HTTPRoute' }, { kind: 'GRPCRoute' }],
      },
    });
    const shopRoute = oneOf(manifests, 'HTTPRoute', 'shop');
    expect(shopRoute.spec.parentRefs).toEqual([{ name: 'public', namespace: 'ingress', sectionName: 'https' }]);
    expect(shopRoute.spec.rules[0].timeouts).toEqual({ request: '10s', backendRequest: '2500ms' });
    expect(shopRoute.spec.rules[0].matches[0]).toEqual({
      path: { type: 'PathPrefix', value: '/api' },
      headers: [{ type: 'Exact', name: 'x-canary', value: 'true' }],
      queryParams: [{ type: 'RegularExpression', name: 'debug', value: '1|yes' }],
      method: 'GET',
    });
    expect(shopRoute.spec.rules[1].backendRefs).toEqual([{ name: 'catalog', namespace: 'catalog', port: 80 }]);
    expect(oneOf(manifests, 'HTTPRoute', 'redirect').spec.rules).toEqual([
      { filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] },
    ]);
    expect(oneOf(manifests, 'HTTPRoute', 'mesh').spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'reviews', port: 9080 }]);
    expect(oneOf(manifests, 'HTTPRoute', 'egress').spec.rules[0].backendRefs).toEqual([
      { group: 'networking.istio.io', kind: 'Hostname', name: 'httpbin.org', port: 80 },
    ]);
    expect(oneOf(manifests, 'TLSRoute').apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(oneOf(manifests, 'TCPRoute').apiVersion).toBe('gateway.networking.k8s.io/v1alpha2');
    expect(oneOf(manifests, 'ReferenceGrant')).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: { name: 'allow-ingress-certs', namespace: 'shop' },
      spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'ingress' }], to: [{ group: '', kind: 'Secret', name: 'shop-cert' }] },
    });
  });

  test('an ambient waypoint: class istio-waypoint, an HBONE listener on the proxy\'s tunnel port', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    // WHEN
    new GatewayApiGateway(chart, 'Waypoint', {
      metadata: { labels: { 'istio.io/waypoint-for': 'service' } },
      gatewayClassName: 'istio-waypoint',
      listeners: [{ name: 'mesh', port: 15008, protocol: GatewayApiProtocol.HBONE }],
    });
    // THEN
    expect(oneOf(synth(chart), 'Gateway')).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'waypoint', namespace: 'shop', labels: { 'istio.io/waypoint-for': 'service' } },
      spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
    });
  });

  test('an Istio Gateway and a Gateway API Gateway of the same name are different objects', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new ApiObject(chart, 'Raw', { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'public' }, spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] } });
    new GatewayApiGateway(chart, 'Public', { listeners: [HTTP] });
    // THEN
    expect(synth(chart).map(m => m.apiVersion)).toEqual(['networking.istio.io/v1', 'gateway.networking.k8s.io/v1']);
  });
});

describe('GatewayApiGateway errors', () => {
  test('error: duplicate listener name', () => {
    expect(() => new GatewayApiGateway(Testing.chart(), 'Gw', { listeners: [HTTP, { ...HTTP, port: 8080 }] })).toThrow(
      'listeners[1].name: is the name of another listener of this Gateway (got "http"). Fix: give each listener its own name.');
  });

  test('error: same port, protocol and hostname', () => {
    expect(() => new GatewayApiGateway(Testing.chart(), 'Gw', { listeners: [HTTP, { ...HTTP, name: 'http2' }] })).toThrow(
      'listeners[1]: has the port, protocol and hostname of listener "http"');
  });

  test('error: reserved proxy port', () => {
    expect(listenerError({ ...HTTP, port: 15021 })).toThrow('listeners[0].port:');
  });

  test('error: invalid listener name', () => {
    expect(listenerError({ ...HTTP, name: 'HTTP_80' })).toThrow('listeners[0].name: must be a lower-case DNS-1123 subdomain');
  });

  test('error: invalid hostname', () => {
    expect(listenerError({ ...HTTP, hostname: '*' })).toThrow('listeners[0].hostname: must be a lower-case host name');
  });

  test('error: hostname on a TCP listener', () => {
    expect(listenerError({ name: 'tcp', port: 5432, protocol: GatewayApiProtocol.TCP, hostname: 'db.example.com' })).toThrow(
      'listeners[0].hostname: is set on a TCP listener, which cannot see host names');
  });

  test('error: HTTPS without tls', () => {
    expect(listenerError({ name: 'https', port: 443, protocol: GatewayApiProtocol.HTTPS })).toThrow('listeners[0].tls: is required on a HTTPS listener');
  });

  test('error: tls on an HTTP listener', () => {
    expect(listenerError({ ...HTTP, tls: { certificateRefs: [{ name: 'c' }] } })).toThrow('listeners[0].tls: is set on a HTTP listener');
  });

  test('error: HTTPS passthrough', () => {
    expect(listenerError({ name: 'https', port: 443, protocol: GatewayApiProtocol.HTTPS, tls: { mode: GatewayApiTlsMode.PASSTHROUGH } })).toThrow(
      'listeners[0].tls.mode: must be TERMINATE on an HTTPS listener');
  });

  test('error: terminate without certificates', () => {
    expect(listenerError({ name: 'https', port: 443, protocol: GatewayApiProtocol.HTTPS, tls: {} })).toThrow(
      'listeners[0].tls.certificateRefs: is empty, so the listener has no certificate to terminate TLS with');
  });

  test('error: passthrough with certificates', () => {
    expect(listenerError({ name: 'tls', port: 443, protocol: GatewayApiProtocol.TLS, tls: { mode: GatewayApiTlsMode.PASSTHROUGH, certificateRefs: [{ name: 'c' }] } })).toThrow(
      'listeners[0].tls.certificateRefs: is set on a PASSTHROUGH listener, which never uses a certificate');
  });

  test('error: selector without SELECTOR', () => {
    expect(listenerError({ ...HTTP, allowedRoutesSelector: { a: 'b' } })).toThrow(
      'listeners[0].allowedRoutesSelector: is set while allowedRoutesFrom is not GatewayApiRoutesFrom.SELECTOR');
  });

  test('error: SELECTOR without selector', () => {
    expect(listenerError({ ...HTTP, allowedRoutesFrom: GatewayApiRoutesFrom.SELECTOR })).toThrow(
      'listeners[0].allowedRoutesSelector: is required with GatewayApiRoutesFrom.SELECTOR');
  });

  test('error: a route kind the protocol cannot carry', () => {
    expect(listenerError({ ...HTTP, allowedRouteKinds: [GatewayApiRouteKind.TCP_ROUTE] })).toThrow(
      'listeners[0].allowedRouteKinds[0]: cannot attach to a HTTP listener (got "TCPRoute"). Fix: use HTTPRoute or GRPCRoute.');
  });

  test('error: no listeners', () => {
    const chart = Testing.chart();
    new GatewayApiGateway(chart, 'Gw');
    expect(() => synth(chart)).toThrow('listeners: is empty. Fix: add a listener with addListener().');
  });
});

describe('route errors', () => {
  test('error: the same parent twice without sectionName', () => {
    const gw = GatewayApiParent.gatewayNamed('public');
    expect(() => new GatewayApiHttpRoute(Testing.chart(), 'R', { parents: [gw, gw] })).toThrow(
      'parentRefs[1]: names a parent the route already has, without a sectionName or port that tells the two attachments apart');
  });

  test('error: invalid route hostname', () => {
    expect(() => new GatewayApiHttpRoute(Testing.chart(), 'R', { hostnames: ['10.0.0.1'] })).toThrow('hostnames[0]: must be a host name, not an IP address');
  });

  test('error: a redirect with backends', () => {
    expect(ruleError({ filters: [GatewayApiHttpFilter.redirect({ scheme: RedirectScheme.HTTPS })], backends: [PRODUCTPAGE] })).toThrow(
      'rules[0].backendRefs: is set on a rule that redirects; a redirect answers the request itself');
  });

  test('error: a redirect and a rewrite', () => {
    expect(ruleError({ filters: [GatewayApiHttpFilter.redirect({ scheme: RedirectScheme.HTTPS }), GatewayApiHttpFilter.rewrite({ hostname: 'a.example.com' })] })).toThrow(
      'rules[0].filters: has both a redirect and a rewrite');
  });

  test('error: replacePrefixMatch without one prefix match', () => {
    expect(ruleError({ filters: [GatewayApiHttpFilter.rewrite({ replacePrefixMatch: '/v2' })], backends: [PRODUCTPAGE] })).toThrow(
      'rules[0].matches: must be exactly one StringMatch.prefix() path match when a redirect or rewrite uses replacePrefixMatch');
  });

  test('error: a filter type twice', () => {
    expect(ruleError({ filters: [GatewayApiHttpFilter.requestHeaders({ remove: ['a'] }), GatewayApiHttpFilter.requestHeaders({ remove: ['b'] })], backends: [PRODUCTPAGE] })).toThrow(
      'rules[0].filters[1]: repeats a filter type that may appear once per rule');
  });

  test('error: backendTimeout longer than timeout', () => {
    expect(ruleError({ timeout: Duration.seconds(1), backendTimeout: Duration.seconds(2), backends: [PRODUCTPAGE] })).toThrow(
      'rules[0].backendTimeout: is longer than timeout (1s) (got "2s")');
  });

  test('error: a relative path', () => {
    expect(ruleError({ matches: [{ path: StringMatch.prefix('api') }], backends: [PRODUCTPAGE] })).toThrow(
      'rules[0].matches[0].path.prefix: must be an absolute path');
  });

  test('error: a path that is never normalized that way', () => {
    expect(ruleError({ matches: [{ path: StringMatch.exact('/a//b') }], backends: [PRODUCTPAGE] })).toThrow(
      'rules[0].matches[0].path.exact: contains "//"');
  });

  test('error: an RE2-invalid path regex', () => {
    expect(ruleError({ matches: [{ path: StringMatch.regex('/(?=a)') }], backends: [PRODUCTPAGE] })).toThrow('rules[0].matches[0].path.regex:');
  });

  test('error: a header prefix match', () => {
    expect(ruleError({ matches: [{ headers: [{ name: 'x-v', value: StringMatch.prefix('v1.') }] }], backends: [PRODUCTPAGE] })).toThrow(
      'rules[0].matches[0].headers[0].value: cannot be StringMatch.prefix(); the Gateway API matches values exactly or by regex. Fix: use StringMatch.regex("v1\\..*").');
  });

  test('error: a header matched twice', () => {
    expect(ruleError({ matches: [{ headers: [{ name: 'X-V', value: StringMatch.exact('1') }, { name: 'x-v', value: StringMatch.exact('2') }] }], backends: [PRODUCTPAGE] })).toThrow(
      'rules[0].matches[0].headers[1].name: is matched twice');
  });

  test('error: a weight out of range', () => {
    expect(ruleError({ backends: [GatewayApiBackend.service('a', 80, { weight: -1 })] })).toThrow('rules[0].backendRefs[0].weight: must be an integer from 0 to 1000000');
  });

  test('error: a redirect status code', () => {
    expect(ruleError({ filters: [GatewayApiHttpFilter.redirect({ statusCode: 300 })] })).toThrow('rules[0].filters[0].requestRedirect.statusCode: must be one of 301, 302, 303, 307, 308');
  });

  test('error: a mirror percentage', () => {
    expect(ruleError({ filters: [GatewayApiHttpFilter.mirror(PRODUCTPAGE, { percent: 120 })], backends: [PRODUCTPAGE] })).toThrow('rules[0].filters[0].requestMirror.percent:');
  });

  test('error: a header modifier with an invalid name', () => {
    expect(ruleError({ filters: [GatewayApiHttpFilter.requestHeaders({ set: { 'bad header': 'x' } })], backends: [PRODUCTPAGE] })).toThrow(
      'rules[0].filters[0].requestHeaderModifier.set: must be an HTTP header name');
  });

  test('error: a redirect filter on a GRPCRoute', () => {
    expect(() => new GatewayApiGrpcRoute(Testing.chart(), 'G', { rules: [{ filters: [GatewayApiHttpFilter.redirect({ scheme: RedirectScheme.HTTPS })] }] })).toThrow(
      'rules[0].filters[0]: is not a filter this route kind supports (got "RequestRedirect")');
  });

  test('error: an invalid gRPC service name', () => {
    expect(() => new GatewayApiGrpcRoute(Testing.chart(), 'G', { rules: [{ matches: [{ service: 'shop/Orders' }] }] })).toThrow(
      'rules[0].matches[0].method.service: must be a fully qualified gRPC service name');
  });

  test('error: a TLSRoute without hostnames', () => {
    const chart = Testing.chart();
    new GatewayApiTlsRoute(chart, 'T', { backends: [GatewayApiBackend.service('a', 443)] });
    expect(() => synth(chart)).toThrow('hostnames: is empty; a TLSRoute routes by SNI and needs at least one host name');
  });

  test('error: a TCPRoute without backends', () => {
    const chart = Testing.chart();
    new GatewayApiTcpRoute(chart, 'T', { parents: [GatewayApiParent.gatewayNamed('gw')] });
    expect(() => synth(chart)).toThrow('rules[0].backendRefs: is empty. Fix: add a backend with addBackend().');
  });

  test('error: a ReferenceGrant without to', () => {
    const chart = Testing.chart();
    new ReferenceGrant(chart, 'G', { from: [{ kind: 'HTTPRoute', namespace: 'shop' }] });
    expect(() => synth(chart)).toThrow('to: is empty. Fix: add what may be referred to with addTo().');
  });

  test('error: a ReferenceGrant with an invalid namespace', () => {
    expect(() => new ReferenceGrant(Testing.chart(), 'G', { from: [{ kind: 'HTTPRoute', namespace: 'Shop' }] })).toThrow('from[0].namespace: must be a lower-case DNS-1123 label');
  });

  test('error: untyped props are checked against the props struct', () => {
    expect(() => new GatewayApiHttpRoute(Testing.chart(), 'R', { hostnames: 'a.example.com' } as any)).toThrow(
      '[test/R] hostnames: must be a list of strings (got "a.example.com"). Fix: wrap the value in a list: ["a.example.com"].');
  });
});
