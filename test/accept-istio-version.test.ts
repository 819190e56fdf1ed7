import { App, Chart, Duration } from 'cdk8s';
import { allOf, oneOf, synth } from './util';
import { IstioApi } from '../src/api-version';
import { AuthorizationPolicy, AuthorizationRules } from '../src/authorization-policy';
import { CanaryRelease, CanaryWorkload } from '../src/canary-release';
import { DestinationRule } from '../src/destination-rule';
import { RetryOn } from '../src/http-retry';
import { MeshNamespace } from '../src/mesh-namespace';
import { Protocol } from '../src/protocol';
import { RequestAuthentication } from '../src/request-authentication';
import { ServiceEntry, ServiceEntryResolution } from '../src/service-entry';
import { ConsistentHash } from '../src/traffic-policy';
import { VirtualService } from '../src/virtual-service';
import { PolicyTargetReference } from '../src/workload-target';

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

/** A chart of an app that targets Istio `version`. */
function chartFor(version: string): Chart {
  const app = new App();
  IstioApi.targetIstio(app, version);
  return new Chart(app, 'shop', { namespace: 'shop' });
}

const NOTES = (minor: number) => `https://istio.io/latest/news/releases/1.${minor}.x/announcing-1.${minor}/change-notes/`;

describe('fields newer than the target Istio minor (the release notes that add each one)', () => {
  const retries = { attempts: 2, retryOn: [RetryOn.RESET_BEFORE_REQUEST] };

  test(`retryOn reset-before-request: accepted on 1.23 (${NOTES(23)})`, () => {
    const c = chartFor('1.23');
    new VirtualService(c, 'Api', { hosts: ['api'], http: [{ route: [{ host: 'api' }], retries }] });
    expect(oneOf(synth(c), 'VirtualService').spec.http[0].retries.retryOn).toEqual('reset-before-request');
  });

  test(`retryOn reset-before-request: refused on 1.22 (${NOTES(23)})`, () => {
    expect(() => new VirtualService(chartFor('1.22'), 'Api', { hosts: ['api'], http: [{ route: [{ host: 'api' }], retries }] }))
      .toThrow('[shop/Api] http[0].retries.retryOn[0]: needs Istio 1.23 or later (retryOn "reset-before-request"), but the target set with IstioApi.targetIstio() is Istio 1.22 '
        + '(got "reset-before-request"). Fix: use RetryOn.RESET where requests are idempotent (it also retries after '
        + 'the upstream may have got the request), or drop it, or target Istio 1.23 or later if the cluster runs it. In the cluster: the webhook '
        + 'rejects the VirtualService ("reset-before-request" is not in its list of retryOn policies). See VirtualServiceProps.http in the API reference.');
  });

  test(`retryOn reset-before-request: CanaryRelease refuses it on 1.22 too (${NOTES(23)})`, () => {
    const c = chartFor('1.22');
    expect(() => new CanaryRelease(c, 'Reviews', {
      port: 9080,
      versions: [{ name: 'v1', weight: 100, workload: CanaryWorkload.fromImage('docker.io/istio/examples-bookinfo-reviews-v1:1.20.3') }],
      retries,
    })).toThrow(/retries\.retryOn\[0\]: needs Istio 1\.23 or later/);
  });

  test(`loadBalancer.warmup: emitted as warmup on 1.24 (${NOTES(24)})`, () => {
    const c = chartFor('1.24');
    new DestinationRule(c, 'Api', { host: 'api', trafficPolicy: { loadBalancer: { warmup: { duration: Duration.seconds(30), aggression: 2 } } } });
    expect(oneOf(synth(c), 'DestinationRule').spec.trafficPolicy.loadBalancer).toEqual({ warmup: { duration: '30s', aggression: 2 } });
  });

  test(`loadBalancer.warmup with only a duration: written as warmupDurationSecs on 1.23 (${NOTES(24)})`, () => {
    const c = chartFor('1.23');
    new DestinationRule(c, 'Api', {
      host: 'api',
      trafficPolicy: { loadBalancer: { warmup: { duration: Duration.seconds(30) } } },
      subsets: [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: { loadBalancer: { warmup: { duration: Duration.seconds(10) } } } }],
    });
    const spec = oneOf(synth(c), 'DestinationRule').spec;
    expect(spec.trafficPolicy.loadBalancer).toEqual({ warmupDurationSecs: '30s' });
    expect(spec.subsets[0].trafficPolicy.loadBalancer).toEqual({ warmupDurationSecs: '10s' });
  });

  test(`loadBalancer.warmup with minimumPercent or aggression: refused on 1.23 (${NOTES(24)})`, () => {
    expect(() => new DestinationRule(chartFor('1.23'), 'Api', {
      host: 'api',
      trafficPolicy: { loadBalancer: { warmup: { duration: Duration.seconds(30), minimumPercent: 20 } } },
    })).toThrow('[shop/Api] trafficPolicy.loadBalancer.warmup.minimumPercent: needs Istio 1.24 or later (loadBalancer.warmup), but the target set with IstioApi.targetIstio() is '
      + 'Istio 1.23 (got 20). Fix: set only warmup.duration (written as the older warmupDurationSecs, with Envoy\'s default '
      + 'ramp-up), or target Istio 1.24 or later if the cluster runs it. In the cluster: the API server prunes the unknown warmup field, so '
      + 'endpoints get no warmup at all. See DestinationRuleProps.trafficPolicy in the API reference.');
  });

  const cookieHash = { loadBalancer: { consistentHash: ConsistentHash.httpCookie({ name: 'session', ttl: Duration.hours(1), attributes: { SameSite: 'Strict' } }) } };

  test(`consistentHash.httpCookie.attributes: accepted on 1.28 (${NOTES(28)})`, () => {
    const c = chartFor('1.28');
    new DestinationRule(c, 'Api', { host: 'api', trafficPolicy: cookieHash });
    expect(oneOf(synth(c), 'DestinationRule').spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.attributes)
      .toEqual([{ name: 'SameSite', value: 'Strict' }]);
  });

  test(`consistentHash.httpCookie.attributes: refused on 1.27 (${NOTES(28)})`, () => {
    expect(() => new DestinationRule(chartFor('1.27'), 'Api', { host: 'api', trafficPolicy: cookieHash }))
      .toThrow('[shop/Api] trafficPolicy.loadBalancer.consistentHash.httpCookie.attributes: needs Istio 1.28 or later '
        + '(consistentHash.httpCookie.attributes), but the target set with IstioApi.targetIstio() is Istio 1.27 (got ["SameSite"]). Fix: remove the cookie '
        + 'attributes, or target Istio 1.28 or later if the cluster runs it. In the cluster: the API server prunes the unknown attributes, so '
        + 'the cookie is set without them. See DestinationRuleProps.trafficPolicy in the API reference.');
  });

  const jwtRule = { issuer: 'https://issuer.example.com', spaceDelimitedClaims: ['roles'] };

  test(`jwtRules[].spaceDelimitedClaims: accepted on 1.28 (${NOTES(28)})`, () => {
    const c = chartFor('1.28');
    new RequestAuthentication(c, 'Jwt', { jwtRules: [jwtRule] });
    expect(oneOf(synth(c), 'RequestAuthentication').spec.jwtRules[0].spaceDelimitedClaims).toEqual(['roles']);
  });

  test(`jwtRules[].spaceDelimitedClaims: refused on 1.27 (${NOTES(28)})`, () => {
    expect(() => new RequestAuthentication(chartFor('1.27'), 'Jwt', { jwtRules: [jwtRule] }))
      .toThrow('[shop/Jwt] jwtRules[0].spaceDelimitedClaims: needs Istio 1.28 or later (jwtRules[].spaceDelimitedClaims), but the target set with IstioApi.targetIstio() is '
        + 'Istio 1.27 (got ["roles"]). Fix: remove spaceDelimitedClaims (the claims "scope" and "permission" are split at '
        + 'spaces on every release), or target Istio 1.28 or later if the cluster runs it. In the cluster: Istio before 1.28 does not pass '
        + 'custom claims to Envoy\'s JWT filter, so matches on one value of such a claim fail. See RequestAuthenticationProps.jwtRules in the API reference.');
  });

  const HTTP_PORT = { number: 80, name: 'http', protocol: Protocol.HTTP };
  const TLS_PORT = { number: 443, name: 'tls', protocol: Protocol.TLS };
  const WAYPOINT = { labels: { 'istio.io/use-waypoint': 'egress-waypoint' } };
  const dynamic = (c: Chart, ports: any[], metadata?: any) => new ServiceEntry(c, 'Wild', {
    hosts: ['*.example.com'], resolution: ServiceEntryResolution.DYNAMIC_DNS, ports, metadata,
  });

  test(`resolution DYNAMIC_DNS for sidecars: accepted on 1.30 (${NOTES(30)})`, () => {
    const c = chartFor('1.30');
    dynamic(c, [HTTP_PORT, TLS_PORT]);
    expect(oneOf(synth(c), 'ServiceEntry').spec.resolution).toEqual('DYNAMIC_DNS');
  });

  test(`resolution DYNAMIC_DNS for sidecars: refused on 1.29 (${NOTES(30)})`, () => {
    expect(() => dynamic(chartFor('1.29'), [HTTP_PORT]))
      .toThrow('[shop/Wild] resolution: needs Istio 1.30 or later (resolution DYNAMIC_DNS for sidecars), but the target set with IstioApi.targetIstio() is Istio 1.29 '
        + '(got "DYNAMIC_DNS"). Fix: use resolution DNS with concrete hosts, or send the hosts through an egress waypoint '
        + '(label istio.io/use-waypoint), or target Istio 1.30 or later if the cluster runs it. In the cluster: the sidecars of Istio 1.29 do not '
        + 'serve DYNAMIC_DNS wildcard hosts (only waypoints do). See ServiceEntryProps.resolution in the API reference.');
  });

  test(`resolution DYNAMIC_DNS through a waypoint, HTTP: accepted on 1.28 (${NOTES(28)})`, () => {
    const c = chartFor('1.28');
    dynamic(c, [HTTP_PORT], WAYPOINT);
    expect(oneOf(synth(c), 'ServiceEntry').spec.resolution).toEqual('DYNAMIC_DNS');
  });

  test(`resolution DYNAMIC_DNS: refused on 1.27, which has no DYNAMIC_DNS (${NOTES(28)})`, () => {
    expect(() => dynamic(chartFor('1.27'), [HTTP_PORT], WAYPOINT))
      .toThrow('[shop/Wild] resolution: needs Istio 1.28 or later (resolution DYNAMIC_DNS with HTTP ports, through a waypoint), but the target set with IstioApi.targetIstio() is '
        + 'Istio 1.27 (got "DYNAMIC_DNS"). Fix: use resolution DNS with concrete hosts, or target Istio 1.28 or later if the '
        + 'cluster runs it. In the cluster: Istio 1.27 has no DYNAMIC_DNS resolution. See ServiceEntryProps.resolution in the API reference.');
  });

  test(`resolution DYNAMIC_DNS through a waypoint, TLS: accepted on 1.29 (${NOTES(29)})`, () => {
    const c = chartFor('1.29');
    dynamic(c, [TLS_PORT], WAYPOINT);
    expect(oneOf(synth(c), 'ServiceEntry').spec.ports).toEqual([{ number: 443, name: 'tls', protocol: 'TLS' }]);
  });

  test(`resolution DYNAMIC_DNS through a waypoint, TLS: refused on 1.28 (${NOTES(29)})`, () => {
    expect(() => dynamic(chartFor('1.28'), [HTTP_PORT, TLS_PORT], WAYPOINT))
      .toThrow('[shop/Wild] resolution: needs Istio 1.29 or later (resolution DYNAMIC_DNS with TLS ports, through a waypoint), but the target set with IstioApi.targetIstio() is '
        + 'Istio 1.28 (got "DYNAMIC_DNS"). Fix: use resolution DNS with concrete hosts, or target Istio 1.29 or later if the '
        + 'cluster runs it. In the cluster: the waypoints of Istio 1.28 serve DYNAMIC_DNS for HTTP only. See ServiceEntryProps.resolution in the API reference.');
  });
});

describe('targetRefs kinds newer than the target Istio minor', () => {
  test(`a ServiceEntry target: accepted on 1.24 (${NOTES(24)})`, () => {
    const c = chartFor('1.24');
    new AuthorizationPolicy(c, 'Egress', { targetRefs: [PolicyTargetReference.serviceEntry('api')], rules: [{}] });
    expect(oneOf(synth(c), 'AuthorizationPolicy').spec.targetRefs).toEqual([{ group: 'networking.istio.io', kind: 'ServiceEntry', name: 'api' }]);
  });

  test(`a ServiceEntry target: refused on 1.23 (${NOTES(24)})`, () => {
    expect(() => new AuthorizationPolicy(chartFor('1.23'), 'Egress', { targetRefs: [PolicyTargetReference.serviceEntry('api')], rules: [{}] }))
      .toThrow('[shop/Egress] targetRefs[0].kind: needs Istio 1.24 or later (targetRefs of kind ServiceEntry), but the target set with IstioApi.targetIstio() is Istio 1.23 '
        + '(got "ServiceEntry"). Fix: target a Kubernetes Service with PolicyTargetReference.service() instead, or target '
        + 'Istio 1.24 or later if the cluster runs it. In the cluster: istiod of Istio 1.23 does not attach policies to ServiceEntries, so the '
        + 'AuthorizationPolicy has no effect. See AuthorizationPolicyProps.targetRefs in the API reference.');
  });

  test(`a GatewayClass target: accepted on 1.25 (${NOTES(25)})`, () => {
    const app = new App();
    IstioApi.targetIstio(app, '1.25');
    const c = new Chart(app, 'root', { namespace: 'istio-system' });
    new RequestAuthentication(c, 'Waypoints', { targetRefs: [PolicyTargetReference.gatewayClass('istio-waypoint')], jwtRules: [{ issuer: 'https://issuer.example.com' }] });
    expect(oneOf(synth(c), 'RequestAuthentication').spec.targetRefs[0].kind).toEqual('GatewayClass');
  });

  test(`a GatewayClass target: refused on 1.24 (${NOTES(25)})`, () => {
    expect(() => new RequestAuthentication(chartFor('1.24'), 'Waypoints', { targetRefs: [PolicyTargetReference.gatewayClass('istio-waypoint')] }))
      .toThrow('[shop/Waypoints] targetRefs[0].kind: needs Istio 1.25 or later (targetRefs of kind GatewayClass), but the target set with IstioApi.targetIstio() is Istio 1.24 '
        + '(got "GatewayClass"). Fix: attach the policy to each waypoint with PolicyTargetReference.gateway(), or target '
        + 'Istio 1.25 or later if the cluster runs it. In the cluster: istiod of Istio 1.24 does not attach policies to GatewayClasses, so the '
        + 'RequestAuthentication has no effect. See RequestAuthenticationProps.targetRefs in the API reference.');
  });
});
