import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
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
 */
export function meshObjects(scope: IConstruct, kind: string, group?: string): MeshObject[] {
  const result: MeshObject[] = [];
  for (const construct of scope.node.root.node.findAll()) {
    if (!(construct instanceof ApiObject) || construct.kind !== kind) continue;
    const objGroup = groupOf(construct.apiVersion);
    if (group !== undefined && objGroup !== group) continue;
    let manifest: any;
    try {
      manifest = construct.toJson();
    } catch {
      continue;
    }
    const owner = construct.node.id === 'Resource' && construct.node.scope ? construct.node.scope : construct;
    result.push({
      apiObject: construct,
      group: objGroup,
      kind,
      name: manifest.metadata?.name ?? construct.name,
      namespace: manifest.metadata?.namespace ?? DEFAULT_NAMESPACE,
      manifest,
      path: owner.node.path,
    });
  }
  return result;
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
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
