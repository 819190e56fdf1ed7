import { App, Chart, Testing } from 'cdk8s';
import { DestinationRule } from '../src/destination-rule';
import { MeshService } from '../src/mesh-service';
import { MeshDeployment } from '../src/mesh-workload';
import { VirtualService } from '../src/virtual-service';

// Kubernetes' metadata rules (apimachinery ValidateObjectMeta) hold for every object the API server stores, Istio
// kinds included; the library applies them at construction to every object it creates.

describe('metadata rules at construction', () => {
  test('a label value with spaces', () => {
    expect(() => new VirtualService(Testing.chart(), 'Reviews', { hosts: ['reviews'], metadata: { labels: { team: 'red team' } } }))
      .toThrow('[test/Reviews] metadata.labels["team"]: label value "red team" of "team" is not a valid Kubernetes label value (got "red team"). Fix: use a key like');
  });

  test('a label key with two slashes', () => {
    expect(() => new DestinationRule(Testing.chart(), 'Reviews', { host: 'reviews', metadata: { labels: { 'example.com/team/name': 'red' } } }))
      .toThrow('[test/Reviews] metadata.labels["example.com/team/name"]: label key "example.com/team/name" has an invalid prefix (must be a DNS subdomain) (got "red").');
  });

  test('a namespace that is no DNS label', () => {
    const chart = new Chart(new App(), 'shop', { namespace: 'Bad NS' });
    expect(() => new VirtualService(chart, 'Reviews', { hosts: ['reviews'] }))
      .toThrow('[shop/Reviews] metadata.namespace: must be a lower-case DNS-1123 label (letters, digits and "-", at most 63 characters, no dots) (got "Bad NS"). Fix: use a namespace name such as "bookinfo"');
  });

  test('an annotation key that is no qualified name', () => {
    expect(() => new VirtualService(Testing.chart(), 'Reviews', { hosts: ['reviews'], metadata: { annotations: { 'owner team': 'red' } } }))
      .toThrow('[test/Reviews] metadata.annotations["owner team"]: annotation key "owner team" is not a valid Kubernetes annotation name (got "owner team"). Fix: use a valid annotation key');
  });

  test('annotations over 256 KiB in total', () => {
    expect(() => new VirtualService(Testing.chart(), 'Reviews', { hosts: ['reviews'], metadata: { annotations: { 'example.com/blob': 'x'.repeat(262144) } } }))
      .toThrow('[test/Reviews] metadata.annotations: total 262160 bytes, more than Kubernetes\' limit of 262144. Fix: keep large data in a ConfigMap');
  });

  test('a label added after construction is checked at synth', () => {
    const chart = Testing.chart();
    const vs = new VirtualService(chart, 'Reviews', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews' }] }] });
    vs.metadata.addLabel('team', 'red team');
    expect(() => Testing.synth(chart)).toThrow(/Validation failed with the following errors:\n\s+\[test\/Reviews\] metadata\.labels\["team"\]: label value "red team" of "team" is not a valid Kubernetes label value \(got "red team"\)\. Fix: use a key like "app"[^\n]*$/);
  });

  test('pod labels of a workload', () => {
    expect(() => new MeshDeployment(Testing.chart(), 'Reviews', { app: 'reviews', version: 'v1', podMetadata: { labels: { 'tier/x/y': 'web' } } }))
      .toThrow('[test/Reviews] podMetadata.labels["tier/x/y"]: label key "tier/x/y" has an invalid prefix (must be a DNS subdomain) (got "web").');
  });

  test('labels of a Service', () => {
    expect(() => new MeshService(Testing.chart(), 'Reviews', { metadata: { labels: { team: '-red' } } }))
      .toThrow('[test/Reviews] metadata.labels["team"]: label value "-red" of "team" is not a valid Kubernetes label value (got "-red").');
  });

  test('valid metadata is kept as written', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'Reviews', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews' }] }], metadata: { labels: { 'app.kubernetes.io/version': '1.20.3', 'team': '' }, annotations: { 'example.com/notes': 'any text, even with spaces: ok' } } });
    const [vs] = Testing.synth(chart);
    expect(vs.metadata.labels).toEqual({ 'app.kubernetes.io/version': '1.20.3', 'team': '' });
    expect(vs.metadata.annotations).toEqual({ 'example.com/notes': 'any text, even with spaces: ok' });
  });
});
