/**
 * How istiod reads references between objects; every rule and construct uses these, so they cannot disagree.
 */

/**
 * A VirtualService's gateway reference as `namespace/name`, the way istiod resolves it (`resolveGatewayName` in
 * istio/istio `pilot/pkg/model/config.go`): `ns/name` as is, `./name` and a bare `name` in the VirtualService's
 * namespace, and the legacy dotted forms `name.ns` and `name.ns.svc.cluster.local` as `ns/name` (the label after
 * the first dot is the namespace).
 */
export function gatewayKey(ref: string, namespace: string): string {
  const slash = ref.indexOf('/');
  if (slash >= 0) return ref.slice(0, slash) === '.' ? `${namespace}/${ref.slice(slash + 1)}` : ref;
  const dot = ref.indexOf('.');
  if (dot < 0) return `${namespace}/${ref}`;
  const rest = ref.slice(dot + 1);
  const next = rest.indexOf('.');
  return `${next < 0 ? rest : rest.slice(0, next)}/${ref.slice(0, dot)}`;
}

/** The cluster-local FQDN form of a gateway reference, `<name>.<namespace>.svc.cluster.local`. */
export function isGatewayFqdn(ref: string): boolean {
  return /^[^./]+\.[^./]+\.svc\.cluster\.local$/.test(ref);
}

/**
 * A Gateway server host entry split into namespace and host: `ns/host`, `./host` (the Gateway's namespace), and a
 * `*` namespace part or a bare `host` (any namespace, `*`).
 */
export function splitServerHost(entry: string, gatewayNamespace: string): { namespace: string; host: string } {
  const slash = entry.indexOf('/');
  if (slash < 0) return { namespace: '*', host: entry };
  const ns = entry.slice(0, slash);
  return { namespace: ns === '.' ? gatewayNamespace : ns, host: entry.slice(slash + 1) };
}

/** The Service a cluster-local host (`<name>.<namespace>.svc.cluster.local`) names, if it is one. */
export function clusterLocalService(fqdn: string): { name: string; namespace: string } | undefined {
  const parts = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(fqdn);
  return parts ? { name: parts[1], namespace: parts[2] } : undefined;
}

/** A host entry without its `namespace/` part. */
export function hostName(entry: string): string {
  return entry.slice(entry.indexOf('/') + 1);
}
