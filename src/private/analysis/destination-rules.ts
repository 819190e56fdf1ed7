import { expandHost, MeshObject } from '../mesh-model';
import { MeshAnalysis } from './model';
import { clusterLocalService } from './references';

/** Istio's root (config) namespace, where exported rules apply mesh-wide. Istio's default. */
export const ROOT_NAMESPACE = 'istio-system';

/**
 * The DestinationRules that apply to traffic from a proxy in namespace `client` to host `fqdn`, the way istiod picks
 * them (`PushContext.destinationRule` in istio/istio `pilot/pkg/model/push_context.go`): the rules of the client's
 * own namespace; if none matches, those of the destination Service's namespace exported to the client; if none, those
 * of the root namespace exported to the client. A rule in any other namespace is never consulted. Within a namespace
 * an exact host wins over wildcards, and the most specific wildcard over the others (`MostSpecificHostMatch`); the
 * rules found there are merged (their subsets add up, the first one's traffic policy wins).
 */
export function applicableDestinationRules(a: MeshAnalysis, client: string, fqdn: string): MeshObject[] {
  const serviceNamespace = clusterLocalService(fqdn)?.namespace;
  const order = [client, serviceNamespace, ROOT_NAMESPACE].filter((ns): ns is string => ns !== undefined);
  for (const ns of new Set(order)) {
    // The client's own namespace sees all of its rules; other namespaces only what they export to the client.
    const found = mostSpecific(a.destinationRulesIn(ns, fqdn, ns === client ? ns : client), fqdn);
    if (found.length > 0) return found;
  }
  return [];
}

/** The subset names of a set of DestinationRules, merged. */
export function subsetNames(rules: MeshObject[]): string[] {
  return rules.flatMap(dr => ((dr.manifest.spec?.subsets ?? []) as any[]).map(s => String(s.name)));
}

function mostSpecific(rules: MeshObject[], fqdn: string): MeshObject[] {
  const hostOf = (dr: MeshObject) => expandHost(String(dr.manifest.spec?.host ?? ''), dr.namespace);
  const exact = rules.filter(dr => hostOf(dr) === fqdn);
  if (exact.length > 0) return exact;
  const longest = Math.max(...rules.map(dr => hostOf(dr).length));
  return rules.filter(dr => hostOf(dr).length === longest);
}
