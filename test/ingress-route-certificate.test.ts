import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import { oneOf, synth } from './util';
import { Certificate, CertificateIssuer, CertificateProps } from '../src/certificate';

function tlsChart(): Chart {
  return new Chart(Testing.app(), 'tls', { namespace: 'istio-system' });
}

/** A Certificate for shop.example.com with `props` in a fresh chart; returns the construction as a thunk, for toThrow. */
function certificate(props: Partial<CertificateProps>): () => Certificate {
  return () => new Certificate(tlsChart(), 'ShopCert', {
    secretName: 'shop-tls',
    issuer: CertificateIssuer.issuer('shop-ca'),
    dnsNames: ['shop.example.com'],
    ...props,
  });
}

describe('snapshots', () => {
  test('a Certificate signed by a namespaced Issuer, with common name, lifetime and renewal', () => {
    // GIVEN
    const chart = tlsChart();

    // WHEN
    const cert = new Certificate(chart, 'ShopCert', {
      secretName: 'shop-example-com-tls',
      issuer: CertificateIssuer.issuer('shop-ca'),
      dnsNames: ['shop.example.com', '*.shop.example.com'],
      commonName: 'shop.example.com',
      duration: Duration.hours(48),
      renewBefore: Duration.minutes(90),
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Certificate')).toEqual({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'shop-cert', namespace: 'istio-system' },
      spec: {
        secretName: 'shop-example-com-tls',
        issuerRef: { name: 'shop-ca', kind: 'Issuer', group: 'cert-manager.io' },
        dnsNames: ['shop.example.com', '*.shop.example.com'],
        commonName: 'shop.example.com',
        duration: '48h',
        renewBefore: '90m',
      },
    });
    expect(cert.metadata.name).toEqual('shop-cert');
    expect([cert.name, cert.effectiveNamespace, cert.dnsNames]).toEqual(['shop-cert', 'istio-system', ['shop.example.com', '*.shop.example.com']]);
  });

  test('an issuer of an external issuer project', () => {
    // GIVEN
    const chart = tlsChart();

    // WHEN
    new Certificate(chart, 'Internal', {
      metadata: { name: 'internal-api', labels: { team: 'platform' } },
      secretName: 'internal-api-tls',
      issuer: CertificateIssuer.external('corp-pca', 'AWSPCAClusterIssuer', 'awspca.cert-manager.io'),
      dnsNames: ['api.internal.example.com'],
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Certificate').spec.issuerRef).toEqual({ name: 'corp-pca', kind: 'AWSPCAClusterIssuer', group: 'awspca.cert-manager.io' });
  });
});

describe('local errors (thrown at construction)', () => {
  test('an invalid metadata.name', () => {
    expect(certificate({ metadata: { name: 'Shop_Cert' } })).toThrow(/\[tls\/ShopCert\] metadata\.name: must be a lower-case DNS-1123 subdomain.*\(got "Shop_Cert"\)\. Fix: pass a valid metadata\.name/);
  });

  test('an invalid secretName', () => {
    expect(certificate({ secretName: 'shop tls' })).toThrow(/\[tls\/ShopCert\] spec\.secretName: must be a lower-case DNS-1123 subdomain.*\(got "shop tls"\)\. Fix: use a Secret name/);
  });

  test('an invalid issuer name', () => {
    expect(certificate({ issuer: CertificateIssuer.clusterIssuer('Lets_Encrypt') }))
      .toThrow(/spec\.issuerRef\.name: must be a lower-case DNS-1123 subdomain.*\(got "Lets_Encrypt"\)\. Fix: use the issuer's metadata\.name/);
  });

  test('an invalid issuer kind', () => {
    expect(certificate({ issuer: CertificateIssuer.external('pca', 'cluster-issuer', 'awspca.cert-manager.io') }))
      .toThrow(/spec\.issuerRef\.kind: must be a Kubernetes kind \(PascalCase\) \(got "cluster-issuer"\)\. Fix: use e\.g\. "ClusterIssuer"/);
  });

  test('an invalid issuer group', () => {
    expect(certificate({ issuer: CertificateIssuer.external('pca', 'AWSPCAClusterIssuer', 'awspca') }))
      .toThrow(/spec\.issuerRef\.group: must be an API group such as "cert-manager\.io" \(got "awspca"\)/);
  });

  test('no DNS names', () => {
    expect(certificate({ dnsNames: [] })).toThrow(/spec\.dnsNames: is empty\. Fix: list the DNS names the certificate is for/);
  });

  test('"*" as a DNS name', () => {
    expect(certificate({ dnsNames: ['*'] })).toThrow(/spec\.dnsNames\[0\]: is "\*", which no certificate authority signs \(got "\*"\)\. Fix: use a DNS name/);
  });

  test('a partial wildcard DNS name', () => {
    expect(certificate({ dnsNames: ['shop.*.example.com'] })).toThrow(/spec\.dnsNames\[0\]: uses a partial wildcard.*\(got "shop\.\*\.example\.com"\)/);
  });

  test('a single-label DNS name', () => {
    expect(certificate({ dnsNames: ['shop'] })).toThrow(/spec\.dnsNames\[0\]: is a single label; public CAs only sign fully qualified names \(got "shop"\)\. Fix: use the full name, e\.g\. "shop\.example\.com"/);
  });

  test('a common name over 64 characters', () => {
    expect(certificate({ commonName: `${'a'.repeat(60)}.example.com` }))
      .toThrow(/spec\.commonName: must be 1 to 64 characters.*Fix: leave commonName out.*issuance fails/);
  });

  test('a lifetime under one hour', () => {
    expect(certificate({ duration: Duration.minutes(30) })).toThrow(/spec\.duration: must be at least 1 hour \(got "30m"\)\. Fix: use e\.g\. Duration\.days\(90\)\. In the cluster: cert-manager rejects the Certificate/);
  });

  test('a renewal under five minutes', () => {
    expect(certificate({ renewBefore: Duration.minutes(1) })).toThrow(/spec\.renewBefore: must be at least 5 minutes \(got "1m"\)/);
  });

  test('a lifetime that is not a whole number of milliseconds', () => {
    expect(certificate({ duration: Duration.millis(3_600_000.5) })).toThrow(/spec\.duration: must be a whole number of milliseconds \(got "3600000\.5ms"\)/);
  });

  test('renewal not before the end of the lifetime', () => {
    expect(certificate({ duration: Duration.days(30), renewBefore: Duration.days(30) }))
      .toThrow(/spec\.renewBefore: must be shorter than duration \(got "720h >= 720h"\)\. Fix: renew some time before the end of the lifetime/);
  });
});

describe('synth-time errors', () => {
  test('a namespaced Issuer the app defines only in another namespace', () => {
    const chart = tlsChart();
    new ApiObject(chart, 'ShopCa', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: { name: 'shop-ca', namespace: 'shop' },
      spec: { selfSigned: {} },
    });
    new Certificate(chart, 'ShopCert', { secretName: 'shop-tls', issuer: CertificateIssuer.issuer('shop-ca'), dnsNames: ['shop.example.com'] });
    expect(() => synth(chart))
      .toThrow(/\[tls\/ShopCert\] spec\.issuerRef: names an Issuer, which must be in the Certificate's namespace "istio-system", but this app defines Issuer "shop-ca" only in "shop" \(got "shop-ca"\)\. Fix: create the Issuer in "istio-system", or make it a ClusterIssuer/);
  });
});
