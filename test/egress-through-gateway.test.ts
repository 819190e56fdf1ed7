import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { allOf, oneOf, synth } from './util';
import { expectSemanticallyEqual, loadSample, samplesAvailable } from './util/samples';
import { EgressThroughGateway, EgressThroughGatewayProps } from '../src/egress-through-gateway';
import { Gateway } from '../src/gateway';
import { EgressFilter, MeshNamespace } from '../src/mesh-namespace';
import { Protocol } from '../src/protocol';
import { ServiceEntryResolution } from '../src/service-entry';
import { OutboundTrafficPolicyMode, Sidecar } from '../src/sidecar';
import { MeshSimulator, RequestOutcome, RequestSource } from '../src/simulator';
import { ClientTlsMode, LoadBalancerAlgorithm } from '../src/traffic-policy';

const EGRESS_GATEWAY = 'istio-egressgateway.istio-system.svc.cluster.local';
const SYSTEM_CA = '/etc/ssl/certs/ca-certificates.crt';

/** A chart in namespace `mynamespace`, as in the reference scenario. */
function appChart(): Chart {
  return new Chart(Testing.app(), 'egress', { namespace: 'mynamespace' });
}

/** Builds an EgressThroughGateway for edition.cnn.com with extra props; returns the thunk, for error tests. */
function cnn(props: Partial<EgressThroughGatewayProps> = {}): () => EgressThroughGateway {
  return () => new EgressThroughGateway(appChart(), 'Cnn', { host: 'edition.cnn.com', ...props });
}

/** The message of the error `fn` throws. */
function captureError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The specs of the two hops: the first (sidecars to the egress gateway) and the second (egress gateway out). */
function hopsOf(manifests: any[]): any[] {
  const hops = allOf(manifests, 'VirtualService');
  expect(hops.map(vs => vs.metadata.name.replace(/^.*-(through|from)-egress$/, '$1'))).toEqual(['through', 'from']);
  return hops.map(vs => vs.spec);
}

/** The names of the synthesized objects, as `Kind/name`. */
function objectNames(manifests: any[]): string[] {
  return manifests.map(m => `${m.kind}/${m.metadata.name}`);
}

describe('manifests', () => {
  test('HTTP through the egress gateway (Istio\'s egress gateway task for edition.cnn.com)', () => {
    // GIVEN
    const chart = appChart();

    // WHEN
    new EgressThroughGateway(chart, 'Cnn', { host: 'edition.cnn.com' });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(objectNames(manifests)).toEqual([
      'ServiceEntry/cnn', 'Gateway/cnn-egress', 'DestinationRule/egressgateway-for-mynamespace-cnn',
      'VirtualService/cnn-through-egress', 'VirtualService/cnn-from-egress',
    ]);
    expect(oneOf(manifests, 'ServiceEntry').spec).toEqual({
      hosts: ['edition.cnn.com'],
      ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
      resolution: 'DNS',
    });
    expect(oneOf(manifests, 'Gateway').spec).toEqual({
      selector: { istio: 'egressgateway' },
      servers: [{ port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: ['edition.cnn.com'] }],
    });
    // The subset's rule sits in the egress gateway's namespace, where every client namespace's proxy looks it up.
    expect(oneOf(manifests, 'DestinationRule')).toMatchObject({
      metadata: { name: 'egressgateway-for-mynamespace-cnn', namespace: 'istio-system' },
      spec: { host: EGRESS_GATEWAY, subsets: [{ name: 'mynamespace-cnn', labels: { istio: 'egressgateway' } }] },
    });
    expect(oneOf(manifests, 'DestinationRule').spec.exportTo).toBeUndefined();
    expect(oneOf(manifests, 'VirtualService', 'cnn-through-egress').spec).toEqual({
      hosts: ['edition.cnn.com'],
      gateways: ['mesh'],
      http: [{
        match: [{ port: 80 }],
        route: [{ destination: { host: EGRESS_GATEWAY, subset: 'mynamespace-cnn', port: { number: 80 } } }],
      }],
    });
    expect(oneOf(manifests, 'VirtualService', 'cnn-from-egress').spec).toEqual({
      hosts: ['edition.cnn.com'],
      gateways: ['mynamespace/cnn-egress'],
      exportTo: ['istio-system'],
      http: [{
        match: [{ port: 80 }],
        route: [{ destination: { host: 'edition.cnn.com', port: { number: 80 } } }],
      }],
    });
  });

  test('HTTPS passed through: a TLS PASSTHROUGH server on 443 and TLS routes by SNI', () => {
    // GIVEN
    const chart = appChart();

    // WHEN
    new EgressThroughGateway(chart, 'Cnn', { host: 'edition.cnn.com', protocol: Protocol.TLS });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'ServiceEntry').spec.ports).toEqual([{ number: 443, name: 'tls', protocol: 'TLS' }]);
    expect(oneOf(manifests, 'Gateway').spec.servers).toEqual([{
      port: { number: 443, name: 'tls-443', protocol: 'TLS' },
      hosts: ['edition.cnn.com'],
      tls: { mode: 'PASSTHROUGH' },
    }]);
    const [mesh, gateway] = hopsOf(manifests);
    expect(mesh.http).toBeUndefined();
    expect(mesh.tls).toEqual([{
      match: [{ port: 443, sniHosts: ['edition.cnn.com'] }],
      route: [{ destination: { host: EGRESS_GATEWAY, subset: 'mynamespace-cnn', port: { number: 443 } } }],
    }]);
    expect(gateway.tls).toEqual([{
      match: [{ port: 443, sniHosts: ['edition.cnn.com'] }],
      route: [{ destination: { host: 'edition.cnn.com', port: { number: 443 } } }],
    }]);
  });

  test('TCP (a MongoDB host) on egress gateway port 7777', () => {
    // GIVEN
    const chart = appChart();

    // WHEN
    new EgressThroughGateway(chart, 'Mongo', { host: 'my-mongo.example.com', protocol: Protocol.TCP, port: 27017, gatewayPort: 7777 });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'ServiceEntry').spec.ports).toEqual([{ number: 27017, name: 'tcp', protocol: 'TCP' }]);
    expect(oneOf(manifests, 'Gateway').spec.servers).toEqual([
      { port: { number: 7777, name: 'tcp-7777', protocol: 'TCP' }, hosts: ['my-mongo.example.com'] },
    ]);
    const [mesh, gateway] = hopsOf(manifests);
    expect(mesh.tcp).toEqual([{
      match: [{ port: 27017 }],
      route: [{ destination: { host: EGRESS_GATEWAY, subset: 'mynamespace-mongo', port: { number: 7777 } } }],
    }]);
    expect(gateway).toMatchObject({ gateways: ['mynamespace/mongo-egress'] });
    expect(gateway.tcp).toEqual([{
      match: [{ port: 7777 }],
      route: [{ destination: { host: 'my-mongo.example.com', port: { number: 27017 } } }],
    }]);
  });

  test('TLS origination SIMPLE at the egress gateway: HTTP on 80 in the mesh, HTTPS on 443 outside', () => {
    // GIVEN
    const chart = appChart();

    // WHEN
    new EgressThroughGateway(chart, 'Cnn', {
      host: 'edition.cnn.com',
      tlsOrigination: { tls: { mode: ClientTlsMode.SIMPLE, caCertificates: SYSTEM_CA }, loadBalancer: { simple: LoadBalancerAlgorithm.ROUND_ROBIN } },
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'ServiceEntry').spec.ports).toEqual([
      { number: 80, name: 'http', protocol: 'HTTP' },
      { number: 443, name: 'https', protocol: 'HTTPS' },
    ]);
    // Only the egress gateway's proxies originate the TLS: the rule sits in their namespace, not exported.
    expect(oneOf(manifests, 'DestinationRule', 'originate-tls-for-mynamespace-cnn').metadata.namespace).toEqual('istio-system');
    expect(oneOf(manifests, 'DestinationRule', 'originate-tls-for-mynamespace-cnn').spec).toEqual({
      host: 'edition.cnn.com',
      exportTo: ['.'],
      trafficPolicy: {
        loadBalancer: { simple: 'ROUND_ROBIN' },
        portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'SIMPLE', caCertificates: SYSTEM_CA, sni: 'edition.cnn.com' } }],
      },
    });
    const [mesh, gateway] = hopsOf(manifests);
    expect(mesh.http[0].route[0].destination).toEqual({ host: EGRESS_GATEWAY, subset: 'mynamespace-cnn', port: { number: 80 } });
    expect(gateway.http).toEqual([{
      match: [{ port: 80 }],
      route: [{ destination: { host: 'edition.cnn.com', port: { number: 443 } } }],
    }]);
  });

  test('TLS origination MUTUAL: the client credential Secret defined in the egress gateway\'s namespace is accepted', () => {
    // GIVEN
    const chart = appChart();
    const system = new Chart(chart.node.scope as any, 'system', { namespace: 'egress' });
    new kplus.Secret(system, 'ClientCredential', { metadata: { name: 'client-credential' }, stringData: { 'tls.crt': 'c', 'tls.key': 'k', 'ca.crt': 'a' } });

    // WHEN
    new EgressThroughGateway(chart, 'Nginx', {
      host: 'my-nginx.example.com',
      egressGateway: { namespace: 'egress' },
      tlsOrigination: { tls: { mode: ClientTlsMode.MUTUAL, credentialName: 'client-credential' } },
    });

    // THEN
    const manifests = synth(chart);
    const origination = oneOf(manifests, 'DestinationRule', 'originate-tls-for-mynamespace-nginx');
    expect(origination.metadata.namespace).toEqual('egress');
    expect(origination.spec.trafficPolicy.portLevelSettings[0].tls.credentialName).toEqual('client-credential');
    expect(oneOf(manifests, 'DestinationRule', 'egressgateway-for-mynamespace-nginx')).toMatchObject({
      metadata: { namespace: 'egress' },
      spec: { host: 'istio-egressgateway.egress.svc.cluster.local' },
    });
    expect(oneOf(manifests, 'VirtualService', 'nginx-from-egress').spec.exportTo).toEqual(['egress']);
  });

  test('TLS origination MUTUAL with a client credential, and ISTIO_MUTUAL between sidecars and the egress gateway', () => {
    // GIVEN
    const chart = appChart();

    // WHEN
    new EgressThroughGateway(chart, 'Nginx', {
      host: 'my-nginx.example.com',
      gatewayMutualTls: true,
      tlsOrigination: { tls: { mode: ClientTlsMode.MUTUAL, credentialName: 'client-credential' } },
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Gateway').spec.servers).toEqual([{
      port: { number: 443, name: 'https-443', protocol: 'HTTPS' },
      hosts: ['my-nginx.example.com'],
      tls: { mode: 'ISTIO_MUTUAL' },
    }]);
    expect(oneOf(manifests, 'DestinationRule', 'egressgateway-for-mynamespace-nginx').spec.subsets).toEqual([{
      name: 'mynamespace-nginx',
      labels: { istio: 'egressgateway' },
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL', sni: 'my-nginx.example.com' } },
    }]);
    expect(oneOf(manifests, 'DestinationRule', 'originate-tls-for-mynamespace-nginx').spec.trafficPolicy.portLevelSettings).toEqual([{
      port: { number: 443 },
      tls: { mode: 'MUTUAL', credentialName: 'client-credential', sni: 'my-nginx.example.com' },
    }]);
    const [mesh, gateway] = hopsOf(manifests);
    expect(mesh.http).toEqual([{
      match: [{ port: 80 }],
      route: [{ destination: { host: EGRESS_GATEWAY, subset: 'mynamespace-nginx', port: { number: 443 } } }],
    }]);
    expect(gateway.http).toEqual([{
      match: [{ port: 443 }],
      route: [{ destination: { host: 'my-nginx.example.com', port: { number: 443 } } }],
    }]);
  });

  test('ISTIO_MUTUAL to the egress gateway for TLS and TCP: a TLS server terminates the mTLS, TCP routes go on', () => {
    // GIVEN
    const chart = appChart();

    // WHEN
    new EgressThroughGateway(chart, 'Cnn', { host: 'edition.cnn.com', protocol: Protocol.TLS, gatewayMutualTls: true });
    new EgressThroughGateway(chart, 'Db', { host: 'db.example.com', protocol: Protocol.TCP, port: 5432, gatewayMutualTls: true });

    // THEN
    const manifests = synth(chart);
    for (const [name, host] of [['cnn', 'edition.cnn.com'], ['db', 'db.example.com']]) {
      expect(oneOf(manifests, 'Gateway', `${name}-egress`).spec.servers).toEqual([
        { port: { number: 443, name: 'tls-443', protocol: 'TLS' }, hosts: [host], tls: { mode: 'ISTIO_MUTUAL' } },
      ]);
      expect(oneOf(manifests, 'DestinationRule', `egressgateway-for-mynamespace-${name}`).spec.subsets[0].trafficPolicy)
        .toEqual({ tls: { mode: 'ISTIO_MUTUAL', sni: host } });
    }
    expect(oneOf(manifests, 'VirtualService', 'cnn-through-egress').spec.tls).toEqual([{
      match: [{ port: 443, sniHosts: ['edition.cnn.com'] }],
      route: [{ destination: { host: EGRESS_GATEWAY, subset: 'mynamespace-cnn', port: { number: 443 } } }],
    }]);
    expect(oneOf(manifests, 'VirtualService', 'cnn-from-egress').spec.tcp).toEqual([{
      match: [{ port: 443 }],
      route: [{ destination: { host: 'edition.cnn.com', port: { number: 443 } } }],
    }]);
    expect(oneOf(manifests, 'VirtualService', 'db-through-egress').spec.tcp).toEqual([
      { match: [{ port: 5432 }], route: [{ destination: { host: EGRESS_GATEWAY, subset: 'mynamespace-db', port: { number: 443 } } }] },
    ]);
    expect(oneOf(manifests, 'VirtualService', 'db-from-egress').spec.tcp).toEqual([
      { match: [{ port: 443 }], route: [{ destination: { host: 'db.example.com', port: { number: 5432 } } }] },
    ]);
  });

  test.each([Protocol.HTTP2, Protocol.GRPC])('%s is routed like HTTP, on an egress gateway server of the same protocol', (protocol) => {
    // GIVEN
    const chart = appChart();

    // WHEN
    new EgressThroughGateway(chart, 'Api', { host: 'api.example.com', protocol });

    // THEN
    const manifests = synth(chart);
    const name = protocol.toLowerCase();
    expect(oneOf(manifests, 'ServiceEntry').spec.ports).toEqual([{ number: 80, name, protocol }]);
    expect(oneOf(manifests, 'Gateway').spec.servers[0].port).toEqual({ number: 80, name: `${name}-80`, protocol });
    expect(hopsOf(manifests).map(hop => [hop.gateways, hop.http[0].match[0]])).toEqual([
      [['mesh'], { port: 80 }],
      [['mynamespace/api-egress'], { port: 80 }],
    ]);
  });

  test('reference scenario: myapp.local:80 resolved to the external IP 192.168.0.163, endpoint port 4154, from mynamespace', () => {
    // GIVEN
    const chart = appChart();

    // WHEN
    new EgressThroughGateway(chart, 'Myapp', {
      host: 'myapp.local',
      port: 80,
      resolution: ServiceEntryResolution.DNS,
      endpoints: [{ address: '192.168.0.163', port: 4154 }],
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    // Everything but the egress gateway subset's rule, which sits in the egress gateway's namespace.
    expect(manifests.map(m => m.metadata.namespace)).toEqual(['mynamespace', 'mynamespace', 'istio-system', 'mynamespace', 'mynamespace']);
    expect(oneOf(manifests, 'ServiceEntry', 'myapp').spec).toEqual({
      hosts: ['myapp.local'],
      ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
      resolution: 'DNS',
      endpoints: [{ address: '192.168.0.163', ports: { http: 4154 } }],
    });
    expect(oneOf(manifests, 'Gateway', 'myapp-egress').spec.servers[0].hosts).toEqual(['myapp.local']);
    expect(oneOf(manifests, 'DestinationRule', 'egressgateway-for-mynamespace-myapp').spec.host).toEqual(EGRESS_GATEWAY);
    expect(oneOf(manifests, 'VirtualService', 'myapp-through-egress').spec).toEqual({
      hosts: ['myapp.local'],
      gateways: ['mesh'],
      http: [{ match: [{ port: 80 }], route: [{ destination: { host: EGRESS_GATEWAY, subset: 'mynamespace-myapp', port: { number: 80 } } }] }],
    });
    expect(oneOf(manifests, 'VirtualService', 'myapp-from-egress').spec).toEqual({
      hosts: ['myapp.local'],
      gateways: ['mynamespace/myapp-egress'],
      exportTo: ['istio-system'],
      http: [{ match: [{ port: 80 }], route: [{ destination: { host: 'myapp.local', port: { number: 80 } } }] }],
    });
  });

  test('STATIC resolution: virtual address and IP endpoints', () => {
    // GIVEN
    const chart = appChart();

    // WHEN
    new EgressThroughGateway(chart, 'Ledger', {
      host: 'ledger.partner.example',
      protocol: Protocol.TLS,
      resolution: ServiceEntryResolution.STATIC,
      addresses: ['240.240.0.10'],
      endpoints: [{ address: '203.0.113.10' }, { address: '203.0.113.11', port: 8443 }],
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'ServiceEntry').spec).toEqual({
      hosts: ['ledger.partner.example'],
      addresses: ['240.240.0.10'],
      ports: [{ number: 443, name: 'tls', protocol: 'TLS' }],
      resolution: 'STATIC',
      endpoints: [{ address: '203.0.113.10' }, { address: '203.0.113.11', ports: { tls: 8443 } }],
    });
  });

  test('direct mode: only the ServiceEntry, here for a wildcard with resolution NONE', () => {
    // GIVEN
    const chart = appChart();

    // WHEN
    const egress = new EgressThroughGateway(chart, 'Wikipedia', {
      host: '*.wikipedia.org',
      protocol: Protocol.TLS,
      resolution: ServiceEntryResolution.NONE,
      direct: true,
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(manifests).toEqual([{
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'wikipedia', namespace: 'mynamespace' },
      spec: { hosts: ['*.wikipedia.org'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'NONE' },
    }]);
    expect(egress.gateway).toBeUndefined();
    expect(egress.gatewayDestinationRule).toBeUndefined();
    expect(egress.virtualService).toBeUndefined();
    expect(egress.gatewayVirtualService).toBeUndefined();
    expect(egress.gatewayServiceHost).toBeUndefined();
  });
});

/** Istio's default egress gateway as the cluster runs it: its Service and pods in istio-system. */
const EGRESS_GATEWAY_WORKLOAD = [
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'istio-egressgateway', namespace: 'istio-system' },
    spec: { selector: { istio: 'egressgateway' }, ports: [{ name: 'http2', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }] },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'istio-egressgateway', namespace: 'istio-system' },
    spec: {
      selector: { matchLabels: { istio: 'egressgateway' } },
      template: { metadata: { labels: { istio: 'egressgateway' } }, spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] } },
    },
  },
];

describe('clients in every namespace the first hop is exported to (the simulator follows istiod\'s lookups)', () => {
  /** The manifests of an EgressThroughGateway in mynamespace, with the cluster's egress gateway. */
  function egressApp(props: Partial<EgressThroughGatewayProps> = {}): any[] {
    const chart = appChart();
    new EgressThroughGateway(chart, 'Cnn', { host: 'edition.cnn.com', ...props });
    return [...synth(chart), ...EGRESS_GATEWAY_WORKLOAD];
  }
  const other = RequestSource.fromWorkload({ namespace: 'other' });

  test('a client in another namespace reaches the external host through the egress gateway', () => {
    // GIVEN
    const sim = MeshSimulator.fromManifests(egressApp());

    // WHEN: a pod of namespace "other" calls the host; then the egress gateway's proxy routes it on
    const firstHop = sim.request({ source: other, host: 'edition.cnn.com' });
    const secondHop = sim.request({ source: RequestSource.fromGateway('mynamespace/cnn-egress'), host: 'edition.cnn.com' });

    // THEN: its proxy finds the subset in the egress gateway's namespace (the Service's), which exports it to "other"
    firstHop.expectReaches(EGRESS_GATEWAY, { subset: 'mynamespace-cnn', share: 100 });
    expect(firstHop.destinations[0]).toMatchObject({
      destinationRule: 'istio-system/egressgateway-for-mynamespace-cnn',
      workloads: ['istio-system/istio-egressgateway'],
    });
    secondHop.expectReaches('edition.cnn.com', { share: 100 });
  });

  test('before: with the subset\'s DestinationRule in the app\'s namespace, that client\'s proxy never found the subset', () => {
    // GIVEN: the layout this construct rendered before (the rule next to the VirtualService, exported everywhere)
    const manifests = egressApp();
    oneOf(manifests, 'DestinationRule').metadata.namespace = 'mynamespace';
    const sim = MeshSimulator.fromManifests(manifests);

    // WHEN
    const fromOther = sim.request({ source: other, host: 'edition.cnn.com' });

    // THEN: no DestinationRule applies for that client, so its subset does not exist (503 NC)
    expect(fromOther.destinations[0].destinationRule).toBeUndefined();
    fromOther.expectOutcome(RequestOutcome.NO_CLUSTER);
    sim.request({ source: RequestSource.fromWorkload({ namespace: 'mynamespace' }), host: 'edition.cnn.com' })
      .expectReaches(EGRESS_GATEWAY, { subset: 'mynamespace-cnn', share: 100 });
  });

  test('exportTo limits the first hop and the subset to the namespaces named; the egress gateway still routes the second hop', () => {
    // GIVEN
    const sim = MeshSimulator.fromManifests(egressApp({ exportTo: ['.', 'shop'] }));

    // WHEN / THEN: in the egress gateway's namespace "." is written as the app's namespace
    expect(oneOf(egressApp({ exportTo: ['.', 'shop'] }), 'DestinationRule').spec.exportTo).toEqual(['mynamespace', 'shop']);
    for (const namespace of ['mynamespace', 'shop']) {
      sim.request({ source: RequestSource.fromWorkload({ namespace }), host: 'edition.cnn.com' }).expectReaches(EGRESS_GATEWAY, { share: 100 });
    }
    expect(sim.request({ source: other, host: 'edition.cnn.com' }).destinations.map(d => d.host)).not.toContain(EGRESS_GATEWAY);
    sim.request({ source: RequestSource.fromGateway('mynamespace/cnn-egress'), host: 'edition.cnn.com' }).expectReaches('edition.cnn.com', { share: 100 });
  });

  test('two teams\' egress subsets merge in the egress gateway\'s namespace: distinct by default, a shared subsetName is reported', () => {
    // GIVEN: two namespaces, each with its own external host, under one construct id
    const teams = (subsetName?: string) => {
      const app = Testing.app();
      return [['team-a', 'edition.cnn.com'], ['team-b', 'www.bbc.co.uk']].map(([namespace, host]) => {
        const chart = new Chart(app, namespace, { namespace });
        return { chart, egress: new EgressThroughGateway(chart, 'News', { host, subsetName }) };
      });
    };

    // WHEN / THEN: by default the subsets carry the namespace
    const [a, b] = teams();
    expect([a, b].map(t => t.egress.gatewayDestinationRule!.subsetNames)).toEqual([['team-a-news'], ['team-b-news']]);
    expect(() => synth(b.chart)).not.toThrow();

    // WHEN / THEN: one subset name for both, and one rule's definition would be dropped
    const [, clash] = teams('news');
    expect(() => synth(clash.chart))
      .toThrow(/\[team-b\/News\/GatewayDestinationRule\] subsets\[0\]\.name: is also a subset of DestinationRule istio-system\/egressgateway-for-team-a-news/);
  });

  test('with TLS origination the egress gateway\'s proxy originates TLS from the rule in its own namespace', () => {
    // GIVEN
    const sim = MeshSimulator.fromManifests(egressApp({ tlsOrigination: { tls: { mode: ClientTlsMode.SIMPLE, caCertificates: SYSTEM_CA } } }));

    // WHEN
    const secondHop = sim.request({ source: RequestSource.fromGateway('mynamespace/cnn-egress'), host: 'edition.cnn.com' });

    // THEN
    secondHop.expectReaches('edition.cnn.com', { share: 100 });
    expect(secondHop.destinations[0]).toMatchObject({ port: 443, tlsMode: 'SIMPLE', destinationRule: 'istio-system/originate-tls-for-mynamespace-cnn' });
  });
});

describe('Istio samples', () => {
  const available = samplesAvailable('EgressThroughGateway sample comparison');
  const withSamples = available ? test : test.skip;

  withSamples('bookinfo/egress-rule-google-apis.yaml is direct mode with TLS origination at the sidecars', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    new EgressThroughGateway(chart, 'Googleapis', {
      host: 'www.googleapis.com',
      direct: true,
      tlsOrigination: {
        // The sample relies on the proxy's system CA bundle without saying so (IST0128); here it is said.
        tls: { mode: ClientTlsMode.SIMPLE, trustSystemCaBundle: true },
        loadBalancer: { simple: LoadBalancerAlgorithm.ROUND_ROBIN },
      },
    });

    // THEN
    expectSemanticallyEqual(synth(chart), loadSample('bookinfo/egress-rule-google-apis.yaml'));
  });
});

describe('behaviour', () => {
  test('exposes the objects it made and the derived names', () => {
    // GIVEN
    const chart = appChart();

    // WHEN
    const egress = new EgressThroughGateway(chart, 'Cnn', { host: 'edition.cnn.com' });

    // THEN
    expect(egress.host).toEqual('edition.cnn.com');
    expect(egress.serviceEntry.name).toEqual('cnn');
    expect(egress.gateway?.name).toEqual('cnn-egress');
    expect(egress.gatewayDestinationRule?.name).toEqual('egressgateway-for-mynamespace-cnn');
    expect(egress.gatewayDestinationRule?.namespace).toEqual('istio-system');
    expect(egress.gatewayDestinationRule?.subsetNames).toEqual(['mynamespace-cnn']);
    expect(egress.virtualService?.name).toEqual('cnn-through-egress');
    expect(egress.gatewayVirtualService?.name).toEqual('cnn-from-egress');
    expect(egress.tlsOriginationRule).toBeUndefined();
    expect(egress.gatewayServiceHost).toEqual(EGRESS_GATEWAY);
  });

  test('name, subsetName and the egress gateway workload are configurable', () => {
    // GIVEN
    const chart = appChart();

    // WHEN
    new EgressThroughGateway(chart, 'Cnn', {
      host: 'edition.cnn.com',
      name: 'news',
      subsetName: 'news-v1',
      egressGateway: { selector: { app: 'egress-gw' }, serviceName: 'egress-gw', namespace: 'egress' },
    });

    // THEN
    const manifests = synth(chart);
    expect(objectNames(manifests)).toEqual([
      'ServiceEntry/news', 'Gateway/news-egress', 'DestinationRule/egressgateway-for-mynamespace-news',
      'VirtualService/news-through-egress', 'VirtualService/news-from-egress',
    ]);
    expect(oneOf(manifests, 'Gateway').spec.selector).toEqual({ app: 'egress-gw' });
    expect(oneOf(manifests, 'DestinationRule').metadata.namespace).toEqual('egress');
    expect(oneOf(manifests, 'DestinationRule').spec).toEqual({
      host: 'egress-gw.egress.svc.cluster.local',
      subsets: [{ name: 'news-v1', labels: { app: 'egress-gw' } }],
    });
    expect(oneOf(manifests, 'VirtualService', 'news-through-egress').spec.http[0].route[0].destination)
      .toEqual({ host: 'egress-gw.egress.svc.cluster.local', subset: 'news-v1', port: { number: 80 } });
    expect(oneOf(manifests, 'VirtualService', 'news-from-egress').spec.exportTo).toEqual(['egress']);
  });

  test('without a namespace the VirtualService names its Gateway by bare name, which resolves in its own namespace', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    new EgressThroughGateway(chart, 'Cnn', { host: 'edition.cnn.com' });

    // THEN: the names that carry the namespace use "default", where references resolve
    const manifests = synth(chart);
    expect(oneOf(manifests, 'VirtualService', 'cnn-from-egress').spec.gateways).toEqual(['cnn-egress']);
    expect(oneOf(manifests, 'DestinationRule').spec.subsets[0].name).toEqual('default-cnn');
  });

  test('gatewayRef binds the second hop to an existing Gateway instead of creating one', () => {
    // GIVEN
    const chart = appChart();
    const shared = new Gateway(new Chart(chart.node.scope as any, 'system', { namespace: 'istio-system' }), 'SharedEgress', {
      selector: { istio: 'egressgateway' },
      servers: [{ port: { number: 80, protocol: Protocol.HTTP }, hosts: ['edition.cnn.com'] }],
    });

    // WHEN
    const egress = new EgressThroughGateway(chart, 'Cnn', { host: 'edition.cnn.com', gatewayRef: shared.gatewayRef });

    // THEN
    const manifests = synth(chart);
    expect(egress.gateway).toBeUndefined();
    expect(allOf(manifests, 'Gateway')).toEqual([]);
    expect(hopsOf(manifests).map(hop => hop.gateways)).toEqual([['mesh'], ['istio-system/shared-egress']]);
  });

  test('the VirtualService\'s cross-resource check catches a first hop whose subset the DestinationRule lost', () => {
    // GIVEN
    const chart = appChart();
    const egress = new EgressThroughGateway(chart, 'Cnn', { host: 'edition.cnn.com' });

    // WHEN
    egress.gatewayDestinationRule!.addSpecOverride('subsets.0.name', 'renamed');

    // THEN
    expect(() => synth(chart)).toThrow(
      /http\[0\]\.route\[0\]\.destination\.subset: is not among the subsets \["renamed"\].*Fix: add subset "mynamespace-cnn" to that DestinationRule.*IST0101/);
  });

  test('works with a REGISTRY_ONLY namespace: the ServiceEntry registers the host, the Sidecar lets both hops through', () => {
    // GIVEN
    const chart = appChart();
    new Sidecar(chart, 'Default', {
      metadata: { name: 'default' },
      outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
      egress: [{ hosts: ['./*', 'istio-system/*'] }],
    });

    // WHEN
    new EgressThroughGateway(chart, 'Cnn', { host: 'edition.cnn.com' });

    // THEN
    const manifests = synth(chart);
    expect(objectNames(manifests)).toContain('ServiceEntry/cnn');
    expect(oneOf(manifests, 'ServiceEntry').metadata.namespace).toEqual(oneOf(manifests, 'Sidecar').metadata.namespace);
  });

  test('inside a MeshNamespace with egress lockdown: the objects land in the namespace, whose Sidecar lets both hops through', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'app');
    const ns = new MeshNamespace(chart, 'MyNamespace', { name: 'mynamespace', egressFilter: EgressFilter.registryOnly() });

    // WHEN
    const egress = new EgressThroughGateway(ns, 'Myapp', { host: 'myapp.local', endpoints: [{ address: '192.168.0.163', port: 4154 }] });

    // THEN
    const manifests = synth(chart);
    expect(oneOf(manifests, 'Sidecar').spec).toEqual({ outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' }, egress: [{ hosts: ['./*', 'istio-system/*'] }] });
    for (const resource of [egress.serviceEntry, egress.gateway!, egress.virtualService!, egress.gatewayVirtualService!]) {
      expect(resource.namespace).toEqual('mynamespace');
    }
    expect(egress.gatewayDestinationRule!.namespace).toEqual('istio-system');
    expect(oneOf(manifests, 'VirtualService', 'myapp-from-egress').spec.gateways).toEqual(['mynamespace/myapp-egress']);
  });

  test('inside a MeshNamespace with egress lockdown, an egress gateway in another namespace must be among allowedHosts', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'app');
    const locked = new MeshNamespace(chart, 'Locked', { name: 'locked', egressFilter: EgressFilter.registryOnly() });
    const allowed = new MeshNamespace(chart, 'Allowed', { name: 'allowed', egressFilter: EgressFilter.registryOnly({ allowedHosts: ['egress/*'] }) });
    const gateway = { namespace: 'egress' };

    // WHEN
    new EgressThroughGateway(locked, 'Cnn', { host: 'edition.cnn.com', egressGateway: gateway });
    new EgressThroughGateway(allowed, 'Bbc', { host: 'www.bbc.co.uk', egressGateway: gateway });

    // THEN
    const error = captureError(() => synth(chart));
    expect(error).toMatch(/\[app\/Locked\/Cnn\] egressGateway: is not visible to the workloads of namespace "locked".*Fix: add "egress\/istio-egressgateway\.egress\.svc\.cluster\.local"/);
    expect(error).not.toMatch(/Allowed/);
  });

  test('direct mode works with a REGISTRY_ONLY namespace that lists the host', () => {
    // GIVEN
    const chart = appChart();
    new Sidecar(chart, 'Default', {
      outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
      egress: [{ hosts: ['./www.googleapis.com'] }],
    });

    // WHEN
    new EgressThroughGateway(chart, 'Googleapis', { host: 'www.googleapis.com', protocol: Protocol.HTTPS, direct: true });

    // THEN
    expect(objectNames(synth(chart))).toEqual(['Sidecar/default', 'ServiceEntry/googleapis']);
  });
});

describe('errors', () => {
  test('name that does not fit in a Gateway name', () => {
    expect(cnn({ name: 'a'.repeat(57) })).toThrow(/\[egress\/Cnn\] name: is longer than 56 characters; it becomes the Gateway name .*Fix: pass a short/);
  });

  test('host: an IP address', () => {
    expect(() => new EgressThroughGateway(appChart(), 'Ip', { host: '192.168.0.163' }))
      .toThrow(/host: is an IP address.*Fix: name the service .* endpoints: \[\{ address: "192.168.0.163" \}\]/);
  });

  test('host: a short name', () => {
    expect(cnn({ host: 'cnn' })).toThrow(/host: is a short name; the external host must be a fully qualified domain name.*Fix: write the full name.*svc\.cluster\.local/);
  });

  test('host: a wildcard through the egress gateway needs forwardTo (Istio\'s wildcard egress task)', () => {
    expect(cnn({ host: '*.cnn.com', protocol: Protocol.TLS }))
      .toThrow(/forwardTo: is required for the wildcard host "\*\.cnn\.com" through the egress gateway, which forwards the connections to one concrete host\. Fix: set forwardTo to the host that serves every name of "\*\.cnn\.com" \(e\.g\. "www\.cnn\.com"\), or use direct: true\./);
  });

  test('host: a wildcard with resolution DNS and no endpoints', () => {
    expect(cnn({ host: '*.cnn.com', protocol: Protocol.TLS, direct: true }))
      .toThrow(/host: is a wildcard, and resolution DNS without endpoints resolves the host name itself.*Fix: use resolution NONE/);
  });

  test('host: a wildcard with TLS origination', () => {
    expect(cnn({
      host: '*.cnn.com', direct: true, resolution: ServiceEntryResolution.NONE, tlsOrigination: { tls: { mode: ClientTlsMode.SIMPLE, caCertificates: SYSTEM_CA } },
    })).toThrow(/host: is a wildcard, and TLS origination needs one concrete host.*Fix: originate TLS for a concrete host/);
  });

  test('protocol: one the egress gateway does not route', () => {
    expect(cnn({ protocol: Protocol.UDP, port: 53 })).toThrow(/protocol: is not supported through the egress gateway \(got "UDP"\).*Fix: use HTTP, HTTP2, GRPC, HTTPS, TLS, or TCP/);
  });

  test('port: out of range', () => {
    expect(cnn({ port: 70000 })).toThrow(/port: must be an integer from 1 to 65535 \(got 70000\).*Fix: give the port the application connects to/);
  });

  test('port: missing for TCP', () => {
    expect(cnn({ protocol: Protocol.TCP })).toThrow(/port: is required for protocol TCP.*Fix: give the port/);
  });

  test('resolution NONE through the egress gateway', () => {
    expect(cnn({ resolution: ServiceEntryResolution.NONE }))
      .toThrow(/resolution: is NONE, so the egress gateway would forward to .* itself.*Fix: use resolution DNS.*In the cluster: connections loop back/);
  });

  test('resolution STATIC without endpoints', () => {
    expect(cnn({ resolution: ServiceEntryResolution.STATIC, addresses: ['240.240.0.1'] }))
      .toThrow(/endpoints: is empty while resolution is STATIC.*Fix: list the IP addresses as endpoints.*503 \(UH/);
  });

  test('endpoints with resolution NONE (reported by the ServiceEntry)', () => {
    expect(cnn({ direct: true, resolution: ServiceEntryResolution.NONE, endpoints: [{ address: '192.168.0.163' }] }))
      .toThrow(/\[egress\/Cnn\/ServiceEntry\] endpoints\[0\]: is not allowed with resolution NONE.*Fix: set resolution STATIC/);
  });

  test('a CIDR block in addresses with resolution DNS (reported by the ServiceEntry)', () => {
    expect(cnn({ addresses: ['10.0.0.0/24'] }))
      .toThrow(/\[egress\/Cnn\/ServiceEntry\] addresses\[0\]: is a CIDR block, which resolution DNS does not accept.*Fix: give a single IP address/);
  });

  test('an endpoint port out of range (reported by the ServiceEntry)', () => {
    expect(cnn({ endpoints: [{ address: '192.168.0.163', port: 0 }] }))
      .toThrow(/\[egress\/Cnn\/ServiceEntry\] endpoints\[0\]\.ports\.http: must be an integer from 1 to 65535.*Fix: give the port this endpoint listens on/);
  });

  test('TCP with resolution NONE and no addresses (IST0134, reported by the ServiceEntry)', () => {
    expect(cnn({ protocol: Protocol.TCP, port: 5432, direct: true, resolution: ServiceEntryResolution.NONE }))
      .toThrow(/\[egress\/Cnn\/ServiceEntry\] ports\[0\]\.protocol: is TCP .*IST0134.*Fix: list the service's IPs or CIDR blocks in addresses/);
  });

  test('direct mode with options that only apply through the egress gateway', () => {
    expect(cnn({ direct: true, gatewayPort: 8080, gatewayMutualTls: true }))
      .toThrow(/gatewayPort: only applies through the egress gateway, and direct is true \(got 8080\).*Fix: remove gatewayPort, gatewayMutualTls/);
  });

  test('direct mode with a credentialName, which sidecars ignore here', () => {
    expect(cnn({ direct: true, tlsOrigination: { tls: { mode: ClientTlsMode.SIMPLE, credentialName: 'cnn-ca' } } }))
      .toThrow(/tlsOrigination\.tls\.credentialName: is ignored by sidecars.*Fix: give caCertificates .*or route through the egress gateway/);
  });

  test('egressGateway.selector: empty', () => {
    expect(cnn({ egressGateway: { selector: {} } })).toThrow(/egressGateway\.selector: is empty, so it would select every gateway workload.*Fix: give the labels/);
  });

  test.each(['serviceName', 'namespace'])('egressGateway.%s: not a DNS label', (key) => {
    expect(cnn({ egressGateway: { [key]: 'Istio_System' } }))
      .toThrow(new RegExp(`egressGateway\\.${key}: must be a lower-case DNS-1123 label.*Fix: give the egress gateway's`));
  });

  test('gatewayRef: without namespace', () => {
    expect(cnn({ gatewayRef: 'istio-egressgateway' }))
      .toThrow(/gatewayRef: has no namespace; it must be "<namespace>\/<gateway name>".*Fix: write "<namespace>\/istio-egressgateway".*IST0101/);
  });

  test('gatewayRef: the legacy name.namespace form', () => {
    expect(cnn({ gatewayRef: 'istio-egressgateway.istio-system' }))
      .toThrow(/gatewayRef: uses the legacy "<name>.<namespace>" form, which istiod resolves to "istio-system\/istio-egressgateway" for backward compatibility only \(got "istio-egressgateway.istio-system"\)\. Fix: write it as "istio-system\/istio-egressgateway"\. See EgressThroughGatewayProps\.gatewayRef in the API reference\.$/);
  });

  test('gatewayRef: "mesh"', () => {
    expect(cnn({ gatewayRef: 'mesh' })).toThrow(/gatewayRef: is "mesh", which is not a Gateway.*Fix: name the egress Gateway/);
  });

  test('gatewayPort: a port the proxy reserves', () => {
    expect(cnn({ gatewayPort: 15001 })).toThrow(/gatewayPort: is reserved by the Istio proxy.*Fix: use a port the egress gateway Service exposes/);
  });

  test('subsetName: not a DNS label', () => {
    expect(cnn({ subsetName: 'v1.0' })).toThrow(/subsetName: must be a DNS label.*\(got "v1.0"\).*Fix: use a name like "cnn"/);
  });

  test('subsetName: unset, where the default "<namespace>-<name>" is too long for a subset name', () => {
    const namespace = 'payments-and-invoicing-for-the-european-region';
    const name = 'legacy-billing-provider';
    expect(() => new EgressThroughGateway(new Chart(Testing.app(), 'egress', { namespace }), 'Billing', { host: 'billing.example.com', name }))
      .toThrow('[egress/Billing] subsetName: is not set, and the default "<namespace>-<name>" must be a DNS label (letters, digits and "-", starting and ending with a letter or digit, at most 63 characters) '
        + `(got "${namespace}-${name}"). Fix: pass subsetName, a DNS label unique among the egress subsets of the egress gateway's namespace (e.g. "cnn-a")`);
  });

  test('tlsOrigination for an application that already speaks TLS', () => {
    expect(cnn({ protocol: Protocol.HTTPS, tlsOrigination: { tls: { mode: ClientTlsMode.SIMPLE, caCertificates: SYSTEM_CA } } }))
      .toThrow(/tlsOrigination: needs an application that speaks plain HTTP \(protocol is HTTPS\).*Fix: remove tlsOrigination.*TLS inside TLS/);
  });

  test('tlsOrigination.tls.mode: ISTIO_MUTUAL towards an external host', () => {
    expect(cnn({ tlsOrigination: { tls: { mode: ClientTlsMode.ISTIO_MUTUAL } } }))
      .toThrow(/tlsOrigination\.tls\.mode: must be SIMPLE or MUTUAL.*\(got "ISTIO_MUTUAL"\).*Fix: use ClientTlsMode\.SIMPLE/);
  });

  test('tlsOrigination.port: the same as the plain-HTTP port', () => {
    expect(cnn({ tlsOrigination: { port: 80, tls: { mode: ClientTlsMode.SIMPLE, caCertificates: SYSTEM_CA } } }))
      .toThrow(/tlsOrigination\.port: is the same as port \(80\).*Fix: give the external host's TLS port/);
  });

  test('tlsOrigination without server certificate verification (IST0128), said from the egress gateway\'s side', () => {
    expect(cnn({ tlsOrigination: { tls: { mode: ClientTlsMode.SIMPLE } } }))
      .toThrow(/tlsOrigination\.tls\.caCertificates: is required for mode SIMPLE.*IST0128.*Fix: .*insecureSkipVerify: true \(the egress gateway originates this TLS.*Secret in namespace "istio-system"\)/);
  });

  test('tlsOrigination.tls.credentialName: a Secret the app defines outside the egress gateway\'s namespace', () => {
    // GIVEN
    const chart = appChart();
    new kplus.Secret(chart, 'ClientCredential', { metadata: { name: 'client-credential' }, stringData: { 'tls.crt': 'c', 'tls.key': 'k', 'ca.crt': 'a' } });

    // WHEN
    new EgressThroughGateway(chart, 'Nginx', {
      host: 'my-nginx.example.com',
      tlsOrigination: { tls: { mode: ClientTlsMode.MUTUAL, credentialName: 'client-credential' } },
    });

    // THEN
    expect(() => synth(chart)).toThrow(new RegExp(escapeRe('[egress/Nginx] tlsOrigination.tls.credentialName: names a Secret that this app defines in '
      + 'namespace "mynamespace", but the egress gateway reads it from its own namespace "istio-system" (got "client-credential"). '
      + 'Fix: create Secret "client-credential" in namespace "istio-system" (metadata.namespace)') + '.*503'));
  });

  test('a namespace Sidecar that hides the egress gateway from the first hop', () => {
    // GIVEN
    const chart = appChart();
    new Sidecar(chart, 'Default', { outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY, egress: [{ hosts: ['./*'] }] });

    // WHEN
    new EgressThroughGateway(chart, 'Cnn', { host: 'edition.cnn.com' });

    // THEN
    expect(() => synth(chart)).toThrow(new RegExp('egressGateway: is not visible to the workloads of namespace "mynamespace": Sidecar egress/Default '
      + 'limits their egress to \\["\\./\\*"\\] \\(got "istio-system/istio-egressgateway\\.istio-system\\.svc\\.cluster\\.local"\\)'
      + '.*Fix: add "istio-system/istio-egressgateway.istio-system.svc.cluster.local".*503'));
  });
});
