import { ApiObject, Chart, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { oneOf, synth } from './util';
import { MeshService } from '../src/mesh-service';
import { Protocol } from '../src/protocol';
import { BackendRouteKind, ServiceBackend } from '../src/service-backend';

function bookinfo(): Chart {
  return new Chart(Testing.app(), 'bookinfo', { namespace: 'bookinfo' });
}

/** A construct of some other part of the library (a route) that takes a backend and checks it at synth. */
class RouteConsumer extends Construct {
  constructor(scope: Construct, id: string, backend: ServiceBackend, kind: BackendRouteKind) {
    super(scope, id);
    this.node.addValidation({ validate: () => backend.problemsFor(kind) });
  }
}

/** A Service ApiObject with the given ports, as `cdk8s import` or `Include` would give it. */
function importedService(chart: Chart, name: string, ports: any[]): ApiObject {
  return new ApiObject(chart, name, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app: name }, ports },
  });
}

describe('ServiceBackend resolution', () => {
  test('handed-in cdk8s-plus Deployment and Service: the route sees the Service as synthesized', () => {
    // GIVEN
    const chart = bookinfo();
    const details = new plus.Deployment(chart, 'Details', {
      podMetadata: { labels: { app: 'details', version: 'v1' } },
      containers: [{ image: 'docker.io/istio/examples-bookinfo-details-v1:1.20.3', ports: [{ number: 9080, name: 'http' }] }],
    });
    const service = details.exposeViaService({ name: 'details' });

    // WHEN
    const backend = ServiceBackend.fromService(service);
    new RouteConsumer(chart, 'Route', backend, BackendRouteKind.HTTP);

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'Service', 'details').spec.ports).toEqual([{ name: 'http', port: 9080, targetPort: 9080 }]);
    expect(backend.resolve()).toEqual({
      host: 'details.bookinfo.svc.cluster.local',
      namespace: 'bookinfo',
      port: 9080,
      protocol: Protocol.HTTP,
      ports: [{ port: 9080, name: 'http', appProtocol: undefined, protocol: Protocol.HTTP }],
    });
  });

  test('a MeshService with two ports and a chosen one', () => {
    // GIVEN
    const chart = bookinfo();
    const service = new MeshService(chart, 'Reviews', {
      ports: [{ port: 9080, protocol: Protocol.HTTP }, { port: 9090, protocol: Protocol.GRPC }],
    });

    // WHEN
    const backend = ServiceBackend.fromMeshService(service, { port: 9090 });

    // THEN
    expect(backend.host).toEqual(service.fqdn);
    expect(backend.resolve()).toMatchObject({
      host: 'reviews.bookinfo.svc.cluster.local',
      namespace: 'bookinfo',
      port: 9090,
      protocol: Protocol.GRPC,
      ports: [{ port: 9080, name: 'http', protocol: Protocol.HTTP }, { port: 9090, name: 'grpc', protocol: Protocol.GRPC }],
    });
    expect(backend.problemsFor(BackendRouteKind.HTTP)).toEqual([]);
  });

  test('ports added after the backend was made count', () => {
    const chart = bookinfo();
    const service = new MeshService(chart, 'Ratings');
    const backend = ServiceBackend.fromMeshService(service);
    service.addPort({ port: 9080, protocol: Protocol.HTTP2 });
    expect([backend.resolve().port, backend.resolve().protocol]).toEqual([9080, Protocol.HTTP2]);
  });

  test('an imported Service ApiObject: appProtocol wins, grpc-web prefix, well-known ports are TCP, no namespace means default', () => {
    // GIVEN
    const chart = Testing.chart();
    const mysql = importedService(chart, 'mysql', [
      { name: 'db', port: 3306 },
      { name: 'metrics', port: 9104, appProtocol: 'http' },
      { name: 'grpc-web-admin', port: 8081 },
    ]);

    // WHEN
    const backend = ServiceBackend.fromApiObject(mysql, { port: 3306 });

    // THEN
    expect(backend.resolve()).toEqual({
      host: 'mysql.default.svc.cluster.local',
      namespace: 'default',
      port: 3306,
      protocol: Protocol.TCP,
      ports: [
        { port: 3306, name: 'db', appProtocol: undefined, protocol: Protocol.TCP },
        { port: 9104, name: 'metrics', appProtocol: 'http', protocol: Protocol.HTTP },
        { port: 8081, name: 'grpc-web-admin', appProtocol: undefined, protocol: Protocol.GRPC_WEB },
      ],
    });
    expect(backend.problemsFor(BackendRouteKind.TCP)).toEqual([]);
  });

  test('a host that is not a Service of this app', () => {
    const backend = ServiceBackend.fromHost('api.example.com', 443, Protocol.TLS);
    expect(backend.resolve()).toEqual({
      host: 'api.example.com',
      namespace: undefined,
      port: 443,
      protocol: Protocol.TLS,
      ports: [{ port: 443, protocol: Protocol.TLS }],
    });
    expect(backend.problemsFor(BackendRouteKind.TLS)).toEqual([]);
  });
});

describe('ServiceBackend errors', () => {
  test('a multi-port Service without a chosen port is reported (IST0112)', () => {
    const chart = bookinfo();
    const service = new MeshService(chart, 'Reviews', { ports: [{ port: 9080, protocol: Protocol.HTTP }, { port: 9090, protocol: Protocol.GRPC }] });
    new RouteConsumer(chart, 'Route', ServiceBackend.fromMeshService(service), BackendRouteKind.HTTP);
    expect(() => synth(chart)).toThrow(/\[bookinfo\/Route\] backend reviews\.bookinfo\.svc\.cluster\.local port: must be chosen: Service bookinfo\/reviews has 2 ports \(9080 \(http\), 9090 \(grpc\)\).*\(IST0112\)\. Fix: pass \{ port: 9080 \}/);
  });

  test('a chosen port the Service does not have is reported', () => {
    const chart = bookinfo();
    const service = new MeshService(chart, 'Reviews', { ports: [{ port: 9080, protocol: Protocol.HTTP }] });
    new RouteConsumer(chart, 'Route', ServiceBackend.fromMeshService(service, { port: 8080 }), BackendRouteKind.HTTP);
    expect(() => synth(chart)).toThrow(/backend reviews\.bookinfo\.svc\.cluster\.local port: is not a port of Service bookinfo\/reviews \(its ports: 9080 \(http\)\) \(got 8080\)\. Fix: choose one of its ports, or add port 8080 to the Service\. In the cluster: .*503/);
  });

  test('a cdk8s-plus Service with a port named "web" is reported with the naming fix (IST0118)', () => {
    // GIVEN
    const chart = bookinfo();
    const service = new plus.Service(chart, 'Productpage', { metadata: { name: 'productpage' }, ports: [{ port: 9080, name: 'web' }] });

    // WHEN
    new RouteConsumer(chart, 'Route', ServiceBackend.fromService(service), BackendRouteKind.HTTP);

    // THEN
    expect(() => synth(chart)).toThrow(/\[bookinfo\/Route\] Service bookinfo\/productpage spec\.ports\[0\]\.name: does not name a protocol Istio recognises \(got "web"\)\. Fix: name the port "<protocol>\[-<suffix>\]".*e\.g\. "http-web", or set appProtocol.*\(IST0118\)/);
  });

  test('an appProtocol Istio does not recognise is reported even when the name is good', () => {
    const chart = bookinfo();
    const service = importedService(chart, 'ratings', [{ name: 'http', port: 9080, appProtocol: 'h2c' }]);
    expect(ServiceBackend.fromApiObject(service).problemsFor(BackendRouteKind.HTTP)).toEqual([
      expect.stringMatching(/^Service bookinfo\/ratings spec\.ports\[0\]\.appProtocol: is an appProtocol Istio does not recognise, and appProtocol wins over the port name \(got "h2c"\)\. Fix: set appProtocol to one of/),
    ]);
  });

  test('a port whose protocol the route kind does not apply to is reported', () => {
    const chart = bookinfo();
    const service = new MeshService(chart, 'Mongodb', { ports: [{ port: 27017, protocol: Protocol.MONGO }] });
    new RouteConsumer(chart, 'Route', ServiceBackend.fromMeshService(service), BackendRouteKind.HTTP);
    expect(() => synth(chart)).toThrow(/Service bookinfo\/mongodb spec\.ports\[0\] protocol: is not one a http route applies to \(HTTP, HTTP2, GRPC, GRPC-WEB\) \(got "MONGO"\)\. Fix: use a tcp route for this port.*never applies the http route/);
  });

  test('a UDP port is reported for every route kind', () => {
    const chart = bookinfo();
    const service = new MeshService(chart, 'Dns', { ports: [{ port: 53, protocol: Protocol.UDP }] });
    expect(ServiceBackend.fromMeshService(service).problemsFor(BackendRouteKind.TCP)).toEqual([
      expect.stringMatching(/spec\.ports\[0\] protocol: is UDP, which Istio does not route \(got "UDP"\)\. Fix: route to a TCP-based port/),
    ]);
  });

  test('a handed-in Service whose targetPort the sidecar reserves is reported', () => {
    const chart = bookinfo();
    const service = importedService(chart, 'metrics', [{ name: 'http', port: 8080, targetPort: 15020 }]);
    expect(ServiceBackend.fromApiObject(service).problemsFor(BackendRouteKind.HTTP)).toEqual([
      expect.stringMatching(/^Service bookinfo\/metrics spec\.ports\[0\]\.targetPort: is reserved by the Istio sidecar .*\(got 15020\)\. Fix: use another port/),
    ]);
  });

  test('a Service without ports is reported', () => {
    const chart = bookinfo();
    const service = importedService(chart, 'empty', []);
    expect(ServiceBackend.fromApiObject(service).problemsFor(BackendRouteKind.HTTP)).toEqual([
      'Service bookinfo/empty spec.ports: is empty. Fix: give the Service the port to route to.',
    ]);
  });

  test('an ApiObject that is not a Service is refused', () => {
    const chart = bookinfo();
    const deployment = new ApiObject(chart, 'Reviews', { apiVersion: 'apps/v1', kind: 'Deployment' });
    expect(() => ServiceBackend.fromApiObject(deployment))
      .toThrow(/\[bookinfo\/Reviews\] kind: must be a core v1 Service \(got "apps\/v1\/Deployment"\)\. Fix: pass a Service, or use ServiceBackend\.fromHost\(\)/);
  });

  test('a short host name is refused', () => {
    expect(() => ServiceBackend.fromHost('ratings', 9080, Protocol.HTTP))
      .toThrow(/ServiceBackend\.fromHost: host: is a short name, which Istio expands with the route's namespace \(got "ratings"\)\. Fix: pass a fully qualified host name/);
  });

  test('a chosen port out of range is refused', () => {
    const service = new MeshService(bookinfo(), 'Reviews', { ports: [{ port: 9080, protocol: Protocol.HTTP }] });
    expect(() => ServiceBackend.fromMeshService(service, { port: 0 }))
      .toThrow(/\[bookinfo\/Reviews\] port: must be an integer from 1 to 65535 \(got 0\)\. Fix: use a port number from 1 to 65535 that the sidecar does not reserve/);
  });

  test('a host port the sidecar reserves is refused', () => {
    expect(() => ServiceBackend.fromHost('api.example.com', 15001, Protocol.HTTP))
      .toThrow(/ServiceBackend\.fromHost: port: is reserved by the Istio sidecar \(outbound traffic capture\) \(got 15001\)/);
  });
});
