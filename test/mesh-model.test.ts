import { App, Chart, Testing } from 'cdk8s';
import { DestinationRule } from '../src/destination-rule';
import { VirtualService } from '../src/virtual-service';

/** Reviews routed to subset v2 of a DestinationRule that defines only v1: an IST0101 error until v2 is added. */
function reviews(app: App): DestinationRule {
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  const rule = new DestinationRule(chart, 'Reviews', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] });
  new VirtualService(chart, 'ReviewsRoute', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews', subset: 'v2' }] }] });
  return rule;
}

const MISSING_SUBSET = /http\[0\]\.route\[0\]\.destination\.subset: is not among the subsets \["v1"\]/;

describe('cross-resource validation sees the app as it is at each synth', () => {
  test('App.synthYaml: an error fixed after a failed synth is gone at the next synth', () => {
    // GIVEN
    const app = Testing.app();
    const rule = reviews(app);
    expect(() => app.synthYaml()).toThrow(MISSING_SUBSET);

    // WHEN
    rule.addSubset({ name: 'v2', labels: { version: 'v2' } });

    // THEN
    expect(app.synthYaml()).toContain('subset: v2');
  });

  test('App.synthYaml: a change that breaks a reference after a good synth is reported at the next synth', () => {
    // GIVEN
    const app = Testing.app();
    const rule = reviews(app);
    rule.addSubset({ name: 'v2', labels: { version: 'v2' } });
    app.synthYaml();

    // WHEN
    new VirtualService(rule.node.scope!, 'ReviewsCanary', { hosts: ['reviews-canary'], http: [{ route: [{ host: 'reviews', subset: 'v3' }] }] });

    // THEN
    expect(() => app.synthYaml()).toThrow(/\[shop\/ReviewsCanary\] http\[0\]\.route\[0\]\.destination\.subset: is not among the subsets \["v1","v2"\]/);
  });

  test('Testing.synth: each synth validates the app anew', () => {
    // GIVEN
    const app = Testing.app();
    const rule = reviews(app);
    const chart = rule.node.scope as Chart;
    expect(() => Testing.synth(chart)).toThrow(MISSING_SUBSET);

    // WHEN
    rule.addSubset({ name: 'v2', labels: { version: 'v2' } });

    // THEN
    expect(Testing.synth(chart).map(o => o.kind)).toEqual(['DestinationRule', 'VirtualService']);
  });

  test('an app of several charts reports each problem once', () => {
    // GIVEN
    const app = Testing.app();
    reviews(app);
    new Chart(app, 'other');
    new Chart(app, 'third');

    // THEN
    expect(() => app.synthYaml()).toThrow(/^Validation failed with the following errors:\n {2}\[shop\/ReviewsRoute\] [^\n]*$/);
  });
});
