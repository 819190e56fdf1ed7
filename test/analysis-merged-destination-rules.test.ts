import { ApiObject, Chart, Testing } from 'cdk8s';
import { DestinationRule, LoadBalancerAlgorithm } from '../src';
import { synth } from './util';

/**
 * istiod merges the DestinationRules of one host in one namespace (same exportTo and workload selector) into the one
 * created first: later subsets are added unless the name exists, a later top-level trafficPolicy only when the merged
 * rule has none (istio/istio pilot/pkg/model/destination_rule.go, mergeDestinationRule).
 */
describe('DestinationRules that istiod merges (mergeDestinationRule: the first traffic policy wins)', () => {
  interface Props { subsets?: string[]; roundRobin?: boolean; exportTo?: string[]; selector?: { [key: string]: string } }

  function reviews(chart: Chart, id: string, props: Props) {
    return new DestinationRule(chart, id, {
      host: 'reviews',
      exportTo: props.exportTo,
      workloadSelector: props.selector,
      trafficPolicy: props.roundRobin === undefined ? undefined
        : { loadBalancer: { simple: props.roundRobin ? LoadBalancerAlgorithm.ROUND_ROBIN : LoadBalancerAlgorithm.LEAST_REQUEST } },
      subsets: (props.subsets ?? []).map(name => ({ name, labels: { version: name } })),
    });
  }

  test('a second top-level trafficPolicy for the same host in the same namespace is reported, naming both rules', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    reviews(chart, 'ReviewsLb', { roundRobin: true });

    // WHEN
    reviews(chart, 'ReviewsSubsets', { subsets: ['v1'], roundRobin: false });

    // THEN
    expect(() => synth(chart)).toThrow('[shop/ReviewsSubsets] trafficPolicy: collides with the top-level trafficPolicy of DestinationRule '
      + 'shop/reviews-lb (shop/ReviewsLb): istiod merges the DestinationRules for host "reviews.shop.svc.cluster.local" in namespace "shop" '
      + '(same exportTo and workload selector) into the one created first and keeps only its top-level trafficPolicy (this app creates '
      + 'both at once, so which one is first is undefined) (got {"loadBalancer":{"simple":"LEAST_REQUEST"}}). Fix: merge the two '
      + 'DestinationRules into one, with one trafficPolicy and the subsets of both, or move the policies to subset level. In the cluster: '
      + 'one of the two traffic policies (TLS, load balancing, connection pool, outlier detection) is silently ignored');
  });

  test('a subset name defined by two merged rules is reported, naming both rules', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    reviews(chart, 'ReviewsA', { subsets: ['v1', 'v2'] });

    // WHEN
    reviews(chart, 'ReviewsB', { subsets: ['v3', 'v2'] });

    // THEN
    expect(() => synth(chart)).toThrow('[shop/ReviewsB] subsets[1].name: is also a subset of DestinationRule shop/reviews-a (shop/ReviewsA): '
      + 'istiod merges the DestinationRules for host "reviews.shop.svc.cluster.local" in namespace "shop" (same exportTo and workload '
      + 'selector) into the one created first, adding only subsets whose name it does not have yet (this app creates both at once, so '
      + 'which one is first is undefined) (got "v2"). Fix: give the subsets distinct names, or merge the two DestinationRules into one. '
      + 'In the cluster: one of the two definitions of subset "v2" (its labels and traffic policy) is silently ignored, so requests '
      + 'routed to it may reach other pods or use another policy than intended');
  });

  test('a plain ApiObject rule after the library\'s one in its merge group is reported too, on the library\'s rule', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    reviews(chart, 'ReviewsA', { subsets: ['v1'], roundRobin: true });

    // WHEN: a rule written by hand (or by `cdk8s import`) for the same host, after it
    new ApiObject(chart, 'ReviewsPlain', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'reviews-plain' },
      spec: { host: 'reviews', trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' } }, subsets: [{ name: 'v1', labels: { version: 'one' } }] },
    });

    // THEN
    expect(() => synth(chart)).toThrow('[shop/ReviewsA] DestinationRule shop/reviews-plain (shop/ReviewsPlain) trafficPolicy: collides '
      + 'with the top-level trafficPolicy of DestinationRule shop/reviews-a (shop/ReviewsA)');
    expect(() => synth(chart)).toThrow('[shop/ReviewsA] DestinationRule shop/reviews-plain (shop/ReviewsPlain) subsets[0].name: is also a '
      + 'subset of DestinationRule shop/reviews-a (shop/ReviewsA)');
  });

  test('a plain ApiObject rule before the library\'s one is reported once, on the library\'s rule that loses to it', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new ApiObject(chart, 'ReviewsPlain', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'reviews-plain' },
      spec: { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'one' } }] },
    });
    reviews(chart, 'ReviewsA', { subsets: ['v1'] });

    let message = '';
    try {
      synth(chart);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.match(/is also a subset/g)).toHaveLength(1);
    expect(message).toContain('[shop/ReviewsA] subsets[0].name: is also a subset of DestinationRule shop/reviews-plain (shop/ReviewsPlain)');
  });

  test('one policy and distinct subsets merge without loss', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    reviews(chart, 'ReviewsA', { subsets: ['v1'], roundRobin: true });
    reviews(chart, 'ReviewsB', { subsets: ['v2'] });
    reviews(chart, 'ReviewsC', { subsets: ['v3'] });
    expect(() => synth(chart)).not.toThrow();
  });

  test('rules istiod does not merge are not compared: other namespace, other exportTo, other workload selector', () => {
    const app = Testing.app();
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    reviews(shop, 'Reviews', { subsets: ['v1'], roundRobin: true });
    reviews(new Chart(app, 'other', { namespace: 'other' }), 'Reviews', { subsets: ['v1'], roundRobin: true });
    reviews(shop, 'ReviewsPrivate', { subsets: ['v1'], roundRobin: true, exportTo: ['.'] });
    reviews(shop, 'ReviewsForCanary', { subsets: ['v1'], roundRobin: true, selector: { app: 'canary' } });
    expect(() => synth(shop)).not.toThrow();
  });

  test('"." and the rule\'s own namespace are the same visibility, and short and full host names the same host', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    reviews(chart, 'ReviewsA', { roundRobin: true, exportTo: ['.'] });
    new DestinationRule(chart, 'ReviewsB', { host: 'reviews.shop.svc.cluster.local', exportTo: ['shop'], trafficPolicy: { loadBalancer: { simple: LoadBalancerAlgorithm.RANDOM } } });
    expect(() => synth(chart)).toThrow(/\[shop\/ReviewsB\] trafficPolicy: collides with the top-level trafficPolicy of DestinationRule shop\/reviews-a/);
  });
});
