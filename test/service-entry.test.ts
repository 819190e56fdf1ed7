import { Chart, Testing } from 'cdk8s';
import { oneOf, synth } from './util';
import { Protocol } from '../src/protocol';
import { ServiceEntry, ServiceEntryLocation, ServiceEntryResolution } from '../src/service-entry';

const HTTP = { number: 80, name: 'http', protocol: Protocol.HTTP };
const HTTPS = { number: 443, name: 'https', protocol: Protocol.HTTPS };

function chart(): Chart {
  return Testing.chart();
}

describe('ServiceEntry manifests', () => {
  test('Bookinfo egress-rule-google-apis: www.googleapis.com on 80 and 443, resolved in DNS', () => {
    // GIVEN
    const c = chart();

    // WHEN
    new ServiceEntry(c, 'Googleapis', {
      hosts: ['www.googleapis.com'],
      ports: [HTTP, HTTPS],
      resolution: ServiceEntryResolution.DNS,
    });

    // THEN
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'ServiceEntry', 'googleapis')).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'googleapis' },
      spec: {
        hosts: ['www.googleapis.com'],
        ports: [
          { number: 80, name: 'http', protocol: 'HTTP' },
          { number: 443, name: 'https', protocol: 'HTTPS' },
        ],
        resolution: 'DNS',
      },
    });
  });

  test('DNS entry whose endpoint is an external IP with its own port (myapp.local:80 -> 192.168.0.163:4154)', () => {
    // GIVEN
    const c = chart();
    const entry = new ServiceEntry(c, 'ExternalSvcDns', {
      hosts: ['myapp.local'],
      location: ServiceEntryLocation.MESH_EXTERNAL,
      resolution: ServiceEntryResolution.DNS,
      ports: [HTTP],
    });

    // WHEN
    entry.addEndpoint({ address: '192.168.0.163', ports: { http: 4154 } });

    // THEN
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'ServiceEntry').spec).toEqual({
      hosts: ['myapp.local'],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
      ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
      endpoints: [{ address: '192.168.0.163', ports: { http: 4154 } }],
    });
  });

  test('STATIC entry: a MongoDB cluster behind a virtual CIDR, with weighted, labelled endpoints', () => {
    // GIVEN
    const c = new Chart(Testing.app(), 'mongo', { namespace: 'data' });

    // WHEN
    const entry = new ServiceEntry(c, 'ExternalSvcMongocluster', {
      hosts: ['mymongodb.somedomain'],
      addresses: ['192.192.192.192/24'],
      ports: [{ number: 27018, name: 'mongodb', protocol: Protocol.MONGO }],
      location: ServiceEntryLocation.MESH_INTERNAL,
      resolution: ServiceEntryResolution.STATIC,
      exportTo: ['.'],
      subjectAltNames: ['spiffe://cluster.local/ns/data/sa/mongo'],
    });
    entry.addEndpoint({ address: '2.2.2.2', labels: { version: 'v1' }, weight: 3, locality: 'us-east1/us-east1-b' });
    entry.addEndpoint({ address: '3.3.3.3', labels: { version: 'v2' }, network: 'vpc-2', serviceAccount: 'mongo' });

    // THEN
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    const spec = oneOf(manifests, 'ServiceEntry', 'external-svc-mongocluster').spec;
    expect(spec.addresses).toEqual(['192.192.192.192/24']);
    expect(spec.endpoints).toEqual([
      { address: '2.2.2.2', labels: { version: 'v1' }, weight: 3, locality: 'us-east1/us-east1-b' },
      { address: '3.3.3.3', labels: { version: 'v2' }, network: 'vpc-2', serviceAccount: 'mongo' },
    ]);
    expect(spec.exportTo).toEqual(['.']);
    expect(spec.subjectAltNames).toEqual(['spiffe://cluster.local/ns/data/sa/mongo']);
    expect(oneOf(manifests, 'ServiceEntry').metadata.namespace).toEqual('data');
  });
});

describe('ServiceEntry behaviour', () => {
  test('accessors report what was configured, and return copies', () => {
    // GIVEN
    const entry = new ServiceEntry(chart(), 'Api', {
      hosts: ['api.example.com'],
      ports: [HTTPS],
      resolution: ServiceEntryResolution.DNS,
      metadata: { name: 'payments-api', namespace: 'shop' },
    });

    // WHEN
    entry.hosts.push('other.example.com');
    entry.ports.push(HTTP);

    // THEN
    expect(entry.name).toEqual('payments-api');
    expect(entry.namespace).toEqual('shop');
    expect(entry.hosts).toEqual(['api.example.com']);
    expect(entry.ports).toEqual([HTTPS]);
    expect(entry.resolution).toEqual(ServiceEntryResolution.DNS);
    expect(entry.location).toEqual(ServiceEntryLocation.MESH_EXTERNAL);
  });

  test('addresses, endpoints and workloadSelector accessors return copies', () => {
    // GIVEN
    const vm = new ServiceEntry(chart(), 'Vm', {
      hosts: ['vm.internal'],
      addresses: ['10.0.0.0/24'],
      resolution: ServiceEntryResolution.STATIC,
      endpoints: [{ address: '10.0.0.7', labels: { version: 'v1' } }],
    });
    const selected = new ServiceEntry(chart(), 'Selected', {
      hosts: ['selected.internal'],
      resolution: ServiceEntryResolution.STATIC,
      workloadSelector: { app: 'legacy' },
    });

    // WHEN
    vm.addresses.push('10.0.1.0/24');
    vm.endpoints[0].labels!.version = 'v2';
    selected.workloadSelector!.app = 'other';

    // THEN
    expect(vm.addresses).toEqual(['10.0.0.0/24']);
    expect(vm.endpoints).toEqual([{ address: '10.0.0.7', labels: { version: 'v1' } }]);
    expect(vm.workloadSelector).toBeUndefined();
    expect(selected.workloadSelector).toEqual({ app: 'legacy' });
  });

  test('resolution defaults to NONE without rendering it', () => {
    // GIVEN
    const c = chart();

    // WHEN
    const entry = new ServiceEntry(c, 'Wildcard', { hosts: ['*.example.com'], ports: [HTTPS] });

    // THEN
    expect(entry.resolution).toEqual(ServiceEntryResolution.NONE);
    expect(oneOf(synth(c), 'ServiceEntry').spec).toEqual({
      hosts: ['*.example.com'],
      ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }],
    });
  });

  test('a port added after construction and a targetPort are rendered', () => {
    // GIVEN
    const c = chart();
    const entry = new ServiceEntry(c, 'Db', { hosts: ['db.internal'], addresses: ['10.0.0.5'] });

    // WHEN
    entry.addPort({ number: 5432, name: 'tcp-pg', protocol: Protocol.TCP, targetPort: 6432 });

    // THEN
    expect(oneOf(synth(c), 'ServiceEntry').spec.ports).toEqual([{ number: 5432, name: 'tcp-pg', protocol: 'TCP', targetPort: 6432 }]);
  });

  test('an endpoint may name a port that is added later', () => {
    // GIVEN
    const c = chart();
    const entry = new ServiceEntry(c, 'Vm', { hosts: ['vm.internal'], resolution: ServiceEntryResolution.STATIC });

    // WHEN
    entry.addEndpoint({ address: '10.1.2.3', ports: { http: 8080 } });
    entry.addPort(HTTP);

    // THEN
    expect(oneOf(synth(c), 'ServiceEntry').spec.endpoints).toEqual([{ address: '10.1.2.3', ports: { http: 8080 } }]);
  });

  test('workloadSelector renders as workloadSelector.labels', () => {
    // GIVEN
    const c = chart();

    // WHEN
    new ServiceEntry(c, 'Legacy', {
      hosts: ['legacy.internal'],
      location: ServiceEntryLocation.MESH_INTERNAL,
      resolution: ServiceEntryResolution.STATIC,
      ports: [HTTP],
      workloadSelector: { app: 'legacy-vm' },
    });

    // THEN
    expect(oneOf(synth(c), 'ServiceEntry').spec.workloadSelector).toEqual({ labels: { app: 'legacy-vm' } });
  });

  test('exportTo "~" alone is accepted', () => {
    // GIVEN
    const c = chart();

    // WHEN
    new ServiceEntry(c, 'Hidden', { hosts: ['hidden.example.com'], ports: [HTTPS], exportTo: ['~'] });

    // THEN
    expect(oneOf(synth(c), 'ServiceEntry').spec.exportTo).toEqual(['~']);
  });

  test('DYNAMIC_DNS with a wildcard host and HTTP/TLS ports is accepted', () => {
    // GIVEN
    const c = chart();

    // WHEN
    new ServiceEntry(c, 'Dynamic', {
      hosts: ['*.googleapis.com'],
      resolution: ServiceEntryResolution.DYNAMIC_DNS,
      ports: [HTTP, { number: 443, name: 'tls', protocol: Protocol.TLS }],
    });

    // THEN
    expect(oneOf(synth(c), 'ServiceEntry').spec.resolution).toEqual('DYNAMIC_DNS');
  });

  test('a STATIC unix:// endpoint with exactly one port is accepted', () => {
    // GIVEN
    const c = chart();

    // WHEN
    new ServiceEntry(c, 'Uds', {
      hosts: ['uds.internal'],
      resolution: ServiceEntryResolution.STATIC,
      ports: [HTTP],
      endpoints: [{ address: 'unix:///var/run/app.sock' }],
    });

    // THEN
    expect(oneOf(synth(c), 'ServiceEntry').spec.endpoints).toEqual([{ address: 'unix:///var/run/app.sock' }]);
  });

  test('synth reports every deferred problem at once', () => {
    // GIVEN
    const c = chart();
    const entry = new ServiceEntry(c, 'Broken', { hosts: ['vm.internal'], resolution: ServiceEntryResolution.STATIC, ports: [HTTP] });

    // WHEN
    entry.addEndpoint({ address: '10.0.0.1', ports: { grpc: 9000 } });
    entry.addEndpoint({ address: '10.0.0.2', ports: { admin: 9001 } });

    // THEN
    expect(() => synth(c)).toThrow(/endpoints\[0\]\.ports\.grpc[\s\S]*endpoints\[1\]\.ports\.admin/);
  });
});

describe('ServiceEntry errors', () => {
  test('hosts must not be empty', () => {
    expect(() => new ServiceEntry(chart(), 'Se', { hosts: [] }))
      .toThrow(/hosts: must list at least one host.*Fix: list the DNS names/);
  });

  test('"*" alone is refused as a host', () => {
    expect(() => new ServiceEntry(chart(), 'Se', { hosts: ['*'] }))
      .toThrow(/hosts\[0\]: must not be "\*" alone.*Fix: list the domains you need, e\.g\. "\*\.example\.com"/);
  });

  test('an IP literal is refused as a host', () => {
    expect(() => new ServiceEntry(chart(), 'Se', { hosts: ['api.example.com', '10.0.0.5'] }))
      .toThrow(/hosts\[1\]: is an IP address.*\(got "10\.0\.0\.5"\).*Fix: put the IP in addresses/);
  });

  test('hosts must be domain names with at most a leading wildcard label', () => {
    expect(() => new ServiceEntry(chart(), 'Se', { hosts: ['*foo.example.com'] }))
      .toThrow(/hosts\[0\]: uses a partial wildcard.*Fix: write a domain name/);
  });

  test('DYNAMIC_DNS hosts must start with "*."', () => {
    expect(() => new ServiceEntry(chart(), 'Se', { hosts: ['api.example.com'], resolution: ServiceEntryResolution.DYNAMIC_DNS }))
      .toThrow(/hosts\[0\]: must start with "\*\." when resolution is DYNAMIC_DNS.*Fix: write a wildcard host/);
  });

  test('DYNAMIC_DNS takes no addresses', () => {
    expect(() => new ServiceEntry(chart(), 'Se', {
      hosts: ['*.example.com'],
      addresses: ['10.0.0.5'],
      resolution: ServiceEntryResolution.DYNAMIC_DNS,
    })).toThrow(/addresses: must be empty when resolution is DYNAMIC_DNS.*Fix: remove addresses/);
  });

  test('addresses must be IPs or CIDR blocks', () => {
    expect(() => new ServiceEntry(chart(), 'Se', { hosts: ['db.internal'], addresses: ['db.internal'] }))
      .toThrow(/addresses\[0\]: must be an IP address or a CIDR block.*Fix: write an IP address/);
  });

  test('a CIDR block needs resolution NONE or STATIC', () => {
    expect(() => new ServiceEntry(chart(), 'Se', {
      hosts: ['db.internal'],
      addresses: ['10.0.0.0/24'],
      resolution: ServiceEntryResolution.DNS,
    })).toThrow(/addresses\[0\]: is a CIDR block, which resolution DNS does not accept.*Fix: give a single IP address, or use resolution NONE or STATIC/);
  });

  test('exportTo follows Istio\'s rules', () => {
    expect(() => new ServiceEntry(chart(), 'Se', { hosts: ['api.example.com'], exportTo: ['~', 'shop'] }))
      .toThrow(/exportTo: "\*" and "~" must be the only entry.*Fix: list "\." \(this namespace\)/);
  });

  test('exportTo must not list "." and the own namespace together', () => {
    expect(() => new ServiceEntry(chart(), 'Se', { hosts: ['api.example.com'], exportTo: ['.', 'default'], ports: [HTTPS] }))
      .toThrow(/exportTo: lists both "\." and "default", its own namespace, so the same entry twice.*Fix: list "\." \(this namespace\).*each once.*webhook rejects/);
  });

  test('workloadSelector labels must be valid Kubernetes labels', () => {
    expect(() => new ServiceEntry(chart(), 'Se', {
      hosts: ['vm.internal'],
      resolution: ServiceEntryResolution.STATIC,
      workloadSelector: { app: 'vm*' },
    })).toThrow(/workloadSelector: label value "vm\*" of "app" is not a valid Kubernetes label value.*Fix: give the labels of the endpoint workloads/);
  });

  test('workloadSelector must not be empty', () => {
    expect(() => new ServiceEntry(chart(), 'Se', { hosts: ['vm.internal'], resolution: ServiceEntryResolution.STATIC, workloadSelector: {} }))
      .toThrow(/workloadSelector: has no labels, so it would select every workload.*Fix: give the labels .* or omit workloadSelector/);
  });

  test('workloadSelector needs a resolution other than NONE', () => {
    expect(() => new ServiceEntry(chart(), 'Se', { hosts: ['vm.internal'], workloadSelector: { app: 'vm' } }))
      .toThrow(/workloadSelector: is set while resolution is NONE.*Fix: set resolution: ServiceEntryResolution\.STATIC/);
  });

  test('port numbers must be 1 to 65535', () => {
    expect(() => new ServiceEntry(chart(), 'Se', { hosts: ['api.example.com'], ports: [{ number: 0, name: 'http', protocol: Protocol.HTTP }] }))
      .toThrow(/ports\[0\]\.number: must be an integer from 1 to 65535 \(got 0\).*Fix: use the port number clients connect to/);
  });

  test('port names must be DNS labels', () => {
    expect(() => new ServiceEntry(chart(), 'Se', { hosts: ['api.example.com'], ports: [{ number: 80, name: 'http_api', protocol: Protocol.HTTP }] }))
      .toThrow(/ports\[0\]\.name: must be a DNS label.*\(got "http_api"\).*Fix: name the port like "http"/);
  });

  test('targetPort must be 1 to 65535', () => {
    expect(() => new ServiceEntry(chart(), 'Se', { hosts: ['api.example.com'], ports: [{ ...HTTP, targetPort: 70000 }] }))
      .toThrow(/ports\[0\]\.targetPort: must be an integer from 1 to 65535.*Fix: give the port the endpoints listen on, or omit targetPort/);
  });

  test('port names must be unique', () => {
    expect(() => new ServiceEntry(chart(), 'Se', { hosts: ['api.example.com'], ports: [HTTP, { ...HTTPS, name: 'http' }] }))
      .toThrow(/ports\[1\]\.name: is already the name of ports\[0\].*Fix: give every port a unique name/);
  });

  test('port numbers must be unique', () => {
    expect(() => new ServiceEntry(chart(), 'Se', { hosts: ['api.example.com'], ports: [HTTP, { ...HTTP, name: 'http2', protocol: Protocol.HTTP2 }] }))
      .toThrow(/ports\[1\]\.number: is already the number of ports\[0\] \("http"\).*Fix: declare each port number once/);
  });

  test('DYNAMIC_DNS ports must be HTTP, HTTP2, GRPC or TLS', () => {
    expect(() => new ServiceEntry(chart(), 'Se', { hosts: ['*.example.com'], resolution: ServiceEntryResolution.DYNAMIC_DNS, ports: [HTTPS] }))
      .toThrow(/ports\[0\]\.protocol: must be HTTP, HTTP2, GRPC or TLS when resolution is DYNAMIC_DNS.*Fix: use one of those protocols/);
  });

  test('several hosts with a resolution other than NONE take HTTP or TLS ports only', () => {
    expect(() => new ServiceEntry(chart(), 'Se', {
      hosts: ['a.example.com', 'b.example.com'],
      resolution: ServiceEntryResolution.DNS,
      ports: [{ number: 5432, name: 'tcp-pg', protocol: Protocol.TCP }],
    })).toThrow(/ports\[0\]\.protocol: is neither HTTP nor TLS.*\(got "TCP"\).*Fix: create one ServiceEntry per host.*multiple hosts provided with non-HTTP, non-TLS ports/);
  });

  test('a TCP port with resolution NONE needs addresses (IST0134)', () => {
    expect(() => new ServiceEntry(chart(), 'Se', { hosts: ['db.example.com'], ports: [{ number: 5432, name: 'tcp-pg', protocol: Protocol.TCP }] }))
      .toThrow(/ports\[0\]\.protocol: is TCP on a ServiceEntry without addresses while resolution is NONE.*IST0134.*Fix: list the service's IPs or CIDR blocks in addresses, or use resolution DNS or STATIC.*In the cluster: every TCP connection to port 5432/);
  });

  test('endpoints and workloadSelector are exclusive', () => {
    expect(() => new ServiceEntry(chart(), 'Se', {
      hosts: ['vm.internal'],
      resolution: ServiceEntryResolution.STATIC,
      workloadSelector: { app: 'vm' },
      endpoints: [{ address: '10.0.0.1' }],
    })).toThrow(/endpoints\[0\]: cannot be combined with workloadSelector.*Fix: either list endpoints or select workloads/);
  });

  test('resolution NONE takes no endpoints', () => {
    const entry = new ServiceEntry(chart(), 'Se', { hosts: ['api.example.com'], ports: [HTTPS] });
    expect(() => entry.addEndpoint({ address: '10.0.0.1' }))
      .toThrow(/endpoints\[0\]: is not allowed with resolution NONE.*Fix: set resolution STATIC for IP endpoints or DNS/);
  });

  test('resolution DYNAMIC_DNS takes no endpoints', () => {
    const entry = new ServiceEntry(chart(), 'Se', { hosts: ['*.example.com'], resolution: ServiceEntryResolution.DYNAMIC_DNS, ports: [HTTP] });
    expect(() => entry.addEndpoint({ address: 'api.example.com' }))
      .toThrow(/endpoints\[0\]: is not allowed with resolution DYNAMIC_DNS.*Fix: set resolution STATIC/);
  });

  test('DNS_ROUND_ROBIN takes at most one endpoint', () => {
    const entry = new ServiceEntry(chart(), 'Se', {
      hosts: ['api.example.com'],
      resolution: ServiceEntryResolution.DNS_ROUND_ROBIN,
      ports: [HTTP],
      endpoints: [{ address: 'a.example.com' }],
    });
    expect(() => entry.addEndpoint({ address: 'b.example.com' }))
      .toThrow(/endpoints\[1\]: is a second endpoint, and resolution DNS_ROUND_ROBIN takes at most one.*Fix: use resolution DNS/);
  });

  test('STATIC endpoint addresses must be IPs', () => {
    const entry = new ServiceEntry(chart(), 'Se', { hosts: ['vm.internal'], resolution: ServiceEntryResolution.STATIC, ports: [HTTP] });
    expect(() => entry.addEndpoint({ address: 'vm1.internal' }))
      .toThrow(/endpoints\[0\]\.address: must be an IP address \(or a unix:\/\/ socket\) when resolution is STATIC.*Fix: give the endpoint's IP, or set resolution DNS/);
  });

  test('a unix:// endpoint needs resolution STATIC', () => {
    const entry = new ServiceEntry(chart(), 'Se', { hosts: ['uds.internal'], resolution: ServiceEntryResolution.DNS, ports: [HTTP] });
    expect(() => entry.addEndpoint({ address: 'unix:///var/run/app.sock' }))
      .toThrow(/endpoints\[0\]\.address: is a unix:\/\/ socket, which only resolution STATIC accepts, not DNS \(got "unix:[^)]*"\)\. Fix: set resolution STATIC/);
  });

  test('a unix:// endpoint must be an absolute path or an abstract socket', () => {
    const entry = new ServiceEntry(chart(), 'Se', { hosts: ['uds.internal'], resolution: ServiceEntryResolution.STATIC, ports: [HTTP] });
    expect(() => entry.addEndpoint({ address: 'unix://var/run/app.sock' }))
      .toThrow(/endpoints\[0\]\.address: must be an absolute path.*Fix: write unix:\/\/\/absolute\/path\.sock/);
  });

  test('a unix:// endpoint takes no ports', () => {
    const entry = new ServiceEntry(chart(), 'Se', { hosts: ['uds.internal'], resolution: ServiceEntryResolution.STATIC, ports: [HTTP] });
    expect(() => entry.addEndpoint({ address: 'unix:///var/run/app.sock', ports: { http: 8080 } }))
      .toThrow(/endpoints\[0\]\.ports: must not be set on a unix:\/\/ endpoint.*Fix: remove ports/);
  });

  test('DNS endpoint addresses must be IPs or domain names', () => {
    const entry = new ServiceEntry(chart(), 'Se', { hosts: ['api.example.com'], resolution: ServiceEntryResolution.DNS, ports: [HTTPS] });
    expect(() => entry.addEndpoint({ address: 'https://api.example.com' }))
      .toThrow(/endpoints\[0\]\.address: must be an IP address or a domain name when resolution is DNS.*Fix: give the endpoint's host name/);
  });

  test('endpoint port keys must be port names', () => {
    const entry = new ServiceEntry(chart(), 'Se', { hosts: ['vm.internal'], resolution: ServiceEntryResolution.STATIC, ports: [HTTP] });
    expect(() => entry.addEndpoint({ address: '10.0.0.1', ports: { http_alt: 8080 } }))
      .toThrow(/endpoints\[0\]\.ports: key must be a DNS label.*\(got "http_alt"\).*Fix: key ports by the name of a ServiceEntry port/);
  });

  test('endpoint port numbers must be 1 to 65535', () => {
    const entry = new ServiceEntry(chart(), 'Se', { hosts: ['vm.internal'], resolution: ServiceEntryResolution.STATIC, ports: [HTTP] });
    expect(() => entry.addEndpoint({ address: '10.0.0.1', ports: { http: 0 } }))
      .toThrow(/endpoints\[0\]\.ports\.http: must be an integer from 1 to 65535.*Fix: give the port this endpoint listens on/);
  });

  test('endpoint labels must be valid Kubernetes labels', () => {
    const entry = new ServiceEntry(chart(), 'Se', { hosts: ['vm.internal'], resolution: ServiceEntryResolution.STATIC, ports: [HTTP] });
    expect(() => entry.addEndpoint({ address: '10.0.0.1', labels: { 'version!': 'v1' } }))
      .toThrow(/endpoints\[0\]\.labels: label key "version!" is not a valid Kubernetes label name.*Fix: use Kubernetes label keys and values/);
  });

  test('endpoint weight must be at least 1 (Istio reads 0 as 1)', () => {
    const entry = new ServiceEntry(chart(), 'Se', { hosts: ['vm.internal'], resolution: ServiceEntryResolution.STATIC, ports: [HTTP] });
    expect(() => entry.addEndpoint({ address: '10.0.0.1', weight: 0 }))
      .toThrow(/endpoints\[0\]\.weight: must be an integer from 1 to 4294967295 \(Istio treats 0 as 1.*Fix: give a relative weight of 1 or more/);
  });

  test('endpoint port keys must name ports of the entry (at synth)', () => {
    const c = chart();
    new ServiceEntry(c, 'Se', {
      hosts: ['vm.internal'],
      resolution: ServiceEntryResolution.STATIC,
      ports: [HTTP],
      endpoints: [{ address: '10.0.0.1', ports: { grpc: 9000 } }],
    });
    expect(() => synth(c))
      .toThrow(/\[test\/Se\] endpoints\[0\]\.ports\.grpc: names no port of this ServiceEntry \(ports: http\).*Fix: key endpoint ports by the name of a port given to addPort\(\)/);
  });

  test('a unix:// endpoint needs exactly one port on the entry (at synth)', () => {
    const c = chart();
    const entry = new ServiceEntry(c, 'Se', {
      hosts: ['uds.internal'],
      resolution: ServiceEntryResolution.STATIC,
      ports: [HTTP],
      endpoints: [{ address: 'unix://@app' }],
    });
    entry.addPort(HTTPS);
    expect(() => synth(c))
      .toThrow(/endpoints\[0\]\.address: is a unix:\/\/ socket, which needs exactly one ServiceEntry port; this ServiceEntry has 2 \(got "unix:[^)]*"\)\. Fix: declare exactly one port/);
  });

  test('DNS resolution of a wildcard host needs endpoints (at synth)', () => {
    const c = chart();
    new ServiceEntry(c, 'Se', { hosts: ['*.example.com'], resolution: ServiceEntryResolution.DNS, ports: [HTTPS] });
    expect(() => synth(c))
      .toThrow(/hosts\[0\]: is a wildcard, and resolution DNS without endpoints resolves each host in DNS.*Fix: add endpoints with addEndpoint\(\), use resolution DYNAMIC_DNS/);
  });

  test('DYNAMIC_DNS MESH_INTERNAL is refused with a waypoint (at synth)', () => {
    const c = chart();
    new ServiceEntry(c, 'Se', {
      hosts: ['*.example.com'],
      resolution: ServiceEntryResolution.DYNAMIC_DNS,
      location: ServiceEntryLocation.MESH_INTERNAL,
      ports: [HTTP],
      metadata: { labels: { 'istio.io/use-waypoint': 'waypoint' } },
    });
    expect(() => synth(c))
      .toThrow(/location: is MESH_INTERNAL with resolution DYNAMIC_DNS while label istio\.io\/use-waypoint is "waypoint".*Fix: use location MESH_EXTERNAL/);
  });

  test('a TCP port needs addresses when address auto-allocation is switched off by label (IST0134, at synth)', () => {
    const c = chart();
    const entry = new ServiceEntry(c, 'Se', {
      hosts: ['db.example.com'],
      resolution: ServiceEntryResolution.DNS,
      ports: [{ number: 5432, name: 'tcp-pg', protocol: Protocol.TCP }],
    });
    entry.metadata.addLabel('networking.istio.io/enable-autoallocate-ip', 'false');
    expect(() => synth(c))
      .toThrow(/ports\[0\]\.protocol: is TCP on a ServiceEntry without addresses while label networking\.istio\.io\/enable-autoallocate-ip is "false".*Fix: list the service's IPs/);
  });
});
