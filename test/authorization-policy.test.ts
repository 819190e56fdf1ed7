import { ApiObject, Chart, Testing } from 'cdk8s';
import { oneOf, synth } from './util';
import { IstioApi, IstioApiVersion } from '../src/api-version';
import {
  AuthorizationAction,
  AuthorizationPolicy,
  AuthorizationPolicyProps,
  AuthorizationRule,
  AuthorizationRules,
} from '../src/authorization-policy';
import { MtlsMode, PeerAuthentication } from '../src/peer-authentication';
import { PolicyTargetReference } from '../src/workload-target';

function chart(namespace = 'shop'): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

/** A policy with one rule, built in a fresh chart. */
function policyWith(rule: AuthorizationRule, props: AuthorizationPolicyProps = {}): AuthorizationPolicy {
  return new AuthorizationPolicy(chart(), 'Policy', { selector: { app: 'reviews' }, ...props, rules: [rule] });
}

describe('AuthorizationPolicy manifests', () => {
  test('ALLOW GET on the product API from the frontend namespace', () => {
    // GIVEN
    const c = chart('bookinfo');
    const policy = new AuthorizationPolicy(c, 'Productpage', { selector: { app: 'productpage' } });

    // WHEN
    policy.addRule(AuthorizationRules.fromNamespaces(['frontend'], {
      to: [{ methods: ['GET', 'HEAD'], paths: ['/api/v1/products*', '/api/v1/users/{*}/orders/{**}'] }],
    }));

    // THEN
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'AuthorizationPolicy', 'productpage')).toEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'productpage', namespace: 'bookinfo' },
      spec: {
        selector: { matchLabels: { app: 'productpage' } },
        action: 'ALLOW',
        rules: [{
          from: [{ source: { namespaces: ['frontend'] } }],
          to: [{ operation: { methods: ['GET', 'HEAD'], paths: ['/api/v1/products*', '/api/v1/users/{*}/orders/{**}'] } }],
        }],
      },
    });
  });

  test('DENY the admin API on the HTTP port to everyone outside the ops namespace', () => {
    // GIVEN
    const c = chart('bookinfo');

    // WHEN
    new AuthorizationPolicy(c, 'DenyAdmin', {
      selector: { app: 'reviews' },
      action: AuthorizationAction.DENY,
      rules: [{
        from: [{ notNamespaces: ['ops'] }],
        to: [{ ports: [9080], paths: ['/admin', '/admin/*'] }],
      }],
    });

    // THEN
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'AuthorizationPolicy', 'deny-admin').spec).toEqual({
      selector: { matchLabels: { app: 'reviews' } },
      action: 'DENY',
      rules: [{
        from: [{ source: { notNamespaces: ['ops'] } }],
        to: [{ operation: { ports: ['9080'], paths: ['/admin', '/admin/*'] } }],
      }],
    });
  });

  test('CUSTOM: /headers is checked by the external authorizer', () => {
    // GIVEN
    const c = chart('foo');

    // WHEN
    new AuthorizationPolicy(c, 'ExtAuthz', {
      selector: { app: 'httpbin' },
      action: AuthorizationAction.CUSTOM,
      provider: 'sample-ext-authz-grpc',
      rules: [{ to: [{ paths: ['/headers'] }] }],
    });

    // THEN
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'AuthorizationPolicy', 'ext-authz').spec).toEqual({
      selector: { matchLabels: { app: 'httpbin' } },
      action: 'CUSTOM',
      provider: { name: 'sample-ext-authz-grpc' },
      rules: [{ to: [{ operation: { paths: ['/headers'] } }] }],
    });
  });

  test('a Gateway API gateway that only lets the office network in', () => {
    // GIVEN
    const c = chart('istio-ingress');
    const policy = new AuthorizationPolicy(c, 'OfficeOnly', {
      targetRefs: [PolicyTargetReference.gateway('public-gateway')],
    });

    // WHEN
    policy.addRule({ from: [{ remoteIpBlocks: ['203.0.113.0/24', '2001:db8::/32'] }] });

    // THEN
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'AuthorizationPolicy', 'office-only').spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public-gateway' }],
      action: 'ALLOW',
      rules: [{ from: [{ source: { remoteIpBlocks: ['203.0.113.0/24', '2001:db8::/32'] } }] }],
    });
  });
});

describe('AuthorizationPolicy behaviour', () => {
  test('denyAll() allows nothing and allowAll() allows everything', () => {
    // GIVEN
    const c = chart();

    // WHEN
    AuthorizationPolicy.denyAll(c, 'DenyAll');
    AuthorizationPolicy.allowAll(c, 'Reviews', { selector: { app: 'reviews' } });

    // THEN
    const manifests = synth(c);
    expect(oneOf(manifests, 'AuthorizationPolicy', 'deny-all').spec).toEqual({ action: 'ALLOW' });
    expect(oneOf(manifests, 'AuthorizationPolicy', 'reviews').spec).toEqual({
      selector: { matchLabels: { app: 'reviews' } },
      action: 'ALLOW',
      rules: [{}],
    });
  });

  test('a DENY policy in dry-run mode keeps its istio.io/dry-run annotation', () => {
    // GIVEN
    const c = chart();
    const policy = new AuthorizationPolicy(c, 'DenyAdmin', {
      selector: { app: 'reviews' },
      action: AuthorizationAction.DENY,
      rules: [{ to: [{ paths: ['/admin'], ports: [9080] }] }],
    });

    // WHEN
    policy.metadata.addAnnotation('istio.io/dry-run', 'true');

    // THEN
    expect(oneOf(synth(c), 'AuthorizationPolicy', 'deny-admin').metadata.annotations).toEqual({ 'istio.io/dry-run': 'true' });
  });

  test('default deny plus allow from named namespaces, service accounts and the ingress gateway', () => {
    // GIVEN
    const c = chart();
    const allow = new AuthorizationPolicy(c, 'Allow');

    // WHEN
    allow.addRule(AuthorizationRules.fromNamespaces(['frontend', 'ops']));
    allow.addRule(AuthorizationRules.fromServiceAccounts(['billing/invoicer'], { to: [{ ports: [8080] }] }));
    allow.addRule(AuthorizationRules.fromPrincipals(['cluster.local/ns/batch/sa/*']));
    allow.addRule(AuthorizationRules.fromIngressGateway());
    allow.addRule(AuthorizationRules.fromIngressGateway({ gatewayNamespace: 'istio-ingress', gatewayServiceAccount: 'istio-ingress' }));
    allow.addRule(AuthorizationRules.fromRequestPrincipals(['*'], {
      when: [{ key: 'request.auth.claims[groups]', values: ['admins'] }],
    }));

    // THEN
    expect(oneOf(synth(c), 'AuthorizationPolicy', 'allow').spec.rules).toEqual([
      { from: [{ source: { namespaces: ['frontend', 'ops'] } }] },
      { from: [{ source: { serviceAccounts: ['billing/invoicer'] } }], to: [{ operation: { ports: ['8080'] } }] },
      { from: [{ source: { principals: ['cluster.local/ns/batch/sa/*'] } }] },
      { from: [{ source: { serviceAccounts: ['istio-system/istio-ingressgateway-service-account'] } }] },
      { from: [{ source: { serviceAccounts: ['istio-ingress/istio-ingress'] } }] },
      { from: [{ source: { requestPrincipals: ['*'] } }], when: [{ key: 'request.auth.claims[groups]', values: ['admins'] }] },
    ]);
  });

  test('conditions render values and notValues', () => {
    // GIVEN
    const c = chart();

    // WHEN
    new AuthorizationPolicy(c, 'Conditions', {
      rules: [{
        when: [
          { key: 'request.headers[x-tenant]', values: ['acme*'], notValues: ['acme-test'] },
          { key: 'source.ip', notValues: ['10.0.0.0/8'] },
          { key: 'destination.port', values: ['9080'] },
          { key: 'source.serviceAccount', values: ['shop/frontend'] },
          { key: 'connection.sni', values: ['*.example.com'] },
        ],
      }],
    });

    // THEN
    expect(oneOf(synth(c), 'AuthorizationPolicy', 'conditions').spec.rules[0].when).toEqual([
      { key: 'request.headers[x-tenant]', values: ['acme*'], notValues: ['acme-test'] },
      { key: 'source.ip', notValues: ['10.0.0.0/8'] },
      { key: 'destination.port', values: ['9080'] },
      { key: 'source.serviceAccount', values: ['shop/frontend'] },
      { key: 'connection.sni', values: ['*.example.com'] },
    ]);
  });

  test('a DENY rule on HTTP attributes is accepted when every to entry names ports, or when the workloads are HTTP-only', () => {
    // GIVEN
    const c = chart();

    // WHEN
    new AuthorizationPolicy(c, 'RequireJwt', {
      selector: { app: 'api' },
      action: AuthorizationAction.DENY,
      httpOnlyWorkloads: true,
      rules: [{ from: [{ notRequestPrincipals: ['*'] }] }],
    });
    new AuthorizationPolicy(c, 'DenyDelete', {
      selector: { app: 'api' },
      action: AuthorizationAction.DENY,
      rules: [{ to: [{ methods: ['DELETE'], ports: [8080] }, { notPorts: [5432], paths: ['/internal/*'] }] }],
    });

    // THEN
    expect(oneOf(synth(c), 'AuthorizationPolicy', 'deny-delete').spec.rules[0].to).toEqual([
      { operation: { methods: ['DELETE'], ports: ['8080'] } },
      { operation: { notPorts: ['5432'], paths: ['/internal/*'] } },
    ]);
  });

  test('identity rules are accepted when mTLS is disabled only for other workloads', () => {
    // GIVEN
    const c = chart();
    new PeerAuthentication(c, 'Default', { mtlsMode: MtlsMode.STRICT });
    new PeerAuthentication(c, 'Legacy', { selector: { app: 'legacy' }, mtlsMode: MtlsMode.DISABLE });

    // WHEN
    new AuthorizationPolicy(c, 'Reviews', { selector: { app: 'reviews' }, rules: [AuthorizationRules.fromNamespaces(['frontend'])] });

    // THEN
    expect(() => synth(c)).not.toThrow();
  });

  test('accessors report what was configured, and return copies', () => {
    // GIVEN
    const policy = new AuthorizationPolicy(chart(), 'Reviews', {
      selector: { app: 'reviews' },
      action: AuthorizationAction.AUDIT,
      rules: [{ to: [{ paths: ['/audit'] }] }],
    });

    // WHEN
    policy.selector!.app = 'other';
    policy.rules[0].to!.push({ paths: ['/other'] });

    // THEN
    expect(policy.selector).toEqual({ app: 'reviews' });
    expect(policy.rules).toEqual([{ to: [{ paths: ['/audit'] }] }]);
    expect(policy.action).toBe(AuthorizationAction.AUDIT);
    expect(policy.targetRefs).toEqual([]);
  });

  test('target references of every kind', () => {
    // GIVEN
    const c = chart();
    const policy = new AuthorizationPolicy(c, 'Targets');

    // WHEN
    policy.addTargetRef(PolicyTargetReference.service('reviews', { namespace: 'shop' }));
    policy.addTargetRef(PolicyTargetReference.serviceEntry('payments-api'));
    policy.addTargetRef(PolicyTargetReference.gateway('public'));
    policy.addTargetRef(PolicyTargetReference.gatewayClass('istio'));

    // THEN
    expect(oneOf(synth(c), 'AuthorizationPolicy', 'targets').spec.targetRefs).toEqual([
      { group: '', kind: 'Service', name: 'reviews' },
      { group: 'networking.istio.io', kind: 'ServiceEntry', name: 'payments-api' },
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public' },
      { group: 'gateway.networking.k8s.io', kind: 'GatewayClass', name: 'istio' },
    ]);
    expect(policy.targetRefs.map(r => r.kind)).toEqual(['Service', 'ServiceEntry', 'Gateway', 'GatewayClass']);
  });

  test('the API version follows IstioApi.useVersion, and the API object is the default child', () => {
    // GIVEN
    const app = Testing.app();
    IstioApi.useVersion(app, IstioApiVersion.V1BETA1);
    const c = new Chart(app, 'test');

    // WHEN
    const policy = AuthorizationPolicy.denyAll(c, 'DenyAll');

    // THEN
    expect(policy.apiVersion).toBe('security.istio.io/v1beta1');
    expect((policy.node.defaultChild as ApiObject).kind).toBe('AuthorizationPolicy');
  });
});

describe('AuthorizationPolicy errors', () => {
  test('selector together with targetRefs', () => {
    expect(() => new AuthorizationPolicy(chart(), 'Policy', {
      selector: { app: 'reviews' },
      targetRefs: [PolicyTargetReference.gateway('public')],
    })).toThrow(/targetRefs\[0\]: is set together with selector.*Fix: remove selector to attach the policy to the Gateway.*only one of targetRefs or selector/);
  });

  test('selector on the pods of a Gateway API gateway (IST0166)', () => {
    expect(() => new AuthorizationPolicy(chart(), 'Policy', { selector: { 'gateway.networking.k8s.io/gateway-name': 'public' } }))
      .toThrow(/selector: selects the pods of a Gateway API gateway.*Fix: replace selector with targetRefs: \[PolicyTargetReference\.gateway\('public'\)\].*IST0166/);
  });

  test('targetRef in another namespace', () => {
    expect(() => new AuthorizationPolicy(chart('shop'), 'Policy', {
      targetRefs: [PolicyTargetReference.gateway('public', { namespace: 'istio-ingress' })],
    })).toThrow(/targetRefs\[0\]\.namespace: is not the policy's namespace "shop".*\(got "istio-ingress"\).*Fix: create the AuthorizationPolicy in namespace "istio-ingress"/);
  });

  test('targetRef with an invalid name', () => {
    expect(() => new AuthorizationPolicy(chart(), 'Policy', { targetRefs: [PolicyTargetReference.service('Reviews.v1')] }))
      .toThrow(/targetRefs\[0\]\.name: must be a lower-case DNS-1123 label.*\(got "Reviews\.v1"\).*Fix: pass the name of the Service/);
  });

  test('the same targetRef twice', () => {
    const policy = new AuthorizationPolicy(chart(), 'Policy', { targetRefs: [PolicyTargetReference.gateway('public')] });
    expect(() => policy.addTargetRef(PolicyTargetReference.gateway('public')))
      .toThrow(/targetRefs\[1\]: targets the same resource as an earlier entry.*Fix: list each target once/);
  });

  test('more than 16 targetRefs', () => {
    const policy = new AuthorizationPolicy(chart(), 'Policy', {
      targetRefs: Array.from({ length: 16 }, (_, i) => PolicyTargetReference.gateway(`gw-${i}`)),
    });
    expect(() => policy.addTargetRef(PolicyTargetReference.gateway('gw-16')))
      .toThrow(/targetRefs\[16\]: exceeds Istio's limit of 16 targetRefs.*Fix: split the targets over several AuthorizationPolicy objects/);
  });

  test('provider with an action other than CUSTOM', () => {
    expect(() => new AuthorizationPolicy(chart(), 'Policy', { action: AuthorizationAction.DENY, provider: 'opa' }))
      .toThrow(/provider: is only allowed with action CUSTOM \(the action is DENY\) \(got "opa"\).*Fix: set action: AuthorizationAction.CUSTOM/);
  });

  test('CUSTOM without provider', () => {
    expect(() => new AuthorizationPolicy(chart(), 'Policy', { action: AuthorizationAction.CUSTOM, rules: [{}] }))
      .toThrow(/provider: is required with action CUSTOM.*Fix: name the external authorizer.*extensionProviders/);
  });

  test('CUSTOM with a source field it does not support', () => {
    expect(() => policyWith({ from: [{ namespaces: ['frontend'] }] }, { action: AuthorizationAction.CUSTOM, provider: 'opa' }))
      .toThrow(/rules\[0\]\.from\[0\]\.namespaces: is not supported with action CUSTOM.*Fix: match on ipBlocks or remoteIpBlocks.*not supported with CUSTOM action/);
  });

  test('CUSTOM with a condition key it does not support', () => {
    expect(() => policyWith({ when: [{ key: 'request.auth.claims[iss]', values: ['https://idp'] }] }, { action: AuthorizationAction.CUSTOM, provider: 'opa' }))
      .toThrow(/rules\[0\]\.when\[0\]\.key: is not supported with action CUSTOM \(got "request\.auth\.claims\[iss\]"\).*Fix: let the external authorizer check/);
  });

  test('DENY without rules', () => {
    const c = chart();
    new AuthorizationPolicy(c, 'Policy', { action: AuthorizationAction.DENY });
    expect(() => synth(c)).toThrow(/rules: is empty, so this DENY policy never matches anything.*Fix: add rules with addRule\(\); .*addRule\(\{\}\)/);
  });

  test('dry-run annotation that is not a boolean', () => {
    const c = chart();
    const policy = new AuthorizationPolicy(c, 'Policy', { selector: { app: 'reviews' }, rules: [{}] });
    policy.metadata.addAnnotation('istio.io/dry-run', 'yes');
    expect(() => synth(c))
      .toThrow(/\[test\/Policy\] metadata\.annotations\["istio\.io\/dry-run"\]: is not a boolean \(got "yes"\)\. Fix: set it to "true".*webhook rejects/);
  });

  test('dry-run annotation on a policy that is neither ALLOW nor DENY', () => {
    const c = chart();
    new AuthorizationPolicy(c, 'Policy', {
      metadata: { annotations: { 'istio.io/dry-run': 'true' } },
      selector: { app: 'reviews' },
      action: AuthorizationAction.CUSTOM,
      provider: 'opa',
      rules: [{}],
    });
    expect(() => synth(c))
      .toThrow(/metadata\.annotations\["istio\.io\/dry-run"\]: is only supported on ALLOW and DENY policies \(the action is CUSTOM\).*Fix: remove the annotation, or use action ALLOW or DENY/);
  });

  test('empty from list', () => {
    expect(() => policyWith({ from: [] }))
      .toThrow(/rules\[0\]\.from: is an empty list, which Istio treats like an unset field \(it matches anything, not nothing\).*Fix: remove from, or list at least one value/);
  });

  test('empty source', () => {
    expect(() => policyWith({ from: [{}] }))
      .toThrow(/rules\[0\]\.from\[0\]: is an empty source.*Fix: set at least one of principals, .*; to match any source, omit from/);
  });

  test('empty operation', () => {
    expect(() => policyWith({ to: [{}] }))
      .toThrow(/rules\[0\]\.to\[0\]: is an empty operation.*Fix: set at least one of hosts, ports, methods, paths.*omit to/);
  });

  test('an empty list inside a source', () => {
    expect(() => policyWith({ from: [{ namespaces: [], ipBlocks: ['10.0.0.0/8'] }] }))
      .toThrow(/rules\[0\]\.from\[0\]\.namespaces: is an empty list.*Fix: remove namespaces, or list at least one value/);
  });

  test('an empty string in a list', () => {
    expect(() => policyWith({ from: [{ principals: [''] }] }))
      .toThrow(/rules\[0\]\.from\[0\]\.principals\[0\]: must not be empty.*Fix: write peer identities as/);
  });

  test('serviceAccounts combined with principals', () => {
    expect(() => policyWith({ from: [{ serviceAccounts: ['shop/frontend'], principals: ['cluster.local/ns/shop/sa/cart'] }] }))
      .toThrow(/rules\[0\]\.from\[0\]\.serviceAccounts: is combined with principals in the same source.*Fix: use serviceAccounts alone in this source/);
  });

  test('serviceAccounts entry without a namespace', () => {
    expect(() => policyWith({ from: [{ serviceAccounts: ['frontend'] }] }))
      .toThrow(/rules\[0\]\.from\[0\]\.serviceAccounts\[0\]: must be "<namespace>\/<service account>" \(got "frontend"\).*Fix: write "<namespace>\/<service account>"/);
  });

  test('serviceAccounts entry with a wildcard', () => {
    expect(() => policyWith({ from: [{ serviceAccounts: ['shop/*'] }] }))
      .toThrow(/rules\[0\]\.from\[0\]\.serviceAccounts\[0\]: must not contain "\*"; service accounts are matched exactly.*Fix: write/);
  });

  test('more than 16 serviceAccounts', () => {
    const accounts = Array.from({ length: 17 }, (_, i) => `shop/sa-${i}`);
    expect(() => policyWith({ from: [{ serviceAccounts: accounts }] }))
      .toThrow(/rules\[0\]\.from\[0\]\.serviceAccounts: lists more than 16 service accounts \(got 17\).*Fix: split them over several from entries/);
  });

  test('namespaces entry that is not a namespace name', () => {
    expect(() => policyWith({ from: [{ namespaces: ['Frontend'] }] }))
      .toThrow(/rules\[0\]\.from\[0\]\.namespaces\[0\]: must be a lower-case DNS-1123 label.*\(got "Frontend"\).*Fix: use namespace names/);
  });

  test('trustDomains entry with a slash', () => {
    expect(() => policyWith({ from: [{ trustDomains: ['cluster.local/ns/shop'] }] }))
      .toThrow(/rules\[0\]\.from\[0\]\.trustDomains\[0\]: must not contain "\/".*Fix: use a trust domain such as "cluster\.local"/);
  });

  test('ipBlocks entry that is not an IP or CIDR', () => {
    expect(() => policyWith({ from: [{ ipBlocks: ['10.0.0.0/33'] }] }))
      .toThrow(/rules\[0\]\.from\[0\]\.ipBlocks\[0\]: has an invalid prefix length \(0 to 32\) \(got "10\.0\.0\.0\/33"\).*Fix: use an IP address or a CIDR block/);
  });

  test('port out of range', () => {
    expect(() => policyWith({ to: [{ ports: [65536] }] }))
      .toThrow(/rules\[0\]\.to\[0\]\.ports\[0\]: must be an integer from 0 to 65535 \(got 65536\).*Fix: use the port number the workload listens on/);
  });

  test('lower-case HTTP method', () => {
    expect(() => policyWith({ to: [{ methods: ['get'] }] }))
      .toThrow(/rules\[0\]\.to\[0\]\.methods\[0\]: is not upper case; .*never matches \(got "get"\).*Fix: write the method in upper case, e.g. "GET"/);
  });

  test('path that does not start with a slash', () => {
    expect(() => policyWith({ to: [{ paths: ['api/v1'] }] }))
      .toThrow(/rules\[0\]\.to\[0\]\.paths\[0\]: does not start with "\/".*never matches \(got "api\/v1"\).*Fix: write "\/exact"/);
  });

  test('path template with {**} before another template', () => {
    expect(() => policyWith({ to: [{ paths: ['/files/{**}/{*}'] }] }))
      .toThrow(/rules\[0\]\.to\[0\]\.paths\[0\]: has a template after \{\*\*\}; \{\*\*\} must be the last template.*Fix: write .*"\/users\/\{\*\}\/orders\/\{\*\*\}"/);
  });

  test('path template operator that is not a whole segment', () => {
    expect(() => policyWith({ to: [{ paths: ['/files/{*}.txt'] }] }))
      .toThrow(/rules\[0\]\.to\[0\]\.paths\[0\]: has the segment "\{\*\}\.txt"; \{\*\} and \{\*\*\} must each be a whole path segment.*Fix: write/);
  });

  test('path with a named variable, which is not an Istio template', () => {
    expect(() => policyWith({ to: [{ paths: ['/users/{id}'] }] }))
      .toThrow(/rules\[0\]\.to\[0\]\.paths\[0\]: uses "\{\.\.\.\}", but only the templates \{\*\} and \{\*\*\} exist.*Fix: write/);
  });

  test('path template mixed with a "*" wildcard', () => {
    expect(() => policyWith({ to: [{ paths: ['/users/{*}/*'] }] }))
      .toThrow(/rules\[0\]\.to\[0\]\.paths\[0\]: mixes "\*" with a path template in "\*"; inside a template "\*" is literal.*Fix: write/);
  });

  test('"*" in the middle of a value', () => {
    expect(() => policyWith({ to: [{ hosts: ['api.*.example.com'] }] }))
      .toThrow(/rules\[0\]\.to\[0\]\.hosts\[0\]: uses "\*" other than once at the start or the end.*\(got "api\.\*\.example\.com"\).*Fix: use a host name, with "\*" only at the start or end/);
  });

  test('unknown condition key', () => {
    expect(() => policyWith({ when: [{ key: 'destination.namespace', values: ['shop'] }] }))
      .toThrow(/rules\[0\]\.when\[0\]\.key: is not an attribute Istio can match on \(got "destination\.namespace"\).*Fix: use one of source\.ip, .*request\.headers\[<name>\]/);
  });

  test('bracketed condition key without a name', () => {
    expect(() => policyWith({ when: [{ key: 'request.headers[]', values: ['x'] }] }))
      .toThrow(/rules\[0\]\.when\[0\]\.key: is not an attribute Istio can match on \(got "request\.headers\[\]"\)/);
  });

  test('condition without values', () => {
    expect(() => policyWith({ when: [{ key: 'source.ip' }] }))
      .toThrow(/rules\[0\]\.when\[0\]: has neither values nor notValues for key "source\.ip".*Fix: list the values the attribute must match/);
  });

  test('condition value that does not fit the key', () => {
    expect(() => policyWith({ when: [{ key: 'destination.port', values: ['http'] }] }))
      .toThrow(/rules\[0\]\.when\[0\]\.values\[0\]: must be a port number from 0 to 65535 \(got "http"\)/);
  });

  test('DENY rule with only HTTP attributes and no ports', () => {
    expect(() => policyWith({ to: [{ paths: ['/admin/*'] }] }, { action: AuthorizationAction.DENY }))
      .toThrow(/rules\[0\]: is a DENY rule that uses HTTP-only attributes without restricting ports \(got "paths"\).*Fix: add ports .*or set httpOnlyWorkloads: true.*In the cluster: on TCP ports/);
  });

  test('identity rules on workloads whose PeerAuthentication disables mTLS', () => {
    // GIVEN
    const c = chart();
    new PeerAuthentication(c, 'Default', { mtlsMode: MtlsMode.DISABLE });

    // WHEN
    new AuthorizationPolicy(c, 'Reviews', { selector: { app: 'reviews' }, rules: [AuthorizationRules.fromNamespaces(['frontend'])] });

    // THEN
    expect(() => synth(c)).toThrow(new RegExp('rules\\[0\\]\\.from\\[0\\]\\.namespaces: matches on the peer identity, which needs mutual TLS, '
      + 'but PeerAuthentication "default" \\(test/Default\\) sets mtls mode DISABLE.*Fix: set the PeerAuthentication to STRICT.*403'));
  });
});
