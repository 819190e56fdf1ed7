import { Chart, Duration, Testing } from 'cdk8s';
import { allOf, oneOf, synth } from './util';
import { MeshEnrollment, MeshNamespace } from '../src/mesh-namespace';
import {
  IstioMetric,
  MeshTelemetryDefaults,
  MetricTagOverride,
  Telemetry,
  TelemetryMode,
  TelemetryProvider,
  TracingTag,
} from '../src/telemetry';
import { PolicyTargetReference } from '../src/workload-target';

function chart(namespace?: string): Chart {
  return new Chart(Testing.app(), 'test', namespace === undefined ? {} : { namespace });
}

const OTEL = TelemetryProvider.extension('otel-tracing');

describe('Telemetry manifests', () => {
  test('mesh defaults, a namespace with tracing at 10%, and a workload-level override', () => {
    // GIVEN
    const platform = chart();
    const shop = new Chart(platform.node.scope as any, 'shop');

    // WHEN
    new MeshTelemetryDefaults(platform, 'MeshTelemetry', {
      extensionProviders: ['otel-tracing'],
      accessLogging: [{ providers: [TelemetryProvider.envoyAccessLog()], filter: 'response.code >= 400' }],
      metrics: [{
        providers: [TelemetryProvider.prometheus()],
        overrides: [{ metric: IstioMetric.REQUEST_COUNT, mode: TelemetryMode.CLIENT, tagOverrides: { request_host: MetricTagOverride.upsert('request.host') } }],
      }],
    });
    const ns = new MeshNamespace(shop, 'Shop', {
      name: 'shop',
      telemetry: {
        tracing: [{
          providers: [OTEL],
          randomSamplingPercentage: 10,
          customTags: {
            team: TracingTag.literal('shop'),
            tenant: TracingTag.header('x-tenant', { defaultValue: 'none' }),
            cluster: TracingTag.environment('CLUSTER_NAME'),
          },
        }],
      },
    });
    new Telemetry(ns, 'Payments', {
      selector: { app: 'payments' },
      tracing: [{ randomSamplingPercentage: 100, mode: TelemetryMode.SERVER }],
      metrics: [{
        overrides: [
          { metric: IstioMetric.REQUEST_SIZE, disabled: true },
          { tagOverrides: { destination_canonical_revision: MetricTagOverride.remove() } },
        ],
      }],
      accessLogging: [{ disabled: true }],
    });

    // THEN
    const platformManifests = synth(platform);
    const shopManifests = synth(shop);
    expect(platformManifests).toMatchSnapshot();
    expect(shopManifests).toMatchSnapshot();
    expect(oneOf(platformManifests, 'Telemetry', 'mesh-default')).toEqual({
      apiVersion: 'telemetry.istio.io/v1',
      kind: 'Telemetry',
      metadata: { name: 'mesh-default', namespace: 'istio-system' },
      spec: {
        accessLogging: [{ providers: [{ name: 'envoy' }], filter: { expression: 'response.code >= 400' } }],
        metrics: [{
          providers: [{ name: 'prometheus' }],
          overrides: [{
            match: { metric: 'REQUEST_COUNT', mode: 'CLIENT' },
            tagOverrides: { request_host: { operation: 'UPSERT', value: 'request.host' } },
          }],
        }],
      },
    });
    expect(oneOf(shopManifests, 'Telemetry', 'default')).toEqual({
      apiVersion: 'telemetry.istio.io/v1',
      kind: 'Telemetry',
      metadata: { name: 'default', namespace: 'shop' },
      spec: {
        tracing: [{
          providers: [{ name: 'otel-tracing' }],
          randomSamplingPercentage: 10,
          customTags: {
            team: { literal: { value: 'shop' } },
            tenant: { header: { name: 'x-tenant', defaultValue: 'none' } },
            cluster: { environment: { name: 'CLUSTER_NAME' } },
          },
        }],
      },
    });
    expect(oneOf(shopManifests, 'Telemetry', 'payments').spec).toEqual({
      selector: { matchLabels: { app: 'payments' } },
      tracing: [{ randomSamplingPercentage: 100, match: { mode: 'SERVER' } }],
      accessLogging: [{ disabled: true }],
      metrics: [{
        overrides: [
          { match: { metric: 'REQUEST_SIZE', mode: 'CLIENT_AND_SERVER' }, disabled: true },
          { match: { metric: 'ALL_METRICS', mode: 'CLIENT_AND_SERVER' }, tagOverrides: { destination_canonical_revision: { operation: 'REMOVE' } } },
        ],
      }],
    });
  });

  test('targetRefs attach a Telemetry to a Gateway API gateway; addXxx() after construction counts', () => {
    // GIVEN
    const c = chart('shop');
    const telemetry = new Telemetry(c, 'GatewayTelemetry', { targetRefs: [PolicyTargetReference.gateway('public')] });

    // WHEN
    telemetry.addAccessLogging({ providers: [TelemetryProvider.extension('otel-logs')], mode: TelemetryMode.SERVER });
    telemetry.addMetrics({ reportingInterval: Duration.seconds(30) });

    // THEN
    expect(oneOf(synth(c), 'Telemetry').spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public' }],
      accessLogging: [{ providers: [{ name: 'otel-logs' }], match: { mode: 'SERVER' } }],
      metrics: [{ reportingInterval: '30s' }],
    });
  });

  test('MeshTelemetryDefaults takes another root namespace and name, and may live inside a MeshNamespace', () => {
    // GIVEN
    const c = chart();
    const ns = new MeshNamespace(c, 'Platform', { name: 'platform' });

    // WHEN
    const defaults = new MeshTelemetryDefaults(ns, 'Defaults', {
      rootNamespace: 'mesh-root',
      name: 'defaults',
      tracing: [{ randomSamplingPercentage: 0.5 }],
    });

    // THEN
    expect(defaults.rootNamespace).toBe('mesh-root');
    expect(oneOf(synth(c), 'Telemetry').metadata).toEqual({ name: 'defaults', namespace: 'mesh-root' });
  });

  test('a Telemetry per namespace is allowed in every namespace, and workload ones next to it', () => {
    // GIVEN
    const c = chart();
    const a = new MeshNamespace(c, 'A', { name: 'a', telemetry: { tracing: [{ randomSamplingPercentage: 1 }] } });
    new MeshNamespace(c, 'B', { name: 'b', telemetry: { tracing: [{ randomSamplingPercentage: 2 }] } });

    // WHEN
    new Telemetry(a, 'Api', { selector: { app: 'api' }, tracing: [{ randomSamplingPercentage: 50 }] });
    new Telemetry(a, 'Web', { selector: { app: 'web' }, tracing: [{ randomSamplingPercentage: 5 }] });

    // THEN
    expect(allOf(synth(c), 'Telemetry').map(t => `${t.metadata.namespace}/${t.metadata.name}`)).toEqual(['a/default', 'a/api', 'a/web', 'b/default']);
  });
});

describe('Telemetry errors', () => {
  test('a provider name must not be empty', () => {
    expect(() => new Telemetry(chart('shop'), 'T', { tracing: [{ providers: [TelemetryProvider.extension(' ')] }] }))
      .toThrow('[test/T] tracing[0].providers[0]: is not a provider name (empty or with white space) (got " "). Fix: pass the name of an extensionProviders entry');
  });

  test('a built-in provider is only used for its kind of telemetry', () => {
    expect(() => new Telemetry(chart('shop'), 'T', { tracing: [{ providers: [TelemetryProvider.prometheus()] }] }))
      .toThrow('tracing[0].providers[0]: is Istio\'s built-in metrics provider and cannot be used for tracing (got "prometheus"). '
        + 'Fix: Istio has no built-in tracing provider: declare one in the mesh config (e.g. OpenTelemetry) and name it with '
        + 'TelemetryProvider.extension(name). In the cluster: istiod ignores the provider for this kind of telemetry.');
  });

  test.each([-1, 100.5])('sampling is a percentage from 0 to 100: %s', value => {
    expect(() => new Telemetry(chart('shop'), 'T', { tracing: [{ randomSamplingPercentage: value }] }))
      .toThrow('tracing[0].randomSamplingPercentage: must be a number from 0 to 100');
  });

  test('a NaN sampling percentage is reported as NaN', () => {
    expect(() => new Telemetry(chart('shop'), 'T', { tracing: [{ randomSamplingPercentage: Number.NaN }] }))
      .toThrow('[test/T] tracing[0].randomSamplingPercentage: is NaN (not a number) (got NaN). Fix: pass a number; check the computation that produced it.');
  });

  test('untyped callers: tracing settings that are not a list', () => {
    expect(() => new Telemetry(chart('shop'), 'T', { tracing: { randomSamplingPercentage: 10 } as any }))
      .toThrow('[test/T] tracing: must be a list of TelemetryTracing values (got {"randomSamplingPercentage":10}). Fix: wrap the value in a list: [{"randomSamplingPercentage":10}].');
  });

  test('a custom tag needs a name', () => {
    expect(() => new Telemetry(chart('shop'), 'T', { tracing: [{ customTags: { '': TracingTag.literal('x') } }] }))
      .toThrow('tracing[0].customTags: has an empty tag name (got ""). Fix: name the tag');
  });

  test('a literal tag needs a value', () => {
    expect(() => new Telemetry(chart('shop'), 'T', { tracing: [{ customTags: { team: TracingTag.literal('') } }] }))
      .toThrow('tracing[0].customTags["team"]: is an empty literal (got ""). Fix: give the tag a value, or remove it. In the cluster: the API server rejects the object.');
  });

  test('a metric tag value must be a CEL expression', () => {
    expect(() => new Telemetry(chart('shop'), 'T', { metrics: [{ overrides: [{ tagOverrides: { host: MetricTagOverride.upsert('request.host ==') } }] }] }))
      .toThrow('metrics[0].overrides[0].tagOverrides["host"].value: is not a valid CEL expression (Unexpected token: EOF) (got "request.host =="). '
        + 'Fix: write a CEL expression on Envoy attributes');
  });

  test('the reporting interval is at least 1ms', () => {
    expect(() => new Telemetry(chart('shop'), 'T', { metrics: [{ reportingInterval: Duration.millis(0) }] }))
      .toThrow('metrics[0].reportingInterval: must be at least 1ms (got "0ms")');
  });

  test('access logging needs a provider: the default mesh config has no default access-log provider (IST0157)', () => {
    expect(() => new Telemetry(chart('shop'), 'T', { accessLogging: [{ filter: 'response.code >= 500' }] }))
      .toThrow('accessLogging[0].providers: is empty, and Istio\'s default mesh config has no default access-logging provider (istioctl analyze IST0157) (got []). '
        + 'Fix: list the providers, e.g. [TelemetryProvider.envoyAccessLog()]; if your mesh config sets defaultProviders.accessLogging, '
        + 'name that provider with TelemetryProvider.extension(name). In the cluster: nothing is logged.');
  });

  test('the access-log filter is parsed as CEL at construction', () => {
    expect(() => new Telemetry(chart('shop'), 'T', { accessLogging: [{ providers: [TelemetryProvider.envoyAccessLog()], filter: 'response.code >= 400 ||' }] }))
      .toThrow('accessLogging[0].filter: is not a valid CEL expression (Unexpected token: EOF) (got "response.code >= 400 ||"). '
        + 'Fix: write a CEL expression on Envoy attributes, e.g. "response.code >= 400". '
        + 'In the cluster: the proxy rejects the listener configuration and the access log is not applied.');
  });

  test('a Telemetry that configures nothing', () => {
    const c = chart('shop');
    new Telemetry(c, 'Empty');
    expect(() => synth(c)).toThrow('[test/Empty] tracing, accessLogging, metrics: are all empty, so the Telemetry changes nothing');
  });

  test('two Telemetries without selector in one namespace (IST0160)', () => {
    const c = chart();
    const ns = new MeshNamespace(c, 'Shop', { name: 'shop', telemetry: { tracing: [{ randomSamplingPercentage: 1 }] } });
    new Telemetry(ns, 'Extra', { tracing: [{ randomSamplingPercentage: 5 }] });
    expect(() => synth(c)).toThrow('[test/Shop/Extra] selector: is missing here and on Telemetry "default" (test/Shop/Telemetry): namespace "shop" has '
      + 'more than one Telemetry without selector (istioctl analyze IST0160) (got "<none>"). Fix: merge the settings into one namespace-wide '
      + 'Telemetry, and give workload-specific ones a selector or targetRefs. In the cluster: Istio applies one of them, which one is undefined.');
  });

  test('two Telemetries with the same selector in one namespace (IST0159)', () => {
    const c = chart('shop');
    new Telemetry(c, 'A', { selector: { app: 'api' }, tracing: [{ randomSamplingPercentage: 1 }] });
    new Telemetry(c, 'B', { selector: { app: 'api' }, tracing: [{ randomSamplingPercentage: 5 }] });
    expect(() => synth(c)).toThrow('[test/A] selector: is also the selector of Telemetry "b" (test/B) in namespace "shop" (istioctl analyze IST0159)');
  });

  test('selector and targetRefs together', () => {
    expect(() => new Telemetry(chart('shop'), 'T', { selector: { app: 'api' }, targetRefs: [PolicyTargetReference.gateway('public')], tracing: [{}] }))
      .toThrow('targetRefs[0]: is set together with selector; a policy applies either to the pods a selector picks or to its targetRefs');
  });

  test('a provider the mesh config does not declare, when MeshTelemetryDefaults lists the declared ones', () => {
    const app = Testing.app();
    const platform = new Chart(app, 'platform');
    new MeshTelemetryDefaults(platform, 'Defaults', {
      extensionProviders: ['otel-tracing'],
      tracing: [{ providers: [TelemetryProvider.extension('otel-tracing')] }],
      metrics: [{ providers: [TelemetryProvider.prometheus()] }],
    });
    const shop = new MeshNamespace(new Chart(app, 'shop'), 'Shop', {
      name: 'shop',
      telemetry: { accessLogging: [{ providers: [TelemetryProvider.envoyAccessLog(), TelemetryProvider.extension('otel-tracng')] }] },
    });
    expect(() => synth(platform)).toThrow('[platform/Defaults] Telemetry "shop/default" (shop/Shop/Telemetry) accessLogging[0].providers[1].name: '
      + 'is not a provider of the mesh config (extensionProviders: ["otel-tracing"]) nor one of Istio\'s built-ins (got "otel-tracng"). '
      + 'Fix: correct the name, or declare the provider in the mesh config and add it to extensionProviders. '
      + 'In the cluster: istiod ignores the unknown provider, so this telemetry goes nowhere.');
    expect(shop.telemetry?.name).toBe('default');
  });

  test('the root namespace must be a namespace name', () => {
    expect(() => new MeshTelemetryDefaults(chart(), 'Defaults', { rootNamespace: 'Istio_System', tracing: [{}] }))
      .toThrow('[test/Defaults] rootNamespace: ');
  });

  test('namespace telemetry in a namespace whose enrollment is disabled', () => {
    expect(() => new MeshNamespace(chart(), 'Legacy', { name: 'legacy', enrollment: MeshEnrollment.disabled(), telemetry: { tracing: [{}] } }))
      .toThrow('[test/Legacy] telemetry: has no effect in a namespace whose enrollment is disabled: no pod of it gets a proxy to enforce it');
  });
});
