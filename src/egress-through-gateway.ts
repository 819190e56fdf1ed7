import { Construct } from 'constructs';
import { RoutingApi } from './api-version';
import { DestinationRule } from './destination-rule';
import { Gateway, GatewayServer, GatewayTlsMode } from './gateway';
import { GatewayApiGateway, GatewayApiProtocol, GatewayApiRoutesFrom, GatewayApiTlsMode } from './gateway-api-gateway';
import { GatewayApiHttpRoute } from './gateway-api-http-route';
import { GatewayApiTlsRoute } from './gateway-api-l4-routes';
import { GatewayApiBackend, GatewayApiParent } from './gateway-api-refs';
import { GatewayApiRoute } from './gateway-api-route';
import { HttpRouteOptions } from './http-route';
import { TcpRouteOptions, TlsRouteOptions } from './l4-route';
import { MeshAnalysis } from './private/analysis/model';
import { egressHostEntries, egressSidecars, egressVisible } from './private/analysis/sidecar-egress';
import { egressGatewayApiProblems, gatewayApiServiceName } from './private/egress-gateway-api';
import { describeProblem, Problem, throwIfProblems } from './private/errors';
import { addSynthValidation } from './private/mesh-model';
import { GATEWAY_HTTP_PROTOCOLS, TLS_PROTOCOLS } from './private/mesh-rules';
import { defaultObjectName } from './private/names';
import { resolveRoutingApi } from './private/routing-api';
import {
  dnsLabelProblem, exportToProblem, fqdnProblem, ipOrCidrProblem, k8sLabelNameProblem, portProblem, reservedProxyPortProblem,
  selectorProblem, wildcardHostProblem,
} from './private/rules';
import { DEFAULT_NAMESPACE, markPlacedElsewhere, namespaceOf } from './private/scope';
import { checkShape } from './private/shape';
import { trafficPolicyProblems } from './private/traffic-policy';
import { Protocol } from './protocol';
import { gatewayRefProblems } from './route-match';
import { ServiceEntry, ServiceEntryPort, ServiceEntryResolution } from './service-entry';
import { ClientTlsMode, ClientTlsSettings, LoadBalancerSettings } from './traffic-policy';
import { VirtualService } from './virtual-service';

/**
 * The egress gateway workload the traffic leaves through: its pods (for the Gateway's `selector`), the Service in
 * front of them (the first hop's destination) and its namespace.
 */
export interface EgressGatewayWorkload {
  /**
   * The labels of the egress gateway pods. The Gateway selects them, and the DestinationRule subset of the first
   * hop selects the same pods.
   *
   * @default { istio: 'egressgateway' }
   */
  readonly selector?: { [key: string]: string };

  /**
   * The name of the Service in front of the egress gateway pods.
   *
   * @default 'istio-egressgateway'
   */
  readonly serviceName?: string;

  /**
   * The namespace of the egress gateway (its Service, its pods, and the Secret that `tlsOrigination.tls.credentialName`
   * names).
   *
   * @default 'istio-system'
   */
  readonly namespace?: string;
}

/**
 * An endpoint of the external service, when the host name itself should not be resolved: an IP address (resolution
 * STATIC or DNS) or another host name (resolution DNS), with the port it listens on.
 */
export interface EgressEndpoint {
  /** The endpoint's IP address or host name, without port or scheme. */
  readonly address: string;

  /**
   * The port the endpoint listens on, when it differs from the port the traffic is sent to (`port`, or
   * `tlsOrigination.port` with TLS origination).
   *
   * @default - the same port
   */
  readonly port?: number;
}

/**
 * TLS origination: the application speaks plain HTTP, and the proxy that leaves the mesh (the egress gateway, or
 * in direct mode each client's sidecar) opens a TLS connection to the external host.
 */
export interface TlsOrigination {
  /**
   * The TLS settings towards the external host: mode SIMPLE or MUTUAL, and how the server certificate is verified
   * (`caCertificates` or `credentialName`; `insecureSkipVerify: true` to opt out explicitly). Through the egress
   * gateway, `credentialName` names a Secret in the egress gateway's namespace (checked at synth when the app
   * defines that Secret), and file paths are in the egress gateway's container. In direct mode only the file fields
   * work (sidecars ignore `credentialName` here).
   *
   * Through the egress gateway `sni` defaults to the host; in direct mode Istio sets it from each request's Host
   * header, as in Istio's sidecar TLS origination sample.
   */
  readonly tls: ClientTlsSettings;

  /**
   * The external host's TLS port.
   *
   * @default 443
   */
  readonly port?: number;

  /**
   * How the originating proxy balances over the external host's addresses.
   *
   * @default - Istio's default (LEAST_REQUEST)
   */
  readonly loadBalancer?: LoadBalancerSettings;
}

/**
 * Props of an EgressThroughGateway.
 */
export interface EgressThroughGatewayProps {
  /**
   * The external host, a fully qualified name such as `edition.cnn.com`. A leading `*.` wildcard (`*.wikipedia.org`)
   * works in direct mode, where the client sidecar connects to the address the application resolved (resolution
   * NONE or DYNAMIC_DNS, or DNS with endpoints), and through the egress gateway for HTTPS and TLS with `forwardTo`.
   */
  readonly host: string;

  /**
   * For a wildcard `host` through the egress gateway: the one concrete host that serves every name of the wildcard,
   * which the egress gateway forwards the TLS connections to (by SNI, unterminated), as in Istio's wildcard egress
   * task (`*.wikipedia.org` to `www.wikipedia.org`). It gets its own ServiceEntry `<name>-target`; `resolution` and
   * `endpoints` describe it, and the wildcard's ServiceEntry has resolution NONE.
   *
   * @see https://istio.io/latest/docs/tasks/traffic-management/egress/wildcard-egress-hosts/
   * @default - no forwarding: `host` must be concrete unless `direct` is true
   */
  readonly forwardTo?: string;

  /**
   * The namespaces whose workloads may send traffic for the host this way: `.` for this namespace, namespace names,
   * or `*`. It is the `exportTo` of the first hop's VirtualService and of the ServiceEntries (to which the egress
   * gateway's namespace is added: the gateway routes the second hop), and of the egress gateway subset's
   * DestinationRule, which sits in the egress gateway's namespace (there `.` is written as this namespace's name). The
   * second hop's VirtualService and the TLS origination DestinationRule are exported to the egress gateway's
   * namespace only. In direct mode it is the `exportTo` of every object.
   *
   * @default - every namespace (Istio's default, `*`)
   */
  readonly exportTo?: string[];

  /**
   * The protocol the application speaks: HTTP, HTTP2 or GRPC (routed by HTTP routes), HTTPS or TLS (passed through
   * unterminated, routed by SNI), or TCP.
   *
   * @default Protocol.HTTP
   */
  readonly protocol?: Protocol;

  /**
   * The port the application connects to on the external host.
   *
   * @default - 80 for HTTP, HTTP2 and GRPC; 443 for HTTPS and TLS; required for TCP
   */
  readonly port?: number;

  /**
   * Let the proxy that leaves the mesh originate TLS to the external host (the application speaks HTTP).
   *
   * @default - no TLS origination: the traffic leaves the mesh as the application sent it
   */
  readonly tlsOrigination?: TlsOrigination;

  /**
   * How the external host's addresses are found. Through the egress gateway it cannot be NONE (the gateway would
   * forward to the address the client dialled, which is the gateway itself).
   *
   * @default ServiceEntryResolution.DNS
   */
  readonly resolution?: ServiceEntryResolution;

  /**
   * Endpoints of the external service (IP addresses with resolution STATIC; IPs or host names with DNS), e.g.
   * `{ address: '192.168.0.163', port: 4154 }`.
   *
   * @default - the host itself (resolution DNS)
   */
  readonly endpoints?: EgressEndpoint[];

  /**
   * Virtual IPs or CIDR blocks of the external service (the ServiceEntry's `addresses`). CIDR blocks need resolution
   * NONE or STATIC.
   *
   * @default - none (Istio allocates an address for resolution other than NONE)
   */
  readonly addresses?: string[];

  /**
   * Direct mode: only register the host (a ServiceEntry, plus the port rewrite and DestinationRule of a TLS
   * origination); the traffic leaves from each client sidecar instead of the egress gateway.
   *
   * @default false
   */
  readonly direct?: boolean;

  /**
   * The egress gateway workload.
   *
   * @default - Istio's default egress gateway: pods labelled `istio: egressgateway`, Service
   * `istio-egressgateway.istio-system.svc.cluster.local`
   */
  readonly egressGateway?: EgressGatewayWorkload;

  /**
   * An existing Istio Gateway to bind the second hop to, as `namespace/name` (e.g. a Gateway's `gatewayRef`). It must
   * select the egress gateway pods and serve the host on `gatewayPort`.
   *
   * @default - a Gateway named `<name>-egress` is created
   */
  readonly gatewayRef?: string;

  /**
   * The egress gateway port the traffic enters on. The egress gateway's Service must expose it: Istio's default
   * egress gateway Service exposes 80 and 443 only.
   *
   * @default - 443 with `gatewayMutualTls`; otherwise 80 for HTTP (also with TLS origination) and 443 for HTTPS and
   * TLS; required for TCP without `gatewayMutualTls` (add the port to the egress gateway Service, as Istio's TCP
   * egress task does)
   */
  readonly gatewayPort?: number;

  /**
   * Sidecars talk to the egress gateway over Istio mutual TLS: the Gateway server terminates ISTIO_MUTUAL on
   * `gatewayPort` and the DestinationRule subset originates it, with the host as SNI.
   *
   * @default false
   */
  readonly gatewayMutualTls?: boolean;

  /**
   * The name of the DestinationRule subset of the egress gateway that the first hop routes to. The subsets of every
   * EgressThroughGateway (of every team) merge in the egress gateway's namespace, so it must be unique there.
   *
   * @default - `<namespace>-<name>`, e.g. `payments-cnn`
   */
  readonly subsetName?: string;

  /**
   * The base of every object's name: ServiceEntry `<name>`, Gateway `<name>-egress`, VirtualServices
   * `<name>-through-egress` (first hop; direct mode: `rewrite-port-for-<name>`) and `<name>-from-egress` (second hop).
   * The DestinationRules in the egress gateway's namespace carry this namespace too: `egressgateway-for-<namespace>-<name>`
   * and `originate-tls-for-<namespace>-<name>` (direct mode: `originate-tls-for-<name>`, here). A lower-case DNS
   * label of at most 56 characters.
   *
   * @default - the construct id in kebab case (`Cnn` becomes `cnn`)
   */
  readonly name?: string;

  /**
   * The API the routing is written in. On `RoutingApi.GATEWAY_API`, the form of the "Gateway API" tabs of Istio's
   * egress gateway tasks: the ServiceEntry, a Gateway `<name>-egress` of class `istio` with a ClusterIP Service (Istio
   * deploys the egress gateway for it in this namespace, Service `<name>-egress-istio`), an HTTPRoute (HTTP) or TLSRoute
   * (HTTPS, TLS) `direct-<name>-to-egress-gateway` parented to the ServiceEntry for the sidecars' hop, one
   * `forward-<name>-from-egress-gateway` parented to the Gateway for the external hop, and the TLS origination
   * DestinationRule. TCP, `gatewayMutualTls`, `forwardTo`, `egressGateway`, `gatewayRef` and `subsetName` have no
   * documented Gateway API form there and are errors.
   *
   * @see https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway/
   * @default - `IstioApi.useRoutingApi()`'s choice for the app or chart, else `RoutingApi.ISTIO`
   */
  readonly routingApi?: RoutingApi;
}

/**
 * Routes the mesh's traffic for an external host through Istio's egress gateway, as Istio's egress gateway tasks
 * describe it: a ServiceEntry for the host, a Gateway on the egress gateway, a DestinationRule with a subset for the
 * egress gateway's Service, and the two hops (sidecars → egress gateway, egress gateway → external host), all
 * consistent by construction. Optionally with TLS origination at the egress gateway and Istio mTLS between the
 * sidecars and the egress gateway.
 *
 * Each hop is a VirtualService of its own, exported to the proxies that run it: the first to the namespaces
 * `exportTo` names, the second to the egress gateway's namespace. The DestinationRules the proxies need sit where
 * istiod looks them up for every such proxy: the egress gateway subset's in the egress gateway's namespace (the
 * namespace of the Service it is for, which istiod consults for clients of any namespace it is exported to), the TLS
 * origination's in the egress gateway's namespace, not exported.
 *
 * In direct mode (`direct: true`) it only registers the host, so that it is reachable from a REGISTRY_ONLY namespace
 * (with TLS origination, plus the port rewrite and the DestinationRule with which each client sidecar originates it).
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway/
 * @see https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway-tls-origination/
 *
 * @example
 * new EgressThroughGateway(chart, 'Cnn', { host: 'edition.cnn.com' });
 */
export class EgressThroughGateway extends Construct {
  /** The external host. */
  public readonly host: string;
  /** The ServiceEntry that registers the host. */
  public readonly serviceEntry: ServiceEntry;
  /** The Gateway on the egress gateway; undefined in direct mode and with `gatewayRef`. */
  public readonly gateway?: Gateway;
  /** The DestinationRule for the egress gateway's Service, with the first hop's subset; undefined in direct mode. */
  public readonly gatewayDestinationRule?: DestinationRule;
  /**
   * The routes of the sidecars: the first hop, to the egress gateway (bound to `mesh`, exported as `exportTo` says),
   * or in direct mode the port rewrite of a TLS origination; undefined in direct mode without TLS origination.
   */
  public readonly virtualService?: VirtualService;
  /**
   * The routes of the egress gateway: the second hop, to the external host (bound to the egress Gateway, exported to
   * the egress gateway's namespace only); undefined in direct mode.
   */
  public readonly gatewayVirtualService?: VirtualService;
  /** The ServiceEntry of the concrete host a wildcard is forwarded to; undefined without `forwardTo`. */
  public readonly targetServiceEntry?: ServiceEntry;
  /** The DestinationRule that originates TLS to the external host; undefined without `tlsOrigination`. */
  public readonly tlsOriginationRule?: DestinationRule;
  /** The Service host of the egress gateway (`<serviceName>.<namespace>.svc.cluster.local`); undefined in direct mode. */
  public readonly gatewayServiceHost?: string;
  /** The API the routing is written in. */
  public readonly routingApi: RoutingApi;
  /** On the Gateway API: the Gateway Istio deploys the egress gateway for; undefined in direct mode and on Istio's API. */
  public readonly gatewayApiGateway?: GatewayApiGateway;
  /**
   * On the Gateway API: the sidecars' hop (parent: the ServiceEntry) and the egress gateway's hop (parent: the
   * Gateway), HTTPRoutes for HTTP and TLSRoutes for TLS passthrough; empty in direct mode and on Istio's API.
   */
  public readonly gatewayApiRoutes: GatewayApiRoute[] = [];

  private readonly direct: boolean;
  private readonly gatewayNamespace: string;

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the EgressThroughGateway's settings
   */
  public constructor(scope: Construct, id: string, props: EgressThroughGatewayProps) {
    super(scope, id);
    checkShape(this, 'EgressThroughGatewayProps', props);
    const base = props.name ?? defaultObjectName(id);
    const protocol = props.protocol ?? Protocol.HTTP;
    const resolution = props.resolution ?? ServiceEntryResolution.DNS;
    const origination = props.tlsOrigination;
    this.direct = props.direct ?? false;
    this.host = props.host;
    const gw = props.egressGateway ?? {};
    this.routingApi = resolveRoutingApi(this, props.routingApi);
    const gatewayApi = this.routingApi === RoutingApi.GATEWAY_API;
    // On the Gateway API, Istio deploys the egress gateway in the Gateway's namespace, which is this construct's.
    this.gatewayNamespace = gatewayApi ? namespaceOf(this) ?? DEFAULT_NAMESPACE : gw.namespace ?? 'istio-system';
    if (gatewayApi) throwIfProblems(this, egressGatewayApiProblems(props, protocol, this.direct, `${base}-egress`));

    throwIfProblems(this, [
      ...nameProblems(base, props.name !== undefined),
      ...hostProblems(props, this.direct, resolution),
      ...portProblems(props, protocol),
      ...resolutionProblems(props, this.direct, resolution),
      ...(this.direct ? directModeProblems(props) : gatewayProblems(props, gw, protocol)),
      ...exportToProblems(props.exportTo),
    ]);
    const port = props.port ?? defaultPort(protocol)!;
    if (origination) throwIfProblems(this, originationProblems(origination, protocol, port, this.direct, this.gatewayNamespace));

    // Without TLS origination the traffic leaves on the port the application uses; with it, on the TLS port.
    const appPort: ServiceEntryPort = { number: port, name: protocol.toLowerCase(), protocol };
    const tlsPort: ServiceEntryPort | undefined = origination
      ? { number: origination.port ?? 443, name: 'https', protocol: Protocol.HTTPS }
      : undefined;
    const exitPort = tlsPort ?? appPort;

    // Through the egress gateway, the gateway routes the second hop, so it must see the objects that hop uses.
    const exportTo = props.exportTo;
    const appNamespace = namespaceOf(this) ?? DEFAULT_NAMESPACE;
    const seenByGateway = exportTo === undefined || this.direct || gatewayApi || exportTo.includes('*') || exportTo.includes(this.gatewayNamespace)
      ? exportTo
      : [...exportTo, this.gatewayNamespace];
    const ports = tlsPort ? [appPort, tlsPort] : [appPort];
    const endpoints = props.endpoints?.map(e => ({
      address: e.address,
      ports: e.port === undefined ? undefined : { [exitPort.name]: e.port },
    }));
    const forwardTo = this.direct ? undefined : props.forwardTo;
    this.serviceEntry = new ServiceEntry(this, 'ServiceEntry', {
      metadata: { name: base },
      hosts: [props.host],
      addresses: props.addresses,
      ports,
      // A wildcard's connections go to the forwardTo host, which has its own ServiceEntry.
      resolution: forwardTo ? ServiceEntryResolution.NONE : resolution,
      endpoints: forwardTo ? undefined : endpoints,
      exportTo: seenByGateway,
    });
    if (forwardTo) {
      this.targetServiceEntry = new ServiceEntry(this, 'TargetServiceEntry', {
        metadata: { name: `${base}-target` },
        hosts: [forwardTo],
        ports,
        resolution,
        endpoints,
        exportTo: seenByGateway,
      });
    }

    if (this.direct) {
      if (tlsPort) {
        this.virtualService = new VirtualService(this, 'VirtualService', {
          metadata: { name: `rewrite-port-for-${base}` },
          hosts: [props.host],
          exportTo,
          http: [{ match: [{ port }], route: [{ host: props.host, port: tlsPort.number }] }],
        });
      }
    } else if (gatewayApi) {
      this.gatewayServiceHost = `${gatewayApiServiceName(`${base}-egress`)}.${this.gatewayNamespace}.svc.cluster.local`;
      this.gatewayApiGateway = this.addGatewayApiHops(base, protocol, props.gatewayPort ?? defaultPort(protocol)!, exitPort.number);
    } else {
      const mutual = props.gatewayMutualTls ?? false;
      const gatewayPort = props.gatewayPort ?? (mutual ? 443 : defaultPort(protocol)!);
      const selector = { ...(gw.selector ?? { istio: 'egressgateway' }) };
      const subset = props.subsetName ?? `${appNamespace}-${base}`;
      const subsetIssue = props.subsetName === undefined ? dnsLabelProblem(subset) : undefined;
      if (subsetIssue) {
        throwIfProblems(this, [{
          field: 'subsetName',
          value: subset,
          problem: `is not set, and the default "<namespace>-<name>" ${subsetIssue}`,
          fix: 'pass subsetName, a DNS label unique among the egress subsets of the egress gateway\'s namespace (e.g. "cnn-a")',
        }]);
      }
      this.gatewayServiceHost = `${gw.serviceName ?? 'istio-egressgateway'}.${this.gatewayNamespace}.svc.cluster.local`;

      let gatewayRef = props.gatewayRef;
      if (gatewayRef === undefined) {
        this.gateway = new Gateway(this, 'Gateway', {
          metadata: { name: `${base}-egress` },
          selector,
          servers: [gatewayServer(protocol, mutual, gatewayPort, props.host)],
        });
        // Without a namespace the objects land in kubectl's current namespace; a bare name resolves in the
        // VirtualService's namespace, which is then the Gateway's too ("default/<name>" might not be).
        gatewayRef = this.gateway.namespace === undefined ? this.gateway.name : this.gateway.gatewayRef;
      }

      // The subset's DestinationRule sits in the egress gateway's namespace, which is the destination Service's
      // namespace: istiod consults it (step 2 of its lookup, `pickDestinationRules`) for a client in any namespace it
      // is exported to. In the app's namespace only the app's own proxies would see it, so every other namespace the
      // first hop is exported to would route to a subset it cannot see (503 NC). Name and subset carry the app's
      // namespace: the rules of every team merge there (their subsets add up), so they must not collide.
      this.gatewayDestinationRule = new DestinationRule(this, 'GatewayDestinationRule', {
        metadata: { name: `egressgateway-for-${appNamespace}-${base}`, namespace: this.gatewayNamespace },
        host: this.gatewayServiceHost,
        exportTo: exportTo?.map(e => (e === '.' ? appNamespace : e)),
        subsets: [{
          name: subset,
          labels: selector,
          // The SNI lets the gateway's ISTIO_MUTUAL server pick the server for this host.
          trafficPolicy: mutual ? { tls: { mode: ClientTlsMode.ISTIO_MUTUAL, sni: props.host } } : undefined,
        }],
      });
      markPlacedElsewhere(this.gatewayDestinationRule);

      const toGateway = { host: this.gatewayServiceHost, subset, port: gatewayPort };
      const toExternal = { host: forwardTo ?? props.host, port: exitPort.number };
      const hops = routesFor(protocol, mutual, props.host, { port }, toGateway, { port: gatewayPort }, toExternal);
      // Two VirtualServices, as istiod sees them: the first hop for the sidecars of every namespace `exportTo` names,
      // the second for the egress gateway's proxies only (a VirtualService bound to a gateway is looked up in the
      // gateway proxy's namespace: `VirtualServicesForGateway` in istio/istio pilot/pkg/model/push_context.go).
      this.virtualService = new VirtualService(this, 'VirtualService', {
        metadata: { name: `${base}-through-egress` },
        hosts: [props.host],
        gateways: [MESH],
        exportTo,
        ...hops.mesh,
      });
      this.gatewayVirtualService = new VirtualService(this, 'GatewayVirtualService', {
        metadata: { name: `${base}-from-egress` },
        hosts: [props.host],
        gateways: [gatewayRef],
        exportTo: [this.gatewayNamespace === appNamespace ? '.' : this.gatewayNamespace],
        ...hops.gateway,
      });
    }

    if (origination) {
      const tls = this.direct ? origination.tls : { ...origination.tls, sni: origination.tls.sni ?? props.host };
      // Through Istio's egress gateway only the gateway's proxies originate the TLS: the rule sits in their namespace,
      // where istiod looks first for them, and is not exported (clients send plain HTTP to the gateway). On the Gateway
      // API the gateway Istio deploys runs in this construct's namespace, so the rule stays beside it.
      const inGatewayNamespace = !this.direct && !gatewayApi;
      this.tlsOriginationRule = new DestinationRule(this, 'TlsOrigination', {
        metadata: inGatewayNamespace
          ? { name: `originate-tls-for-${appNamespace}-${base}`, namespace: this.gatewayNamespace }
          : { name: `originate-tls-for-${base}` },
        host: props.host,
        exportTo: inGatewayNamespace ? ['.'] : exportTo,
        trafficPolicy: origination.loadBalancer ? { loadBalancer: origination.loadBalancer } : undefined,
        portPolicies: [{ port: exitPort.number, policy: { tls } }],
      });
      if (inGatewayNamespace) markPlacedElsewhere(this.tlsOriginationRule);
    }

    const credentialName = this.direct ? undefined : origination?.tls.credentialName;
    addSynthValidation(this, () => [...this.sidecarVisibilityProblems(), ...this.credentialPlacementProblems(credentialName)].map(describeProblem));
  }

  /**
   * The two hops of Istio's egress gateway task's "Gateway API" tab: sidecars → the egress gateway's Service (a route
   * parented to the ServiceEntry), egress gateway → the external host (a route parented to the Gateway, backend kind
   * `Hostname`), HTTPRoutes for HTTP and TLSRoutes for TLS passthrough.
   */
  private addGatewayApiHops(base: string, protocol: Protocol, gatewayPort: number, exitPort: number): GatewayApiGateway {
    const http = GATEWAY_HTTP_PROTOCOLS.includes(protocol);
    const gateway = new GatewayApiGateway(this, 'GatewayApiGateway', {
      metadata: { name: `${base}-egress`, annotations: { [SERVICE_TYPE_ANNOTATION]: 'ClusterIP' } },
      listeners: [{
        name: http ? 'http' : 'tls',
        hostname: this.host,
        port: gatewayPort,
        protocol: http ? GatewayApiProtocol.HTTP : GatewayApiProtocol.TLS,
        tls: http ? undefined : { mode: GatewayApiTlsMode.PASSTHROUGH },
        allowedRoutesFrom: GatewayApiRoutesFrom.SAME,
      }],
    });
    const toGateway = { metadata: { name: `direct-${base}-to-egress-gateway` }, parents: [GatewayApiParent.serviceEntry(this.serviceEntry.name)] };
    const toGatewayBackends = [GatewayApiBackend.service(gatewayApiServiceName(gateway.name), gatewayPort)];
    const fromGateway = { metadata: { name: `forward-${base}-from-egress-gateway` }, parents: [GatewayApiParent.gateway(gateway)], hostnames: [this.host] };
    const external = [GatewayApiBackend.hostname(this.host, exitPort)];
    if (http) {
      this.gatewayApiRoutes.push(
        new GatewayApiHttpRoute(this, 'MeshHop', { ...toGateway, rules: [{ backends: toGatewayBackends }] }),
        new GatewayApiHttpRoute(this, 'GatewayHop', { ...fromGateway, rules: [{ backends: external }] }));
    } else {
      // TLSRoute v1 requires host names (the task's v1alpha2 TLSRoute left them out); the SNI is the host.
      this.gatewayApiRoutes.push(
        new GatewayApiTlsRoute(this, 'MeshHop', { ...toGateway, hostnames: [this.host], backends: toGatewayBackends }),
        new GatewayApiTlsRoute(this, 'GatewayHop', { ...fromGateway, backends: external }));
    }
    return gateway;
  }

  /**
   * The egress gateway reads a `credentialName` Secret from its own namespace only. When the app defines a Secret of
   * that name elsewhere (typically next to the app) and none in the egress gateway's namespace, it is in the wrong place.
   */
  private credentialPlacementProblems(credentialName: string | undefined): Problem[] {
    if (credentialName === undefined) return [];
    const secrets = MeshAnalysis.of(this).withName('Secret', '', credentialName);
    if (secrets.length === 0 || secrets.some(s => s.namespace === this.gatewayNamespace)) return [];
    return [{
      field: 'tlsOrigination.tls.credentialName',
      prop: 'EgressThroughGatewayProps.tlsOrigination',
      value: credentialName,
      problem: `names a Secret that this app defines in namespace ${secrets.map(s => `"${s.namespace}"`).join(', ')}, but the egress gateway `
        + `reads it from its own namespace "${this.gatewayNamespace}"`,
      fix: `create Secret "${credentialName}" in namespace "${this.gatewayNamespace}" (metadata.namespace), or set egressGateway.namespace`,
      symptom: 'the egress gateway has no certificate for this host: the TLS it originates fails and requests get 503 (UF/URX)',
    }];
  }

  /**
   * A namespace-wide Sidecar with egress listeners hides every host it does not list from the namespace's sidecars:
   * the external host (whose VirtualService then does not apply) and the egress gateway's Service (the first hop's
   * destination).
   */
  private sidecarVisibilityProblems(): Problem[] {
    const ns = this.serviceEntry.effectiveNamespace;
    const targets: Array<{ field: string; prop: 'EgressThroughGatewayProps.host' | 'EgressThroughGatewayProps.egressGateway'; namespace: string; host: string; symptom: string }> = [
      {
        field: 'host',
        prop: 'EgressThroughGatewayProps.host',
        namespace: ns,
        host: this.host,
        symptom: this.direct
          ? 'with REGISTRY_ONLY the requests get 502 (BlackHoleCluster)'
          : 'with REGISTRY_ONLY the requests get 502 (BlackHoleCluster); with ALLOW_ANY they leave directly, bypassing the egress gateway',
      },
    ];
    if (this.gatewayServiceHost !== undefined) {
      targets.push({
        field: 'egressGateway',
        prop: 'EgressThroughGatewayProps.egressGateway',
        namespace: this.gatewayNamespace,
        host: this.gatewayServiceHost,
        symptom: 'the first hop has no cluster to go to, so requests fail with 503 (NC cluster_not_found)',
      });
    }
    const problems: Problem[] = [];
    for (const sidecar of egressSidecars(MeshAnalysis.of(this), ns)) {
      const entries = egressHostEntries(sidecar);
      for (const t of targets) {
        if (egressVisible(entries, ns, t.namespace, t.host)) continue;
        problems.push({
          field: t.field,
          prop: t.prop,
          value: `${t.namespace}/${t.host}`,
          problem: `is not visible to the workloads of namespace "${ns}": Sidecar ${sidecar.path} limits their egress to ${JSON.stringify(entries)}`,
          fix: `add "${t.namespace === ns ? '.' : t.namespace}/${t.host}" (or "${t.namespace === ns ? '.' : t.namespace}/*") to that Sidecar's egress hosts`,
          symptom: t.symptom,
        });
      }
    }
    return problems;
  }
}

const MESH = 'mesh';
/** Annotation that makes Istio deploy a Gateway's Service with another type (the task's egress gateway: ClusterIP). */
const SERVICE_TYPE_ANNOTATION = 'networking.istio.io/service-type';
const MAX_BASE_LENGTH = 63 - '-egress'.length;

/** The usual port of a protocol, both on the external host and on the egress gateway; TCP has none. */
function defaultPort(protocol: Protocol): number | undefined {
  if (GATEWAY_HTTP_PROTOCOLS.includes(protocol)) return 80;
  if (TLS_PROTOCOLS.includes(protocol)) return 443;
  return undefined;
}

function nameProblems(base: string, given: boolean): Problem[] {
  const problem = k8sLabelNameProblem(base) ?? (base.length > MAX_BASE_LENGTH ? `is longer than ${MAX_BASE_LENGTH} characters` : undefined);
  if (!problem) return [];
  return [{
    field: 'name',
    value: base,
    problem: `${problem}; it becomes the Gateway name "${base}-egress", a DNS label, and the other objects' names`,
    fix: given ? 'pass a short lower-case name such as "cnn"' : 'pass name, e.g. "cnn", or use a shorter construct id',
  }];
}

function hostProblems(props: EgressThroughGatewayProps, direct: boolean, resolution: ServiceEntryResolution): Problem[] {
  const host = props.host;
  if (ipOrCidrProblem(host) === undefined) {
    return [{
      field: 'host',
      value: host,
      problem: 'is an IP address; the external service needs a host name (routes, SNI and certificates refer to it)',
      fix: 'name the service (e.g. "myapp.local") and give the IP as an endpoint: endpoints: [{ address: "192.168.0.163" }]',
    }];
  }
  const wildcard = host.startsWith('*');
  const syntax = host === '*' ? 'matches every host' : wildcard ? wildcardHostProblem(host) : (fqdnProblem(host) ?? (host.includes('.') ? undefined : 'is a short name'));
  if (syntax) {
    return [{
      field: 'host',
      value: host,
      problem: `${syntax}; the external host must be a fully qualified domain name`,
      fix: 'write the full name, e.g. "api.example.com"',
      symptom: host.includes('.') ? undefined : 'Istio expands short names to "<name>.<namespace>.svc.cluster.local", so routes would miss the host',
    }];
  }
  if (!wildcard) {
    return props.forwardTo === undefined ? [] : [{
      field: 'forwardTo',
      value: props.forwardTo,
      problem: `only applies to a wildcard host, and host "${host}" is concrete`,
      fix: 'remove forwardTo: the egress gateway forwards to host itself',
    }];
  }
  if (!direct) return wildcardThroughGatewayProblems(props);
  if (props.tlsOrigination) {
    return [{
      field: 'host',
      value: host,
      problem: 'is a wildcard, and TLS origination needs one concrete host for the SNI and the certificate check',
      fix: 'originate TLS for a concrete host, or let the application speak TLS (protocol TLS)',
    }];
  }
  const dns = resolution === ServiceEntryResolution.DNS || resolution === ServiceEntryResolution.DNS_ROUND_ROBIN;
  if (dns && (props.endpoints ?? []).length === 0) {
    return [{
      field: 'host',
      value: host,
      problem: `is a wildcard, and resolution ${resolution} without endpoints resolves the host name itself`,
      fix: 'use resolution NONE (or DYNAMIC_DNS for HTTP and TLS), or give endpoints',
      symptom: 'istiod rejects the ServiceEntry ("hosts must be FQDN if no endpoints are provided")',
    }];
  }
  return [];
}

/**
 * A wildcard through the egress gateway (Istio's wildcard egress task): TLS routed by SNI, forwarded to one concrete
 * host that serves every name of the wildcard.
 */
function wildcardThroughGatewayProblems(props: EgressThroughGatewayProps): Problem[] {
  const protocol = props.protocol ?? Protocol.HTTP;
  if (!TLS_PROTOCOLS.includes(protocol) || props.tlsOrigination) {
    return [{
      field: 'host',
      value: props.host,
      problem: `is a wildcard, which the egress gateway routes by SNI only, so the application must speak TLS (protocol is ${protocol}${props.tlsOrigination ? ', with TLS origination' : ''})`,
      fix: 'use protocol HTTPS or TLS without tlsOrigination and set forwardTo, or use direct: true',
    }];
  }
  if (props.forwardTo === undefined) {
    return [{
      field: 'forwardTo',
      problem: `is required for the wildcard host "${props.host}" through the egress gateway, which forwards the connections to one concrete host`,
      fix: `set forwardTo to the host that serves every name of "${props.host}" (e.g. "www${props.host.slice(1)}"), or use direct: true`,
    }];
  }
  const problem = fqdnProblem(props.forwardTo) ?? (props.forwardTo.includes('.') ? undefined : 'is a short name');
  return problem ? [{ field: 'forwardTo', value: props.forwardTo, problem: `${problem}; it must be a fully qualified host name`, fix: 'write the full name, e.g. "www.wikipedia.org"' }] : [];
}

/** `exportTo`: as Istio allows it on a VirtualService (no "~"), each entry once. */
function exportToProblems(exportTo: string[] | undefined): Problem[] {
  const problem = exportTo === undefined ? undefined : exportToProblem(exportTo, false);
  return problem ? [{ field: 'exportTo', value: exportTo, problem, fix: 'use ".", "*" or namespace names, each once' }] : [];
}

function portProblems(props: EgressThroughGatewayProps, protocol: Protocol): Problem[] {
  if (!GATEWAY_HTTP_PROTOCOLS.includes(protocol) && !TLS_PROTOCOLS.includes(protocol) && protocol !== Protocol.TCP) {
    return [{
      field: 'protocol',
      value: protocol,
      problem: 'is not supported through the egress gateway',
      fix: 'use HTTP, HTTP2, GRPC, HTTPS, TLS, or TCP for other protocols over TCP (MongoDB, MySQL, Redis)',
    }];
  }
  if (props.port === undefined) {
    if (protocol !== Protocol.TCP) return [];
    return [{ field: 'port', problem: 'is required for protocol TCP', fix: 'give the port the application connects to, e.g. 5432' }];
  }
  const problem = portProblem(props.port);
  return problem ? [{ field: 'port', value: props.port, problem, fix: 'give the port the application connects to on the external host' }] : [];
}

function resolutionProblems(props: EgressThroughGatewayProps, direct: boolean, resolution: ServiceEntryResolution): Problem[] {
  if (!direct && resolution === ServiceEntryResolution.NONE) {
    return [{
      field: 'resolution',
      value: resolution,
      problem: 'is NONE, so the egress gateway would forward to the address the client dialled, which is the egress gateway itself',
      fix: 'use resolution DNS (the default), or STATIC with endpoints; or use direct: true',
      symptom: 'connections loop back to the egress gateway and fail',
    }];
  }
  if (resolution === ServiceEntryResolution.STATIC && (props.endpoints ?? []).length === 0) {
    return [{
      field: 'endpoints',
      value: [],
      problem: 'is empty while resolution is STATIC, which takes the addresses of the service from its endpoints only',
      fix: 'list the IP addresses as endpoints, e.g. endpoints: [{ address: "10.1.2.3" }], or use resolution DNS',
      symptom: 'the host has no endpoints, so every request fails with 503 (UH no_healthy_upstream)',
    }];
  }
  return [];
}

const GATEWAY_ONLY_OPTIONS = ['egressGateway', 'gatewayRef', 'gatewayPort', 'gatewayMutualTls', 'subsetName', 'forwardTo'] as const;

function directModeProblems(props: EgressThroughGatewayProps): Problem[] {
  const set = GATEWAY_ONLY_OPTIONS.filter(k => props[k] !== undefined && props[k] !== false);
  const problems: Problem[] = [];
  if (set.length > 0) {
    problems.push({
      field: set[0],
      value: props[set[0]],
      problem: 'only applies through the egress gateway, and direct is true',
      fix: `remove ${set.join(', ')}, or remove direct to route through the egress gateway`,
    });
  }
  if (props.tlsOrigination?.tls.credentialName !== undefined) {
    problems.push({
      field: 'tlsOrigination.tls.credentialName',
      value: props.tlsOrigination.tls.credentialName,
      problem: 'is ignored by sidecars, which originate the TLS in direct mode (they read credentialName only from a DestinationRule with a workloadSelector)',
      fix: 'give caCertificates (and clientCertificate/privateKey for MUTUAL) as files mounted in the sidecars, or route through the egress gateway',
      symptom: 'the sidecars verify nothing and present no client certificate',
    });
  }
  return problems;
}

function gatewayProblems(props: EgressThroughGatewayProps, gw: EgressGatewayWorkload, protocol: Protocol): Problem[] {
  const problems: Problem[] = [];
  if (protocol === Protocol.TCP && props.gatewayPort === undefined && !props.gatewayMutualTls) {
    problems.push({
      field: 'gatewayPort',
      problem: 'is required for protocol TCP without gatewayMutualTls: a plain TCP server takes its whole port, and Istio\'s default egress '
        + 'gateway Service exposes only 80 and 443, which HTTP and TLS traffic use',
      fix: 'add a port to the egress gateway Service and give it as gatewayPort (e.g. 7777, as in Istio\'s TCP egress task), or set '
        + 'gatewayMutualTls: true to send the TCP traffic over Istio mTLS on port 443, routed by SNI',
    });
  }
  if (gw.selector !== undefined) {
    const problem = selectorProblem(gw.selector, 'is empty, so it would select every gateway workload');
    if (problem) {
      problems.push({
        field: 'egressGateway.selector',
        value: gw.selector,
        problem,
        fix: 'give the labels of the egress gateway pods, e.g. { istio: "egressgateway" }',
      });
    }
  }
  for (const key of ['serviceName', 'namespace'] as const) {
    const value = gw[key];
    const problem = value === undefined ? undefined : k8sLabelNameProblem(value);
    if (problem) {
      problems.push({ field: `egressGateway.${key}`, value, problem, fix: `give the egress gateway's ${key === 'namespace' ? 'namespace' : 'Service name'}` });
    }
  }
  if (props.gatewayRef !== undefined) {
    const ref = props.gatewayRef;
    if (ref === MESH) {
      problems.push({ field: 'gatewayRef', value: ref, problem: 'is "mesh", which is not a Gateway', fix: 'name the egress Gateway as "<namespace>/<name>"' });
    } else if (!ref.includes('/') && !ref.includes('.')) {
      problems.push({
        field: 'gatewayRef',
        value: ref,
        problem: 'has no namespace; it must be "<namespace>/<gateway name>"',
        fix: `write "<namespace>/${ref}", e.g. "istio-system/${ref}", or pass gateway.gatewayRef`,
        symptom: 'a bare name is looked up in the VirtualService\'s namespace, where the Gateway may not exist (IST0101)',
      });
    } else {
      problems.push(...gatewayRefProblems('gatewayRef', ref));
    }
  }
  if (props.gatewayPort !== undefined) {
    const problem = portProblem(props.gatewayPort) ?? reservedProxyPortProblem(props.gatewayPort);
    if (problem) {
      problems.push({
        field: 'gatewayPort',
        value: props.gatewayPort,
        problem,
        fix: 'use a port the egress gateway Service exposes, e.g. 80 or 443',
      });
    }
  }
  if (props.subsetName !== undefined) {
    const problem = dnsLabelProblem(props.subsetName);
    if (problem) problems.push({ field: 'subsetName', value: props.subsetName, problem, fix: 'use a name like "cnn"' });
  }
  return problems;
}

function originationProblems(o: TlsOrigination, protocol: Protocol, port: number, direct: boolean, gatewayNamespace: string): Problem[] {
  const problems: Problem[] = [];
  if (protocol !== Protocol.HTTP) {
    problems.push({
      field: 'tlsOrigination',
      value: protocol,
      problem: `needs an application that speaks plain HTTP (protocol is ${protocol})`,
      fix: TLS_PROTOCOLS.includes(protocol)
        ? 'remove tlsOrigination: the application already speaks TLS, which passes through unchanged'
        : 'use protocol HTTP, or remove tlsOrigination',
      symptom: TLS_PROTOCOLS.includes(protocol) ? 'TLS inside TLS, which the external host cannot read' : undefined,
    });
  }
  if (o.tls.mode !== ClientTlsMode.SIMPLE && o.tls.mode !== ClientTlsMode.MUTUAL) {
    problems.push({
      field: 'tlsOrigination.tls.mode',
      value: o.tls.mode,
      problem: 'must be SIMPLE or MUTUAL: the external host has no Istio identity (ISTIO_MUTUAL), and DISABLE originates nothing',
      fix: 'use ClientTlsMode.SIMPLE, or MUTUAL to present a client certificate; or remove tlsOrigination',
    });
    return problems;
  }
  const tlsPort = o.port ?? 443;
  const portIssue = portProblem(tlsPort) ?? (tlsPort === port ? `is the same as port (${port}), which carries the plain HTTP` : undefined);
  if (portIssue) {
    problems.push({ field: 'tlsOrigination.port', value: tlsPort, problem: portIssue, fix: 'give the external host\'s TLS port, usually 443' });
  }
  // The DestinationRule's own rules (IST0128 included), named as the user wrote them and said from this side.
  const where = direct
    ? 'each client sidecar originates this TLS, so certificate files are paths in the sidecar container, and credentialName is ignored'
    : `the egress gateway originates this TLS, so certificate files are paths in its container and credentialName names a Secret in namespace "${gatewayNamespace}"`;
  const policyProblems = trafficPolicyProblems(
    { tls: o.tls, loadBalancer: o.loadBalancer },
    { field: 'tlsOrigination', inheritsOutlierDetection: false },
  );
  problems.push(...policyProblems.map(p => (p.field.startsWith('tlsOrigination.tls') ? { ...p, fix: `${p.fix} (${where})` } : p)));
  return problems;
}

function gatewayServer(protocol: Protocol, mutual: boolean, port: number, host: string): GatewayServer {
  if (mutual) {
    // HTTP is routed after the gateway terminates the mTLS; anything else is forwarded as TCP.
    const serverProtocol = GATEWAY_HTTP_PROTOCOLS.includes(protocol) ? Protocol.HTTPS : Protocol.TLS;
    return { port: { number: port, protocol: serverProtocol }, hosts: [host], tls: { mode: GatewayTlsMode.ISTIO_MUTUAL } };
  }
  if (TLS_PROTOCOLS.includes(protocol)) {
    return { port: { number: port, protocol: Protocol.TLS }, hosts: [host], tls: { mode: GatewayTlsMode.PASSTHROUGH } };
  }
  return { port: { number: port, protocol }, hosts: [host] };
}

interface Hop {
  readonly port: number;
}

interface Target {
  readonly host: string;
  readonly subset?: string;
  readonly port: number;
}

interface Routes {
  readonly http?: HttpRouteOptions[];
  readonly tcp?: TcpRouteOptions[];
  readonly tls?: TlsRouteOptions[];
}

/**
 * The two hops, in the route kind each side sees: HTTP routes for HTTP; TLS routes (by SNI) for passed-through TLS;
 * TCP routes for TCP and for whatever leaves a gateway that terminated the sidecars' mTLS.
 */
function routesFor(protocol: Protocol, mutual: boolean, host: string, fromMesh: Hop, toGateway: Target, fromGateway: Hop, toExternal: Target):
{ mesh: Routes; gateway: Routes } {
  if (GATEWAY_HTTP_PROTOCOLS.includes(protocol)) {
    return { mesh: { http: [{ match: [fromMesh], route: [toGateway] }] }, gateway: { http: [{ match: [fromGateway], route: [toExternal] }] } };
  }
  const second: TcpRouteOptions = { match: [fromGateway], route: [toExternal] };
  if (TLS_PROTOCOLS.includes(protocol)) {
    const first: TlsRouteOptions = { match: [{ ...fromMesh, sniHosts: [host] }], route: [toGateway] };
    return {
      mesh: { tls: [first] },
      gateway: mutual ? { tcp: [second] } : { tls: [{ match: [{ ...fromGateway, sniHosts: [host] }], route: [toExternal] }] },
    };
  }
  return { mesh: { tcp: [{ match: [fromMesh], route: [toGateway] }] }, gateway: { tcp: [second] } };
}
