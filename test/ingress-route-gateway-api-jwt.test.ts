/**
 * IngressRoute `jwt` on the Gateway API: the RequestAuthentication and AuthorizationPolicies attach to the Gateway by
 * `targetRefs` (kind Gateway, group gateway.networking.k8s.io), in the Gateway's namespace, as Istio attaches policies to
 * the gateways it deploys (https://istio.io/latest/docs/reference/config/type/workload-selector/#PolicyTargetReference):
 * a selector would be ignored for those pods (IST0166). The jest setup checks every object against the CRD schemas and
 * CEL rules. JWT-claim matches stay refused on the Gateway API (HTTPRoute has no claim match), so the IST0149 check of
 * claim routes has nothing to check there.
 */
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { allOf, oneOf, sharedGatewayApiGateway, synth } from './util';
import { IstioApi, RoutingApi } from '../src/api-version';
import { GatewayApiProtocol, GatewayApiRoutesFrom } from '../src/gateway-api-gateway';
import { IngressGateway } from '../src/ingress-gateway';
import { IngressJwt } from '../src/ingress-jwt';
import { IngressRoute, IngressRouteProps } from '../src/ingress-route';
import { TlsCredential } from '../src/ingress-tls';

const ISSUER = 'https://accounts.example.com';
const JWKS_URI = 'https://accounts.example.com/.well-known/jwks.json';
const JWT: IngressJwt = { issuer: ISSUER, jwksUri: JWKS_URI };
const TARGET = (name: string) => [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name }];

function gatewayApiChart(app: App = Testing.app()): Chart {
  IstioApi.useRoutingApi(app, RoutingApi.GATEWAY_API);
  return new Chart(app, 'shop', { namespace: 'shop' });
}

function api(chart: Chart, props: Partial<IngressRouteProps> = {}): IngressRoute {
  return new IngressRoute(chart, 'Api', { hosts: ['api.example.com'], httpRoutes: [{ route: [{ host: 'api', port: 8080 }] }], ...props });
}

describe('jwt on the Gateway API: manifests', () => {
  test('snapshot: the policies target the route\'s own Gateway, in its namespace, with the per-path and per-method claim rules', () => {
    // GIVEN
    const chart = gatewayApiChart();

    // WHEN
    const route = api(chart, {
      jwt: {
        ...JWT,
        audiences: ['shop-api'],
        claimRules: [
          { paths: ['/admin/*'], claims: [{ claim: 'groups', values: ['admin'] }] },
          { methods: ['DELETE'], claims: [{ claim: 'scope', values: ['write'] }] },
        ],
        audit: true,
      },
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(route.gatewayApiGateway?.name).toBe('api-gateway');
    const requestAuthentication = oneOf(manifests, 'RequestAuthentication');
    expect(requestAuthentication.metadata).toEqual({ name: 'shop-api-jwt', namespace: 'shop' });
    expect(requestAuthentication.spec).toEqual({ targetRefs: TARGET('api-gateway'), jwtRules: [{ issuer: ISSUER, jwksUri: JWKS_URI, audiences: ['shop-api'] }] });
    const hosts = ['api.example.com', 'api.example.com:*'];
    expect(oneOf(manifests, 'AuthorizationPolicy', 'shop-api-jwt').spec).toEqual({
      targetRefs: TARGET('api-gateway'),
      action: 'DENY',
      rules: [
        { from: [{ source: { notRequestPrincipals: [`${ISSUER}/*`] } }], to: [{ operation: { hosts } }] },
        { to: [{ operation: { hosts, paths: ['/admin/*'] } }], when: [{ key: 'request.auth.claims[groups]', notValues: ['admin'] }] },
        { to: [{ operation: { hosts, methods: ['DELETE'] } }], when: [{ key: 'request.auth.claims[scope]', notValues: ['write'] }] },
      ],
    });
    expect(oneOf(manifests, 'AuthorizationPolicy', 'shop-api-jwt-audit').spec).toEqual({
      targetRefs: TARGET('api-gateway'), action: 'AUDIT', rules: [{ to: [{ operation: { hosts } }] }],
    });
    for (const policy of [...allOf(manifests, 'AuthorizationPolicy'), requestAuthentication]) expect(policy.spec.selector).toBeUndefined();
    expect(route.requestAuthentication?.targetRefs.map(r => r.name)).toEqual(['api-gateway']);
    expect(route.jwtPolicy?.targetRefs.map(r => r.name)).toEqual(['api-gateway']);
  });

  test('a shared Gateway API Gateway of the app: the policies go to its namespace and target it', () => {
    // GIVEN
    const app = Testing.app();
    const chart = gatewayApiChart(app);
    const gateway = sharedGatewayApiGateway(app);

    // WHEN
    api(chart, { gateway, jwt: { ...JWT, requireToken: false, claimRules: [{ paths: ['/admin/*'], claims: [{ claim: 'groups', values: ['admin'] }] }] } });

    // THEN
    const manifests = synth(chart);
    const requestAuthentication = oneOf(manifests, 'RequestAuthentication');
    expect(requestAuthentication.metadata).toEqual({ name: 'shop-api-jwt', namespace: 'infra' });
    expect(requestAuthentication.spec.targetRefs).toEqual(TARGET('public'));
    expect(oneOf(manifests, 'AuthorizationPolicy').metadata).toEqual({ name: 'shop-api-jwt', namespace: 'infra' });
    expect(oneOf(manifests, 'AuthorizationPolicy').spec.targetRefs).toEqual(TARGET('public'));
  });

  test('with TLS: the route\'s HTTPS listener and its HTTP redirect listener are both HTTP, so the policies are accepted', () => {
    // GIVEN
    const chart = gatewayApiChart();

    // WHEN
    api(chart, { tls: { credential: TlsCredential.fromSecret('api-tls') }, jwt: JWT });

    // THEN
    const manifests = synth(chart);
    expect(oneOf(manifests, 'Gateway').spec.listeners.map((l: any) => l.protocol)).toEqual(['HTTPS', 'HTTP']);
    expect(oneOf(manifests, 'AuthorizationPolicy').spec.targetRefs).toEqual(TARGET('api-gateway'));
  });

  test('a Gateway API Gateway given by reference: its name and namespace are all the policies need', () => {
    // GIVEN
    const chart = gatewayApiChart();

    // WHEN
    const route = api(chart, { gateway: IngressGateway.fromGatewayRef('edge/public'), jwt: JWT });

    // THEN
    const manifests = synth(chart);
    expect(route.requestAuthentication?.namespace).toBe('edge');
    expect(oneOf(manifests, 'AuthorizationPolicy').metadata.namespace).toBe('edge');
    expect(oneOf(manifests, 'AuthorizationPolicy').spec.targetRefs).toEqual(TARGET('public'));
  });
});

describe('jwt on the Gateway API: errors', () => {
  test('error: the Gateway\'s pods also serve a TCP listener', () => {
    // GIVEN
    const app = Testing.app();
    const chart = gatewayApiChart(app);
    const gateway = sharedGatewayApiGateway(app, [{ name: 'postgres', port: 5432, protocol: GatewayApiProtocol.TCP, allowedRoutesFrom: GatewayApiRoutesFrom.ALL }]);

    // WHEN
    api(chart, { gateway, jwt: JWT });

    // THEN
    expect(() => synth(chart)).toThrow(
      '[shop/Api] jwt: needs gateway pods that only serve HTTP, but Gateway "infra/public" (infra/Public) also has a TCP listener, served by the '
      + 'same pods (got "infra/public listener postgres port 5432 TCP"). Fix: serve the JWT-protected route from a Gateway of its own (an IngressRoute '
      + 'without gateway creates one, with its own pods), away from TCP and TLS routes. In the cluster: the JWT DENY policy cannot evaluate tokens on '
      + 'those connections, so Istio refuses all of them');
  });

  test('error: an Istio Gateway whose selector picks the Gateway API Gateway\'s pods serves TCP', () => {
    // GIVEN
    const chart = gatewayApiChart();
    new ApiObject(chart, 'Db', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'db', namespace: 'shop' },
      spec: {
        selector: { 'gateway.networking.k8s.io/gateway-name': 'api-gateway' },
        servers: [{ port: { number: 5432, name: 'tcp', protocol: 'TCP' }, hosts: ['*'] }],
      },
    });

    // WHEN
    api(chart, { jwt: JWT });

    // THEN
    expect(() => synth(chart)).toThrow(
      '[shop/Api] jwt: needs gateway pods that only serve HTTP, but Gateway "shop/db" (shop/Db) also serves non-HTTP connections on these pods '
      + '(selector {"gateway.networking.k8s.io/gateway-name":"api-gateway"}) (got "shop/db port 5432 TCP"). Fix: serve the JWT-protected route from a '
      + 'Gateway of its own');
  });
});
