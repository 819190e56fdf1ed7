import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { synth } from './util';
import { GatewayApiGateway, GatewayApiProtocol, GatewayApiRouteKind, GatewayApiRoutesFrom } from '../src/gateway-api-gateway';
import { GatewayApiHttpRoute } from '../src/gateway-api-http-route';
import { GatewayApiTcpRoute } from '../src/gateway-api-l4-routes';
import { GatewayApiBackend, GatewayApiParent } from '../src/gateway-api-refs';
import { MeshService } from '../src/mesh-service';
import { Protocol } from '../src/protocol';
import { ReferenceGrant } from '../src/reference-grant';
import { StringMatch } from '../src/string-match';

/** An app with an `infra` chart holding a Gateway (HTTP listener `http`, TCP listener `tcp`) and a `shop` chart. */
function setup(listenerFrom: GatewayApiRoutesFrom = GatewayApiRoutesFrom.ALL): { app: App; infra: Chart; shop: Chart; gateway: GatewayApiGateway } {
  const app = Testing.app();
  const infra = new Chart(app, 'infra', { namespace: 'infra' });
  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  const gateway = new GatewayApiGateway(infra, 'Public', {
    listeners: [
      { name: 'http', port: 80, protocol: GatewayApiProtocol.HTTP, hostname: '*.example.com', allowedRoutesFrom: listenerFrom },
      { name: 'tcp', port: 5432, protocol: GatewayApiProtocol.TCP, allowedRoutesFrom: listenerFrom },
    ],
  });
  new MeshService(shop, 'Web', { ports: [{ port: 8080, protocol: Protocol.HTTP }] });
  return { app, infra, shop, gateway };
}

const WEB = GatewayApiBackend.service('web', 8080);

function errorsOf(chart: Chart): () => void {
  return () => synth(chart);
}

describe('parentRefs resolve to a listener that accepts the route', () => {
  test('a route the listener accepts passes', () => {
    const { shop, gateway } = setup();
    new GatewayApiHttpRoute(shop, 'Shop', { parents: [GatewayApiParent.gateway(gateway, { sectionName: 'http' })], hostnames: ['shop.example.com'], rules: [{ backends: [WEB] }] });
    expect(errorsOf(shop)).not.toThrow();
  });

  test('error: a sectionName the Gateway does not have', () => {
    const { shop, gateway } = setup();
    new GatewayApiHttpRoute(shop, 'Shop', { parents: [GatewayApiParent.gateway(gateway, { sectionName: 'https' })], rules: [{ backends: [WEB] }] });
    expect(errorsOf(shop)).toThrow(
      '[shop/Shop] parentRefs[0]: names no listener of Gateway infra/public (its listeners: ["http:80","tcp:5432"]) (got "https"). '
      + 'Fix: name a listener (sectionName) or port the Gateway has. In the cluster: the route is not attached (NoMatchingParent) and its requests get 404.');
  });

  test('error: a listener that does not accept the route kind', () => {
    const { shop, gateway } = setup();
    new GatewayApiTcpRoute(shop, 'Db', { parents: [GatewayApiParent.gateway(gateway, { sectionName: 'http' })], backends: [GatewayApiBackend.service('postgres', 5432)] });
    expect(errorsOf(shop)).toThrow('parentRefs[0]: is refused by every listener it names: listener "http" accepts ["HTTPRoute","GRPCRoute"], not TCPRoute');
  });

  test('error: a listener that accepts routes of its own namespace only', () => {
    const { shop, gateway } = setup(GatewayApiRoutesFrom.SAME);
    new GatewayApiHttpRoute(shop, 'Shop', { parents: [GatewayApiParent.gateway(gateway)], rules: [{ backends: [WEB] }] });
    expect(errorsOf(shop)).toThrow('listener "http" accepts routes of namespace "infra" only, not "shop"; listener "tcp" accepts ["TCPRoute"], not HTTPRoute');
  });

  test('error: a listener whose namespace selector the route\'s namespace does not match', () => {
    const app = Testing.app();
    const infra = new Chart(app, 'infra', { namespace: 'infra' });
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    const gateway = new GatewayApiGateway(infra, 'Public', {
      listeners: [{
        name: 'http',
        port: 80,
        protocol: GatewayApiProtocol.HTTP,
        allowedRoutesFrom: GatewayApiRoutesFrom.SELECTOR,
        allowedRoutesSelector: { 'kubernetes.io/metadata.name': 'blog' },
      }],
    });
    new GatewayApiHttpRoute(shop, 'Shop', { parents: [GatewayApiParent.gateway(gateway)], rules: [{ backends: [WEB] }] });
    expect(errorsOf(shop)).toThrow('listener "http" accepts namespaces labelled {"kubernetes.io/metadata.name":"blog"}, which "shop" is not');
  });

  test('error: hostnames the listener does not serve', () => {
    const { shop, gateway } = setup();
    new GatewayApiHttpRoute(shop, 'Shop', {
      parents: [GatewayApiParent.gateway(gateway, { sectionName: 'http' })], hostnames: ['shop.example.org'], rules: [{ backends: [WEB] }],
    });
    expect(errorsOf(shop)).toThrow('listener "http" serves "*.example.com", none of the route\'s hostnames ["shop.example.org"]');
  });

  test('error: a GAMMA parent port the Service does not have', () => {
    const { shop } = setup();
    new GatewayApiHttpRoute(shop, 'Mesh', { parents: [GatewayApiParent.service('web', { port: 9090 })], rules: [{ backends: [WEB] }] });
    expect(errorsOf(shop)).toThrow('[shop/Mesh] parentRefs[0].port: is not a port of Service shop/web (its ports: [8080]) (got 9090)');
  });

  test('a Gateway outside the app is taken as managed elsewhere', () => {
    const { shop } = setup();
    new GatewayApiHttpRoute(shop, 'Shop', { parents: [GatewayApiParent.gatewayNamed('public', { namespace: 'elsewhere', sectionName: 'x' })], rules: [{ backends: [WEB] }] });
    expect(errorsOf(shop)).not.toThrow();
  });
});

describe('backendRefs', () => {
  test('error: a port the Service does not have', () => {
    const { shop } = setup();
    new GatewayApiHttpRoute(shop, 'Mesh', { parents: [GatewayApiParent.service('web')], rules: [{ backends: [GatewayApiBackend.service('web', 80)] }] });
    expect(errorsOf(shop)).toThrow(
      '[shop/Mesh] rules[0].backendRefs[0].port: is not a port of Service shop/web (its ports: [8080]) (got 80). Fix: use one of the Service\'s ports (the Service port, not the container port).');
  });

  test('error: a Service in another namespace without a ReferenceGrant', () => {
    const { infra, gateway } = setup();
    new GatewayApiHttpRoute(infra, 'Shop', { parents: [GatewayApiParent.gateway(gateway)], rules: [{ backends: [GatewayApiBackend.service('web', 8080, { namespace: 'shop' })] }] });
    expect(errorsOf(infra)).toThrow(
      '[infra/Shop] rules[0].backendRefs[0]: refers to a Service in namespace "shop", and no ReferenceGrant there lets HTTPRoutes of namespace "infra" refer to it (got "shop/web"). '
      + 'Fix: add a ReferenceGrant in "shop": from { kind: \'HTTPRoute\', namespace: \'infra\' }, to { kind: \'Service\', name: \'web\' }.');
  });

  test('a cross-namespace Service with its ReferenceGrant passes', () => {
    const { infra, shop, gateway } = setup();
    new GatewayApiHttpRoute(infra, 'Shop', { parents: [GatewayApiParent.gateway(gateway)], rules: [{ backends: [GatewayApiBackend.service('web', 8080, { namespace: 'shop' })] }] });
    new ReferenceGrant(shop, 'Infra', { from: [{ kind: 'HTTPRoute', namespace: 'infra' }], to: [{ kind: 'Service' }] });
    expect(errorsOf(infra)).not.toThrow();
  });

  test('error: every backend of a rule has weight 0', () => {
    const { shop } = setup();
    new GatewayApiHttpRoute(shop, 'Mesh', { parents: [GatewayApiParent.service('web')], rules: [{ backends: [GatewayApiBackend.service('web', 8080, { weight: 0 })] }] });
    expect(errorsOf(shop)).toThrow('rules[0].backendRefs: gives every backend weight 0, so the rule sends traffic nowhere (got [0])');
  });
});

describe('certificateRefs', () => {
  test('error: a Secret the app produces in another namespace, without a ReferenceGrant', () => {
    const app = Testing.app();
    const infra = new Chart(app, 'infra', { namespace: 'infra' });
    const certs = new Chart(app, 'certs', { namespace: 'certs' });
    new ApiObject(certs, 'Cert', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'shop-cert' }, type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } });
    new GatewayApiGateway(infra, 'Public', {
      listeners: [{ name: 'https', port: 443, protocol: GatewayApiProtocol.HTTPS, tls: { certificateRefs: [{ name: 'shop-cert', namespace: 'certs' }] } }],
    });
    expect(errorsOf(infra)).toThrow(
      '[infra/Public] listeners[0].tls.certificateRefs[0]: refers to a Secret in namespace "certs", and no ReferenceGrant there lets Gateways of namespace "infra" refer to it');
  });
});

describe('conflicts', () => {
  test('error: two routes with the same hostname and match on one listener', () => {
    const { shop, gateway } = setup();
    const parent = GatewayApiParent.gateway(gateway, { sectionName: 'http' });
    new GatewayApiHttpRoute(shop, 'Alpha', { parents: [parent], hostnames: ['shop.example.com'], rules: [{ matches: [{ path: StringMatch.prefix('/api') }], backends: [WEB] }] });
    new GatewayApiHttpRoute(shop, 'Beta', { parents: [parent], hostnames: ['shop.example.com'], rules: [{ matches: [{ path: StringMatch.prefix('/api') }], backends: [WEB] }] });
    expect(errorsOf(shop)).toThrow(
      '[shop/Beta] parentRefs[0]: attaches HTTPRoute rules for "shop.example.com" with a match (PathPrefix /api) that HTTPRoute shop/alpha at shop/Alpha also has on this parent');
  });

  test('error: a rule whose match an earlier rule of the route has', () => {
    const { shop } = setup();
    new GatewayApiHttpRoute(shop, 'Mesh', {
      parents: [GatewayApiParent.service('web')],
      rules: [
        { matches: [{ path: StringMatch.exact('/a') }, { path: StringMatch.prefix('/b') }], backends: [WEB] },
        { matches: [{ path: StringMatch.prefix('/b') }], backends: [WEB] },
      ],
    });
    expect(errorsOf(shop)).toThrow('[shop/Mesh] rules[1].matches: matches only requests an earlier rule of this route matches the same way');
  });

  test('routes with different hostnames or matches do not conflict', () => {
    const { shop, gateway } = setup();
    const parent = GatewayApiParent.gateway(gateway, { sectionName: 'http' });
    new GatewayApiHttpRoute(shop, 'Alpha', { parents: [parent], hostnames: ['a.example.com'], rules: [{ backends: [WEB] }] });
    new GatewayApiHttpRoute(shop, 'Beta', { parents: [parent], hostnames: ['b.example.com'], rules: [{ backends: [WEB] }] });
    new GatewayApiHttpRoute(shop, 'Gamma', { parents: [parent], hostnames: ['a.example.com'], rules: [{ matches: [{ path: StringMatch.prefix('/g') }], backends: [WEB] }] });
    expect(errorsOf(shop)).not.toThrow();
  });

  test('error: two TCPRoutes on one listener', () => {
    const { shop, gateway } = setup();
    const parent = GatewayApiParent.gateway(gateway, { sectionName: 'tcp' });
    new GatewayApiTcpRoute(shop, 'A', { parents: [parent], backends: [GatewayApiBackend.service('a', 5432)] });
    new GatewayApiTcpRoute(shop, 'B', { parents: [parent], backends: [GatewayApiBackend.service('b', 5432)] });
    expect(errorsOf(shop)).toThrow('[shop/B] parentRefs[0]: attaches TCPRoute rules for "*" with a match (every connection) that TCPRoute shop/a at shop/A also has on this parent');
  });

  test('kinds an allowedRouteKinds list names are accepted', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'c' });
    const gateway = new GatewayApiGateway(chart, 'Gw', {
      listeners: [{ name: 'h', port: 80, protocol: GatewayApiProtocol.HTTP, allowedRouteKinds: [GatewayApiRouteKind.GRPC_ROUTE] }],
    });
    new GatewayApiHttpRoute(chart, 'R', { parents: [GatewayApiParent.gateway(gateway)], rules: [{ backends: [WEB] }] });
    expect(errorsOf(chart)).toThrow('listener "h" accepts ["GRPCRoute"], not HTTPRoute');
  });
});
