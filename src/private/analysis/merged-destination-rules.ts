import { ApiObject } from 'cdk8s';
import { Problem } from '../errors';
import { expandHost, MeshObject } from '../mesh-model';
import { MeshAnalysis } from './model';

/**
 * Several DestinationRules for one host in one namespace (same `exportTo`, same workload selector or none) are merged
 * by istiod into the one created first (`mergeDestinationRule` in istio/istio `pilot/pkg/model/destination_rule.go`):
 * the subsets of the later ones are added unless a subset of that name exists already (istiod then only counts a
 * "Duplicate subset" metric), and their top-level `trafficPolicy` is used only when the merged rule has none. So of
 * two rules with a top-level traffic policy, one policy is silently dropped, and of two subsets with one name, one
 * definition. Which one depends on the creation time; an app creates both at once, so the outcome is undefined.
 *
 * Reported on every rule after the first of its merge group (app order), naming the earlier rule it collides with.
 * Rules this library does not check itself (plain `ApiObject`s, `cdk8s import` classes) are reported by the first
 * rule of their group that it checks, so a plain rule after the library's one is not left out.
 */
export function mergedDestinationRuleProblems(a: MeshAnalysis, rule: MeshObject): Problem[] {
  const group = a.mergedDestinationRules(rule);
  if (group.length < 2) return [];
  const problems = collisionsOf(group, rule);
  const merge = mergeOf(group);
  if (merge.firstChecked === rule) {
    for (const other of merge.unchecked) {
      problems.push(...collisionsOf(group, other).map(p => ({ ...p, field: `DestinationRule ${describe(other)} ${p.field}` })));
    }
  }
  return problems;
}

const checkedRules = new WeakSet<ApiObject>();

/** Marks the object of a DestinationRule construct that reports its own merge collisions (`mergedDestinationRuleProblems`). */
export function markMergeChecked(apiObject: ApiObject): void {
  checkedRules.add(apiObject);
}

/** What `rule` loses to the rules before it in its merge group. */
function collisionsOf(group: readonly MeshObject[], rule: MeshObject): Problem[] {
  const merge = mergeOf(group);
  const position = merge.position.get(rule)!;
  const earlier = (owner: MeshObject | undefined) => owner !== undefined && merge.position.get(owner)! < position ? owner : undefined;
  const spec = rule.manifest.spec ?? {};
  const host = expandHost(String(spec.host ?? ''), rule.namespace);
  const merged = `istiod merges the DestinationRules for host "${host}" in namespace "${rule.namespace}" (same exportTo and workload selector) `
    + 'into the one created first';
  const order = 'this app creates both at once, so which one is first is undefined';
  const problems: Problem[] = [];

  const policyOwner = earlier(merge.policyOwner);
  if (spec.trafficPolicy !== undefined && policyOwner !== undefined) {
    problems.push({
      field: 'trafficPolicy',
      value: spec.trafficPolicy,
      problem: `collides with the top-level trafficPolicy of DestinationRule ${describe(policyOwner)}: ${merged} and keeps only its `
        + `top-level trafficPolicy (${order})`,
      fix: 'merge the two DestinationRules into one, with one trafficPolicy and the subsets of both, or move the policies to subset level',
      symptom: 'one of the two traffic policies (TLS, load balancing, connection pool, outlier detection) is silently ignored',
      prop: 'DestinationRuleProps.trafficPolicy',
    });
  }

  ((spec.subsets ?? []) as any[]).forEach((subset, i) => {
    const owner = earlier(merge.subsetOwners.get(String(subset.name)));
    if (owner === undefined) return;
    problems.push({
      field: `subsets[${i}].name`,
      value: subset.name,
      problem: `is also a subset of DestinationRule ${describe(owner)}: ${merged}, adding only subsets whose name it does not have yet `
        + `(${order})`,
      fix: 'give the subsets distinct names, or merge the two DestinationRules into one',
      symptom: `one of the two definitions of subset "${subset.name}" (its labels and traffic policy) is silently ignored, so requests routed `
        + 'to it may reach other pods or use another policy than intended',
      prop: 'DestinationRuleProps.subsets',
    });
  });
  return problems;
}

/**
 * What a merge group's rules are compared with: the first rule with a top-level policy, the first of each subset; and
 * who reports for the rules no construct checks (the first rule one does).
 */
interface Merge {
  readonly position: Map<MeshObject, number>;
  readonly policyOwner?: MeshObject;
  readonly subsetOwners: Map<string, MeshObject>;
  readonly firstChecked?: MeshObject;
  readonly unchecked: readonly MeshObject[];
}

/** Computed once per merge group (the group's list is shared by its rules within a pass), so a group costs its size. */
const merges = new WeakMap<readonly MeshObject[], Merge>();

function mergeOf(group: readonly MeshObject[]): Merge {
  let merge = merges.get(group);
  if (merge === undefined) {
    const subsetOwners = new Map<string, MeshObject>();
    for (const r of group) {
      for (const s of (r.manifest.spec?.subsets ?? []) as any[]) if (!subsetOwners.has(String(s.name))) subsetOwners.set(String(s.name), r);
    }
    merge = {
      position: new Map(group.map((r, i) => [r, i])),
      policyOwner: group.find(r => r.manifest.spec?.trafficPolicy !== undefined),
      subsetOwners,
      firstChecked: group.find(r => checkedRules.has(r.apiObject)),
      unchecked: group.filter(r => !checkedRules.has(r.apiObject)),
    };
    merges.set(group, merge);
  }
  return merge;
}

function describe(o: MeshObject): string {
  return `${o.namespace}/${o.name} (${o.path})`;
}
