import { IConstruct } from 'constructs';
import { describeProblem } from '../errors';
import { addSynthValidation } from '../mesh-model';
import { MeshAnalysis } from './model';

const checkedRoots = new WeakSet<IConstruct>();

/**
 * Two objects of the same kind, namespace and name anywhere in the app (this library's, cdk8s-plus's or plain
 * `ApiObject`s). Names are explicit and hash-free, so a construct used twice, or two teams' ids, collide silently:
 * `kubectl apply` keeps whichever is applied last. Registered once per app, by the first Istio resource.
 */
export function addDuplicateObjectCheck(scope: IConstruct): void {
  const root = scope.node.root;
  if (checkedRoots.has(root)) return;
  checkedRoots.add(root);
  addSynthValidation(root, () => MeshAnalysis.of(root).duplicates().map(group => {
    const [first] = group;
    const where = first.group === '' ? first.kind : `${first.kind}.${first.group}`;
    return describeProblem({
      field: `${where} "${first.namespace}/${first.name}"`,
      problem: `is defined ${group.length} times in the app, at ${group.map(o => o.path).join(', ')}`,
      fix: 'give each object its own name (metadata.name), or create the object once and share it',
      symptom: 'each apply overwrites the other object, so only the last one applied exists',
      prop: 'IstioResourceProps.metadata',
    });
  }));
}
