import { App, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { synth } from './util';
import { IstioApi } from '../src/api-version';
import { AuthorizationPolicy, AuthorizationRules } from '../src/authorization-policy';
import { CanaryRelease, CanaryWorkload } from '../src/canary-release';
import { DestinationRule } from '../src/destination-rule';
import { EgressThroughGateway } from '../src/egress-through-gateway';
import { Gateway } from '../src/gateway';
import { IngressRoute } from '../src/ingress-route';
import { MeshNamespace } from '../src/mesh-namespace';
import { MeshService } from '../src/mesh-service';
import { MeshDeployment } from '../src/mesh-workload';
import { MtlsMode, PeerAuthentication } from '../src/peer-authentication';
import { Protocol } from '../src/protocol';
import { ServiceEntry, ServiceEntryResolution } from '../src/service-entry';
import { Sidecar } from '../src/sidecar';
import { StringMatch } from '../src/string-match';
import { VirtualService } from '../src/virtual-service';

// Valid configurations of every construct are accepted, and what they synthesize conforms to Istio's CRDs and CEL
// rules (checked for every synthesized object by the jest setup file).

const RUNS = { numRuns: 25 };

const dnsLabel = fc.stringMatching(/^[a-z]([-a-z0-9]{0,8}[a-z0-9])?$/);
const fqdn = fc.array(dnsLabel, { minLength: 1, maxLength: 3 }).map(labels => `${labels.join('.')}.example.com`);
const labelValue = fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,12}[A-Za-z0-9])?$/);
/** Ports outside the ranges the sidecar and gateways reserve. */
const port = fc.integer({ min: 1024, max: 14999 });
/** RE2 that JavaScript's RegExp refused or mis-read before; each followed by quoted random text. */
const re2 = fc.tuple(
  fc.constantFrom('(?i)/admin.*', '(?s)/a.b', '/(?i:api)/', '/[[:digit:]]+', '/\\pL+', '/\\p{Greek}+', '\\A/', '/\\x{41}', '/a\\-b', '/[0-9]{1,1000}'),
  fc.string({ maxLength: 8 }).filter(s => !s.includes('\\E') && !/[\uD800-\uDFFF]/.test(s)),
).map(([head, text]) => (text === '' ? head : `${head}\\Q${text}\\E`));

function chartIn(namespace: string, version?: string): Chart {
  const app = new App();
  if (version !== undefined) IstioApi.targetIstio(app, version);
  return new Chart(app, 'test', { namespace });
}

describe('valid configurations are accepted and conform', () => {
  test('VirtualService: hosts, RE2 matches, weighted routes', () => {
    fc.assert(fc.property(dnsLabel, fc.uniqueArray(fqdn, { minLength: 1, maxLength: 3 }), fc.uniqueArray(re2, { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 0, max: 100 }), (ns, hosts, regexes, weight) => {
        const chart = chartIn(ns);
        new VirtualService(chart, 'Vs', {
          hosts,
          http: [
            ...regexes.map(regex => ({ match: [{ uri: StringMatch.regex(regex) }], route: [{ host: 'reviews' }] })),
            { route: [{ host: 'reviews', subset: 'a', weight }, { host: 'reviews', subset: 'b', weight: 100 - weight }] },
          ],
        });
        new DestinationRule(chart, 'Dr', { host: 'reviews', subsets: [{ name: 'a', labels: { version: 'a' } }, { name: 'b', labels: { version: 'b' } }] });
        expect(synth(chart).length).toBe(2);
      }), RUNS);
  });

  test('DestinationRule: subsets selecting any version label value', () => {
    fc.assert(fc.property(dnsLabel, fc.uniqueArray(dnsLabel, { minLength: 1, maxLength: 4 }), labelValue, (ns, subsets, version) => {
      const chart = chartIn(ns);
      new DestinationRule(chart, 'Dr', { host: 'reviews', subsets: subsets.map(name => ({ name, labels: { version } })) });
      expect(synth(chart).length).toBe(1);
    }), RUNS);
  });

  test('Gateway: HTTP servers on distinct ports', () => {
    fc.assert(fc.property(dnsLabel, fc.uniqueArray(port, { minLength: 1, maxLength: 3 }), fqdn, (ns, ports, host) => {
      const chart = chartIn(ns);
      new Gateway(chart, 'Gw', { selector: { istio: 'ingressgateway' }, servers: ports.map(number => ({ port: { number, protocol: Protocol.HTTP }, hosts: [host] })) });
      expect(synth(chart).length).toBe(1);
    }), RUNS);
  });

  test('ServiceEntry: external hosts with HTTP ports', () => {
    const hostList = fc.uniqueArray(fqdn, { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(dnsLabel, hostList, fc.uniqueArray(port, { minLength: 1, maxLength: 3 }), (ns, hosts, ports) => {
      const chart = chartIn(ns);
      new ServiceEntry(chart, 'Se', {
        hosts, resolution: ServiceEntryResolution.DNS, ports: ports.map(number => ({ number, name: `http-${number}`, protocol: Protocol.HTTP })),
      });
      expect(synth(chart).length).toBe(1);
    }), RUNS);
  });

  test('CanaryRelease: versions named by any label values, e.g. image tags', () => {
    const versions = fc.uniqueArray(labelValue, { minLength: 2, maxLength: 4, selector: v => v.replace(/[^-a-zA-Z0-9]+/g, '-').toLowerCase() });
    fc.assert(fc.property(dnsLabel, versions, port, fc.integer({ min: 0, max: 100 }), (ns, names, servicePort, canary) => {
      const chart = chartIn(ns);
      new CanaryRelease(chart, 'Reviews', {
        port: servicePort,
        canaryPercent: names.length === 2 ? canary : undefined,
        versions: names.map((name, i) => ({ name, weight: names.length === 2 ? undefined : (i === 0 ? 100 : 0), workload: CanaryWorkload.fromImage(`reviews:${i}`) })),
      });
      expect(synth(chart).length).toBeGreaterThan(names.length);
    }), RUNS);
  });

  test('IngressRoute: hosts with a direct response', () => {
    fc.assert(fc.property(dnsLabel, fc.uniqueArray(fqdn, { minLength: 1, maxLength: 3 }), (ns, hosts) => {
      const chart = chartIn(ns);
      new IngressRoute(chart, 'Route', { hosts, httpRoutes: [{ directResponse: { status: 200 } }] });
      expect(synth(chart).length).toBe(2);
    }), RUNS);
  });

  test('EgressThroughGateway: HTTP or HTTPS hosts, with or without exportTo, and wildcards forwarded to one host', () => {
    fc.assert(fc.property(dnsLabel, fqdn, fc.boolean(), fc.boolean(), fc.boolean(), (ns, host, https, limited, wildcard) => {
      const chart = chartIn(ns);
      new EgressThroughGateway(chart, 'Egress', {
        host: wildcard && https ? `*.${host}` : host,
        forwardTo: wildcard && https ? `www.${host}` : undefined,
        protocol: https ? Protocol.HTTPS : Protocol.HTTP,
        exportTo: limited ? ['.'] : undefined,
      });
      expect(synth(chart).length).toBeGreaterThanOrEqual(4);
    }), RUNS);
  });

  test('MeshNamespace: labels, default deny and allow helpers, on any supported Istio release', () => {
    const release = fc.tuple(fc.integer({ min: 22, max: 30 }), fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }))
      .map(([minor, patch]) => (patch === undefined ? `1.${minor}` : `1.${minor}.${patch}`));
    fc.assert(fc.property(dnsLabel, fc.dictionary(fc.constantFrom('team', 'example.com/owner', 'tier'), labelValue), release, dnsLabel, fqdn,
      (name, labels, version, saNamespace, account) => {
        const app = new App();
        IstioApi.targetIstio(app, version);
        const chart = new Chart(app, 'test');
        const ns = new MeshNamespace(chart, 'Ns', { name, labels, defaultDeny: true });
        // service account names may contain dots (CVE-2026-39350)
        ns.allowFromServiceAccounts([`${saNamespace}/${account}`]);
        ns.allowFromNamespaces([saNamespace]);
        expect(synth(chart).length).toBeGreaterThanOrEqual(3);
      }), RUNS);
  });

  test('AuthorizationPolicy, PeerAuthentication and Sidecar of a workload', () => {
    fc.assert(fc.property(dnsLabel, labelValue, fc.uniqueArray(dnsLabel, { minLength: 1, maxLength: 3 }),
      fc.constantFrom(MtlsMode.STRICT, MtlsMode.PERMISSIVE), (ns, app, namespaces, mode) => {
        const chart = chartIn(ns);
        new AuthorizationPolicy(chart, 'Allow', { selector: { app }, rules: [AuthorizationRules.fromNamespaces(namespaces)] });
        new PeerAuthentication(chart, 'Mtls', { selector: { app }, mtlsMode: mode });
        new Sidecar(chart, 'Sc', { workloadSelector: { app }, egress: [{ hosts: ['./*', 'istio-system/*'] }] });
        expect(synth(chart).length).toBe(3);
      }), RUNS);
  });

  test('MeshService and MeshDeployment: app and any version label value', () => {
    fc.assert(fc.property(dnsLabel, dnsLabel, labelValue, port, (ns, app, version, number) => {
      const chart = chartIn(ns);
      new MeshService(chart, 'Svc', { metadata: { name: app }, app, ports: [{ port: number, protocol: Protocol.HTTP }] });
      new MeshDeployment(chart, 'Deploy', { app, version, containers: [{ image: `${app}:1`, ports: [{ number, name: 'http' }] }] });
      expect(synth(chart).length).toBe(2);
    }), RUNS);
  });
});

test('Testing.chart() needs no namespace either', () => {
  fc.assert(fc.property(fqdn, host => {
    const chart = Testing.chart();
    new VirtualService(chart, 'Vs', { hosts: [host], http: [{ route: [{ host: 'reviews' }] }] });
    expect(synth(chart).length).toBe(1);
  }), RUNS);
});
