import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { allOf, oneOf, synth } from './util';
import { CanaryRelease, CanaryRule, CanaryWorkload } from '../src/canary-release';
import { MeshDeployment } from '../src/mesh-workload';
import { StringMatch } from '../src/string-match';

const IMAGE = 'registry.istio.io/release/examples-bookinfo-reviews-v1';

function bookinfo(): Chart {
  return new Chart(Testing.app(), 'bookinfo', { namespace: 'bookinfo' });
}

describe('version label values that are image tags', () => {
  test('versions 1.20.2 and 1.20.3: pods labelled with the tag, subsets and Deployments named 1-20-2 and 1-20-3', () => {
    // GIVEN
    const chart = bookinfo();
    new CanaryRelease(chart, 'Reviews', {
      port: 9080,
      canaryPercent: 10,
      versions: ['1.20.2', '1.20.3'].map(name => ({ name, workload: CanaryWorkload.fromImage(`${IMAGE}:${name}`) })),
      rules: [CanaryRule.header('end-user', StringMatch.exact('jason'), '1.20.3')],
    });

    // THEN
    const manifests = synth(chart);
    expect(oneOf(manifests, 'DestinationRule').spec.subsets).toEqual([
      { name: '1-20-2', labels: { version: '1.20.2' } },
      { name: '1-20-3', labels: { version: '1.20.3' } },
    ]);
    expect(allOf(manifests, 'Deployment').map(d => [d.metadata.name, d.spec.template.metadata.labels.version]))
      .toEqual([['reviews-1-20-2', '1.20.2'], ['reviews-1-20-3', '1.20.3']]);
    const http = oneOf(manifests, 'VirtualService').spec.http;
    expect(http[0].route).toEqual([{ destination: { host: 'reviews', subset: '1-20-3' } }]);
    expect(http[1].route.map((r: any) => [r.destination.subset, r.weight])).toEqual([['1-20-2', 90], ['1-20-3', 10]]);
  });

  test('subsetName names the subset and the Deployment explicitly', () => {
    const chart = bookinfo();
    new CanaryRelease(chart, 'Reviews', {
      port: 9080,
      versions: [
        { name: 'stable_2024', subsetName: 'stable', workload: CanaryWorkload.fromImage(`${IMAGE}:1`), weight: 100 },
        { name: 'Canary.2025', subsetName: 'canary', workload: CanaryWorkload.fromImage(`${IMAGE}:2`) },
      ],
    });
    const manifests = synth(chart);
    expect(oneOf(manifests, 'DestinationRule').spec.subsets.map((s: any) => [s.name, s.labels.version]))
      .toEqual([['stable', 'stable_2024'], ['canary', 'Canary.2025']]);
    expect(allOf(manifests, 'Deployment').map(d => d.metadata.name)).toEqual(['reviews-stable', 'reviews-canary']);
  });

  test('two versions whose derived subset names collide are refused, and the suggested fix is accepted', () => {
    const build = (subsetName?: string) => () => new CanaryRelease(bookinfo(), 'Reviews', {
      port: 9080,
      versions: [
        { name: '1.2', workload: CanaryWorkload.fromImage(`${IMAGE}:1.2`), weight: 100 },
        { name: '1_2', subsetName, workload: CanaryWorkload.fromImage(`${IMAGE}:1_2`) },
      ],
    });
    expect(build()).toThrow('[bookinfo/Reviews] versions[1]: has the subset name "1-2" of versions[0] ("1.2") (got "1_2"). Fix: set subsetName on one of them, e.g. subsetName: "1-2-1". '
      + 'In the cluster: the webhook rejects the DestinationRule ("duplicate subset names").');
    expect(build('1-2-1')).not.toThrow();
  });

  test('a subsetName that is no DNS label', () => {
    expect(() => new CanaryRelease(bookinfo(), 'Reviews', {
      port: 9080,
      versions: [
        { name: 'v1', workload: CanaryWorkload.fromImage(`${IMAGE}:1`), weight: 100 },
        { name: 'v2', subsetName: 'v2.0', workload: CanaryWorkload.fromImage(`${IMAGE}:2`) },
      ],
    })).toThrow(/\[bookinfo\/Reviews\] versions\[1\]\.subsetName: must be a DNS label .*\(got "v2\.0"\)\. Fix: use letters, digits and "-" only/);
  });

  test('MeshDeployment takes any label value as version', () => {
    const chart = bookinfo();
    new MeshDeployment(chart, 'Reviews', { app: 'reviews', version: '1.20.3', containers: [{ image: `${IMAGE}:1.20.3`, ports: [{ number: 9080, name: 'http' }] }] });
    expect(oneOf(synth(chart), 'Deployment').spec.template.metadata.labels.version).toEqual('1.20.3');
  });
});

describe('handed-in workloads with unnamed container ports (as in Istio\'s bookinfo.yaml)', () => {
  test('are accepted when the release creates the Service and names its port itself', () => {
    // GIVEN: bookinfo.yaml's reviews Deployments declare `- containerPort: 9080` without a name
    const chart = bookinfo();
    const deployments = ['v1', 'v2'].map(version => new kplus.Deployment(chart, `reviews-${version}`, {
      metadata: { name: `reviews-${version}` },
      podMetadata: { labels: { app: 'reviews', version } },
      containers: [{ image: `${IMAGE}:1.20.3`, ports: [{ number: 9080 }], securityContext: { user: 1000 } }],
    }));
    new CanaryRelease(chart, 'Reviews', {
      port: 9080,
      versions: deployments.map((d, i) => ({ name: `v${i + 1}`, workload: CanaryWorkload.fromDeployment(d), weight: i === 0 ? 100 : 0 })),
    });

    // THEN
    const service = oneOf(synth(chart), 'Service', 'reviews');
    expect(service.spec.ports).toEqual([expect.objectContaining({ name: 'http', port: 9080 })]);
  });
});
