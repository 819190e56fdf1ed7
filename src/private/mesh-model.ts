import { ApiObject } from 'cdk8s';
import { IConstruct, IValidation } from 'constructs';
import { DEFAULT_NAMESPACE } from './scope';

/**
 * One Kubernetes or Istio object of the app, as it will be synthesized. Cross-resource rules read these, so they
 * see objects made by this library, by cdk8s-plus and by `cdk8s import` alike.
 */
export interface MeshObject {
  readonly apiObject: ApiObject;
  /** API group, '' for the core group. */
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  /** The object's namespace, `default` when it has none. */
  readonly namespace: string;
  /** The whole rendered object. */
  readonly manifest: any;
  /** Construct path of the object's owner (the L2 construct when there is one). */
  readonly path: string;
}

/**
 * Every object of `kind` (and `group`, when given) in the app that `scope` belongs to. Objects whose rendering
 * fails are skipped here: their own validation reports the failure.
 *
 * Meant for synth-time validations. Within one validation pass every object is rendered at most once (see
 * `trackValidationPasses`), which keeps cross-resource rules linear in the number of objects, not quadratic.
 */
export function meshObjects(scope: IConstruct, kind: string, group?: string): readonly MeshObject[] {
  const root = scope.node.root;
  const pass = passes.get(root) ?? newPass();
  const key = group === undefined ? kind : `${group}/${kind}`;
  let found = pass.byKind.get(key);
  if (found === undefined) {
    if (group === undefined) {
      found = (apiObjectsByKind(root, pass).get(kind) ?? []).map(render).filter((o): o is MeshObject => o !== undefined);
    } else {
      found = meshObjects(scope, kind).filter(o => o.group === group);
    }
    pass.byKind.set(key, found);
  }
  return found;
}

/** The kinds of the app's ApiObjects, in the order their first object appears in the construct tree. */
export function apiObjectKinds(scope: IConstruct): string[] {
  const root = scope.node.root;
  return [...apiObjectsByKind(root, passes.get(root) ?? newPass()).keys()];
}

/** The app's ApiObjects by kind, in construct-tree order; collected once per validation pass. */
function apiObjectsByKind(root: IConstruct, pass: ValidationPass): Map<string, ApiObject[]> {
  if (pass.apiObjectsByKind === undefined) {
    pass.apiObjectsByKind = new Map();
    for (const c of root.node.findAll()) {
      if (!(c instanceof ApiObject)) continue;
      const list = pass.apiObjectsByKind.get(c.kind);
      if (list === undefined) pass.apiObjectsByKind.set(c.kind, [c]);
      else list.push(c);
    }
  }
  return pass.apiObjectsByKind;
}

/**
 * Makes `meshObjects` render each object once per validation pass of the app `root` belongs to. cdk8s validates
 * constructs in pre-order, so a validation on the root runs first in every pass (`cdk8s synth`, `App.synthYaml`,
 * `Testing.synth`) and starts a fresh cache for it; nothing changes the app while its validations run.
 * `addSynthValidation` calls this, so the hook is in place before the first pass that could use the cache.
 */
function trackValidationPasses(scope: IConstruct): void {
  const root = scope.node.root;
  if (trackedRoots.has(root)) return;
  trackedRoots.add(root);
  root.node.addValidation({
    validate: () => {
      // In a synth session (`MeshApp`) the app cannot change: every pass of the synth shares the first one's state.
      if (synthesizing.has(root) && passes.has(root)) return [];
      passes.set(root, newPass());
      // Outside a pass nothing is cached: drop the cache once the synchronous synth is over.
      if (!synthesizing.has(root)) queueMicrotask(() => passes.delete(root));
      return [];
    },
  });
}

const synthesizing = new WeakSet<IConstruct>();

/**
 * Adds a synth-time validation to `scope` (cross-resource rules, rules on what the user may still change). Within
 * one validation pass (within one synth session, see `inSynthSession`) its result is computed once. The rules
 * themselves live in `analysis/` and read the pass's `MeshAnalysis`.
 */
export function addSynthValidation(scope: IConstruct, validate: () => string[]): void {
  trackValidationPasses(scope);
  scope.node.addValidation(new PassValidation(scope.node.root, validate));
}

/**
 * A synth-time validation whose result is computed once per validation pass (it is its own key in the pass's
 * results). An object of a class rather than closures: an app registers several per construct.
 */
class PassValidation implements IValidation {
  constructor(private readonly root: IConstruct, private readonly check: () => string[]) {}

  public validate(): string[] {
    const pass = passes.get(this.root);
    if (pass === undefined) return this.check();
    let result = pass.results.get(this);
    if (result === undefined) {
      result = this.check();
      pass.results.set(this, result);
    }
    return result;
  }
}

/**
 * Runs `synth` (one `App.synth()` or `App.synthYaml()` of the app `root`) as one synth session: cdk8s 2.x validates
 * the whole app once, then again for every chart it renders (`Chart.toJson()` calls `App._synthChart`, which
 * validates the app), and nothing can change the app in between, so every pass of the session shares one cache of
 * rendered objects, one analysis and one result per validation. Without a session each pass starts afresh, which is
 * correct but costs one analysis of the whole app per chart. `MeshApp` opens one around its synths.
 */
export function inSynthSession<T>(root: IConstruct, synth: () => T): T {
  if (synthesizing.has(root)) return synth();
  synthesizing.add(root);
  try {
    return synth();
  } finally {
    synthesizing.delete(root);
    const pass = passes.get(root);
    passes.delete(root);
    // The objects rendered for validation answered `toJson()` from the session's cache; give them back their own.
    for (const apiObject of pass?.manifests.keys() ?? []) delete (apiObject as any).toJson;
  }
}

/**
 * Ends the validation of the synth session of the app `root` (`MeshApp` calls it when it renders the first chart,
 * after the app is validated): the analysis, the views by kind and the object lists, which only validations read,
 * are released, so they do not stay alive while the output is serialized. The results of the validations and the
 * rendered objects stay until the session ends; a validation that runs again in the session answers from its result,
 * and one that asks for the analysis again gets it rebuilt from the same, unchanged app.
 */
export function releaseAnalysis(root: IConstruct): void {
  const pass = passes.get(root);
  if (pass === undefined || !synthesizing.has(root)) return;
  pass.analysis = undefined;
  pass.byKind.clear();
  pass.apiObjectsByKind = undefined;
}

/** The state of the current validation pass of the app `scope` belongs to, if one is running. */
export function passState(scope: IConstruct): ValidationPass | undefined {
  return passes.get(scope.node.root);
}

export interface ValidationPass {
  apiObjectsByKind?: Map<string, ApiObject[]>;
  readonly byKind: Map<string, MeshObject[]>;
  /** The mesh analysis of the pass (`analysis/model.ts`), built on first use. */
  analysis?: unknown;
  readonly manifests: Map<ApiObject, any>;
  readonly results: Map<object, string[]>;
}

const passes = new WeakMap<IConstruct, ValidationPass>();
const trackedRoots = new WeakSet<IConstruct>();

function newPass(): ValidationPass {
  return { byKind: new Map(), manifests: new Map(), results: new Map() };
}

/**
 * `apiObject.toJson()`, rendered once per validation pass (see `trackValidationPasses`): validations of several
 * constructs look at the same objects. The result is shared: never modify it. Throws what rendering throws.
 */
export function renderManifest(apiObject: ApiObject): any {
  const pass = passes.get(apiObject.node.root);
  if (pass === undefined) return apiObject.toJson();
  let manifest = pass.manifests.get(apiObject);
  if (manifest === undefined) {
    manifest = apiObject.toJson();
    pass.manifests.set(apiObject, manifest);
    // In a synth session (MeshApp) nothing changes before the charts are rendered: cdk8s renders each object again
    // for the output, so the object answers from this rendering until the session ends (see `inSynthSession`).
    if (synthesizing.has(apiObject.node.root)) {
      const rendered = manifest;
      Object.defineProperty(apiObject, 'toJson', { value: () => rendered, configurable: true, writable: true });
    }
  }
  return manifest;
}

function render(construct: ApiObject): MeshObject | undefined {
  let manifest: any;
  try {
    manifest = renderManifest(construct);
  } catch {
    return undefined;
  }
  return new RenderedObject(construct, manifest);
}

/** A MeshObject; its construct path, which only messages read, is computed when read. */
class RenderedObject implements MeshObject {
  public readonly group: string;
  public readonly kind: string;
  public readonly name: string;
  public readonly namespace: string;

  constructor(public readonly apiObject: ApiObject, public readonly manifest: any) {
    this.group = groupOf(apiObject.apiVersion);
    this.kind = apiObject.kind;
    this.name = manifest.metadata?.name ?? apiObject.name;
    this.namespace = manifest.metadata?.namespace ?? DEFAULT_NAMESPACE;
  }

  public get path(): string {
    const owner = this.apiObject.node.id === 'Resource' && this.apiObject.node.scope ? this.apiObject.node.scope : this.apiObject;
    return owner.node.path;
  }
}

/** The API group of an apiVersion: `networking.istio.io` of `networking.istio.io/v1`, `''` for the core group. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

const meshChecked = new WeakSet<IConstruct>();

/**
 * Marks an object whose mesh-readiness (pod rules, Service port rules) a construct of this library checks itself
 * (MeshDeployment, MeshStatefulSet, MeshService, a workload handed to a CanaryRelease), so that the check of every
 * object in a MeshNamespace does not report it twice.
 */
export function markMeshChecked(apiObject: IConstruct): void {
  meshChecked.add(apiObject);
}

export function isMeshChecked(apiObject: IConstruct): boolean {
  return meshChecked.has(apiObject);
}

/** Istio's short-name expansion: `reviews` in namespace `prod` is `reviews.prod.svc.cluster.local`. */
export function expandHost(host: string, namespace: string): string {
  if (host === '*' || host.includes('.')) return host;
  return `${host}.${namespace}.svc.cluster.local`;
}

/** Whether two hosts, either of which may be a `*` or `*.` wildcard, can match a common name. */
export function hostsOverlap(a: string, b: string): boolean {
  if (a === '*' || b === '*') return true;
  if (a === b) return true;
  const aWild = a.startsWith('*.');
  const bWild = b.startsWith('*.');
  if (aWild && b.endsWith(a.slice(1))) return true;
  if (bWild && a.endsWith(b.slice(1))) return true;
  return false;
}

/**
 * The items with a host that matches `host` most specifically, as istiod's `MostSpecificHostMatch` picks them: an exact
 * host first, else the longest wildcard covering it. Empty when none matches.
 */
export function mostSpecificHostMatches<T>(items: readonly T[], hostsOf: (item: T) => readonly string[], host: string): T[] {
  const specificity = (item: T) => Math.max(...hostsOf(item).filter(h => hostCovers(h, host)).map(h => (h === host ? Infinity : h.length)));
  const matching = items.filter(item => specificity(item) > -Infinity);
  if (matching.length === 0) return [];
  const best = Math.max(...matching.map(specificity));
  return matching.filter(item => specificity(item) === best);
}

/** Whether every name `inner` matches is also matched by `outer`. */
export function hostCovers(outer: string, inner: string): boolean {
  if (outer === '*' || outer === inner) return true;
  if (outer.startsWith('*.')) return inner.endsWith(outer.slice(1)) && inner.length > outer.length - 1;
  return false;
}

/** Whether every label of `a` is also in `b`: then selector `a` selects whatever `b` does (an empty `a` selects everything). */
export function labelsSubset(a: { [key: string]: string }, b: { [key: string]: string }): boolean {
  return Object.entries(a).every(([k, v]) => b[k] === v);
}

/** Whether two selectors are the same set of labels. */
export function sameLabels(a: { [key: string]: string }, b: { [key: string]: string }): boolean {
  return Object.keys(a).length === Object.keys(b).length && labelsSubset(a, b);
}
