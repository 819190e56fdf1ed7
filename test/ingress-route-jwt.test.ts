import { ApiObject, Chart, Testing } from 'cdk8s';
import { allOf, oneOf, synth } from './util';
import { AuthorizationRules } from '../src/authorization-policy';
import { IngressGateway } from '../src/ingress-gateway';
import { IngressProtocol, IngressRoute } from '../src/ingress-route';
import { MeshNamespace } from '../src/mesh-namespace';
import { Protocol } from '../src/protocol';
import { RequestAuthentication } from '../src/request-authentication';
import { ServiceBackend } from '../src/service-backend';
import { StringMatch } from '../src/string-match';
import { VirtualService } from '../src/virtual-service';

const ISSUER = 'https://accounts.example.com';
const JWKS_URI = 'https://accounts.example.com/.well-known/jwks.json';
const PUBLIC_JWKS = JSON.stringify({ keys: [{ kty: 'RSA', kid: 'k1', e: 'AQAB', n: 'xGOr-H7A-PWG3Lz' }] });
const API = ServiceBackend.fromHost('api.shop.svc.cluster.local', 8080, Protocol.HTTP);

function app(): { chart: Chart; shop: MeshNamespace } {
  const chart = new Chart(Testing.app(), 'test');
  return { chart, shop: new MeshNamespace(chart, 'Shop', { name: 'shop' }) };
}

describe('IngressRoute jwt manifests', () => {
  test('a required token, read from a header, a query parameter and a cookie, with claims forwarded and per-path claim rules', () => {
    // GIVEN
    const { chart, shop } = app();

    // The RequestAuthentication's part of jwt: rendered as is.
    const verification = {
      issuer: ISSUER,
      jwksUri: JWKS_URI,
      audiences: ['shop-api'],
      fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }],
      fromParams: ['access_token'],
      fromCookies: ['session'],
      outputClaimToHeaders: [{ header: 'x-user', claim: 'sub' }],
    };

    // WHEN
    const route = new IngressRoute(shop, 'Api', {
      hosts: ['api.example.com'],
      jwt: {
        ...verification,
        claimRules: [
          { paths: ['/admin/*'], claims: [{ claim: 'groups', values: ['admin'] }] },
          { methods: ['DELETE'], claims: [{ claim: 'realm_access.roles', values: ['deleter'] }, { claim: 'scope', values: ['write'] }] },
        ],
      },
      httpRoutes: [{ backend: API }],
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(route.requestAuthentication?.namespace).toBe('istio-system');
    expect(oneOf(manifests, 'RequestAuthentication')).toEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'RequestAuthentication',
      metadata: { name: 'shop-api-jwt', namespace: 'istio-system' },
      spec: {
        selector: { matchLabels: { istio: 'ingressgateway' } },
        jwtRules: [verification],
      },
    });
    const hosts = ['api.example.com', 'api.example.com:*'];
    expect(oneOf(manifests, 'AuthorizationPolicy')).toEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'shop-api-jwt', namespace: 'istio-system' },
      spec: {
        selector: { matchLabels: { istio: 'ingressgateway' } },
        action: 'DENY',
        rules: [
          { from: [{ source: { notRequestPrincipals: [`${ISSUER}/*`] } }], to: [{ operation: { hosts } }] },
          { to: [{ operation: { hosts, paths: ['/admin/*'] } }], when: [{ key: 'request.auth.claims[groups]', notValues: ['admin'] }] },
          { to: [{ operation: { hosts, methods: ['DELETE'] } }], when: [{ key: 'request.auth.claims[realm_access][roles]', notValues: ['deleter'] }] },
          { to: [{ operation: { hosts, methods: ['DELETE'] } }], when: [{ key: 'request.auth.claims[scope]', notValues: ['write'] }] },
        ],
      },
    });
  });

  test('requireToken: false lets anonymous requests pass: only the RequestAuthentication, unless claim rules restrict paths', () => {
    // GIVEN
    const { chart, shop } = app();

    // WHEN
    const open = new IngressRoute(shop, 'Open', {
      hosts: ['open.example.com'],
      jwt: { issuer: ISSUER, jwks: PUBLIC_JWKS, requireToken: false },
      httpRoutes: [{ backend: API }],
    });
    new IngressRoute(shop, 'Mixed', {
      hosts: ['*.example.org'],
      jwt: { issuer: ISSUER, jwksUri: JWKS_URI, requireToken: false, claimRules: [{ paths: ['/me'], claims: [{ claim: 'sub', values: ['*'] }] }] },
      httpRoutes: [{ backend: API }],
    });

    // THEN
    const manifests = synth(chart);
    expect(open.jwtPolicy).toBeUndefined();
    expect(allOf(manifests, 'RequestAuthentication').map(m => m.metadata.name)).toEqual(['shop-open-jwt', 'shop-mixed-jwt']);
    expect(oneOf(manifests, 'AuthorizationPolicy', 'shop-mixed-jwt').spec.rules).toEqual([
      { to: [{ operation: { hosts: ['*.example.org'], paths: ['/me'] } }], when: [{ key: 'request.auth.claims[sub]', notValues: ['*'] }] },
    ]);
  });

  test('on a shared IngressGateway the policies select its pods in its namespace, and two teams\' routes of one name do not collide', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'test');
    const gateway = new IngressGateway(chart, 'Api', { selector: { istio: 'api-gateway' }, workloadNamespace: 'gateways' });
    const a = new MeshNamespace(chart, 'A', { name: 'team-a' });
    const b = new MeshNamespace(chart, 'B', { name: 'team-b' });

    // WHEN
    new IngressRoute(a, 'Orders', { gateway, hosts: ['a.example.com'], jwt: { issuer: ISSUER, jwksUri: JWKS_URI }, httpRoutes: [{ backend: API }] });
    new IngressRoute(b, 'Orders', { gateway, hosts: ['b.example.com'], jwt: { issuer: ISSUER, jwksUri: JWKS_URI }, httpRoutes: [{ backend: API }] });

    // THEN
    const policies = [...allOf(synth(chart), 'RequestAuthentication'), ...allOf(synth(chart), 'AuthorizationPolicy')];
    expect(policies.map(p => `${p.kind} ${p.metadata.namespace}/${p.metadata.name} ${JSON.stringify(p.spec.selector)}`)).toEqual([
      'RequestAuthentication gateways/team-a-orders-jwt {"matchLabels":{"istio":"api-gateway"}}',
      'RequestAuthentication gateways/team-b-orders-jwt {"matchLabels":{"istio":"api-gateway"}}',
      'AuthorizationPolicy gateways/team-a-orders-jwt {"matchLabels":{"istio":"api-gateway"}}',
      'AuthorizationPolicy gateways/team-b-orders-jwt {"matchLabels":{"istio":"api-gateway"}}',
    ]);
  });

  test('dryRun annotates the JWT policy with istio.io/dry-run; audit adds an AUDIT policy', () => {
    // GIVEN
    const { chart, shop } = app();

    // WHEN
    new IngressRoute(shop, 'Try', { hosts: ['try.example.com'], jwt: { issuer: ISSUER, jwksUri: JWKS_URI, dryRun: true }, httpRoutes: [{ backend: API }] });
    new IngressRoute(shop, 'Logged', { hosts: ['logged.example.com'], jwt: { issuer: ISSUER, jwksUri: JWKS_URI, audit: true }, httpRoutes: [{ backend: API }] });

    // THEN
    const manifests = synth(chart);
    expect(oneOf(manifests, 'AuthorizationPolicy', 'shop-try-jwt').metadata.annotations).toEqual({ 'istio.io/dry-run': 'true' });
    expect(oneOf(manifests, 'AuthorizationPolicy', 'shop-logged-jwt').metadata.annotations).toBeUndefined();
    expect(oneOf(manifests, 'AuthorizationPolicy', 'shop-logged-jwt-audit').spec).toEqual({
      selector: { matchLabels: { istio: 'ingressgateway' } },
      action: 'AUDIT',
      rules: [{ to: [{ operation: { hosts: ['logged.example.com', 'logged.example.com:*'] } }] }],
    });
  });

  test('MeshNamespace defaultDenyDryRun tries deny-all and the allow policies; addAuditRule() makes an AUDIT policy', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'test');
    const ns = new MeshNamespace(chart, 'Shop', { name: 'shop', defaultDeny: true, defaultDenyDryRun: true });

    // WHEN
    ns.allowFromIngressGateway();
    ns.addAuditRule(AuthorizationRules.fromNamespaces(['partners']));

    // THEN
    const policies = allOf(synth(chart), 'AuthorizationPolicy');
    expect(policies.map(p => [p.metadata.name, p.spec.action, p.metadata.annotations?.['istio.io/dry-run']])).toEqual([
      ['deny-all', 'ALLOW', 'true'],
      ['allow-from-ingress-gateway', 'ALLOW', 'true'],
      ['audit', 'AUDIT', undefined],
    ]);
  });
});

describe('routing on JWT claims (IST0149)', () => {
  const claimRoute = { match: [{ headers: { '@request.auth.claims.group': StringMatch.exact('beta') } }], backend: API };

  test('is accepted on a route whose jwt puts a RequestAuthentication on the gateway pods', () => {
    const { chart, shop } = app();
    new IngressRoute(shop, 'Beta', { hosts: ['beta.example.com'], jwt: { issuer: ISSUER, jwksUri: JWKS_URI }, httpRoutes: [claimRoute, { backend: API }] });
    expect(oneOf(synth(chart), 'VirtualService').spec.http[0].match).toEqual([{ headers: { '@request.auth.claims.group': { exact: 'beta' } } }]);
  });

  test('is accepted with a mesh-wide RequestAuthentication in istio-system, or one in the namespace of gateway pods of the app', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'test');
    new RequestAuthentication(chart, 'MeshJwt', { metadata: { namespace: 'istio-system' }, jwtRules: [{ issuer: ISSUER, jwksUri: JWKS_URI }] });
    new ApiObject(chart, 'GatewayPods', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'edge', namespace: 'edge' },
      spec: {
        selector: { matchLabels: { app: 'edge' } },
        template: { metadata: { labels: { app: 'edge', istio: 'edge' } }, spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] } },
      },
    });
    new RequestAuthentication(chart, 'EdgeJwt', { metadata: { namespace: 'edge' }, selector: { istio: 'edge' }, jwtRules: [{ issuer: ISSUER, jwksUri: JWKS_URI }] });

    // WHEN
    const shop = new MeshNamespace(chart, 'Shop', { name: 'shop' });
    new IngressRoute(shop, 'Mesh', { hosts: ['mesh.example.com'], httpRoutes: [claimRoute] });
    new IngressRoute(shop, 'Edge', { hosts: ['edge.example.com'], selector: { istio: 'edge' }, httpRoutes: [claimRoute] });

    // THEN
    expect(allOf(synth(chart), 'VirtualService')).toHaveLength(2);
  });

  test('without a RequestAuthentication on the gateway pods', () => {
    // GIVEN
    const { chart, shop } = app();
    // a RequestAuthentication in the route's namespace does not apply to gateway pods in istio-system
    new RequestAuthentication(shop, 'ShopJwt', { jwtRules: [{ issuer: ISSUER, jwksUri: JWKS_URI }] });

    // WHEN
    new IngressRoute(shop, 'Beta', { hosts: ['beta.example.com'], httpRoutes: [claimRoute] });

    // THEN
    expect(() => synth(chart)).toThrow('[test/Shop/Beta/VirtualService] http[0].match[0].headers: routes on a JWT claim, but no RequestAuthentication '
      + 'applies to the pods of gateway "shop/beta-gateway" (labels {"istio":"ingressgateway"} in namespace "istio-system"), so the gateway never '
      + 'validates a token and the claim is never set (istioctl analyze IST0149) (got "@request.auth.claims.group"). Fix: add a RequestAuthentication '
      + 'for those pods, in namespace "istio-system", with a selector they match (e.g. {"istio":"ingressgateway"}); an IngressRoute '
      + 'does this with its jwt option. In the cluster: the route never matches, and requests fall through to the next route.');
  });

  test('a plain VirtualService on a Gateway whose pods are in the app', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'web' });
    new ApiObject(chart, 'GatewayPods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'gw', namespace: 'web' },
      spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] },
    }).metadata.addLabel('istio', 'web');
    new ApiObject(chart, 'Gateway', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'web', namespace: 'web' },
      spec: { selector: { istio: 'web' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['web.example.com'] }] },
    });
    new VirtualService(chart, 'Web', { hosts: ['web.example.com'], gateways: ['web'], http: [{ match: claimRoute.match, route: [{ host: 'web' }] }] });
    expect(() => synth(chart)).toThrow('no RequestAuthentication applies to the pods of gateway "web/web" (Pod "web/gw")');
  });
});

describe('IngressRoute jwt errors', () => {
  test('jwt on a TCP route', () => {
    const { shop } = app();
    expect(() => new IngressRoute(shop, 'Db', { protocol: IngressProtocol.TCP, port: 5432, hosts: ['*'], jwt: { issuer: ISSUER, jwksUri: JWKS_URI } }))
      .toThrow('[test/Shop/Db] jwt: needs protocol HTTP: tokens are read from HTTP requests (got "TCP"). Fix: remove jwt, or terminate TLS at the gateway');
  });

  test('jwt on a gateway given by reference', () => {
    const { shop } = app();
    expect(() => new IngressRoute(shop, 'Ref', { gateway: IngressGateway.fromGatewayRef('istio-system/public'), hosts: ['ref.example.com'], jwt: { issuer: ISSUER, jwksUri: JWKS_URI } }))
      .toThrow('jwt: needs to know the gateway pods (labels and namespace), which a gateway given by reference does not tell (got "istio-system/public")');
  });

  test('a claim rule without claims', () => {
    const { shop } = app();
    expect(() => new IngressRoute(shop, 'R', { hosts: ['r.example.com'], jwt: { issuer: ISSUER, jwksUri: JWKS_URI, claimRules: [{ paths: ['/x'], claims: [] }] } }))
      .toThrow('jwt.claimRules[0].claims: is empty (got []). Fix: list the claims the token must carry');
  });

  test('a claim name with an empty part', () => {
    const { shop } = app();
    expect(() => new IngressRoute(shop, 'R', { hosts: ['r.example.com'], jwt: { issuer: ISSUER, jwksUri: JWKS_URI, claimRules: [{ claims: [{ claim: 'a..b', values: ['x'] }] }] } }))
      .toThrow('jwt.claimRules[0].claims[0].claim: is not a claim name (non-empty parts separated by dots, without brackets) (got "a..b")');
  });

  test('a claim without accepted values', () => {
    const { shop } = app();
    expect(() => new IngressRoute(shop, 'R', { hosts: ['r.example.com'], jwt: { issuer: ISSUER, jwksUri: JWKS_URI, claimRules: [{ claims: [{ claim: 'groups', values: [] }] }] } }))
      .toThrow('jwt.claimRules[0].claims[0].values: is empty, so no token could satisfy it (got [])');
  });

  test('audit together with dryRun', () => {
    const { shop } = app();
    expect(() => new IngressRoute(shop, 'R', { hosts: ['r.example.com'], jwt: { issuer: ISSUER, jwksUri: JWKS_URI, audit: true, dryRun: true } }))
      .toThrow('jwt.audit: is set together with dryRun; an AUDIT policy never enforces anything, so there is nothing to try (got true)');
  });

  test('a JWT route on gateway pods that also serve TCP', () => {
    const chart = new Chart(Testing.app(), 'test');
    const gateway = new IngressGateway(chart, 'Public');
    const shop = new MeshNamespace(chart, 'Shop', { name: 'shop' });
    new IngressRoute(shop, 'Api', { gateway, hosts: ['api.example.com'], jwt: { issuer: ISSUER, jwksUri: JWKS_URI }, httpRoutes: [{ backend: API }] });
    new IngressRoute(chart, 'Db', { gateway, protocol: IngressProtocol.TCP, port: 5432, hosts: ['*'], tcpRoutes: [{ backend: ServiceBackend.fromHost('db.db.svc.cluster.local', 5432, Protocol.TCP) }] });
    expect(() => synth(chart)).toThrow('[test/Shop/Api] jwt: needs gateway pods that only serve HTTP, but Gateway "istio-system/public" (test/Public/Gateway) also serves '
      + 'non-HTTP connections on these pods (selector {"istio":"ingressgateway"}) (got "istio-system/public port 5432 TCP"). Fix: serve the JWT-protected route '
      + 'from its own gateway deployment (an IngressGateway or route selector whose labels select other pods), away from TCP and TLS-passthrough routes. '
      + 'In the cluster: the JWT DENY policy cannot evaluate tokens on those connections, so Istio refuses all of them.');
  });

  test('the gateway pods are found through the Gateways\' selectors, either way round, whoever made the Gateway', () => {
    // GIVEN: a plain Gateway on a subset of the route's pods (TLS passthrough) and one on other pods (TCP)
    const chart = new Chart(Testing.app(), 'test');
    const gateway = new IngressGateway(chart, 'Public');
    const shop = new MeshNamespace(chart, 'Shop', { name: 'shop' });
    const server = (number: number, protocol: string, tls?: any) => ({ port: { number, name: `p${number}`, protocol }, hosts: ['*'], tls });
    new ApiObject(chart, 'Passthrough', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'passthrough', namespace: 'istio-system' },
      spec: { selector: { istio: 'ingressgateway', tier: 'edge' }, servers: [server(8443, 'TLS', { mode: 'PASSTHROUGH' })] },
    });
    new ApiObject(chart, 'Elsewhere', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'elsewhere', namespace: 'istio-system' },
      spec: { selector: { istio: 'internal-gateway' }, servers: [server(5432, 'TCP')] },
    });

    // WHEN
    new IngressRoute(shop, 'Api', { gateway, hosts: ['api.example.com'], jwt: { issuer: ISSUER, jwksUri: JWKS_URI }, httpRoutes: [{ backend: API }] });

    // THEN
    const error = (() => {
      try {
        synth(chart);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(error).toContain('[test/Shop/Api] jwt: needs gateway pods that only serve HTTP, but Gateway "istio-system/passthrough" (test/Passthrough) '
      + 'also serves non-HTTP connections on these pods (selector {"istio":"ingressgateway"}) (got "istio-system/passthrough port 8443 TLS PASSTHROUGH")');
    expect(error).not.toContain('elsewhere');
  });

  test('defaultDenyDryRun without defaultDeny', () => {
    expect(() => new MeshNamespace(new Chart(Testing.app(), 'test'), 'Shop', { name: 'shop', defaultDenyDryRun: true }))
      .toThrow('[test/Shop] defaultDenyDryRun: needs defaultDeny: there is no deny-all policy to try (got true)');
  });
});
