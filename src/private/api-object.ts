import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { configError } from './errors';

/**
 * The Kubernetes object a construct synthesizes: the construct itself when it is an ApiObject, else its default
 * child (every cdk8s-plus resource, whatever its line: cdk8s-plus-27, -33, ...), else its only ApiObject child.
 * So constructs of this library accept objects of any cdk8s-plus line without depending on its classes.
 *
 * @param construct what the user handed in
 * @param expected what it should be, for the error (e.g. "a Service")
 */
export function apiObjectOf(construct: IConstruct, expected: string): ApiObject {
  if (ApiObject.isApiObject(construct)) return construct;
  const defaultChild = construct.node.defaultChild;
  if (defaultChild && ApiObject.isApiObject(defaultChild)) return defaultChild;
  const children = construct.node.children.filter(c => ApiObject.isApiObject(c)) as ApiObject[];
  if (children.length === 1) return children[0];
  throw configError(construct, {
    field: 'construct',
    value: construct.node.id,
    problem: children.length === 0
      ? 'synthesizes no Kubernetes object (it is neither an ApiObject nor a construct with one)'
      : `synthesizes ${children.length} Kubernetes objects, so it is not clear which one is meant`,
    fix: `pass ${expected}: a cdk8s-plus object (any cdk8s-plus line) or the ApiObject itself`,
  });
}
