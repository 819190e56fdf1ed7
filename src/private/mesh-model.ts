import { ApiObject, App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { DEFAULT_NAMESPACE } from './scope';

const SYNTH_SESSION = Symbol.for('cdk8s-istio.synthSession');

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
export function meshObjects(scope: IConstruct, kind: string, group?: string): MeshObject[] {
  const root = scope.node.root;
  const pass = passes.get(root) ?? newPass();
  let ofKind = pass.byKind.get(kind);
  if (ofKind === undefined) {
    pass.apiObjects ??= root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    ofKind = pass.apiObjects.filter(o => o.kind === kind).map(render).filter((o): o is MeshObject => o !== undefined);
    pass.byKind.set(kind, ofKind);
  }
  return group === undefined ? [...ofKind] : ofKind.filter(o => o.group === group);
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
      // `App.synth()` validates the whole app once, then again for every chart it renders: one synth is one pass.
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
 * one synth its result is computed once, however many validation passes cdk8s runs.
 */
export function addSynthValidation(scope: IConstruct, validate: () => string[]): void {
  trackValidationPasses(scope);
  const key = {};
  scope.node.addValidation({
    validate: () => {
      const pass = passes.get(scope.node.root);
      if (pass === undefined) return validate();
      let result = pass.results.get(key);
      if (result === undefined) {
        result = validate();
        pass.results.set(key, result);
      }
      return result;
    },
  });
}

// `App.synth()` and `App.synthYaml()` run synchronously and never change the app, so one cache can serve every
// validation pass they start (one per chart, in cdk8s 2.x), instead of rendering every object once per chart.
for (const method of ['synth', 'synthYaml'] as const) {
  const original: any = (App.prototype as any)[method];
  if (original[SYNTH_SESSION] === true) continue;
  const wrapped = function (this: App, ...args: any[]) {
    const root = this.node.root;
    synthesizing.add(root);
    try {
      return original.apply(this, args);
    } finally {
      synthesizing.delete(root);
      passes.delete(root);
    }
  };
  (wrapped as any)[SYNTH_SESSION] = true;
  (App.prototype as any)[method] = wrapped;
}

interface ValidationPass {
  apiObjects?: ApiObject[];
  readonly byKind: Map<string, MeshObject[]>;
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
  const owner = construct.node.id === 'Resource' && construct.node.scope ? construct.node.scope : construct;
  return {
    apiObject: construct,
    group: groupOf(construct.apiVersion),
    kind: construct.kind,
    name: manifest.metadata?.name ?? construct.name,
    namespace: manifest.metadata?.namespace ?? DEFAULT_NAMESPACE,
    manifest,
    path: owner.node.path,
  };
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The Kubernetes Service among `services` that a cluster-local host (`name.namespace.svc.cluster.local`) names. */
export function serviceNamed(fqdn: string, services: MeshObject[]): MeshObject | undefined {
  const parts = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(fqdn);
  return parts ? services.find(s => s.name === parts[1] && s.namespace === parts[2]) : undefined;
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
