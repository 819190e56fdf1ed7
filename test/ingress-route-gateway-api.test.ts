import { App, Chart, Duration, Testing } from 'cdk8s';
import { allOf, BOOKINFO_PATHS, oneOf, sharedGatewayApiGateway, synth } from './util';
import { expectSemanticallyEqual, loadSample, samplesAvailable } from './util/samples';
import { IstioApi, RoutingApi } from '../src/api-version';
import { CertificateIssuer } from '../src/certificate';
import { CorsMethod } from '../src/cors-policy';
import { RetryOn } from '../src/http-retry';
import { RedirectPortSelection, RedirectScheme } from '../src/http-route';
import { IngressGateway } from '../src/ingress-gateway';
import { IngressHttpRoute, IngressProtocol, IngressRoute, IngressRouteProps } from '../src/ingress-route';
import { IngressTlsMode, TlsCredential } from '../src/ingress-tls';
import { MeshService } from '../src/mesh-service';
import { Protocol } from '../src/protocol';
import { ServiceBackend } from '../src/service-backend';
import { StringMatch } from '../src/string-match';

const LETSENCRYPT = TlsCredential.fromCertManager({ issuer: CertificateIssuer.clusterIssuer('letsencrypt') });

function gatewayApiChart(app: App = Testing.app()): Chart {
  IstioApi.useRoutingApi(app, RoutingApi.GATEWAY_API);
  return new Chart(app, 'shop', { namespace: 'shop' });
}

function frontend(chart: Chart): MeshService {
  return new MeshService(chart, 'Frontend', { ports: [{ port: 8080, protocol: Protocol.HTTP }] });
}

/** An IngressRoute on the Gateway API made with `props` in a fresh chart, as a thunk for toThrow. */
function route(props: Partial<IngressRouteProps>): () => IngressRoute {
  return () => new IngressRoute(gatewayApiChart(), 'Shop', { hosts: ['shop.example.com'], ...props });
}

/** The error of one HTTP route on the Gateway API. */
function httpRouteError(httpRoute: IngressHttpRoute): () => IngressRoute {
  return route({ httpRoutes: [httpRoute] });
}

describe('snapshots', () => {
  test('Bookinfo ingress on the Gateway API: the same objects as Istio\'s gateway-api/bookinfo-gateway.yaml', () => {
    // GIVEN
    const app = Testing.app();
    IstioApi.useRoutingApi(app, RoutingApi.GATEWAY_API);
    const chart = new Chart(app, 'bookinfo');
    // WHEN
    const bookinfo = new IngressRoute(chart, 'Bookinfo', {
      hosts: ['*'],
      httpRoutes: [{ match: BOOKINFO_PATHS, route: [{ host: 'productpage', port: 9080 }] }],
    });
    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(bookinfo.routingApi).toBe(RoutingApi.GATEWAY_API);
    expect(bookinfo.virtualService).toBeUndefined();
    expect(bookinfo.gatewayRef).toBe('default/bookinfo-gateway');
    if (samplesAvailable('Bookinfo Gateway API sample equality test')) {
      expectSemanticallyEqual(manifests, loadSample('bookinfo/gateway-api/bookinfo-gateway.yaml'));
    }
  });

  test('one construct, both backends: the Istio APIs by default, the Gateway API per construct', () => {
    // GIVEN
    const app = Testing.app();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const web = frontend(chart);
    const props: IngressRouteProps = {
      hosts: ['shop.example.com'],
      tls: { credential: LETSENCRYPT },
      httpRoutes: [
        { match: [{ uri: StringMatch.prefix('/api') }], backend: ServiceBackend.fromMeshService(web), timeout: Duration.seconds(10) },
        { backend: ServiceBackend.fromMeshService(web), headers: { response: { set: { 'strict-transport-security': 'max-age=31536000' } } } },
      ],
    };
    // WHEN
    const istio = new IngressRoute(chart, 'Shop', props);
    const gatewayApi = new IngressRoute(chart, 'ShopNext', { ...props, hosts: ['next.example.com'], routingApi: RoutingApi.GATEWAY_API });
    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(istio.virtualService).toBeDefined();
    expect(istio.httpRoute).toBeUndefined();
    expect(gatewayApi.virtualService).toBeUndefined();
    const gateway = oneOf(manifests, 'Gateway', 'shop-next-gateway');
    expect(gateway).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'shop-next-gateway', namespace: 'shop' },
      spec: {
        gatewayClassName: 'istio',
        listeners: [
          {
            name: 'https',
            hostname: 'next.example.com',
            port: 443,
            protocol: 'HTTPS',
            tls: { mode: 'Terminate', certificateRefs: [{ name: 'shop-next-tls' }] },
            allowedRoutes: { namespaces: { from: 'Same' } },
          },
          { name: 'http', hostname: 'next.example.com', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } },
        ],
      },
    });
    expect(oneOf(manifests, 'HTTPRoute', 'shop-next').spec).toEqual({
      parentRefs: [{ name: 'shop-next-gateway', sectionName: 'https' }],
      hostnames: ['next.example.com'],
      rules: [
        { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name: 'frontend', port: 8080 }], timeouts: { request: '10s' } },
        {
          filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'strict-transport-security', value: 'max-age=31536000' }] } }],
          backendRefs: [{ name: 'frontend', port: 8080 }],
        },
      ],
    });
    expect(oneOf(manifests, 'HTTPRoute', 'shop-next-https-redirect').spec).toEqual({
      parentRefs: [{ name: 'shop-next-gateway', sectionName: 'http' }],
      hostnames: ['next.example.com'],
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
    });
    // The Certificate lands next to the Gateway API Gateway (Istio reads its Secrets there), not in istio-system.
    expect(oneOf(manifests, 'Certificate', 'shop-next-tls').metadata.namespace).toBe('shop');
    expect(oneOf(manifests, 'Certificate', 'shop-shop-tls').metadata.namespace).toBe('istio-system');
  });

  test('a certificate in another namespace gets a ReferenceGrant there', () => {
    // GIVEN
    const chart = gatewayApiChart();
    // WHEN
    const shop = new IngressRoute(chart, 'Shop', {
      hosts: ['shop.example.com'],
      workloadNamespace: 'certs',
      tls: { credential: LETSENCRYPT, httpsRedirect: false },
      httpRoutes: [{ route: [{ host: 'frontend', port: 8080 }] }],
    });
    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(shop.referenceGrant).toBeDefined();
    expect(oneOf(manifests, 'Gateway').spec.listeners).toEqual([{
      name: 'https',
      hostname: 'shop.example.com',
      port: 443,
      protocol: 'HTTPS',
      tls: { mode: 'Terminate', certificateRefs: [{ name: 'shop-shop-tls', namespace: 'certs' }] },
      allowedRoutes: { namespaces: { from: 'Same' } },
    }]);
    expect(oneOf(manifests, 'ReferenceGrant')).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: { name: 'shop-certificate', namespace: 'certs' },
      spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'shop' }], to: [{ group: '', kind: 'Secret', name: 'shop-shop-tls' }] },
    });
    expect(oneOf(manifests, 'Certificate').metadata.namespace).toBe('certs');
    expect(allOf(manifests, 'HTTPRoute')).toHaveLength(1);
  });

  test('TLS passthrough becomes a TLSRoute, TCP a TCPRoute, a referenced Gateway a parentRef', () => {
    // GIVEN
    const chart = gatewayApiChart();
    // WHEN
    new IngressRoute(chart, 'Legacy', {
      hosts: ['legacy.example.com'],
      protocol: IngressProtocol.TLS_PASSTHROUGH,
      tlsRoutes: [{ route: [{ host: 'legacy', port: 443 }] }],
    });
    const db = new IngressRoute(chart, 'Db', {
      hosts: ['*'],
      protocol: IngressProtocol.TCP,
      port: 5432,
      tcpRoutes: [{ route: [{ host: 'postgres.data.svc.cluster.local', port: 5432 }] }],
    });
    new IngressRoute(chart, 'Docs', {
      hosts: ['docs.example.com'],
      gateway: IngressGateway.fromGatewayRef('infra/public'),
      httpRoutes: [
        { match: [{ uri: StringMatch.prefix('/v1'), headers: { 'x-version': StringMatch.prefix('1.') } }], rewrite: { uri: '/' }, route: [{ host: 'docs', port: 80 }] },
        { redirect: { uri: '/v1', redirectCode: 302 } },
      ],
    });
    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'TLSRoute').spec).toEqual({
      parentRefs: [{ name: 'legacy-gateway' }], hostnames: ['legacy.example.com'], rules: [{ backendRefs: [{ name: 'legacy', port: 443 }] }],
    });
    expect(oneOf(manifests, 'Gateway', 'legacy-gateway').spec.listeners[0]).toMatchObject({ protocol: 'TLS', tls: { mode: 'Passthrough' } });
    expect(db.tcpRoute).toBeDefined();
    expect(oneOf(manifests, 'TCPRoute').spec.rules).toEqual([{ backendRefs: [{ name: 'postgres', namespace: 'data', port: 5432 }] }]);
    expect(oneOf(manifests, 'Gateway', 'db-gateway').spec.listeners).toEqual([
      { name: 'tcp', port: 5432, protocol: 'TCP', allowedRoutes: { namespaces: { from: 'Same' } } },
    ]);
    const docs = oneOf(manifests, 'HTTPRoute', 'docs');
    expect(docs.spec.parentRefs).toEqual([{ name: 'public', namespace: 'infra' }]);
    expect(docs.spec.rules[0]).toEqual({
      matches: [{ path: { type: 'PathPrefix', value: '/v1' }, headers: [{ type: 'RegularExpression', name: 'x-version', value: '1\\..*' }] }],
      filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }],
      backendRefs: [{ name: 'docs', port: 80 }],
    });
    expect(docs.spec.rules[1]).toEqual({ filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplaceFullPath', replaceFullPath: '/v1' }, statusCode: 302 } }] });
  });

  test('weighted destinations, a mirror and a request header change', () => {
    // GIVEN
    const chart = gatewayApiChart();
    // WHEN
    new IngressRoute(chart, 'Shop', {
      hosts: ['shop.example.com'],
      httpRoutes: [{
        match: [{ uri: StringMatch.prefix('/'), method: StringMatch.exact('GET'), queryParams: { preview: StringMatch.present() } }],
        route: [{ host: 'shop-v1', port: 8080, weight: 90 }, { host: 'shop-v2.shop.svc.cluster.local', port: 8080, weight: 10 }],
        mirror: { host: 'shop-shadow', port: 8080, percentage: 5 },
        headers: { request: { remove: ['x-debug'] } },
      }],
    });
    // THEN
    expect(oneOf(synth(chart), 'HTTPRoute').spec.rules).toEqual([{
      matches: [{ path: { type: 'PathPrefix', value: '/' }, queryParams: [{ type: 'RegularExpression', name: 'preview', value: '.*' }], method: 'GET' }],
      filters: [
        { type: 'RequestHeaderModifier', requestHeaderModifier: { remove: ['x-debug'] } },
        { type: 'RequestMirror', requestMirror: { backendRef: { name: 'shop-shadow', port: 8080 }, percent: 5 } },
      ],
      backendRefs: [{ name: 'shop-v1', port: 8080, weight: 90 }, { name: 'shop-v2', port: 8080, weight: 10 }],
    }]);
  });

  test('routes in another namespace than their Gateway: the listener admits exactly that namespace', () => {
    // GIVEN
    const chart = gatewayApiChart();
    // WHEN
    new IngressRoute(chart, 'Shop', {
      hosts: ['shop.example.com'],
      gatewayMetadata: { namespace: 'ingress' },
      httpRoutes: [{ route: [{ host: 'frontend', port: 8080 }] }],
    });
    // THEN
    const manifests = synth(chart);
    expect(oneOf(manifests, 'Gateway').spec.listeners[0].allowedRoutes).toEqual({
      namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } },
    });
    expect(oneOf(manifests, 'HTTPRoute').spec.parentRefs).toEqual([{ name: 'shop-gateway', namespace: 'ingress' }]);
  });
});

describe('cross-resource checks on the IngressRoute\'s objects', () => {
  test('error: a backend in another namespace of the app without a ReferenceGrant there', () => {
    // GIVEN
    const app = Testing.app();
    const chart = gatewayApiChart(app);
    const catalog = new MeshService(new Chart(app, 'catalog', { namespace: 'catalog' }), 'Catalog', { ports: [{ port: 8080, protocol: Protocol.HTTP }] });
    // WHEN
    new IngressRoute(chart, 'Shop', { hosts: ['shop.example.com'], httpRoutes: [{ backend: ServiceBackend.fromMeshService(catalog) }] });
    // THEN
    expect(() => synth(chart)).toThrow(
      '[shop/Shop/HttpRoute] rules[0].backendRefs[0]: refers to a Service in namespace "catalog", and no ReferenceGrant there lets HTTPRoutes of namespace "shop" refer to it');
  });
});

describe('a shared GatewayApiGateway of the app', () => {
  test('routes of several namespaces attach to its listeners', () => {
    // GIVEN
    const app = Testing.app();
    const chart = gatewayApiChart(app);
    const gateway = sharedGatewayApiGateway(app);
    const blog = new Chart(app, 'blog', { namespace: 'blog' });
    // WHEN
    const shop = new IngressRoute(chart, 'Shop', { hosts: ['shop.example.com'], gateway, httpRoutes: [{ route: [{ host: 'web', port: 80 }] }] });
    new IngressRoute(blog, 'Blog', { hosts: ['blog.example.com'], gateway, httpRoutes: [{ route: [{ host: 'blog', port: 80 }] }] });
    // THEN
    expect(shop.gatewayRef).toBe('infra/public');
    expect(shop.gatewayApiGateway).toBeUndefined();
    expect(oneOf(synth(chart), 'HTTPRoute').spec.parentRefs).toEqual([{ name: 'public', namespace: 'infra' }]);
    expect(allOf(synth(blog), 'Gateway')).toEqual([]);
  });

  test('error: a host none of its listeners serves', () => {
    const app = Testing.app();
    const chart = gatewayApiChart(app);
    const gateway = sharedGatewayApiGateway(app);
    new IngressRoute(chart, 'Shop', { hosts: ['shop.example.org'], gateway, httpRoutes: [{ route: [{ host: 'web', port: 80 }] }] });
    expect(() => synth(chart)).toThrow(
      '[shop/Shop/HttpRoute] parentRefs[0]: is refused by every listener it names: listener "https" serves "*.example.com", none of the route\'s hostnames ["shop.example.org"]');
  });

  test('error: given to an IngressRoute on Istio\'s APIs', () => {
    const app = Testing.app();
    const gateway = sharedGatewayApiGateway(app);
    expect(() => new IngressRoute(new Chart(app, 'shop', { namespace: 'shop' }), 'Shop', { hosts: ['shop.example.com'], gateway })).toThrow(
      'gateway: is a Gateway API Gateway, which the VirtualService of an IngressRoute on Istio\'s APIs cannot bind to (got "infra/public")');
  });
});

describe('what the Gateway API cannot express', () => {
  const backend = { route: [{ host: 'frontend', port: 8080 }] };
  test.each<[string, IngressHttpRoute, string]>([
    ['fault injection', { ...backend, fault: { abort: { httpStatus: 503, percentage: 10 } } as any }, 'httpRoutes[0].fault: is fault injection, which the Gateway API cannot express'],
    ['delegation', { delegate: { name: 'shop-routes' } }, 'httpRoutes[0].delegate: is delegation to another VirtualService, which the Gateway API cannot express'],
    ['a direct response', { directResponse: { status: 503 } }, 'httpRoutes[0].directResponse: is a direct response, which the Gateway API cannot express'],
    ['retries', { ...backend, retries: { attempts: 3, retryOn: [RetryOn.GATEWAY_ERROR] } }, 'httpRoutes[0].retries: is retries, which this IngressRoute writes only with Istio\'s APIs'],
    ['CORS', { ...backend, corsPolicy: { allowOrigins: [StringMatch.exact('https://a.example.com')], allowMethods: [CorsMethod.GET] } }, 'httpRoutes[0].corsPolicy: is a CORS policy, which this IngressRoute writes only with Istio\'s APIs'],
    ['a route name', { ...backend, name: 'main' }, 'httpRoutes[0].name: is a route name (Envoy stats), which this IngressRoute writes only with Istio\'s APIs'],
    ['a JWT-claim match', { ...backend, match: [{ headers: { '@request.auth.claims.group': StringMatch.exact('beta') } }] }, 'httpRoutes[0].match[0].headers: is a JWT claim match ("@request.auth.claims.group"), which the Gateway API cannot express'],
    ['a negated header match', { ...backend, match: [{ withoutHeaders: { 'x-beta': StringMatch.present() } }] }, 'httpRoutes[0].match[0].withoutHeaders: is a negated header match (withoutHeaders), which the Gateway API cannot express'],
    ['an authority match', { ...backend, match: [{ authority: StringMatch.exact('a.example.com') }] }, 'httpRoutes[0].match[0].authority: is an authority match, which the Gateway API cannot express'],
    ['a case-insensitive URI', { ...backend, match: [{ uri: StringMatch.prefix('/a'), ignoreUriCase: true }] }, 'httpRoutes[0].match[0].ignoreUriCase: is a case-insensitive URI match, which the Gateway API cannot express'],
    ['a method regex', { ...backend, match: [{ method: StringMatch.regex('GET|HEAD') }] }, 'httpRoutes[0].match[0].method: is a method match other than one exact method, which the Gateway API cannot express'],
    ['a subset', { route: [{ host: 'frontend', port: 8080, subset: 'v1' }] }, 'httpRoutes[0].route[0].subset: is a subset (Gateway API backends have no subsets), which the Gateway API cannot express'],
    ['headers per destination', { route: [{ host: 'frontend', port: 8080, headers: { request: { set: { a: 'b' } } } }] }, 'httpRoutes[0].route[0].headers: is header changes per destination, which the Gateway API cannot express'],
    ['a regex rewrite', { ...backend, rewrite: { uriRegexRewrite: { match: '^/a(.*)', rewrite: '/b\\1' } } }, 'httpRoutes[0].rewrite.uriRegexRewrite: is a regex rewrite, which the Gateway API cannot express'],
    ['a URI rewrite of several prefixes', { ...backend, match: [{ uri: StringMatch.prefix('/a') }, { uri: StringMatch.prefix('/b') }], rewrite: { uri: '/' } }, 'httpRoutes[0].rewrite.uri: is a URI rewrite on a route that is not one prefix match or only exact matches'],
    ['a redirect port from the request', { redirect: { scheme: RedirectScheme.HTTPS, derivePort: RedirectPortSelection.FROM_PROTOCOL_DEFAULT } }, 'httpRoutes[0].redirect.derivePort: is a redirect port taken from the request, which the Gateway API cannot express'],
    ['a mirror subset', { ...backend, mirror: { host: 'frontend', port: 8080, subset: 'v2' } }, 'httpRoutes[0].mirror.subset: is a subset (Gateway API backends have no subsets), which the Gateway API cannot express'],
    ['a fractional mirror', { ...backend, mirrors: [{ host: 'frontend', port: 8080, percentage: 0.5 }] }, 'httpRoutes[0].mirrors[0].percentage: is a fractional mirror percentage, which the Gateway API cannot express'],
    ['a wildcard destination', { route: [{ host: '*.example.com', port: 80 }] }, 'httpRoutes[0].route[0].host: is a wildcard destination host, which the Gateway API cannot express'],
  ])('error: %s', (_name, httpRoute, message) => {
    expect(httpRouteError(httpRoute)).toThrow(message);
  });

  test('error: a destination without port', () => {
    expect(httpRouteError({ route: [{ host: 'frontend' }] })).toThrow('httpRoutes[0].route[0]: has no port; a Gateway API backendRef to a Service needs one (got "frontend")');
  });

  test('error: a later, more specific route would win over an earlier one it overlaps', () => {
    expect(route({ httpRoutes: [{ route: [{ host: 'a', port: 80 }] }, { match: [{ uri: StringMatch.prefix('/api') }], route: [{ host: 'b', port: 80 }] }] })).toThrow(
      '[shop/Shop] httpRoutes[1].match: would take precedence over the earlier httpRoutes[0], whose requests it overlaps: the Gateway API orders rules by their match '
      + '(exact paths, then prefixes, then regexes; longer paths, a method, more headers and query parameters first), not by position as the VirtualService does. '
      + 'Fix: move this route before httpRoutes[0], or make their matches disjoint');
  });

  test('error: a regex route before a catch-all (Istio ranks prefix paths above regex paths)', () => {
    expect(route({ httpRoutes: [{ match: [{ uri: StringMatch.regex('/items/[0-9]+') }], route: [{ host: 'a', port: 80 }] }, { route: [{ host: 'b', port: 80 }] }] })).toThrow(
      'httpRoutes[1].match: would take precedence over the earlier httpRoutes[0], whose requests it overlaps');
  });

  test('routes in Gateway API precedence order, or disjoint, are accepted', () => {
    expect(route({
      httpRoutes: [
        { match: [{ uri: StringMatch.exact('/health') }], route: [{ host: 'a', port: 80 }] },
        { match: [{ uri: StringMatch.prefix('/api'), headers: { 'x-v': StringMatch.exact('2') } }], route: [{ host: 'b', port: 80 }] },
        { match: [{ uri: StringMatch.prefix('/api'), headers: { 'x-v': StringMatch.exact('3') } }], route: [{ host: 'c', port: 80 }] },
        { route: [{ host: 'd', port: 80 }] },
      ],
    })).not.toThrow();
  });

  test('error: selector', () => {
    expect(route({ selector: { istio: 'ingressgateway' }, httpRoutes: [] })).toThrow(
      "selector: chooses gateway pods, but on the Gateway API Istio deploys the Gateway's own workload (no selector)");
  });

  test('error: a shared IngressGateway', () => {
    expect(() => {
      const chart = gatewayApiChart();
      new IngressRoute(chart, 'Shop', { hosts: ['shop.example.com'], gateway: new IngressGateway(chart, 'Public', {}) });
    }).toThrow('gateway: is an IngressGateway, an Istio Gateway the Gateway API routes cannot attach to');
  });

  test('error: a client-certificate TLS mode', () => {
    expect(route({ tls: { credential: LETSENCRYPT, mode: IngressTlsMode.MUTUAL, clientCaCertificate: undefined } })).toThrow(
      'tls.mode: verifies client certificates, which a Gateway API listener cannot express (got "MUTUAL")');
  });

  test('error: TLS versions and cipher suites', () => {
    expect(route({ tls: { credential: LETSENCRYPT, cipherSuites: ['ECDHE-RSA-AES256-GCM-SHA384'] } })).toThrow(
      'tls.cipherSuites: is a TLS setting a Gateway API listener cannot express');
  });

  test('error: a second TCP route', () => {
    expect(route({ hosts: ['*'], protocol: IngressProtocol.TCP, port: 5432, tcpRoutes: [{ route: [{ host: 'a', port: 5432 }] }, { route: [{ host: 'b', port: 5432 }] }] })).toThrow(
      'tcpRoutes[1]: is a second TCP route on one port (a TCPRoute has no match to choose between them), which the Gateway API cannot express');
  });

  test('error: TCP match conditions', () => {
    expect(route({ hosts: ['*'], protocol: IngressProtocol.TCP, port: 5432, tcpRoutes: [{ match: [{ sourceNamespace: 'a' }], route: [{ host: 'a', port: 5432 }] }] })).toThrow(
      'tcpRoutes[0].match: is TCP match conditions (a TCPRoute takes every connection of its listener), which the Gateway API cannot express');
  });

  test('error: a passthrough route for any SNI name', () => {
    expect(route({ hosts: ['*'], allowAnyHost: true, protocol: IngressProtocol.TLS_PASSTHROUGH, tlsRoutes: [{ route: [{ host: 'a', port: 443 }] }] })).toThrow(
      'tlsRoutes[0].sniHosts: is the SNI name "*" (a TLSRoute needs host names), which the Gateway API cannot express');
  });
});

describe('gRPC backends become a GRPCRoute', () => {
  function orders(chart: Chart): ServiceBackend {
    return ServiceBackend.fromMeshService(new MeshService(chart, 'Orders', { ports: [{ port: 9090, protocol: Protocol.GRPC }] }));
  }

  test('service and method matches from the URI, headers kept', () => {
    // GIVEN
    const chart = gatewayApiChart();
    const backend = orders(chart);
    // WHEN
    const api = new IngressRoute(chart, 'Api', {
      hosts: ['grpc.example.com'],
      httpRoutes: [
        { match: [{ uri: StringMatch.exact('/shop.v1.Orders/Create'), headers: { 'x-tenant': StringMatch.exact('a') } }], backend },
        { match: [{ uri: StringMatch.prefix('/shop.v1.Orders/') }], backend, headers: { request: { set: { 'x-via': 'gateway' } } } },
      ],
    });
    // THEN
    const manifests = synth(chart);
    expect(api.httpRoute).toBeUndefined();
    expect(api.grpcRoute).toBeDefined();
    expect(oneOf(manifests, 'GRPCRoute').spec).toEqual({
      parentRefs: [{ name: 'api-gateway' }],
      hostnames: ['grpc.example.com'],
      rules: [
        {
          matches: [{ method: { type: 'Exact', service: 'shop.v1.Orders', method: 'Create' }, headers: [{ type: 'Exact', name: 'x-tenant', value: 'a' }] }],
          backendRefs: [{ name: 'orders', port: 9090 }],
        },
        {
          matches: [{ method: { type: 'Exact', service: 'shop.v1.Orders' } }],
          filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-via', value: 'gateway' }] } }],
          backendRefs: [{ name: 'orders', port: 9090 }],
        },
      ],
    });
  });

  test('error: gRPC and HTTP backends on one route', () => {
    const chart = gatewayApiChart();
    const backend = orders(chart);
    expect(() => new IngressRoute(chart, 'Api', { hosts: ['grpc.example.com'], httpRoutes: [{ backend }, { route: [{ host: 'web', port: 80 }] }] })).toThrow(
      'httpRoutes[1]: routes to an HTTP backend, but earlier routes of this IngressRoute go to gRPC backends; on the Gateway API gRPC and HTTP routes cannot share a host name');
  });

  test('error: a URI a GRPCRoute cannot express', () => {
    const chart = gatewayApiChart();
    const backend = orders(chart);
    expect(() => new IngressRoute(chart, 'Api', { hosts: ['grpc.example.com'], httpRoutes: [{ match: [{ uri: StringMatch.prefix('/shop') }], backend }] })).toThrow(
      'httpRoutes[0].match[0].uri: is a URI match a GRPCRoute cannot express (it matches a service, and a method of it), which the Gateway API cannot express');
  });

  test('error: a timeout on a gRPC route', () => {
    const chart = gatewayApiChart();
    const backend = orders(chart);
    expect(() => new IngressRoute(chart, 'Api', { hosts: ['grpc.example.com'], httpRoutes: [{ backend, timeout: Duration.seconds(5) }] })).toThrow(
      'httpRoutes[0].timeout: is a timeout on a route to a gRPC Service port (a GRPCRoute has none), which the Gateway API cannot express');
  });

  test('error: a later, more specific gRPC route would win over an earlier one it overlaps', () => {
    const chart = gatewayApiChart();
    const backend = orders(chart);
    expect(() => new IngressRoute(chart, 'Api', {
      hosts: ['grpc.example.com'],
      httpRoutes: [{ backend }, { match: [{ uri: StringMatch.exact('/shop.v1.Orders/Create') }], backend }],
    })).toThrow('httpRoutes[1].match: would take precedence over the earlier httpRoutes[0], whose calls it overlaps: the Gateway API orders rules by their match (longer services and methods, more headers first)');
  });
});
