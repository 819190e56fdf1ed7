import { ApiObject, Chart, Testing } from 'cdk8s';
import { oneOf, synth } from './util';
import { Gateway, GatewayServer, GatewayTlsMode, TlsProtocolVersion } from '../src/gateway';
import { Protocol } from '../src/protocol';

const HTTP_80: GatewayServer = { port: { number: 80, name: 'http', protocol: Protocol.HTTP }, hosts: ['shop.example.com'] };

function https(tls: GatewayServer['tls'], extra: Partial<GatewayServer> = {}): GatewayServer {
  return { port: { number: 443, name: 'https', protocol: Protocol.HTTPS }, hosts: ['shop.example.com'], tls, ...extra };
}

/** Adds a gateway with one server and returns the error it throws. */
function serverError(server: GatewayServer): () => void {
  return () => new Gateway(Testing.chart(), 'Gw', { servers: [server] });
}

describe('snapshots', () => {
  test('HTTP gateway (Bookinfo)', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new Gateway(chart, 'BookinfoGateway', {
      servers: [{ port: { number: 8080, name: 'http', protocol: Protocol.HTTP }, hosts: ['*'] }],
    });
    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Gateway', 'bookinfo-gateway')).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'bookinfo-gateway' },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
      },
    });
  });

  test('HTTPS SIMPLE with an HTTP redirect', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'istio-system' });
    // WHEN
    const gw = new Gateway(chart, 'ShopGateway', {});
    gw.addServer({ port: { number: 80, name: 'http', protocol: Protocol.HTTP }, hosts: ['shop.example.com'], tls: { httpsRedirect: true } });
    gw.addServer({
      port: { number: 443, name: 'https', protocol: Protocol.HTTPS },
      hosts: ['shop/shop.example.com'],
      tls: { mode: GatewayTlsMode.SIMPLE, credentialName: 'shop-example-com-cert', minProtocolVersion: TlsProtocolVersion.TLSV1_2 },
    });
    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Gateway').spec.servers).toEqual([
      { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com'], tls: { httpsRedirect: true } },
      {
        port: { number: 443, name: 'https', protocol: 'HTTPS' },
        hosts: ['shop/shop.example.com'],
        tls: { mode: 'SIMPLE', credentialName: 'shop-example-com-cert', minProtocolVersion: 'TLSV1_2' },
      },
    ]);
  });

  test('MUTUAL with a credential and with files', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new Gateway(chart, 'PartnerGateway', {
      selector: { istio: 'ingressgateway', tier: 'partner' },
      servers: [
        {
          port: { number: 443, protocol: Protocol.HTTPS },
          hosts: ['api.partner.example.com'],
          tls: {
            mode: GatewayTlsMode.MUTUAL,
            credentialName: 'partner-api-cert',
            subjectAltNames: ['spiffe://partner.example.com/client'],
            cipherSuites: ['ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
            minProtocolVersion: TlsProtocolVersion.TLSV1_2,
            maxProtocolVersion: TlsProtocolVersion.TLSV1_3,
          },
        },
        {
          port: { number: 8443, protocol: Protocol.HTTPS },
          hosts: ['legacy.partner.example.com'],
          tls: {
            mode: GatewayTlsMode.OPTIONAL_MUTUAL,
            serverCertificate: '/etc/istio/legacy-certs/tls.crt',
            privateKey: '/etc/istio/legacy-certs/tls.key',
            caCertificates: '/etc/istio/legacy-certs/ca.crt',
          },
        },
      ],
    });
    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    const gw = oneOf(manifests, 'Gateway');
    expect(gw.spec.selector).toEqual({ istio: 'ingressgateway', tier: 'partner' });
    expect(gw.spec.servers.map((s: any) => s.port.name)).toEqual(['https-443', 'https-8443']);
    expect(gw.spec.servers[1].tls).toEqual({
      mode: 'OPTIONAL_MUTUAL',
      serverCertificate: '/etc/istio/legacy-certs/tls.crt',
      privateKey: '/etc/istio/legacy-certs/tls.key',
      caCertificates: '/etc/istio/legacy-certs/ca.crt',
    });
  });

  test('TLS PASSTHROUGH', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new Gateway(chart, 'PassthroughGateway', {
      servers: [{
        port: { number: 443, name: 'tls', protocol: Protocol.TLS },
        hosts: ['nginx.example.com', '*.internal.example.com'],
        tls: { mode: GatewayTlsMode.PASSTHROUGH },
      }],
    });
    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Gateway').spec.servers[0]).toEqual({
      port: { number: 443, name: 'tls', protocol: 'TLS' },
      hosts: ['nginx.example.com', '*.internal.example.com'],
      tls: { mode: 'PASSTHROUGH' },
    });
  });

  test('TCP', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new Gateway(chart, 'TcpGateway', {
      servers: [{ port: { number: 31400, name: 'tcp', protocol: Protocol.TCP }, hosts: ['*'] }],
    });
    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Gateway').spec.servers).toEqual([{ port: { number: 31400, name: 'tcp', protocol: 'TCP' }, hosts: ['*'] }]);
  });
});

describe('accessors and defaults', () => {
  test('the default selector is istio=ingressgateway and port names default to protocol-number', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    const gw = new Gateway(chart, 'Gw', { servers: [{ port: { number: 8080, protocol: Protocol.HTTP2 }, hosts: ['a.example.com'] }] });
    // THEN
    expect(gw.selector).toEqual({ istio: 'ingressgateway' });
    expect(oneOf(synth(chart), 'Gateway').spec.servers[0].port).toEqual({ number: 8080, name: 'http2-8080', protocol: 'HTTP2' });
  });

  test('gatewayRef is namespace/name, with namespace default when there is none', () => {
    // GIVEN
    const plain = Testing.chart();
    const namespaced = new Chart(Testing.app(), 'ns', { namespace: 'istio-system' });
    // WHEN
    const a = new Gateway(plain, 'Public', { servers: [HTTP_80] });
    const b = new Gateway(namespaced, 'Public', { servers: [HTTP_80], metadata: { name: 'public-gw' } });
    // THEN
    expect(a.gatewayRef).toBe('default/public');
    expect(b.gatewayRef).toBe('istio-system/public-gw');
    expect(b.name).toBe('public-gw');
    expect(b.namespace).toBe('istio-system');
  });

  test('servers, hosts and selector are copies; servers added later are rendered', () => {
    // GIVEN
    const chart = Testing.chart();
    const gw = new Gateway(chart, 'Gw', { servers: [HTTP_80], selector: { app: 'my-gateway' } });
    // WHEN
    gw.addServer({ port: { number: 8080, name: 'http-alt', protocol: Protocol.HTTP }, hosts: ['./shop.example.com', 'api.example.com'] });
    gw.servers.pop();
    gw.hosts.pop();
    gw.selector.extra = 'x';
    // THEN
    expect(gw.servers).toHaveLength(2);
    expect(gw.hosts).toEqual(['shop.example.com', './shop.example.com', 'api.example.com']);
    expect(gw.selector).toEqual({ app: 'my-gateway' });
    expect(oneOf(synth(chart), 'Gateway').spec.servers).toHaveLength(2);
  });

  test('a server may bind to an IP address, or to a unix socket with port 0', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new Gateway(chart, 'Gw', {
      servers: [
        { ...HTTP_80, bind: '10.0.0.10' },
        { port: { number: 0, name: 'uds', protocol: Protocol.HTTP }, hosts: ['shop.example.com'], bind: 'unix:///var/run/gw.sock' },
      ],
    });
    // THEN
    expect(oneOf(synth(chart), 'Gateway').spec.servers.map((s: any) => s.bind)).toEqual(['10.0.0.10', 'unix:///var/run/gw.sock']);
  });

  test('allowAnyHost accepts "*" on an HTTPS server', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new Gateway(chart, 'Gw', { servers: [https({ mode: GatewayTlsMode.SIMPLE, credentialName: 'cert' }, { hosts: ['*'], allowAnyHost: true })] });
    // THEN
    expect(oneOf(synth(chart), 'Gateway').spec.servers[0].hosts).toEqual(['*']);
  });
});

describe('local errors', () => {
  test('the name must not contain a dot', () => {
    expect(() => new Gateway(Testing.chart(), 'Gw', { metadata: { name: 'my.gateway' }, servers: [HTTP_80] }))
      .toThrow(/metadata\.name: must be a lower-case DNS-1123 label.*cannot contain a dot \(got "my\.gateway"\)\. Fix: use a name without dots/);
  });

  test('the selector must not be empty', () => {
    expect(() => new Gateway(Testing.chart(), 'Gw', { selector: {} }))
      .toThrow(/selector: is empty, so the Gateway would apply to every gateway workload.*Fix: select the gateway pods by their labels/);
  });

  test('the selector must be valid labels', () => {
    expect(() => new Gateway(Testing.chart(), 'Gw', { selector: { istio: 'ingress*' } }))
      .toThrow(/selector: label value "ingress\*" of "istio" is not a valid Kubernetes label value.*Fix: select the gateway pods/);
  });

  test('the port number must be 1-65535', () => {
    expect(serverError({ ...HTTP_80, port: { number: 70000, protocol: Protocol.HTTP } }))
      .toThrow(/servers\[0\]\.port\.number: must be an integer from 1 to 65535 \(got 70000\)\. Fix: use a port the gateway workload exposes/);
  });

  test('the port number must not be reserved by the proxy', () => {
    expect(serverError({ ...HTTP_80, port: { number: 15021, protocol: Protocol.HTTP } }))
      .toThrow(/servers\[0\]\.port\.number: is reserved by the Istio proxy.*\(got 15021\)\. Fix: use a port the gateway workload exposes/);
  });

  test('the port name must be a DNS label', () => {
    expect(serverError({ ...HTTP_80, port: { number: 80, name: 'http_web', protocol: Protocol.HTTP } }))
      .toThrow(/servers\[0\]\.port\.name: must be a DNS label.*\(got "http_web"\)\. Fix: name the port like "https"/);
  });

  test('port names must be unique across servers', () => {
    // GIVEN
    const gw = new Gateway(Testing.chart(), 'Gw', { servers: [HTTP_80] });
    // THEN
    expect(() => gw.addServer({ port: { number: 8080, name: 'http', protocol: Protocol.HTTP }, hosts: ['api.example.com'] }))
      .toThrow(/servers\[1\]\.port\.name: is already used by servers\[0\] \(got "http"\)\. Fix: give every server port a unique name/);
  });

  test('the protocol must be one a Gateway supports', () => {
    expect(serverError({ ...HTTP_80, port: { number: 53, protocol: Protocol.UDP } }))
      .toThrow(/servers\[0\]\.port\.protocol: is not supported on a Gateway server \(got "UDP"\)\. Fix: use one of HTTP, HTTPS, GRPC/);
  });

  test('a server needs at least one host', () => {
    expect(serverError({ ...HTTP_80, hosts: [] }))
      .toThrow(/servers\[0\]\.hosts: must list at least one host \(got \[\]\)\. Fix: list the host names/);
  });

  test('the namespace part of a host must be "*", "." or a namespace', () => {
    expect(serverError({ ...HTTP_80, hosts: ['~/shop.example.com'] }))
      .toThrow(/servers\[0\]\.hosts\[0\]: has an invalid namespace part "~".*Fix: write the host as "namespace\/host", ".\/host"/);
  });

  test('short host names are refused', () => {
    expect(serverError({ ...HTTP_80, hosts: ['prod/reviews'] }))
      .toThrow(/servers\[0\]\.hosts\[0\]: is a short name; Gateway hosts must be fully qualified \(got "prod\/reviews"\)\. Fix: use the full name, e\.g\. "reviews\.example\.com"/);
  });

  test('partial wildcards are refused', () => {
    expect(serverError({ ...HTTP_80, hosts: ['*shop.example.com'] }))
      .toThrow(/servers\[0\]\.hosts\[0\]: uses a partial wildcard.*Fix: use a host name such as "shop\.example\.com" or "\*\.example\.com"/);
  });

  test('"*" on an HTTPS server needs allowAnyHost', () => {
    expect(serverError(https({ mode: GatewayTlsMode.SIMPLE, credentialName: 'cert' }, { hosts: ['*/*'] })))
      .toThrow(/servers\[0\]\.hosts\[0\]: matches every host name on a HTTPS server \(got "\*\/\*"\)\. Fix: list the host names the certificate covers.*or set allowAnyHost: true/);
  });

  test('allowAnyHost only applies to HTTPS and TLS servers', () => {
    expect(serverError({ ...HTTP_80, allowAnyHost: true }))
      .toThrow(/servers\[0\]\.allowAnyHost: only applies to HTTPS and TLS servers; this HTTP server accepts "\*" without opting in \(got true\)\. Fix: remove allowAnyHost/);
  });

  test('the bind must be an IP address or a unix socket', () => {
    expect(serverError({ ...HTTP_80, bind: '10.0.0.0/8' }))
      .toThrow(/servers\[0\]\.bind: must be an IP address \(no CIDR\) or a unix:\/\/ socket \(got "10\.0\.0\.0\/8"\)\. Fix: bind to an IP address/);
  });

  test('a unix socket bind needs port number 0', () => {
    expect(serverError({ ...HTTP_80, bind: 'unix:///var/run/gw.sock' }))
      .toThrow(/servers\[0\]\.port\.number: must be 0 when the server binds to a unix:\/\/ socket \(got 80\)\. Fix: set port number 0/);
  });

  test('HTTPS without tls is refused', () => {
    expect(serverError(https(undefined)))
      .toThrow(/servers\[0\]\.tls: is required on a HTTPS server\. Fix: set tls, e\.g\. \{ mode: GatewayTlsMode\.SIMPLE/);
  });

  test('TCP with tls is refused', () => {
    expect(serverError({ port: { number: 31400, protocol: Protocol.TCP }, hosts: ['*'], tls: { mode: GatewayTlsMode.SIMPLE, credentialName: 'c' } }))
      .toThrow(/servers\[0\]\.tls: cannot be set on a TCP server.*Fix: use protocol TLS to terminate or pass through TLS, or remove tls/);
  });

  test('an HTTP server may only carry httpsRedirect', () => {
    expect(serverError({ ...HTTP_80, tls: { httpsRedirect: true, mode: GatewayTlsMode.SIMPLE, credentialName: 'cert' } }))
      .toThrow(/servers\[0\]\.tls\.mode: cannot be set on a plain-text HTTP server \(only httpsRedirect can\).*Fix: use protocol HTTPS for a TLS-terminating server/);
    // the value after "got" is the field's value
    expect(serverError({ ...HTTP_80, tls: { mode: GatewayTlsMode.MUTUAL } }))
      .toThrow(/servers\[0\]\.tls\.mode: cannot be set on a plain-text HTTP server \(only httpsRedirect can\) \(got "MUTUAL"\)\. Fix: use protocol HTTPS/);
  });

  test('httpsRedirect on an HTTPS server is refused', () => {
    expect(serverError(https({ mode: GatewayTlsMode.SIMPLE, credentialName: 'cert', httpsRedirect: true })))
      .toThrow(/servers\[0\]\.tls\.httpsRedirect: only applies to HTTP servers, not to this HTTPS server \(got true\)\. Fix: set httpsRedirect on the HTTP server/);
  });

  test('HTTPS tls needs an explicit mode', () => {
    expect(serverError(https({ credentialName: 'cert' })))
      .toThrow(/servers\[0\]\.tls\.mode: is required on a HTTPS server\. Fix: set mode: SIMPLE.*In the cluster: Istio defaults to PASSTHROUGH and silently ignores the certificates/);
  });

  test('SIMPLE needs a credential', () => {
    expect(serverError(https({ mode: GatewayTlsMode.SIMPLE, serverCertificate: '/etc/certs/tls.crt' })))
      .toThrow(/servers\[0\]\.tls\.credentialName: is required for mode SIMPLE \(or both serverCertificate and privateKey; missing privateKey\)\. Fix: set credentialName/);
  });

  test('MUTUAL with certificate files needs caCertificates', () => {
    expect(serverError(https({ mode: GatewayTlsMode.MUTUAL, serverCertificate: '/c/tls.crt', privateKey: '/c/tls.key' })))
      .toThrow(/servers\[0\]\.tls\.caCertificates: is required for mode MUTUAL with certificate files.*Fix: set caCertificates to the client CA bundle/);
  });

  test('ISTIO_MUTUAL with a credential is refused', () => {
    expect(serverError({ port: { number: 15443, protocol: Protocol.TLS }, hosts: ['*.local'], tls: { mode: GatewayTlsMode.ISTIO_MUTUAL, credentialName: 'cert' } }))
      .toThrow(/servers\[0\]\.tls\.credentialName: cannot be set in mode ISTIO_MUTUAL.*Fix: remove credentialName, or use mode MUTUAL/);
  });

  test('AUTO_PASSTHROUGH only on TLS servers', () => {
    expect(serverError(https({ mode: GatewayTlsMode.AUTO_PASSTHROUGH })))
      .toThrow(/servers\[0\]\.tls\.mode: only works on TLS servers, not on this HTTPS server \(got "AUTO_PASSTHROUGH"\)\. Fix: use protocol TLS for AUTO_PASSTHROUGH/);
  });

  test('PASSTHROUGH with credentials is refused (Istio only warns)', () => {
    expect(serverError(https({ mode: GatewayTlsMode.PASSTHROUGH, credentialName: 'cert' })))
      .toThrow(/servers\[0\]\.tls\.credentialName: is ignored in mode PASSTHROUGH: the gateway does not terminate TLS.*Fix: use mode SIMPLE or MUTUAL/);
  });

  test('credentialName and certificate files together are refused', () => {
    expect(serverError(https({ mode: GatewayTlsMode.SIMPLE, credentialName: 'cert', serverCertificate: '/c/tls.crt', privateKey: '/c/tls.key' })))
      .toThrow(/servers\[0\]\.tls\.credentialName: cannot be combined with serverCertificate, privateKey \(got "cert"\)\. Fix: take the certificates either from the Secret/);
  });

  test('credentialName must be a Secret name', () => {
    expect(serverError(https({ mode: GatewayTlsMode.SIMPLE, credentialName: '' })))
      .toThrow(/servers\[0\]\.tls\.credentialName: must be a Secret name: must be a lower-case DNS-1123 subdomain.*Fix: name the TLS Secret/);
  });

  test('TLS 1.0 without cipher suites is refused', () => {
    expect(serverError(https({ mode: GatewayTlsMode.SIMPLE, credentialName: 'cert', minProtocolVersion: TlsProtocolVersion.TLSV1_0 })))
      .toThrow(/servers\[0\]\.tls\.minProtocolVersion: allows TLS 1\.0\/1\.1 but no cipherSuites are listed.*Fix: list cipherSuites.*or raise minProtocolVersion to TLSV1_2/);
  });

  test('unknown cipher suites are refused', () => {
    expect(serverError(https({ mode: GatewayTlsMode.SIMPLE, credentialName: 'cert', cipherSuites: ['TLS_AES_128_GCM_SHA256'] })))
      .toThrow(/servers\[0\]\.tls\.cipherSuites: is not a cipher suite Envoy supports \(got "TLS_AES_128_GCM_SHA256"\)\. Fix: use BoringSSL names/);
  });

  test('duplicate cipher suites are refused', () => {
    expect(serverError(https({ mode: GatewayTlsMode.SIMPLE, credentialName: 'cert', cipherSuites: ['AES128-SHA', 'AES128-SHA'] })))
      .toThrow(/servers\[0\]\.tls\.cipherSuites: is listed twice \(got "AES128-SHA"\)\. Fix: list every cipher suite once/);
  });

  test('minProtocolVersion above maxProtocolVersion is refused', () => {
    expect(serverError(https({
      mode: GatewayTlsMode.SIMPLE,
      credentialName: 'cert',
      minProtocolVersion: TlsProtocolVersion.TLSV1_3,
      maxProtocolVersion: TlsProtocolVersion.TLSV1_2,
    }))).toThrow(/servers\[0\]\.tls\.minProtocolVersion: is above maxProtocolVersion \(got "TLSV1_3 > TLSV1_2"\)\. Fix: make minProtocolVersion lower/);
  });
});

describe('synth-time errors', () => {
  test('a Gateway needs at least one server', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new Gateway(chart, 'Empty');
    // THEN
    expect(() => synth(chart)).toThrow(/\[test\/Empty\] servers: must have at least one server\. Fix: call addServer\(\) or pass servers/);
  });

  test('IST0145: two Gateways with the same selector, port and host', () => {
    // GIVEN
    const app = Testing.app();
    const a = new Chart(app, 'a', { namespace: 'team-a' });
    const b = new Chart(app, 'b', { namespace: 'team-b' });
    new Gateway(a, 'ShopA', { servers: [HTTP_80] });
    // WHEN
    new Gateway(b, 'ShopB', { servers: [{ ...HTTP_80, hosts: ['team-b/shop.example.com', 'other.example.com'] }] });
    // THEN
    let message = '';
    try {
      Testing.synth(b);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/\[b\/ShopB\] servers\[0\]\.hosts: conflicts with Gateway team-a\/shop-a \(a\/ShopA\): both select \{"istio":"ingressgateway"\} and serve port 80 for the same host \(IST0145\) \(got \["shop\.example\.com"\]\)\. Fix: serve each host on a port from one Gateway only/);
    // reported once, on the later Gateway
    expect(message).not.toMatch(/\[a\/ShopA\]/);
  });

  test('IST0145 is not reported for a different bind, port or selector', () => {
    // GIVEN
    const chart = Testing.chart();
    new Gateway(chart, 'A', { servers: [HTTP_80] });
    // WHEN
    new Gateway(chart, 'B', { servers: [{ ...HTTP_80, bind: '10.0.0.1' }] });
    new Gateway(chart, 'C', { servers: [{ ...HTTP_80, port: { number: 8080, protocol: Protocol.HTTP } }] });
    new Gateway(chart, 'D', { servers: [HTTP_80], selector: { istio: 'egressgateway' } });
    new Gateway(chart, 'E', { servers: [{ ...HTTP_80, hosts: ['*.example.com'] }] });
    // THEN
    expect(() => synth(chart)).not.toThrow();
  });

  test('IST0145 among many Gateways on one port: only the two that share a host name are compared and reported', () => {
    // GIVEN: one Gateway per host on port 80 (as one egress Gateway per external host), the last repeating one host
    const chart = Testing.chart();
    for (let i = 0; i < 40; i++) new Gateway(chart, `Host${i}`, { servers: [{ ...HTTP_80, hosts: [`h${i}.example.com`] }] });
    // WHEN
    new Gateway(chart, 'Again', { servers: [{ ...HTTP_80, hosts: ['ns-x/h7.example.com'] }] });
    // THEN
    let message = '';
    try {
      synth(chart);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.match(/IST0145/g)).toHaveLength(1);
    expect(message).toMatch(/\[test\/Again\] servers\[0\]\.hosts: conflicts with Gateway default\/host7 \(test\/Host7\)/);
  });

  test('IST0145 is also found against an imported Gateway object', () => {
    // GIVEN
    const chart = Testing.chart();
    new Gateway(chart, 'Ours', { servers: [HTTP_80] });
    // WHEN
    new ApiObject(chart, 'Imported', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'legacy' },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*/shop.example.com'] }] },
    });
    // THEN
    expect(() => synth(chart)).toThrow(/\[test\/Ours\] servers\[0\]\.hosts: conflicts with Gateway default\/legacy \(test\/Imported\).*\(IST0145\)/);
  });

  test('IST0138: two Gateways on overlapping workloads with the same certificate', () => {
    // GIVEN
    const chart = Testing.chart();
    new Gateway(chart, 'Shop', { servers: [https({ mode: GatewayTlsMode.SIMPLE, credentialName: 'wildcard-example-com' })] });
    // WHEN
    new Gateway(chart, 'Api', {
      selector: { istio: 'ingressgateway', zone: 'eu' },
      servers: [https({ mode: GatewayTlsMode.SIMPLE, credentialName: 'wildcard-example-com' }, { hosts: ['api.example.com'] })],
    });
    // THEN
    expect(() => synth(chart)).toThrow(/\[test\/Api\] servers\[0\]\.tls: uses the same certificate as a server of Gateway default\/shop \(test\/Shop\) on port 443, and their selectors overlap \(IST0138\) \(got "wildcard-example-com"\)\. Fix: put the hosts that share a certificate into one Gateway server/);
  });
});
