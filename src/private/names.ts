import { ApiObjectMetadata } from 'cdk8s';
import { IConstruct } from 'constructs';
import { configError, Problem } from './errors';
import { objectNameProblem } from './rules';

/**
 * The default object name of a construct: its id in kebab case (`ReviewsRoute` → `reviews-route`), so names
 * are stable and hash-free. Pass `metadata.name` to choose another.
 */
export function defaultObjectName(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}

/**
 * What is wrong with an object's `metadata.name` by `rule` (a lower-case DNS-1123 subdomain unless the kind asks
 * for more), worded the same for every construct; undefined when it is fine.
 */
export function objectNameIssue(name: string, rule: (name: string) => string | undefined = objectNameProblem): Problem | undefined {
  const problem = rule(name);
  if (problem === undefined) return undefined;
  return { field: 'metadata.name', value: name, problem, fix: 'pass a valid metadata.name, or use a construct id that converts to one' };
}

/**
 * The `metadata.name` of the object `scope` renders: `metadata.name`, else the construct id in kebab case.
 * Throws at construction when it breaks `rule`.
 */
export function resolveObjectName(
  scope: IConstruct,
  metadata: ApiObjectMetadata | undefined,
  rule: (name: string) => string | undefined = objectNameProblem,
): string {
  const name = metadata?.name ?? defaultObjectName(scope.node.id);
  const issue = objectNameIssue(name, rule);
  if (issue) throw configError(scope, issue);
  return name;
}
