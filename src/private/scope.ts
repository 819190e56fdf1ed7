import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

const NAMESPACE_SCOPE = Symbol.for('cdk8s-istio.NamespaceScope');

/** The namespace Kubernetes assumes for an object without one. */
export const DEFAULT_NAMESPACE = 'default';

/** Makes `scope` the namespace of every construct created below it (MeshNamespace does this). */
export function markNamespaceScope(scope: IConstruct, namespace: string): void {
  Object.defineProperty(scope, NAMESPACE_SCOPE, { value: namespace, enumerable: false });
}

/** Whether `scope` itself is a namespace scope (a MeshNamespace). */
export function isNamespaceScope(scope: IConstruct): boolean {
  return (scope as any)[NAMESPACE_SCOPE] !== undefined;
}

/**
 * The namespace an object created at `scope` lands in: the nearest enclosing namespace scope (a MeshNamespace),
 * else the chart's namespace, else none (kubectl's current namespace, `default` for references).
 */
export function namespaceOf(scope: IConstruct): string | undefined {
  const scopes = scope.node.scopes;
  for (let i = scopes.length - 1; i >= 0; i--) {
    const ns = (scopes[i] as any)[NAMESPACE_SCOPE];
    if (ns !== undefined) return ns;
  }
  return scopes.some(s => Chart.isChart(s)) ? Chart.of(scope).namespace : undefined;
}

const PLACED_ELSEWHERE = Symbol.for('cdk8s-istio.PlacedElsewhere');

/**
 * Marks `scope` (and the objects below it) as deliberately placed outside the enclosing namespace scope, e.g. a
 * TLS Secret that must live in the gateway workload's namespace. MeshNamespace does not report these as strays.
 */
export function markPlacedElsewhere(scope: IConstruct): void {
  Object.defineProperty(scope, PLACED_ELSEWHERE, { value: true, enumerable: false });
}

/** Whether `construct` or one of its scopes was marked with `markPlacedElsewhere`. */
export function isPlacedElsewhere(construct: IConstruct): boolean {
  return construct.node.scopes.some(s => (s as any)[PLACED_ELSEWHERE] === true);
}
