import { ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { RoutingApi } from './api-version';
import { AuthorizationPolicy } from './authorization-policy';
import { CanaryRelease } from './canary-release';
import { Certificate } from './certificate';
import { Gateway, GatewayServer, GatewayTlsMode, TlsProtocolVersion } from './gateway';
import { GatewayApiGateway } from './gateway-api-gateway';
import { GatewayApiGrpcRoute } from './gateway-api-grpc-route';
import { GatewayApiHttpRoute } from './gateway-api-http-route';
import { GatewayApiTcpRoute, GatewayApiTlsRoute } from './gateway-api-l4-routes';
import { HttpRouteOptions } from './http-route';
import { IIngressGateway, IngressGateway } from './ingress-gateway';
import { IngressJwt } from './ingress-jwt';
import { IngressTls, IngressTlsMode } from './ingress-tls';
import { TcpRouteOptions, TlsRouteOptions } from './l4-route';
import { noteGatewayWorkloadNamespace } from './private/analysis/ist0149-jwt-claim-routes';
import { MeshAnalysis } from './private/analysis/model';
import { configError, describeProblem, Problem, throwIfProblems } from './private/errors';
import { IngressGatewayApi } from './private/ingress-gateway-api';
import { addIngressJwtPolicies, ingressJwtProblems } from './private/ingress-jwt';
import { addSynthValidation } from './private/mesh-model';
import { defaultObjectName } from './private/names';
import { resolveRoutingApi } from './private/routing-api';
import { k8sLabelNameProblem, portProblem, reservedProxyPortProblem, wildcardHostProblem } from './private/rules';
import { DEFAULT_NAMESPACE, namespaceOf } from './private/scope';
import { checkShape } from './private/shape';
import { Protocol } from './protocol';
import { ReferenceGrant } from './reference-grant';
import { RequestAuthentication } from './request-authentication';
import { RouteDestination } from './route-destination';
import { TcpMatch } from './route-match';
import { BackendRouteKind, ServiceBackend } from './service-backend';
import { VirtualService } from './virtual-service';

/**
 * What an IngressRoute carries from clients to backends, which decides the gateway server it gets and the kind of
 * VirtualService routes it takes.
 */
export enum IngressProtocol {
  /** HTTP, HTTP/2 and gRPC (`addHttpRoute`). Served over HTTPS when `tls` is set. */
  HTTP = 'HTTP',
  /**
   * TLS forwarded unterminated and routed by SNI (`addTlsRoute`): the backend holds the certificate. A gateway
   * server of protocol TLS in mode PASSTHROUGH.
   */
  TLS_PASSTHROUGH = 'TLS_PASSTHROUGH',
  /** Opaque TCP on one port (`addTcpRoute`). With `tls`, the gateway terminates TLS and forwards plain TCP. */
  TCP = 'TCP',
}

/**
 * An HTTP route of an IngressRoute: a VirtualService HTTP route (matches, rewrite, redirect, direct response,
 * timeouts, retries, CORS, header changes), with a backend shortcut.
 */
export interface IngressHttpRoute extends HttpRouteOptions {
  /**
   * Send every matching request to this backend: the same as `route: [{ host, port }]`, and at synth the backend's
   * port is checked (it exists, Istio knows its protocol and it is an HTTP-family one, IST0112/IST0118).
   *
   * @default - use `route`, `redirect`, `directResponse` or `delegate`
   */
  readonly backend?: ServiceBackend;

  /**
   * Send matching requests to a CanaryRelease as the mesh sees it: the release's rules, then its weighted split, with
   * its timeout, retries, faults and mirror (see `CanaryRelease.gatewayHttpRoutes()`). This route's `match` (e.g. the
   * path) is combined with each rule's conditions; its other options (rewrite, headers, CORS) apply to every route.
   * The release keeps serving the mesh; the gateway needs none of the release's hosts. On the Gateway API the route's
   * HTTPRoute gets the release's `httpRouteRules` (its own route, parented to its Service, applies in the mesh only):
   * the release must be on the Gateway API too, in the IngressRoute's namespace.
   *
   * @default - use `backend`, `route`, `redirect`, `directResponse` or `delegate`
   */
  readonly release?: CanaryRelease;
}

/**
 * A TCP route of an IngressRoute.
 */
export interface IngressTcpRoute {
  /**
   * Conditions; the route applies when any of them holds. A match without `port` gets the route's port.
   *
   * @default - every connection on the route's port
   */
  readonly match?: TcpMatch[];

  /**
   * Send every connection to this backend (checked at synth like {@link IngressHttpRoute.backend}).
   *
   * @default - use `route`
   */
  readonly backend?: ServiceBackend;

  /**
   * Weighted destinations, when `backend` is not enough.
   *
   * @default - use `backend`
   */
  readonly route?: RouteDestination[];
}

/**
 * A TLS passthrough route of an IngressRoute, chosen by the SNI name the client asks for.
 */
export interface IngressTlsRoute {
  /**
   * The SNI names this route takes; each must be one of the route's hosts or covered by one.
   *
   * @default - the route's hosts
   */
  readonly sniHosts?: string[];

  /**
   * Send every connection to this backend (checked at synth like {@link IngressHttpRoute.backend}).
   *
   * @default - use `route`
   */
  readonly backend?: ServiceBackend;

  /**
   * Weighted destinations, when `backend` is not enough.
   *
   * @default - use `backend`
   */
  readonly route?: RouteDestination[];
}

/**
 * Props of an IngressRoute.
 */
export interface IngressRouteProps {
  /**
   * Metadata of the VirtualService. Its namespace is the route's namespace.
   *
   * @default - `name` is the construct id in kebab case; `namespace` is the enclosing MeshNamespace's, else the chart's
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * The host names clients use: fully qualified names or `*.` wildcards. `*` alone is accepted for plain HTTP and TCP,
   * and for HTTPS and TLS passthrough only with `allowAnyHost`. The gateway server and the VirtualService get
   * exactly these hosts.
   */
  readonly hosts: string[];

  /**
   * Accept the host `*` on an HTTPS or TLS passthrough route, which then answers for every SNI name on its port.
   *
   * @default false
   */
  readonly allowAnyHost?: boolean;

  /**
   * What the route carries.
   *
   * @default IngressProtocol.HTTP
   */
  readonly protocol?: IngressProtocol;

  /**
   * The gateway port clients connect to. Required for TCP.
   *
   * @default - 443 for HTTPS and TLS passthrough, 80 for plain HTTP
   */
  readonly port?: number;

  /**
   * Terminate TLS at the gateway (HTTPS for HTTP routes, TLS for TCP routes), with a certificate from a Secret in the
   * gateway workload's namespace.
   *
   * @default - no TLS termination
   */
  readonly tls?: IngressTls;

  /**
   * A gateway to attach to instead of creating one: an `IngressGateway` of this app (the route adds its servers to
   * it), or `IngressGateway.fromGatewayRef('istio-system/public-gateway')` (the route only binds to it). On the
   * Gateway API: a `GatewayApiGateway` of this app or `IngressGateway.fromGatewayRef()` of one elsewhere, whose
   * listeners the routes attach to (its listeners must accept them: checked at synth for a Gateway of the app).
   *
   * @default - the route creates its own Gateway
   */
  readonly gateway?: IIngressGateway;

  /**
   * Metadata of the route's own Gateway (not with `gateway`).
   *
   * @default - `name` is `<route name>-gateway`; `namespace` is the route's namespace, next to the VirtualService
   * (app teams rarely may write to the gateway's namespace; Istio reads TLS Secrets from the workload's namespace anyway)
   */
  readonly gatewayMetadata?: ApiObjectMetadata;

  /**
   * The labels of the gateway pods that serve the route's own Gateway (not with `gateway`).
   *
   * @default { istio: 'ingressgateway' }
   */
  readonly selector?: { [key: string]: string };

  /**
   * The namespace the gateway pods run in (not with `gateway`): TLS Secrets and Certificates are created there.
   *
   * @default 'istio-system'
   */
  readonly workloadNamespace?: string;

  /**
   * Require (or, with `requireToken: false`, only validate) a JWT of one issuer on the route's hosts, enforced by the
   * gateway pods: a RequestAuthentication and a DENY AuthorizationPolicy in the gateway workload's namespace, named
   * `<route namespace>-<route name>-jwt`. HTTP routes with a gateway of this app only (not `fromGatewayRef`). On the
   * Gateway API the policies attach to the Gateway by `targetRefs` (kind Gateway) in the Gateway's namespace instead, which
   * a Gateway given by reference also allows.
   *
   * @default - no end-user authentication
   */
  readonly jwt?: IngressJwt;

  /**
   * The API the route is written in: Istio's (a Gateway and a VirtualService) or the Kubernetes Gateway API (a
   * Gateway of class `istio`, whose workload Istio deploys in the Gateway's namespace, with listeners per host, and an
   * HTTPRoute, TLSRoute or TCPRoute; routes whose `backend` is a gRPC Service port go into a GRPCRoute, their URIs
   * `/<service>/<method>` becoming service/method matches). On the Gateway API, TLS Secrets (and cert-manager Certificates) live in the
   * Gateway's namespace unless `workloadNamespace` names another, which then gets a ReferenceGrant; route options it does
   * not write on the Gateway API (fault injection, delegation, direct responses, retries, CORS, JWT-claim matches,
   * subsets, `selector`, client-certificate TLS modes, TLS versions and cipher suites) are errors. A URI prefix
   * becomes a `PathPrefix`, which matches whole path segments (`/api` matches `/api/v1`, not `/apiv1`).
   *
   * @default - the app's or chart's choice (`IstioApi.useRoutingApi`), else RoutingApi.ISTIO
   */
  readonly routingApi?: RoutingApi;

  /**
   * HTTP routes, tried in order. More can be added with `addHttpRoute()`.
   *
   * @default - none
   */
  readonly httpRoutes?: IngressHttpRoute[];

  /**
   * TCP routes, tried in order. More can be added with `addTcpRoute()`.
   *
   * @default - none
   */
  readonly tcpRoutes?: IngressTcpRoute[];

  /**
   * TLS passthrough routes. More can be added with `addTlsRoute()`.
   *
   * @default - none
   */
  readonly tlsRoutes?: IngressTlsRoute[];
}

const DEFAULT_SELECTOR = { istio: 'ingressgateway' };

/**
 * Exposes services through an Istio ingress gateway: a Gateway server (created, or added to a shared
 * `IngressGateway`) and a VirtualService bound to it, which line up by construction: the VirtualService has exactly
 * the server's hosts and refers to the Gateway as `namespace/name`, and TLS Secrets are placed in the namespace of
 * the gateway workload, where Istio reads them. With `jwt`, the gateway also authenticates end users: the
 * RequestAuthentication and AuthorizationPolicy are placed the same way, next to the gateway pods.
 *
 * @example
 * new IngressRoute(chart, 'Shop', {
 *   hosts: ['shop.example.com'],
 *   tls: { credential: TlsCredential.fromCertManager({ issuer: CertificateIssuer.clusterIssuer('letsencrypt') }) },
 *   httpRoutes: [{ match: [{ uri: StringMatch.prefix('/') }], backend: ServiceBackend.fromMeshService(frontend) }],
 * });
 */
export class IngressRoute extends Construct {
  /** The VirtualService with the routes (Istio's APIs); undefined on the Gateway API. */
  public readonly virtualService?: VirtualService;

  /** The route's own Gateway (Istio's APIs); undefined when the route attaches to another one, or on the Gateway API. */
  public readonly gateway?: Gateway;

  /** The API the route is written in. */
  public readonly routingApi: RoutingApi;

  /** On the Gateway API: the route's own Gateway; undefined when it attaches to an existing one by reference. */
  public readonly gatewayApiGateway?: GatewayApiGateway;


  /** On the Gateway API with TLS and `httpsRedirect`: the HTTPRoute that redirects plain HTTP to HTTPS. */
  public readonly httpsRedirectRoute?: GatewayApiHttpRoute;

  /** On the Gateway API, when the TLS Secret lives outside the Gateway's namespace: the ReferenceGrant there. */
  public readonly referenceGrant?: ReferenceGrant;

  /**
   * The Gateway the VirtualService is bound to, as `namespace/name`. Like every reference of this library, a Gateway
   * without a namespace is referred to as `default/<name>`: give the chart a namespace when applying elsewhere.
   */
  public readonly gatewayRef: string;

  /** What the route carries. */
  public readonly protocol: IngressProtocol;

  /** The gateway port the route serves; undefined when it attaches by reference without a port. */
  public readonly port?: number;

  /** The Secret with the server certificate (`credentialName`), in the gateway workload's namespace, when TLS is terminated. */
  public readonly credentialName?: string;

  /** The cert-manager Certificate the route created, if any. */
  public readonly certificate?: Certificate;

  /** With `jwt`: the RequestAuthentication on the gateway pods. */
  public readonly requestAuthentication?: RequestAuthentication;

  /**
   * With `jwt`: the DENY AuthorizationPolicy refusing requests without a token of the issuer or without the required
   * claims; undefined when `requireToken: false` and no `claimRules` (then anonymous requests pass).
   */
  public readonly jwtPolicy?: AuthorizationPolicy;

  /** With `jwt` and `audit`: the AUDIT AuthorizationPolicy. */
  public readonly jwtAuditPolicy?: AuthorizationPolicy;

  private readonly _hosts: string[];
  private readonly gatewayApi?: IngressGatewayApi;
  private readonly routeCount = { http: 0, tcp: 0, tls: 0 };
  private readonly backends: Array<{ field: string; backend: ServiceBackend; kind: BackendRouteKind }> = [];
  /** Destinations given by host name (`route`, `mirror`, `ServiceBackend.fromHost`), checked at synth if they are Services of the app. */
  private readonly createdSecrets: Array<{ namespace: string; name: string }> = [];

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the IngressRoute's settings
   */
  constructor(scope: Construct, id: string, props: IngressRouteProps) {
    super(scope, id);
    checkShape(this, 'IngressRouteProps', props);
    this.protocol = props.protocol ?? IngressProtocol.HTTP;
    this._hosts = [...props.hosts];
    const name = props.metadata?.name ?? defaultObjectName(id);
    const routeNamespace = props.metadata?.namespace ?? namespaceOf(this);
    const shared = props.gateway instanceof IngressGateway ? props.gateway : undefined;
    const referenced = props.gateway !== undefined && shared === undefined;
    const tls = props.tls;

    this.routingApi = resolveRoutingApi(this, props.routingApi);
    const gatewayApi = this.routingApi === RoutingApi.GATEWAY_API;
    throwIfProblems(this, [
      ...this.hostProblems(props),
      ...this.portProblems(props, referenced),
      ...this.tlsProblems(props, referenced),
      ...gatewayChoiceProblems(props),
      ...this.jwtProblems(props, referenced),
      ...gatewayApi ? gatewayApiProblems(props) : istioApiProblems(props),
    ]);
    if (gatewayApi) {
      this.port = props.port ?? (referenced ? undefined : defaultPort(this.protocol, tls));
      const gatewayName = props.gatewayMetadata?.name ?? `${name}-gateway`;
      const gatewayNamespace = props.gatewayMetadata?.namespace ?? routeNamespace;
      this.gatewayRef = referenced ? props.gateway!.gatewayRef : `${gatewayNamespace ?? DEFAULT_NAMESPACE}/${gatewayName}`;
      // Istio runs a Gateway API Gateway's workload in the Gateway's namespace and reads Secrets there by default.
      const secretNamespace = props.workloadNamespace ?? gatewayNamespace ?? DEFAULT_NAMESPACE;
      if (tls) {
        ({ credentialName: this.credentialName, certificate: this.certificate } = this.bindCredential(tls, name, routeNamespace, secretNamespace));
      }
      this.gatewayApi = new IngressGatewayApi(this, {
        name,
        routeNamespace,
        protocol: this.protocol,
        hosts: this._hosts,
        port: this.port,
        tls: tls && this.credentialName ? {
          secretName: this.credentialName,
          secretNamespace,
          redirectPort: this.protocol === IngressProtocol.HTTP && tls.httpsRedirect !== false ? tls.httpPort ?? 80 : undefined,
        } : undefined,
        gatewayRef: referenced ? props.gateway!.gatewayRef : undefined,
        gatewayMetadata: referenced ? undefined : { ...props.gatewayMetadata, name: gatewayName, namespace: gatewayNamespace },
      });
      this.gatewayApiGateway = this.gatewayApi.gateway;
      this.httpsRedirectRoute = this.gatewayApi.redirectRoute;
      this.referenceGrant = this.gatewayApi.referenceGrant;
      if (props.jwt) {
        const [gatewayApiNamespace, gatewayApiName] = this.gatewayRef.split('/');
        const policies = addIngressJwtPolicies(this, props.jwt, {
          routeName: name,
          routeNamespace: routeNamespace ?? DEFAULT_NAMESPACE,
          hosts: this._hosts,
          gatewayApiGateway: gatewayApiName,
          workloadNamespace: gatewayApiNamespace,
        });
        ({ requestAuthentication: this.requestAuthentication, authorizationPolicy: this.jwtPolicy, auditPolicy: this.jwtAuditPolicy } = policies);
      }
      for (const route of props.httpRoutes ?? []) this.addHttpRoute(route);
      for (const route of props.tcpRoutes ?? []) this.addTcpRoute(route);
      for (const route of props.tlsRoutes ?? []) this.addTlsRoute(route);
      addSynthValidation(this, () => this.validateRoute());
      return;
    }

    // Which gateway, and where its workload (and so the TLS Secret) lives.
    const workloadNamespace = shared?.workloadNamespace ?? props.workloadNamespace ?? IngressGateway.DEFAULT_WORKLOAD_NAMESPACE;
    if (!props.gateway) {
      this.gateway = new Gateway(this, 'Gateway', {
        metadata: {
          ...props.gatewayMetadata,
          name: props.gatewayMetadata?.name ?? `${name}-gateway`,
          namespace: props.gatewayMetadata?.namespace ?? routeNamespace,
        },
        selector: props.selector ?? DEFAULT_SELECTOR,
      });
    }
    this.gatewayRef = this.gateway?.gatewayRef ?? props.gateway!.gatewayRef;
    const gatewayObject = this.gateway ?? shared?.gateway;
    if (gatewayObject) noteGatewayWorkloadNamespace(gatewayObject.apiObject, workloadNamespace);
    this.port = props.port ?? (referenced ? undefined : defaultPort(this.protocol, tls));

    if (tls) {
      ({ credentialName: this.credentialName, certificate: this.certificate } = this.bindCredential(tls, name, routeNamespace, workloadNamespace));
    }

    if (!referenced) {
      // A shared gateway's hosts are limited to the route's namespace (when it has one), so no other team binds to them.
      const serverHosts = shared && routeNamespace !== undefined ? this._hosts.map(h => `${routeNamespace}/${h}`) : this._hosts;
      const servers = this.servers(serverHosts, props);
      if (shared) {
        shared._addRouteServers(this, name, servers);
      } else {
        for (const server of servers) this.gateway!.addServer(server);
      }
    }

    this.virtualService = new VirtualService(this, 'VirtualService', {
      metadata: { ...props.metadata, name, namespace: routeNamespace },
      hosts: this._hosts,
      gateways: [this.gatewayRef],
    });

    if (props.jwt) {
      const policies = addIngressJwtPolicies(this, props.jwt, {
        routeName: name,
        routeNamespace: routeNamespace ?? DEFAULT_NAMESPACE,
        hosts: this._hosts,
        selector: shared?.selector ?? props.selector ?? DEFAULT_SELECTOR,
        workloadNamespace,
      });
      this.requestAuthentication = policies.requestAuthentication;
      this.jwtPolicy = policies.authorizationPolicy;
      this.jwtAuditPolicy = policies.auditPolicy;
    }

    for (const route of props.httpRoutes ?? []) this.addHttpRoute(route);
    for (const route of props.tcpRoutes ?? []) this.addTcpRoute(route);
    for (const route of props.tlsRoutes ?? []) this.addTlsRoute(route);

    addSynthValidation(this, () => this.validateRoute());
  }

  /** The hosts the route serves (a copy). */
  public get hosts(): string[] {
    return [...this._hosts];
  }

  /** On the Gateway API with protocol HTTP: the HTTPRoute, once a route to a backend that is not gRPC is added. */
  public get httpRoute(): GatewayApiHttpRoute | undefined {
    return this.gatewayApi?.httpRoute;
  }

  /**
   * On the Gateway API with protocol HTTP: the GRPCRoute, once a route is added whose `backend` is a gRPC Service port
   * (its URI matches become service/method matches).
   */
  public get grpcRoute(): GatewayApiGrpcRoute | undefined {
    return this.gatewayApi?.grpcRoute;
  }

  /** On the Gateway API with protocol TLS_PASSTHROUGH: the TLSRoutes, one per `addTlsRoute()`. */
  public get tlsRoutes(): GatewayApiTlsRoute[] {
    return [...this.gatewayApi?.tlsRoutes ?? []];
  }

  /** On the Gateway API with protocol TCP: the TCPRoute, once a TCP route is added. */
  public get tcpRoute(): GatewayApiTcpRoute | undefined {
    return this.gatewayApi?.tcpRoute;
  }

  /**
   * Adds an HTTP route after the existing ones (the first match wins). Needs protocol HTTP.
   *
   * @param route the route: its match and where matching requests go (backend, release, route, redirect...)
   */
  public addHttpRoute(route: IngressHttpRoute): void {
    checkShape(this, 'IngressHttpRoute', route, `httpRoutes[${this.routeCount.http}]`);
    const field = `httpRoutes[${this.routeCount.http}]`;
    this.checkKind(field, IngressProtocol.HTTP, 'addHttpRoute');
    if (route.release) {
      this.addReleaseRoutes(field, route, route.release);
      this.routeCount.http++;
      return;
    }
    if (this.gatewayApi) {
      this.checkBackendOrRoute(field, route.backend, route.route);
      this.gatewayApi.addHttp(field, route);
      if (route.backend) this.addBackend(`${field}.backend`, route.backend, BackendRouteKind.HTTP);
      this.routeCount.http++;
      return;
    }
    const { backend, release: _, ...options } = route;
    this.checkBackendOrRoute(field, backend, route.route);
    const vsRoute: HttpRouteOptions = backend ? { ...options, route: [backendDestination(backend)] } : options;
    this.virtualService!.addHttpRoute(vsRoute);
    if (backend) this.addBackend(`${field}.backend`, backend, BackendRouteKind.HTTP);
    this.routeCount.http++;
  }

  /**
   * Adds a TCP route after the existing ones. Needs protocol TCP.
   *
   * @param route the route: its match and where matching connections go
   */
  public addTcpRoute(route: IngressTcpRoute): void {
    checkShape(this, 'IngressTcpRoute', route, `tcpRoutes[${this.routeCount.tcp}]`);
    const field = `tcpRoutes[${this.routeCount.tcp}]`;
    this.checkKind(field, IngressProtocol.TCP, 'addTcpRoute');
    this.checkBackendOrRoute(field, route.backend, route.route);
    if (this.gatewayApi) {
      this.gatewayApi.addTcp(field, route);
      if (route.backend) this.addBackend(`${field}.backend`, route.backend, BackendRouteKind.TCP);
      this.routeCount.tcp++;
      return;
    }
    const problems: Problem[] = [];
    (route.match ?? []).forEach((m, i) => {
      if (m.port !== undefined && this.port !== undefined && m.port !== this.port) {
        problems.push({
          field: `${field}.match[${i}].port`,
          value: m.port,
          problem: `is not the route's port (${this.port}), so the match never applies`,
          fix: 'leave port out of the match (it defaults to the route\'s port), or make another IngressRoute for that port',
          symptom: 'connections on the route\'s port skip this route',
        });
      }
    });
    throwIfProblems(this, problems);
    // Bind each match to the route's port: on a shared gateway, another TCP server's connections must not reach it.
    const port = this.port;
    const match = route.match
      ? route.match.map(m => ({ ...m, port: m.port ?? port }))
      : (port !== undefined ? [{ port }] : undefined);
    const vsRoute: TcpRouteOptions = { match, route: route.backend ? [backendDestination(route.backend)] : route.route ?? [] };
    this.virtualService!.addTcpRoute(vsRoute);
    if (route.backend) this.addBackend(`${field}.backend`, route.backend, BackendRouteKind.TCP);
    this.routeCount.tcp++;
  }

  /**
   * Adds a TLS passthrough route, chosen by SNI. Needs protocol TLS_PASSTHROUGH.
   *
   * @param route the route: the SNI names it serves and where the connections go
   */
  public addTlsRoute(route: IngressTlsRoute): void {
    checkShape(this, 'IngressTlsRoute', route, `tlsRoutes[${this.routeCount.tls}]`);
    const field = `tlsRoutes[${this.routeCount.tls}]`;
    this.checkKind(field, IngressProtocol.TLS_PASSTHROUGH, 'addTlsRoute');
    this.checkBackendOrRoute(field, route.backend, route.route);
    if (this.gatewayApi) {
      this.gatewayApi.addTls(field, route);
      if (route.backend) this.addBackend(`${field}.backend`, route.backend, BackendRouteKind.TLS);
      this.routeCount.tls++;
      return;
    }
    const vsRoute: TlsRouteOptions = {
      match: [{ sniHosts: [...(route.sniHosts ?? this._hosts)], port: this.port }],
      route: route.backend ? [backendDestination(route.backend)] : route.route ?? [],
    };
    this.virtualService!.addTlsRoute(vsRoute);
    if (route.backend) this.addBackend(`${field}.backend`, route.backend, BackendRouteKind.TLS);
    this.routeCount.tls++;
  }

  /**
   * An HTTP route to a CanaryRelease: the release's own routes for gateway traffic, within this route's match (on the
   * Gateway API: the release's HTTPRoute rules, see `IngressGatewayApi.addRelease`).
   */
  private addReleaseRoutes(field: string, route: IngressHttpRoute, release: CanaryRelease): void {
    const { release: _, match, ...options } = route;
    const problems: Problem[] = [];
    const owned = ['backend', 'route', 'redirect', 'directResponse', 'delegate', 'timeout', 'retries', 'fault', 'mirror'] as const;
    for (const key of owned.filter(k => options[k] !== undefined)) {
      problems.push({
        field: `${field}.${key}`,
        problem: 'is set together with release, which decides where requests go and with which timeout, retries, faults and mirror',
        fix: `remove ${key}, or set it on the CanaryRelease (props timeout, retries, mirror, rules) so mesh and gateway traffic get it`,
      });
    }
    const routes = this.gatewayApi ? [] : release._gatewayHttpRoutes(match ?? [], problems);
    if (this.gatewayApi && problems.length === 0) this.gatewayApi.addRelease(field, route, release, problems);
    throwIfProblems(this, problems.map(p => (p.field.startsWith(field) ? p : { ...p, field: `${field}.release: ${p.field}` })));
    for (const r of routes) this.virtualService!.addHttpRoute({ ...options, ...r });
    this.addBackend(`${field}.release`, release.backend, BackendRouteKind.HTTP);
  }

  /** Creates what the TLS credential needs (Secret, Certificate) in `secretNamespace`; returns the Secret's name and the Certificate. */
  private bindCredential(
    tls: IngressTls, name: string, routeNamespace: string | undefined, secretNamespace: string,
  ): { credentialName: string; certificate?: Certificate } {
    const mode = tls.mode ?? IngressTlsMode.SIMPLE;
    const ownNamespace = routeNamespace ?? DEFAULT_NAMESPACE;
    const binding = tls.credential._bind(this, {
      workloadNamespace: secretNamespace,
      // The Secret lands in the gateway workload's namespace, which every team's routes share: outside the route's own
      // namespace its default name carries that namespace, so two teams' routes of the same name never collide.
      defaultSecretName: secretNamespace === ownNamespace ? `${name}-tls` : `${ownNamespace}-${name}-tls`,
      hosts: this._hosts,
      verifiesClients: mode !== IngressTlsMode.SIMPLE,
      clientCaCertificate: tls.clientCaCertificate,
      field: 'tls',
    });
    if (binding.createsSecret) this.createdSecrets.push({ namespace: secretNamespace, name: binding.credentialName });
    if (tls.clientCaCertificate !== undefined) this.createdSecrets.push({ namespace: secretNamespace, name: `${binding.credentialName}-cacert` });
    return binding;
  }

  private addBackend(field: string, backend: ServiceBackend, kind: BackendRouteKind): void {
    this.backends.push({ field, backend, kind });
  }

  /** The gateway servers this route needs, on `hosts` (the route's hosts, namespace-qualified on shared gateways). */
  private servers(hosts: string[], props: IngressRouteProps): GatewayServer[] {
    const tls = props.tls;
    const port = this.port!;
    const allowAnyHost = props.allowAnyHost ? true : undefined;
    if (this.protocol === IngressProtocol.TLS_PASSTHROUGH) {
      return [{ port: { number: port, name: 'tls', protocol: Protocol.TLS }, hosts, tls: { mode: GatewayTlsMode.PASSTHROUGH }, allowAnyHost }];
    }
    if (!tls) {
      const protocol = this.protocol === IngressProtocol.TCP ? Protocol.TCP : Protocol.HTTP;
      return [{ port: { number: port, name: protocol.toLowerCase(), protocol }, hosts }];
    }
    const terminating = {
      port: this.protocol === IngressProtocol.TCP
        ? { number: port, name: 'tls', protocol: Protocol.TLS }
        : { number: port, name: 'https', protocol: Protocol.HTTPS },
      hosts,
      allowAnyHost,
      tls: {
        mode: gatewayMode(tls.mode ?? IngressTlsMode.SIMPLE),
        credentialName: this.credentialName,
        subjectAltNames: tls.subjectAltNames ? [...tls.subjectAltNames] : undefined,
        minProtocolVersion: tls.minProtocolVersion ?? TlsProtocolVersion.TLSV1_2,
        maxProtocolVersion: tls.maxProtocolVersion,
        cipherSuites: tls.cipherSuites ? [...tls.cipherSuites] : undefined,
      },
    };
    if (this.protocol === IngressProtocol.HTTP && tls.httpsRedirect !== false) {
      const redirect = { port: { number: tls.httpPort ?? 80, name: 'http', protocol: Protocol.HTTP }, hosts, tls: { httpsRedirect: true } };
      return [redirect, terminating];
    }
    return [terminating];
  }

  private jwtProblems(props: IngressRouteProps, referenced: boolean): Problem[] {
    if (props.jwt === undefined) return [];
    const problems = ingressJwtProblems(props.jwt);
    if (this.protocol !== IngressProtocol.HTTP) {
      problems.push({
        field: 'jwt',
        value: this.protocol,
        problem: 'needs protocol HTTP: tokens are read from HTTP requests',
        fix: 'remove jwt, or terminate TLS at the gateway and route HTTP (protocol HTTP with tls)',
      });
    }
    if (referenced && this.routingApi !== RoutingApi.GATEWAY_API) {
      // On the Gateway API the policies attach to the Gateway by name (targetRefs), which the reference tells.
      problems.push({
        field: 'jwt',
        value: props.gateway!.gatewayRef,
        problem: 'needs to know the gateway pods (labels and namespace), which a gateway given by reference does not tell',
        fix: 'attach to an IngressGateway of this app, or let the route create its own Gateway (selector and workloadNamespace)',
      });
    }
    return problems;
  }

  private hostProblems(props: IngressRouteProps): Problem[] {
    const problems: Problem[] = [];
    const tlsServer = this.protocol === IngressProtocol.TLS_PASSTHROUGH || props.tls !== undefined;
    if (props.hosts.length === 0) {
      problems.push({ field: 'hosts', value: props.hosts, problem: 'is empty', fix: 'list the host names clients use, e.g. ["shop.example.com"]' });
    }
    props.hosts.forEach((host, i) => {
      const field = `hosts[${i}]`;
      if (host === '*') {
        if (tlsServer && props.allowAnyHost !== true) {
          problems.push({
            field,
            value: host,
            problem: 'matches every host name on a route whose gateway server is HTTPS or TLS',
            fix: 'list the host names the certificate covers (e.g. "shop.example.com" or "*.example.com"), '
              + 'or set allowAnyHost: true if this route really answers for any SNI name',
            symptom: 'the server takes every SNI name on the port, so routes for specific hosts on the same gateway never match',
          });
        }
        return;
      }
      if (host.includes('/')) {
        problems.push({
          field,
          value: host,
          problem: 'has a namespace part; an IngressRoute qualifies the gateway\'s hosts itself',
          fix: `pass the host name only ("${host.slice(host.indexOf('/') + 1)}")`,
        });
        return;
      }
      const problem = wildcardHostProblem(host) ?? (host.includes('.') ? undefined : 'is a short name; clients reach an ingress by a fully qualified name');
      if (problem) {
        problems.push({
          field,
          value: host,
          problem,
          fix: 'use the fully qualified name clients use, e.g. "shop.example.com", or a wildcard such as "*.example.com"',
          symptom: 'the webhook rejects the Gateway (hosts must be FQDNs)',
        });
      }
    });
    if (props.allowAnyHost !== undefined && !tlsServer) {
      problems.push({
        field: 'allowAnyHost',
        value: props.allowAnyHost,
        problem: 'only applies to HTTPS and TLS passthrough routes (plain HTTP and TCP accept "*" without opting in)',
        fix: 'remove allowAnyHost',
      });
    }
    return problems;
  }

  private portProblems(props: IngressRouteProps, referenced: boolean): Problem[] {
    const problems: Problem[] = [];
    const check = (field: string, port: number | undefined) => {
      if (port === undefined) return;
      const problem = portProblem(port) ?? reservedProxyPortProblem(port);
      if (problem) {
        problems.push({
          field,
          value: port,
          problem,
          fix: 'use a port the gateway Service exposes, e.g. 80, 443, 8443 or the application\'s own port for TCP',
          symptom: 'istiod drops the listener or the gateway never receives the traffic',
        });
      }
    };
    check('port', props.port);
    check('tls.httpPort', props.tls?.httpPort);
    if (this.protocol === IngressProtocol.TCP && props.port === undefined && !referenced) {
      problems.push({
        field: 'port',
        problem: 'is required for TCP routes: TCP has no host name, so the gateway tells routes apart by port',
        fix: 'pass the port clients connect to, e.g. port: 3306 for MySQL',
      });
    }
    const httpPort = props.tls?.httpPort ?? 80;
    const mainPort = props.port ?? 443;
    if (props.tls && this.protocol === IngressProtocol.HTTP && props.tls.httpsRedirect !== false && httpPort === mainPort) {
      problems.push({
        field: 'tls.httpPort',
        value: httpPort,
        problem: 'is also the HTTPS port',
        fix: 'redirect from another port (80 by default), or set httpsRedirect: false',
        symptom: 'the webhook rejects the Gateway (two servers with the same port and hosts)',
      });
    }
    return problems;
  }

  private tlsProblems(props: IngressRouteProps, referenced: boolean): Problem[] {
    const tls = props.tls;
    if (!tls) return [];
    const problems: Problem[] = [];
    if (referenced) {
      problems.push({
        field: 'tls',
        problem: `cannot be set on a route attached by reference to Gateway ${props.gateway!.gatewayRef}: the route does not own that Gateway's servers`,
        fix: 'configure TLS on the Gateway that owns the servers, or attach to an IngressGateway of this app (or let the route create its Gateway)',
      });
    }
    if (this.protocol === IngressProtocol.TLS_PASSTHROUGH) {
      problems.push({
        field: 'tls',
        problem: 'terminates TLS at the gateway, but protocol TLS_PASSTHROUGH forwards TLS unterminated to the backend',
        fix: 'remove tls to pass TLS through (the backend presents its certificate), or use protocol HTTP or TCP to terminate TLS at the gateway',
        symptom: 'Istio only warns ("certificates will be ignored") and clients get the backend\'s certificate',
      });
    }
    if ((tls.mode ?? IngressTlsMode.SIMPLE) === IngressTlsMode.SIMPLE) {
      const unused = (['clientCaCertificate', 'subjectAltNames'] as const).filter(k => tls[k] !== undefined);
      if (unused.length > 0) {
        problems.push({
          field: `tls.${unused[0]}`,
          value: tls[unused[0]],
          problem: 'only applies to modes that verify client certificates (MUTUAL, OPTIONAL_MUTUAL)',
          fix: `use mode MUTUAL to require client certificates, or remove ${unused.join(', ')}`,
          symptom: 'Istio ignores it and accepts clients without certificates',
        });
      }
    }
    if (this.protocol === IngressProtocol.TCP) {
      const httpOnly = (['httpsRedirect', 'httpPort'] as const).filter(k => tls[k] !== undefined);
      if (httpOnly.length > 0) {
        problems.push({
          field: `tls.${httpOnly[0]}`,
          value: httpOnly,
          problem: 'only applies to HTTP routes: a TCP client cannot follow an HTTP redirect',
          fix: `remove ${httpOnly.join(', ')}`,
        });
      }
    } else if (tls.httpsRedirect === false && tls.httpPort !== undefined) {
      problems.push({
        field: 'tls.httpPort',
        value: tls.httpPort,
        problem: 'is set while httpsRedirect is false, so nothing listens on it',
        fix: 'remove httpPort, or turn httpsRedirect back on',
      });
    }
    return problems;
  }

  private checkKind(field: string, needed: IngressProtocol, method: string): void {
    if (this.protocol === needed) return;
    const passthroughHttp = this.protocol === IngressProtocol.TLS_PASSTHROUGH && needed === IngressProtocol.HTTP;
    throw configError(this, {
      field,
      problem: `is added with ${method}(), which needs protocol ${needed}, but the route's protocol is ${this.protocol}`,
      fix: passthroughHttp
        ? 'terminate TLS at the gateway (protocol HTTP with tls) to route HTTP, or use addTlsRoute() to route by SNI'
        : `make another IngressRoute with protocol ${needed} for these routes`,
      symptom: passthroughHttp
        ? 'the gateway cannot read HTTP inside TLS it does not terminate, so the routes never apply'
        : 'the gateway server has another protocol, so the routes never apply',
    });
  }

  private checkBackendOrRoute(field: string, backend: ServiceBackend | undefined, route: RouteDestination[] | undefined): void {
    if (backend && route !== undefined) {
      throw configError(this, {
        field: `${field}.backend`,
        value: backend.host,
        problem: 'is set together with route',
        fix: 'use backend for one destination, or route for several weighted ones, not both',
      });
    }
  }

  private validateRoute(): string[] {
    const errors: string[] = [];
    // A backend that is a Service of the app is checked by the VirtualService, like every destination it routes to;
    // only a host outside the app needs the backend's own word on its protocol.
    const a = MeshAnalysis.of(this);
    for (const { field, backend, kind } of this.backends) {
      if (a.service(backend.host)) continue;
      errors.push(...backend._problemsFor(kind, `IngressRouteProps.${kind}Routes` as const).map(message => `${field}: ${message}`));
    }
    errors.push(...this.secretConflictProblems().map(describeProblem));
    return errors;
  }

  /** A Secret this route creates must have no other producer in the app (a Secret object or a Certificate). */
  private secretConflictProblems(): Problem[] {
    const problems: Problem[] = [];
    if (this.createdSecrets.length === 0) return problems;
    const ours = (o: { apiObject: Construct }) => o.apiObject.node.scopes.includes(this);
    const a = MeshAnalysis.of(this);
    for (const { namespace, name } of this.createdSecrets) {
      const producers = [
        ...a.inNamespace('Secret', '', namespace).filter(s => !ours(s) && s.name === name).map(s => `Secret at ${s.path}`),
        ...a.inNamespace('Certificate', 'cert-manager.io', namespace)
          .filter(c => !ours(c) && c.manifest.spec?.secretName === name)
          .map(c => `Certificate ${c.namespace}/${c.name} at ${c.path}`),
      ];
      if (producers.length > 0) {
        problems.push({
          field: 'tls.credential',
          prop: 'IngressRouteProps.tls',
          value: `${namespace}/${name}`,
          problem: `is a Secret this route creates, and ${producers.join(', ')} also produces it`,
          fix: `give each route its own secretName, or create the Secret once and use TlsCredential.fromSecret("${name}") elsewhere`,
          symptom: 'the producers overwrite each other and the gateway serves whichever certificate was written last',
        });
      }
    }
    return problems;
  }
}

/** The route's own-Gateway settings cannot be combined with attaching to another gateway. */
function gatewayChoiceProblems(props: IngressRouteProps): Problem[] {
  const problems: Problem[] = [];
  if (props.gateway) {
    const own = (['gatewayMetadata', 'selector', 'workloadNamespace'] as const).filter(k => props[k] !== undefined);
    if (own.length > 0) {
      problems.push({
        field: own[0],
        value: own,
        problem: `configures the route's own Gateway, but the route attaches to ${props.gateway.gatewayRef}`,
        fix: props.gateway instanceof IngressGateway
          ? `set ${own.join(', ')} on the IngressGateway, or remove gateway to let the route create its own`
          : `remove ${own.join(', ')}, or remove gateway to let the route create its own`,
      });
    }
  }
  if (props.workloadNamespace !== undefined) {
    const problem = k8sLabelNameProblem(props.workloadNamespace);
    if (problem) {
      problems.push({ field: 'workloadNamespace', value: props.workloadNamespace, problem, fix: 'use the namespace the gateway pods run in, e.g. "istio-system"' });
    }
  }
  return problems;
}

/** A Gateway API Gateway cannot carry a VirtualService's routes. */
function istioApiProblems(props: IngressRouteProps): Problem[] {
  if (!(props.gateway instanceof GatewayApiGateway)) return [];
  return [{
    field: 'gateway',
    value: props.gateway.gatewayRef,
    problem: 'is a Gateway API Gateway, which the VirtualService of an IngressRoute on Istio\'s APIs cannot bind to',
    fix: 'set routingApi: RoutingApi.GATEWAY_API on the IngressRoute (or IstioApi.useRoutingApi), or attach to an IngressGateway',
  }];
}

/** What an IngressRoute can say that its Gateway API rendering cannot: Istio-only settings of the route's gateway. */
function gatewayApiProblems(props: IngressRouteProps): Problem[] {
  const problems: Problem[] = [];
  const keepIstio = 'or keep this IngressRoute on Istio\'s APIs (routingApi: RoutingApi.ISTIO)';
  if (props.selector !== undefined) {
    problems.push({
      field: 'selector',
      value: props.selector,
      problem: 'chooses gateway pods, but on the Gateway API Istio deploys the Gateway\'s own workload (no selector)',
      fix: `remove selector, ${keepIstio}`,
    });
  }
  if (props.gateway instanceof IngressGateway) {
    problems.push({
      field: 'gateway',
      value: props.gateway.gatewayRef,
      problem: 'is an IngressGateway, an Istio Gateway the Gateway API routes cannot attach to',
      fix: `attach by reference to a Gateway API Gateway (IngressGateway.fromGatewayRef("<namespace>/<name>")), let the route create its own, ${keepIstio}`,
    });
  }
  const tls = props.tls;
  if (tls) {
    if ((tls.mode ?? IngressTlsMode.SIMPLE) !== IngressTlsMode.SIMPLE) {
      problems.push({ field: 'tls.mode', value: tls.mode, problem: 'verifies client certificates, which a Gateway API listener cannot express', fix: `use IngressTlsMode.SIMPLE, ${keepIstio}` });
    }
    for (const key of ['minProtocolVersion', 'maxProtocolVersion', 'cipherSuites'] as const) {
      if (tls[key] !== undefined) {
        problems.push({ field: `tls.${key}`, value: tls[key], problem: 'is a TLS setting a Gateway API listener cannot express', fix: `remove it (Istio's defaults apply), ${keepIstio}` });
      }
    }
  }
  return problems;
}

function defaultPort(protocol: IngressProtocol, tls: IngressTls | undefined): number | undefined {
  if (protocol === IngressProtocol.TCP) return undefined;
  return protocol === IngressProtocol.TLS_PASSTHROUGH || tls ? 443 : 80;
}

function gatewayMode(mode: IngressTlsMode): GatewayTlsMode {
  switch (mode) {
    case IngressTlsMode.MUTUAL: return GatewayTlsMode.MUTUAL;
    case IngressTlsMode.OPTIONAL_MUTUAL: return GatewayTlsMode.OPTIONAL_MUTUAL;
    default: return GatewayTlsMode.SIMPLE;
  }
}

/**
 * The destination of a backend. The port is read now (the chosen one, else the Service's only port) and written
 * explicitly, so the route keeps its port if the Service gains others; the synth check reports what is still wrong.
 */
function backendDestination(backend: ServiceBackend): RouteDestination {
  let port: number | undefined;
  try {
    port = backend.resolve().port;
  } catch {
    port = undefined; // a Service that cannot be rendered yet: the synth check reports it
  }
  return { host: backend.host, port };
}

