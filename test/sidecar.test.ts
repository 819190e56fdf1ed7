import { ApiObject, Chart, Testing } from 'cdk8s';
import { allOf, oneOf, synth } from './util';
import { Protocol } from '../src/protocol';
import { OutboundTrafficPolicyMode, Sidecar, SidecarCaptureMode } from '../src/sidecar';

const EVERYWHERE = { hosts: ['./*', 'istio-system/*'] };

function chart(): Chart {
  return Testing.chart();
}

describe('Sidecar manifests', () => {
  test('namespace default: REGISTRY_ONLY, reaching only its own namespace and istio-system', () => {
    // GIVEN
    const c = new Chart(Testing.app(), 'bookinfo', { namespace: 'bookinfo' });

    // WHEN
    new Sidecar(c, 'Default', {
      egress: [{ hosts: ['./*', 'istio-system/*'] }],
      outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
    });

    // THEN
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Sidecar', 'default')).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: { name: 'default', namespace: 'bookinfo' },
      spec: {
        egress: [{ hosts: ['./*', 'istio-system/*'] }],
        outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
      },
    });
  });

  test('per-workload: ratings receives on 9080 forwarded to 127.0.0.1:8080, calls its namespace on 9080 and istio-system on any port', () => {
    // GIVEN
    const c = new Chart(Testing.app(), 'prod', { namespace: 'prod-us1' });
    const sidecar = new Sidecar(c, 'Ratings', { workloadSelector: { app: 'ratings' } });

    // WHEN
    sidecar.addIngress({
      port: { number: 9080, protocol: Protocol.HTTP, name: 'somename' },
      defaultEndpoint: '127.0.0.1:8080',
      captureMode: SidecarCaptureMode.IPTABLES,
    });
    sidecar.addEgress({ port: { number: 9080, protocol: Protocol.HTTP, name: 'egresshttp' }, hosts: ['prod-us1/*'] });
    sidecar.addEgress({ hosts: ['istio-system/*'] });

    // THEN
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Sidecar', 'ratings').spec).toEqual({
      workloadSelector: { labels: { app: 'ratings' } },
      ingress: [{
        port: { number: 9080, protocol: 'HTTP', name: 'somename' },
        defaultEndpoint: '127.0.0.1:8080',
        captureMode: 'IPTABLES',
      }],
      egress: [
        { port: { number: 9080, protocol: 'HTTP', name: 'egresshttp' }, hosts: ['prod-us1/*'] },
        { hosts: ['istio-system/*'] },
      ],
    });
  });
});

describe('Sidecar behaviour', () => {
  test('accessors report what was configured, and return copies', () => {
    // GIVEN
    const sidecar = new Sidecar(chart(), 'Reviews', {
      workloadSelector: { app: 'reviews' },
      ingress: [{ port: { number: 9080, protocol: Protocol.HTTP } }],
      egress: [EVERYWHERE],
      outboundTrafficPolicy: OutboundTrafficPolicyMode.ALLOW_ANY,
    });

    // WHEN
    sidecar.workloadSelector!.app = 'other';
    sidecar.ingress[0].port.number = 1;
    sidecar.egress[0].hosts.push('*/*');

    // THEN
    expect(sidecar.name).toEqual('reviews');
    expect(sidecar.workloadSelector).toEqual({ app: 'reviews' });
    expect(sidecar.ingress).toEqual([{ port: { number: 9080, protocol: Protocol.HTTP } }]);
    expect(sidecar.egress).toEqual([EVERYWHERE]);
    expect(sidecar.outboundTrafficPolicy).toEqual(OutboundTrafficPolicyMode.ALLOW_ANY);
  });

  test('bind addresses and every egress host form are rendered as given', () => {
    // GIVEN
    const c = chart();

    // WHEN
    new Sidecar(c, 'Forms', {
      workloadSelector: { app: 'forms' },
      ingress: [{ port: { number: 8443, protocol: Protocol.HTTPS }, bind: '10.0.0.1', defaultEndpoint: ':8443' }],
      egress: [
        { port: { number: 3306, protocol: Protocol.MYSQL }, bind: '127.0.0.1', captureMode: SidecarCaptureMode.NONE, hosts: ['*/mysql.db.internal'] },
        { hosts: ['./*', '~/*', 'shop/*.shop.svc.cluster.local', 'istio-system/istiod.istio-system.svc.cluster.local'] },
      ],
    });

    // THEN
    expect(oneOf(synth(c), 'Sidecar').spec).toMatchObject({
      ingress: [{ bind: '10.0.0.1', defaultEndpoint: ':8443' }],
      egress: [
        { bind: '127.0.0.1', captureMode: 'NONE', hosts: ['*/mysql.db.internal'] },
        { hosts: ['./*', '~/*', 'shop/*.shop.svc.cluster.local', 'istio-system/istiod.istio-system.svc.cluster.local'] },
      ],
    });
  });

  test.each(['127.0.0.1:8080', '0.0.0.0:8080', '[::1]:8080', '[::]:8080', ':8080', 'unix:///var/run/app.sock', 'unix://@app'])(
    'defaultEndpoint %s is accepted', (endpoint) => {
      // GIVEN
      const sidecar = new Sidecar(chart(), 'Sc');

      // WHEN
      sidecar.addIngress({ port: { number: 8080, protocol: Protocol.HTTP }, defaultEndpoint: endpoint });

      // THEN
      expect(sidecar.ingress[0].defaultEndpoint).toEqual(endpoint);
    });

  test('outboundTrafficPolicy alone is a complete configuration', () => {
    // GIVEN
    const c = chart();

    // WHEN
    new Sidecar(c, 'Open', { outboundTrafficPolicy: OutboundTrafficPolicyMode.ALLOW_ANY });

    // THEN
    expect(oneOf(synth(c), 'Sidecar').spec).toEqual({ outboundTrafficPolicy: { mode: 'ALLOW_ANY' } });
  });

  test('a Sidecar whose only field is set with addSpecOverride() is not empty', () => {
    // GIVEN
    const c = chart();
    const sidecar = new Sidecar(c, 'Pool', { workloadSelector: { app: 'reviews' } });

    // WHEN
    sidecar.addSpecOverride('inboundConnectionPool.tcp.maxConnections', 100);

    // THEN
    expect(oneOf(synth(c), 'Sidecar').spec.inboundConnectionPool).toEqual({ tcp: { maxConnections: 100 } });
  });

  test('one selector-less Sidecar per namespace, plus selective ones, is fine', () => {
    // GIVEN
    const app = Testing.app();
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    const pay = new Chart(app, 'pay', { namespace: 'pay' });

    // WHEN
    new Sidecar(shop, 'Default', { egress: [EVERYWHERE] });
    new Sidecar(shop, 'Cart', { workloadSelector: { app: 'cart' }, egress: [EVERYWHERE] });
    new Sidecar(shop, 'Orders', { workloadSelector: { app: 'orders' }, egress: [EVERYWHERE] });
    new Sidecar(pay, 'Default', { egress: [EVERYWHERE] });

    // THEN (synthesizing a chart runs every validation of the app)
    expect(allOf(synth(shop), 'Sidecar').map(m => m.metadata.name)).toEqual(['default', 'cart', 'orders']);
    expect(allOf(synth(pay), 'Sidecar').map(m => m.metadata.name)).toEqual(['default']);
  });
});

describe('Sidecar errors', () => {
  test('workloadSelector labels must be valid Kubernetes labels', () => {
    expect(() => new Sidecar(chart(), 'Sc', { workloadSelector: { app: 'rev*' }, egress: [EVERYWHERE] }))
      .toThrow(/workloadSelector: label value "rev\*" of "app" is not a valid Kubernetes label value.*Fix: give the labels of the workloads/);
  });

  test('workloadSelector must not be empty', () => {
    expect(() => new Sidecar(chart(), 'Sc', { workloadSelector: {}, egress: [EVERYWHERE] }))
      .toThrow(/workloadSelector: has no labels.*Fix: .*omit workloadSelector to make this the namespace's default Sidecar/);
  });

  test('an ingress listener needs a port', () => {
    const sidecar = new Sidecar(chart(), 'Sc');
    expect(() => sidecar.addIngress({ defaultEndpoint: '127.0.0.1:8080' } as any))
      .toThrow(/ingress\[0\]\.port: is required\. Fix: set ingress\[0\]\.port to a SidecarPort object with number, protocol\./);
  });

  test('listener port numbers must be 1 to 65535', () => {
    const sidecar = new Sidecar(chart(), 'Sc');
    expect(() => sidecar.addIngress({ port: { number: 70000, protocol: Protocol.HTTP } }))
      .toThrow(/ingress\[0\]\.port\.number: must be an integer from 1 to 65535 \(got 70000\).*Fix: use a port from 1 to 65535/);
  });

  test('listener port names must be DNS labels', () => {
    const sidecar = new Sidecar(chart(), 'Sc');
    expect(() => sidecar.addEgress({ port: { number: 80, protocol: Protocol.HTTP, name: 'http_web' }, hosts: ['./*'] }))
      .toThrow(/egress\[0\]\.port\.name: must be a DNS label.*\(got "http_web"\).*Fix: name the port like "http"/);
  });

  test('ingress ports must not be the proxy\'s own', () => {
    const sidecar = new Sidecar(chart(), 'Sc');
    expect(() => sidecar.addIngress({ port: { number: 15021, protocol: Protocol.HTTP } }))
      .toThrow(/ingress\[0\]\.port\.number: is reserved by the Istio proxy.*\(got 15021\).*Fix: serve the application on another port.*In the cluster:/);
  });

  test('ingress ports must be unique', () => {
    const sidecar = new Sidecar(chart(), 'Sc', { ingress: [{ port: { number: 9080, protocol: Protocol.HTTP } }] });
    expect(() => sidecar.addIngress({ port: { number: 9080, protocol: Protocol.GRPC } }))
      .toThrow(/ingress\[1\]\.port\.number: is already the port of ingress\[0\].*Fix: declare one ingress listener per port/);
  });

  test('bind must be an IP address', () => {
    const sidecar = new Sidecar(chart(), 'Sc');
    expect(() => sidecar.addIngress({ port: { number: 9080, protocol: Protocol.HTTP }, bind: 'localhost' }))
      .toThrow(/ingress\[0\]\.bind: must be an IP address \(got "localhost"\).*Fix: give an IP of the workload/);
  });

  test('defaultEndpoint must forward to the workload itself', () => {
    const sidecar = new Sidecar(chart(), 'Sc');
    expect(() => sidecar.addIngress({ port: { number: 9080, protocol: Protocol.HTTP }, defaultEndpoint: '10.0.0.5:8080' }))
      .toThrow(/ingress\[0\]\.defaultEndpoint: has host "10\.0\.0\.5", which must be empty, 127\.0\.0\.1.*Fix: write 127\.0\.0\.1:PORT, 0\.0\.0\.0:PORT, \[::1\]:PORT/);
  });

  test('defaultEndpoint needs a valid port', () => {
    const sidecar = new Sidecar(chart(), 'Sc');
    expect(() => sidecar.addIngress({ port: { number: 9080, protocol: Protocol.HTTP }, defaultEndpoint: '127.0.0.1:http' }))
      .toThrow(/ingress\[0\]\.defaultEndpoint: has port "http", which must be from 1 to 65535.*Fix: write 127\.0\.0\.1:PORT/);
  });

  test('only one egress listener may omit its port', () => {
    const sidecar = new Sidecar(chart(), 'Sc', { egress: [{ hosts: ['./*'] }] });
    expect(() => sidecar.addEgress({ hosts: ['istio-system/*'] }))
      .toThrow(/egress\[1\]: is a second listener without a port.*Fix: merge the hosts of both port-less listeners into one/);
  });

  test('the port-less egress listener must be the last', () => {
    const sidecar = new Sidecar(chart(), 'Sc', { egress: [{ hosts: ['./*'] }] });
    expect(() => sidecar.addEgress({ port: { number: 9080, protocol: Protocol.HTTP }, hosts: ['prod/*'] }))
      .toThrow(/egress\[1\]: comes after egress\[0\], the catch-all listener without a port.*Fix: add the listeners with a port before the one without a port/);
  });

  test('an egress listener needs hosts', () => {
    const sidecar = new Sidecar(chart(), 'Sc');
    expect(() => sidecar.addEgress({ hosts: [] }))
      .toThrow(/egress\[0\]\.hosts: must list at least one host.*Fix: list the services the workload calls/);
  });

  test('egress hosts must have the form namespace/dnsName', () => {
    const sidecar = new Sidecar(chart(), 'Sc');
    expect(() => sidecar.addEgress({ hosts: ['./*', 'foo.com'] }))
      .toThrow(/egress\[0\]\.hosts\[1\]: must have the form namespace\/dnsName \(got "foo\.com"\).*Fix: write namespace\/dnsName, e\.g\. \.\/foo\.com or \*\/foo\.com/);
  });

  test('the namespace part of an egress host must be ".", "*", "~" or a namespace name', () => {
    const sidecar = new Sidecar(chart(), 'Sc');
    expect(() => sidecar.addEgress({ hosts: ['prod_us/*'] }))
      .toThrow(/egress\[0\]\.hosts\[0\]: has namespace part "prod_us", which must be "\.", "\*", "~" or a namespace name.*Fix: write namespace\/dnsName/);
  });

  test('the name part of an egress host must not be a short name', () => {
    const sidecar = new Sidecar(chart(), 'Sc');
    expect(() => sidecar.addEgress({ hosts: ['prod/reviews'] }))
      .toThrow(/egress\[0\]\.hosts\[0\]: has a short name part \("reviews"\); write the full name.*Fix: write namespace\/dnsName/);
  });

  test('the name part of an egress host must not be an IP address', () => {
    const sidecar = new Sidecar(chart(), 'Sc');
    expect(() => sidecar.addEgress({ hosts: ['*/10.0.0.5'] }))
      .toThrow(/egress\[0\]\.hosts\[0\]: has an IP address \("10\.0\.0\.5"\) as its name part.*Fix: write namespace\/dnsName/);
  });

  test('the name part of an egress host must not be a partial wildcard', () => {
    const sidecar = new Sidecar(chart(), 'Sc');
    expect(() => sidecar.addEgress({ hosts: ['*/*foo.com'] }))
      .toThrow(/egress\[0\]\.hosts\[0\]: has name part "\*foo\.com", which uses a partial wildcard.*Fix: write namespace\/dnsName/);
  });

  test('egress ports must be unique', () => {
    const sidecar = new Sidecar(chart(), 'Sc', { egress: [{ port: { number: 9080, protocol: Protocol.HTTP }, hosts: ['prod/*'] }] });
    expect(() => sidecar.addEgress({ port: { number: 9080, protocol: Protocol.HTTP }, hosts: ['test/*'] }))
      .toThrow(/egress\[1\]\.port\.number: is already the port of egress\[0\].*Fix: merge the hosts of both listeners into one/);
  });

  test('an empty Sidecar is refused at synth', () => {
    const c = chart();
    new Sidecar(c, 'Empty', { workloadSelector: { app: 'reviews' } });
    expect(() => synth(c))
      .toThrow(/\[test\/Empty\] spec: is empty: no ingress, no egress and no outboundTrafficPolicy.*Fix: add listeners with addIngress\(\)\/addEgress\(\)/);
  });

  test('two selector-less Sidecars in one namespace are refused, each of them (IST0111)', () => {
    const app = Testing.app();
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    new Sidecar(shop, 'Default', { egress: [EVERYWHERE] });
    new ApiObject(shop, 'Legacy', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: { name: 'legacy' },
      spec: { outboundTrafficPolicy: { mode: 'ALLOW_ANY' } },
    });
    new Sidecar(shop, 'Third', { egress: [EVERYWHERE] });
    expect(() => app.synth()).toThrow(
      /\[shop\/Default\] workloadSelector: is not set, and neither is it on shop\/Legacy, shop\/Third in namespace "shop".*Fix: keep one Sidecar without workloadSelector per namespace.*IST0111[\s\S]*\[shop\/Third\] workloadSelector: is not set/,
    );
  });

  test('two Sidecars with the same workloadSelector in one namespace are refused (IST0110)', () => {
    const c = chart();
    new Sidecar(c, 'Reviews', { workloadSelector: { app: 'reviews', version: 'v1' }, egress: [EVERYWHERE] });
    new Sidecar(c, 'ReviewsToo', { workloadSelector: { version: 'v1', app: 'reviews' }, egress: [EVERYWHERE] });
    expect(() => synth(c)).toThrow(
      /\[test\/Reviews\] workloadSelector: selects the same workloads as test\/ReviewsToo in namespace "default".*Fix: merge the Sidecars into one.*IST0110/,
    );
  });
});
