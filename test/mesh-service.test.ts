import { ApiObject, Chart, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-27';
import { oneOf, synth } from './util';
import { MeshService } from '../src/mesh-service';
import { Protocol } from '../src/protocol';

function bookinfo(): Chart {
  return new Chart(Testing.app(), 'bookinfo', { namespace: 'bookinfo' });
}

describe('MeshService manifests', () => {
  test('productpage with an http and a grpc port selects every version of the app', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    new MeshService(chart, 'Productpage', {
      ports: [
        { port: 9080, protocol: Protocol.HTTP },
        { port: 9090, protocol: Protocol.GRPC, targetPort: 19090 },
      ],
    });

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Service', 'productpage')).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'productpage', namespace: 'bookinfo', labels: { app: 'productpage' } },
      spec: {
        type: 'ClusterIP',
        selector: { app: 'productpage' },
        ports: [
          { name: 'http', port: 9080, targetPort: 9080, protocol: 'TCP' },
          { name: 'grpc', port: 9090, targetPort: 19090, protocol: 'TCP' },
        ],
      },
    });
  });

  test('derived names get the port as suffix only when a protocol repeats; explicit names are kept', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    const service = new MeshService(chart, 'Gateway', {
      app: 'edge',
      ports: [
        { port: 80, protocol: Protocol.HTTP },
        { port: 8080, protocol: Protocol.HTTP },
        { port: 443, protocol: Protocol.HTTPS, name: 'https-public' },
        { port: 8443, protocol: Protocol.GRPC_WEB },
        { port: 53, protocol: Protocol.UDP },
      ],
    });

    // THEN
    expect(service.ports.map(p => p.name)).toEqual(['http-80', 'http-8080', 'https-public', 'grpc-web', 'udp']);
    expect(oneOf(synth(chart), 'Service', 'gateway').spec.ports).toEqual([
      { name: 'http-80', port: 80, targetPort: 80, protocol: 'TCP' },
      { name: 'http-8080', port: 8080, targetPort: 8080, protocol: 'TCP' },
      { name: 'https-public', port: 443, targetPort: 443, protocol: 'TCP' },
      { name: 'grpc-web', port: 8443, targetPort: 8443, protocol: 'TCP' },
      { name: 'udp', port: 53, targetPort: 53, protocol: 'UDP' },
    ]);
  });

  test('appProtocol carries the protocol, so the name only has to be a valid port name', () => {
    // GIVEN
    const chart = bookinfo();

    // WHEN
    new MeshService(chart, 'Ratings', {
      ports: [{ port: 9080, protocol: Protocol.HTTP2, name: 'api', appProtocol: 'kubernetes.io/h2c' }],
    });

    // THEN
    expect(oneOf(synth(chart), 'Service', 'ratings').spec.ports).toEqual([
      { name: 'api', port: 9080, targetPort: 9080, protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' },
    ]);
  });

  test('name, namespace, app and fqdn: id in kebab case, chart namespace, default namespace in the fqdn', () => {
    // GIVEN
    const withNamespace = bookinfo();
    const withoutNamespace = Testing.chart();

    // WHEN
    const reviews = new MeshService(withNamespace, 'ReviewsApi', { app: 'reviews', ports: [{ port: 9080, protocol: Protocol.HTTP }] });
    const details = new MeshService(withoutNamespace, 'Details', { ports: [{ port: 9080, protocol: Protocol.HTTP }] });

    // THEN
    expect([reviews.name, reviews.namespace, reviews.app, reviews.fqdn])
      .toEqual(['reviews-api', 'bookinfo', 'reviews', 'reviews-api.bookinfo.svc.cluster.local']);
    expect([details.name, details.namespace, details.app, details.fqdn])
      .toEqual(['details', undefined, 'details', 'details.default.svc.cluster.local']);
    expect(ApiObject.of(reviews).kind).toEqual('Service');
  });

  test('addPort after construction, type and extra selector labels are rendered', () => {
    // GIVEN
    const chart = bookinfo();
    const service = new MeshService(chart, 'Reviews', {
      type: plus.ServiceType.NODE_PORT,
      extraSelector: { tier: 'backend' },
    });

    // WHEN
    service.addPort({ port: 9080, protocol: Protocol.HTTP });

    // THEN
    const spec = oneOf(synth(chart), 'Service', 'reviews').spec;
    expect(spec.type).toEqual('NodePort');
    expect(spec.selector).toEqual({ app: 'reviews', tier: 'backend' });
    expect(service.selector).toEqual({ app: 'reviews', tier: 'backend' });
    expect(spec.ports).toEqual([{ name: 'http', port: 9080, targetPort: 9080, protocol: 'TCP' }]);
  });
});

describe('MeshService errors', () => {
  const http = { port: 9080, protocol: Protocol.HTTP };

  test('a port named without its protocol is refused with the naming fix', () => {
    expect(() => new MeshService(bookinfo(), 'Reviews', { ports: [{ ...http, name: 'web' }] }))
      .toThrow(/\[bookinfo\/Reviews\] ports\[0\]\.name: does not make Istio select HTTP \(got "web"\)\. Fix: name the port "http" or "http-<suffix>".*or set appProtocol: "http".*sniffs it \(IST0118\)/);
  });

  test('a name claiming another protocol than appProtocol is refused', () => {
    expect(() => new MeshService(bookinfo(), 'Reviews', { ports: [{ ...http, name: 'grpc-api', appProtocol: 'http' }] }))
      .toThrow(/ports\[0\]\.name: claims GRPC while the port is HTTP \(got "grpc-api"\)\. Fix: name the port "http" or "http-<suffix>"/);
  });

  test('an appProtocol Istio does not read as the port\'s protocol is refused', () => {
    expect(() => new MeshService(bookinfo(), 'Reviews', { ports: [{ port: 9080, protocol: Protocol.HTTP2, appProtocol: 'h2c' }] }))
      .toThrow(/ports\[0\]\.appProtocol: does not make Istio select HTTP2, and appProtocol wins over the port name \(got "h2c"\)\. Fix: set appProtocol: "http2"/);
  });

  test('a port the sidecar reserves is refused', () => {
    expect(() => new MeshService(bookinfo(), 'Reviews', { ports: [{ port: 15001, protocol: Protocol.HTTP }] }))
      .toThrow(/ports\[0\]\.port: is reserved by the Istio sidecar \(outbound traffic capture\) \(got 15001\)\. Fix: use another port/);
  });

  test('a targetPort the sidecar reserves is refused', () => {
    expect(() => new MeshService(bookinfo(), 'Reviews', { ports: [{ ...http, targetPort: 15006 }] }))
      .toThrow(/ports\[0\]\.targetPort: is reserved by the Istio sidecar \(inbound traffic capture\) \(got 15006\)\. Fix: use another port/);
  });

  test('a port number out of range is refused', () => {
    expect(() => new MeshService(bookinfo(), 'Reviews', { ports: [{ port: 70000, protocol: Protocol.HTTP }] }))
      .toThrow(/ports\[0\]\.port: must be an integer from 1 to 65535 \(got 70000\)\. Fix: use a port number from 1 to 65535/);
  });

  test('a port name that is not a DNS label is refused', () => {
    expect(() => new MeshService(bookinfo(), 'Reviews', { ports: [{ ...http, name: 'http_web' }] }))
      .toThrow(/ports\[0\]\.name: must be a lower-case DNS-1123 label.*\(got "http_web"\)\. Fix: name the port "http" or "http-<suffix>"/);
  });

  test('two ports with the same name are refused', () => {
    const service = new MeshService(bookinfo(), 'Reviews', { ports: [{ ...http, name: 'http-api' }] });
    expect(() => service.addPort({ port: 9081, protocol: Protocol.HTTP, name: 'http-api' }))
      .toThrow(/ports\[1\]\.name: is already used by ports\[0\] \(got "http-api"\)\. Fix: give every port its own name/);
  });

  test('two ports with the same number and L4 protocol are refused', () => {
    const service = new MeshService(bookinfo(), 'Reviews', { ports: [http] });
    expect(() => service.addPort({ port: 9080, protocol: Protocol.GRPC }))
      .toThrow(/ports\[1\]\.port: is already used by ports\[0\] \(got 9080\)\. Fix: use each port number once per L4 protocol/);
  });

  test('a derived name that collides with an explicit one is reported at synth', () => {
    // GIVEN
    const chart = bookinfo();
    new MeshService(chart, 'Reviews', {
      ports: [
        { port: 80, protocol: Protocol.HTTP, name: 'http-8080' },
        { port: 8080, protocol: Protocol.HTTP },
        { port: 9090, protocol: Protocol.HTTP },
      ],
    });

    // THEN
    expect(() => synth(chart)).toThrow(/\[bookinfo\/Reviews\] ports\[1\]\.name: is also the name of ports\[0\].*\(got "http-8080"\)\. Fix: name one of the two ports explicitly/);
  });

  test('a Service without ports is reported at synth', () => {
    const chart = bookinfo();
    new MeshService(chart, 'Reviews');
    expect(() => synth(chart)).toThrow(/\[bookinfo\/Reviews\] ports: is empty\. Fix: add a port with addPort/);
  });

  test('a name that is not a DNS-1035 label is refused', () => {
    expect(() => new MeshService(bookinfo(), 'Reviews', { metadata: { name: '9reviews' }, ports: [http] }))
      .toThrow(/metadata\.name: must be a DNS-1035 label.*\(got "9reviews"\)\. Fix: pass a valid metadata\.name/);
  });

  test('an app that is not a label value is refused', () => {
    expect(() => new MeshService(bookinfo(), 'Reviews', { app: 'reviews app', ports: [http] }))
      .toThrow(/\] app: label value "reviews app" of "app" is not a valid Kubernetes label value \(got "reviews app"\)\. Fix: pass the app label value/);
  });

  test('app repeated in extraSelector is refused', () => {
    expect(() => new MeshService(bookinfo(), 'Reviews', { extraSelector: { app: 'other' }, ports: [http] }))
      .toThrow(/extraSelector\.app: repeats the app label.*\(got "other"\)\. Fix: pass it as the app prop instead/);
  });

  test('an extraSelector label that is not a valid label is refused', () => {
    expect(() => new MeshService(bookinfo(), 'Reviews', { extraSelector: { 'tier!': 'backend' }, ports: [http] }))
      .toThrow(/extraSelector: label key "tier!" is not a valid Kubernetes label name.*Fix: use valid label keys and values/);
  });

  test('type ExternalName is refused', () => {
    expect(() => new MeshService(bookinfo(), 'Reviews', { type: plus.ServiceType.EXTERNAL_NAME, ports: [http] }))
      .toThrow(/type: is not supported: an ExternalName Service selects no pods \(got "ExternalName"\)\. Fix: use a ServiceEntry, or ServiceBackend\.fromHost\(\)/);
  });
});
