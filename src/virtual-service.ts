import { Construct } from 'constructs';
import { HttpRouteOptions, httpRouteProblems, renderHttpRoute } from './http-route';
import { renderTcpRoute, renderTlsRoute, TcpRouteOptions, tcpRouteProblems, TlsRouteOptions, tlsRouteProblems } from './l4-route';
import { destinationsOf } from './private/analysis/ist0101-references';
import { ROUTE_PROPS, RouteKind, unreachableRouteProblems } from './private/analysis/ist0130-ist0131-unreachable-routes';
import { addJwtClaimRouteValidation } from './private/analysis/ist0149-jwt-claim-routes';
import { MeshAnalysis } from './private/analysis/model';
import { virtualServiceProblems } from './private/analysis/virtual-service';
import { describeProblem, Problem, throwIfProblems } from './private/errors';
import { istioReleaseOf } from './private/istio-version';
import { addSynthValidation, expandHost, hostCovers, hostsOverlap } from './private/mesh-model';
import { exportToProblem, isIp, wildcardHostProblem } from './private/rules';
import { checkShape } from './private/shape';
import { IstioResource, IstioResourceProps } from './resource';
import { gatewayRefProblems, isJwtClaimKey, normalizeGatewayRef } from './route-match';
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
    this._gateways.push(...(props.gateways ?? []).map(normalizeGatewayRef));
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
    this._gateways.push(normalizeGatewayRef(gateway));
  }

  /**
   * Adds an HTTP route after the existing ones (routes are tried in order; the first match wins).
   *
   * @param route the route: its match and where matching requests go
   */
  public addHttpRoute(route: HttpRouteOptions): void {
    checkShape(this, 'HttpRouteOptions', route, `http[${this.http.length}]`);
    throwIfProblems(this, httpRouteProblems(`http[${this.http.length}]`, route, istioReleaseOf(this)));
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
        prop: 'VirtualServiceProps.http',
        problem: 'is empty, and so are tcp and tls: the VirtualService routes nothing',
        fix: 'add a route with addHttpRoute(), addTcpRoute() or addTlsRoute()',
        symptom: 'the webhook rejects the VirtualService ("http, tcp or tls must be provided")',
      });
    }
    // What the typed API made: addSpecOverride() is the escape hatch for a route Istio would never use.
    const spec = this._renderSpec();
    for (const kind of ['http', 'tcp', 'tls'] as const) problems.push(...unreachableRouteProblems(kind, spec[kind] ?? []));
    const a = MeshAnalysis.of(this);
    const view = a.virtualService(this.apiObject);
    if (view === undefined) return problems; // rendering fails: reported by cdk8s
    problems.push(...virtualServiceProblems(a, view));
    return problems;
  }

  /**
   * Destinations that are Services of the app get Istio's rules for the chosen port (named for its protocol, IST0118;
   * a protocol the route kind applies to; not a proxy port), the same rules as a ServiceBackend handed to a pattern
   * construct, so a route by host name is no way around them. A missing or ambiguous port is reported above.
   */
  private servicePortProtocolProblems(): string[] {
    const a = MeshAnalysis.of(this);
    const view = a.virtualService(this.apiObject);
    if (view === undefined) return [];
    const messages: string[] = [];
    for (const d of destinationsOf(view)) {
      const service = a.service(d.fqdn);
      if (service === undefined) continue;
      const ports = ((service.manifest.spec?.ports ?? []) as any[]).map(p => Number(p.port));
      const port = d.port ?? (ports.length === 1 ? ports[0] : undefined);
      if (port === undefined || !ports.includes(port)) continue;
      messages.push(...ServiceBackend.fromApiObject(service.apiObject, { port })._problemsFor(d.kind as BackendRouteKind, ROUTE_PROPS[d.kind as RouteKind]).map(m => `${d.field}: ${m}`));
    }
    return messages;
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
