import { App, Chart, Testing } from 'cdk8s';
import { allOf, oneOf, synth } from './util';
import { CertificateIssuer } from '../src/certificate';
import { EgressThroughGateway } from '../src/egress-through-gateway';
import { IngressRoute } from '../src/ingress-route';
import { TlsCredential } from '../src/ingress-tls';
import { Protocol } from '../src/protocol';

describe('defaults that hold when many teams share a cluster', () => {
  test('two teams\' routes with the same id get their own Certificate and Secret in the shared gateway namespace', () => {
    // GIVEN
    const app = new App();
    for (const team of ['team-a', 'team-b']) {
      const chart = new Chart(app, team, { namespace: team });
      new IngressRoute(chart, 'Shop', {
        hosts: [`${team}.example.com`],
        tls: { credential: TlsCredential.fromCertManager({ issuer: CertificateIssuer.clusterIssuer('letsencrypt') }) },
        httpRoutes: [{ directResponse: { status: 200 } }],
      });
    }

    // THEN: no collision, and hash-free names that say whose they are
    const manifests = app.charts.flatMap(c => Testing.synth(c));
    expect(allOf(manifests, 'Certificate').map(c => [c.metadata.namespace, c.metadata.name, c.spec.secretName])).toEqual([
      ['istio-system', 'team-a-shop-tls', 'team-a-shop-tls'],
      ['istio-system', 'team-b-shop-tls', 'team-b-shop-tls'],
    ]);
  });

  test('a route in the gateway\'s own namespace keeps <name>-tls', () => {
    const chart = new Chart(Testing.app(), 'gw', { namespace: 'istio-system' });
    new IngressRoute(chart, 'Shop', {
      hosts: ['shop.example.com'],
      tls: { credential: TlsCredential.fromCertManager({ issuer: CertificateIssuer.clusterIssuer('letsencrypt') }) },
      httpRoutes: [{ directResponse: { status: 200 } }],
    });
    expect(oneOf(synth(chart), 'Certificate').metadata.name).toEqual('shop-tls');
  });
});

describe('EgressThroughGateway', () => {
  const chart = () => new Chart(Testing.app(), 'egress', { namespace: 'shop' });

  test('TCP needs a gatewayPort the egress gateway Service exposes (the stock one has only 80 and 443)', () => {
    expect(() => new EgressThroughGateway(chart(), 'Db', { host: 'db.example.com', protocol: Protocol.TCP, port: 5432 }))
      .toThrow('[egress/Db] gatewayPort: is required for protocol TCP without gatewayMutualTls: a plain TCP server takes its whole port, and '
        + 'Istio\'s default egress gateway Service exposes only 80 and 443, which HTTP and TLS traffic use. Fix: add a port to the egress gateway '
        + 'Service and give it as gatewayPort (e.g. 7777, as in Istio\'s TCP egress task), or set gatewayMutualTls: true');
  });

  test('TCP with gatewayMutualTls uses port 443 of a stock install (the suggested fix is accepted)', () => {
    const c = chart();
    new EgressThroughGateway(c, 'Db', { host: 'db.example.com', protocol: Protocol.TCP, port: 5432, gatewayMutualTls: true });
    expect(oneOf(synth(c), 'Gateway').spec.servers[0].port.number).toEqual(443);
  });

  test('exportTo limits the objects to the given namespaces, and adds the egress gateway\'s where it routes the second hop', () => {
    const c = chart();
    new EgressThroughGateway(c, 'Cnn', { host: 'edition.cnn.com', exportTo: ['.'] });
    const manifests = synth(c);
    expect(oneOf(manifests, 'ServiceEntry').spec.exportTo).toEqual(['.', 'istio-system']);
    expect(oneOf(manifests, 'VirtualService', 'cnn-through-egress').spec.exportTo).toEqual(['.']);
    expect(oneOf(manifests, 'VirtualService', 'cnn-from-egress').spec.exportTo).toEqual(['istio-system']);
    // The subset's rule sits in istio-system, where "." would mean istio-system: the app's namespace is named.
    expect(oneOf(manifests, 'DestinationRule').spec.exportTo).toEqual(['shop']);
  });

  test('exportTo is checked like a VirtualService\'s', () => {
    expect(() => new EgressThroughGateway(chart(), 'Cnn', { host: 'edition.cnn.com', exportTo: ['~'] }))
      .toThrow('[egress/Cnn] exportTo: "~" (visible to no namespace) is only allowed on ServiceEntry (got ["~"]).');
  });

  test('Istio\'s wildcard egress task: *.wikipedia.org through the egress gateway to www.wikipedia.org', () => {
    // GIVEN
    const c = chart();
    new EgressThroughGateway(c, 'Wikipedia', { host: '*.wikipedia.org', protocol: Protocol.HTTPS, forwardTo: 'www.wikipedia.org' });

    // THEN
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    expect(allOf(manifests, 'ServiceEntry').map(s => [s.metadata.name, s.spec.hosts, s.spec.resolution])).toEqual([
      ['wikipedia', ['*.wikipedia.org'], 'NONE'],
      ['wikipedia-target', ['www.wikipedia.org'], 'DNS'],
    ]);
    expect(oneOf(manifests, 'Gateway').spec.servers).toEqual([
      { port: { number: 443, name: 'tls-443', protocol: 'TLS' }, hosts: ['*.wikipedia.org'], tls: { mode: 'PASSTHROUGH' } },
    ]);
    expect(allOf(manifests, 'VirtualService').map(vs => [vs.spec.gateways, vs.spec.tls[0].match[0].sniHosts, vs.spec.tls[0].route[0].destination.host])).toEqual([
      [['mesh'], ['*.wikipedia.org'], 'istio-egressgateway.istio-system.svc.cluster.local'],
      [['shop/wikipedia-egress'], ['*.wikipedia.org'], 'www.wikipedia.org'],
    ]);
  });

  test('forwardTo with a concrete host', () => {
    expect(() => new EgressThroughGateway(chart(), 'Cnn', { host: 'edition.cnn.com', forwardTo: 'www.cnn.com' }))
      .toThrow('[egress/Cnn] forwardTo: only applies to a wildcard host, and host "edition.cnn.com" is concrete (got "www.cnn.com"). Fix: remove forwardTo');
  });

  test('a wildcard through the egress gateway over plain HTTP', () => {
    expect(() => new EgressThroughGateway(chart(), 'Wikipedia', { host: '*.wikipedia.org', forwardTo: 'www.wikipedia.org' }))
      .toThrow('[egress/Wikipedia] host: is a wildcard, which the egress gateway routes by SNI only, so the application must speak TLS (protocol is HTTP) (got "*.wikipedia.org").');
  });
});
