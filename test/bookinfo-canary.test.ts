/**
 * Istio's Bookinfo traffic-shifting, request-routing and fault-injection samples, re-expressed with CanaryRelease and
 * compared with the sample files: the release's VirtualService must be the sample's VirtualService, and its
 * DestinationRule the sample's DestinationRule for the service (ignoring key order and the apiVersion's version).
 * The release also creates the Deployments and the Service, which the samples keep in bookinfo.yaml; they are not
 * compared here.
 */
import { Chart, Duration, Testing } from 'cdk8s';
import { oneOf, synth } from './util';
import { releaseBookinfo } from './util/bookinfo';
import { expectSemanticallyEqual, loadSample, samplesAvailable } from './util/samples';
import { CanaryRelease, CanaryRule, CanaryWorkload } from '../src/canary-release';
import { FaultAbort } from '../src/http-fault';
import { StringMatch } from '../src/string-match';
import { LoadBalancerAlgorithm } from '../src/traffic-policy';

const IMAGES = 'registry.istio.io/release/examples-bookinfo';
const JASON = { headers: { 'end-user': StringMatch.exact('jason') } };

/** The one object of a sample file with this kind and name. */
function sampleObject(file: string, kind: string, name: string): any {
  const found = loadSample(`bookinfo/${file}`).filter(o => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) throw new Error(`bookinfo/${file}: expected one ${kind} ${name}, found ${found.length}`);
  return found[0];
}

/** Synthesizes `build`'s release in a namespace-less chart (like the samples) and returns its routing objects. */
function routingObjects(build: (chart: Chart) => void): { virtualService: any; destinationRule: any } {
  // GIVEN
  const chart = Testing.chart();

  // WHEN
  build(chart);

  // THEN (the caller compares)
  const manifests = synth(chart);
  return { virtualService: oneOf(manifests, 'VirtualService'), destinationRule: oneOf(manifests, 'DestinationRule') };
}

const describeWithSamples = samplesAvailable('Bookinfo CanaryRelease equality tests (test/bookinfo-canary.test.ts)') ? describe : describe.skip;

describeWithSamples('Bookinfo reviews samples, re-expressed with CanaryRelease', () => {
  test.each([
    ['virtual-service-reviews-80-20.yaml', { v1: 80, v2: 20 }, []],
    ['virtual-service-reviews-50-v3.yaml', { v1: 50, v3: 50 }, []],
    ['virtual-service-reviews-v2-v3.yaml', { v2: 50, v3: 50 }, []],
    ['virtual-service-reviews-v3.yaml', { v3: 100 }, []],
    ['virtual-service-reviews-test-v2.yaml', { v1: 100 }, [CanaryRule.header('end-user', StringMatch.exact('jason'), 'v2')]],
    ['virtual-service-reviews-jason-v2-v3.yaml', { v3: 100 }, [CanaryRule.header('end-user', StringMatch.exact('jason'), 'v2')]],
  ] as Array<[string, { [version: string]: number }, CanaryRule[]]>)('%s', (file, weights, rules) => {
    const { virtualService, destinationRule } = routingObjects(chart => releaseBookinfo(chart, 'reviews', weights, { rules }));

    expectSemanticallyEqual(virtualService, sampleObject(file, 'VirtualService', 'reviews'));
    // Whatever the split, every version keeps its subset: the release's DestinationRule is destination-rule-all.yaml's.
    expectSemanticallyEqual(destinationRule, sampleObject('destination-rule-all.yaml', 'DestinationRule', 'reviews'));
  });

  test('virtual-service-reviews-90-10.yaml with the two-version canaryPercent shortcut', () => {
    const { virtualService } = routingObjects(chart => new CanaryRelease(chart, 'Reviews', {
      port: 9080,
      versions: ['v1', 'v2'].map(name => ({ name, workload: CanaryWorkload.fromImage(`${IMAGES}-reviews-${name}:1.20.3`) })),
      canaryPercent: 10,
    }));

    expectSemanticallyEqual(virtualService, sampleObject('virtual-service-reviews-90-10.yaml', 'VirtualService', 'reviews'));
  });

  test('destination-rule-reviews.yaml: a random load balancer for every version', () => {
    const { destinationRule } = routingObjects(chart => releaseBookinfo(chart, 'reviews', { v1: 100 }, {
      trafficPolicy: { loadBalancer: { simple: LoadBalancerAlgorithm.RANDOM } },
    }));

    expectSemanticallyEqual(destinationRule, sampleObject('destination-rule-reviews.yaml', 'DestinationRule', 'reviews'));
  });
});

describeWithSamples('Bookinfo ratings fault-injection samples, re-expressed with CanaryRelease', () => {
  test.each([
    ['virtual-service-ratings-test-delay.yaml', { delay: { fixedDelay: Duration.seconds(7) } }],
    ['virtual-service-ratings-test-abort.yaml', { abort: FaultAbort.httpStatus(500) }],
  ] as const)('%s: the fault for user jason, on the split everybody else gets', (file, fault) => {
    const { virtualService, destinationRule } = routingObjects(chart => releaseBookinfo(chart, 'ratings', { v1: 100 }, {
      rules: [CanaryRule.http({ match: [JASON], fault })],
    }));

    expectSemanticallyEqual(virtualService, sampleObject(file, 'VirtualService', 'ratings'));
    expectSemanticallyEqual(destinationRule, sampleObject('destination-rule-all.yaml', 'DestinationRule', 'ratings'));
  });
});
