import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Duration, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { allOf, oneOf, synth } from './util';
import { sharedAvailable, sharedDir } from './util/conformance';
import { CertificateIssuer } from '../src/certificate';
import { TlsProtocolVersion } from '../src/gateway';
import { RetryOn } from '../src/http-retry';
import { IngressGateway } from '../src/ingress-gateway';
import { IngressProtocol, IngressRoute, IngressRouteProps } from '../src/ingress-route';
import { IngressTls, IngressTlsMode, TlsCredential } from '../src/ingress-tls';
import { MeshService } from '../src/mesh-service';
import { Protocol } from '../src/protocol';
import { ServiceBackend } from '../src/service-backend';
import { StringMatch } from '../src/string-match';

// Throw-away test fixtures made with openssl for these tests only (EC P-256, valid until 2126): a self-signed
// certificate for shop.example.com and *.shop.example.com with its key, an unrelated key, and a client CA.
const SHOP_CERT = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBwDCCAWagAwIBAgIUcUfORtdJgEkt7JDmvXM22GgEtOUwCgYIKoZIzj0EAwIw',
  'GzEZMBcGA1UEAwwQc2hvcC5leGFtcGxlLmNvbTAgFw0yNjExMjEyMzUxMjhaGA8y',
  'MTI2MTAyODIzNTEyOFowGzEZMBcGA1UEAwwQc2hvcC5leGFtcGxlLmNvbTBZMBMG',
  'ByqGSM49AgEGCCqGSM49AwEHA0IABHbRyhvM1ii7X3IrNwmEB6z4Q7O5ppHCIo1u',
  'abiAqE5V5l2XYZMNoOu0Y2w7kjZ4Zw9Jo/UI15DgHFheNBOSByWjgYUwgYIwHQYD',
  'VR0OBBYEFP5G1HRgoSb2YlCrmGjZOokARiFpMB8GA1UdIwQYMBaAFP5G1HRgoSb2',
  'YlCrmGjZOokARiFpMA8GA1UdEwEB/wQFMAMBAf8wLwYDVR0RBCgwJoIQc2hvcC5l',
  'eGFtcGxlLmNvbYISKi5zaG9wLmV4YW1wbGUuY29tMAoGCCqGSM49BAMCA0gAMEUC',
  'IAj7EuKoISMZsVo/ut4yjDE4fPW63ZhYPnInTJK8GtNDAiEAzHLegplGOVQCemdw',
  'bZD745i8C7E73uyujuyxV8yhRJo=',
  '-----END CERTIFICATE-----',
].join('\n');
const SHOP_KEY = [
  '-----BEGIN PRIVATE KEY-----',
  'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg/fSwjXOnUpeoFNjx',
  'TtRMWeVl6yaEnJOpiNT7Qy0iGiShRANCAAR20cobzNYou19yKzcJhAes+EOzuaaR',
  'wiKNbmm4gKhOVeZdl2GTDaDrtGNsO5I2eGcPSaP1CNeQ4BxYXjQTkgcl',
  '-----END PRIVATE KEY-----',
].join('\n');
const OTHER_KEY = [
  '-----BEGIN PRIVATE KEY-----',
  'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgRcopOGMDnEjQ7bFB',
  'Xzwm/ASncV/ltfpwjVFt5WDN1OWhRANCAAQEepfvI4IpW6f9vPrinO8mELaPquiB',
  '/cYA3C9S+85xEVhnx5x3kzkSeb2zdc/JUKyAC94QzqI46Pg8TdxK3ZmZ',
  '-----END PRIVATE KEY-----',
].join('\n');
const CLIENT_CA = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBjjCCATWgAwIBAgIUahzRiwmpT9/xeSxWSz/lcwCY1FwwCgYIKoZIzj0EAwIw',
  'HDEaMBgGA1UEAwwRRXhhbXBsZSBDbGllbnQgQ0EwIBcNMjYxMTIxMjM1MTI4WhgP',
  'MjEyNjEwMjgyMzUxMjhaMBwxGjAYBgNVBAMMEUV4YW1wbGUgQ2xpZW50IENBMFkw',
  'EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEiRcPgK2MPDGP6SxHTu7bEjoIrQymNGyI',
  'bAADbcaYsKXBvENhXFljjBsiXi3dCxqVk3Rn7h3sfXDQ5Uc7DM9qOqNTMFEwHQYD',
  'VR0OBBYEFCVjYjR7/n3E3hr2b//yxt+KlFXSMB8GA1UdIwQYMBaAFCVjYjR7/n3E',
  '3hr2b//yxt+KlFXSMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIg',
  'C7lyQWxh+vgXZx9mqs0u0DJZ96ex+XVEE4hLhee5uSgCIDCj1/y90XRGOtmHrUez',
  'VJPlNu9rH0aRKpcwPMLy1IpP',
  '-----END CERTIFICATE-----',
].join('\n');

/** The objects of one of Istio's samples, read from the shared reference directory (never copied). */
function istioSample(name: string): any[] {
  const text = fs.readFileSync(path.join(sharedDir(), 'istio', 'samples', name), 'utf8');
  return parseAllDocuments(text).map(d => d.toJS()).filter(o => o !== null && o !== undefined);
}

function shopChart(app: App = Testing.app()): Chart {
  return new Chart(app, 'shop', { namespace: 'shop' });
}

const EXISTING = TlsCredential.fromSecret('shop-tls', 'istio-system');

/** An HTTPS IngressRoute for shop.example.com made with `props` in a fresh chart; returns the construction as a thunk. */
function httpsRoute(tls: Partial<IngressTls>, props: Partial<IngressRouteProps> = {}): () => IngressRoute {
  return () => new IngressRoute(shopChart(), 'Shop', {
    hosts: ['shop.example.com'],
    tls: { credential: EXISTING, ...tls },
    ...props,
  });
}

describe('snapshots', () => {
  test('Kiali over HTTPS at kiali.<domain> from istio-system with the existing secret telemetry-gw-cert', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'telemetry', { namespace: 'istio-system' });
    const kiali = new MeshService(chart, 'Kiali', { ports: [{ port: 20001, protocol: Protocol.HTTP }] });

    // WHEN
    const ingress = new IngressRoute(chart, 'KialiIngress', {
      metadata: { name: 'kiali-vs' },
      gatewayMetadata: { name: 'kiali-gateway' },
      hosts: ['kiali.example.com'],
      tls: { credential: TlsCredential.fromSecret('telemetry-gw-cert', 'istio-system') },
      httpRoutes: [{ backend: ServiceBackend.fromMeshService(kiali) }],
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Gateway', 'kiali-gateway')).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'kiali-gateway', namespace: 'istio-system' },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [
          { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['kiali.example.com'], tls: { httpsRedirect: true } },
          {
            port: { number: 443, name: 'https', protocol: 'HTTPS' },
            hosts: ['kiali.example.com'],
            tls: { mode: 'SIMPLE', credentialName: 'telemetry-gw-cert', minProtocolVersion: 'TLSV1_2' },
          },
        ],
      },
    });
    expect(oneOf(manifests, 'VirtualService', 'kiali-vs').spec).toEqual({
      hosts: ['kiali.example.com'],
      gateways: ['istio-system/kiali-gateway'],
      http: [{ route: [{ destination: { host: 'kiali.istio-system.svc.cluster.local', port: { number: 20001 } } }] }],
    });
    expect(allOf(manifests, 'Secret')).toEqual([]);
    expect(ingress.credentialName).toEqual('telemetry-gw-cert');
  });

  test('HTTPS from a PEM certificate and key: the kubernetes.io/tls Secret lands in the workload namespace, not the route\'s', () => {
    // GIVEN
    const chart = shopChart();

    // WHEN
    new IngressRoute(chart, 'Shop', {
      hosts: ['shop.example.com', 'api.shop.example.com'],
      tls: { credential: TlsCredential.fromPem({ certificate: SHOP_CERT, privateKey: SHOP_KEY }) },
      httpRoutes: [{ match: [{ uri: StringMatch.prefix('/') }], route: [{ host: 'frontend', port: 8080 }] }],
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Secret')).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      // in the shared namespace, the default name carries the route's namespace (shop) before the route's name (shop)
      metadata: { name: 'shop-shop-tls', namespace: 'istio-system' },
      type: 'kubernetes.io/tls',
      immutable: false,
      stringData: { 'tls.crt': SHOP_CERT, 'tls.key': SHOP_KEY },
    });
    expect(oneOf(manifests, 'Gateway').metadata.namespace).toEqual('shop');
    expect(oneOf(manifests, 'Gateway').spec.servers[1].tls.credentialName).toEqual('shop-shop-tls');
  });

  test('MUTUAL: the credential Secret plus its <name>-cacert companion with ca.crt, and accepted client SANs', () => {
    // GIVEN
    const chart = shopChart();

    // WHEN
    new IngressRoute(chart, 'PartnerApi', {
      hosts: ['partners.shop.example.com'],
      tls: {
        mode: IngressTlsMode.MUTUAL,
        credential: TlsCredential.fromPem({ certificate: SHOP_CERT, privateKey: SHOP_KEY, secretName: 'partner-api-credential' }),
        clientCaCertificate: CLIENT_CA,
        subjectAltNames: ['spiffe://partners.example.com/billing'],
        httpsRedirect: false,
        minProtocolVersion: TlsProtocolVersion.TLSV1_3,
      },
      httpRoutes: [{ route: [{ host: 'partner-api', port: 8080 }], timeout: Duration.seconds(30) }],
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(allOf(manifests, 'Secret').map(s => [s.metadata.namespace, s.metadata.name, s.type, Object.keys(s.stringData)])).toEqual([
      ['istio-system', 'partner-api-credential', 'kubernetes.io/tls', ['tls.crt', 'tls.key']],
      ['istio-system', 'partner-api-credential-cacert', 'Opaque', ['ca.crt']],
    ]);
    expect(oneOf(manifests, 'Gateway').spec.servers).toEqual([{
      port: { number: 443, name: 'https', protocol: 'HTTPS' },
      hosts: ['partners.shop.example.com'],
      tls: {
        mode: 'MUTUAL',
        credentialName: 'partner-api-credential',
        subjectAltNames: ['spiffe://partners.example.com/billing'],
        minProtocolVersion: 'TLSV1_3',
      },
    }]);
  });

  test('cert-manager: a Certificate in the workload namespace produces the credential Secret', () => {
    // GIVEN
    const chart = shopChart();

    // WHEN
    const ingress = new IngressRoute(chart, 'Shop', {
      hosts: ['shop.example.com', 'www.shop.example.com'],
      tls: {
        credential: TlsCredential.fromCertManager({
          issuer: CertificateIssuer.clusterIssuer('letsencrypt-dns01'),
          secretName: 'shop-example-com-tls',
          duration: Duration.days(90),
          renewBefore: Duration.days(30),
        }),
      },
      httpRoutes: [{ route: [{ host: 'frontend', port: 8080 }] }],
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Certificate')).toEqual({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'shop-example-com-tls', namespace: 'istio-system' },
      spec: {
        secretName: 'shop-example-com-tls',
        issuerRef: { name: 'letsencrypt-dns01', kind: 'ClusterIssuer', group: 'cert-manager.io' },
        dnsNames: ['shop.example.com', 'www.shop.example.com'],
        duration: '2160h',
        renewBefore: '720h',
      },
    });
    expect(oneOf(manifests, 'Gateway').spec.servers[1].tls.credentialName).toEqual('shop-example-com-tls');
    expect(ingress.certificate?.secretName).toEqual('shop-example-com-tls');
  });

  test('cert-manager HTTP-01 solver route: the same objects as Istio\'s certmanager-gateway.yaml, with the gateway reference qualified', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'cert-manager', { namespace: 'istio-system' });

    // WHEN
    new IngressRoute(chart, 'CertManager', {
      hosts: ['*'],
      httpRoutes: [{
        match: [{ uri: StringMatch.prefix('/.well-known/acme-challenge/') }],
        route: [{ host: 'cert-manager-resolver', port: 8089 }],
      }],
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    if (sharedAvailable()) {
      const expected = istioSample('bookinfo/certmanager-gateway.yaml');
      expected.find(o => o.kind === 'VirtualService').spec.gateways = ['istio-system/cert-manager-gateway'];
      expect(manifests).toEqual(expected);
    }
  });

  test('a gRPC backend over HTTPS, with gRPC retries', () => {
    // GIVEN
    const chart = shopChart();
    const catalog = new MeshService(chart, 'Catalog', { ports: [{ port: 9090, protocol: Protocol.GRPC }] });

    // WHEN
    new IngressRoute(chart, 'CatalogApi', {
      hosts: ['catalog.shop.example.com'],
      tls: { credential: EXISTING, httpsRedirect: false },
      httpRoutes: [{
        match: [{ uri: StringMatch.prefix('/shop.catalog.v1.Catalog/') }],
        backend: ServiceBackend.fromMeshService(catalog),
        timeout: Duration.seconds(5),
        retries: { attempts: 2, retryOn: [RetryOn.UNAVAILABLE, RetryOn.RESOURCE_EXHAUSTED] },
      }],
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'VirtualService').spec.http[0]).toMatchObject({
      route: [{ destination: { host: 'catalog.shop.svc.cluster.local', port: { number: 9090 } } }],
      retries: { attempts: 2, retryOn: 'unavailable,resource-exhausted' },
    });
  });

  test('TCP behind TLS terminated at the gateway: a TLS SIMPLE server and tcp routes', () => {
    // GIVEN
    const chart = shopChart();
    const postgres = new MeshService(chart, 'Postgres', { ports: [{ port: 5432, protocol: Protocol.TCP }] });

    // WHEN
    new IngressRoute(chart, 'PostgresIngress', {
      metadata: { name: 'postgres-ingress' },
      hosts: ['db.shop.example.com'],
      protocol: IngressProtocol.TCP,
      port: 5432,
      tls: { credential: EXISTING },
      tcpRoutes: [{ backend: ServiceBackend.fromMeshService(postgres) }],
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Gateway').spec.servers).toEqual([{
      port: { number: 5432, name: 'tls', protocol: 'TLS' },
      hosts: ['db.shop.example.com'],
      tls: { mode: 'SIMPLE', credentialName: 'shop-tls', minProtocolVersion: 'TLSV1_2' },
    }]);
    expect(oneOf(manifests, 'VirtualService').spec.tcp).toEqual([
      { match: [{ port: 5432 }], route: [{ destination: { host: 'postgres.shop.svc.cluster.local', port: { number: 5432 } } }] },
    ]);
  });
});

describe('API', () => {
  test('"*" on HTTPS with allowAnyHost', () => {
    const ingress = httpsRoute({ httpsRedirect: false }, { hosts: ['*'], allowAnyHost: true })();
    expect(ingress.gateway!.servers).toEqual([expect.objectContaining({ hosts: ['*'], allowAnyHost: true })]);
  });

  test('a shared gateway\'s workload namespace is where the route\'s Secret goes', () => {
    const app = Testing.app();
    const gateway = new IngressGateway(new Chart(app, 'platform'), 'Public', { workloadNamespace: 'ingress' });
    const chart = shopChart(app);
    new IngressRoute(chart, 'Shop', {
      gateway,
      hosts: ['shop.example.com'],
      tls: { credential: TlsCredential.fromPem({ certificate: SHOP_CERT, privateKey: SHOP_KEY }) },
      httpRoutes: [{ directResponse: { status: 200 } }],
    });
    expect(oneOf(synth(chart), 'Secret').metadata).toEqual({ name: 'shop-shop-tls', namespace: 'ingress' });
    expect(gateway.gatewayRef).toEqual('ingress/public');
  });
});

describe('local errors (thrown at construction)', () => {
  test('an existing secret outside the gateway workload namespace', () => {
    expect(httpsRoute({ credential: TlsCredential.fromSecret('shop-tls', 'shop') }))
      .toThrow(/\[shop\/Shop\] tls\.credential\.namespace: is not the namespace of the gateway workload \("istio-system"\).*\(got "shop"\)\. Fix: create or copy Secret "shop-tls" into "istio-system" and pass TlsCredential\.fromSecret\("shop-tls", "istio-system"\)\. In the cluster: TLS handshake fails: no certificate/);
  });

  test('an existing secret with an invalid namespace', () => {
    expect(httpsRoute({ credential: TlsCredential.fromSecret('shop-tls', 'Istio-System') }))
      .toThrow(/tls\.credential\.namespace: must be a lower-case DNS-1123 label.*\(got "Istio-System"\)\. Fix: use the gateway workload's namespace, "istio-system"/);
  });

  test('an invalid secret name', () => {
    expect(httpsRoute({ credential: TlsCredential.fromSecret('Shop_TLS', 'istio-system') }))
      .toThrow(/tls\.credential\.secretName: must be a lower-case DNS-1123 subdomain.*\(got "Shop_TLS"\)\. Fix: name the Secret/);
  });

  test('TLS termination on a TLS passthrough route (TLS mode vs protocol)', () => {
    expect(httpsRoute({}, { protocol: IngressProtocol.TLS_PASSTHROUGH }))
      .toThrow(/\[shop\/Shop\] tls: terminates TLS at the gateway, but protocol TLS_PASSTHROUGH forwards TLS unterminated.*Fix: remove tls to pass TLS through/);
  });

  test('TLS on a route attached by reference', () => {
    expect(httpsRoute({}, { gateway: IngressGateway.fromGatewayRef('istio-system/public-gateway') }))
      .toThrow(/tls: cannot be set on a route attached by reference to Gateway istio-system\/public-gateway.*Fix: configure TLS on the Gateway that owns the servers/);
  });

  test('no credential (JavaScript callers, which have no type check)', () => {
    expect(httpsRoute({ credential: undefined as any, mode: IngressTlsMode.MUTUAL }))
      .toThrow(/tls\.credential: is required\. Fix: set tls\.credential to a TlsCredential \(e\.g\. from TlsCredential\.from[A-Za-z]+\(\)\)/);
  });

  test('client-certificate settings in mode SIMPLE', () => {
    expect(httpsRoute({ subjectAltNames: ['spiffe://example.com/client'] }))
      .toThrow(/tls\.subjectAltNames: only applies to modes that verify client certificates .*Fix: use mode MUTUAL to require client certificates, or remove subjectAltNames/);
  });

  test('an HTTPS redirect on a TCP route', () => {
    expect(httpsRoute({ httpsRedirect: true }, { protocol: IngressProtocol.TCP, port: 5432 }))
      .toThrow(/tls\.httpsRedirect: only applies to HTTP routes: a TCP client cannot follow an HTTP redirect.*Fix: remove httpsRedirect/);
  });

  test('an HTTP port without the redirect', () => {
    expect(httpsRoute({ httpsRedirect: false, httpPort: 8080 }))
      .toThrow(/tls\.httpPort: is set while httpsRedirect is false, so nothing listens on it \(got 8080\)\. Fix: remove httpPort/);
  });

  test('the redirect port is the HTTPS port', () => {
    expect(httpsRoute({ httpPort: 8443 }, { port: 8443 }))
      .toThrow(/tls\.httpPort: is also the HTTPS port \(got 8443\)\. Fix: redirect from another port/);
  });

  test('a reserved redirect port', () => {
    expect(httpsRoute({ httpPort: 15090 })).toThrow(/tls\.httpPort: is reserved by the Istio proxy .*\(got 15090\)/);
  });

  test('"*" on HTTPS without allowAnyHost', () => {
    expect(httpsRoute({}, { hosts: ['*'] }))
      .toThrow(/hosts\[0\]: matches every host name on a route whose gateway server is HTTPS or TLS \(got "\*"\)\. Fix: list the host names the certificate covers/);
  });

  test('a minimum TLS version above the maximum (checked by Gateway)', () => {
    expect(httpsRoute({ minProtocolVersion: TlsProtocolVersion.TLSV1_3, maxProtocolVersion: TlsProtocolVersion.TLSV1_2 }))
      .toThrow(/\[shop\/Shop\/Gateway\] servers\[1\]\.tls\.minProtocolVersion: is above maxProtocolVersion/);
  });

  test('a certificate that is not PEM', () => {
    expect(httpsRoute({ credential: TlsCredential.fromPem({ certificate: 'not a certificate', privateKey: SHOP_KEY }) }))
      .toThrow(/tls\.credential\.certificate: is not a PEM certificate .*Fix: pass the PEM text.*\(IST0161\)/);
  });

  test('a private key that is not PEM, without echoing it', () => {
    const thunk = httpsRoute({ credential: TlsCredential.fromPem({ certificate: SHOP_CERT, privateKey: 'secret-but-not-a-key' }) });
    expect(thunk).toThrow(/tls\.credential\.privateKey: is not a PEM private key .*Fix: pass the PEM text of the key/);
    expect(thunk).not.toThrow(/secret-but-not-a-key/);
  });

  test('a private key of another certificate', () => {
    expect(httpsRoute({ credential: TlsCredential.fromPem({ certificate: SHOP_CERT, privateKey: OTHER_KEY }) }))
      .toThrow(/tls\.credential\.privateKey: does not belong to the certificate \(subject CN=shop\.example\.com\)\. Fix: pass the key the certificate was issued for/);
  });

  test('a certificate that does not cover a host', () => {
    expect(httpsRoute({ credential: TlsCredential.fromPem({ certificate: SHOP_CERT, privateKey: SHOP_KEY }) },
      { hosts: ['shop.example.com', 'a.b.shop.example.com', '*.example.com'] }))
      .toThrow(/tls\.credential\.certificate: does not cover these hosts of the route \(its names: \["shop\.example\.com","\*\.shop\.example\.com"\]\) \(got \["a\.b\.shop\.example\.com","\*\.example\.com"\]\)\. Fix: use a certificate whose subject alternative names include every host.*name mismatch/);
  });

  test('MUTUAL from PEM without a client CA', () => {
    expect(httpsRoute({ mode: IngressTlsMode.MUTUAL, credential: TlsCredential.fromPem({ certificate: SHOP_CERT, privateKey: SHOP_KEY }) }))
      .toThrow(/tls\.clientCaCertificate: is required to verify client certificates: the Secret made from certificate and privateKey has no ca\.crt\. Fix: pass the PEM of the CA/);
  });

  test('a client CA that is not PEM', () => {
    expect(httpsRoute({ mode: IngressTlsMode.OPTIONAL_MUTUAL, clientCaCertificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }))
      .toThrow(/tls\.clientCaCertificate: is not a PEM certificate/);
  });

  test('cert-manager for "*" without dnsNames', () => {
    expect(httpsRoute({ credential: TlsCredential.fromCertManager({ issuer: CertificateIssuer.clusterIssuer('letsencrypt') }) },
      { hosts: ['*'], allowAnyHost: true }))
      .toThrow(/tls\.credential\.dnsNames: is needed: the route's hosts include "\*", which no certificate authority signs.*Fix: list the DNS names/);
  });

  test('cert-manager dnsNames that do not cover the hosts', () => {
    expect(httpsRoute({ credential: TlsCredential.fromCertManager({ issuer: CertificateIssuer.clusterIssuer('letsencrypt'), dnsNames: ['www.example.com'] }) }))
      .toThrow(/tls\.credential\.dnsNames: do not cover these hosts of the route \(dnsNames: \["www\.example\.com"\]\) \(got \["shop\.example\.com"\]\)\. Fix: add the hosts/);
  });
});

describe('synth-time errors', () => {
  test('two routes create the same Secret', () => {
    const chart = shopChart();
    const credential = TlsCredential.fromPem({ certificate: SHOP_CERT, privateKey: SHOP_KEY, secretName: 'shop-tls' });
    new IngressRoute(chart, 'Shop', { hosts: ['shop.example.com'], tls: { credential }, httpRoutes: [{ directResponse: { status: 200 } }] });
    new IngressRoute(chart, 'Api', { hosts: ['api.shop.example.com'], tls: { credential }, httpRoutes: [{ directResponse: { status: 200 } }] });
    expect(() => synth(chart))
      .toThrow(/\[shop\/Api\] tls\.credential: is a Secret this route creates, and Secret at shop\/Shop\/TlsSecret also produces it \(got "istio-system\/shop-tls"\)\. Fix: give each route its own secretName.*overwrite each other/);
  });

  test('the same certificate on two Gateways of the same workload (IST0138, reported by Gateway)', () => {
    const chart = shopChart();
    new IngressRoute(chart, 'Shop', { hosts: ['shop.example.com'], tls: { credential: EXISTING }, httpRoutes: [{ directResponse: { status: 200 } }] });
    new IngressRoute(chart, 'Api', { hosts: ['api.shop.example.com'], tls: { credential: EXISTING }, httpRoutes: [{ directResponse: { status: 200 } }] });
    expect(() => synth(chart))
      .toThrow(/\[shop\/Api\/Gateway\] servers\[1\]\.tls: uses the same certificate as a server of Gateway shop\/shop-gateway \(shop\/Shop\/Gateway\) on port 443.*\(IST0138\).*404 NR/);
  });
});
