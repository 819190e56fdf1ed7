import { ApiObjectMetadata } from 'cdk8s';
import { IConstruct } from 'constructs';
import { configError, Problem } from './errors';
import { k8sLabelNameProblem, labelsProblem, objectNameProblem } from './rules';

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

/** Kubernetes' limit on the total size of an object's annotations (keys and values), in bytes. */
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/**
 * Kubernetes' metadata rules (apimachinery ValidateObjectMeta), which the API server applies to every object, Istio
 * kinds included: the namespace is a DNS-1123 label; label keys are qualified names (an optional DNS subdomain prefix
 * and one "/") and values at most 63 characters of letters, digits, "-", "_" and "."; annotation keys are qualified
 * names and all annotations together at most 256 KiB. `at` prefixes the fields (e.g. `podMetadata.`); a synth-time
 * check passes the `prop` its problems name (construction-time ones get theirs from the field, see errors.ts).
 */
export function metadataProblems(
  metadata: { namespace?: string; labels?: { [key: string]: string }; annotations?: { [key: string]: string } },
  at: string = 'metadata.',
  prop?: 'IstioResourceProps.metadata',
): Problem[] {
  const problems: Problem[] = [];
  if (metadata.namespace !== undefined) {
    const problem = k8sLabelNameProblem(metadata.namespace);
    if (problem) problems.push({ field: `${at}namespace`, prop, value: metadata.namespace, problem, fix: 'use a namespace name such as "bookinfo" (in the chart, the MeshNamespace or metadata.namespace)' });
  }
  for (const [key, value] of Object.entries(metadata.labels ?? {})) {
    const problem = labelsProblem({ [key]: value });
    if (problem) problems.push({ field: `${at}labels["${key}"]`, prop, value, problem, fix: 'use a key like "app" or "example.com/team" and a value of at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit' });
  }
  let bytes = 0;
  for (const [key, value] of Object.entries(metadata.annotations ?? {})) {
    bytes += Buffer.byteLength(key) + Buffer.byteLength(String(value));
    const problem = labelsProblem({ [key]: '' });
    if (problem) problems.push({ field: `${at}annotations["${key}"]`, prop, value: key, problem: problem.replace(/label/g, 'annotation'), fix: 'use a valid annotation key, e.g. "example.com/owner"' });
  }
  if (bytes > MAX_ANNOTATIONS_BYTES) {
    problems.push({ field: `${at}annotations`, prop, problem: `total ${bytes} bytes, more than Kubernetes' limit of ${MAX_ANNOTATIONS_BYTES}`, fix: 'keep large data in a ConfigMap and reference it' });
  }
  return problems;
}
