/**
 * Istio's Bookinfo Gateway API samples (`samples/bookinfo/gateway-api/`), re-expressed with CanaryRelease on the
 * Gateway API backend (GAMMA) and compared with the sample files: the release's HTTPRoute must be the sample's
 * HTTPRoute, and its per-version Services must select and expose what `bookinfo-versions.yaml`'s do. The release also
 * creates the Deployments and the release's own Service (bookinfo.yaml's), which are not compared here.
 */
import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { allOf, oneOf, synth } from './util';
import { releaseBookinfo } from './util/bookinfo';
import { expectSemanticallyEqual, loadSample, samplesAvailable } from './util/samples';
import { RoutingApi } from '../src/api-version';
import { CanaryRelease } from '../src/canary-release';

/** A Bookinfo service released on the Gateway API, named as the samples name it, with a weight per version (missing: 0). */
function release(scope: Construct, service: string, weights: { [version: string]: number }): CanaryRelease {
  return releaseBookinfo(scope, service, weights, { routingApi: RoutingApi.GATEWAY_API });
}

/** The one object of a Gateway API sample file with this kind and name. */
function sampleObject(file: string, kind: string, name: string): any {
  const found = loadSample(`bookinfo/gateway-api/${file}`).filter(o => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) throw new Error(`bookinfo/gateway-api/${file}: expected one ${kind} ${name}, found ${found.length}`);
  return found[0];
}

/**
 * A parentRef to a Service must name the core group: the CRD defaults a missing `group` to
 * `gateway.networking.k8s.io` (route-reviews-90-10.yaml leaves it out; the other samples write `group: ""`).
 */
function withCoreGroup(route: any): any {
  return { ...route, spec: { ...route.spec, parentRefs: route.spec.parentRefs.map((p: any) => ({ group: '', ...p })) } };
}

/** What a version Service does: its selector and its ports (number and name, the protocol Istio reads). */
function serviceEssentials(service: any): any {
  const ports = service.spec.ports.map((p: any) => ({ port: p.port, name: p.name }));
  return { name: service.metadata.name, selector: service.spec.selector, ports };
}

const describeWithSamples = samplesAvailable('Bookinfo Gateway API CanaryRelease equality tests (test/bookinfo-gateway-api.test.ts)') ? describe : describe.skip;

describeWithSamples('Bookinfo gateway-api samples, re-expressed with CanaryRelease on the Gateway API', () => {
  test.each([
    ['route-reviews-90-10.yaml', { v1: 90, v2: 10 }],
    ['route-reviews-50-v3.yaml', { v1: 50, v3: 50 }],
    ['route-all-v1.yaml', { v1: 100 }],
  ] as Array<[string, { [version: string]: number }]>)('%s: the HTTPRoute and bookinfo-versions.yaml\'s Services', (file, weights) => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    release(chart, 'reviews', weights);

    // THEN
    const manifests = synth(chart);
    expectSemanticallyEqual(oneOf(manifests, 'HTTPRoute'), withCoreGroup(sampleObject(file, 'HTTPRoute', 'reviews')));
    const expected = loadSample('bookinfo/gateway-api/bookinfo-versions.yaml').map(serviceEssentials);
    const versionServices = allOf(manifests, 'Service').filter(s => s.metadata.name !== 'reviews').map(serviceEssentials);
    expect(versionServices).toEqual(expected);
    expect(allOf(manifests, 'DestinationRule')).toEqual([]);
    expect(allOf(manifests, 'VirtualService')).toEqual([]);
  });

  test('route-all-v1.yaml\'s ratings route (productpage and details have one version, which is no release)', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    release(chart, 'ratings', { v1: 100 });

    // THEN
    expectSemanticallyEqual(oneOf(synth(chart), 'HTTPRoute'), sampleObject('route-all-v1.yaml', 'HTTPRoute', 'ratings'));
  });
});
