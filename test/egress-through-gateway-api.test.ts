/**
 * EgressThroughGateway on the Gateway API: the form of the "Gateway API" tabs of Istio's egress gateway tasks
 * (https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway/ and
 * .../egress-gateway-tls-origination/), compared object by object with the task's YAML (written out below: the task
 * is not among the shared samples), and one test per option that has no Gateway API form there.
 */
import { Chart, Testing } from 'cdk8s';
import { allOf, oneOf, synth } from './util';
import { RoutingApi } from '../src/api-version';
import { EgressThroughGateway, EgressThroughGatewayProps } from '../src/egress-through-gateway';
import { Protocol } from '../src/protocol';
import { ClientTlsMode } from '../src/traffic-policy';

function appChart(): Chart {
  return new Chart(Testing.app(), 'egress', { namespace: 'mynamespace' });
}

function cnn(props: Partial<EgressThroughGatewayProps> = {}, chart: Chart = appChart()): () => EgressThroughGateway {
  return () => new EgressThroughGateway(chart, 'Cnn', { host: 'edition.cnn.com', routingApi: RoutingApi.GATEWAY_API, ...props });
}

/** The task's Gateway, with our name (`<name>-egress`, as on Istio's API) instead of `cnn-egress-gateway`. */
function taskGateway(listener: any): any {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'cnn-egress', namespace: 'mynamespace', annotations: { 'networking.istio.io/service-type': 'ClusterIP' } },
    spec: { gatewayClassName: 'istio', listeners: [{ ...listener, hostname: 'edition.cnn.com', allowedRoutes: { namespaces: { from: 'Same' } } }] },
  };
}

describe('EgressThroughGateway on the Gateway API', () => {
  test('HTTP: the task\'s Gateway, the sidecars\' hop parented to the ServiceEntry, the gateway\'s hop to the host', () => {
    // GIVEN
    const chart = appChart();

    // WHEN
    const egress = cnn({}, chart)();

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Gateway')).toEqual(taskGateway({ name: 'http', port: 80, protocol: 'HTTP' }));
    expect(oneOf(manifests, 'HTTPRoute', 'direct-cnn-to-egress-gateway').spec).toEqual({
      parentRefs: [{ group: 'networking.istio.io', kind: 'ServiceEntry', name: 'cnn' }],
      rules: [{ backendRefs: [{ name: 'cnn-egress-istio', port: 80 }] }],
    });
    expect(oneOf(manifests, 'HTTPRoute', 'forward-cnn-from-egress-gateway').spec).toEqual({
      parentRefs: [{ name: 'cnn-egress' }],
      hostnames: ['edition.cnn.com'],
      rules: [{ backendRefs: [{ group: 'networking.istio.io', kind: 'Hostname', name: 'edition.cnn.com', port: 80 }] }],
    });
    expect(oneOf(manifests, 'ServiceEntry', 'cnn').spec.hosts).toEqual(['edition.cnn.com']);
    expect(allOf(manifests, 'VirtualService')).toEqual([]);
    expect(allOf(manifests, 'DestinationRule')).toEqual([]);
    expect(egress.gatewayServiceHost).toBe('cnn-egress-istio.mynamespace.svc.cluster.local');
    expect(egress.gatewayApiRoutes.map(r => r.kind)).toEqual(['HTTPRoute', 'HTTPRoute']);
  });

  test('HTTPS: a TLS passthrough listener and two TLSRoutes', () => {
    // GIVEN
    const chart = appChart();

    // WHEN
    cnn({ protocol: Protocol.TLS }, chart)();

    // THEN
    const manifests = synth(chart);
    expect(oneOf(manifests, 'Gateway')).toEqual(taskGateway({ name: 'tls', port: 443, protocol: 'TLS', tls: { mode: 'Passthrough' } }));
    expect(oneOf(manifests, 'TLSRoute', 'direct-cnn-to-egress-gateway').spec).toEqual({
      parentRefs: [{ group: 'networking.istio.io', kind: 'ServiceEntry', name: 'cnn' }],
      hostnames: ['edition.cnn.com'],
      rules: [{ backendRefs: [{ name: 'cnn-egress-istio', port: 443 }] }],
    });
    expect(oneOf(manifests, 'TLSRoute', 'forward-cnn-from-egress-gateway').spec).toEqual({
      parentRefs: [{ name: 'cnn-egress' }],
      hostnames: ['edition.cnn.com'],
      rules: [{ backendRefs: [{ group: 'networking.istio.io', kind: 'Hostname', name: 'edition.cnn.com', port: 443 }] }],
    });
  });

  test('TLS origination: the gateway\'s hop goes to port 443, where a DestinationRule originates TLS', () => {
    // GIVEN
    const chart = appChart();

    // WHEN
    cnn({ tlsOrigination: { tls: { mode: ClientTlsMode.SIMPLE, caCertificates: '/etc/ssl/certs/ca-certificates.crt' } } }, chart)();

    // THEN
    const manifests = synth(chart);
    expect(oneOf(manifests, 'HTTPRoute', 'forward-cnn-from-egress-gateway').spec.rules[0].backendRefs)
      .toEqual([{ group: 'networking.istio.io', kind: 'Hostname', name: 'edition.cnn.com', port: 443 }]);
    expect(oneOf(manifests, 'DestinationRule', 'originate-tls-for-cnn').spec).toMatchObject({
      host: 'edition.cnn.com',
      trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'SIMPLE', sni: 'edition.cnn.com' } }] },
    });
  });

  test('direct mode is the same ServiceEntry on both APIs', () => {
    // GIVEN
    const chart = appChart();

    // WHEN
    cnn({ direct: true }, chart)();

    // THEN
    expect(synth(chart).map(m => m.kind)).toEqual(['ServiceEntry']);
  });
});

describe('EgressThroughGateway on the Gateway API: what has no Gateway API form', () => {
  test('TCP', () => {
    expect(cnn({ protocol: Protocol.TCP, port: 5432 }))
      .toThrow(/protocol: is TCP, and Istio's egress gateway task documents its Gateway API form for HTTP and TLS passthrough only.*Fix: use direct: true for TCP, or keep this egress on Istio's API/);
  });

  test('gatewayMutualTls', () => {
    expect(cnn({ gatewayMutualTls: true })).toThrow(/gatewayMutualTls: has no Gateway API form/);
  });

  test('an existing egress gateway deployment', () => {
    expect(cnn({ egressGateway: { namespace: 'istio-egress' } }))
      .toThrow(/egressGateway: describes Istio's egress gateway deployment \(istio-egressgateway\), and on the Gateway API Istio deploys the egress gateway for a Gateway of its own/);
  });

  test('a wildcard forwarded by SNI', () => {
    expect(cnn({ host: '*.wikipedia.org', protocol: Protocol.TLS, forwardTo: 'www.wikipedia.org' }))
      .toThrow(/forwardTo: forwards a wildcard host by SNI, which Istio documents for its own API only/);
  });

  test('TLS origination in direct mode', () => {
    expect(cnn({ direct: true, tlsOrigination: { tls: { mode: ClientTlsMode.SIMPLE, caCertificates: '/etc/ssl/certs/ca-certificates.crt' } } }))
      .toThrow(/tlsOrigination: in direct mode rewrites the port with a VirtualService/);
  });

  test('a name too long for the Service Istio deploys', () => {
    expect(cnn({ name: 'a'.repeat(52) }))
      .toThrow(/name: makes Istio name the gateway's Service "a{52}-egress-istio", longer than the 63 characters of a DNS label/);
  });
});
