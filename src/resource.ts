import { ApiObject, ApiObjectMetadata, ApiObjectMetadataDefinition, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { IstioApi } from './api-version';
import { addDuplicateObjectCheck } from './private/analysis/duplicate-objects';
import { configError, describeProblem, Problem, throwIfProblems } from './private/errors';
import { addSynthValidation } from './private/mesh-model';
import { metadataProblems, resolveObjectName } from './private/names';
import { withFields } from './private/objects';
import { DEFAULT_NAMESPACE, namespaceOf } from './private/scope';
import { checkShape } from './private/shape';

const DRY_RUN_ANNOTATION = 'istio.io/dry-run';
/** Annotations istiod sets itself and its webhook refuses on user objects. */
const RESERVED_ANNOTATIONS = ['internal.istio.io/webhook-always-reject', 'internal.istio.io/parent-namespace', 'internal.istio.io/parents'];

/**
 * Props every Istio resource takes.
 */
export interface IstioResourceProps {
  /**
   * Metadata of the object.
   *
   * @default - `name` is the construct id in kebab case (`ReviewsRoute` becomes `reviews-route`), never hashed;
   * `namespace` is the enclosing MeshNamespace's, else the chart's.
   */
  readonly metadata?: ApiObjectMetadata;
}

/**
 * An Istio configuration object: one construct wrapping one API object.
 *
 * The object's `spec` is rendered at synth time, so `addXxx()` calls made after construction are included.
 */
export abstract class IstioResource extends Construct {
  /**
   * The API object this construct renders. Use it for metadata (`apiObject.metadata.addLabel()`) or as a last
   * resort for JSON patches; prefer `addSpecOverride()` for spec fields this library does not model.
   */
  public readonly apiObject: ApiObject;

  /** The object's `metadata.name`. */
  public readonly name: string;

  /**
   * The object's `metadata.namespace`, or undefined when it has none (kubectl applies it to the current
   * namespace; references to it assume `default`).
   */
  public readonly namespace?: string;

  /** The object's kind, e.g. `VirtualService`. */
  public readonly kind: string;

  private readonly specOverrides: Array<{ path: string[]; value: any }> = [];

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param group the API group, e.g. `networking.istio.io`
   * @param kind the kind, e.g. `VirtualService`
   * @param props the IstioResource's settings
   * @param version the API version, for kinds outside Istio's APIs (e.g. `v1` for `gateway.networking.k8s.io`);
   * default: `IstioApi.useVersion`'s choice
   * @param propsType the name of the props struct where it is not `<kind>Props` (e.g. `GatewayApiGatewayProps`)
   */
  protected constructor(scope: Construct, id: string, group: string, kind: string, props: IstioResourceProps, version?: string, propsType?: string) {
    super(scope, id);
    // Untyped callers (JavaScript, Python, JSON config): the props must have the shape of `<kind>Props` before use.
    checkShape(this, propsType ?? `${kind}Props`, props);
    this.kind = kind;
    this.name = resolveObjectName(this, props.metadata);
    this.namespace = props.metadata?.namespace ?? namespaceOf(this);
    throwIfProblems(this, metadataProblems({ namespace: this.namespace, labels: props.metadata?.labels, annotations: props.metadata?.annotations }));
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: `${group}/${version ?? IstioApi.versionOf(this)}`,
      kind,
      metadata: withFields(props.metadata, { name: this.name, namespace: this.namespace }),
      spec: Lazy.any({ produce: () => this.renderSpecWithOverrides() }),
    });
    // Labels and annotations can be added until synth, so they are checked again then.
    addSynthValidation(this, () => this.annotationProblems().map(describeProblem));
    addDuplicateObjectCheck(this);
  }

  /** The object's metadata, to add labels and annotations. */
  public get metadata(): ApiObjectMetadataDefinition {
    return this.apiObject.metadata;
  }

  /** The object's apiVersion, e.g. `networking.istio.io/v1`. */
  public get apiVersion(): string {
    return this.apiObject.apiVersion;
  }

  /** The namespace references resolve against: `namespace`, or `default` when the object has none. */
  public get effectiveNamespace(): string {
    return this.namespace ?? DEFAULT_NAMESPACE;
  }

  /**
   * Sets a spec field this library does not model, so nobody has to fork it for one field. The value is
   * written after rendering, at `path` (dot-separated; array indices as numbers; `\.` for a literal dot),
   * creating intermediate objects. The conformance of the result to Istio's CRDs is the caller's responsibility.
   *
   * @example
   * virtualService.addSpecOverride('http.0.retries.retryRemoteLocalities', true);
   *
   * @param path the dot-separated path below `spec`, e.g. `http.0.retries.retryRemoteLocalities`
   * @param value the value to set there (rendered as is: keeping it valid is up to you)
   */
  public addSpecOverride(path: string, value: any): void {
    const segments = path.split(/(?<!\\)\./).map(s => s.replace(/\\\./g, '.'));
    if (segments.some(s => s.length === 0)) {
      throw configError(this, {
        field: 'addSpecOverride(path)',
        value: path,
        problem: 'has an empty segment',
        fix: 'write the path as dot-separated field names, e.g. "http.0.timeout"',
      });
    }
    this.specOverrides.push({ path: segments, value });
  }

  /**
   * Renders the object's spec: plain JSON, Istio field names, no undefined-only objects.
   * @internal
   */
  protected abstract _renderSpec(): any;

  /** istiod's metadata rules for every Istio kind: annotations its webhook rejects. */
  private annotationProblems(): Problem[] {
    const metadata = this.apiObject.metadata.toJson();
    const annotations: { [key: string]: string } = metadata.annotations ?? {};
    const problems: Problem[] = metadataProblems({ labels: metadata.labels, annotations }, 'metadata.', 'IstioResourceProps.metadata');
    if (DRY_RUN_ANNOTATION in annotations && this.kind !== 'AuthorizationPolicy') {
      problems.push({
        field: `metadata.annotations["${DRY_RUN_ANNOTATION}"]`,
        prop: 'IstioResourceProps.metadata',
        value: annotations[DRY_RUN_ANNOTATION],
        problem: `is only for AuthorizationPolicy, not ${this.kind}`,
        fix: 'remove the annotation',
        symptom: 'the webhook rejects the object',
      });
    }
    for (const key of RESERVED_ANNOTATIONS.filter(k => k in annotations)) {
      problems.push({
        field: `metadata.annotations["${key}"]`,
        prop: 'IstioResourceProps.metadata',
        value: annotations[key],
        problem: 'is reserved for istiod\'s own use',
        fix: 'remove the annotation',
        symptom: 'the webhook rejects the object',
      });
    }
    return problems;
  }

  private renderSpecWithOverrides(): any {
    const spec = this._renderSpec() ?? {};
    for (const { path, value } of this.specOverrides) {
      let node = spec;
      for (let i = 0; i < path.length - 1; i++) {
        const key = path[i];
        if (node[key] === undefined || node[key] === null || typeof node[key] !== 'object') {
          node[key] = /^\d+$/.test(path[i + 1]) ? [] : {};
        }
        node = node[key];
      }
      node[path[path.length - 1]] = value;
    }
    return spec;
  }
}
