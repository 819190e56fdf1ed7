/**
 * Patterns that compose the way users reach for them: an IngressRoute path to a CanaryRelease, mesh-correct Services
 * of MeshDeployment/MeshStatefulSet, EgressFilter, TlsCredential.fromSecret(name).
 */
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  CanaryRelease, CanaryRule, CanaryWorkload, EgressFilter, IngressRoute, MeshDeployment, MeshEnrollment, MeshNamespace, MeshStatefulSet,
  MtlsMode, Protocol, ServiceBackend, StringMatch,
} from '../src';
import { allOf, oneOf, synth } from './util';

const IMAGES = 'docker.io/istio/examples-bookinfo-reviews';

function bookinfo(): Chart {
  return new Chart(new App(), 'bookinfo', { namespace: 'bookinfo' });
}

function reviews(chart: Chart): CanaryRelease {
  return new CanaryRelease(chart, 'Reviews', {
    port: 9080,
    versions: [
      { name: 'v1', workload: CanaryWorkload.fromImage(`${IMAGES}-v1:1.20.3`) },
      { name: 'v2', workload: CanaryWorkload.fromImage(`${IMAGES}-v2:1.20.3`) },
    ],
    canaryPercent: 10,
    rules: [
      CanaryRule.header('end-user', StringMatch.exact('jason'), 'v2'),
      CanaryRule.sourceLabels({ app: 'productpage', version: 'v2' }, 'v2'),
    ],
    timeout: Duration.seconds(5),
    retries: { attempts: 3, perTryTimeout: Duration.seconds(2) },
  });
}

describe('an IngressRoute path to a CanaryRelease (IngressHttpRoute.release)', () => {
  test('keeps the release\'s rules, split, timeout and retries for gateway traffic, within the path', () => {
    const chart = bookinfo();
    const release = reviews(chart);
    new IngressRoute(chart, 'Ingress', {
      hosts: ['bookinfo.example.com'],
      httpRoutes: [{ match: [{ uri: StringMatch.prefix('/reviews') }], release }],
    });

    const manifests = synth(chart);
    const timeoutAndRetries = { timeout: '5s', retries: { attempts: 3, perTryTimeout: '2s' } };
    const host = 'reviews.bookinfo.svc.cluster.local';
    expect(oneOf(manifests, 'VirtualService', 'ingress').spec.http).toEqual([
      {
        // the header rule, within the path; the sourceLabels rule is about mesh callers and is left out
        match: [{ uri: { prefix: '/reviews' }, headers: { 'end-user': { exact: 'jason' } } }],
        route: [{ destination: { host, subset: 'v2' } }],
        ...timeoutAndRetries,
      },
      {
        match: [{ uri: { prefix: '/reviews' } }],
        route: [{ destination: { host, subset: 'v1' }, weight: 90 }, { destination: { host, subset: 'v2' }, weight: 10 }],
        ...timeoutAndRetries,
      },
    ]);
    // the release keeps serving the mesh, unchanged, and is bound to no gateway
    const mesh = oneOf(manifests, 'VirtualService', 'reviews').spec;
    expect(mesh.gateways).toBeUndefined();
    expect(mesh.http).toHaveLength(3);
  });

  test('the same routes are available to any gateway VirtualService (gatewayHttpRoutes)', () => {
    const chart = bookinfo();
    const routes = reviews(chart).gatewayHttpRoutes();
    expect(routes.map(r => r.match)).toEqual([[{ headers: { 'end-user': StringMatch.exact('jason') } }], undefined]);
    expect(routes[1].route!.map(d => `${d.host}/${d.subset}:${d.weight}`))
      .toEqual(['reviews.bookinfo.svc.cluster.local/v1:90', 'reviews.bookinfo.svc.cluster.local/v2:10']);
  });

  test('a condition set both by the path and by a rule', () => {
    const chart = bookinfo();
    const release = reviews(chart);
    expect(() => new IngressRoute(chart, 'Ingress', {
      hosts: ['bookinfo.example.com'],
      httpRoutes: [{ match: [{ headers: { 'end-user': StringMatch.exact('bob') } }], release }],
    })).toThrow('[bookinfo/Ingress] httpRoutes[0].release: match[0].headers.end-user: is also set by the route\'s own match '
      + '({"exact":"bob"}), and a request cannot satisfy both (got {"exact":"jason"}). Fix: match on another field (e.g. the path '
      + 'on the route, a header in the release\'s rule), or drop one of them. In the cluster: the combined route would never match.');
  });

  test('a destination or a timeout next to release', () => {
    const chart = bookinfo();
    const release = reviews(chart);
    expect(() => new IngressRoute(chart, 'Ingress', {
      hosts: ['bookinfo.example.com'],
      httpRoutes: [{ release, timeout: Duration.seconds(1) }],
    })).toThrow('[bookinfo/Ingress] httpRoutes[0].timeout: is set together with release, which decides where requests go and with '
      + 'which timeout, retries, faults and mirror. Fix: remove timeout, or set it on the CanaryRelease (props timeout, retries, '
      + 'mirror, rules) so mesh and gateway traffic get it.');
  });

  test('a TCP release has no HTTP routes for a gateway', () => {
    const release = new CanaryRelease(new Chart(new App(), 'tcp', { namespace: 'tcp' }), 'Reviews', {
      port: 9080,
      protocol: Protocol.TCP,
      versions: [
        { name: 'v1', workload: CanaryWorkload.fromImage(`${IMAGES}-v1:1.20.3`) },
        { name: 'v2', workload: CanaryWorkload.fromImage(`${IMAGES}-v2:1.20.3`) },
      ],
    });
    expect(() => release.gatewayHttpRoutes()).toThrow(/\[tcp\/Reviews\] gatewayHttpRoutes\(match\)\.protocol: is routed with tcp routes.*Fix: route the gateway's TCP traffic with an IngressRoute tcpRoutes entry and backend: release\.backend/);
  });
});

describe('EgressFilter', () => {
  test('allowAll() creates no Sidecar; registryOnly() locks egress down', () => {
    const chart = bookinfo();
    new MeshNamespace(chart, 'Open', { name: 'open', egressFilter: EgressFilter.allowAll() });
    new MeshNamespace(chart, 'Locked', { name: 'locked', egressFilter: EgressFilter.registryOnly({ allowedHosts: ['payments/*'] }) });
    const sidecars = allOf(synth(chart), 'Sidecar');
    expect(sidecars.map(s => `${s.metadata.namespace}/${s.metadata.name}`)).toEqual(['locked/default']);
    expect(sidecars[0].spec).toEqual({
      egress: [{ hosts: ['./*', 'istio-system/*', 'payments/*'] }],
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    });
    expect(EgressFilter.allowAll().lockedDown).toBe(false);
    expect(EgressFilter.registryOnly().lockedDown).toBe(true);
  });
});

describe('mesh-correct Services of MeshDeployment and MeshStatefulSet', () => {
  test('exposeViaService(): named after app, selects on app only, protocol-named ports', () => {
    const chart = bookinfo();
    const shop = new MeshNamespace(chart, 'Shop', { name: 'shop' });
    const v1 = new MeshDeployment(shop, 'WebV1', {
      app: 'web',
      version: 'v1',
      containers: [{ image: 'nginx:1.27', ports: [{ number: 8080, name: 'http' }, { number: 9090, name: 'grpc-admin' }] }],
    });
    new MeshDeployment(shop, 'WebV2', { app: 'web', version: 'v2', containers: [{ image: 'nginx:1.27', ports: [{ number: 8080, name: 'http' }, { number: 9090, name: 'grpc-admin' }] }] });
    const service = v1.exposeViaService();

    expect(oneOf(synth(chart), 'Service')).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        externalIPs: [],
        type: 'ClusterIP',
        selector: { app: 'web' },
        ports: [{ name: 'http', port: 8080, targetPort: 8080 }, { name: 'grpc-admin', port: 9090, targetPort: 9090 }],
      },
    });
    expect(ServiceBackend.fromService(service, { port: 8080 }).resolve()).toMatchObject({ host: 'web.shop.svc.cluster.local', protocol: Protocol.HTTP });
  });

  test('exposeViaService({ name, ports }) keeps the given name and ports', () => {
    const chart = bookinfo();
    const web = new MeshDeployment(chart, 'Web', { app: 'web', version: 'v1', containers: [{ image: 'nginx:1.27', ports: [{ number: 8080, name: 'http' }] }] });
    web.exposeViaService({ name: 'frontend', ports: [{ port: 80, targetPort: 8080, name: 'http' }] });
    const service = oneOf(synth(chart), 'Service');
    expect(service.metadata.name).toEqual('frontend');
    expect(service.spec.selector).toEqual({ app: 'web' });
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080 }]);
  });

  test('MeshStatefulSet: a headless Service with the StatefulSet\'s name, so pods are <name>-0.<name>.<ns>.svc', () => {
    const chart = bookinfo();
    const shop = new MeshNamespace(chart, 'Shop', { name: 'shop' });
    new MeshStatefulSet(shop, 'Mongodb', {
      app: 'mongodb',
      version: 'v1',
      containers: [{ image: 'docker.io/istio/examples-bookinfo-mongodb:1.20.3', ports: [{ number: 27017, name: 'mongo' }] }],
    });

    const manifests = synth(chart);
    expect(oneOf(manifests, 'StatefulSet', 'mongodb').spec.serviceName).toEqual('mongodb');
    expect(oneOf(manifests, 'Service')).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'mongodb', namespace: 'shop' },
      spec: {
        clusterIP: 'None',
        externalIPs: [],
        type: 'ClusterIP',
        selector: { app: 'mongodb' },
        ports: [{ name: 'mongo', port: 27017, targetPort: 27017 }],
      },
    });
  });
});

describe('plain cdk8s-plus objects inside a MeshNamespace (what the README says holds)', () => {
  test('in a chart with the same namespace they land in it without naming it', () => {
    const chart = new Chart(new App(), 'shop', { namespace: 'shop' });
    const shop = new MeshNamespace(chart, 'Shop', { name: 'shop' });
    new kplus.ConfigMap(shop, 'Settings', { metadata: { name: 'settings' }, data: { color: 'blue' } });
    new MeshDeployment(shop, 'Web', { app: 'web', version: 'v1', containers: [{ image: 'nginx:1.27', ports: [{ number: 80, name: 'http' }] }] });
    const manifests = synth(chart);
    expect(oneOf(manifests, 'ConfigMap').metadata.namespace).toEqual('shop');
    expect(oneOf(manifests, 'Deployment').metadata.namespace).toEqual('shop');
  });

  test('in another chart they name it, or synth refuses them', () => {
    const chart = new Chart(new App(), 'apps');
    const shop = new MeshNamespace(chart, 'Shop', { name: 'shop' });
    new kplus.ConfigMap(shop, 'Named', { metadata: { name: 'named', namespace: 'shop' }, data: { color: 'blue' } });
    expect(oneOf(synth(chart), 'ConfigMap').metadata.namespace).toEqual('shop');
    new kplus.ConfigMap(shop, 'Unnamed', { metadata: { name: 'unnamed' }, data: { color: 'blue' } });
    expect(() => synth(chart)).toThrow(/ConfigMap "unnamed" \(apps\/Shop\/Unnamed\/Resource\) metadata\.namespace: is not "shop", although the object is created inside MeshNamespace "shop" \(got "<none>"\)/);
  });
});

describe('errors name a prop as every language\'s API reference documents it', () => {
  test('a construction error about a prop ends with <Struct>.<prop>', () => {
    const chart = bookinfo();
    expect(() => new MeshNamespace(chart, 'Ambient', { name: 'ambient', enrollment: MeshEnrollment.ambient(), egressFilter: EgressFilter.registryOnly() }))
      .toThrow(/\[bookinfo\/Ambient\] egressFilter: is a Sidecar, which has no effect on ambient workloads.* See MeshNamespaceProps\.egressFilter in the API reference\.$/);
    expect(() => new IngressRoute(chart, 'Bad', { hosts: ['shop.example.com'], httpRoutes: [{ release: reviews(chart), timeout: Duration.seconds(1) }] }))
      .toThrow(/httpRoutes\[0\]\.timeout: is set together with release.* See IngressRouteProps\.httpRoutes in the API reference\.$/);
  });

  test('also from a subclass of the construct', () => {
    class ShopNamespace extends MeshNamespace {}
    expect(() => new ShopNamespace(bookinfo(), 'Shop', { name: 'Shop' })).toThrow(/ See MeshNamespaceProps\.name in the API reference\.$/);
  });

  test('a field that is not a prop (a method\'s argument) is left as it is', () => {
    const ns = new MeshNamespace(bookinfo(), 'Shop', { name: 'shop', enrollment: MeshEnrollment.ambient() });
    expect(() => ns.addPortMtlsOverride({ selector: { app: 'db' }, port: 5432, mode: MtlsMode.DISABLE }))
      .toThrow(/^\[bookinfo\/Shop\] addPortMtlsOverride\(5432\)\.mode: is not supported in ambient mode.*\.$/);
    expect(() => ns.addPortMtlsOverride({ selector: { app: 'db' }, port: 5432, mode: MtlsMode.DISABLE })).not.toThrow(/API reference/);
  });
});
