import { Testing } from 'cdk8s';
import { CanaryRelease, CanaryRule, CanaryWorkload, VirtualService } from '../src';
import { synth } from './util';

const TO = (host: string) => [{ host }];

describe('IST0130: a match with only empty conditions takes all traffic (translateRouteMatch drops empty conditions)', () => {
  test.each([
    ['sourceLabels: {}', { sourceLabels: {} }],
    ['headers: {}', { headers: {} }],
    ['an empty match entry', {}],
  ])('%s ahead of other routes', (_name, match) => {
    const chart = Testing.chart();
    new VirtualService(chart, 'Reviews', { hosts: ['reviews'], http: [{ match: [match as any], route: [{ host: 'reviews' }] }, { route: [{ host: 'ratings' }] }] });
    expect(() => synth(chart)).toThrow(/\[test\/Reviews\] http\[0\]\.match\[0\]: has only empty conditions, which match every request, so this route takes all traffic and the routes after it \(http\[1\]\) are never used.*Fix: give the condition a value.*\(IST0130\)/);
  });

  test('a CanaryRule on sourceLabels {} is a catch-all ahead of the weighted split', () => {
    const chart = Testing.chart();
    new CanaryRelease(chart, 'Reviews', {
      port: 9080,
      versions: [{ name: 'v1', weight: 100, workload: CanaryWorkload.fromImage('example.com/reviews:1') }, { name: 'v2', workload: CanaryWorkload.fromImage('example.com/reviews:2') }],
      rules: [CanaryRule.sourceLabels({}, 'v2')],
    });
    expect(() => synth(chart)).toThrow(/http\[0\]\.match\[0\]: has only empty conditions/);
  });

  test('the last route may match everything, and conditions with values are not empty', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'Reviews', {
      hosts: ['reviews'],
      http: [{ match: [{ sourceLabels: { app: 'web' } }], route: TO('reviews-v2') }, { match: [{ headers: {} }], route: TO('reviews') }],
    });
    expect(() => synth(chart)).not.toThrow();
  });
});
