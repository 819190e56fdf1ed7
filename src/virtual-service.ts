import { Construct } from 'constructs';
import { HttpRouteOptions, httpRouteProblems, renderHttpRoute } from './http-route';
import { renderTcpRoute, renderTlsRoute, TcpRouteOptions, tcpRouteProblems, TlsRouteOptions, tlsRouteProblems } from './l4-route';
import { addJwtClaimRouteValidation } from './private/analysis/ist0149-jwt-claim-routes';
import { describeProblem, Problem, throwIfProblems } from './private/errors';
import { addSynthValidation, expandHost, hostCovers, hostsOverlap, MeshObject, meshObjects, serviceNamed } from './private/mesh-model';
import { exportToProblem, isIp, wildcardHostProblem } from './private/rules';
import { checkShape } from './private/shape';
import { IstioResource, IstioResourceProps } from './resource';
import { gatewayRefProblems, isJwtClaimKey } from './route-match';
import { BackendRouteKind, ServiceBackend } from './service-backend';

const GROUP = 'networking.istio.io';
const MESH = 'mesh';

/**
 * Props of a VirtualService.
 */
export interface VirtualServiceProps extends IstioResourceProps {
  /**
   * The hosts this VirtualService routes: Service names (`reviews`, resolved in this VirtualService's namespace),
   * FQDNs, `*.`-wildcards, or `*` (gateway-bound VirtualServices only). More can be added with `addHost()`.
   *
   * @default - no hosts: a delegate VirtualService, used only through another VirtualService's `delegate`
   */
  readonly hosts?: string[];

  /**
   * The gateways these routes apply to: `namespace/name` (e.g. `istio-system/public-gateway`, or a Gateway's
   * `gatewayRef`), a bare `name` in this VirtualService's namespace, or `mesh` for sidecar traffic.
   * More can be added with `addGateway()`.
   *
   * @default - `mesh` only: the routes apply to sidecar traffic
   */
  readonly gateways?: string[];

  /**
   * Namespaces this VirtualService is visible to: `.` (its own), `*` (all) or namespace names.
   *
   * @default - all namespaces
   */
  readonly exportTo?: string[];

  /**
   * HTTP routes, tried in order. More can be added with `addHttpRoute()`.
   *
   * @default - none
   */
  readonly http?: HttpRouteOptions[];

  /**
   * TCP routes, tried in order. More can be added with `addTcpRoute()`.
   *
   * @default - none
   */
  readonly tcp?: TcpRouteOptions[];

  /**
   * TLS passthrough routes, tried in order. More can be added with `addTlsRoute()`.
   *
   * @default - none
   */
  readonly tls?: TlsRouteOptions[];
}

/**
 * An Istio VirtualService (networking.istio.io): how requests to a set of hosts are routed, at gateways or
 * between sidecars.
 *
 * Local mistakes throw at construction or in the `addXxx()` call; mistakes that involve other objects of the app
 * (Gateways, DestinationRules, Services, ServiceEntries, other VirtualServices) and unreachable routes are
 * reported, all at once, at synth.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/
 */
export class VirtualService extends IstioResource {
  private readonly _hosts: string[] = [];
  private readonly _gateways: string[] = [];
  private readonly exportTo?: string[];
  private readonly http: HttpRouteOptions[] = [];
  private readonly tcp: TcpRouteOptions[] = [];
  private readonly tls: TlsRouteOptions[] = [];

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the VirtualService's settings
   */
  public constructor(scope: Construct, id: string, props: VirtualServiceProps = {}) {
    super(scope, id, GROUP, 'VirtualService', props);

    // Hosts and gateways are checked together: whether "*" is allowed and whether this is a delegate depend on both.
    const problems: Problem[] = [];
    (props.gateways ?? []).forEach((g, i) => problems.push(...gatewayRefProblems(`gateways[${i}]`, g)));
    (props.hosts ?? []).forEach((h, i) => problems.push(...hostProblems(`hosts[${i}]`, h, (props.hosts ?? []).slice(0, i))));
    if (props.exportTo) {
      const problem = exportToProblem(props.exportTo, false, this.effectiveNamespace);
      if (problem) {
        problems.push({
          field: 'exportTo',
          value: props.exportTo,
          problem,
          fix: 'use ".", "*" or namespace names, each once',
          symptom: 'the webhook rejects the VirtualService',
        });
      }
    }
    throwIfProblems(this, problems);
    throwIfProblems(this, this.bindingProblems({ hosts: props.hosts ?? [], gateways: props.gateways ?? [] }));
    this._hosts.push(...props.hosts ?? []);
    this._gateways.push(...props.gateways ?? []);
    this.exportTo = props.exportTo ? [...props.exportTo] : undefined;

    for (const route of props.http ?? []) this.addHttpRoute(route);
    for (const route of props.tcp ?? []) this.addTcpRoute(route);
    for (const route of props.tls ?? []) this.addTlsRoute(route);

    addSynthValidation(this, () => [...this.validateVirtualService().map(describeProblem), ...this.servicePortProtocolProblems()]);
    addJwtClaimRouteValidation(this, this.apiObject);
  }

  /** The hosts this VirtualService routes (a copy; use `addHost()` to add one). */
  public get hosts(): string[] {
    return [...this._hosts];
  }

  /**
   * The hosts as Istio reads them: a short Service name (`reviews`) is the Service in this VirtualService's
   * namespace, `reviews.<namespace>.svc.cluster.local`; FQDNs and wildcards are unchanged.
   */
  public get fqdnHosts(): string[] {
    return this._hosts.map(h => expandHost(h, this.effectiveNamespace));
  }

  /** The gateways these routes apply to (a copy; use `addGateway()` to add one). Empty means `mesh`. */
  public get gateways(): string[] {
    return [...this._gateways];
  }

  /**
   * Adds a host to route.
   *
   * @param host a Service name, an FQDN, a `*.`-wildcard, or `*` (gateway-bound VirtualServices only)
   */
  public addHost(host: string): void {
    checkShape(this, 'string', host, `hosts[${this._hosts.length}]`);
    const field = `hosts[${this._hosts.length}]`;
    throwIfProblems(this, hostProblems(field, host, this._hosts));
    throwIfProblems(this, this.bindingProblems({ hosts: [...this._hosts, host] }));
    this._hosts.push(host);
  }

  /**
   * Binds the routes to a gateway.
   *
   * @param gateway `namespace/name` (e.g. a Gateway's `gatewayRef`), a bare name in this VirtualService's
   * namespace, or `mesh`
   */
  public addGateway(gateway: string): void {
    checkShape(this, 'string', gateway, `gateways[${this._gateways.length}]`);
    throwIfProblems(this, gatewayRefProblems(`gateways[${this._gateways.length}]`, gateway));
    throwIfProblems(this, this.bindingProblems({ gateways: [...this._gateways, gateway] }));
    this._gateways.push(gateway);
  }

  /**
   * Adds an HTTP route after the existing ones (routes are tried in order; the first match wins).
   *
   * @param route the route: its match and where matching requests go
   */
  public addHttpRoute(route: HttpRouteOptions): void {
    checkShape(this, 'HttpRouteOptions', route, `http[${this.http.length}]`);
    throwIfProblems(this, httpRouteProblems(`http[${this.http.length}]`, route));
    throwIfProblems(this, this.bindingProblems({ http: [...this.http, route] }));
    this.http.push(route);
  }

  /**
   * Adds a TCP route after the existing ones.
   *
   * @param route the route: its match and where matching connections go
   */
  public addTcpRoute(route: TcpRouteOptions): void {
    checkShape(this, 'TcpRouteOptions', route, `tcp[${this.tcp.length}]`);
    throwIfProblems(this, tcpRouteProblems(`tcp[${this.tcp.length}]`, route));
    throwIfProblems(this, this.bindingProblems({ tcp: [...this.tcp, route] }));
    this.tcp.push(route);
  }

  /**
   * Adds a TLS passthrough route after the existing ones. Its SNI hosts must be covered by `hosts`.
   *
   * @param route the route: its SNI match and where the connections go
   */
  public addTlsRoute(route: TlsRouteOptions): void {
    checkShape(this, 'TlsRouteOptions', route, `tls[${this.tls.length}]`);
    throwIfProblems(this, tlsRouteProblems(`tls[${this.tls.length}]`, route));
    throwIfProblems(this, this.bindingProblems({ tls: [...this.tls, route] }));
    this.tls.push(route);
  }

  /** @internal */
  protected _renderSpec(): any {
    return {
      hosts: this._hosts.length > 0 ? [...this._hosts] : undefined,
      gateways: this._gateways.length > 0 ? [...this._gateways] : undefined,
      exportTo: this.exportTo ? [...this.exportTo] : undefined,
      http: this.http.length > 0 ? this.http.map(renderHttpRoute) : undefined,
      tcp: this.tcp.length > 0 ? this.tcp.map(renderTcpRoute) : undefined,
      tls: this.tls.length > 0 ? this.tls.map(renderTlsRoute) : undefined,
    };
  }

  /**
   * Rules that tie hosts, gateways and routes together, checked on the state an `addXxx()` call would produce.
   * The current state always passes them, so whatever they find is caused by that call.
   */
  private bindingProblems(next: Partial<BindingState>): Problem[] {
    const s: BindingState = {
      hosts: this._hosts, gateways: this._gateways, http: this.http, tcp: this.tcp, tls: this.tls, ...next,
    };
    const problems: Problem[] = [];
    const meshBound = s.gateways.length === 0 || s.gateways.includes(MESH);
    const isDelegate = s.hosts.length === 0;
    if (meshBound) {
      s.hosts.forEach((h, i) => {
        if (h === '*') {
          problems.push({
            field: `hosts[${i}]`,
            value: h,
            problem: 'is "*" on a VirtualService that applies to the mesh (no gateways, or "mesh" among them)',
            fix: 'list the Service hosts this VirtualService routes, or bind it to gateways only',
            symptom: 'the webhook rejects the VirtualService',
          });
        }
      });
    }
    if (isDelegate) {
      const fix = 'add hosts to make it a regular VirtualService, or move these settings to the VirtualService that delegates here';
      if (s.gateways.length > 0) {
        problems.push({
          field: 'gateways',
          value: s.gateways,
          problem: 'is set on a delegate VirtualService (one without hosts), which takes its gateways from the VirtualService that delegates to it',
          fix,
        });
      }
      if (s.tcp.length > 0) problems.push({ field: 'tcp', problem: 'is set on a delegate VirtualService (one without hosts); only HTTP routes can be delegated', fix });
      if (s.tls.length > 0) problems.push({ field: 'tls', problem: 'is set on a delegate VirtualService (one without hosts); only HTTP routes can be delegated', fix });
      s.http.forEach((r, i) => {
        if (r.delegate) {
          problems.push({
            field: `http[${i}].delegate`,
            value: r.delegate,
            problem: 'is set in a delegate VirtualService (one without hosts); delegation is only one level deep',
            fix: 'route to destinations here, or give this VirtualService hosts',
          });
        }
      });
    }
    const gatewayOnly = !meshBound;
    s.http.forEach((r, i) => (r.match ?? []).forEach((m, j) => {
      for (const key of ['headers', 'withoutHeaders'] as const) {
        for (const name of Object.keys(m[key] ?? {})) {
          if (isJwtClaimKey(name) && !gatewayOnly) {
            problems.push({
              field: `http[${i}].match[${j}].${key}`,
              value: name,
              problem: 'matches a JWT claim, which Istio supports only on VirtualServices bound to gateways (not to the mesh)',
              fix: 'bind this VirtualService to gateways only (no "mesh"), or match a header instead of a claim',
              symptom: 'the webhook rejects the VirtualService',
            });
          }
        }
      }
    }));
    s.tls.forEach((r, i) => r.match.forEach((m, j) => m.sniHosts.forEach((sni, k) => {
      if (!s.hosts.some(h => hostCovers(h, sni))) {
        problems.push({
          field: `tls[${i}].match[${j}].sniHosts[${k}]`,
          value: sni,
          problem: `is not covered by any of the VirtualService's hosts (${JSON.stringify(s.hosts)})`,
          fix: `add "${sni}" (or a wildcard covering it) to hosts, or correct the SNI name`,
          symptom: 'the webhook rejects the VirtualService',
        });
      }
    })));
    return problems;
  }

  /** Everything checked at synth: routes present, unreachable routes, and references to the rest of the app. */
  private validateVirtualService(): Problem[] {
    const problems: Problem[] = [];
    if (this.http.length + this.tcp.length + this.tls.length === 0) {
      problems.push({
        field: 'http',
        problem: 'is empty, and so are tcp and tls: the VirtualService routes nothing',
        fix: 'add a route with addHttpRoute(), addTcpRoute() or addTlsRoute()',
        symptom: 'the webhook rejects the VirtualService ("http, tcp or tls must be provided")',
      });
    }
    const spec = this._renderSpec();
    problems.push(...unreachableRouteProblems('http', spec.http ?? []));
    problems.push(...unreachableRouteProblems('tcp', spec.tcp ?? []));
    problems.push(...unreachableRouteProblems('tls', spec.tls ?? []));
    problems.push(...this.delegateReferenceProblems());
    problems.push(...this.gatewayReferenceProblems());
    problems.push(...this.unservedHostProblems());
    problems.push(...this.destinationReferenceProblems());
    problems.push(...this.conflictingMeshHostProblems());
    return problems;
  }

  /** A `delegate` that names a VirtualService of the app must name a delegate one (without hosts). */
  private delegateReferenceProblems(): Problem[] {
    const problems: Problem[] = [];
    const virtualServices = meshObjects(this, 'VirtualService', GROUP);
    this.http.forEach((r, i) => {
      if (!r.delegate) return;
      const ns = r.delegate.namespace ?? this.effectiveNamespace;
      const target = virtualServices.find(v => v.name === r.delegate!.name && v.namespace === ns);
      if (target && ((target.manifest.spec?.hosts ?? []) as string[]).length > 0) {
        problems.push({
          field: `http[${i}].delegate`,
          value: r.delegate,
          problem: `names VirtualService ${ns}/${target.name} (${target.path}), which has hosts; only a VirtualService without hosts `
            + 'can be a delegate',
          fix: 'remove the hosts of that VirtualService, or route to its destinations instead of delegating',
          symptom: 'Istio ignores the delegation and requests matching this route get 404 NR route_not_found',
        });
      }
    });
    return problems;
  }

  /** IST0101 (gateway) and IST0132: referenced Gateways that the app defines must exist and serve our hosts. */
  private gatewayReferenceProblems(): Problem[] {
    const problems: Problem[] = [];
    const gateways = meshObjects(this, 'Gateway', GROUP);
    const refs: Array<{ field: string; ref: string; checkHosts: boolean }> = [];
    this._gateways.forEach((ref, i) => refs.push({ field: `gateways[${i}]`, ref, checkHosts: true }));
    this.http.forEach((r, i) => (r.match ?? []).forEach((m, j) => (m.gateways ?? []).forEach((ref, k) => {
      refs.push({ field: `http[${i}].match[${j}].gateways[${k}]`, ref, checkHosts: false });
    })));
    for (const { field, ref, checkHosts } of refs) {
      if (ref === MESH) continue;
      const [ns, name] = ref.includes('/') ? ref.split('/') : [this.effectiveNamespace, ref];
      const gateway = gateways.find(g => g.namespace === ns && g.name === name);
      if (!gateway) {
        // A gateway shared from outside the app (e.g. istio-system/public-gateway) is fine; a near miss is not.
        const siblings = gateways.filter(g => g.namespace === ns).map(g => g.name);
        if (siblings.length > 0) {
          problems.push({
            field,
            value: ref,
            problem: `names Gateway "${name}" in namespace "${ns}", which this app does not define, although it defines `
              + `other Gateways there (${siblings.join(', ')})`,
            fix: `use one of ${siblings.map(s => `"${ns}/${s}"`).join(', ')}, or define the Gateway`,
            symptom: 'Istio finds no such gateway (IST0101) and requests to these hosts get 404 NR route_not_found at the gateway',
          });
        }
        continue;
      }
      if (checkHosts) problems.push(...this.gatewayHostProblems(field, ref, gateway));
    }
    return problems;
  }

  private gatewayHostProblems(field: string, ref: string, gateway: MeshObject): Problem[] {
    const { visible, elsewhere } = this.gatewayHosts(gateway);
    const ours = this._hosts.map(h => expandHost(h, this.effectiveNamespace));
    if (ours.some(h => visible.some(g => hostsOverlap(g, h)))) return [];
    const hidden = elsewhere.filter(e => ours.some(h => hostsOverlap(e.slice(e.indexOf('/') + 1), h)));
    return [{
      field,
      value: ref,
      problem: `binds hosts ${JSON.stringify(this._hosts)}, none of which Gateway ${gateway.namespace}/${gateway.name} serves to namespace `
        + `"${this.effectiveNamespace}" (its servers accept ${JSON.stringify(visible)}`
        + (hidden.length > 0 ? `; ${JSON.stringify(hidden)} only for other namespaces)` : ')'),
      fix: 'add one of these hosts to the Gateway\'s servers (or "<this namespace>/<host>"), or change the VirtualService hosts',
      symptom: 'requests to these hosts get 404 NR route_not_found at the gateway (IST0132)',
    }];
  }

  /**
   * A VirtualService bound only to gateways the app defines, some of whose hosts no gateway serves: those hosts are
   * dead configuration. (When none is served, `gatewayHostProblems` reports it per gateway.)
   */
  private unservedHostProblems(): Problem[] {
    if (isMeshBound(this._gateways)) return [];
    const all = meshObjects(this, 'Gateway', GROUP);
    const bound = this._gateways.map(ref => {
      const [ns, name] = ref.includes('/') ? ref.split('/') : [this.effectiveNamespace, ref];
      return all.find(g => g.namespace === ns && g.name === name);
    });
    if (bound.some(g => g === undefined)) return []; // a gateway from outside the app may serve the rest
    const visible = bound.flatMap(g => this.gatewayHosts(g!).visible);
    const served = (h: string) => visible.some(g => hostsOverlap(g, expandHost(h, this.effectiveNamespace)));
    if (!this._hosts.some(served)) return [];
    const problems: Problem[] = [];
    this._hosts.forEach((h, i) => {
      if (served(h)) return;
      problems.push({
        field: `hosts[${i}]`,
        value: h,
        problem: `is served by none of the gateways ${JSON.stringify(this._gateways)} to namespace "${this.effectiveNamespace}" `
          + `(they accept ${JSON.stringify(visible)})`,
        fix: 'add the host to a server of one of these Gateways (or "<this namespace>/<host>"), or remove it from the VirtualService',
        symptom: `requests for ${h} get 404 NR route_not_found at the gateway (IST0132)`,
      });
    });
    return problems;
  }

  /** The hosts of a Gateway's servers that this VirtualService's namespace may bind, and those only for other namespaces. */
  private gatewayHosts(gateway: MeshObject): { visible: string[]; elsewhere: string[] } {
    const visible: string[] = [];
    const elsewhere: string[] = [];
    for (const server of gateway.manifest.spec?.servers ?? []) {
      for (const entry of (server.hosts ?? []) as string[]) {
        const slash = entry.indexOf('/');
        if (slash < 0) {
          visible.push(entry);
          continue;
        }
        const hostNs = entry.slice(0, slash) === '.' ? gateway.namespace : entry.slice(0, slash);
        const host = entry.slice(slash + 1);
        if (hostNs === '*' || hostNs === this.effectiveNamespace) {
          visible.push(host);
        } else {
          elsewhere.push(`${hostNs}/${host}`);
        }
      }
    }
    return { visible, elsewhere };
  }

  /** IST0101 (subset), IST0112 and IST0101 (host:port): destinations against DestinationRules, Services and ServiceEntries. */
  private destinationReferenceProblems(): Problem[] {
    const problems: Problem[] = [];
    const ns = this.effectiveNamespace;
    const destinationRules = meshObjects(this, 'DestinationRule', GROUP);
    const services = meshObjects(this, 'Service', '');
    const serviceEntries = meshObjects(this, 'ServiceEntry', GROUP);
    for (const d of this.destinations()) {
      const fqdn = expandHost(d.host, ns);
      if (d.subset !== undefined) {
        const rules = destinationRules.filter(dr => {
          const drHost = expandHost(String(dr.manifest.spec?.host ?? ''), dr.namespace);
          return drHost === fqdn || (drHost.startsWith('*') && hostCovers(drHost, fqdn));
        });
        const subsets = rules.flatMap(dr => ((dr.manifest.spec?.subsets ?? []) as any[]).map(s => String(s.name)));
        if (!subsets.includes(d.subset)) {
          problems.push({
            field: `${d.field}.subset`,
            value: d.subset,
            problem: rules.length === 0
              ? `is not defined: no DestinationRule in the app has host "${fqdn}", and subsets only exist through one`
              : `is not among the subsets ${JSON.stringify(subsets)} that DestinationRule `
                + `${rules.map(dr => `${dr.namespace}/${dr.name}`).join(', ')} defines for host "${fqdn}"`,
            fix: rules.length === 0
              ? `add a DestinationRule for "${fqdn}" with a subset "${d.subset}", or drop the subset`
              : `add subset "${d.subset}" to that DestinationRule, or use one of its subsets`,
            symptom: `requests routed there fail with 503 (NC cluster_not_found): subset ${d.subset} is not defined (IST0101)`,
          });
        }
      }
      const target = resolvePorts(fqdn, ns, services, serviceEntries);
      if (!target || target.ports.length === 0) continue;
      if (d.port === undefined && target.ports.length > 1) {
        problems.push({
          field: `${d.field}.port`,
          problem: `is not set, but ${target.what} has ${target.ports.length} ports (${target.ports.join(', ')})`,
          fix: `set port to the one to route to: one of ${target.ports.join(', ')}`,
          symptom: 'Istio cannot tell which port to send to (IST0112): requests may reach the wrong port or fail with 503',
        });
      } else if (d.port !== undefined && !target.ports.includes(d.port)) {
        problems.push({
          field: `${d.field}.port.number`,
          value: d.port,
          problem: `is not a port of ${target.what} (ports: ${target.ports.join(', ')})`,
          fix: `use one of ${target.ports.join(', ')}`,
          symptom: 'requests fail with 503 (NC cluster_not_found): there is no such host:port (IST0101)',
        });
      }
    }
    return problems;
  }

  /** IST0109: two mesh-bound VirtualServices visible in a common namespace must not declare the same host. */
  private conflictingMeshHostProblems(): Problem[] {
    if (!isMeshBound(this._gateways) || this._hosts.length === 0) return [];
    const ns = this.effectiveNamespace;
    const mine = visibleNamespaces(this.exportTo, ns);
    const problems: Problem[] = [];
    const others = meshObjects(this, 'VirtualService', GROUP).filter(o => o.apiObject !== this.apiObject);
    this._hosts.forEach((h, i) => {
      const fqdn = expandHost(h, ns);
      for (const other of others) {
        const spec = other.manifest.spec ?? {};
        if (!isMeshBound(spec.gateways ?? [])) continue;
        if (!namespacesIntersect(mine, visibleNamespaces(spec.exportTo, other.namespace))) continue;
        if (!((spec.hosts ?? []) as string[]).some(oh => expandHost(oh, other.namespace) === fqdn)) continue;
        problems.push({
          field: `hosts[${i}]`,
          value: h,
          problem: `is also declared by VirtualService ${other.namespace}/${other.name} (${other.path}); both apply to the mesh `
            + 'and are visible in the same namespaces',
          fix: 'merge their routes into one VirtualService for this host, or bind one of them to gateways only',
          symptom: 'sidecars use only one of them and silently ignore the other\'s routes (IST0109)',
        });
      }
    });
    return problems;
  }

  /** Every destination of every route and mirror, with the field path to report. */
  /**
   * Destinations that are Services of the app get Istio's rules for the chosen port (named for its protocol, IST0118;
   * a protocol the route kind applies to; not a proxy port), the same rules as a ServiceBackend handed to a pattern
   * construct, so a route by host name is no way around them. A missing or ambiguous port is reported above.
   */
  private servicePortProtocolProblems(): string[] {
    const ns = this.effectiveNamespace;
    const services = meshObjects(this, 'Service', '');
    const messages: string[] = [];
    for (const d of this.destinations()) {
      const service = serviceNamed(expandHost(d.host, ns), services);
      if (service === undefined) continue;
      const ports = ((service.manifest.spec?.ports ?? []) as any[]).map(p => Number(p.port));
      const port = d.port ?? (ports.length === 1 ? ports[0] : undefined);
      if (port === undefined || !ports.includes(port)) continue;
      messages.push(...ServiceBackend.fromApiObject(service.apiObject, { port }).problemsFor(d.kind).map(m => `${d.field}: ${m}`));
    }
    return messages;
  }

  private destinations(): Array<{ field: string; host: string; subset?: string; port?: number; kind: BackendRouteKind }> {
    const result: Array<{ field: string; host: string; subset?: string; port?: number; kind: BackendRouteKind }> = [];
    const http = BackendRouteKind.HTTP;
    this.http.forEach((r, i) => {
      (r.route ?? []).forEach((d, j) => result.push({ ...d, field: `http[${i}].route[${j}].destination`, kind: http }));
      if (r.mirror) result.push({ ...r.mirror, field: `http[${i}].mirror`, kind: http });
      (r.mirrors ?? []).forEach((m, k) => result.push({ ...m, field: `http[${i}].mirrors[${k}].destination`, kind: http }));
    });
    this.tcp.forEach((r, i) => r.route.forEach((d, j) => result.push({ ...d, field: `tcp[${i}].route[${j}].destination`, kind: BackendRouteKind.TCP })));
    this.tls.forEach((r, i) => r.route.forEach((d, j) => result.push({ ...d, field: `tls[${i}].route[${j}].destination`, kind: BackendRouteKind.TLS })));
    return result;
  }
}

interface BindingState {
  readonly hosts: string[];
  readonly gateways: string[];
  readonly http: HttpRouteOptions[];
  readonly tcp: TcpRouteOptions[];
  readonly tls: TlsRouteOptions[];
}

/** A VirtualService host: a host name with an optional leading `*.` wildcard, `*`, or an IP address; each listed once. */
function hostProblems(field: string, host: string, earlier: string[]): Problem[] {
  if (!isIp(host)) {
    const problem = wildcardHostProblem(host);
    if (problem) {
      return [{ field, value: host, problem, fix: 'use a Service name ("reviews"), an FQDN ("shop.example.com") or a wildcard ("*.example.com")' }];
    }
  }
  const overlapping = earlier.find(e => hostsOverlap(e, host));
  if (overlapping !== undefined) {
    return [{
      field,
      value: host,
      problem: `overlaps host "${overlapping}" of the same VirtualService`,
      fix: 'list each host once; a wildcard already covers the names under it',
      symptom: 'the webhook rejects the VirtualService ("duplicate hosts")',
    }];
  }
  return [];
}

function isMeshBound(gateways: string[]): boolean {
  return gateways.length === 0 || gateways.includes(MESH);
}

/** The namespaces a VirtualService is visible in: '*' for all, else the listed ones ('.' is its own). */
function visibleNamespaces(exportTo: string[] | undefined, ownNamespace: string): '*' | Set<string> {
  if (!exportTo || exportTo.length === 0 || exportTo.includes('*')) return '*';
  return new Set(exportTo.map(e => (e === '.' ? ownNamespace : e)));
}

function namespacesIntersect(a: '*' | Set<string>, b: '*' | Set<string>): boolean {
  if (a === '*' || b === '*') return true;
  return [...a].some(ns => b.has(ns));
}

/** The ports of the Service or visible ServiceEntry a destination FQDN resolves to, if the app defines it. */
function resolvePorts(fqdn: string, vsNamespace: string, services: MeshObject[], serviceEntries: MeshObject[]):
{ what: string; ports: number[] } | undefined {
  const service = serviceNamed(fqdn, services);
  if (service) {
    return { what: `Service ${service.namespace}/${service.name}`, ports: ((service.manifest.spec?.ports ?? []) as any[]).map(p => Number(p.port)) };
  }
  for (const se of serviceEntries) {
    const spec = se.manifest.spec ?? {};
    if (!namespacesIntersect(visibleNamespaces(spec.exportTo, se.namespace), new Set([vsNamespace]))) continue;
    const hosts = ((spec.hosts ?? []) as string[]).map(h => expandHost(h, se.namespace));
    if (hosts.some(h => h === fqdn || (h.startsWith('*') && hostCovers(h, fqdn)))) {
      return { what: `ServiceEntry ${se.namespace}/${se.name}`, ports: ((spec.ports ?? []) as any[]).map(p => Number(p.number)) };
    }
  }
  return undefined;
}

/**
 * Istio's unreachable-rule analysis (IST0130/IST0131) over rendered routes: a match-less route before others, a
 * match identical to an earlier route's, and (HTTP) a URI covered by an earlier route's prefix with otherwise
 * identical conditions. Istio only warns; requests silently go to the earlier route, so these are errors here.
 */
function unreachableRouteProblems(kind: string, routes: any[]): Problem[] {
  const problems: Problem[] = [];
  const seen: Array<{ key: string; rest: string; uri?: any; at: string; route: number }> = [];
  const catchAll = routes.findIndex(r => !r.match || r.match.length === 0);
  if (catchAll >= 0 && catchAll < routes.length - 1) {
    const later = routes.slice(catchAll + 1).map((_r, i) => `${kind}[${catchAll + 1 + i}]`);
    problems.push({
      field: `${kind}[${catchAll}].match`,
      problem: `is empty, so this route takes all traffic and the routes after it (${later.join(', ')}) are never used`,
      fix: `move this route to the end of ${kind}, or give it a match`,
      symptom: 'requests meant for the later routes silently go to this route\'s destinations (IST0130)',
    });
  }
  const last = catchAll >= 0 ? catchAll : routes.length - 1;
  for (let i = 0; i <= last; i++) {
    const matches: any[] = routes[i].match ?? [];
    let shadowed = 0;
    const found: Problem[] = [];
    matches.forEach((m, j) => {
      const at = `${kind}[${i}].match[${j}]`;
      // Names and stat prefixes only label a match; they do not change what it matches.
      const { name: _name, statPrefix: _statPrefix, uri, ...rest } = m;
      const key = canonical({ ...rest, uri });
      const restKey = canonical(rest);
      const duplicate = seen.find(s => s.key === key && s.route !== i);
      if (duplicate) {
        shadowed++;
        found.push({
          field: at,
          problem: `is the same as ${duplicate.at}, which is checked first, so it never applies`,
          fix: 'remove it, or make it more specific than the earlier match (routes are tried in order)',
          symptom: `matching requests go to ${kind}[${duplicate.route}] instead (IST0131)`,
        });
        return;
      }
      const cover = kind === 'http' ? seen.find(s => s.route !== i && s.rest === restKey && prefixCovers(s.uri, uri, m.ignoreUriCase)) : undefined;
      if (cover) {
        shadowed++;
        const earlier = cover.uri === undefined ? `${cover.at}, which has no uri condition` : `the earlier prefix "${cover.uri.prefix}" of ${cover.at}`;
        found.push({
          field: `${at}.uri`,
          value: uri,
          problem: `is covered by ${earlier} and the same other conditions, so it never applies`,
          fix: `move this route above ${kind}[${cover.route}], or make the earlier prefix more specific`,
          symptom: `these requests silently go to ${kind}[${cover.route}]'s destinations (IST0131)`,
        });
        return;
      }
      seen.push({ key, rest: restKey, uri, at, route: i });
    });
    if (matches.length > 0 && shadowed === matches.length) {
      found.forEach(p => problems.push({ ...p, problem: `${p.problem}; no match of ${kind}[${i}] can apply, so the route is never used (IST0130)` }));
    } else {
      problems.push(...found);
    }
  }
  return problems;
}

/**
 * Whether an earlier `uri` match (a prefix, or none: any path) takes every request a later `uri` match (a prefix
 * or an exact path) would. Regular expressions are not compared.
 */
function prefixCovers(earlier: any, later: any, ignoreCase: boolean | undefined): boolean {
  const earlierPrefix = earlier === undefined ? '' : earlier.prefix;
  const laterValue = later?.prefix ?? later?.exact;
  if (earlierPrefix === undefined || laterValue === undefined) return false;
  const fold = (v: string) => (ignoreCase ? v.toLowerCase() : v);
  return fold(laterValue).startsWith(fold(earlierPrefix));
}

/** JSON with sorted keys and without undefined values, to compare matches the way Istio does. */
function canonical(value: any): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).filter(k => value[k] !== undefined).sort();
    return `{${keys.map(k => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
