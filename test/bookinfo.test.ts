/**
 * Istio's Bookinfo networking samples, re-expressed with the L2 API and compared with the sample files.
 *
 * Every sample is built the way a user would write it; the synthesized objects must be the sample's objects
 * (ignoring key order, document order and the apiVersion's version). Samples that rely on objects of another
 * sample (a VirtualService naming subsets defined by destination-rule-all.yaml) get those objects as companions,
 * in another chart of the same app, as a real user deploys them together: the cross-resource validations see
 * them, and the comparison only covers the sample's own chart.
 */
import { App, Chart, Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { allOf, synth } from './util';
import { expectSemanticallyEqual, loadSample, samplesAvailable } from './util/samples';
import { DestinationRule } from '../src/destination-rule';
import { Gateway } from '../src/gateway';
import { FaultAbort } from '../src/http-fault';
import { Protocol } from '../src/protocol';
import { ServiceEntry, ServiceEntryResolution } from '../src/service-entry';
import { StringMatch } from '../src/string-match';
import { ClientTlsMode, LoadBalancerAlgorithm } from '../src/traffic-policy';
import { VirtualService } from '../src/virtual-service';

// ----------------------------------------------------------------------------------------------------------------
// Bookinfo, written with the L2 API.
// ----------------------------------------------------------------------------------------------------------------

/** The versions of each Bookinfo service that destination-rule-all.yaml turns into subsets. */
const BOOKINFO_VERSIONS: Array<[service: string, versions: string[]]> = [
  ['productpage', ['v1']],
  ['reviews', ['v1', 'v2', 'v3']],
  ['ratings', ['v1', 'v2', 'v2-mysql', 'v2-mysql-vm']],
  ['details', ['v1', 'v2']],
];

/** destination-rule-all.yaml (or, with `mtls`, destination-rule-all-mtls.yaml): one subset per version label. */
function bookinfoDestinationRules(scope: Construct, options: { mtls?: boolean } = {}): void {
  for (const [service, versions] of BOOKINFO_VERSIONS) {
    new DestinationRule(scope, `${service}-subsets`, {
      metadata: { name: service },
      host: service,
      trafficPolicy: options.mtls ? { tls: { mode: ClientTlsMode.ISTIO_MUTUAL } } : undefined,
      subsets: versions.map(v => ({ name: v, labels: { version: v } })),
    });
  }
}

/** bookinfo-gateway.yaml: the ingress gateway on port 8080 and the productpage routes bound to it. */
function bookinfoGateway(scope: Construct): void {
  const gateway = new Gateway(scope, 'BookinfoGateway', {
    selector: { istio: 'ingressgateway' },
    servers: [{ port: { number: 8080, name: 'http', protocol: Protocol.HTTP }, hosts: ['*'] }],
  });
  new VirtualService(scope, 'Bookinfo', {
    hosts: ['*'],
    gateways: [gateway.name],
    http: [{
      match: [
        { uri: StringMatch.exact('/productpage') },
        { uri: StringMatch.prefix('/static') },
        { uri: StringMatch.exact('/login') },
        { uri: StringMatch.exact('/logout') },
        { uri: StringMatch.prefix('/api/v1/products') },
      ],
      route: [{ host: 'productpage', port: 9080 }],
    }],
  });
}

/** A mesh VirtualService named after `service` that sends all of its traffic to one subset. */
function routeAll(scope: Construct, service: string, subset: string): void {
  new VirtualService(scope, service, { hosts: [service], http: [{ route: [{ host: service, subset }] }] });
}

/** A reviews VirtualService that sends requests of user jason to one subset and everybody else to another. */
function reviewsForJason(scope: Construct, jasonSubset: string, othersSubset: string): void {
  new VirtualService(scope, 'Reviews', {
    hosts: ['reviews'],
    http: [
      { match: [{ headers: { 'end-user': StringMatch.exact('jason') } }], route: [{ host: 'reviews', subset: jasonSubset }] },
      { route: [{ host: 'reviews', subset: othersSubset }] },
    ],
  });
}

/**
 * An app with two charts: `sample` holds the objects the sample defines; `companions` the objects of other
 * samples it relies on (here always destination-rule-all.yaml), deployed alongside as a user would.
 */
function bookinfoApp(options: { companions?: boolean; namespace?: string } = {}): { app: App; sample: Chart } {
  const app = Testing.app();
  const sample = new Chart(app, 'Sample', { namespace: options.namespace });
  if (options.companions) bookinfoDestinationRules(new Chart(app, 'Companions'));
  return { app, sample };
}

/** Runs `build` on a fresh app and expects the sample chart to synthesize to exactly the sample's objects. */
function expectSample(file: string, build: (scope: Construct) => void, options: { companions?: boolean; namespace?: string } = {}): void {
  // GIVEN
  const { sample } = bookinfoApp(options);

  // WHEN
  build(sample);

  // THEN
  expectSemanticallyEqual(synth(sample), loadSample(`bookinfo/${file}`));
}

// ----------------------------------------------------------------------------------------------------------------
// Tests that need no reference files.
// ----------------------------------------------------------------------------------------------------------------

describe('Bookinfo networking as one app', () => {
  test('gateway, every DestinationRule and every service on v1', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    bookinfoGateway(chart);
    bookinfoDestinationRules(chart);
    for (const [service] of BOOKINFO_VERSIONS) routeAll(chart, service, 'v1');

    // THEN
    const manifests = synth(chart);
    expect(manifests).toMatchSnapshot();
    expect(allOf(manifests, 'VirtualService').map(vs => [vs.metadata.name, vs.spec.http.map((r: any) => r.route[0].destination)])).toEqual([
      ['bookinfo', [{ host: 'productpage', port: { number: 9080 } }]],
      ['productpage', [{ host: 'productpage', subset: 'v1' }]],
      ['reviews', [{ host: 'reviews', subset: 'v1' }]],
      ['ratings', [{ host: 'ratings', subset: 'v1' }]],
      ['details', [{ host: 'details', subset: 'v1' }]],
    ]);
    expect(allOf(manifests, 'DestinationRule').map(dr => [dr.metadata.name, dr.spec.subsets.map((s: any) => s.name)])).toEqual([
      ['productpage', ['v1']],
      ['reviews', ['v1', 'v2', 'v3']],
      ['ratings', ['v1', 'v2', 'v2-mysql', 'v2-mysql-vm']],
      ['details', ['v1', 'v2']],
    ]);
  });
});

// ----------------------------------------------------------------------------------------------------------------
// Equality with the sample files (they live in ../shared, which not every machine has).
// ----------------------------------------------------------------------------------------------------------------

const describeWithSamples = samplesAvailable('Bookinfo sample equality tests (test/bookinfo.test.ts)') ? describe : describe.skip;

describeWithSamples('Bookinfo samples, re-expressed with the L2 API', () => {
  describe('gateways', () => {
    test('bookinfo-gateway.yaml', () => {
      expectSample('bookinfo-gateway.yaml', bookinfoGateway);
    });

    test('certmanager-gateway.yaml (HTTP-01 challenges routed to cert-manager, in istio-system)', () => {
      expectSample('certmanager-gateway.yaml', scope => {
        const gateway = new Gateway(scope, 'CertManagerGateway', {
          selector: { istio: 'ingressgateway' },
          servers: [{ port: { number: 80, name: 'http', protocol: Protocol.HTTP }, hosts: ['*'] }],
        });
        new VirtualService(scope, 'CertManager', {
          hosts: ['*'],
          gateways: [gateway.name],
          http: [{
            match: [{ uri: StringMatch.prefix('/.well-known/acme-challenge/') }],
            route: [{ host: 'cert-manager-resolver', port: 8089 }],
          }],
        });
      }, { namespace: 'istio-system' });
    });
  });

  describe('destination rules', () => {
    test('destination-rule-all.yaml', () => {
      expectSample('destination-rule-all.yaml', scope => bookinfoDestinationRules(scope));
    });

    test('destination-rule-all-mtls.yaml', () => {
      expectSample('destination-rule-all-mtls.yaml', scope => bookinfoDestinationRules(scope, { mtls: true }));
    });

    test('destination-rule-reviews.yaml', () => {
      expectSample('destination-rule-reviews.yaml', scope => {
        new DestinationRule(scope, 'Reviews', {
          host: 'reviews',
          trafficPolicy: { loadBalancer: { simple: LoadBalancerAlgorithm.RANDOM } },
          subsets: ['v1', 'v2', 'v3'].map(v => ({ name: v, labels: { version: v } })),
        });
      });
    });
  });

  describe('all traffic of a service to one version', () => {
    test('virtual-service-all-v1.yaml', () => {
      expectSample('virtual-service-all-v1.yaml', scope => {
        for (const [service] of BOOKINFO_VERSIONS) routeAll(scope, service, 'v1');
      }, { companions: true });
    });

    const routings: Array<{ file: string; routes: Array<[service: string, subset: string]> }> = [
      { file: 'virtual-service-details-v2.yaml', routes: [['details', 'v2']] },
      { file: 'virtual-service-reviews-v3.yaml', routes: [['reviews', 'v3']] },
      { file: 'virtual-service-ratings-db.yaml', routes: [['reviews', 'v3'], ['ratings', 'v2']] },
      { file: 'virtual-service-ratings-mysql.yaml', routes: [['reviews', 'v3'], ['ratings', 'v2-mysql']] },
      { file: 'virtual-service-ratings-mysql-vm.yaml', routes: [['reviews', 'v3'], ['ratings', 'v2-mysql-vm']] },
    ];
    test.each(routings)('$file', ({ file, routes }) => {
      expectSample(file, scope => {
        for (const [service, subset] of routes) routeAll(scope, service, subset);
      }, { companions: true });
    });
  });

  describe('weighted traffic shifting between two reviews versions', () => {
    const splits: Array<{ file: string; weights: Array<[subset: string, weight: number]> }> = [
      { file: 'virtual-service-reviews-50-v3.yaml', weights: [['v1', 50], ['v3', 50]] },
      { file: 'virtual-service-reviews-80-20.yaml', weights: [['v1', 80], ['v2', 20]] },
      { file: 'virtual-service-reviews-90-10.yaml', weights: [['v1', 90], ['v2', 10]] },
      { file: 'virtual-service-reviews-v2-v3.yaml', weights: [['v2', 50], ['v3', 50]] },
    ];
    test.each(splits)('$file', ({ file, weights }) => {
      expectSample(file, scope => {
        new VirtualService(scope, 'Reviews', {
          hosts: ['reviews'],
          http: [{ route: weights.map(([subset, weight]) => ({ host: 'reviews', subset, weight })) }],
        });
      }, { companions: true });
    });
  });

  describe('routing by user (end-user header)', () => {
    test.each([
      { file: 'virtual-service-reviews-test-v2.yaml', jasonSubset: 'v2', othersSubset: 'v1' },
      { file: 'virtual-service-reviews-jason-v2-v3.yaml', jasonSubset: 'v2', othersSubset: 'v3' },
    ])('$file', ({ file, jasonSubset, othersSubset }) => {
      expectSample(file, scope => reviewsForJason(scope, jasonSubset, othersSubset), { companions: true });
    });
  });

  describe('fault injection', () => {
    test('virtual-service-ratings-test-abort.yaml', () => {
      expectSample('virtual-service-ratings-test-abort.yaml', scope => {
        new VirtualService(scope, 'Ratings', {
          hosts: ['ratings'],
          http: [
            {
              match: [{ headers: { 'end-user': StringMatch.exact('jason') } }],
              fault: { abort: FaultAbort.httpStatus(500, 100) },
              route: [{ host: 'ratings', subset: 'v1' }],
            },
            { route: [{ host: 'ratings', subset: 'v1' }] },
          ],
        });
      }, { companions: true });
    });

    test('virtual-service-ratings-test-delay.yaml', () => {
      expectSample('virtual-service-ratings-test-delay.yaml', scope => {
        new VirtualService(scope, 'Ratings', {
          hosts: ['ratings'],
          http: [
            {
              match: [{ headers: { 'end-user': StringMatch.exact('jason') } }],
              fault: { delay: { fixedDelay: Duration.seconds(7), percentage: 100 } },
              route: [{ host: 'ratings', subset: 'v1' }],
            },
            { route: [{ host: 'ratings', subset: 'v1' }] },
          ],
        });
      }, { companions: true });
    });

    // The sample's first route has no match, so it takes every request and its second route is dead code
    // (istioctl analyze: IST0130). The typed API refuses that at synth; the exact sample needs the escape hatch
    // for the dead route, which is what the second test shows.
    const DETAILS_V1 = { host: 'details', subset: 'v1' };

    function detailsDestinationRule(scope: Construct): void {
      new DestinationRule(scope, 'DetailsSubsets', { metadata: { name: 'details' }, host: 'details', subsets: [{ name: 'v1', labels: { version: 'v1' } }] });
    }

    test('fault-injection-details-v1.yaml as written is refused: its second route can never be reached (IST0130)', () => {
      // GIVEN
      const { sample } = bookinfoApp();
      detailsDestinationRule(sample);

      // WHEN
      new VirtualService(sample, 'DetailsRoutes', {
        metadata: { name: 'details' },
        hosts: ['details'],
        http: [
          { fault: { abort: FaultAbort.httpStatus(555, 100) }, route: [DETAILS_V1] },
          { route: [DETAILS_V1] },
        ],
      });

      // THEN
      expect(() => synth(sample)).toThrow(/http\[0\]\.match: is empty, .*\(http\[1\]\) are never used\. Fix: move this route to the end of http.*\(IST0130\)/);
    });

    test('fault-injection-details-v1.yaml: the reachable route typed, the dead one through addSpecOverride', () => {
      expectSample('fault-injection-details-v1.yaml', scope => {
        detailsDestinationRule(scope);
        const details = new VirtualService(scope, 'DetailsRoutes', {
          metadata: { name: 'details' },
          hosts: ['details'],
          http: [{ fault: { abort: FaultAbort.httpStatus(555, 100) }, route: [DETAILS_V1] }],
        });
        details.addSpecOverride('http.1', { route: [{ destination: { host: 'details', subset: 'v1' } }] });
      });
    });
  });

  describe('egress', () => {
    // The sample originates TLS (mode SIMPLE) without caCertificates, relying on the proxy's system CA bundle.
    // The DestinationRule L2 makes that choice explicit (trustSystemCaBundle) instead of accepting it silently (IST0129).
    test('egress-rule-google-apis.yaml: ServiceEntry, port rewrite and TLS origination with the system CA bundle', () => {
      expectSample('egress-rule-google-apis.yaml', scope => {
        new ServiceEntry(scope, 'Googleapis', {
          hosts: ['www.googleapis.com'],
          ports: [
            { number: 80, name: 'http', protocol: Protocol.HTTP },
            { number: 443, name: 'https', protocol: Protocol.HTTPS },
          ],
          resolution: ServiceEntryResolution.DNS,
        });
        new VirtualService(scope, 'RewritePortForGoogleapis', {
          hosts: ['www.googleapis.com'],
          http: [{ match: [{ port: 80 }], route: [{ host: 'www.googleapis.com', port: 443 }] }],
        });
        const originateTls = new DestinationRule(scope, 'OriginateTlsForGoogleapis', {
          host: 'www.googleapis.com',
          trafficPolicy: { loadBalancer: { simple: LoadBalancerAlgorithm.ROUND_ROBIN } },
        });
        expect(() => originateTls.addPortPolicy(443, { tls: { mode: ClientTlsMode.SIMPLE } }))
          .toThrow(/portPolicies\[port 443\]\.policy\.tls\.caCertificates: is required for mode SIMPLE.*trustSystemCaBundle: true/);
        originateTls.addPortPolicy(443, { tls: { mode: ClientTlsMode.SIMPLE, trustSystemCaBundle: true } });
      });
    });
  });
});
