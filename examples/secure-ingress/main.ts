/**
 * One public ingress gateway serving five kinds of traffic, each route owned by the team of its namespace:
 * - `httpbin.example.com`: HTTPS (SIMPLE) with a cert-manager certificate, plain HTTP redirected to HTTPS;
 * - `partners.example.com`: HTTPS that requires a client certificate (MUTUAL);
 * - `vault.example.com`: TLS passed through unterminated, routed by SNI (Vault holds its own certificate);
 * - MySQL on port 3306 (plain TCP);
 * - `kiali.example.com`: Istio's Kiali over HTTPS with the existing Secret `telemetry-gw-cert`;
 * - `api.example.com`: an API that requires a JWT of the shop's identity provider (writes need the `shop-admin`
 *   group), on its own gateway pods: the shared gateway's pods also serve TCP and TLS passthrough, where a JWT policy
 *   cannot read tokens.
 * The shop namespace traces 10% of its requests to the OpenTelemetry collector of the mesh config.
 */
import { App, Chart, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-27';
// In this repository 'cdk8s-istio' resolves to ../../src (tsconfig-paths); in your app it is the npm package.
import {
  CertificateIssuer,
  IngressGateway,
  IngressProtocol,
  IngressRoute,
  IngressTlsMode,
  IstioApi,
  MeshDeployment,
  MeshNamespace,
  MeshService,
  Protocol,
  RoutingApi,
  ServiceBackend,
  TelemetryProvider,
  TlsCredential,
} from 'cdk8s-istio';

const DOMAIN = 'example.com';

/** Builds the platform chart (gateway, Kiali, Vault, MySQL) and the shop chart (httpbin) into `app`. */
export function build(app: App): Chart[] {
  // The platform team owns the gateway, next to the ingress gateway pods (where Istio reads TLS Secrets).
  const platform = new Chart(app, 'platform', { namespace: 'istio-system' });
  // On the Gateway API (the examples' -gateway-api variant) each route gets a Gateway of class istio of its own: an
  // IngressGateway is an Istio Gateway, which Gateway API routes cannot attach to.
  const gatewayApi = IstioApi.routingApiOf(platform) === RoutingApi.GATEWAY_API;
  const gateway = gatewayApi ? undefined : new IngressGateway(platform, 'PublicGateway');

  // Kiali as in Istio's "remotely accessing telemetry addons" task: its certificate exists already.
  new IngressRoute(platform, 'Kiali', {
    gateway,
    hosts: [`kiali.${DOMAIN}`],
    tls: { credential: TlsCredential.fromSecret('telemetry-gw-cert') },
    httpRoutes: [{ backend: ServiceBackend.fromHost('kiali.istio-system.svc.cluster.local', 20001, Protocol.HTTP) }],
  });

  // Vault terminates TLS itself (clients pin its certificate), so the gateway only reads the SNI name.
  new IngressRoute(platform, 'Vault', {
    gateway,
    protocol: IngressProtocol.TLS_PASSTHROUGH,
    hosts: [`vault.${DOMAIN}`],
    tlsRoutes: [{ backend: ServiceBackend.fromHost('vault.vault.svc.cluster.local', 8200, Protocol.TLS) }],
  });

  // MySQL of the database team's operator. The ingress gateway's Service must expose port 3306 too
  // (e.g. Helm value service.ports), which Istio's default installation does not.
  new IngressRoute(platform, 'Mysql', {
    gateway,
    protocol: IngressProtocol.TCP,
    hosts: ['*'],
    port: 3306,
    tcpRoutes: [{ backend: ServiceBackend.fromHost('mysql.db.svc.cluster.local', 3306, Protocol.MYSQL) }],
  });

  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  const ns = new MeshNamespace(shop, 'Shop', {
    name: 'shop',
    // `otel-tracing` is an extensionProviders entry of the mesh config (an OpenTelemetry collector).
    telemetry: { tracing: [{ providers: [TelemetryProvider.extension('otel-tracing')], randomSamplingPercentage: 10 }] },
  });
  const httpbin = ServiceBackend.fromMeshService(httpbinService(ns));

  // A DNS-01 issuer: an HTTP-01 challenge would be redirected to HTTPS before the certificate exists.
  new IngressRoute(ns, 'Public', {
    gateway,
    hosts: [`httpbin.${DOMAIN}`],
    tls: {
      credential: TlsCredential.fromCertManager({
        issuer: CertificateIssuer.clusterIssuer('letsencrypt-dns01'),
        secretName: 'httpbin-example-com-tls',
      }),
    },
    httpRoutes: [{ backend: httpbin }],
  });

  // Partners authenticate with client certificates from the private CA that also signs this server certificate
  // (cert-manager writes that CA as ca.crt, which the gateway verifies clients with).
  // A Gateway API listener cannot verify client certificates: Istio's API in both variants.
  new IngressRoute(ns, 'Partners', {
    routingApi: RoutingApi.ISTIO,
    gateway,
    hosts: [`partners.${DOMAIN}`],
    tls: {
      mode: IngressTlsMode.MUTUAL,
      credential: TlsCredential.fromCertManager({ issuer: CertificateIssuer.clusterIssuer('partners-ca'), secretName: 'partners-example-com-tls' }),
      subjectAltNames: ['billing.partner.example.net'],
      // API clients never speak plain HTTP; no port-80 listener for this host.
      httpsRedirect: false,
    },
    httpRoutes: [{ backend: httpbin }],
  });

  // The API: a token of the shop's identity provider on every request, the "shop-admin" group for writes. Its gateway
  // pods (label istio: api-ingressgateway, in istio-system) serve HTTP only, so the JWT policy covers all their traffic.
  // IngressRoute writes the JWT policy with Istio's APIs only: Istio's API in both variants.
  new IngressRoute(ns, 'Api', {
    routingApi: RoutingApi.ISTIO,
    hosts: [`api.${DOMAIN}`],
    selector: { istio: 'api-ingressgateway' },
    tls: {
      credential: TlsCredential.fromCertManager({ issuer: CertificateIssuer.clusterIssuer('letsencrypt-dns01'), secretName: 'api-example-com-tls' }),
    },
    jwt: {
      issuer: `https://login.${DOMAIN}`,
      jwksUri: `https://login.${DOMAIN}/.well-known/jwks.json`,
      audiences: ['shop-api'],
      outputClaimToHeaders: [{ header: 'x-shop-user', claim: 'sub' }],
      claimRules: [{ methods: ['POST', 'PUT', 'PATCH', 'DELETE'], claims: [{ claim: 'groups', values: ['shop-admin'] }] }],
    },
    httpRoutes: [{ backend: httpbin }],
  });

  return [platform, shop];
}

/** Istio's httpbin sample: Service port 8000 to container port 8080. */
function httpbinService(ns: MeshNamespace): MeshService {
  new MeshDeployment(ns, 'Httpbin', {
    app: 'httpbin',
    version: 'v1',
    replicas: 2,
    containers: [{
      name: 'httpbin',
      image: 'docker.io/mccutchen/go-httpbin:v2.15.0',
      ports: [{ number: 8080, name: 'http' }],
      // The image does not name a non-root user; a fixed one keeps runAsNonRoot satisfiable.
      securityContext: { user: 65532, group: 65532 },
      resources: {
        cpu: { request: plus.Cpu.millis(50), limit: plus.Cpu.millis(500) },
        memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
      },
    }],
  });
  return new MeshService(ns, 'HttpbinService', {
    metadata: { name: 'httpbin' },
    ports: [{ port: 8000, targetPort: 8080, protocol: Protocol.HTTP }],
  });
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
