import { App, Chart } from 'cdk8s';
import { allOf, oneOf, synth } from './util';
import { IstioApi } from '../src/api-version';
import { AuthorizationPolicy, AuthorizationRules } from '../src/authorization-policy';
import { MeshNamespace } from '../src/mesh-namespace';

/** A chart of an app that targets `version` (none: the default), with one ALLOW for service account shop/api.v1. */
function policyFor(version?: string): any {
  const app = new App();
  if (version !== undefined) IstioApi.targetIstio(app, version);
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  new AuthorizationPolicy(chart, 'AllowApi', {
    selector: { app: 'backend' },
    rules: [AuthorizationRules.fromServiceAccounts(['shop/api.v1'], { to: [{ methods: ['GET'] }] })],
  });
  return oneOf(synth(chart), 'AuthorizationPolicy');
}

const PRINCIPALS = [{ source: { principals: ['*/ns/shop/sa/api.v1'] } }];
const SERVICE_ACCOUNTS = [{ source: { serviceAccounts: ['shop/api.v1'] } }];
const ANNOTATION = 'cdk8s-istio.dev/service-accounts-as-principals';

describe('serviceAccounts by target Istio release', () => {
  test('the default (1.30) emits serviceAccounts', () => {
    expect(IstioApi.istioVersionOf(new App())).toEqual('1.30');
    const policy = policyFor();
    expect(policy.spec.rules[0].from).toEqual(SERVICE_ACCOUNTS);
    expect(policy.metadata.annotations).toBeUndefined();
  });

  test.each([
    ['1.22', 'Istio 1.22 has no serviceAccounts field (added in 1.25) and prunes it, so the rule would match nothing'],
    ['1.24.6', 'Istio 1.24.6 has no serviceAccounts field (added in 1.25) and prunes it, so the rule would match nothing'],
    ['1.25.0', 'CVE-2026-39350: Istio 1.25.0 matches "." in serviceAccounts as a regex wildcard'],
    ['1.26', 'CVE-2026-39350: Istio 1.26 matches "." in serviceAccounts as a regex wildcard'],
    ['1.27.8', 'CVE-2026-39350: Istio 1.27.8 matches "." in serviceAccounts as a regex wildcard'],
    ['1.28', 'CVE-2026-39350: Istio 1.28 matches "." in serviceAccounts as a regex wildcard'],
    ['1.28.5', 'CVE-2026-39350: Istio 1.28.5 matches "." in serviceAccounts as a regex wildcard'],
    ['1.29.1', 'CVE-2026-39350: Istio 1.29.1 matches "." in serviceAccounts as a regex wildcard'],
  ])('%s: the exact principals instead, and why', (version, why) => {
    const policy = policyFor(version);
    expect(policy.spec.rules[0].from).toEqual(PRINCIPALS);
    expect(policy.spec.rules[0].to).toEqual([{ operation: { methods: ['GET'] } }]);
    expect(policy.metadata.annotations).toEqual({ [ANNOTATION]: `${why}; serviceAccounts are written as the equivalent principals` });
  });

  test.each(['1.27.9', '1.28.6', '1.29.2', '1.30', '1.30.3'])('%s (fixed): serviceAccounts', version => {
    expect(policyFor(version).spec.rules[0].from).toEqual(SERVICE_ACCOUNTS);
  });

  test('notServiceAccounts become notPrincipals', () => {
    const app = new App();
    IstioApi.targetIstio(app, '1.24');
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new AuthorizationPolicy(chart, 'Deny', { rules: [{ from: [{ notServiceAccounts: ['shop/batch'] }] }] });
    expect(oneOf(synth(chart), 'AuthorizationPolicy').spec.rules[0].from).toEqual([{ source: { notPrincipals: ['*/ns/shop/sa/batch'] } }]);
  });

  test('the allow helpers of MeshNamespace follow the target (the namespace stays reachable on 1.24)', () => {
    const app = new App();
    IstioApi.targetIstio(app, '1.24');
    const chart = new Chart(app, 'shop');
    new MeshNamespace(chart, 'Shop', { name: 'shop', defaultDeny: true }).allowFromServiceAccounts(['frontend/web']);
    const allow = allOf(synth(chart), 'AuthorizationPolicy').find(p => p.spec.rules !== undefined);
    expect(allow.spec.rules[0].from).toEqual([{ source: { principals: ['*/ns/frontend/sa/web'] } }]);
  });
});

describe('IstioApi.targetIstio errors', () => {
  test.each(['1.21', '1.31', '2.0', 'latest', '1.27.x'])('an unsupported or malformed release: %s', version => {
    expect(() => IstioApi.targetIstio(new App(), version))
      .toThrow(`[<app>] IstioApi.targetIstio: version must be "1.<minor>" or "1.<minor>.<patch>" with a minor from 22 to 30 (got "${version}"). Fix: name the Istio release the cluster runs`);
  });

  test('a second, different target', () => {
    const app = new App();
    IstioApi.targetIstio(app, '1.27.3');
    expect(() => IstioApi.targetIstio(app, '1.28')).toThrow('[<app>] IstioApi.targetIstio: the target Istio release is already 1.27.3 (got "1.28"). Fix: set the target once per app or chart.');
  });

  test('after constructs were added', () => {
    const app = new App();
    new Chart(app, 'shop');
    expect(() => IstioApi.targetIstio(app, '1.27.3')).toThrow(/called after constructs were added to this scope/);
  });
});
