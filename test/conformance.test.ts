import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import {
  collector,
  ConformanceCollector,
  ConformanceValidator,
  conformanceValidator,
  CRD_SOURCES,
  KubernetesCel,
  noticeSharedMissing,
  parseGoDuration,
  parseGoRequestUri,
  re2,
  rewriteCelRule,
  sharedAvailable,
  sharedDir,
  validateManifest,
  validateManifests,
} from './util/conformance';

const available = sharedAvailable();
if (!available) noticeSharedMissing();
const describeWithShared = available ? describe : describe.skip;

const BOOKINFO = path.join(sharedDir(), 'istio', 'samples', 'bookinfo');

function readYaml(file: string): any[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map(d => d.toJSON()).filter(Boolean);
}

function virtualService(http: any): any {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace: 'bookinfo' },
    spec: { hosts: ['reviews'], http: [http] },
  };
}

function serviceEntry(spec: any): any {
  return { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'external' }, spec };
}

function gateway(tls: any): any {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: 'ingress', namespace: 'istio-system' },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['bookinfo.example.com'], tls }],
    },
  };
}

function service(ports: any[]): any {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews' }, spec: { selector: { app: 'reviews' }, ports } };
}

describeWithShared('Bookinfo samples (known-good Istio and Kubernetes objects)', () => {
  const files = available ? fs.readdirSync(BOOKINFO).filter(f => f.endsWith('.yaml')).sort() : [];

  test('the samples cover networking and Kubernetes kinds', () => {
    // GIVEN
    const kinds = new Set(files.flatMap(f => readYaml(path.join(BOOKINFO, f))).map(o => o.kind));

    // THEN
    expect([...kinds].sort()).toEqual(
      ['Deployment', 'DestinationRule', 'Gateway', 'Service', 'ServiceAccount', 'ServiceEntry', 'VirtualService']);
  });

  test.each(files)('%s conforms', (file) => {
    // GIVEN
    const objects = readYaml(path.join(BOOKINFO, file));

    // WHEN
    const errors = validateManifests(objects);

    // THEN
    expect(objects.length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });
});

describeWithShared('Istio CRD schema', () => {
  test('an unknown nested field is an error (the API server would prune it silently)', () => {
    // GIVEN
    const vs = virtualService({ rout: [{ destination: { host: 'reviews' } }] });

    // THEN
    expect(validateManifest(vs)).toEqual([
      expect.stringMatching(/^spec\.http\[0\]\.rout: unknown field \(not in the CRD schema; the API server prunes it/),
    ]);
  });

  test('a value outside an enum is an error', () => {
    // GIVEN
    const dr = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'reviews' },
      spec: { host: 'reviews', trafficPolicy: { tls: { mode: 'SIMPLEX' } } },
    };

    // THEN
    expect(validateManifest(dr)).toEqual([
      expect.stringMatching(/^spec\.trafficPolicy\.tls\.mode: must be one of \[.*"SIMPLE".*"ISTIO_MUTUAL"\] \(got "SIMPLEX"\)$/),
    ]);
  });

  test('a missing required field is an error', () => {
    // GIVEN
    const vs = virtualService({ route: [{ destination: { subset: 'v1' } }] });

    // THEN
    expect(validateManifest(vs)).toEqual([
      expect.stringMatching(/^spec\.http\[0\]\.route\[0\]\.destination\.host: required field is missing$/),
    ]);
  });

  test('fields Istio declares mutually exclusive (oneOf) name both fields', () => {
    // GIVEN
    const vs = virtualService({ match: [{ uri: { exact: '/a', prefix: '/b' } }], route: [{ destination: { host: 'reviews' } }] });

    // THEN
    expect(validateManifest(vs)).toEqual([
      'spec.http[0].match[0].uri: at most one of exact, prefix, regex may be set (got exact and prefix)',
    ]);
  });

  test('two entries of a list-type map with the same key are an error', () => {
    // GIVEN
    const se = serviceEntry({
      hosts: ['api.example.com'],
      ports: [{ number: 80, name: 'http', protocol: 'HTTP' }, { number: 8080, name: 'http', protocol: 'HTTP' }],
      resolution: 'DNS',
    });

    // THEN
    expect(validateManifest(se)).toEqual(['spec.ports[1]: duplicate entry: keys name equal those of [0] (got ["http"])']);
  });

  test('a status field is an error (controllers own it)', () => {
    // GIVEN
    const vs = { ...virtualService({ route: [{ destination: { host: 'reviews' } }] }), status: {} };

    // THEN
    expect(validateManifest(vs)).toEqual([expect.stringMatching(/^status: unknown field/)]);
  });
});

describeWithShared('Istio CEL rules', () => {
  test('timeout "abc" is not a duration', () => {
    // GIVEN
    const vs = virtualService({ timeout: 'abc', route: [{ destination: { host: 'reviews' } }] });

    // THEN
    expect(validateManifest(vs)).toEqual([expect.stringMatching(
      /^spec\.http\[0\]\.timeout: must be a valid duration greater than 1ms \(got "abc"\) \[CEL rule: duration\(self\) >= duration\('1ms'\); evaluation error: invalid duration "abc"\]$/)]);
  });

  test('timeout "500us" is a duration below 1ms', () => {
    // GIVEN
    const vs = virtualService({ timeout: '500us', route: [{ destination: { host: 'reviews' } }] });

    // THEN
    expect(validateManifest(vs)).toEqual([
      'spec.http[0].timeout: must be a valid duration greater than 1ms (got "500us") [CEL rule: duration(self) >= duration(\'1ms\')]',
    ]);
  });

  test('a ServiceEntry port 70000 is out of range', () => {
    // GIVEN
    const se = serviceEntry({ hosts: ['api.example.com'], ports: [{ number: 70000, name: 'https', protocol: 'HTTPS' }], resolution: 'DNS' });

    // THEN
    expect(validateManifest(se)).toEqual([
      'spec.ports[0].number: port must be between 1-65535 (got 70000) [CEL rule: 0 < self && self <= 65535]',
    ]);
  });

  test('a ServiceEntry with resolution NONE cannot have endpoints', () => {
    // GIVEN
    const se = serviceEntry({
      hosts: ['db.example.com'],
      ports: [{ number: 5432, name: 'tcp', protocol: 'TCP' }],
      resolution: 'NONE',
      endpoints: [{ address: '10.0.0.1' }],
    });

    // THEN
    expect(validateManifest(se)).toEqual([expect.stringMatching(
      /^spec: NONE mode cannot set endpoints \(got .*\) \[CEL rule: \(\(has\(self\.resolution\) \? self\.resolution : "NONE"\) == "NONE"\) \? !has\(self\.endpoints\) : true\]$/)]);
  });

  test('an AuthorizationPolicy cannot have both selector and targetRef', () => {
    // GIVEN
    const ap = {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'allow-reviews' },
      spec: { selector: { matchLabels: { app: 'reviews' } }, targetRef: { kind: 'Service', group: '', name: 'reviews' }, action: 'ALLOW' },
    };

    // THEN
    expect(validateManifest(ap)).toEqual([
      expect.stringMatching(/^spec: only one of targetRefs or selector can be set \(got .*\) \[CEL rule: \(has\(self\.selector\) \? 1 : 0\) \+ \(has\(self\.targetRef\)/),
    ]);
  });

  test('a PeerAuthentication with portLevelMtls needs a selector', () => {
    // GIVEN
    const pa = {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: 'bookinfo' },
      spec: { mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'PERMISSIVE' } } },
    };

    // THEN
    expect(validateManifest(pa)).toEqual([expect.stringMatching(/^spec: portLevelMtls requires selector \(got .*\) \[CEL rule: has\(self\.portLevelMtls\)/)]);
  });

  test('a Gateway server cannot have both credentialName and credentialNames', () => {
    // GIVEN
    const gw = gateway({ mode: 'SIMPLE', credentialName: 'bookinfo-cert', credentialNames: ['bookinfo-cert-rsa', 'bookinfo-cert-ecdsa'] });

    // THEN
    expect(validateManifest(gw)).toEqual([
      expect.stringMatching(/^spec\.servers\[0\]\.tls: only one of credentialName or credentialNames can be set \(got .*\) \[CEL rule: \(has\(self\.credentialName\)/),
    ]);
  });

  test('a Gateway server with one credentialName conforms', () => {
    // GIVEN
    const gw = gateway({ mode: 'SIMPLE', credentialName: 'bookinfo-cert' });

    // THEN
    expect(validateManifest(gw)).toEqual([]);
  });

  test('every CEL rule of the three CRD bundles compiles', () => {
    // WHEN
    const result = conformanceValidator().compileAllRules();

    // THEN
    expect(result.failures).toEqual([]);
    expect(result.rules).toBeGreaterThan(300);
    expect(result.distinct).toBeGreaterThan(100);
    expect(result.transitionRules).toBeGreaterThan(0); // `oldSelf` rules: skipped, a synthesized object is always a create
  });
});

describeWithShared('Gateway API and cert-manager CRDs', () => {
  test('an HTTPRoute path without a leading slash breaks a CEL rule (evaluated after CRD defaults are applied)', () => {
    // GIVEN
    const route = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'reviews' },
      spec: { parentRefs: [{ name: 'gw' }], rules: [{ matches: [{ path: { value: 'no-slash' } }], backendRefs: [{ name: 'reviews', port: 9080 }] }] },
    };

    // THEN
    expect(validateManifest(route)).toEqual([
      expect.stringMatching(/^spec\.rules\[0\]\.matches\[0\]\.path: value must be an absolute path and start with '\/' when type one of \['Exact', 'PathPrefix'\]/),
    ]);
  });

  test.each(available ? fs.readdirSync(path.join(BOOKINFO, 'gateway-api')).filter(f => f.endsWith('.yaml')).sort() : [])(
    'the Bookinfo Gateway API sample %s conforms', (file) => {
      // GIVEN
      const objects = readYaml(path.join(BOOKINFO, 'gateway-api', file));

      // THEN
      expect(objects.length).toBeGreaterThan(0);
      expect(validateManifests(objects)).toEqual([]);
    });

  test('a Gateway listener with tls on HTTP breaks a CEL rule', () => {
    // GIVEN
    const gw = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw' },
      spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP', tls: { mode: 'Terminate', certificateRefs: [{ name: 'c' }] } }] },
    };

    // THEN
    expect(validateManifest(gw)).toEqual([expect.stringMatching(/^spec\.listeners: tls must not be specified for protocols \['HTTP', 'TCP', 'UDP'\]/)]);
  });

  test('a TCPRoute Service backendRef without port breaks a CEL rule', () => {
    // GIVEN
    const route = {
      apiVersion: 'gateway.networking.k8s.io/v1alpha2',
      kind: 'TCPRoute',
      metadata: { name: 'db' },
      spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'postgres' }] }] },
    };

    // THEN
    expect(validateManifest(route)).toEqual([expect.stringMatching(/^spec\.rules\[0\]\.backendRefs\[0\]: Must have port for Service reference/)]);
  });

  test('a TLSRoute without hostnames is an error', () => {
    // GIVEN
    const route = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'TLSRoute',
      metadata: { name: 'legacy' },
      spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'legacy', port: 443 }] }] },
    };

    // THEN
    expect(validateManifest(route)).toEqual(['spec.hostnames: required field is missing']);
  });

  test('a TCPRoute in v1 (a version the CRD does not define) is an error', () => {
    // GIVEN
    const route = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'TCPRoute',
      metadata: { name: 'db' },
      spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'postgres', port: 5432 }] }] },
    };

    // THEN
    expect(validateManifest(route)).toEqual([expect.stringMatching(/^apiVersion: TCPRoute is not served at this version; served: .*gateway\.networking\.k8s\.io\/v1alpha2\b/)]);
  });

  test('a cert-manager Certificate without secretName is an error', () => {
    // GIVEN
    const certificate = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'bookinfo', namespace: 'istio-system' },
      spec: { dnsNames: ['bookinfo.example.com'], issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' } },
    };

    // THEN
    expect(validateManifest(certificate)).toEqual(['spec.secretName: required field is missing']);
  });
});

describeWithShared('Kubernetes kinds', () => {
  test('valid objects of every Kubernetes kind the library emits conform', () => {
    // GIVEN
    const podSpec = {
      containers: [{ name: 'reviews', image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.3', ports: [{ name: 'http', containerPort: 9080 }] }],
    };
    const labels = { app: 'reviews', version: 'v1' };
    const template = { metadata: { labels }, spec: podSpec };
    const objects = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bookinfo', labels: { 'istio-injection': 'enabled' } } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bookinfo-reviews', namespace: 'bookinfo' } },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'bookinfo-cert', namespace: 'istio-system' },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5' },
      },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { 'mesh.yaml': 'x: 1' } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'reviews', labels }, spec: podSpec },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'reviews-v1' }, spec: { selector: { matchLabels: labels }, template } },
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'ratings' },
        spec: { serviceName: 'ratings', selector: { matchLabels: labels }, template },
      },
      { ...service([{ name: 'http', port: 9080, targetPort: 'http', appProtocol: 'http' }]), metadata: { name: 'reviews', namespace: 'bookinfo' } },
    ];

    // THEN
    expect(validateManifests(objects)).toEqual([]);
  });

  test('a Service port 70000 is out of range', () => {
    // GIVEN
    const svc = service([{ name: 'http', port: 70000, targetPort: 9080 }]);

    // THEN
    expect(validateManifest(svc)).toEqual(['spec.ports[0].port: must be between 1 and 65535, inclusive (got 70000)']);
  });

  test('a Service with two unnamed ports is an error', () => {
    // GIVEN
    const svc = service([{ port: 80 }, { port: 443 }]);

    // THEN
    expect(validateManifest(svc)).toEqual([
      'spec.ports[0].name: is required when a Service has more than one port',
      'spec.ports[1].name: is required when a Service has more than one port',
    ]);
  });

  test('a Namespace must not have metadata.namespace', () => {
    // GIVEN
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bookinfo', namespace: 'default' } };

    // THEN
    expect(validateManifest(ns)).toEqual(['metadata.namespace: must not be set: Namespace is cluster-scoped (got "default")']);
  });

  test('a Service name must be a DNS-1035 label', () => {
    // GIVEN
    const svc = { ...service([{ name: 'http', port: 9080 }]), metadata: { name: '9reviews' } };

    // THEN
    expect(validateManifest(svc)).toEqual([expect.stringMatching(/^metadata\.name: must be a DNS-1035 label .* \(got "9reviews"\)$/)]);
  });

  test('a Deployment whose selector does not match its template labels is an error', () => {
    // GIVEN
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'reviews-v1' },
      spec: {
        selector: { matchLabels: { app: 'reviews', version: 'v1' } },
        template: { metadata: { labels: { app: 'reviews' } }, spec: { containers: [{ name: 'reviews', image: 'reviews:1' }] } },
      },
    };

    // THEN
    expect(validateManifest(deployment)).toEqual([
      'spec.template.metadata.labels: selector does not match template labels: version=v1 is missing (got {"app":"reviews"})',
    ]);
  });

  test('a field the kubernetes-models schema rejects is reported with its path', () => {
    // GIVEN
    const svc = service([{ name: 'http', port: 'eighty' }]);

    // THEN
    expect(validateManifest(svc)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^spec\.ports\[0\]\.port: must be integer \(kubernetes-models schema\) \(got "eighty"\)$/),
    ]));
  });

  test('an unknown top-level field of a Kubernetes kind is an error', () => {
    // GIVEN
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: 'b' }, spec: {} };

    // THEN
    expect(validateManifest(cm)).toEqual(['spec: unknown field: ConfigMap has no top-level field "spec" (the API server drops it) (got {})']);
  });
});

describeWithShared('kinds and versions', () => {
  test('an unknown kind is an error', () => {
    // GIVEN
    const obj = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };

    // THEN
    expect(validateManifest(obj)).toEqual([expect.stringMatching(/^apiVersion\/kind: unknown kind: no CRD .* \(got "example.com\/v1 Widget"\)$/)]);
  });

  test('an unknown kind in an Istio group is an error', () => {
    // GIVEN
    const obj = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualRoute', metadata: { name: 'r' }, spec: {} };

    // THEN
    expect(validateManifest(obj)).toEqual(['kind: no CRD of group networking.istio.io defines this kind (got "VirtualRoute")']);
  });

  test('a version the CRD does not define is an error', () => {
    // GIVEN
    const obj = { apiVersion: 'networking.istio.io/v2', kind: 'VirtualService', metadata: { name: 'r' }, spec: {} };

    // THEN
    expect(validateManifest(obj)).toEqual([expect.stringMatching(/^apiVersion: VirtualService is not served at this version; served: .*networking\.istio\.io\/v1\b/)]);
  });

  test('objects of this library\'s own API group are not checked', () => {
    expect(validateManifest({ apiVersion: 'mesh.cdk8s-istio.dev/v1', kind: 'Anything', metadata: { name: 'a' } })).toEqual([]);
  });

  test('v1beta1 Istio objects are checked against the same schema', () => {
    // GIVEN
    const vs = { ...virtualService({ timeout: '500us', route: [{ destination: { host: 'reviews' } }] }), apiVersion: 'networking.istio.io/v1beta1' };

    // THEN
    expect(validateManifest(vs)).toEqual([expect.stringMatching(/^spec\.http\[0\]\.timeout: must be a valid duration greater than 1ms/)]);
  });
});

describeWithShared('metadata', () => {
  test('a custom resource name must be a DNS-1123 subdomain', () => {
    // GIVEN
    const vs = { ...virtualService({ route: [{ destination: { host: 'reviews' } }] }), metadata: { name: 'Reviews_Route' } };

    // THEN
    expect(validateManifest(vs)).toEqual([expect.stringMatching(/^metadata\.name: must be a DNS-1123 subdomain .* \(got "Reviews_Route"\)$/)]);
  });

  test('a missing name and an invalid label value are errors', () => {
    // GIVEN
    const vs = { ...virtualService({ route: [{ destination: { host: 'reviews' } }] }), metadata: { labels: { app: 'not ok' } } };

    // THEN
    expect(validateManifest(vs)).toEqual([
      expect.stringMatching(/^metadata\.name: is required/),
      expect.stringMatching(/^metadata\.labels\["app"\]: value must be empty or alphanumerics/),
    ]);
  });
});

describe('validator mechanics (on a synthetic CRD)', () => {
  let dir: string;
  let validator: ConformanceValidator;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-test-'));
    const schema = {
      type: 'object',
      properties: {
        spec: {
          'type': 'object',
          'properties': { replicas: { type: 'integer' }, name: { type: 'string' } },
          'x-kubernetes-validations': [
            { rule: 'self.replicas <= 3', messageExpression: '\'replicas must be at most 3, got \' + string(self.replicas)', fieldPath: '.replicas' },
            { rule: 'self.name.frobnicate()', message: 'never compiles' },
            { rule: 'self.replicas == oldSelf.replicas', message: 'immutable' },
          ],
        },
      },
    };
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.test' },
      spec: {
        group: 'example.test',
        names: { kind: 'Widget', plural: 'widgets' },
        scope: 'Namespaced',
        versions: [
          { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } },
          { name: 'v1alpha1', served: false, storage: false, schema: { openAPIV3Schema: schema } },
        ],
      },
    };
    CRD_SOURCES.forEach((source, i) => {
      fs.mkdirSync(path.dirname(path.join(dir, 'shared', source)), { recursive: true });
      fs.writeFileSync(path.join(dir, 'shared', source), i === 0 ? JSON.stringify(crd) : '');
    });
    validator = new ConformanceValidator(path.join(dir, 'shared'), path.join(dir, 'cache'));
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const widget = (spec: any, version = 'v1') => ({ apiVersion: `example.test/${version}`, kind: 'Widget', metadata: { name: 'w' }, spec });

  test('messageExpression and fieldPath are reported, a rule that does not compile is an error, transition rules are skipped', () => {
    expect(validator.validate(widget({ replicas: 5, name: 'a' }))).toEqual([
      'spec.replicas: replicas must be at most 3, got 5 (got 5) [CEL rule: self.replicas <= 3]',
      expect.stringMatching(/^spec: CEL rule does not compile \(.*\) \[rule: self\.name\.frobnicate\(\)\]$/),
    ]);
  });

  test('a version the CRD does not serve is an error', () => {
    expect(validator.validate(widget({ replicas: 1 }, 'v1alpha1'))).toEqual(expect.arrayContaining([
      'apiVersion: Widget v1alpha1 is not served by the CRD (got "example.test/v1alpha1")',
    ]));
  });

  test('the parsed CRDs and the generated validator are cached on disk', () => {
    expect(fs.readdirSync(path.join(dir, 'cache')).some(f => fs.existsSync(path.join(dir, 'cache', f, 'index.json')))).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'cache', 'validators')).filter(f => f.endsWith('.js'))).toHaveLength(1);
  });

  test('a rule that cannot be compiled fails the all-rules check with its text', () => {
    expect(validator.compileAllRules().failures).toEqual([
      expect.stringMatching(/^example\.test\/v1\/Widget\.properties\.spec: self\.name\.frobnicate\(\): /),
      expect.stringMatching(/^example\.test\/v1alpha1\/Widget\.properties\.spec: self\.name\.frobnicate\(\): /),
    ]);
  });

  test('an unknown function does not compile', () => {
    expect(new KubernetesCel().compile('self.frobnicate()')).toBeInstanceOf(Error);
  });
});

describe('Kubernetes CEL library', () => {
  test('durations follow Go time.ParseDuration', () => {
    expect(parseGoDuration('0')).toEqual(0n);
    expect(parseGoDuration('1.5ms')).toEqual(1500000n);
    expect(parseGoDuration('1h2m3s')).toEqual(3723000000000n);
    expect(parseGoDuration('500us')).toEqual(500000n);
    expect(parseGoDuration('s')).toBeUndefined();
    expect(parseGoDuration('5')).toBeUndefined();
    expect(parseGoDuration('abc')).toBeUndefined();
  });

  test('URLs follow Go url.ParseRequestURI', () => {
    expect(parseGoRequestUri('oci://ghcr.io/org/filter:1.0')?.scheme).toEqual('oci');
    expect(parseGoRequestUri('https://example.com:8443/jwks')).toMatchObject({ scheme: 'https', hostname: 'example.com', port: '8443' });
    expect(parseGoRequestUri('ghcr.io/org/filter:1.0')).toBeUndefined(); // no scheme and not an absolute path
    expect(parseGoRequestUri('http://exa mple.com/')).toBeUndefined();
  });

  test('regular expressions follow RE2 (flags groups, named groups)', () => {
    expect(re2('^(?i)\\.?[a-z_]+$').test('Reviews')).toBe(true); // the GRPCRoute service rule's form
    expect(re2('(?i)^[a-z]+$').test('Reviews')).toBe(true);
    expect(re2('^[a-z]+$').test('Reviews')).toBe(false);
    expect(re2('^(?P<name>[a-z]+)\\z').exec('reviews')?.groups?.name).toEqual('reviews');
    expect(() => re2('^a(?i)b$')).toThrow(/flags in the middle/);
  });

  test('rules are rewritten only where cel-js differs, never inside string literals', () => {
    expect(rewriteCelRule('self.matches("x.matches(y)") && duration(self) > duration(\'1s\')'))
      .toEqual('self.k8sMatches("x.matches(y)") && k8sDuration(self) > k8sDuration(\'1s\')');
    expect(rewriteCelRule('has(self[0].matches) && has(self.a.b)')).toEqual('("matches" in (self[0])) && has(self.a.b)');
  });
});

describeWithShared('collection of synthesized objects', () => {
  test('objects synthesized by a test are collected for the end-of-file check', () => {
    // GIVEN
    const chart = Testing.chart();
    new ApiObject(chart, 'Reviews', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews' },
      spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }] }] },
    });
    const before = collector.size;

    // WHEN
    Testing.synth(chart);

    // THEN
    expect(collector.size).toEqual(before + 1);
  });

  test('the report names each non-conformant object, the tests that made it, and every problem', () => {
    // GIVEN
    const local = new ConformanceCollector();
    const broken = virtualService({ timeout: 'abc', rout: [] });
    local.record([broken, service([{ name: 'http', port: 80 }])], 'IngressRoute renders a timeout',
      o => (o.kind === 'VirtualService' ? 'bookinfo/Reviews/Resource' : undefined));
    local.record([broken], 'IngressRoute renders again');

    // WHEN
    const report = local.report();

    // THEN
    expect(report).toMatch(/^1 synthesized object\(s\) do not conform/);
    expect(report).toMatch(/networking\.istio\.io\/v1 VirtualService bookinfo\/reviews at bookinfo\/Reviews\/Resource \(synthesized by "IngressRoute renders a timeout", "IngressRoute renders again"\)/);
    expect(report).toMatchSnapshot();
  });

  test('objects of an exempted test are not checked', () => {
    // GIVEN
    const local = new ConformanceCollector();
    local.record([virtualService({ timeout: 'abc' })], 'escape hatch writes what it is told');

    // WHEN
    local.exemptTest('escape hatch writes what it is told', 'tests addSpecOverride, which does not validate');

    // THEN
    expect(local.report()).toBeUndefined();
  });
});
