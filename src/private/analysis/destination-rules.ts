import { expandHost, MeshObject, mostSpecificHostMatches } from '../mesh-model';
import { MeshAnalysis, pushTo } from './model';
import { clusterLocalService } from './references';

/** Istio's root (config) namespace, where exported rules apply mesh-wide. Istio's default. */
export const ROOT_NAMESPACE = 'istio-system';

/** What istiod's DestinationRule lookup reads of a rule. */
export interface DestinationRuleScope {
  readonly namespace: string;
  /** The rule's host, short names expanded in its namespace. */
  readonly fqdnHost: string;
  /** `exportTo` as written (`*` when the rule has none). */
  readonly exportTo: readonly string[];
}

/**
 * The DestinationRules a proxy in namespace `client` uses for host `fqdn`, the way istiod picks them
 * (`PushContext.destinationRule` in istio/istio `pilot/pkg/model/push_context.go`):
 * 1. the rules of the client's own namespace (for a proxy in the root namespace, only the root's `exportTo: .` ones);
 * 2. else the rules the destination's namespace exports to the client;
 * 3. else those the root namespace exports to it.
 * A rule in any other namespace is never consulted. Each step takes the most specific host match first (exact,
 * else the longest wildcard: `MostSpecificHostMatch`) and only then checks `exportTo`, so a more specific rule that
 * is not exported hides a less specific one. The rules found are merged (their subsets add up, the first one's
 * traffic policy wins). Shared by the analysis (over the app's objects) and the request simulator (over manifests).
 *
 * @param rulesIn the rules of a namespace (those whose host may match; others are filtered out here)
 */
export function pickDestinationRules<T>(
  rulesIn: (namespace: string) => readonly T[], scope: (rule: T) => DestinationRuleScope,
  client: string, fqdn: string, destinationNamespace: string | undefined, rootNamespace: string = ROOT_NAMESPACE,
): T[] {
  const local = client !== rootNamespace ? rulesIn(client) : rulesIn(rootNamespace).filter(r => !exportedBeyond(scope(r)));
  const own = mostSpecificHostMatches(local, r => [scope(r).fqdnHost], fqdn);
  if (own.length > 0) return own;
  for (const ns of new Set([destinationNamespace, rootNamespace])) {
    if (ns === undefined) continue;
    const exported = mostSpecificHostMatches(rulesIn(ns).filter(r => exportedBeyond(scope(r))), r => [scope(r).fqdnHost], fqdn)
      .filter(r => scope(r).exportTo.some(e => e === '*' || e === client));
    if (exported.length > 0) return exported;
  }
  return [];
}

/** Whether a rule is exported beyond its own namespace (istiod's `exportedByNamespace` index). */
function exportedBeyond(rule: DestinationRuleScope): boolean {
  return rule.exportTo.some(e => e !== '.' && e !== '~' && e !== rule.namespace);
}

/** The DestinationRules of the app that apply to traffic from a proxy in namespace `client` to host `fqdn`. */
export function applicableDestinationRules(a: MeshAnalysis, client: string, fqdn: string): MeshObject[] {
  // The host's rules by namespace, once per host: a lookup costs the rules of the namespaces it reads.
  const byNamespace = a.memo(`dr:byNamespace:${fqdn}`, () => {
    const map = new Map<string, MeshObject[]>();
    for (const dr of a.destinationRulesAnywhere(fqdn)) pushTo(map, dr.namespace, dr);
    return map;
  });
  return pickDestinationRules(ns => byNamespace.get(ns) ?? [], scopeOf, client, fqdn, clusterLocalService(fqdn)?.namespace);
}

function scopeOf(dr: MeshObject): DestinationRuleScope {
  const exportTo = dr.manifest.spec?.exportTo;
  return {
    namespace: dr.namespace,
    fqdnHost: expandHost(String(dr.manifest.spec?.host ?? ''), dr.namespace),
    exportTo: Array.isArray(exportTo) && exportTo.length > 0 ? exportTo : ['*'],
  };
}

/** The subset names of a set of DestinationRules, merged. */
export function subsetNames(rules: MeshObject[]): string[] {
  return rules.flatMap(dr => ((dr.manifest.spec?.subsets ?? []) as any[]).map(s => String(s.name)));
}
