import { Problem } from '../errors';
import { expandHost, MeshObject } from '../mesh-model';
import { applicableDestinationRules, ROOT_NAMESPACE, subsetNames } from './destination-rules';
import { ROUTE_PROPS, RouteKind } from './ist0130-ist0131-unreachable-routes';
import { GatewayView, MESH, MeshAnalysis, VirtualServiceView } from './model';
import { clusterLocalService, gatewayKey } from './references';

/** One destination of a VirtualService route or mirror, as rendered. */
export interface DestinationView {
  readonly field: string;
  readonly host: string;
  readonly fqdn: string;
  readonly subset?: string;
  readonly port?: number;
  /** `http`, `tcp` or `tls`: the kind of route. */
  readonly kind: string;
  /**
   * The gateways the route applies to: those its matches name (a match without `gateways` takes the
   * VirtualService's), else the VirtualService's; `mesh` for sidecars.
   */
  readonly gateways: string[];
}

/** Every destination of every route and mirror of a VirtualService, with the field path to report. */
export function destinationsOf(vs: VirtualServiceView): DestinationView[] {
  const result: DestinationView[] = [];
  const own: string[] = (vs.spec.gateways ?? []).length > 0 ? vs.spec.gateways : [MESH];
  let gateways = own;
  const routeGateways = (r: any) => {
    const matches = (r.match ?? []) as any[];
    return matches.length === 0 ? own : [...new Set(matches.flatMap(m => (m.gateways ?? []).length > 0 ? m.gateways as string[] : own))];
  };
  const add = (field: string, kind: string, d: any) => {
    if (d === undefined) return;
    const host = String(d.host ?? '');
    result.push({ field, host, fqdn: expandHost(host, vs.object.namespace), subset: d.subset, port: d.port?.number, kind, gateways });
  };
  ((vs.spec.http ?? []) as any[]).forEach((r, i) => {
    gateways = routeGateways(r);
    ((r.route ?? []) as any[]).forEach((d, j) => add(`http[${i}].route[${j}].destination`, 'http', d.destination));
    add(`http[${i}].mirror`, 'http', r.mirror);
    ((r.mirrors ?? []) as any[]).forEach((m, k) => add(`http[${i}].mirrors[${k}].destination`, 'http', m.destination));
  });
  for (const kind of ['tcp', 'tls']) {
    ((vs.spec[kind] ?? []) as any[]).forEach((r, i) => {
      gateways = routeGateways(r);
      ((r.route ?? []) as any[]).forEach((d, j) => add(`${kind}[${i}].route[${j}].destination`, kind, d.destination));
    });
  }
  return result;
}

/** A `delegate` that names a VirtualService of the app must name a delegate one (without hosts). */
export function delegateReferenceProblems(a: MeshAnalysis, vs: VirtualServiceView): Problem[] {
  const problems: Problem[] = [];
  ((vs.spec.http ?? []) as any[]).forEach((r, i) => {
    if (!r.delegate) return;
    const ns = r.delegate.namespace ?? vs.object.namespace;
    const target = a.named('VirtualService', 'networking.istio.io', ns, r.delegate.name);
    if (target && ((target.manifest.spec?.hosts ?? []) as string[]).length > 0) {
      problems.push({
        field: `http[${i}].delegate`,
        value: r.delegate,
        problem: `names VirtualService ${ns}/${target.name} (${target.path}), which has hosts; only a VirtualService without hosts `
          + 'can be a delegate',
        fix: 'remove the hosts of that VirtualService, or route to its destinations instead of delegating',
        symptom: 'Istio ignores the delegation and requests matching this route get 404 NR route_not_found',
        prop: 'VirtualServiceProps.http',
      });
    }
  });
  return problems;
}

/**
 * IST0101 (gateway): a referenced Gateway that the app does not define, where the app defines others in that
 * namespace (a near miss). A gateway from outside the app (e.g. a shared `istio-system/public-gateway`) is fine.
 * `found` adds the problems of every top-level reference that the app defines (IST0132 checks its hosts there).
 */
export function gatewayReferenceProblems(a: MeshAnalysis, vs: VirtualServiceView,
  found: (field: string, ref: string, gateway: GatewayView) => Problem[]): Problem[] {
  const problems: Problem[] = [];
  const refs: Array<{ field: string; ref: string; top: boolean }> = [];
  ((vs.spec.gateways ?? []) as string[]).forEach((ref, i) => refs.push({ field: `gateways[${i}]`, ref, top: true }));
  ((vs.spec.http ?? []) as any[]).forEach((r, i) => ((r.match ?? []) as any[]).forEach((m, j) => ((m.gateways ?? []) as string[])
    .forEach((ref, k) => refs.push({ field: `http[${i}].match[${j}].gateways[${k}]`, ref, top: false }))));
  for (const { field, ref, top } of refs) {
    if (ref === MESH) continue;
    const key = gatewayKey(ref, vs.object.namespace);
    const gateway = a.gateway(key);
    if (gateway) {
      if (top) problems.push(...found(field, ref, gateway));
      continue;
    }
    const [ns, name] = key.split('/');
    const siblings = a.gatewaysIn(ns).map(g => g.object.name);
    if (siblings.length > 0) {
      problems.push({
        field,
        value: ref,
        problem: `names Gateway "${name}" in namespace "${ns}", which this app does not define, although it defines `
          + `other Gateways there (${siblings.join(', ')})`,
        fix: `use one of ${siblings.map(s => `"${ns}/${s}"`).join(', ')}, or define the Gateway`,
        symptom: 'Istio finds no such gateway (IST0101) and requests to these hosts get 404 NR route_not_found at the gateway',
        prop: top ? 'VirtualServiceProps.gateways' : 'VirtualServiceProps.http',
      });
    }
  }
  return problems;
}

/**
 * IST0101 (subset), IST0112 and IST0101 (host:port): destinations against the DestinationRules that apply to them,
 * and the ports of the Services and ServiceEntries they name.
 *
 * The subset is looked up the way istiod does for each proxy that runs the route (see `applicableDestinationRules`):
 * for a route that applies to the mesh, the sidecars of every namespace the VirtualService is exported to (istiod
 * gives it to each of them, and each looks the DestinationRule up from its own namespace); for a gateway route, the
 * gateway workloads (in their Gateway's namespace).
 */
export function destinationReferenceProblems(a: MeshAnalysis, vs: VirtualServiceView): Problem[] {
  const problems: Problem[] = [];
  const ns = vs.object.namespace;
  for (const d of destinationsOf(vs)) {
    if (d.subset !== undefined) {
      const problem = subsetProblem(a, vs, d);
      if (problem) problems.push(problem);
    }
    const target = resolvePorts(a, d.fqdn, ns);
    if (!target || target.ports.length === 0) continue;
    if (d.port === undefined && target.ports.length > 1) {
      problems.push({
        field: `${d.field}.port`,
        problem: `is not set, but ${target.what} has ${target.ports.length} ports (${target.ports.join(', ')})`,
        fix: `set port to the one to route to: one of ${target.ports.join(', ')}`,
        symptom: 'Istio cannot tell which port to send to (IST0112): requests may reach the wrong port or fail with 503',
        prop: ROUTE_PROPS[d.kind as RouteKind],
      });
    } else if (d.port !== undefined && !target.ports.includes(d.port)) {
      problems.push({
        field: `${d.field}.port.number`,
        value: d.port,
        problem: `is not a port of ${target.what} (ports: ${target.ports.join(', ')})`,
        fix: `use one of ${target.ports.join(', ')}`,
        symptom: 'requests fail with 503 (NC cluster_not_found): there is no such host:port (IST0101)',
        prop: ROUTE_PROPS[d.kind as RouteKind],
      });
    }
  }
  return problems;
}

/**
 * The proxies that run a route, grouped so that one DestinationRule lookup stands for each group: proxies in
 * namespaces istiod's lookup cannot tell apart get the same rules.
 */
interface ClientGroup {
  /** The namespace looked up for the group (`OTHER` for namespaces without rules of their own for the host). */
  readonly lookup: string;
  /** Whether the group is the route's own proxies (the VirtualService's namespace, or a gateway's). */
  readonly own: boolean;
  /** The namespace of a group of one namespace. */
  readonly namespace?: string;
  /** The group, for messages (`namespace "shop"`); built only when reported. */
  readonly label: () => string;
}

/** A namespace name Kubernetes refuses, standing for every namespace that holds no rule for the host. */
const OTHER = '<other>';

/**
 * The client groups of a destination. Mesh routes: the VirtualService's namespace, each namespace it is exported to
 * by name, and when it is exported everywhere, each namespace the lookup singles out (those holding a rule for the
 * host or named by a rule's exportTo), then one group for all the others (the app's remaining namespaces and any
 * namespace it does not define). So the cost is the rules of the host, never the namespaces of the app.
 */
function clientGroups(a: MeshAnalysis, vs: VirtualServiceView, d: DestinationView): ClientGroup[] {
  const ns = vs.object.namespace;
  const groups: ClientGroup[] = [];
  // A namespace without rules for the host, and not named by their exportTo, gets what any other namespace gets.
  const singledOut = namespacesOfRules(a, d.fqdn);
  const single = (n: string, own: boolean) => groups.push({ lookup: singledOut.has(n) ? n : OTHER, own, namespace: n, label: () => `namespace "${n}"` });
  for (const gatewayNamespace of new Set(d.gateways.filter(g => g !== MESH).map(g => gatewayKey(g, ns).split('/')[0]))) single(gatewayNamespace, true);
  if (!d.gateways.includes(MESH)) return groups;
  const visibility = vs.visibility;
  const singled = new Set<string>();
  if (visibility === '*' || visibility.has(ns)) singled.add(ns);
  for (const n of visibility === '*' ? singledOut : visibility) singled.add(n);
  for (const n of singled) single(n, n === ns);
  if (visibility === '*') {
    groups.push({
      lookup: OTHER,
      own: false,
      label: () => {
        const named = a.appNamespaces().filter(n => !singled.has(n));
        const others = 'any other namespace (the VirtualService is exported to every namespace)';
        return named.length === 0 ? others : `namespaces ${named.map(n => `"${n}"`).join(', ')} and ${others}`;
      },
    });
  }
  return groups;
}

/** The namespaces the rules of a host single out: where they are, and those their exportTo names. Once per host. */
function namespacesOfRules(a: MeshAnalysis, fqdn: string): ReadonlySet<string> {
  return a.memo(`ist0101:ruleNamespaces:${fqdn}`, () => {
    const found = new Set<string>();
    for (const dr of a.destinationRulesAnywhere(fqdn)) {
      found.add(dr.namespace);
      for (const e of (dr.manifest.spec?.exportTo ?? []) as string[]) if (e !== '*' && e !== '.' && e !== '~') found.add(e);
    }
    return found;
  });
}

/** The DestinationRules a proxy in namespace `client` uses for a host, and their subsets. Once per client and host. */
function rulesFor(a: MeshAnalysis, client: string, fqdn: string): { rules: MeshObject[]; subsets: ReadonlySet<string> } {
  return a.memo(`ist0101:rules:${client}|${fqdn}`, () => {
    const rules = applicableDestinationRules(a, client, fqdn);
    return { rules, subsets: new Set(subsetNames(rules)) };
  });
}

function subsetProblem(a: MeshAnalysis, vs: VirtualServiceView, d: DestinationView): Problem | undefined {
  const anywhere = a.destinationRulesAnywhere(d.fqdn);
  if (anywhere.length === 0) {
    return {
      field: `${d.field}.subset`,
      value: d.subset,
      problem: `is not defined: no DestinationRule in the app has host "${d.fqdn}", and subsets only exist through one`,
      fix: `add a DestinationRule for "${d.fqdn}" with a subset "${d.subset}", or drop the subset`,
      symptom: `requests routed there fail with 503 (NC cluster_not_found): subset ${d.subset} is not defined (IST0101)`,
      prop: ROUTE_PROPS[d.kind as RouteKind],
    };
  }
  const serviceNamespace = clusterLocalService(d.fqdn)?.namespace;
  const narrow = 'or export this VirtualService only to the namespaces that see the subset (exportTo, e.g. ["."])';
  for (const group of clientGroups(a, vs, d)) {
    const { rules, subsets } = rulesFor(a, group.lookup, d.fqdn);
    if (subsets.has(d.subset!)) continue;
    const clients = group.label();
    const symptom = (from: boolean) => `requests ${from ? `from ${clients} ` : ''}routed there fail with 503 (NC cluster_not_found): `
      + `subset ${d.subset} is not defined (IST0101)`;
    if (rules.length === 0) {
      const client = group.namespace;
      return {
        field: `${d.field}.subset`,
        value: d.subset,
        problem: `is defined only by DestinationRule ${anywhere.map(describe).join(', ')}, which proxies in ${clients} never `
          + `consult: istiod looks for a DestinationRule of "${d.fqdn}" in the client's namespace, then among those the Service's namespace `
          + `exports to it, then among those the root namespace "${ROOT_NAMESPACE}" exports to it`,
        fix: group.own
          ? `define the subset in a DestinationRule in namespace "${client}" or in the Service's namespace (exported to "${client}")`
          : `define the subset in a DestinationRule in the Service's namespace${serviceNamespace ? ` "${serviceNamespace}"` : ''} `
            + `exported to them, ${narrow}`,
        symptom: symptom(true),
        prop: ROUTE_PROPS[d.kind as RouteKind],
      };
    }
    return {
      field: `${d.field}.subset`,
      value: d.subset,
      problem: `is not among the subsets ${JSON.stringify(subsetNames(rules))} that DestinationRule `
        + `${rules.map(dr => `${dr.namespace}/${dr.name}`).join(', ')} defines for host "${d.fqdn}"${group.own ? '' : ` (the rules proxies in ${clients} use)`}`,
      fix: `add subset "${d.subset}" to that DestinationRule, or use one of its subsets${group.own ? '' : `, ${narrow}`}`,
      symptom: symptom(!group.own),
      prop: ROUTE_PROPS[d.kind as RouteKind],
    };
  }
  return undefined;
}

function describe(o: MeshObject): string {
  return `${o.namespace}/${o.name} (${o.path})`;
}

/** The ports of the Service or visible ServiceEntry a destination FQDN resolves to, if the app defines it. */
export function resolvePorts(a: MeshAnalysis, fqdn: string, vsNamespace: string): { what: string; ports: number[] } | undefined {
  const service = a.service(fqdn);
  if (service) {
    return { what: `Service ${service.namespace}/${service.name}`, ports: ((service.manifest.spec?.ports ?? []) as any[]).map(p => Number(p.port)) };
  }
  const se = a.serviceEntriesFor(fqdn, vsNamespace)[0];
  if (se) return { what: `ServiceEntry ${se.namespace}/${se.name}`, ports: ((se.manifest.spec?.ports ?? []) as any[]).map(p => Number(p.number)) };
  return undefined;
}
