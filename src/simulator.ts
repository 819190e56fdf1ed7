import { App, Chart } from 'cdk8s';
import { Problem, throwIfProblemsAt } from './private/errors';
import { checkArgs, shapeProblems } from './private/shape';
import { DEFAULT_ROOT_NAMESPACE, MeshConfig } from './private/simulator/mesh-config';
import { DestinationResult, MirrorResult, RequestSpec, simulate, SimulationData, SourceSpec } from './private/simulator/routing';

/**
 * What happens to a simulated request.
 */
export enum RequestOutcome {
  /** A route sends it to one or more destinations (see `destinations` for each one's share and fate). */
  ROUTED = 'ROUTED',
  /** A route or an HTTPS-redirecting Gateway server answers with a redirect. */
  REDIRECTED = 'REDIRECTED',
  /** A route answers directly (`directResponse`). */
  DIRECT_RESPONSE = 'DIRECT_RESPONSE',
  /** A fault injection aborts every request of the route. */
  ABORTED = 'ABORTED',
  /** No route matches: 404 NR (HTTP), or the connection is closed (TCP/TLS). */
  NO_ROUTE = 'NO_ROUTE',
  /** The route's destination does not exist for this proxy (e.g. an undefined subset): 503 NC. */
  NO_CLUSTER = 'NO_CLUSTER',
  /** The caller's Sidecar allows only known hosts (REGISTRY_ONLY) and the host is not one: 502 to the BlackHoleCluster. */
  BLOCKED_BY_REGISTRY_ONLY = 'BLOCKED_BY_REGISTRY_ONLY',
  /** An AuthorizationPolicy denies it: 403. */
  DENIED = 'DENIED',
  /** A RequestAuthentication rejects its token: 401. */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** The gateway has no server on the request's port: the connection is refused. */
  NO_LISTENER = 'NO_LISTENER',
  /** The outcome depends on objects the app does not define (e.g. a Service of another app); `explanation` says which. */
  DEPENDS_ON_CLUSTER = 'DEPENDS_ON_CLUSTER',
}

/**
 * Options of a request sent by a workload's sidecar.
 */
export interface WorkloadRequestSourceOptions {
  /** The calling workload's namespace. */
  readonly namespace: string;
  /**
   * The calling pods' labels (for `sourceLabels` matches, Sidecar and DestinationRule workload selectors).
   * @default - no labels
   */
  readonly labels?: { [key: string]: string };
  /**
   * The calling pods' service account (their mTLS identity, for AuthorizationPolicy `principals`).
   * @default "default"
   */
  readonly serviceAccount?: string;
}

/**
 * Options of a request that arrives at a gateway.
 */
export interface GatewayRequestSourceOptions {
  /**
   * The namespace the gateway's pods run in (where policies that apply to them live, and whose view of
   * `exportTo` counts).
   * @default - the namespace of a workload of the app the Gateway's selector picks; else `istio-system` (the
   * root namespace) for Istio's stock `istio: ingressgateway` / `istio: egressgateway` pods; else the Gateway's namespace
   */
  readonly workloadNamespace?: string;
}

/**
 * Who sends a simulated request: a workload's sidecar, or a client outside the mesh through a gateway.
 */
export class RequestSource {
  /**
   * A request a workload of the mesh sends through its sidecar.
   * @param options the calling workload
   */
  public static fromWorkload(options: WorkloadRequestSourceOptions): RequestSource {
    checkArgs('RequestSource.fromWorkload', [options]);
    return new RequestSource({ namespace: options.namespace, labels: options.labels, serviceAccount: options.serviceAccount },
      `a workload in ${options.namespace}`);
  }

  /**
   * A request a client outside the mesh sends to a gateway (e.g. the ingress gateway).
   * @param gatewayRef the Gateway as `namespace/name` (e.g. `gateway.gatewayRef`)
   * @param options where the gateway's pods run
   */
  public static fromGateway(gatewayRef: string, options: GatewayRequestSourceOptions = {}): RequestSource {
    checkArgs('RequestSource.fromGateway', [gatewayRef, options]);
    return new RequestSource({ gateway: gatewayRef, gatewayWorkloadNamespace: options.workloadNamespace }, `gateway ${gatewayRef}`);
  }

  /** A description of the source, e.g. `gateway istio-system/public`. */
  public readonly description: string;

  private constructor(private readonly spec: SourceSpec, description: string) {
    this.description = description;
  }

  /** @internal */
  public _spec(): SourceSpec {
    return this.spec;
  }
}

/**
 * A request to simulate.
 */
export interface SimulatedRequest {
  /** Who sends it. */
  readonly source: RequestSource;
  /** The host the client addresses (`Host` header; for mesh clients also what DNS resolves, e.g. `reviews` or `reviews.prod`). */
  readonly host: string;
  /**
   * The port the client connects to.
   * @default - from a workload: the Service's port when it has exactly one, else 80; at a gateway: 443 for `https`, else 80
   */
  readonly port?: number;
  /**
   * The path, with an optional query string (`/api?x=1`).
   * @default "/"
   */
  readonly path?: string;
  /**
   * The HTTP method.
   * @default "GET"
   */
  readonly method?: string;
  /**
   * The scheme.
   * @default "http"
   */
  readonly scheme?: string;
  /**
   * Request headers (names are case-insensitive).
   * @default - none
   */
  readonly headers?: { [name: string]: string };
  /**
   * Query parameters, in addition to those in `path`.
   * @default - those in `path`
   */
  readonly queryParams?: { [name: string]: string };
  /**
   * Claims of a JWT the request carries (`iss`, `sub`, `aud`, ...). A RequestAuthentication at the receiving proxy
   * that trusts the issuer validates it; one that does not makes the request 401.
   * @default - no token
   */
  readonly jwtClaims?: { [claim: string]: any };
}

/**
 * One destination of a route, as a proxy resolves it.
 */
export interface SimulatedDestination {
  /** The destination host (fully qualified). */
  readonly host: string;
  /** `namespace/name` of the Service or ServiceEntry behind the host, when the app defines one. */
  readonly service?: string;
  /** The subset, when the route names one. */
  readonly subset?: string;
  /** The destination port. */
  readonly port?: number;
  /** Share of the route's requests, in percent. */
  readonly weight: number;
  /** Labels the destination's pods carry (the Service's selector plus the subset's labels). */
  readonly podLabels?: { [key: string]: string };
  /** `namespace/name` of the app's workloads those labels select. */
  readonly workloads: string[];
  /** `namespace/name` of the DestinationRule(s) the proxy uses for the host (several merge). */
  readonly destinationRule?: string;
  /** The traffic policy that applies (the rule's, with the subset's and the port's settings merged in), as Istio JSON. */
  readonly trafficPolicy?: any;
  /** The TLS mode of the connection: the traffic policy's, or `AUTO` (Istio's automatic mutual TLS). */
  readonly tlsMode: string;
  /** What happens to requests sent here. */
  readonly outcome: RequestOutcome;
  /** The status the client sees when the outcome is an error. */
  readonly statusCode?: number;
  /** Why. */
  readonly explanation: string;
  /** `namespace/name` of the AuthorizationPolicy that decided a denial. */
  readonly authorizationPolicy?: string;
}

/**
 * A mirror of a route: a copy of the request, whose response is ignored.
 */
export interface SimulatedMirror {
  /** The mirror host (fully qualified). */
  readonly host: string;
  /** The subset, when the mirror names one. */
  readonly subset?: string;
  /** The port. */
  readonly port?: number;
  /** Share of requests mirrored, in percent. */
  readonly percentage: number;
  /** Whether the mirror exists for the proxy. */
  readonly outcome: RequestOutcome;
  /** Why. */
  readonly explanation: string;
}

/**
 * Options of a simulator.
 */
export interface MeshSimulatorOptions {
  /**
   * The mesh's root namespace (`meshConfig.rootNamespace`), whose Sidecars, DestinationRules and policies apply
   * mesh-wide.
   * @default "istio-system"
   */
  readonly rootNamespace?: string;
}

/**
 * Options of `expectReaches`.
 */
export interface ExpectReachesOptions {
  /**
   * The subset the request must reach.
   * @default - any subset
   */
  readonly subset?: string;
  /**
   * The share of requests, in percent, that must reach it.
   * @default - any share above 0
   */
  readonly share?: number;
}

/**
 * What istiod's configuration does with one request: the VirtualService and route that match, each destination,
 * the policies on the way, or why nothing matches. Made by `MeshSimulator.request()`.
 */
export class RequestSimulation {
  /** @internal */
  public static _of(data: SimulationData): RequestSimulation {
    return new RequestSimulation(data);
  }

  /** What happens to the request. */
  public readonly outcome: RequestOutcome;
  /** The HTTP status the client sees when the configuration decides it (errors, redirects, direct responses, aborts). */
  public readonly statusCode?: number;
  /** Why, in words. */
  public readonly explanation: string;
  /** The proxy that routes the request. */
  public readonly proxy: string;
  /** `namespace/name` of the VirtualService whose route matched. */
  public readonly virtualService?: string;
  /** Index of the matching route in the VirtualService's route list. */
  public readonly routeIndex?: number;
  /** Name of the matching route, when it has one. */
  public readonly routeName?: string;
  /** The Gateway server that accepted the request (Istio JSON), for gateway requests. */
  public readonly gatewayServer?: any;
  /** Where the route sends the request, with each destination's share. */
  public readonly destinations: SimulatedDestination[];
  /** Mirrors of the route. */
  public readonly mirrors: SimulatedMirror[];
  /** The route's `rewrite` (Istio JSON). */
  public readonly rewrite?: any;
  /** The redirect (Istio JSON). */
  public readonly redirect?: any;
  /** The direct response (Istio JSON). */
  public readonly directResponse?: any;
  /** The route's header operations (Istio JSON). */
  public readonly headers?: any;
  /** The route's timeout (e.g. `10s`); none when the route sets none (Istio's default: no timeout). */
  public readonly timeout?: string;
  /** The retry policy (Istio JSON): the route's, else Istio's default (2 attempts). */
  public readonly retries?: any;
  /** The route's fault injection (Istio JSON). */
  public readonly fault?: any;
  /** The route's CORS policy (Istio JSON). */
  public readonly corsPolicy?: any;
  /** What else the simulator noticed (ambiguities, assumptions, what it could not know). */
  public readonly notes: string[];

  private constructor(data: SimulationData) {
    this.outcome = data.outcome as RequestOutcome;
    this.statusCode = data.statusCode;
    this.explanation = data.explanation;
    this.proxy = data.proxy;
    this.virtualService = data.virtualService;
    this.routeIndex = data.routeIndex;
    this.routeName = data.routeName;
    this.gatewayServer = data.gatewayServer;
    this.destinations = data.destinations.map(toDestination);
    this.mirrors = data.mirrors.map(toMirror);
    this.rewrite = data.rewrite;
    this.redirect = data.redirect;
    this.directResponse = data.directResponse;
    this.headers = data.headers;
    this.timeout = data.timeout;
    this.retries = data.retries;
    this.fault = data.fault;
    this.corsPolicy = data.corsPolicy;
    this.notes = [...new Set(data.notes)];
  }

  /**
   * The share of requests, in percent, that reach `host` (and `subset`, when given).
   * @param host a destination host: fully qualified, or its leading labels (`reviews`, `reviews.prod`)
   * @param subset the subset; any when omitted
   */
  public shareOf(host: string, subset?: string): number {
    return this.destinations
      .filter(d => d.outcome === RequestOutcome.ROUTED && hostIs(d.host, host) && (subset === undefined || d.subset === subset))
      .reduce((sum, d) => sum + d.weight, 0);
  }

  /**
   * Throws, with the simulation's explanation, unless the request reaches `host` (its subset and share, when given).
   * @param host a destination host: fully qualified, or its leading labels (`reviews`, `reviews.prod`)
   * @param options subset and share
   */
  public expectReaches(host: string, options: ExpectReachesOptions = {}): void {
    const share = this.shareOf(host, options.subset);
    const ok = options.share === undefined ? share > 0 : Math.abs(share - options.share) < 1e-9;
    if (!ok) {
      const wanted = `${options.share === undefined ? 'some' : `${options.share}% of`} requests to reach ${host}${options.subset ? ` subset ${options.subset}` : ''}`;
      throw new Error(`expected ${wanted}, but ${share}% do. ${this.describe()}`);
    }
  }

  /**
   * Throws, with the simulation's explanation, unless the outcome is `outcome`.
   * @param outcome the expected outcome
   */
  public expectOutcome(outcome: RequestOutcome): void {
    if (this.outcome !== outcome) throw new Error(`expected outcome ${outcome}, but it is ${this.outcome}. ${this.describe()}`);
  }

  /** The outcome, explanation and notes in words. */
  public describe(): string {
    const status = this.statusCode === undefined ? '' : ` (${this.statusCode})`;
    const notes = this.notes.length ? ` Notes: ${this.notes.join('; ')}.` : '';
    return `${this.outcome}${status} at the ${this.proxy}: ${this.explanation}.${notes}`;
  }
}

function hostIs(fqdn: string, host: string): boolean {
  const wanted = host.toLowerCase();
  return fqdn === wanted || fqdn.startsWith(`${wanted}.`);
}

function toDestination(d: DestinationResult): SimulatedDestination {
  return { ...d, outcome: d.outcome as RequestOutcome };
}

function toMirror(m: MirrorResult): SimulatedMirror {
  return { ...m, outcome: m.outcome as RequestOutcome };
}

/**
 * Answers, without a cluster, what Istio's configuration in an app does with a request: which VirtualService
 * route matches (in Istio's order, with delegation, `gateways` scoping, `exportTo` and Sidecar visibility), where it
 * sends the request (services, subsets and the pods they select, ports, weights, mirrors), what the route does on the
 * way (rewrites, redirects, direct responses, timeouts, retries, faults), which DestinationRule policy applies, and
 * whether an AuthorizationPolicy denies it — or why nothing matches.
 *
 * It reads the synthesized objects, so it works for everything this library emits and for plain `ApiObject`s of
 * the same kinds. Where the answer depends on what the app does not define, the outcome is `DEPENDS_ON_CLUSTER`.
 *
 * @example
 * const sim = MeshSimulator.fromApp(app);
 * sim.request({ source: RequestSource.fromWorkload({ namespace: 'bookinfo' }), host: 'reviews', headers: { 'end-user': 'jason' } })
 *   .expectReaches('reviews', { subset: 'v2', share: 100 });
 */
export class MeshSimulator {
  /**
   * A simulator of every chart of an app.
   * @param app the app (not synthesized to disk; its charts are rendered)
   * @param options the mesh's root namespace
   */
  public static fromApp(app: App, options: MeshSimulatorOptions = {}): MeshSimulator {
    checkArgs('MeshSimulator.fromApp', [app, options]);
    return new MeshSimulator(app.charts.flatMap(c => c.toJson()), options);
  }

  /**
   * A simulator of one chart.
   * @param chart the chart
   * @param options the mesh's root namespace
   */
  public static fromChart(chart: Chart, options: MeshSimulatorOptions = {}): MeshSimulator {
    checkArgs('MeshSimulator.fromChart', [chart, options]);
    return new MeshSimulator(chart.toJson(), options);
  }

  /**
   * A simulator of Kubernetes manifests (e.g. parsed from YAML).
   * @param manifests the objects
   * @param options the mesh's root namespace
   */
  public static fromManifests(manifests: any[], options: MeshSimulatorOptions = {}): MeshSimulator {
    checkArgs('MeshSimulator.fromManifests', [manifests, options]);
    return new MeshSimulator(manifests, options);
  }

  private readonly config: MeshConfig;

  private constructor(manifests: any[], options: MeshSimulatorOptions) {
    this.config = new MeshConfig(manifests, options.rootNamespace ?? DEFAULT_ROOT_NAMESPACE);
  }

  /**
   * Simulates one request.
   * @param request the request and who sends it
   */
  public request(request: SimulatedRequest): RequestSimulation {
    return RequestSimulation._of(simulate(this.config, normalizeRequest(request)));
  }
}

function normalizeRequest(request: SimulatedRequest): RequestSpec {
  // Untyped callers first get the API's shape errors (a missing source, a port written as a string, ...).
  throwIfProblemsAt('MeshSimulator.request', shapeProblems('SimulatedRequest', request, 'request'));
  const problems: Problem[] = [];
  if (request.host === '') {
    problems.push({ field: 'request.host', value: request.host, problem: 'must not be empty', fix: 'give the host the client addresses, e.g. "reviews" or "bookinfo.example.com"' });
  }
  if (request.port !== undefined && !(Number.isInteger(request.port) && request.port > 0 && request.port < 65536)) {
    problems.push({ field: 'request.port', value: request.port, problem: 'must be a port number (1-65535)', fix: 'give the port the client connects to' });
  }
  throwIfProblemsAt('MeshSimulator.request', problems);
  const query = (request.path ?? '/').split('?', 2)[1];
  const queryParams: { [name: string]: string } = {};
  for (const [k, v] of new URLSearchParams(query ?? '')) queryParams[k] = v;
  const headers: { [name: string]: string } = {};
  for (const [k, v] of Object.entries(request.headers ?? {})) headers[k.toLowerCase()] = String(v);
  return {
    source: request.source._spec(),
    host: request.host,
    port: request.port,
    path: request.path ?? '/',
    method: (request.method ?? 'GET').toUpperCase(),
    scheme: request.scheme ?? 'http',
    headers,
    queryParams: { ...queryParams, ...(request.queryParams ?? {}) },
    jwtClaims: request.jwtClaims,
  };
}
