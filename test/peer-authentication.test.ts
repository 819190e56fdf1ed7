import { ApiObject, Chart, Testing } from 'cdk8s';
import { oneOf, synth } from './util';
import { MtlsMode, PeerAuthentication } from '../src/peer-authentication';

function chart(namespace = 'shop'): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

describe('PeerAuthentication manifests', () => {
  test('namespace-wide STRICT: every sidecar of the namespace refuses plain text', () => {
    // GIVEN
    const c = chart('shop');

    // WHEN
    new PeerAuthentication(c, 'Default', { mtlsMode: MtlsMode.STRICT });

    // THEN
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'PeerAuthentication', 'default')).toEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: 'shop' },
      spec: { mtls: { mode: 'STRICT' } },
    });
  });

  test('workload policy: STRICT, with plain text allowed on the metrics port', () => {
    // GIVEN
    const c = chart('shop');
    const pa = new PeerAuthentication(c, 'Reviews', { selector: { app: 'reviews' }, mtlsMode: MtlsMode.STRICT });

    // WHEN
    pa.addPortMtls(9090, MtlsMode.DISABLE);

    // THEN
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    expect(oneOf(manifests, 'PeerAuthentication', 'reviews').spec).toEqual({
      selector: { matchLabels: { app: 'reviews' } },
      mtls: { mode: 'STRICT' },
      portLevelMtls: { 9090: { mode: 'DISABLE' } },
    });
  });
});

describe('PeerAuthentication behaviour', () => {
  test('port modes from props and addPortMtls() are all rendered, keyed by port', () => {
    // GIVEN
    const c = chart();
    const pa = new PeerAuthentication(c, 'Db', {
      selector: { app: 'db' },
      portLevelMtls: [{ port: 5432, mode: MtlsMode.PERMISSIVE }],
    });

    // WHEN
    pa.addPortMtls(9187, MtlsMode.DISABLE);

    // THEN
    const spec = oneOf(synth(c), 'PeerAuthentication', 'db').spec;
    expect(spec.portLevelMtls).toEqual({ 5432: { mode: 'PERMISSIVE' }, 9187: { mode: 'DISABLE' } });
    expect(spec.mtls).toBeUndefined();
  });

  test('accessors report what was configured, and return copies', () => {
    // GIVEN
    const pa = new PeerAuthentication(chart(), 'Db', { selector: { app: 'db' }, mtlsMode: MtlsMode.STRICT });
    pa.addPortMtls(9187, MtlsMode.DISABLE);

    // WHEN
    pa.selector!.app = 'other';
    pa.portLevelMtls[0].mode = MtlsMode.STRICT;

    // THEN
    expect(pa.selector).toEqual({ app: 'db' });
    expect(pa.portLevelMtls).toEqual([{ port: 9187, mode: MtlsMode.DISABLE }]);
    expect(pa.mtlsMode).toBe(MtlsMode.STRICT);
    expect(pa.kind).toBe('PeerAuthentication');
  });

  test('the API object is the default child', () => {
    const pa = new PeerAuthentication(chart(), 'Default', { mtlsMode: MtlsMode.STRICT });
    expect(pa.node.defaultChild).toBe(pa.apiObject);
    expect((pa.node.defaultChild as ApiObject).kind).toBe('PeerAuthentication');
  });

  test('policies with different selectors, or in different namespaces, coexist', () => {
    // GIVEN
    const app = Testing.app();
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    const billing = new Chart(app, 'billing', { namespace: 'billing' });

    // WHEN
    new PeerAuthentication(shop, 'Default', { mtlsMode: MtlsMode.STRICT });
    new PeerAuthentication(billing, 'Default', { mtlsMode: MtlsMode.STRICT });
    new PeerAuthentication(shop, 'Reviews', { selector: { app: 'reviews' }, mtlsMode: MtlsMode.PERMISSIVE });

    // THEN
    expect(() => app.synth()).not.toThrow();
  });
});

describe('PeerAuthentication errors', () => {
  test('port-level mTLS on a namespace-wide policy', () => {
    const pa = new PeerAuthentication(chart(), 'Default', { mtlsMode: MtlsMode.STRICT });
    expect(() => pa.addPortMtls(8080, MtlsMode.DISABLE))
      .toThrow(/portLevelMtls\[8080\]: is set on a namespace-wide policy.*Fix: add a selector .*or set mtlsMode for the whole namespace instead.*portLevelMtls requires selector/);
  });

  test('port out of range', () => {
    const pa = new PeerAuthentication(chart(), 'Db', { selector: { app: 'db' } });
    expect(() => pa.addPortMtls(70000, MtlsMode.DISABLE))
      .toThrow(/portLevelMtls\[70000\]: must be an integer from 1 to 65535 \(got 70000\)\. Fix: use the port number the container listens on/);
  });

  test('the same port twice', () => {
    const pa = new PeerAuthentication(chart(), 'Db', { selector: { app: 'db' } });
    pa.addPortMtls(9187, MtlsMode.DISABLE);
    expect(() => pa.addPortMtls(9187, MtlsMode.PERMISSIVE))
      .toThrow(/portLevelMtls\[9187\]: is set twice.*Fix: set each port once/);
  });

  test('empty selector', () => {
    expect(() => new PeerAuthentication(chart(), 'Db', { selector: {}, mtlsMode: MtlsMode.STRICT }))
      .toThrow(/selector: is empty, which applies the policy to every workload in the namespace.*Fix: list the labels of the pods to select, or omit selector/);
  });

  test('invalid selector label', () => {
    expect(() => new PeerAuthentication(chart(), 'Db', { selector: { app: 'db*' } }))
      .toThrow(/selector: label value "db\*" of "app" is not a valid Kubernetes label value.*Fix: use the exact labels of the pods' template/);
  });

  test('two namespace-wide policies in one namespace (Istio applies only the oldest)', () => {
    // GIVEN
    const app = Testing.app();
    const c = new Chart(app, 'shop', { namespace: 'shop' });
    new PeerAuthentication(c, 'Default', { mtlsMode: MtlsMode.STRICT });

    // WHEN
    new PeerAuthentication(c, 'Legacy', { mtlsMode: MtlsMode.PERMISSIVE });

    // THEN
    expect(() => app.synth())
      .toThrow(/selector: selects the same workloads as PeerAuthentication "legacy" \(shop\/Legacy\) in namespace "shop".*Fix: merge the two policies into one.*applies only the older/);
  });
});
