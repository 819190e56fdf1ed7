import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { MeshAnalysis } from './private/analysis/model';
import { telemetryOverlapProblems, undeclaredProviderProblems } from './private/analysis/telemetry';
import { celExpressionProblem } from './private/cel';
import { durationProblem, istioDuration } from './private/duration';
import { describeProblem, Problem, throwIfProblems } from './private/errors';
import { addSynthValidation } from './private/mesh-model';
import { k8sLabelNameProblem, percentProblem } from './private/rules';
import { markPlacedElsewhere } from './private/scope';
import { checkArgs, checkShape } from './private/shape';
import { IstioResource } from './resource';
import { PolicyTargetingProps, PolicyTargetReference, PolicyTargets } from './workload-target';

const GROUP = 'telemetry.istio.io';
const KIND = 'Telemetry';

/** What a telemetry provider can be used for. */
enum ProviderUse {
  TRACING = 'tracing',
  ACCESS_LOGGING = 'accessLogging',
  METRICS = 'metrics',
}

/**
 * A telemetry provider: where traces, access logs or metrics go. Providers are declared in the mesh config
 * (`meshConfig.extensionProviders`); a Telemetry only refers to them by name. The static factories name the
 * providers of Istio's default mesh config (`DefaultMeshConfig` in istio/istio `pkg/config/mesh/mesh.go`):
 * `prometheus` (metrics) and `envoy` (access log to the proxy's stdout). Any other provider (OpenTelemetry, Zipkin,
 * Datadog, a file access log with another format, ...) is one you declare in the mesh config: name it with
 * `extension()`.
 *
 * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig-ExtensionProvider
 */
export class TelemetryProvider {
  /** Istio's built-in metrics provider `prometheus` (Envoy's stats, scraped by Prometheus). Metrics only. */
  public static prometheus(): TelemetryProvider {
    return new TelemetryProvider('prometheus', [ProviderUse.METRICS]);
  }

  /** Istio's built-in access-log provider `envoy`: Envoy's file access log on the proxy's stdout. Access logging only. */
  public static envoyAccessLog(): TelemetryProvider {
    return new TelemetryProvider('envoy', [ProviderUse.ACCESS_LOGGING]);
  }

  /**
   * A provider you declare in the mesh config (`meshConfig.extensionProviders[].name`), e.g. an OpenTelemetry
   * collector for tracing or access logs. Istio ignores a name the mesh config does not declare.
   *
   * @param name the `name` of the extension provider in the mesh config
   */
  public static extension(name: string): TelemetryProvider {
    checkArgs('TelemetryProvider.extension', [name]);
    return new TelemetryProvider(name, [ProviderUse.TRACING, ProviderUse.ACCESS_LOGGING, ProviderUse.METRICS]);
  }

  /** The provider's name, as the mesh config declares it. */
  public readonly name: string;

  private constructor(name: string, private readonly uses: ProviderUse[]) {
    this.name = name;
  }

  /**
   * What is wrong with using this provider for `use`, if anything.
   * @internal
   */
  public _problem(use: string, field: string): Problem | undefined {
    if (this.name.trim().length === 0 || /\s/.test(this.name)) {
      return {
        field,
        value: this.name,
        problem: 'is not a provider name (empty or with white space)',
        fix: 'pass the name of an extensionProviders entry of the mesh config, e.g. TelemetryProvider.extension("otel-tracing")',
      };
    }
    if (!this.uses.includes(use as ProviderUse)) {
      return {
        field,
        value: this.name,
        problem: `is Istio's built-in ${this.uses.join('/')} provider and cannot be used for ${use}`,
        fix: use === ProviderUse.TRACING
          ? 'Istio has no built-in tracing provider: declare one in the mesh config (e.g. OpenTelemetry) and name it with TelemetryProvider.extension(name)'
          : `use ${use === ProviderUse.METRICS ? 'TelemetryProvider.prometheus()' : 'TelemetryProvider.envoyAccessLog()'}, or an extension provider`,
        symptom: 'istiod ignores the provider for this kind of telemetry',
      };
    }
    return undefined;
  }
}

/**
 * Which side of the traffic a telemetry setting applies to.
 */
export enum TelemetryMode {
  /** Both the outbound (client) and the inbound (server) side. */
  CLIENT_AND_SERVER = 'CLIENT_AND_SERVER',
  /** Only where the workload is the client (outbound requests). */
  CLIENT = 'CLIENT',
  /** Only where the workload is the server (inbound requests). */
  SERVER = 'SERVER',
}

/**
 * One of Istio's standard metrics.
 *
 * @see https://istio.io/latest/docs/reference/config/metrics/
 */
export enum IstioMetric {
  /** Every metric below. */
  ALL_METRICS = 'ALL_METRICS',
  /** `istio_requests_total`. */
  REQUEST_COUNT = 'REQUEST_COUNT',
  /** `istio_request_duration_milliseconds`. */
  REQUEST_DURATION = 'REQUEST_DURATION',
  /** `istio_request_bytes`. */
  REQUEST_SIZE = 'REQUEST_SIZE',
  /** `istio_response_bytes`. */
  RESPONSE_SIZE = 'RESPONSE_SIZE',
  /** `istio_tcp_connections_opened_total`. */
  TCP_OPENED_CONNECTIONS = 'TCP_OPENED_CONNECTIONS',
  /** `istio_tcp_connections_closed_total`. */
  TCP_CLOSED_CONNECTIONS = 'TCP_CLOSED_CONNECTIONS',
  /** `istio_tcp_sent_bytes_total`. */
  TCP_SENT_BYTES = 'TCP_SENT_BYTES',
  /** `istio_tcp_received_bytes_total`. */
  TCP_RECEIVED_BYTES = 'TCP_RECEIVED_BYTES',
  /** `istio_request_messages_total` (gRPC). */
  GRPC_REQUEST_MESSAGES = 'GRPC_REQUEST_MESSAGES',
  /** `istio_response_messages_total` (gRPC). */
  GRPC_RESPONSE_MESSAGES = 'GRPC_RESPONSE_MESSAGES',
}

/**
 * Options of a tracing tag read from a header or an environment variable.
 */
export interface TracingTagSourceOptions {
  /**
   * The tag's value when the header or variable is absent.
   *
   * @default - the tag is left out
   */
  readonly defaultValue?: string;
}

/**
 * The value of a custom tag added to every span.
 */
export class TracingTag {
  /**
   * A fixed value.
   *
   * @param value the value
   */
  public static literal(value: string): TracingTag {
    checkArgs('TracingTag.literal', [value]);
    return new TracingTag('literal', { value });
  }

  /**
   * The value of a request header.
   *
   * @param name the request header's name
   * @param options the value to use when the header is absent
   */
  public static header(name: string, options: TracingTagSourceOptions = {}): TracingTag {
    checkArgs('TracingTag.header', [name, options]);
    return new TracingTag('header', { name, defaultValue: options.defaultValue });
  }

  /**
   * The value of an environment variable of the proxy.
   *
   * @param name the environment variable's name
   * @param options the value to use when the variable is not set
   */
  public static environment(name: string, options: TracingTagSourceOptions = {}): TracingTag {
    checkArgs('TracingTag.environment', [name, options]);
    return new TracingTag('environment', { name, defaultValue: options.defaultValue });
  }

  private constructor(private readonly source: 'literal' | 'header' | 'environment', private readonly options: any) {}

  /** @internal */
  public _problem(field: string): Problem | undefined {
    const value: string = this.source === 'literal' ? this.options.value : this.options.name;
    if (value.length > 0) return undefined;
    return {
      field,
      value,
      problem: this.source === 'literal' ? 'is an empty literal' : `names no ${this.source === 'header' ? 'header' : 'environment variable'}`,
      fix: this.source === 'literal' ? 'give the tag a value, or remove it' : `name the ${this.source === 'header' ? 'request header' : 'variable'} to read`,
      symptom: 'the API server rejects the object',
    };
  }

  /** @internal */
  public _render(): any {
    return { [this.source]: { ...this.options } };
  }
}

/**
 * A change to the tags (labels) of a metric.
 */
export class MetricTagOverride {
  /**
   * Sets the tag (adding it when the metric does not have it) to the value of a CEL expression on Envoy's
   * attributes, e.g. `request.host` or `request.headers['x-tenant']`.
   *
   * @param expression a CEL expression, checked at construction
   */
  public static upsert(expression: string): MetricTagOverride {
    checkArgs('MetricTagOverride.upsert', [expression]);
    return new MetricTagOverride('UPSERT', expression);
  }

  /** Removes the tag from the metric (fewer time series). */
  public static remove(): MetricTagOverride {
    return new MetricTagOverride('REMOVE');
  }

  private constructor(private readonly operation: 'UPSERT' | 'REMOVE', private readonly value?: string) {}

  /** @internal */
  public _problem(field: string): Problem | undefined {
    if (this.value === undefined) return undefined;
    const problem = celExpressionProblem(this.value);
    return problem ? { field: `${field}.value`, value: this.value, problem, fix: 'write a CEL expression on Envoy attributes, e.g. "request.host"' } : undefined;
  }

  /** @internal */
  public _render(): any {
    return { operation: this.operation, value: this.value };
  }
}

/**
 * Tracing settings of a Telemetry.
 *
 * @see https://istio.io/latest/docs/reference/config/telemetry/#Tracing
 */
export interface TelemetryTracing {
  /**
   * Where spans go: tracing providers declared in the mesh config (`TelemetryProvider.extension(name)`).
   *
   * @default - the mesh's default tracing provider (`defaultProviders.tracing`)
   */
  readonly providers?: TelemetryProvider[];

  /**
   * The percentage of requests (0 to 100, fractions allowed) whose traces are sampled, when the incoming request
   * carries no sampling decision.
   *
   * @default - inherited from the parent Telemetry, else the mesh config's (1%)
   */
  readonly randomSamplingPercentage?: number;

  /**
   * Tags added to every span, by tag name.
   *
   * @default - none
   */
  readonly customTags?: { [name: string]: TracingTag };

  /**
   * Stop reporting spans to the providers (context is still propagated).
   *
   * @default false
   */
  readonly disableSpanReporting?: boolean;

  /**
   * The side of the traffic this applies to.
   *
   * @default TelemetryMode.CLIENT_AND_SERVER
   */
  readonly mode?: TelemetryMode;
}

/**
 * Access-logging settings of a Telemetry.
 *
 * @see https://istio.io/latest/docs/reference/config/telemetry/#AccessLogging
 */
export interface TelemetryAccessLogging {
  /**
   * Where access logs go, e.g. `TelemetryProvider.envoyAccessLog()`. Istio's default mesh config has no default
   * access-log provider, so at least one is required unless `disabled`.
   *
   * @default - the mesh's default access-logging providers (none in Istio's default mesh config)
   */
  readonly providers?: TelemetryProvider[];

  /**
   * Only log requests for which this CEL expression is true, e.g. `response.code >= 400` (errors only). Checked
   * with a CEL parser at construction.
   *
   * @default - every request is logged
   */
  readonly filter?: string;

  /**
   * Turn access logging off (for these providers, or all of them).
   *
   * @default false
   */
  readonly disabled?: boolean;

  /**
   * The side of the traffic this applies to.
   *
   * @default TelemetryMode.CLIENT_AND_SERVER
   */
  readonly mode?: TelemetryMode;
}

/**
 * A change to one of Istio's metrics.
 */
export interface TelemetryMetricOverride {
  /**
   * The metric.
   *
   * @default IstioMetric.ALL_METRICS
   */
  readonly metric?: IstioMetric;

  /**
   * The side of the traffic this applies to.
   *
   * @default TelemetryMode.CLIENT_AND_SERVER
   */
  readonly mode?: TelemetryMode;

  /**
   * Stop generating the metric.
   *
   * @default false
   */
  readonly disabled?: boolean;

  /**
   * Tags to set or remove, by tag name (e.g. `request_host`).
   *
   * @default - none
   */
  readonly tagOverrides?: { [tag: string]: MetricTagOverride };
}

/**
 * Metrics settings of a Telemetry.
 *
 * @see https://istio.io/latest/docs/reference/config/telemetry/#Metrics
 */
export interface TelemetryMetrics {
  /**
   * The metrics providers these settings apply to, e.g. `TelemetryProvider.prometheus()`.
   *
   * @default - the mesh's default metrics providers (`prometheus` in Istio's installation profiles)
   */
  readonly providers?: TelemetryProvider[];

  /**
   * Changes to metrics.
   *
   * @default - none
   */
  readonly overrides?: TelemetryMetricOverride[];

  /**
   * How often metrics are reported (for providers that push them), at least 1ms.
   *
   * @default - the provider's default
   */
  readonly reportingInterval?: Duration;
}

/**
 * What a Telemetry configures: tracing, access logging and metrics.
 */
export interface TelemetryOptions {
  /**
   * Tracing settings. More can be added with `addTracing()`.
   *
   * @default - inherited
   */
  readonly tracing?: TelemetryTracing[];

  /**
   * Access-logging settings. More can be added with `addAccessLogging()`.
   *
   * @default - inherited
   */
  readonly accessLogging?: TelemetryAccessLogging[];

  /**
   * Metrics settings. More can be added with `addMetrics()`.
   *
   * @default - inherited
   */
  readonly metrics?: TelemetryMetrics[];
}

/**
 * Props of a Telemetry.
 */
export interface TelemetryProps extends TelemetryOptions, PolicyTargetingProps {}

/**
 * A Telemetry: tracing, access-logging and metrics settings for the workloads of a namespace (no selector), some of
 * them (`selector`, `targetRefs`), or the whole mesh (no selector, in the root namespace `istio-system`). Settings
 * are inherited: mesh, then namespace, then workload. A namespace has at most one Telemetry without selector.
 *
 * @see https://istio.io/latest/docs/reference/config/telemetry/
 */
export class Telemetry extends IstioResource {
  private readonly targets: PolicyTargets;
  private readonly _tracing: TelemetryTracing[] = [];
  private readonly _accessLogging: TelemetryAccessLogging[] = [];
  private readonly _metrics: TelemetryMetrics[] = [];

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the Telemetry's settings
   */
  constructor(scope: Construct, id: string, props: TelemetryProps = {}) {
    super(scope, id, GROUP, KIND, props);
    this.targets = new PolicyTargets(this, props.selector);
    for (const ref of props.targetRefs ?? []) this.addTargetRef(ref);
    for (const tracing of props.tracing ?? []) this.addTracing(tracing);
    for (const logging of props.accessLogging ?? []) this.addAccessLogging(logging);
    for (const metrics of props.metrics ?? []) this.addMetrics(metrics);
    addSynthValidation(this, () => this.validateTelemetry().map(describeProblem));
  }

  /** The selector's labels (a copy), if the Telemetry has a selector. */
  public get selector(): { [key: string]: string } | undefined {
    return this.targets.selector === undefined ? undefined : { ...this.targets.selector };
  }

  /** The resources the Telemetry attaches to (a copy). */
  public get targetRefs(): PolicyTargetReference[] {
    return this.targets.targetRefs;
  }

  /**
   * Attaches the Telemetry to a Gateway, GatewayClass, Service or ServiceEntry.
   *
   * @param targetRef the object the Telemetry applies to
   */
  public addTargetRef(targetRef: PolicyTargetReference): void {
    this.targets.add(targetRef);
  }

  /**
   * Adds tracing settings.
   *
   * @param tracing the tracing settings: providers, sampling and custom tags
   */
  public addTracing(tracing: TelemetryTracing): void {
    const field = `tracing[${this._tracing.length}]`;
    checkShape(this, 'TelemetryTracing', tracing, field);
    const problems = providerProblems(tracing.providers, ProviderUse.TRACING, field);
    if (tracing.randomSamplingPercentage !== undefined) {
      const problem = percentProblem(tracing.randomSamplingPercentage);
      if (problem) {
        problems.push({
          field: `${field}.randomSamplingPercentage`,
          value: tracing.randomSamplingPercentage,
          problem,
          fix: 'pass a percentage such as 1 (one request in a hundred) or 0.1',
          symptom: 'the API server rejects the object',
        });
      }
    }
    for (const [name, tag] of Object.entries(tracing.customTags ?? {})) {
      if (name.length === 0) {
        problems.push({ field: `${field}.customTags`, value: name, problem: 'has an empty tag name', fix: 'name the tag, e.g. "tenant"' });
      }
      const problem = tag._problem(`${field}.customTags["${name}"]`);
      if (problem) problems.push(problem);
    }
    throwIfProblems(this, problems);
    this._tracing.push({ ...tracing, providers: copy(tracing.providers), customTags: tracing.customTags && { ...tracing.customTags } });
  }

  /**
   * Adds access-logging settings.
   *
   * @param logging the access-logging settings: providers, filter and whether logging is disabled
   */
  public addAccessLogging(logging: TelemetryAccessLogging): void {
    const field = `accessLogging[${this._accessLogging.length}]`;
    checkShape(this, 'TelemetryAccessLogging', logging, field);
    const problems = providerProblems(logging.providers, ProviderUse.ACCESS_LOGGING, field);
    if ((logging.providers ?? []).length === 0 && logging.disabled !== true) {
      // istioctl analyze IST0157 (InvalidTelemetryProvider): Istio's default mesh config has no default access-log provider.
      problems.push({
        field: `${field}.providers`,
        value: logging.providers ?? [],
        problem: 'is empty, and Istio\'s default mesh config has no default access-logging provider (istioctl analyze IST0157)',
        fix: 'list the providers, e.g. [TelemetryProvider.envoyAccessLog()]; if your mesh config sets defaultProviders.accessLogging, '
          + 'name that provider with TelemetryProvider.extension(name)',
        symptom: 'nothing is logged',
      });
    }
    if (logging.filter !== undefined) {
      const problem = celExpressionProblem(logging.filter);
      if (problem) {
        problems.push({
          field: `${field}.filter`,
          value: logging.filter,
          problem,
          fix: 'write a CEL expression on Envoy attributes, e.g. "response.code >= 400"',
          symptom: 'the proxy rejects the listener configuration and the access log is not applied',
        });
      }
    }
    throwIfProblems(this, problems);
    this._accessLogging.push({ ...logging, providers: copy(logging.providers) });
  }

  /**
   * Adds metrics settings.
   *
   * @param metrics the metrics settings: providers, overrides and reporting interval
   */
  public addMetrics(metrics: TelemetryMetrics): void {
    const field = `metrics[${this._metrics.length}]`;
    checkShape(this, 'TelemetryMetrics', metrics, field);
    const problems = providerProblems(metrics.providers, ProviderUse.METRICS, field);
    (metrics.overrides ?? []).forEach((override, i) => {
      for (const [tag, change] of Object.entries(override.tagOverrides ?? {})) {
        const problem = change._problem(`${field}.overrides[${i}].tagOverrides["${tag}"]`);
        if (problem) problems.push(problem);
      }
    });
    if (metrics.reportingInterval !== undefined) {
      const problem = durationProblem(metrics.reportingInterval);
      if (problem) {
        problems.push({
          field: `${field}.reportingInterval`,
          value: `${metrics.reportingInterval.toMilliseconds({ integral: false })}ms`,
          problem,
          fix: 'use an interval of at least Duration.millis(1)',
        });
      }
    }
    throwIfProblems(this, problems);
    this._metrics.push({ ...metrics, providers: copy(metrics.providers), overrides: metrics.overrides?.map(o => ({ ...o })) });
  }

  /** @internal */
  protected _renderSpec(): any {
    return {
      ...this.targets.render(),
      tracing: nonEmpty(this._tracing.map(t => ({
        providers: renderProviders(t.providers),
        randomSamplingPercentage: t.randomSamplingPercentage,
        customTags: t.customTags === undefined ? undefined : mapValues(t.customTags, tag => tag._render()),
        disableSpanReporting: t.disableSpanReporting,
        match: renderMode(t.mode),
      }))),
      accessLogging: nonEmpty(this._accessLogging.map(l => ({
        providers: renderProviders(l.providers),
        filter: l.filter === undefined ? undefined : { expression: l.filter },
        disabled: l.disabled,
        match: renderMode(l.mode),
      }))),
      metrics: nonEmpty(this._metrics.map(m => ({
        providers: renderProviders(m.providers),
        overrides: m.overrides?.map(o => ({
          match: { metric: o.metric ?? IstioMetric.ALL_METRICS, mode: o.mode ?? TelemetryMode.CLIENT_AND_SERVER },
          disabled: o.disabled,
          tagOverrides: o.tagOverrides === undefined ? undefined : mapValues(o.tagOverrides, t => t._render()),
        })),
        reportingInterval: m.reportingInterval === undefined ? undefined : istioDuration(m.reportingInterval),
      }))),
    };
  }

  private validateTelemetry(): Problem[] {
    const problems: Problem[] = [];
    if (this._tracing.length + this._accessLogging.length + this._metrics.length === 0) {
      problems.push({
        field: 'tracing, accessLogging, metrics',
        prop: 'TelemetryProps.tracing',
        problem: 'are all empty, so the Telemetry changes nothing',
        fix: 'add settings with addTracing(), addAccessLogging() or addMetrics(), or remove the Telemetry',
      });
    }
    if (this.targets.targetRefs.length === 0) {
      problems.push(...telemetryOverlapProblems(MeshAnalysis.of(this), this.apiObject, this.effectiveNamespace, this.targets.selector));
    }
    return problems;
  }
}

function providerProblems(providers: TelemetryProvider[] | undefined, use: ProviderUse, field: string): Problem[] {
  const problems: Problem[] = [];
  (providers ?? []).forEach((p, i) => {
    const problem = p._problem(use, `${field}.providers[${i}]`);
    if (problem) problems.push(problem);
  });
  return problems;
}

function renderProviders(providers: TelemetryProvider[] | undefined): any {
  return providers === undefined || providers.length === 0 ? undefined : providers.map(p => ({ name: p.name }));
}

function renderMode(mode: TelemetryMode | undefined): any {
  return mode === undefined ? undefined : { mode };
}

function nonEmpty<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}

function copy<T>(items: T[] | undefined): T[] | undefined {
  return items === undefined ? undefined : [...items];
}

function mapValues<T>(map: { [key: string]: T }, f: (value: T) => any): { [key: string]: any } {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, f(v)]));
}

/**
 * Props of MeshTelemetryDefaults.
 */
export interface MeshTelemetryDefaultsProps extends TelemetryOptions {
  /**
   * The mesh's root namespace (`meshConfig.rootNamespace`), where a Telemetry without selector applies to the whole mesh.
   *
   * @default 'istio-system'
   */
  readonly rootNamespace?: string;

  /**
   * The names of the extension providers the mesh config declares (`meshConfig.extensionProviders[].name`). When set,
   * every `TelemetryProvider.extension(name)` of the app's Telemetries must be one of them (or a built-in), so a
   * misspelt provider is caught at synth.
   *
   * @default - extension provider names are not checked against the mesh config
   */
  readonly extensionProviders?: string[];

  /**
   * The name of the Telemetry.
   *
   * @default 'mesh-default'
   */
  readonly name?: string;
}

/**
 * The mesh-wide telemetry defaults: one Telemetry without selector in the root namespace, which every namespace and
 * workload inherits unless its own Telemetry overrides a setting (`MeshNamespace`'s `telemetry`, or a Telemetry
 * with a selector).
 *
 * @example
 * new MeshTelemetryDefaults(platformChart, 'Telemetry', {
 *   accessLogging: [{ providers: [TelemetryProvider.envoyAccessLog()], filter: 'response.code >= 400' }],
 * });
 */
export class MeshTelemetryDefaults extends Construct {
  /** The namespace Istio's default installation uses as the root namespace. */
  public static readonly DEFAULT_ROOT_NAMESPACE = 'istio-system';

  /** The Telemetry in the root namespace. */
  public readonly telemetry: Telemetry;

  /** The root namespace the Telemetry is in. */
  public readonly rootNamespace: string;

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the MeshTelemetryDefaults's settings
   */
  constructor(scope: Construct, id: string, props: MeshTelemetryDefaultsProps = {}) {
    super(scope, id);
    checkShape(this, 'MeshTelemetryDefaultsProps', props);
    this.rootNamespace = props.rootNamespace ?? MeshTelemetryDefaults.DEFAULT_ROOT_NAMESPACE;
    const problem = k8sLabelNameProblem(this.rootNamespace);
    throwIfProblems(this, problem ? [{
      field: 'rootNamespace',
      value: this.rootNamespace,
      problem,
      fix: 'pass the mesh config\'s rootNamespace, "istio-system" unless your installation changed it',
    }] : []);
    this.telemetry = new Telemetry(this, 'Telemetry', {
      metadata: { name: props.name ?? 'mesh-default', namespace: this.rootNamespace },
      tracing: props.tracing,
      accessLogging: props.accessLogging,
      metrics: props.metrics,
    });
    // The root namespace, wherever the construct is created (even inside a MeshNamespace).
    markPlacedElsewhere(this.telemetry);
    const declared = props.extensionProviders;
    if (declared !== undefined) {
      addSynthValidation(this, () => undeclaredProviderProblems(MeshAnalysis.of(this), BUILT_IN_PROVIDERS, declared).map(describeProblem));
    }
  }
}

/** Istio's built-in provider names (`DefaultMeshConfig`), which need no declaration. */
const BUILT_IN_PROVIDERS = [TelemetryProvider.prometheus().name, TelemetryProvider.envoyAccessLog().name];

