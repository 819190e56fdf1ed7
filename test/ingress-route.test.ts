import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Duration, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-27';
import { parseAllDocuments } from 'yaml';
import { allOf, BOOKINFO_PATHS, oneOf, synth } from './util';
import { sharedAvailable, sharedDir } from './util/conformance';
import { CorsMethod } from '../src/cors-policy';
import { Gateway } from '../src/gateway';
import { RetryOn } from '../src/http-retry';
import { RedirectScheme } from '../src/http-route';
import { IngressGateway } from '../src/ingress-gateway';
import { IngressProtocol, IngressRoute, IngressRouteProps } from '../src/ingress-route';
import { TlsCredential } from '../src/ingress-tls';
import { MeshService } from '../src/mesh-service';
import { Protocol } from '../src/protocol';
import { ServiceBackend } from '../src/service-backend';
import { StringMatch } from '../src/string-match';

/** The objects of one of Istio's samples, read from the shared reference directory (never copied). */
function istioSample(name: string): any[] {
  const text = fs.readFileSync(path.join(sharedDir(), 'istio', 'samples', name), 'utf8');
  return parseAllDocuments(text).map(d => d.toJS()).filter(o => o !== null && o !== undefined);
}

function shopChart(app: App = Testing.app()): Chart {
  return new Chart(app, 'shop', { namespace: 'shop' });
}

function frontend(chart: Chart): MeshService {
  return new MeshService(chart, 'Frontend', { ports: [{ port: 8080, protocol: Protocol.HTTP }] });
}

/** An IngressRoute made with `props` in a fresh chart; returns the construction as a thunk, for toThrow. */
function route(props: Partial<IngressRouteProps>): () => IngressRoute {
  return () => new IngressRoute(shopChart(), 'Shop', { hosts: ['shop.example.com'], ...props });
}

describe('snapshots', () => {
  test('Bookinfo ingress: the same objects as Istio\'s bookinfo-gateway.yaml, with the gateway reference qualified', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    new IngressRoute(chart, 'Bookinfo', {
      hosts: ['*'],
      port: 8080,
      httpRoutes: [{ match: BOOKINFO_PATHS, route: [{ host: 'productpage', port: 9080 }] }],
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'VirtualService', 'bookinfo').spec.gateways).toEqual(['default/bookinfo-gateway']);
    if (sharedAvailable()) {
      // The one intended difference: the sample's bare "bookinfo-gateway" only works when both objects land in the
      // same namespace; the route always writes "namespace/name".
      const expected = istioSample('bookinfo/bookinfo-gateway.yaml');
      expected.find(o => o.kind === 'VirtualService').spec.gateways = ['default/bookinfo-gateway'];
      expect(manifests).toEqual(expected);
    }
  });

  test('HTTP routes to a MeshService, a cdk8s-plus Service and a host: matches, rewrite, redirect, direct response, timeouts, retries, CORS, headers', () => {
    // GIVEN
    const chart = shopChart();
    const web = frontend(chart);
    const api = new plus.Service(chart, 'Api', { metadata: { name: 'api' }, ports: [{ port: 9090, name: 'http-api' }] });
    const docs = ServiceBackend.fromHost('docs.shop-docs.svc.cluster.local', 80, Protocol.HTTP);

    // WHEN
    const ingress = new IngressRoute(chart, 'Shop', {
      hosts: ['shop.example.com', 'www.shop.example.com'],
      httpRoutes: [
        {
          name: 'api',
          match: [{ uri: StringMatch.regex('/api/v[12]/.*'), method: StringMatch.exact('GET'), headers: { 'x-tenant': StringMatch.present() } }],
          rewrite: { uri: '/' },
          backend: ServiceBackend.fromService(api),
          timeout: Duration.seconds(10),
          retries: { attempts: 3, perTryTimeout: Duration.seconds(2), retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE] },
          corsPolicy: { allowOrigins: [StringMatch.exact('https://www.example.com')], allowMethods: [CorsMethod.GET], maxAge: Duration.hours(1) },
          headers: { request: { set: { 'x-forwarded-host': 'shop.example.com' } }, response: { remove: ['server'] } },
        },
        { match: [{ uri: StringMatch.prefix('/docs'), queryParams: { lang: StringMatch.exact('en') } }], backend: docs },
        { match: [{ uri: StringMatch.exact('/old-shop') }], redirect: { uri: '/', scheme: RedirectScheme.HTTPS, redirectCode: 308 } },
        { match: [{ uri: StringMatch.exact('/healthz') }], directResponse: { status: 200, body: 'ok' } },
      ],
    });
    ingress.addHttpRoute({ backend: ServiceBackend.fromMeshService(web) });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Gateway', 'shop-gateway')).toMatchObject({
      metadata: { namespace: 'shop' },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com', 'www.shop.example.com'] }],
      },
    });
    const vs = oneOf(manifests, 'VirtualService', 'shop');
    expect(vs.spec.hosts).toEqual(['shop.example.com', 'www.shop.example.com']);
    expect(vs.spec.gateways).toEqual(['shop/shop-gateway']);
    expect(vs.spec.http.map((r: any) => r.route?.[0].destination)).toEqual([
      { host: 'api.shop.svc.cluster.local', port: { number: 9090 } },
      { host: 'docs.shop-docs.svc.cluster.local', port: { number: 80 } },
      undefined,
      undefined,
      { host: 'frontend.shop.svc.cluster.local', port: { number: 8080 } },
    ]);
    expect(ingress.gatewayRef).toEqual('shop/shop-gateway');
  });

  test('TLS passthrough by SNI: a TLS PASSTHROUGH server and tls routes on the route\'s hosts', () => {
    // GIVEN
    const chart = shopChart();
    const nginx = new MeshService(chart, 'MyNginx', { ports: [{ port: 443, protocol: Protocol.HTTPS }] });

    // WHEN
    new IngressRoute(chart, 'Nginx', {
      hosts: ['nginx.example.com'],
      protocol: IngressProtocol.TLS_PASSTHROUGH,
      tlsRoutes: [{ backend: ServiceBackend.fromMeshService(nginx) }],
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Gateway').spec.servers).toEqual([
      { port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: ['nginx.example.com'], tls: { mode: 'PASSTHROUGH' } },
    ]);
    expect(oneOf(manifests, 'VirtualService').spec.tls).toEqual([{
      match: [{ sniHosts: ['nginx.example.com'], port: 443 }],
      route: [{ destination: { host: 'my-nginx.shop.svc.cluster.local', port: { number: 443 } } }],
    }]);
  });

  test('plain TCP: MySQL on 3306 to mysql.default.svc.cluster.local:3306', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'db', { namespace: 'default' });
    const mysql = new MeshService(chart, 'Mysql', { ports: [{ port: 3306, protocol: Protocol.MYSQL }] });

    // WHEN
    new IngressRoute(chart, 'MysqlIngress', {
      hosts: ['*'],
      protocol: IngressProtocol.TCP,
      port: 3306,
      tcpRoutes: [{ backend: ServiceBackend.fromMeshService(mysql) }],
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Gateway').spec.servers).toEqual([{ port: { number: 3306, name: 'tcp', protocol: 'TCP' }, hosts: ['*'] }]);
    expect(oneOf(manifests, 'VirtualService').spec).toEqual({
      hosts: ['*'],
      gateways: ['default/mysql-ingress-gateway'],
      tcp: [{ match: [{ port: 3306 }], route: [{ destination: { host: 'mysql.default.svc.cluster.local', port: { number: 3306 } } }] }],
    });
  });

  test('shared gateway: routes of two namespaces add their servers to one Gateway in istio-system', () => {
    // GIVEN
    const app = Testing.app();
    const platform = new Chart(app, 'platform');
    const publicGateway = new IngressGateway(platform, 'PublicGateway');
    const shop = shopChart(app);
    const blog = new Chart(app, 'blog', { namespace: 'blog' });

    // WHEN
    new IngressRoute(shop, 'Shop', {
      gateway: publicGateway,
      hosts: ['shop.example.com'],
      tls: { credential: TlsCredential.fromSecret('shop-example-com-tls') },
      httpRoutes: [{ backend: ServiceBackend.fromMeshService(frontend(shop)) }],
    });
    new IngressRoute(blog, 'Blog', {
      gateway: publicGateway,
      hosts: ['blog.example.com'],
      httpRoutes: [{ backend: ServiceBackend.fromHost('ghost.blog.svc.cluster.local', 2368, Protocol.HTTP) }],
    });
    new IngressRoute(shop, 'Orders', {
      gateway: publicGateway,
      protocol: IngressProtocol.TCP,
      hosts: ['*'],
      port: 5672,
      tcpRoutes: [{ backend: ServiceBackend.fromHost('rabbitmq.shop.svc.cluster.local', 5672, Protocol.TCP) }],
    });

    // THEN
    const manifests = [...synth(platform), ...synth(shop), ...synth(blog)];
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Gateway', 'public-gateway')).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'public-gateway', namespace: 'istio-system' },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [
          { port: { number: 80, name: 'http-shop', protocol: 'HTTP' }, hosts: ['shop/shop.example.com'], tls: { httpsRedirect: true } },
          {
            port: { number: 443, name: 'https-shop', protocol: 'HTTPS' },
            hosts: ['shop/shop.example.com'],
            tls: { mode: 'SIMPLE', credentialName: 'shop-example-com-tls', minProtocolVersion: 'TLSV1_2' },
          },
          { port: { number: 80, name: 'http-blog', protocol: 'HTTP' }, hosts: ['blog/blog.example.com'] },
          { port: { number: 5672, name: 'tcp-orders', protocol: 'TCP' }, hosts: ['shop/*'] },
        ],
      },
    });
    expect(allOf(manifests, 'VirtualService').map(vs => [vs.metadata.namespace, vs.metadata.name, vs.spec.gateways])).toEqual([
      ['shop', 'shop', ['istio-system/public-gateway']],
      ['shop', 'orders', ['istio-system/public-gateway']],
      ['blog', 'blog', ['istio-system/public-gateway']],
    ]);
  });

  test('attaching to an existing gateway by reference creates only the VirtualService', () => {
    // GIVEN
    const chart = shopChart();

    // WHEN
    const ingress = new IngressRoute(chart, 'Shop', {
      gateway: IngressGateway.fromGatewayRef('istio-system/public-gateway'),
      hosts: ['shop.example.com'],
      httpRoutes: [{ backend: ServiceBackend.fromMeshService(frontend(chart)) }],
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(allOf(manifests, 'Gateway')).toEqual([]);
    expect(oneOf(manifests, 'VirtualService').spec.gateways).toEqual(['istio-system/public-gateway']);
    expect(ingress.gateway).toBeUndefined();
  });

  test('a per-team gateway: custom selector, workload namespace and Gateway metadata', () => {
    // GIVEN
    const chart = shopChart();

    // WHEN
    new IngressRoute(chart, 'Shop', {
      hosts: ['shop.example.com'],
      selector: { istio: 'shop-ingress' },
      workloadNamespace: 'shop-gateway',
      gatewayMetadata: { name: 'shop-public', namespace: 'shop-gateway', labels: { team: 'shop' } },
      tls: { credential: TlsCredential.fromSecret('shop-tls'), httpsRedirect: false },
      httpRoutes: [{ backend: ServiceBackend.fromMeshService(frontend(chart)) }],
    });

    // THEN
    const manifests = synth(chart);
    expect(oneOf(manifests, 'Gateway')).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'shop-public', namespace: 'shop-gateway', labels: { team: 'shop' } },
      spec: {
        selector: { istio: 'shop-ingress' },
        servers: [{
          port: { number: 443, name: 'https', protocol: 'HTTPS' },
          hosts: ['shop.example.com'],
          tls: { mode: 'SIMPLE', credentialName: 'shop-tls', minProtocolVersion: 'TLSV1_2' },
        }],
      },
    });
    expect(oneOf(manifests, 'VirtualService').spec.gateways).toEqual(['shop-gateway/shop-public']);
  });
});

describe('API', () => {
  test('a Service whose port is bound after the route: the route leaves the port to Istio and the synth check still applies', () => {
    // GIVEN
    const chart = shopChart();
    const web = new plus.Service(chart, 'Web', { metadata: { name: 'web' } });

    // WHEN
    const ingress = new IngressRoute(chart, 'Shop', { hosts: ['shop.example.com'], httpRoutes: [{ backend: ServiceBackend.fromService(web) }] });
    web.bind(8080, { name: 'http' });

    // THEN
    expect(oneOf(synth(chart), 'VirtualService').spec.http).toEqual([{ route: [{ destination: { host: 'web.shop.svc.cluster.local' } }] }]);
    expect(ingress.hosts).toEqual(['shop.example.com']);
  });

  test('an IngressGateway reports its selector and reference', () => {
    const gateway = new IngressGateway(shopChart(), 'Public', { selector: { istio: 'public-ingress' }, metadata: { name: 'edge' } });
    expect([gateway.selector, gateway.gatewayRef, gateway.workloadNamespace]).toEqual([{ istio: 'public-ingress' }, 'istio-system/edge', 'istio-system']);
  });
});

describe('local errors (thrown at construction or by addXxx)', () => {
  test('no hosts', () => {
    expect(route({ hosts: [] })).toThrow(/\[shop\/Shop\] hosts: is empty \(got \[\]\)\. Fix: list the host names clients use/);
  });

  test('a short host name', () => {
    expect(route({ hosts: ['shop'] }))
      .toThrow(/\[shop\/Shop\] hosts\[0\]: is a short name; clients reach an ingress by a fully qualified name \(got "shop"\)\. Fix: use the fully qualified name/);
  });

  test('a partial wildcard host', () => {
    expect(route({ hosts: ['shop*.example.com'] })).toThrow(/hosts\[0\]: uses a partial wildcard.*\(got "shop\*\.example\.com"\)\. Fix: use the fully qualified name/);
  });

  test('a host with a namespace part', () => {
    expect(route({ hosts: ['shop/shop.example.com'] }))
      .toThrow(/hosts\[0\]: has a namespace part; an IngressRoute qualifies the gateway's hosts itself.*Fix: pass the host name only \("shop\.example\.com"\)/);
  });

  test('"*" on a TLS passthrough route without allowAnyHost', () => {
    expect(route({ hosts: ['*'], protocol: IngressProtocol.TLS_PASSTHROUGH }))
      .toThrow(/hosts\[0\]: matches every host name on a route whose gateway server is HTTPS or TLS \(got "\*"\)\. Fix: .*or set allowAnyHost: true/);
  });

  test('allowAnyHost on a plain HTTP route', () => {
    expect(route({ hosts: ['*'], allowAnyHost: true })).toThrow(/allowAnyHost: only applies to HTTPS and TLS passthrough routes.*Fix: remove allowAnyHost/);
  });

  test('a port the proxy reserves', () => {
    expect(route({ port: 15021 }))
      .toThrow(/\[shop\/Shop\] port: is reserved by the Istio proxy .*\(got 15021\)\. Fix: use a port the gateway Service exposes.*In the cluster: istiod drops the listener/);
  });

  test('a port out of range', () => {
    expect(route({ port: 70000 })).toThrow(/port: must be an integer from 1 to 65535 \(got 70000\)/);
  });

  test('TCP without a port', () => {
    expect(route({ protocol: IngressProtocol.TCP, hosts: ['*'] }))
      .toThrow(/port: is required for TCP routes.*Fix: pass the port clients connect to, e\.g\. port: 3306/);
  });

  test('own-Gateway settings together with a shared gateway', () => {
    const chart = shopChart();
    const gateway = new IngressGateway(chart, 'Public');
    expect(() => new IngressRoute(chart, 'Shop', { gateway, hosts: ['shop.example.com'], selector: { istio: 'other' } }))
      .toThrow(/\[shop\/Shop\] selector: configures the route's own Gateway, but the route attaches to istio-system\/public.*Fix: set selector on the IngressGateway/);
  });

  test('an invalid workload namespace', () => {
    expect(route({ workloadNamespace: 'Istio_System' })).toThrow(/workloadNamespace: must be a lower-case DNS-1123 label.*Fix: use the namespace the gateway pods run in/);
  });

  test('an HTTP route on a TCP route', () => {
    const ingress = route({ protocol: IngressProtocol.TCP, hosts: ['*'], port: 5432 })();
    expect(() => ingress.addHttpRoute({ directResponse: { status: 200 } }))
      .toThrow(/httpRoutes\[0\]: is added with addHttpRoute\(\), which needs protocol HTTP, but the route's protocol is TCP\. Fix: make another IngressRoute with protocol HTTP/);
  });

  test('an HTTP route on a TLS passthrough route (the gateway cannot see HTTP)', () => {
    const ingress = route({ protocol: IngressProtocol.TLS_PASSTHROUGH })();
    expect(() => ingress.addHttpRoute({ directResponse: { status: 200 } }))
      .toThrow(/httpRoutes\[0\]: is added with addHttpRoute\(\).*TLS_PASSTHROUGH\. Fix: terminate TLS at the gateway.*In the cluster: the gateway cannot read HTTP inside TLS it does not terminate/);
  });

  test('backend and route together', () => {
    const chart = shopChart();
    const web = frontend(chart);
    const ingress = new IngressRoute(chart, 'Shop', { hosts: ['shop.example.com'] });
    expect(() => ingress.addHttpRoute({ backend: ServiceBackend.fromMeshService(web), route: [{ host: 'frontend' }] }))
      .toThrow(/httpRoutes\[0\]\.backend: is set together with route \(got "frontend\.shop\.svc\.cluster\.local"\)\. Fix: use backend for one destination/);
  });

  test('a TCP match on another port', () => {
    const ingress = route({ protocol: IngressProtocol.TCP, hosts: ['*'], port: 5432 })();
    expect(() => ingress.addTcpRoute({ match: [{ port: 5433 }], route: [{ host: 'postgres' }] }))
      .toThrow(/tcpRoutes\[0\]\.match\[0\]\.port: is not the route's port \(5432\), so the match never applies \(got 5433\)\. Fix: leave port out/);
  });

  test('a gateway reference without a namespace', () => {
    expect(() => IngressGateway.fromGatewayRef('public-gateway'))
      .toThrow(/gatewayRef: has no namespace.*Fix: write it as "<namespace>\/public-gateway".*404 NR/);
  });

  test('a malformed gateway reference', () => {
    expect(() => IngressGateway.fromGatewayRef('istio-system/Public_Gateway'))
      .toThrow(/gatewayRef: must be "<namespace>\/<gateway name>" with both parts lower-case DNS labels/);
  });

  test('"mesh" as a gateway reference', () => {
    expect(() => IngressGateway.fromGatewayRef('mesh')).toThrow(/gatewayRef: is "mesh", which stands for the sidecars, not a gateway \(got "mesh"\)\. Fix: name the Gateway as "namespace\/name"/);
  });

  test('an IngressGateway with an invalid workload namespace', () => {
    expect(() => new IngressGateway(shopChart(), 'Public', { workloadNamespace: 'istio.system' }))
      .toThrow(/\[shop\/Public\] workloadNamespace: must be a lower-case DNS-1123 label .*\(got "istio\.system"\)\. Fix: use the namespace the gateway pods run in/);
  });

  test('the same host and port from two routes on one shared gateway (IST0145)', () => {
    const chart = shopChart();
    const gateway = new IngressGateway(chart, 'Public');
    new IngressRoute(chart, 'Shop', { gateway, hosts: ['shop.example.com'] });
    expect(() => new IngressRoute(chart, 'ShopV2', { gateway, hosts: ['www.example.com', 'shop.example.com'] }))
      .toThrow(/\[shop\/ShopV2\] hosts: are already served on port 80 of Gateway istio-system\/public by shop\/Shop \(IST0145.*\(got \["shop\.example\.com"\]\)\. Fix: route each host on a port from one IngressRoute/);
  });

  test('the same certificate from two routes on one shared gateway (IST0138)', () => {
    const chart = shopChart();
    const gateway = new IngressGateway(chart, 'Public');
    const tls = { credential: TlsCredential.fromSecret('wildcard-example-com'), httpsRedirect: false };
    new IngressRoute(chart, 'Shop', { gateway, hosts: ['shop.example.com'], tls });
    expect(() => new IngressRoute(chart, 'Blog', { gateway, hosts: ['blog.example.com'], tls }))
      .toThrow(/\[shop\/Blog\] tls\.credential: is also the certificate of shop\/Shop on port 443 .*\(IST0138.*\(got "wildcard-example-com"\)\. Fix: serve the hosts that share a certificate from one IngressRoute.*404 NR/);
  });
});

describe('synth-time errors', () => {
  test('two routes with their own Gateways serve the same host and port (IST0145, reported by Gateway)', () => {
    const chart = shopChart();
    new IngressRoute(chart, 'Shop', { hosts: ['shop.example.com'], httpRoutes: [{ directResponse: { status: 200 } }] });
    new IngressRoute(chart, 'ShopCopy', { hosts: ['shop.example.com'], httpRoutes: [{ directResponse: { status: 200 } }] });
    expect(() => synth(chart))
      .toThrow(/\[shop\/ShopCopy\/Gateway\] servers\[0\]\.hosts: conflicts with Gateway shop\/shop-gateway.*\(IST0145\).*Fix: serve each host on a port from one Gateway/);
  });

  test('the backend Service has several ports and the route names none (IST0112)', () => {
    const chart = shopChart();
    const web = new MeshService(chart, 'Frontend', { ports: [{ port: 8080, protocol: Protocol.HTTP }, { port: 9090, protocol: Protocol.GRPC }] });
    new IngressRoute(chart, 'Shop', { hosts: ['shop.example.com'], httpRoutes: [{ backend: ServiceBackend.fromMeshService(web) }] });
    expect(() => synth(chart))
      .toThrow(/\[shop\/Shop\/VirtualService\] http\[0\]\.route\[0\]\.destination\.port: is not set, but Service shop\/frontend has 2 ports \(8080, 9090\)\. Fix: set port to the one to route to.*\(IST0112\)/);
  });

  test('the backend port is not on the Service', () => {
    const chart = shopChart();
    const web = frontend(chart);
    new IngressRoute(chart, 'Shop', { hosts: ['shop.example.com'], httpRoutes: [{ backend: ServiceBackend.fromMeshService(web, { port: 80 }) }] });
    expect(() => synth(chart))
      .toThrow(/\[shop\/Shop\/VirtualService\] http\[0\]\.route\[0\]\.destination\.port\.number: is not a port of Service shop\/frontend \(ports: 8080\) \(got 80\)\. Fix: use one of 8080/);
  });

  test('the backend port is not protocol-named (IST0118)', () => {
    const chart = shopChart();
    const web = new plus.Service(chart, 'Web', { metadata: { name: 'web' }, ports: [{ port: 8080, name: 'web' }] });
    new IngressRoute(chart, 'Shop', { hosts: ['shop.example.com'], httpRoutes: [{ backend: ServiceBackend.fromService(web) }] });
    expect(() => synth(chart))
      .toThrow(/\[shop\/Shop\/VirtualService\] http\[0\]\.route\[0\]\.destination: Service shop\/web spec\.ports\[0\]\.name: does not name a protocol Istio recognises \(got "web"\)\. Fix: name the port/);
  });

  test('a route destination given by host name that is a Service of the app with an unnamed port (IST0118)', () => {
    const chart = shopChart();
    new plus.Service(chart, 'Web', { metadata: { name: 'web' }, ports: [{ port: 8080 }] });
    new IngressRoute(chart, 'Shop', { hosts: ['shop.example.com'], httpRoutes: [{ route: [{ host: 'web', port: 8080 }] }] });
    expect(() => synth(chart))
      .toThrow(/\[shop\/Shop\/VirtualService\] http\[0\]\.route\[0\]\.destination: Service shop\/web spec\.ports\[0\]\.name: does not name a protocol Istio recognises \(got "<unnamed>"\)\. Fix: name the port "<protocol>\[-<suffix>\]".*\(IST0118\)/);
  });

  test('a host backend that is a Service of the app whose port is not one the route kind applies to', () => {
    const chart = shopChart();
    new MeshService(chart, 'Redis', { ports: [{ port: 6379, protocol: Protocol.REDIS }] });
    new IngressRoute(chart, 'Shop', {
      hosts: ['shop.example.com'],
      httpRoutes: [{ backend: ServiceBackend.fromHost('redis.shop.svc.cluster.local', 6379, Protocol.HTTP) }],
    });
    expect(() => synth(chart))
      .toThrow(/\[shop\/Shop\/VirtualService\] http\[0\]\.route\[0\]\.destination: Service shop\/redis spec\.ports\[0\] protocol: is not one a http route applies to .*\(got "REDIS"\)\. Fix: use a tcp route for this port/);
  });

  test('the backend protocol is not one the route kind applies to', () => {
    const chart = shopChart();
    const mongo = new MeshService(chart, 'Mongodb', { ports: [{ port: 27017, protocol: Protocol.MONGO }] });
    new IngressRoute(chart, 'Shop', { hosts: ['shop.example.com'], httpRoutes: [{ backend: ServiceBackend.fromMeshService(mongo) }] });
    expect(() => synth(chart))
      .toThrow(/\[shop\/Shop\/VirtualService\] http\[0\]\.route\[0\]\.destination: Service shop\/mongodb spec\.ports\[0\] protocol: is not one a http route applies to .*\(got "MONGO"\)\. Fix: use a tcp route for this port/);
  });

  test('a referenced gateway of the app that does not serve the route\'s hosts (IST0132, reported by VirtualService)', () => {
    const chart = shopChart();
    new Gateway(chart, 'PublicGateway', { servers: [{ port: { number: 80, protocol: Protocol.HTTP }, hosts: ['blog.example.com'] }] });
    new IngressRoute(chart, 'Shop', {
      gateway: IngressGateway.fromGatewayRef('shop/public-gateway'),
      hosts: ['shop.example.com'],
      httpRoutes: [{ directResponse: { status: 200 } }],
    });
    expect(() => synth(chart))
      .toThrow(/\[shop\/Shop\/VirtualService\] gateways\[0\]: binds hosts \["shop\.example\.com"\], none of which Gateway shop\/public-gateway serves.*\(IST0132\)/);
  });

  test('a shared IngressGateway no route attaches to has no servers', () => {
    const chart = shopChart();
    new IngressGateway(chart, 'Public');
    expect(() => synth(chart)).toThrow(/\[shop\/Public\/Gateway\] servers: must have at least one server\. Fix: call addServer\(\)/);
  });
});
