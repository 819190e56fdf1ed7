import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { synth } from './util';
import { IstioApi, IstioApiVersion } from '../src/api-version';
import { AuthorizationPolicy, AuthorizationRules } from '../src/authorization-policy';
import { DestinationRule } from '../src/destination-rule';
import { Gateway } from '../src/gateway';
import { MtlsMode, PeerAuthentication } from '../src/peer-authentication';
import { Protocol } from '../src/protocol';
import { RequestAuthentication } from '../src/request-authentication';
import { ServiceEntry, ServiceEntryResolution } from '../src/service-entry';
import { Sidecar } from '../src/sidecar';
import { VirtualService } from '../src/virtual-service';

/**
 * One object of every Istio kind the library has (networking and security), wired together as an app would be,
 * plus a ConfigMap: a Kubernetes object whose apiVersion the Istio setting must leave alone.
 */
function addEveryKind(scope: Construct): void {
  // One Gateway host per chart: two Gateways serving one host on one port would conflict (IST0145).
  const host = `${Chart.of(scope).namespace}.example.com`;
  const gateway = new Gateway(scope, 'Public', {
    servers: [{ port: { number: 80, protocol: Protocol.HTTP }, hosts: [host] }],
  });
  new VirtualService(scope, 'Storefront', {
    hosts: [host],
    gateways: [gateway.gatewayRef],
    http: [{ route: [{ host: 'storefront', subset: 'v1', port: 8080 }] }],
  });
  new DestinationRule(scope, 'StorefrontSubsets', {
    metadata: { name: 'storefront' },
    host: 'storefront',
    subsets: [{ name: 'v1', labels: { version: 'v1' } }],
  });
  new ServiceEntry(scope, 'Payments', {
    hosts: ['api.payments.example.com'],
    ports: [{ number: 443, name: 'https', protocol: Protocol.HTTPS }],
    resolution: ServiceEntryResolution.DNS,
  });
  new Sidecar(scope, 'Default', { egress: [{ hosts: ['./*', 'istio-system/*'] }] });
  new PeerAuthentication(scope, 'Strict', { mtlsMode: MtlsMode.STRICT });
  new AuthorizationPolicy(scope, 'FromIngress', {
    selector: { app: 'storefront' },
    rules: [AuthorizationRules.fromNamespaces(['istio-system'])],
  });
  new RequestAuthentication(scope, 'Jwt', {
    selector: { app: 'storefront' },
    jwtRules: [{ issuer: 'https://accounts.example.com', jwksUri: 'https://accounts.example.com/.well-known/jwks.json' }],
  });
  new ApiObject(scope, 'Settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
}

/** `[kind, apiVersion]` of every synthesized object, in output order. */
function versions(chart: Chart): Array<[string, string]> {
  return synth(chart).map(m => [m.kind, m.apiVersion]);
}

/** What `versions()` returns for a chart made by `addEveryKind`, when Istio objects use `version`. */
function everyKindAt(version: IstioApiVersion): Array<[string, string]> {
  const networking = `networking.istio.io/${version}`;
  const security = `security.istio.io/${version}`;
  return [
    ['Gateway', networking],
    ['VirtualService', networking],
    ['DestinationRule', networking],
    ['ServiceEntry', networking],
    ['Sidecar', networking],
    ['PeerAuthentication', security],
    ['AuthorizationPolicy', security],
    ['RequestAuthentication', security],
    ['ConfigMap', 'v1'],
  ];
}

function shopAndPayments(app: App): { shop: Chart; payments: Chart } {
  return { shop: new Chart(app, 'Shop', { namespace: 'shop' }), payments: new Chart(app, 'Payments', { namespace: 'payments' }) };
}

describe('Istio API version', () => {
  test('by default every networking and security object uses v1', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'Shop', { namespace: 'shop' });

    // WHEN
    addEveryKind(chart);

    // THEN
    expect(versions(chart)).toEqual(everyKindAt(IstioApiVersion.V1));
    expect(IstioApi.versionOf(chart)).toBe(IstioApiVersion.V1);
  });

  test('v1beta1 set on the app applies to every networking and security object of every chart', () => {
    // GIVEN
    const app = Testing.app();
    IstioApi.useVersion(app, IstioApiVersion.V1BETA1);
    const { shop, payments } = shopAndPayments(app);

    // WHEN
    addEveryKind(shop);
    addEveryKind(payments);

    // THEN
    expect(synth(shop)).toMatchSnapshot();
    expect(versions(shop)).toEqual(everyKindAt(IstioApiVersion.V1BETA1));
    expect(versions(payments)).toEqual(everyKindAt(IstioApiVersion.V1BETA1));
    expect(IstioApi.versionOf(payments)).toBe(IstioApiVersion.V1BETA1);
  });

  test('v1beta1 set on a chart applies to that chart only', () => {
    // GIVEN
    const { shop, payments } = shopAndPayments(Testing.app());
    IstioApi.useVersion(payments, IstioApiVersion.V1BETA1);

    // WHEN
    addEveryKind(shop);
    addEveryKind(payments);

    // THEN
    expect(versions(shop)).toEqual(everyKindAt(IstioApiVersion.V1));
    expect(versions(payments)).toEqual(everyKindAt(IstioApiVersion.V1BETA1));
  });
});

describe('Istio API version errors', () => {
  test('setting a second, different version is refused', () => {
    // GIVEN
    const app = Testing.app();
    IstioApi.useVersion(app, IstioApiVersion.V1BETA1);

    // THEN
    expect(() => IstioApi.useVersion(app, IstioApiVersion.V1))
      .toThrow(/IstioApi\.useVersion: the Istio API version is already v1beta1; got v1\. Fix: set the version once per app or chart\./);
  });

  test('setting the version after constructs were added is refused', () => {
    // GIVEN
    const app = Testing.app();
    new Chart(app, 'Shop');

    // THEN
    expect(() => IstioApi.useVersion(app, IstioApiVersion.V1BETA1))
      .toThrow(/IstioApi\.useVersion: called after constructs were added to this scope\. Fix: call it right after creating the App or Chart/);
  });
});
