import { Testing } from 'cdk8s';
import { oneOf, synth } from './util';
import { Gateway, GatewayTlsMode } from '../src/gateway';
import { Protocol } from '../src/protocol';
import { VirtualService } from '../src/virtual-service';

const HTTP_80 = { number: 80, protocol: Protocol.HTTP, name: 'http' };

describe('a plain-text HTTP server\'s tls, as istiod\'s validateServer reads it', () => {
  // validateServer accepts tls on an HTTP server in mode PASSTHROUGH (the default) or AUTO_PASSTHROUGH without certificate files.
  test.each([
    ['explicit PASSTHROUGH', { mode: GatewayTlsMode.PASSTHROUGH }],
    ['PASSTHROUGH with httpsRedirect', { mode: GatewayTlsMode.PASSTHROUGH, httpsRedirect: true }],
  ])('%s is accepted, as the webhook accepts it', (_, tls) => {
    const chart = Testing.chart();
    new Gateway(chart, 'Gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: HTTP_80, hosts: ['shop.example.com'], tls }] });
    expect(oneOf(synth(chart), 'Gateway').spec.servers[0].tls).toEqual(tls);
  });

  test('settings the webhook accepts but the server ignores are refused, saying so', () => {
    expect(() => new Gateway(Testing.chart(), 'Gw', { servers: [{ port: HTTP_80, hosts: ['shop.example.com'], tls: { mode: GatewayTlsMode.PASSTHROUGH, credentialName: 'shop-cert' } }] }))
      .toThrow('[test/Gw] servers[0].tls.credentialName: has no effect on a plain-text HTTP server (only httpsRedirect has) (got "shop-cert"). '
        + 'Fix: use protocol HTTPS for a TLS-terminating server, or remove credentialName. In the cluster: Istio accepts it and ignores it: the server serves plain text.');
  });

  test('a terminating mode is refused, as the webhook refuses it', () => {
    expect(() => new Gateway(Testing.chart(), 'Gw', { servers: [{ port: HTTP_80, hosts: ['shop.example.com'], tls: { mode: GatewayTlsMode.SIMPLE, credentialName: 'shop-cert' } }] }))
      .toThrow('servers[0].tls.mode: cannot be set on a plain-text HTTP server (only httpsRedirect can) (got "SIMPLE"). Fix: use protocol HTTPS for a TLS-terminating server, and keep only { httpsRedirect: true } on the HTTP one. In the cluster: the webhook rejects the object ("server cannot have TLS settings for plain text HTTP ports").');
  });
});

describe('the legacy gateway reference form, as istiod\'s resolveGatewayName reads it', () => {
  test.each([
    ['name.namespace', 'public-gateway.istio-system'],
  ])('%s: the message says what istiod resolves it to, and the fix is accepted', (_, ref) => {
    const build = (gateway: string) => () => new VirtualService(Testing.chart(), 'Shop', { hosts: ['shop.example.com'], gateways: [gateway], http: [{ route: [{ host: 'shop' }] }] });
    expect(build(ref)).toThrow(`[test/Shop] gateways[0]: uses the legacy "<name>.<namespace>" form, which istiod resolves to "istio-system/public-gateway" for backward compatibility only (got "${ref}"). Fix: write it as "istio-system/public-gateway".`);
    expect(build('istio-system/public-gateway')).not.toThrow();
  });

  test('name.namespace.svc.cluster.local is accepted and rendered as namespace/name (issue 10: istiod reads it so)', () => {
    const vs = new VirtualService(Testing.chart(), 'Shop', {
      hosts: ['shop.example.com'], gateways: ['public-gateway.istio-system.svc.cluster.local'], http: [{ route: [{ host: 'shop' }] }],
    });
    expect(vs.gateways).toEqual(['istio-system/public-gateway']);
  });
});

test('a value, not field names, follows "got", and only once', () => {
  expect(() => new Gateway(Testing.chart(), 'Gw', { servers: [{ port: { number: 443, protocol: Protocol.HTTPS, name: 'https' }, hosts: ['shop.example.com'], tls: { mode: GatewayTlsMode.AUTO_PASSTHROUGH } }] }))
    .toThrow(/servers\[0\]\.tls\.mode: only works on TLS servers, not on this HTTPS server \(got "AUTO_PASSTHROUGH"\)\. Fix: use protocol TLS for AUTO_PASSTHROUGH, or PASSTHROUGH on an HTTPS server\. See GatewayProps\.servers in the API reference\.$/);
});
