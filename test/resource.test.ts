import { Testing } from 'cdk8s';
import { synth } from './util';
import { AuthorizationPolicy } from '../src/authorization-policy';
import { DestinationRule } from '../src/destination-rule';
import { VirtualService } from '../src/virtual-service';

describe('metadata rules every Istio kind follows', () => {
  test('the istio.io/dry-run annotation is refused on a kind other than AuthorizationPolicy', () => {
    // GIVEN
    const chart = Testing.chart();
    const vs = new VirtualService(chart, 'Reviews', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews' }] }] });

    // WHEN
    vs.metadata.addAnnotation('istio.io/dry-run', 'true');

    // THEN
    expect(() => synth(chart)).toThrow(/\[test\/Reviews\] metadata\.annotations\["istio\.io\/dry-run"\]: is only for AuthorizationPolicy, not VirtualService \(got "true"\)\. Fix: remove the annotation\. In the cluster: the webhook rejects the object/);
  });

  test('an annotation reserved for istiod is refused', () => {
    // GIVEN
    const chart = Testing.chart();
    new DestinationRule(chart, 'Reviews', { host: 'reviews', metadata: { annotations: { 'internal.istio.io/parents': 'x' } } });

    // THEN
    expect(() => synth(chart)).toThrow(/\[test\/Reviews\] metadata\.annotations\["internal\.istio\.io\/parents"\]: is reserved for istiod's own use \(got "x"\)\. Fix: remove the annotation/);
  });

  test('istio.io/dry-run stays allowed on an AuthorizationPolicy', () => {
    // GIVEN
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'AllowOps', {
      selector: { app: 'admin' },
      rules: [{ from: [{ namespaces: ['ops'] }] }],
    });

    // WHEN
    policy.metadata.addAnnotation('istio.io/dry-run', 'true');

    // THEN
    expect(synth(chart)[0].metadata.annotations).toEqual({ 'istio.io/dry-run': 'true' });
  });
});
