import { ApiObject, ApiObjectMetadata, Duration } from 'cdk8s';
import * as plus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { RoutingApi } from './api-version';
import { DestinationRule } from './destination-rule';
import { GatewayApiGrpcRoute } from './gateway-api-grpc-route';
import { GatewayApiHttpFilter, GatewayApiHttpRoute, GatewayApiHttpRule } from './gateway-api-http-route';
import { GatewayApiTcpRoute } from './gateway-api-l4-routes';
import { GatewayApiBackend, GatewayApiParent } from './gateway-api-refs';
import { HttpFault, httpFaultProblems } from './http-fault';
import { HttpRetry, httpRetryProblems } from './http-retry';
import { HttpRouteOptions } from './http-route';
import { MeshService } from './mesh-service';
import { MeshDeployment, MeshWorkload } from './mesh-workload';
import { gammaVirtualServiceClashProblems, gammaWithoutProxyProblems } from './private/analysis/gamma-routes';
import { canaryBypassProblems, canaryGatewayApiBypassProblems, canaryGatewayClashProblems } from './private/analysis/ist0140-canary-release';
import { MeshAnalysis } from './private/analysis/model';
import { canaryGammaProblems, gatewayApiRetry, KEEP_ISTIO } from './private/canary-gamma';
import { durationProblem } from './private/duration';
import { configError, describeProblem, Problem, throwIfProblems } from './private/errors';
import { combineMatches } from './private/http-match';
import { gatewayApiHttpMatch, precedenceProblems } from './private/ingress-gateway-api';
import { istioReleaseOf } from './private/istio-version';
import { addSynthValidation, expandHost, markMeshChecked } from './private/mesh-model';
import { HTTP_ROUTED_PROTOCOLS, protocolPrefix, subsetNameOf, VERSION_LABEL, versionLabelProblem } from './private/mesh-rules';
import { defaultObjectName } from './private/names';
import { withFields } from './private/objects';
import { resolveRoutingApi } from './private/routing-api';
import { dnsLabelProblem, percentProblem } from './private/rules';
import { DEFAULT_NAMESPACE, namespaceOf } from './private/scope';
import { checkArgs, checkShape } from './private/shape';
import { trafficPolicyProblems } from './private/traffic-policy';
import { Protocol } from './protocol';
import { HttpRouteDestination } from './route-destination';
import { HttpMatch, httpMatchProblems, l4MatchProblems, TcpMatch } from './route-match';
import { BackendRouteKind, ServiceBackend } from './service-backend';
import { StringMatch } from './string-match';
import { TrafficPolicy } from './traffic-policy';
import { VirtualService } from './virtual-service';

const MESH = 'mesh';
/** RFC 6265 cookie-octets: visible ASCII except space, `"`, `,`, `;` and `\`. */
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]+$/;
/** RFC 7230 token, the syntax of a cookie name. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Options of a version whose Deployment the release creates.
 */
export interface CanaryWorkloadOptions {
  /**
   * Options of the version's container (env, resources, probes, ...). Its ports default to one port, the release's
   * `targetPort`, named after the protocol (`http`, `grpc`, `tcp`...) so Istio reads the protocol from it.
   *
   * @default - cdk8s-plus's container defaults and one named port
   */
  readonly container?: plus.ContainerOpts;

  /**
   * The number of pods.
   *
   * @default 2 (cdk8s-plus's default)
   */
  readonly replicas?: number;

  /**
   * Extra pod labels and annotations, e.g. labels a handed-in Service selects on besides `app`. The `app` and
   * `version` labels are set by the release.
   *
   * @default - only the `app` and `version` labels
   */
  readonly podMetadata?: ApiObjectMetadata;

  /**
   * The service account the pods run as (their identity in the mesh, e.g. for AuthorizationPolicy principals).
   *
   * @default - cdk8s-plus's default: the namespace's `default` service account
   */
  readonly serviceAccount?: plus.IServiceAccount;
}

/**
 * Where the pods of a version come from: a Deployment the release creates from an image, or an existing Deployment
 * handed in, whose pod labels `app` and `version` are checked at synth.
 */
export class CanaryWorkload {
  /**
   * The release creates a MeshDeployment `<service>-<version>` running `image`, labelled `app` and `version`.
   *
   * @param image the container image, e.g. `docker.io/istio/examples-bookinfo-reviews-v2:1.20.3`
   * @param options the container, replicas, pod metadata and service account of the Deployment
   */
  public static fromImage(image: string, options: CanaryWorkloadOptions = {}): CanaryWorkload {
    checkArgs('CanaryWorkload.fromImage', [image, options]);
    return new CanaryWorkload(image, options, undefined);
  }

  /**
   * An existing Deployment from any cdk8s-plus line (cdk8s-plus-27, cdk8s-plus-33, ...) or a MeshDeployment. Its
   * pods must carry the label `version: <version name>` and every label the release's Service selects on (`app`).
   *
   * @param deployment the Deployment construct (its ApiObject is found with `ApiObject.of()`)
   */
  public static fromDeployment(deployment: IConstruct): CanaryWorkload {
    checkArgs('CanaryWorkload.fromDeployment', [deployment]);
    // A MeshDeployment checks its pods against Istio's rules itself; any other Deployment is checked by the release.
    return new CanaryWorkload(undefined, undefined, MeshWorkload.fromWorkload(deployment), !(deployment instanceof MeshDeployment),
      ApiObject.of(deployment));
  }

  /**
   * An existing workload ApiObject (e.g. a Deployment imported with `Include`), with the same label requirements as
   * `fromDeployment()`.
   *
   * @param apiObject the workload's ApiObject (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod)
   */
  public static fromApiObject(apiObject: ApiObject): CanaryWorkload {
    checkArgs('CanaryWorkload.fromApiObject', [apiObject]);
    return new CanaryWorkload(undefined, undefined, MeshWorkload.fromApiObject(apiObject), true, apiObject);
  }

  /** @internal */
  public readonly _image?: string;
  /** @internal */
  public readonly _options?: CanaryWorkloadOptions;
  /** @internal */
  public readonly _existing?: MeshWorkload;
  /** Whether the release must check the handed-in workload against Istio's pod rules (ports, UID, injection). @internal */
  public readonly _needsMeshCheck: boolean;
  /** The handed-in workload's ApiObject. @internal */
  public readonly _apiObject?: ApiObject;

  private constructor(image: string | undefined, options: CanaryWorkloadOptions | undefined, existing: MeshWorkload | undefined,
    needsMeshCheck = false, apiObject?: ApiObject) {
    this._image = image;
    this._options = options;
    this._existing = existing;
    this._needsMeshCheck = needsMeshCheck;
    this._apiObject = apiObject;
  }
}

/**
 * One version of the released service.
 */
export interface CanaryVersion {
  /**
   * The version's name: the value of the pods' `version` label, any Kubernetes label value such as `v1`, `v2-rc1` or
   * an image tag like `1.20.3`. Rules and mirroring name versions by it.
   */
  readonly name: string;

  /**
   * The DestinationRule subset of this version (a DNS label: letters, digits and "-"), also the suffix of the
   * Deployment the release creates (`<service>-<subset name in lower case>`).
   *
   * @default - `name` when it is a DNS label, else `name` with every run of other characters replaced by "-"
   * (`1.20.3` becomes `1-20-3`)
   */
  readonly subsetName?: string;

  /** Where the version's pods come from. */
  readonly workload: CanaryWorkload;

  /**
   * The percentage of the traffic this version gets from the weighted split: an integer from 0 to 100; the weights
   * of all versions must add up to 100. A version with weight 0 keeps its subset, so rules, mirroring and a later
   * weight change can reach it.
   *
   * @default - 0, unless no version has a weight and `canaryPercent` is not set: then the first version gets 100
   */
  readonly weight?: number;

  /**
   * A traffic policy for this version's subset only. Its fields replace the release-wide `trafficPolicy`'s.
   *
   * @default - the release-wide `trafficPolicy`
   */
  readonly trafficPolicy?: TrafficPolicy;
}

/**
 * Options of a rule that routes HTTP requests by any HTTP condition.
 */
export interface CanaryHttpRuleOptions {
  /**
   * A name for the route, shown in access logs and Envoy statistics.
   *
   * @default - unnamed
   */
  readonly name?: string;

  /** The conditions; the rule applies when any of them holds. */
  readonly match: HttpMatch[];

  /**
   * The version matching requests go to.
   *
   * @default - the weighted split
   */
  readonly version?: string;

  /**
   * Faults to inject into matching requests (delays, aborts), each with its percentage.
   *
   * @default - none
   */
  readonly fault?: HttpFault;
}

/**
 * Options of a rule that routes TCP connections by connection attributes.
 */
export interface CanaryTcpRuleOptions {
  /** The conditions; the rule applies when any of them holds. */
  readonly match: TcpMatch[];

  /** The version matching connections go to. */
  readonly version: string;
}

/**
 * A routing rule the release applies before its weighted split. Rules are tried in order; the first that matches
 * decides, and requests no rule matches are split by weight.
 */
export class CanaryRule {
  /**
   * Requests whose header `name` matches `value` go to `version` (HTTP and gRPC services).
   *
   * @example
   * CanaryRule.header('end-user', StringMatch.exact('jason'), 'v2');
   *
   * @param name the request header's name, e.g. `end-user`
   * @param value how the header's value must match
   * @param version the version (a `CanaryVersion` name) matching requests go to
   */
  public static header(name: string, value: StringMatch, version: string): CanaryRule {
    checkArgs('CanaryRule.header', [name, value, version]);
    return new CanaryRule('header', { match: [{ headers: { [name]: value } }], version }, undefined);
  }

  /**
   * Requests that carry cookie `name` with exactly `value` go to `version` (HTTP and gRPC services). Rendered as a
   * regular expression on the `cookie` header, which is how Istio matches cookies.
   *
   * @example
   * CanaryRule.cookie('canary', 'always', 'v2');
   *
   * @param name the cookie's name
   * @param value the exact value the cookie must have
   * @param version the version (a `CanaryVersion` name) matching requests go to
   */
  public static cookie(name: string, value: string, version: string): CanaryRule {
    checkArgs('CanaryRule.cookie', [name, value, version]);
    const regex = `^(.*?;\\s*)?(${escapeRe2(name)}=${escapeRe2(value)})(;.*)?$`;
    return new CanaryRule('cookie', { match: [{ headers: { cookie: StringMatch.regex(regex) } }], version }, undefined, { name, value });
  }

  /**
   * Calls from workloads whose pods carry `labels` go to `version` (any protocol; sidecar traffic only).
   *
   * @example
   * // ratings v2 serves reviews v3 only
   * CanaryRule.sourceLabels({ app: 'reviews', version: 'v3' }, 'v2');
   *
   * @param labels the pod labels of the calling workloads
   * @param version the version (a `CanaryVersion` name) their calls go to
   */
  public static sourceLabels(labels: { [key: string]: string }, version: string): CanaryRule {
    checkArgs('CanaryRule.sourceLabels', [labels, version]);
    return new CanaryRule('sourceLabels', { match: [{ sourceLabels: { ...labels } }], version }, { match: [{ sourceLabels: { ...labels } }], version });
  }

  /**
   * Requests matching any HTTP conditions go to a version, or to the split, optionally with injected faults (HTTP and
   * gRPC services).
   *
   * @example
   * // 7s delay for user jason (Bookinfo's ratings test)
   * CanaryRule.http({
   *   match: [{ headers: { 'end-user': StringMatch.exact('jason') } }],
   *   fault: { delay: { fixedDelay: Duration.seconds(7) } },
   * });
   *
   * @param options the conditions, the version (or the split) and the faults of the rule
   */
  public static http(options: CanaryHttpRuleOptions): CanaryRule {
    checkArgs('CanaryRule.http', [options]);
    return new CanaryRule('http', options, undefined);
  }

  /**
   * Connections matching TCP conditions go to a version (TCP services).
   *
   * @param options the conditions and the version of the rule
   */
  public static tcp(options: CanaryTcpRuleOptions): CanaryRule {
    checkArgs('CanaryRule.tcp', [options]);
    return new CanaryRule('tcp', undefined, options);
  }

  /** @internal */
  public readonly _kind: string;
  /** @internal */
  public readonly _http?: CanaryHttpRuleOptions;
  /** @internal */
  public readonly _tcp?: CanaryTcpRuleOptions;
  /** @internal */
  public readonly _cookie?: { readonly name: string; readonly value: string };

  private constructor(kind: string, http?: CanaryHttpRuleOptions, tcp?: CanaryTcpRuleOptions, cookie?: { name: string; value: string }) {
    this._kind = kind;
    this._http = http;
    this._tcp = tcp;
    this._cookie = cookie;
  }
}

/**
 * Shadow traffic: a copy of live requests sent to a version, whose responses are discarded.
 */
export interface CanaryMirror {
  /** The version that receives the copies. */
  readonly version: string;

  /**
   * The percentage of the requests the weighted split takes that are copied, 0 to 100.
   *
   * @default 100
   */
  readonly percentage?: number;
}

/**
 * Props of a CanaryRelease.
 */
export interface CanaryReleaseProps {
  /**
   * The versions, two or more. Each becomes a DestinationRule subset selected by the pod label `version: <name>`.
   */
  readonly versions: CanaryVersion[];

  /**
   * The simple case for two versions: the second (the canary) gets this percentage, an integer from 0 to 100, and the
   * first the rest. Not together with per-version weights.
   *
   * @default - the versions' own weights
   */
  readonly canaryPercent?: number;

  /**
   * The name of the Service the release creates; also the name and host of its VirtualService and DestinationRule,
   * as in Istio's samples (`reviews`).
   *
   * @default - the construct id in kebab case (`Reviews` becomes `reviews`)
   */
  readonly serviceName?: string;

  /**
   * The `app` label of every version's pods, which the Service selects on.
   *
   * @default - the Service name
   */
  readonly app?: string;

  /**
   * The protocol the service speaks. HTTP, HTTP2, GRPC and GRPC-WEB are routed with `http` routes; the others (TCP,
   * TLS, MONGO, ...) with weighted `tcp` routes, which take no HTTP options. UDP is not routed by Istio.
   *
   * @default Protocol.HTTP
   */
  readonly protocol?: Protocol;

  /**
   * The port of the Service the release creates.
   *
   * @default 80
   */
  readonly port?: number;

  /**
   * The container port the Service sends to, and the port of the containers the release creates (also with a
   * handed-in `service`).
   *
   * @default - the same as `port` (with a handed-in `service`: its port)
   */
  readonly targetPort?: number;

  /**
   * An existing Service to use instead of creating one, e.g. `ServiceBackend.fromMeshService(svc)` (with `{ port }`
   * when it has several ports). It must be in the release's namespace and select every version's pods, so it must not
   * select on `version`. Not together with `serviceName` or `port`.
   *
   * @default - the release creates a MeshService selecting on `app`
   */
  readonly service?: ServiceBackend;

  /**
   * Routing rules applied, in order, before the weighted split: header, cookie and caller pinning, fault injection.
   *
   * @default - none: every request is split by weight
   */
  readonly rules?: CanaryRule[];

  /**
   * Copy live traffic to a version (HTTP and gRPC services): the requests the weighted split takes, not those a rule
   * routes (testers pinned to a version are not live traffic).
   *
   * @default - no mirroring
   */
  readonly mirror?: CanaryMirror;

  /**
   * The timeout of each request, including retries, on every route of the VirtualService (HTTP and gRPC services).
   *
   * @default - Istio's default (no timeout)
   */
  readonly timeout?: Duration;

  /**
   * The retry policy of every route of the VirtualService (HTTP and gRPC services).
   *
   * @default - Istio's default (2 attempts on connect failures and refused streams)
   */
  readonly retries?: HttpRetry;

  /**
   * The DestinationRule's policy for every version: circuit breaking (`connectionPool`, `outlierDetection`), load
   * balancing and consistent-hash (sticky) sessions, client TLS. Per-version policies go in `versions[].trafficPolicy`.
   *
   * @default - Istio's defaults
   */
  readonly trafficPolicy?: TrafficPolicy;

  /**
   * The API the release's routing is written in. `RoutingApi.ISTIO`: a VirtualService and a DestinationRule with one
   * subset per version. `RoutingApi.GATEWAY_API` (GAMMA, as in Istio's traffic-shifting task's "Gateway API" tab and
   * Bookinfo's `gateway-api` samples): one Service per version (`<service>-<subset>`, selecting `app` and `version`,
   * since Gateway API routes have no subsets), and an HTTPRoute (HTTP, HTTP2), GRPCRoute (GRPC, GRPC-WEB) or TCPRoute
   * (the others) whose parent is the release's Service, with the rules and the weighted split as `backendRefs`;
   * traffic policies become one DestinationRule per version Service. What the Gateway API cannot say (fault
   * injection, caller matches, TCP matches, Envoy retry conditions) is an error.
   *
   * @see https://istio.io/latest/docs/tasks/traffic-management/traffic-shifting/
   * @default - `IstioApi.useRoutingApi()`'s choice for the app or chart, else `RoutingApi.ISTIO`
   */
  readonly routingApi?: RoutingApi;
}

/**
 * One service released in several versions, with everything that must agree kept in one place: a Deployment per
 * version labelled `app` + `version` (created, or handed in and checked), one Service selecting on `app` (spanning
 * every version), a DestinationRule with one subset per version, and a VirtualService that applies the rules in
 * order and then splits the traffic by weight. A route to a subset nobody defines (503 NR) or a version label that
 * matches no subset cannot be written.
 *
 * The routing objects are named after the Service and use its short name as host, as in Istio's samples; they live
 * in the Service's namespace, so the short name is unambiguous.
 *
 * @example
 * new CanaryRelease(chart, 'Reviews', {
 *   port: 9080,
 *   versions: [
 *     { name: 'v1', workload: CanaryWorkload.fromImage('docker.io/istio/examples-bookinfo-reviews-v1:1.20.3') },
 *     { name: 'v2', workload: CanaryWorkload.fromImage('docker.io/istio/examples-bookinfo-reviews-v2:1.20.3') },
 *   ],
 *   canaryPercent: 10,
 *   rules: [CanaryRule.header('end-user', StringMatch.exact('jason'), 'v2')],
 * });
 */
export class CanaryRelease extends Construct {
  /** The name of the Service, VirtualService and DestinationRule. */
  public readonly serviceName: string;

  /** The `app` label every version's pods carry. */
  public readonly app: string;

  /** The protocol the service speaks. */
  public readonly protocol: Protocol;

  /** The VirtualService that routes the service's traffic; undefined on the Gateway API (see `httpRoute`). */
  public readonly virtualService?: VirtualService;

  /**
   * The DestinationRule that defines one subset per version; undefined on the Gateway API, whose routes send to one
   * Service per version (see `versionServices` and `versionDestinationRules`).
   */
  public readonly destinationRule?: DestinationRule;

  /** The API the release's routing is written in. */
  public readonly routingApi: RoutingApi;

  /** On the Gateway API with protocol HTTP or HTTP2: the HTTPRoute whose parent is the release's Service. */
  public readonly httpRoute?: GatewayApiHttpRoute;

  /** On the Gateway API with protocol GRPC or GRPC-WEB: the GRPCRoute whose parent is the release's Service. */
  public readonly grpcRoute?: GatewayApiGrpcRoute;

  /** On the Gateway API with a TCP-routed protocol: the TCPRoute whose parent is the release's Service. */
  public readonly tcpRoute?: GatewayApiTcpRoute;

  /** The Service the release created, or undefined when one was handed in. */
  public readonly service?: MeshService;

  /**
   * The release's Service as a route destination. A route to it from another VirtualService reaches every version's
   * pods regardless of this release's weights and rules, so a gateway route to it is refused (IST0140); to expose the
   * release at a gateway, use `bindToGateway()` or route to `splitDestinations`.
   */
  public readonly backend: ServiceBackend;

  private readonly versionList: ReleasedVersion[];
  private readonly createdDeployments: MeshDeployment[] = [];
  /** The HTTP routes of the release's VirtualService, as added (hosts as the release names them). */
  private readonly httpRoutes: HttpRouteOptions[] = [];
  /** The pods of each version, by version name, to check against the subsets and the Service at synth. */
  private readonly pods = new Map<string, MeshWorkload>();
  private readonly host: string;
  private readonly destinationPort?: number;
  private readonly routeKind: BackendRouteKind;
  private readonly _versionServices: MeshService[] = [];
  private readonly _versionDestinationRules: DestinationRule[] = [];
  private readonly _httpRouteRules: GatewayApiHttpRule[] = [];
  /** The Service port routes name (GAMMA parent and backends). */
  private readonly servicePort: number;

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the CanaryRelease's settings
   */
  public constructor(scope: Construct, id: string, props: CanaryReleaseProps) {
    super(scope, id);
    checkShape(this, 'CanaryReleaseProps', props);
    this.protocol = props.protocol ?? Protocol.HTTP;
    this.routeKind = HTTP_ROUTED_PROTOCOLS.includes(this.protocol) ? BackendRouteKind.HTTP : BackendRouteKind.TCP;
    const namespace = namespaceOf(this) ?? DEFAULT_NAMESPACE;

    const problems: Problem[] = [];
    problems.push(...this.serviceProblems(props, namespace));
    problems.push(...versionProblems(props.versions));
    const weights = weightsOf(props, problems);
    problems.push(...this.ruleProblems(props));
    problems.push(...this.optionProblems(props));
    this.routingApi = resolveRoutingApi(this, props.routingApi);
    const gammaRouting = this.routingApi === RoutingApi.GATEWAY_API;
    if (gammaRouting) problems.push(...canaryGammaProblems(props, this.protocol, this.routeKind === BackendRouteKind.TCP));
    throwIfProblems(this, problems);

    this.versionList = props.versions.map((v, i) => withFields(v, { weight: weights[i], subset: subsetOf(v) }));
    this.serviceName = props.service ? props.service.host.split('.')[0] : props.serviceName ?? defaultObjectName(id);
    this.app = props.app ?? this.serviceName;
    this.host = this.serviceName;

    const containerPort = props.targetPort ?? props.port ?? props.service?.resolve().port ?? 80;
    for (const v of this.versionList) {
      const image = v.workload._image;
      if (image === undefined) {
        this.pods.set(v.name, v.workload._existing!);
        if (v.workload._needsMeshCheck && v.workload._apiObject) markMeshChecked(v.workload._apiObject);
        continue;
      }
      const options = v.workload._options ?? {};
      const portName = protocolPrefix(this.protocol);
      const deployment = new MeshDeployment(this, `Deployment-${v.name}`, {
        metadata: { name: `${this.serviceName}-${v.subset.toLowerCase()}` },
        app: this.app,
        version: v.name,
        replicas: options.replicas,
        podMetadata: options.podMetadata,
        serviceAccount: options.serviceAccount,
        containers: [{
          ...options.container,
          image,
          ports: options.container?.ports ?? (options.container?.portNumber === undefined && options.container?.port === undefined
            ? [{ number: containerPort, name: portName }]
            : undefined),
        }],
      });
      this.createdDeployments.push(deployment);
      this.pods.set(v.name, MeshWorkload.fromWorkload(deployment));
    }

    if (props.service) {
      this.backend = props.service;
    } else {
      this.service = new MeshService(this, 'Service', {
        metadata: { name: this.serviceName },
        app: this.app,
        ports: [{ port: props.port ?? 80, protocol: this.protocol, targetPort: props.targetPort }],
      });
      this.backend = ServiceBackend.fromMeshService(this.service);
    }

    // A handed-in Service may have several ports; the route must then name the one chosen on the backend (IST0112).
    // The release's own Service has the one port it was just made with (no need to render it to know that).
    const resolved = props.service?.resolve();
    const port = resolved !== undefined && resolved.ports.length > 1 ? resolved.port : undefined;
    this.destinationPort = port;
    this.servicePort = resolved?.port ?? props.port ?? 80;

    if (gammaRouting) {
      this.addVersionServices(props, containerPort);
      const route = this.addGammaRoute(props);
      this.httpRoute = route.http;
      this.grpcRoute = route.grpc;
      this.tcpRoute = route.tcp;
    } else {
      this.destinationRule = new DestinationRule(this, 'DestinationRule', {
        metadata: { name: this.serviceName },
        host: this.host,
        trafficPolicy: props.trafficPolicy,
        subsets: this.versionList.map(v => ({ name: v.subset, labels: { [VERSION_LABEL]: v.name }, trafficPolicy: v.trafficPolicy })),
      });
      this.virtualService = new VirtualService(this, 'VirtualService', { metadata: { name: this.serviceName }, hosts: [this.host] });
      this.addRoutes(props, port, this.virtualService);
    }

    addSynthValidation(this, () => this.validateRelease());
  }

  /** The version names, in the order given. */
  public get versions(): string[] {
    return this.versionList.map(v => v.name);
  }

  /** The weight of each version in the split, by version name (canaryPercent and defaults applied). */
  public get weights(): { [version: string]: number } {
    return Object.fromEntries(this.versionList.map(v => [v.name, v.weight]));
  }

  /** The Deployments the release created (versions made with `CanaryWorkload.fromImage()`). */
  public get deployments(): MeshDeployment[] {
    return [...this.createdDeployments];
  }

  /**
   * On the Gateway API: the Service of each version (`<service>-<subset>`), in the order of `versions`; empty on
   * Istio's API, where the versions are DestinationRule subsets.
   */
  public get versionServices(): MeshService[] {
    return [...this._versionServices];
  }

  /**
   * On the Gateway API with protocol HTTP or HTTP2: the rules of the release's HTTPRoute (the pins, then the weighted
   * split over the version Services, with the timeout, retries and mirror), e.g. for an HTTPRoute parented to an
   * ingress Gateway so that ingress traffic gets the same rules and split (what `bindToGateway()` does on Istio's API).
   * Empty otherwise.
   */
  public get httpRouteRules(): GatewayApiHttpRule[] {
    return [...this._httpRouteRules];
  }

  /**
   * On the Gateway API: the DestinationRule of each version Service that has a traffic policy (the release-wide
   * `trafficPolicy`, whose fields the version's own replace); empty on Istio's API.
   */
  public get versionDestinationRules(): DestinationRule[] {
    return [...this._versionDestinationRules];
  }

  /**
   * Applies the release's routes to traffic entering through a gateway as well, so ingress traffic gets the same
   * rules and split as mesh traffic without writing the routes twice. The VirtualService keeps applying to the mesh.
   *
   * The gateway must serve the hosts, and no other VirtualService (e.g. an IngressRoute's) may route them at the same
   * gateway: the gateway would merge both route lists and one would shadow the other (reported at synth). To send an
   * IngressRoute path to the release instead, give the path `release: <this release>`.
   *
   * @param gatewayRef the Gateway as `namespace/name`, e.g. `gateway.gatewayRef`
   * @param hosts the host names the gateway serves for this service, e.g. `['bookinfo.example.com']`; none when the
   * gateway serves the Service's own host name
   */
  public bindToGateway(gatewayRef: string, hosts: string[] = []): void {
    const vs = this.istioVirtualService('bindToGateway()');
    if (vs.gateways.length === 0) vs.addGateway(MESH);
    vs.addGateway(gatewayRef);
    for (const host of hosts) vs.addHost(host);
  }

  /**
   * The release's HTTP routes for a VirtualService bound to a gateway, e.g. an IngressRoute path (that is what
   * `IngressHttpRoute.release` does): the rules, then the weighted split, each with the release's timeout, retries,
   * faults and mirror, sent to the Service's fully qualified host through the release's subsets. Rules on the caller
   * (`sourceLabels`, `sourceNamespace`) are left out: at a gateway the caller is the gateway's pod, so they never match.
   *
   * @param match conditions every route also requires, e.g. the ingress path; each is combined with each rule's own
   * conditions (both must hold). A condition both set (e.g. two `uri` matches) is an error.
   * @returns the routes, in the order the release applies them
   */
  public gatewayHttpRoutes(match: HttpMatch[] = []): HttpRouteOptions[] {
    const problems: Problem[] = [];
    const routes = this._gatewayHttpRoutes(match, problems);
    throwIfProblems(this, problems.map(p => ({ ...p, field: `gatewayHttpRoutes(match).${p.field}` })));
    return routes;
  }

  /** `gatewayHttpRoutes()`, reporting conflicting conditions in `problems` (fields `match[i].<field>`). @internal */
  public _gatewayHttpRoutes(match: HttpMatch[], problems: Problem[]): HttpRouteOptions[] {
    if (this.routeKind !== BackendRouteKind.HTTP) {
      problems.push({
        field: 'protocol',
        value: this.protocol,
        problem: 'is routed with tcp routes, which have none of the HTTP routes\' conditions, timeouts or retries',
        fix: 'route the gateway\'s TCP traffic with an IngressRoute tcpRoutes entry and backend: release.backend',
      });
      return [];
    }
    if (this.virtualService === undefined) {
      problems.push(this.gammaOnlyProblem('the release\'s routes for a gateway\'s VirtualService'));
      return [];
    }
    const fqdn = expandHost(this.host, this.virtualService.effectiveNamespace);
    const onFqdn = (d: HttpRouteDestination): HttpRouteDestination => withFields(d, { host: fqdn });
    const routes: HttpRouteOptions[] = [];
    for (const route of this.httpRoutes) {
      const own = route.match?.filter(m => m.sourceLabels === undefined && m.sourceNamespace === undefined);
      if (own !== undefined && own.length === 0) continue; // only mesh callers' conditions
      const combined = combineMatches(match, own, problems);
      routes.push(withFields(route, {
        match: combined.length > 0 ? combined : undefined,
        route: route.route?.map(onFqdn),
        mirror: route.mirror && withFields(route.mirror, { host: fqdn }),
      }));
    }
    return routes;
  }

  /**
   * The weighted split as destinations for a route of another VirtualService that should split like the release,
   * e.g. an IngressRoute's `route`: the Service's fully qualified host, one subset per version with a weight above 0.
   * Only the weights carry over; for the rules, timeout, retries and mirror too, use `gatewayHttpRoutes()` (or an
   * IngressRoute path with `release`).
   */
  public get splitDestinations(): HttpRouteDestination[] {
    if (this.virtualService === undefined) {
      // Gateway API: no subsets; each version has a Service of its own.
      const live = this.versionList.map((v, i) => ({ v, service: this._versionServices[i] })).filter(({ v }) => v.weight > 0);
      return live.map(({ v, service }) => ({ host: service.fqdn, port: this.destinationPort, weight: live.length > 1 ? v.weight : undefined }));
    }
    return this.split(expandHost(this.host, this.virtualService.effectiveNamespace));
  }

  /** The VirtualService, for a method that only exists on Istio's API. */
  private istioVirtualService(method: string): VirtualService {
    if (this.virtualService === undefined) throw configError(this, this.gammaOnlyProblem(method));
    return this.virtualService;
  }

  private gammaOnlyProblem(what: string): Problem {
    return {
      field: 'routingApi',
      value: this.routingApi,
      problem: `is the Gateway API, so the release has no VirtualService and no subsets for ${what}`,
      fix: 'attach an HTTPRoute to the Gateway API Gateway with the release\'s rules (new GatewayApiHttpRoute(scope, id, { parents, '
        + 'rules: release.httpRouteRules })), or keep the release on Istio\'s API (routingApi: RoutingApi.ISTIO)',
    };
  }

  /**
   * Gateway API routes have no subsets: each version gets a Service selecting `app` and `version`, named as Bookinfo's
   * `gateway-api/bookinfo-versions.yaml` names them (`reviews-v1`), with the release's port and protocol; its traffic
   * policy goes into a DestinationRule for that Service's host.
   */
  private addVersionServices(props: CanaryReleaseProps, containerPort: number): void {
    for (const v of this.versionList) {
      const name = `${this.serviceName}-${v.subset.toLowerCase()}`;
      const service = new MeshService(this, `Service-${v.name}`, {
        metadata: { name },
        app: this.app,
        extraSelector: { [VERSION_LABEL]: v.name },
        ports: [{ port: this.servicePort, protocol: this.protocol, targetPort: containerPort === this.servicePort ? undefined : containerPort }],
      });
      this._versionServices.push(service);
      const policy: TrafficPolicy = { ...props.trafficPolicy, ...v.trafficPolicy };
      if (Object.values(policy).every(value => value === undefined)) continue;
      this._versionDestinationRules.push(new DestinationRule(this, `DestinationRule-${v.name}`, { metadata: { name }, host: name, trafficPolicy: policy }));
    }
  }

  /**
   * GAMMA: one route whose parent is the release's Service (its port), as Istio's traffic-shifting and request-routing
   * tasks write it: the rules in order, each to its version's Service (or to the split), then the weighted split over
   * the version Services, with the release's timeout, retries and mirror on every HTTP rule.
   */
  private addGammaRoute(props: CanaryReleaseProps): { http?: GatewayApiHttpRoute; grpc?: GatewayApiGrpcRoute; tcp?: GatewayApiTcpRoute } {
    const metadata = { name: this.serviceName };
    const parents = [GatewayApiParent.service(this.serviceName, { port: this.servicePort })];
    const backendOf = (version: string, weight?: number): GatewayApiBackend => {
      const i = this.versionList.findIndex(v => v.name === version);
      return GatewayApiBackend.service(this._versionServices[i].name, this.servicePort, { weight });
    };
    const live = this.versionList.filter(v => v.weight > 0);
    const split = live.map(v => backendOf(v.name, live.length > 1 ? v.weight : undefined));
    if (this.routeKind === BackendRouteKind.TCP) {
      return { tcp: new GatewayApiTcpRoute(this, 'TcpRoute', { metadata, parents, backends: split }) };
    }
    const problems: Problem[] = [];
    const pinned = (props.rules ?? []).map((rule, i) => ({
      matches: rule._http!.match.map((m, j) => gatewayApiHttpMatch(`rules[${i}].match[${j}]`, m, problems, KEEP_ISTIO)),
      backends: rule._http!.version ? [backendOf(rule._http!.version)] : split,
    }));
    // The release tries its rules in order; the Gateway API prefers the most specific match (as for IngressRoute).
    pinned.forEach((r, j) => problems.push(...precedenceProblems(`rules[${j}]`, r.matches,
      pinned.slice(0, j).map((e, i) => ({ field: `rules[${i}]`, matches: e.matches })), KEEP_ISTIO)));
    throwIfProblems(this, problems);
    const mirror = props.mirror && GatewayApiHttpFilter.mirror(backendOf(props.mirror.version),
      { percent: props.mirror.percentage === undefined || props.mirror.percentage === 100 ? undefined : props.mirror.percentage });
    const last = { backends: split, filters: mirror && [mirror] };
    if (this.protocol === Protocol.GRPC || this.protocol === Protocol.GRPC_WEB) {
      // A GRPCRoute matches headers and the gRPC service/method; timeouts and retries were refused (canaryGammaProblems).
      const grpcProblems: Problem[] = [];
      const grpcRules = pinned.map((r, i) => ({
        backends: r.backends,
        matches: r.matches.map((m, j) => {
          for (const key of ['path', 'queryParams', 'method'] as const) {
            if (m[key] === undefined) continue;
            grpcProblems.push({
              field: `rules[${i}].match[${j}].${key === 'path' ? 'uri' : key}`,
              value: key === 'path' ? m.path!._render() : m[key],
              problem: `is an HTTP condition, and protocol ${this.protocol} is routed with a GRPCRoute, which matches headers and the gRPC method only`,
              fix: `match a header, or set protocol HTTP2 to route with an HTTPRoute, ${KEEP_ISTIO}`,
            });
          }
          return { headers: m.headers };
        }),
      }));
      throwIfProblems(this, grpcProblems);
      return { grpc: new GatewayApiGrpcRoute(this, 'GrpcRoute', { metadata, parents, rules: [...grpcRules, last] }) };
    }
    const common = { timeout: props.timeout, backendTimeout: props.retries?.perTryTimeout, retry: gatewayApiRetry(props.retries) };
    this._httpRouteRules.push(...pinned.map(r => withFields(common, r)), withFields(common, last));
    return { http: new GatewayApiHttpRoute(this, 'HttpRoute', { metadata, parents, rules: this._httpRouteRules }) };
  }

  /** Versions with weight 0 keep their subset but are left out of the route; a lone destination needs no weight. */
  private split(host: string): HttpRouteDestination[] {
    const live = this.versionList.filter(v => v.weight > 0);
    return live.map(v => ({ host, subset: v.subset, port: this.destinationPort, weight: live.length > 1 ? v.weight : undefined }));
  }

  /** Identity of the Service: created here, or handed in from the release's namespace. */
  private serviceProblems(props: CanaryReleaseProps, namespace: string): Problem[] {
    const problems: Problem[] = [];
    if (this.protocol === Protocol.UDP) {
      problems.push({ field: 'protocol', value: this.protocol, problem: 'is UDP, which Istio does not route', fix: 'release a TCP-based service' });
    }
    if (!props.service) return problems;
    for (const key of ['serviceName', 'port'] as const) {
      if (props[key] !== undefined) {
        problems.push({
          field: key,
          value: props[key],
          problem: 'is set together with service, and only describes a Service the release creates',
          fix: `drop ${key}; choose the port of a handed-in Service with ServiceBackend.fromMeshService(service, { port }) or its siblings`,
        });
      }
    }
    if (props.service.namespace === undefined) {
      problems.push({
        field: 'service',
        value: props.service.host,
        problem: 'is not a Kubernetes Service, so it has no pods to split into versions',
        fix: 'pass a Service (ServiceBackend.fromMeshService/fromService/fromApiObject), or leave service out to create one',
      });
    } else if (props.service.namespace !== namespace) {
      problems.push({
        field: 'service',
        value: props.service.host,
        problem: `is in namespace "${props.service.namespace}", but the release's VirtualService and DestinationRule are in "${namespace}"`,
        fix: 'create the release in the Service\'s namespace',
        symptom: 'clients outside the release\'s namespace do not see its DestinationRule and get 503 NR for its subsets',
      });
    } else {
      const resolved = props.service.resolve();
      if (resolved.ports.length > 1 && resolved.port === undefined) {
        problems.push({
          field: 'service',
          value: resolved.ports.map(p => p.port),
          problem: `has ${resolved.ports.length} ports and none was chosen, and Istio needs the port of a route to a multi-port Service (IST0112)`,
          fix: `pass the port when making the backend, e.g. ServiceBackend.fromMeshService(service, { port: ${resolved.ports[0].port} })`,
        });
      }
    }
    return problems;
  }

  /** Rules: versions they name, conditions, faults, and whether the service's protocol can apply them. */
  private ruleProblems(props: CanaryReleaseProps): Problem[] {
    const problems: Problem[] = [];
    const names = props.versions.map(v => v.name);
    (props.rules ?? []).forEach((rule, i) => {
      const field = `rules[${i}]`;
      const http = this.routeKind === BackendRouteKind.HTTP;
      if (rule._kind === 'tcp' && http) {
        problems.push({
          field,
          value: 'CanaryRule.tcp()',
          problem: `is a TCP rule, and protocol ${this.protocol} is routed with http routes`,
          fix: 'use CanaryRule.http(), header(), cookie() or sourceLabels()',
        });
        return;
      }
      if (rule._kind !== 'tcp' && rule._kind !== 'sourceLabels' && !http) {
        problems.push(this.l7OnTcp(field, `CanaryRule.${rule._kind}()`));
        return;
      }
      const version = http ? rule._http!.version : rule._tcp!.version;
      if (version !== undefined && !names.includes(version)) {
        problems.push({
          field: `${field}.version`,
          value: version,
          problem: `is not one of the release's versions (${names.join(', ')})`,
          fix: 'route to a declared version, or add the version to versions (with weight 0 to keep it out of the split)',
          symptom: 'requests matching the rule would fail with 503 NR (no such subset)',
        });
      }
      if (rule._cookie) {
        if (!TOKEN.test(rule._cookie.name)) {
          problems.push({ field: `${field}.cookie.name`, value: rule._cookie.name, problem: 'is not a valid cookie name (an HTTP token)', fix: 'use letters, digits and "-", e.g. "canary"' });
        }
        if (!COOKIE_VALUE.test(rule._cookie.value)) {
          problems.push({
            field: `${field}.cookie.value`,
            value: rule._cookie.value,
            problem: 'is not a valid cookie value (visible ASCII without spaces, quotes, commas, semicolons or backslashes)',
            fix: 'use a plain token such as "always"',
          });
        }
        return;
      }
      if (http) {
        rule._http!.match.forEach((m, j) => problems.push(...httpMatchProblems(`${field}.match[${j}]`, m)));
        if (rule._http!.fault) problems.push(...httpFaultProblems(`${field}.fault`, rule._http!.fault));
      } else {
        rule._tcp!.match.forEach((m, j) => problems.push(...l4MatchProblems(`${field}.match[${j}]`, m)));
      }
    });
    return problems;
  }

  /** Mirroring, timeout, retries and traffic policies; HTTP-only options are refused for TCP services. */
  private optionProblems(props: CanaryReleaseProps): Problem[] {
    const problems: Problem[] = [];
    const tcp = this.routeKind === BackendRouteKind.TCP;
    const names = props.versions.map(v => v.name);
    if (props.mirror) {
      if (tcp) problems.push(this.l7OnTcp('mirror', props.mirror.version));
      if (!names.includes(props.mirror.version)) {
        problems.push({
          field: 'mirror.version',
          value: props.mirror.version,
          problem: `is not one of the release's versions (${names.join(', ')})`,
          fix: 'mirror to a declared version (give it weight 0 to keep it out of the split)',
        });
      }
      const percent = props.mirror.percentage;
      const percentIssue = percent === undefined ? undefined : percentProblem(percent);
      if (percentIssue) problems.push({ field: 'mirror.percentage', value: percent, problem: percentIssue, fix: 'use a percentage such as 10' });
    }
    if (props.timeout) {
      if (tcp) problems.push(this.l7OnTcp('timeout', props.timeout.toHumanString()));
      const problem = durationProblem(props.timeout);
      if (problem) problems.push({ field: 'timeout', value: props.timeout.toHumanString(), problem, fix: 'use e.g. Duration.seconds(10)' });
    }
    if (props.retries) {
      if (tcp) problems.push(this.l7OnTcp('retries', props.retries.attempts));
      problems.push(...httpRetryProblems('retries', props.retries, istioReleaseOf(this)));
    }
    const topOutlier = props.trafficPolicy?.outlierDetection !== undefined;
    const policies: Array<[string, TrafficPolicy | undefined, boolean]> = [
      ['trafficPolicy', props.trafficPolicy, false],
      ...props.versions.map((v, i) => [`versions[${i}].trafficPolicy`, v.trafficPolicy, topOutlier] as [string, TrafficPolicy | undefined, boolean]),
    ];
    for (const [field, policy, inheritsOutlierDetection] of policies) {
      if (!policy) continue;
      problems.push(...trafficPolicyProblems(policy, { field, inheritsOutlierDetection }));
      if (!tcp) continue;
      if (policy.connectionPool?.http) problems.push(this.l7OnTcp(`${field}.connectionPool.http`));
      const hash = policy.loadBalancer?.consistentHash?._key;
      if (hash && !hash.useSourceIp) problems.push(this.l7OnTcp(`${field}.loadBalancer.consistentHash`, Object.keys(hash)[0]));
    }
    return problems;
  }

  private l7OnTcp(field: string, value?: unknown): Problem {
    return {
      field,
      value,
      problem: `is an HTTP option, and protocol ${this.protocol} is routed as opaque TCP (weighted tcp routes: no header or cookie `
        + 'matches, faults, mirroring, timeouts, retries, HTTP connection limits or header/cookie hashing)',
      fix: `remove it, or set protocol to ${HTTP_ROUTED_PROTOCOLS.join(', ')} if the service speaks HTTP`,
    };
  }

  /** The rules in order, then the weighted split; every HTTP route carries the timeout and retries. */
  private addRoutes(props: CanaryReleaseProps, port: number | undefined, vs: VirtualService): void {
    const to = (version: string): HttpRouteDestination => ({ host: this.host, subset: this.versionList.find(v => v.name === version)!.subset, port });
    const split = this.split(this.host);
    if (this.routeKind === BackendRouteKind.TCP) {
      for (const rule of props.rules ?? []) {
        vs.addTcpRoute({ match: rule._tcp!.match, route: [to(rule._tcp!.version)] });
      }
      vs.addTcpRoute({ route: split });
      return;
    }
    const common: HttpRouteOptions = { timeout: props.timeout, retries: props.retries };
    for (const rule of props.rules ?? []) {
      const r = rule._http!;
      this.httpRoutes.push(withFields(common, { name: r.name, match: r.match, route: r.version ? [to(r.version)] : split, fault: r.fault }));
    }
    const mirror = props.mirror && withFields(to(props.mirror.version), { percentage: props.mirror.percentage ?? 100 });
    this.httpRoutes.push(withFields(common, { route: split, mirror }));
    for (const route of this.httpRoutes) vs.addHttpRoute(route);
  }

  /** What only the synthesized app can tell: the Service reaches every version, and nothing bypasses the split. */
  private validateRelease(): string[] {
    const problems: Problem[] = [];
    const a = MeshAnalysis.of(this);
    const service = a.service(this.backend.host);
    const selector: { [key: string]: string } = service?.manifest.spec?.selector ?? {};
    if (VERSION_LABEL in selector) {
      problems.push({
        field: `service (Service ${service!.namespace}/${service!.name}) spec.selector.${VERSION_LABEL}`,
        prop: 'CanaryReleaseProps.service',
        value: selector[VERSION_LABEL],
        problem: 'pins one version, so the Service cannot reach the others',
        fix: `select on ${Object.keys(selector).filter(k => k !== VERSION_LABEL).map(k => `"${k}"`).join(', ') || '"app"'} only`,
        symptom: 'the subsets of the other versions have no endpoints: requests routed to them fail with 503 UH',
      });
    }
    this.versionList.forEach((v, i) => problems.push(...this.workloadProblems(`versions[${i}]`, v, selector, service?.namespace)));
    if (this.routingApi === RoutingApi.GATEWAY_API && service !== undefined) {
      problems.push(...gammaWithoutProxyProblems(a, service.namespace, service.name, service.manifest.metadata?.labels ?? {}));
      problems.push(...gammaVirtualServiceClashProblems(a, this.backend.host));
    }
    if (service !== undefined) problems.push(...canaryGatewayApiBypassProblems(a, service.namespace, service.name));
    const view = this.virtualService && a.virtualService(this.virtualService.apiObject);
    if (view !== undefined) {
      problems.push(...canaryBypassProblems(a, view, expandHost(this.host, this.virtualService!.effectiveNamespace)));
      problems.push(...canaryGatewayClashProblems(a, view));
    }
    // The backend's and handed-in workloads' own rules (Istio's rules for Services and pods) come as finished messages.
    // Container port names matter only where something copies them (a StatefulSet's headless Service) or refers to
    // them (a named targetPort); the Service of the release names its own ports.
    const namedTargetPort = (service?.manifest.spec?.ports ?? []).some((p: any) => typeof p?.targetPort === 'string');
    const podRuleMessages = this.versionList.flatMap((v, i) => {
      if (!v.workload._needsMeshCheck) return [];
      const pods = this.pods.get(v.name)!;
      const use = { namesUsed: namedTargetPort || pods.kind !== 'Deployment' };
      return pods._problemsWithPortUse(use, 'CanaryReleaseProps.versions').map(m => `versions[${i}].workload: ${m}`);
    });
    // The release's VirtualService checks the port of a Service of the app (IST0118, route kind), like any destination.
    const serviceInApp = service !== undefined;
    const backendMessages = serviceInApp ? [] : this.backend._problemsFor(this.routeKind, 'CanaryReleaseProps.service').map(m => `service: ${m}`);
    return [...backendMessages, ...podRuleMessages, ...problems.map(describeProblem)];
  }

  /** A version's pods: in the Service's namespace, labelled `version: <name>`, carrying the Service selector's labels. */
  private workloadProblems(field: string, v: ReleasedVersion, selector: { [key: string]: string }, serviceNamespace?: string): Problem[] {
    let pods;
    try {
      pods = this.pods.get(v.name)!.resolve();
    } catch {
      return []; // a workload that cannot be rendered reports that itself
    }
    const created = v.workload._image !== undefined;
    const where = `${field}.workload (${pods.kind} ${pods.namespace}/${pods.name})`;
    const symptom = `subset "${v.subset}" has no endpoints: requests routed to it fail with 503 UH (no healthy upstream)`;
    const problems: Problem[] = [];
    const version = pods.podLabels[VERSION_LABEL];
    if (version !== v.name) {
      problems.push({
        field: `${where} spec.template.metadata.labels.${VERSION_LABEL}`,
        prop: 'CanaryReleaseProps.versions',
        value: version,
        problem: version === undefined
          ? `is missing, and subset "${v.subset}" selects pods labelled ${VERSION_LABEL}: ${v.name}`
          : `is not the version's name "${v.name}", which subset "${v.subset}" selects on`,
        fix: `label the pods ${VERSION_LABEL}: "${v.name}" (deployment.podMetadata.addLabel('${VERSION_LABEL}', '${v.name}')), or rename the version`,
        symptom,
      });
    }
    const missing = Object.entries(selector).filter(([key, value]) => key !== VERSION_LABEL && pods.podLabels[key] !== value);
    if (missing.length > 0) {
      const wanted = Object.fromEntries(missing);
      problems.push({
        field: `${where} spec.template.metadata.labels`,
        prop: 'CanaryReleaseProps.versions',
        value: Object.fromEntries(missing.map(([key]) => [key, pods.podLabels[key]])),
        problem: `lacks the labels ${JSON.stringify(wanted)} that the release's Service selects on`,
        fix: `label the pods ${missing.map(([key, value]) => `${key}: "${value}"`).join(', ')}`
          + (created ? ' (CanaryWorkload.fromImage(image, { podMetadata: { labels } }))' : ''),
        symptom: `the Service does not reach these pods, so ${symptom}`,
      });
    }
    if (serviceNamespace !== undefined && pods.namespace !== serviceNamespace) {
      problems.push({
        field: `${where} metadata.namespace`,
        prop: 'CanaryReleaseProps.versions',
        value: pods.namespace,
        problem: `is not the namespace of the release's Service ("${serviceNamespace}"), which only selects pods of its own namespace`,
        fix: `deploy the version in namespace "${serviceNamespace}"`,
        symptom,
      });
    }
    return problems;
  }
}

/** A version as the release uses it: its weight in the split and its subset name resolved. */
type ReleasedVersion = CanaryVersion & { readonly weight: number; readonly subset: string };

/** The DestinationRule subset of a version: `subsetName`, else derived from the version label value. */
function subsetOf(v: CanaryVersion): string {
  return v.subsetName ?? subsetNameOf(v.name);
}

/** Version names: label values, subset names, each once; at least two versions. */
function versionProblems(versions: CanaryVersion[]): Problem[] {
  const problems: Problem[] = [];
  if (versions.length < 2) {
    problems.push({
      field: 'versions',
      value: versions.map(v => v.name),
      problem: `has ${versions.length} version${versions.length === 1 ? '' : 's'}; a release splits traffic between two or more`,
      fix: 'add the version to release next (with weight 0 until it should get traffic)',
    });
  }
  versions.forEach((v, i) => {
    const problem = versionLabelProblem(v.name);
    if (problem) {
      problems.push({ field: `versions[${i}].name`, value: v.name, problem, fix: 'use a label value: at most 63 letters, digits, "-", "_" and ".", e.g. "v2" or "1.20.3"' });
    }
    const subsetProblem = v.subsetName !== undefined ? dnsLabelProblem(v.subsetName) : undefined;
    if (subsetProblem) {
      problems.push({ field: `versions[${i}].subsetName`, value: v.subsetName, problem: subsetProblem, fix: 'use letters, digits and "-" only, e.g. "v2-rc1", or leave it out to derive it from name' });
    }
    const subset = subsetOf(v);
    const sameSubset = versions.findIndex(other => subsetOf(other) === subset);
    if (!problem && sameSubset < i && versions[sameSubset].name !== v.name) {
      problems.push({
        field: `versions[${i}]`,
        value: v.name,
        problem: `has the subset name "${subset}" of versions[${sameSubset}] ("${versions[sameSubset].name}")`,
        fix: `set subsetName on one of them, e.g. subsetName: "${subset}-${i}"`,
        symptom: 'the webhook rejects the DestinationRule ("duplicate subset names")',
      });
    }
    const first = versions.findIndex(other => other.name === v.name);
    if (first < i) {
      problems.push({
        field: `versions[${i}].name`,
        value: v.name,
        problem: `is also the name of versions[${first}]`,
        fix: 'give every version its own name',
        symptom: 'the webhook rejects the DestinationRule ("duplicate subset names")',
      });
    }
  });
  return problems;
}

/** The weight of each version: canaryPercent, the versions' weights, or everything to the first version. */
function weightsOf(props: CanaryReleaseProps, problems: Problem[]): number[] {
  const versions = props.versions;
  const rangeProblem = (field: string, value: number): boolean => {
    if (Number.isInteger(value) && value >= 0 && value <= 100) return false;
    problems.push({ field, value, problem: 'must be an integer percentage from 0 to 100', fix: 'use a whole number such as 10' });
    return true;
  };
  if (props.canaryPercent !== undefined) {
    const given = versions.map(v => v.weight).filter(w => w !== undefined);
    if (given.length > 0) {
      problems.push({
        field: 'canaryPercent',
        value: props.canaryPercent,
        problem: 'is set together with per-version weights',
        fix: 'use canaryPercent for two versions, or a weight on each version, not both',
      });
    } else if (versions.length !== 2) {
      problems.push({
        field: 'canaryPercent',
        value: props.canaryPercent,
        problem: `needs exactly two versions (the stable one and the canary), and there are ${versions.length}`,
        fix: 'give each version a weight instead',
      });
    }
    if (rangeProblem('canaryPercent', props.canaryPercent)) return versions.map(() => 0);
    return versions.map((_v, i) => (i === 0 ? 100 - props.canaryPercent! : i === 1 ? props.canaryPercent! : 0));
  }
  if (versions.every(v => v.weight === undefined)) return versions.map((_v, i) => (i === 0 ? 100 : 0));
  const weights = versions.map(v => v.weight ?? 0);
  const bad = versions.map((v, i) => v.weight !== undefined && rangeProblem(`versions[${i}].weight`, v.weight)).some(Boolean);
  const sum = weights.reduce((a, b) => a + b, 0);
  if (!bad && sum !== 100) {
    problems.push({
      field: 'versions[].weight',
      value: Object.fromEntries(versions.map((v, i) => [v.name, weights[i]])),
      problem: `must add up to 100, and they add up to ${sum}`,
      fix: `adjust the weights by ${100 - sum > 0 ? '+' : ''}${100 - sum} in total (a version without weight counts as 0)`,
    });
  }
  return weights;
}

/** Escapes RE2 metacharacters, so a literal cookie name or value can sit inside a regular expression. */
function escapeRe2(literal: string): string {
  return literal.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}
