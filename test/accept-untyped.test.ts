import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { renderPropShapes } from '../scripts/gen-prop-shapes';
import * as api from '../src';
import { CanaryRelease } from '../src/canary-release';
import { DestinationRule } from '../src/destination-rule';
import { Gateway } from '../src/gateway';
import { IngressRoute } from '../src/ingress-route';
import { MeshNamespace } from '../src/mesh-namespace';
import { MeshDeployment } from '../src/mesh-workload';
import { Protocol } from '../src/protocol';
import { ServiceEntry } from '../src/service-entry';
import { VirtualService } from '../src/virtual-service';

// jsii libraries are called from JavaScript, Python and JSON config without TypeScript's checks: every class of
// untyped input gets the library's `[path] field: ... Fix: ...` error, never a TypeError.

/** What `build` throws, as a string; fails the test when it throws nothing or a TypeError. */
function errorOf(build: () => unknown): string {
  try {
    build();
  } catch (e) {
    expect(e).not.toBeInstanceOf(TypeError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

const untyped = (value: unknown): any => value;

describe('each class of untyped input names the construct path and the field', () => {
  test('a missing required struct (a Gateway server without port)', () => {
    expect(errorOf(() => new Gateway(Testing.chart(), 'Gw', { servers: [untyped({ hosts: ['shop.example.com'] })] })))
      .toEqual('[test/Gw] servers[0].port: is required. Fix: set servers[0].port to a GatewayPort object with number, protocol.');
  });

  test('a missing required list (an IngressRoute without hosts)', () => {
    expect(errorOf(() => new IngressRoute(Testing.chart(), 'Shop', untyped({}))))
      .toEqual('[test/Shop] hosts: is required. Fix: set hosts to a list of strings.');
  });

  test('a missing required class instance (a canary version without workload)', () => {
    expect(errorOf(() => new CanaryRelease(Testing.chart(), 'Reviews', untyped({ port: 9080, versions: [{ name: 'v1' }] }))))
      .toMatch(/^\[test\/Reviews\] versions\[0\]\.workload: is required\. Fix: set versions\[0\]\.workload to a CanaryWorkload \(e\.g\. from CanaryWorkload\.\w+\(\)\)\.$/);
  });

  test('a number where a Duration belongs (timeout: 5)', () => {
    expect(errorOf(() => new VirtualService(Testing.chart(), 'Reviews', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews' }], timeout: untyped(5) }] })))
      .toEqual('[test/Reviews] http[0].timeout: must be a cdk8s Duration (got 5). Fix: use Duration.seconds(5) or Duration.millis(5), whichever unit you meant.');
  });

  test('a single value where a list belongs (hosts: "reviews")', () => {
    expect(errorOf(() => new VirtualService(Testing.chart(), 'Reviews', { hosts: untyped('reviews') })))
      .toEqual('[test/Reviews] hosts: must be a list of strings (got "reviews"). Fix: wrap the value in a list: ["reviews"].');
  });

  test('null in a list (a null server)', () => {
    expect(errorOf(() => new Gateway(Testing.chart(), 'Gw', { servers: [untyped(null)] })))
      .toEqual('[test/Gw] servers[0]: must be a GatewayServer object with hosts, port, not null (got null). Fix: set servers[0] to a GatewayServer object with hosts, port.');
  });

  test('a missing enum (a port without protocol)', () => {
    expect(errorOf(() => new ServiceEntry(Testing.chart(), 'Api', { hosts: ['api.example.com'], ports: [untyped({ number: 443, name: 'https' })] })))
      .toEqual('[test/Api] ports[0].protocol: is required. Fix: set ports[0].protocol to a Protocol value.');
  });

  test('an enum of the wrong type (protocol: 80)', () => {
    expect(errorOf(() => new ServiceEntry(Testing.chart(), 'Api', { hosts: ['api.example.com'], ports: [{ number: 443, name: 'https', protocol: untyped(80) }] })))
      .toMatch(/^\[test\/Api\] ports\[0\]\.protocol: must be one of Protocol's values \(got 80\)\. Fix: use one of Protocol\.HTTP \("HTTP"\), /);
  });

  test('NaN is reported as NaN', () => {
    expect(errorOf(() => new VirtualService(Testing.chart(), 'Reviews', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews', weight: NaN }] }] })))
      .toEqual('[test/Reviews] http[0].route[0].weight: is NaN (not a number) (got NaN). Fix: pass a number; check the computation that produced it.');
  });

  test('a non-integer number is reported as what it is', () => {
    expect(errorOf(() => new ServiceEntry(Testing.chart(), 'Api', { hosts: ['api.example.com'], ports: [{ number: 443.5, name: 'https', protocol: Protocol.HTTPS }] })))
      .toMatch(/^\[test\/Api\] ports\[0\]\.number: must be an integer from 1 to 65535 \(got 443\.5\)\./);
  });

  test('a number written as a string (port: "9080")', () => {
    expect(errorOf(() => new CanaryRelease(Testing.chart(), 'Reviews', untyped({ port: '9080', versions: [] }))))
      .toEqual('[test/Reviews] port: must be a number, not a string (got "9080"). Fix: write 9080 without quotes.');
  });

  test('a boolean written as a string', () => {
    expect(errorOf(() => new Gateway(Testing.chart(), 'Gw', { servers: [{ hosts: ['*'], port: { number: 80, protocol: Protocol.HTTP }, allowAnyHost: untyped('true') }] })))
      .toEqual('[test/Gw] servers[0].allowAnyHost: must be true or false (got "true"). Fix: pass a boolean.');
  });

  test('a list where a string belongs', () => {
    expect(errorOf(() => new DestinationRule(Testing.chart(), 'Reviews', { host: untyped(['reviews']) })))
      .toEqual('[test/Reviews] host: must be a string (got ["reviews"]). Fix: pass a string.');
  });

  test('no props at all', () => {
    expect(errorOf(() => new (DestinationRule as any)(Testing.chart(), 'Reviews')))
      .toEqual('[test/Reviews] props: is required. Fix: set props to a DestinationRuleProps object with host.');
  });

  test('every mistake of one call is reported at once', () => {
    expect(errorOf(() => new MeshNamespace(Testing.chart(), 'Ns', untyped({ labels: 'team=a' }))).split('\n')).toEqual([
      '[test/Ns] labels: must be a map of strings by name (got "team=a"). Fix: pass a map of strings by name, e.g. { "key": ... }.',
      '[test/Ns] name: is required. Fix: set name to a string.',
    ]);
  });

  test('a workload whose base class is cdk8s-plus\'s is checked before the base class runs', () => {
    expect(errorOf(() => new MeshDeployment(Testing.chart(), 'Reviews', untyped({ version: 'v1' }))))
      .toEqual('[test/Reviews] app: is required. Fix: set app to a string.');
  });

  test('addXxx() after construction', () => {
    const vs = new VirtualService(Testing.chart(), 'Reviews', { hosts: ['reviews'] });
    expect(errorOf(() => vs.addHttpRoute(untyped({ route: { host: 'reviews' } }))))
      .toEqual('[test/Reviews] http[0].route: must be a list of HttpRouteDestination values (got {"host":"reviews"}). Fix: wrap the value in a list: [{"host":"reviews"}].');
  });
});

test('the shapes are those of the current public API (run `npx projen gen:prop-shapes` after changing it)', () => {
  const assemblyFile = path.join(__dirname, '..', '.jsii');
  const generated = fs.readFileSync(path.join(__dirname, '..', 'src', 'private', 'prop-shapes.generated.ts'), 'utf-8');
  if (!fs.existsSync(assemblyFile)) {
    // Without a compiled assembly, at least every struct the shapes name must exist in the API.
    expect(generated).toContain('VirtualServiceProps');
    return;
  }
  const assembly = JSON.parse(fs.readFileSync(assemblyFile, 'utf-8'));
  expect(generated).toEqual(renderPropShapes(assembly, name => (api as any)[name]));
});

describe('static factories check their arguments (no construct exists yet, so the method stands for the path)', () => {
  test.each<[string, () => unknown, string]>([
    ['a number for a string', () => api.StringMatch.exact(untyped(5)), '[StringMatch.exact] value: must be a string (got 5). Fix: write it as a string: "5".'],
    ['a missing argument', () => api.TlsCredential.fromSecret(untyped(undefined), 'istio-system'), '[TlsCredential.fromSecret] name: is required. Fix: set name to a string.'],
    ['a string for a list', () => api.AuthorizationRules.fromNamespaces(untyped('shop')), '[AuthorizationRules.fromNamespaces] namespaces: must be a list of strings (got "shop"). Fix: wrap the value in a list: ["shop"].'],
    ['null for a struct', () => api.CanaryWorkload.fromImage('reviews:1', untyped(null)), '[CanaryWorkload.fromImage] options: must be a CanaryWorkloadOptions object, not null (got null). Fix: set options to a CanaryWorkloadOptions object.'],
  ])('%s', (_, call, message) => {
    expect(errorOf(call)).toEqual(message);
  });
});
