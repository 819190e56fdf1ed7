import { ApiObject, Chart, Testing } from 'cdk8s';
import { DestinationRule, MeshDeployment, MeshService, Protocol } from '../src';
import { synth } from './util';

function shop(): Chart {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  new MeshDeployment(chart, 'ReviewsV1', { app: 'reviews', version: 'v1', containers: [{ image: 'example.com/reviews:1', ports: [{ number: 9080, name: 'http' }] }] });
  new MeshService(chart, 'Reviews', { metadata: { name: 'reviews' }, app: 'reviews', ports: [{ port: 9080, protocol: Protocol.HTTP }] });
  return chart;
}

describe('IST0173 (destinationrule/podnotselected.go): a subset whose labels select no pod of the Service', () => {
  test('a subset for a version no workload of the app runs', () => {
    const chart = shop();
    new DestinationRule(chart, 'ReviewsRule', {
      metadata: { name: 'reviews' },
      host: 'reviews',
      subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }],
    });
    expect(() => synth(chart)).toThrow(/\[shop\/ReviewsRule\] subsets\[1\]\.labels: select no pod of Service shop\/reviews: none of the workloads it selects carries them \(they carry \{"version":"v1"\}\) \(got \{"version":"v2"\}\)\. Fix: label the pods of this subset's version with these labels, or correct the subset's labels\. In the cluster: subset "v2" has no endpoints: requests routed to it fail with 503 UH \(no healthy upstream\) \(IST0173\)/);
  });

  test('a subset of a Service whose pods the app does not define, or of a host that is no Service of the app, is not judged', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new MeshService(chart, 'Reviews', { metadata: { name: 'reviews' }, app: 'reviews', ports: [{ port: 9080, protocol: Protocol.HTTP }] });
    new DestinationRule(chart, 'ReviewsRule', { metadata: { name: 'reviews' }, host: 'reviews', subsets: [{ name: 'v2', labels: { version: 'v2' } }] });
    new DestinationRule(chart, 'External', { host: 'api.example.com', subsets: [{ name: 'v2', labels: { version: 'v2' } }] });
    expect(() => synth(chart)).not.toThrow();
  });

  test('pods of a plain ApiObject count', () => {
    const chart = shop();
    const pod = new ApiObject(chart, 'ReviewsV2', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'reviews-v2' },
      spec: { containers: [{ name: 'main', image: 'example.com/reviews:2', ports: [{ containerPort: 9080, name: 'http' }] }] },
    });
    pod.metadata.addLabel('app', 'reviews');
    pod.metadata.addLabel('version', 'v2'); // labels added after construction count: the rendered object is read
    new DestinationRule(chart, 'ReviewsRule', { metadata: { name: 'reviews' }, host: 'reviews', subsets: [{ name: 'v2', labels: { version: 'v2' } }] });
    expect(() => synth(chart)).not.toThrow();
  });
});
