import { Problem } from '../errors';
import { hostCovers, MeshObject } from '../mesh-model';
import { destinationsOf } from './ist0101-references';
import { MESH, MeshAnalysis, NETWORKING } from './model';

/** The namespace-wide Sidecars of a namespace (no workloadSelector) that restrict egress. */
export function egressSidecars(a: MeshAnalysis, namespace: string): MeshObject[] {
  return a.inNamespace('Sidecar', NETWORKING, namespace)
    .filter(s => s.manifest.spec?.workloadSelector === undefined && s.manifest.spec?.egress !== undefined);
}

/** Every `namespace/host` entry of a Sidecar's egress listeners. */
export function egressHostEntries(sidecar: MeshObject): string[] {
  return ((sidecar.manifest.spec?.egress ?? []) as any[]).flatMap(l => (l.hosts ?? []) as string[]);
}

/**
 * Whether a Sidecar's egress entries (`ns/host`, `./host`, a `*` namespace part) let the workloads of `sidecarNamespace` see `host`
 * of namespace `namespace` (istio.io Sidecar reference, `IstioEgressListener.hosts`).
 */
export function egressVisible(entries: string[], sidecarNamespace: string, namespace: string, host: string): boolean {
  return entries.some(entry => {
    const slash = entry.indexOf('/');
    const entryNs = entry.slice(0, slash);
    const name = entry.slice(slash + 1);
    const nsMatches = entryNs === '*' || entryNs === namespace || (entryNs === '.' && namespace === sidecarNamespace);
    return nsMatches && hostCovers(name, host);
  });
}

/**
 * A namespace's egress lockdown (its default Sidecar) against the routes of the namespace: a mesh route of a
 * VirtualService of the namespace that sends to a Service of another namespace the Sidecar does not list. The
 * sidecars have no cluster for a host they cannot see.
 */
export function hiddenDestinationProblems(a: MeshAnalysis, namespace: string): Problem[] {
  const sidecars = egressSidecars(a, namespace);
  if (sidecars.length === 0) return [];
  const problems: Problem[] = [];
  for (const o of a.inNamespace('VirtualService', NETWORKING, namespace)) {
    const vs = a.virtualService(o.apiObject);
    if (vs === undefined) continue;
    for (const d of destinationsOf(vs)) {
      if (!d.gateways.includes(MESH)) continue;
      const service = a.service(d.fqdn);
      if (service === undefined || service.namespace === namespace) continue;
      for (const sidecar of sidecars) {
        const entries = egressHostEntries(sidecar);
        if (egressVisible(entries, namespace, service.namespace, d.fqdn)) continue;
        problems.push({
          field: `VirtualService ${o.namespace}/${o.name} (${o.path}) ${d.field}.host`,
          value: d.host,
          problem: `is Service ${service.namespace}/${service.name}, which Sidecar ${sidecar.path} hides from the workloads of namespace `
            + `"${namespace}" (their egress is limited to ${JSON.stringify(entries)})`,
          fix: `add "${service.namespace}/${d.fqdn}" (or "${service.namespace}/*") to the allowedHosts of EgressFilter.registryOnly()`,
          symptom: 'the sidecars of the namespace have no cluster for the host, so requests routed there fail with 503 (NC cluster_not_found)',
          prop: 'EgressLockdownOptions.allowedHosts',
        });
      }
    }
  }
  return problems;
}
