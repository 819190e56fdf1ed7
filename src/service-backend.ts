import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { MeshService } from './mesh-service';
import { apiObjectOf } from './private/api-object';
import { configError, describeProblem, Problem } from './private/errors';
import { renderManifest } from './private/mesh-model';
import { Finding, HTTP_ROUTED_PROTOCOLS, portNamingFix, reservedPortFinding, servicePortProtocol, undeterminedProtocolFinding, WirePort } from './private/mesh-rules';
import { fqdnProblem, portProblem } from './private/rules';
import { DEFAULT_NAMESPACE } from './private/scope';
import { checkArgs } from './private/shape';
import { Protocol } from './protocol';

/**
 * The kind of VirtualService route that sends traffic to a backend: `http`, `tcp` or `tls` routes.
 */
export enum BackendRouteKind {
  /** `http` routes: the port must be HTTP, HTTP2, GRPC or GRPC-Web. */
  HTTP = 'http',
  /** `tcp` routes: the port must be TCP, TLS, HTTPS, MONGO, MYSQL or REDIS. */
  TCP = 'tcp',
  /** `tls` routes (by SNI): the port must be TLS or HTTPS. */
  TLS = 'tls',
}

/** The protocols each route kind applies to (Istio's protocol classes). UDP is never routed by Istio. */
const ROUTABLE: { [kind: string]: Protocol[] } = {
  [BackendRouteKind.HTTP]: [...HTTP_ROUTED_PROTOCOLS],
  [BackendRouteKind.TCP]: [Protocol.TCP, Protocol.TLS, Protocol.HTTPS, Protocol.MONGO, Protocol.MYSQL, Protocol.REDIS],
  [BackendRouteKind.TLS]: [Protocol.TLS, Protocol.HTTPS],
};

/**
 * Options of a ServiceBackend.
 */
export interface ServiceBackendOptions {
  /**
   * The Service port to route to (the route's `destination.port.number`). Required when the Service has several
   * ports: Istio rejects a route to a multi-port Service without one (IST0112).
   *
   * @default - the Service's only port
   */
  readonly port?: number;
}

/**
 * A port of a backend, with the protocol Istio selects for it.
 */
export interface ResolvedServicePort {
  /** The port number. */
  readonly port: number;
  /** The port's name, if it has one. */
  readonly name?: string;
  /** The port's appProtocol, if it has one. */
  readonly appProtocol?: string;
  /** The protocol Istio selects for the port, or undefined when it cannot tell (it then sniffs, IST0118). */
  readonly protocol?: Protocol;
}

/**
 * A backend as routes see it at synth time.
 */
export interface ResolvedServiceBackend {
  /** The host routes send to: `<name>.<namespace>.svc.cluster.local` for Services, the host itself otherwise. */
  readonly host: string;
  /** The Service's namespace (`default` when it has none); undefined for hosts that are not Kubernetes Services. */
  readonly namespace?: string;
  /** The selected port: the chosen one, else the only one; undefined when the Service has several and none was chosen. */
  readonly port?: number;
  /** The protocol Istio selects for `port`, or undefined when there is no port or Istio cannot tell. */
  readonly protocol?: Protocol;
  /** Every port of the backend. */
  readonly ports: ResolvedServicePort[];
}

/**
 * What a route sends traffic to: a MeshService, a cdk8s-plus Service, a Service ApiObject, or a host that is not a
 * Kubernetes Service of this app (an external host, a ServiceEntry host, a Service managed elsewhere).
 *
 * Services are read as they will be synthesized, so ports added after the backend was made count, and every Service
 * is checked by the same rules as MeshService: routes can only target a port whose protocol Istio can tell.
 */
export class ServiceBackend {
  /**
   * A MeshService.
   *
   * @param service the MeshService
   * @param options the port to route to
   */
  public static fromMeshService(service: MeshService, options: ServiceBackendOptions = {}): ServiceBackend {
    checkArgs('ServiceBackend.fromMeshService', [service, options]);
    return ServiceBackend.ofService(service.apiObject, options);
  }

  /**
   * A Service from any cdk8s-plus line (cdk8s-plus-27, cdk8s-plus-33, ...), e.g. from `Deployment.exposeViaService()`,
   * or a Service ApiObject.
   *
   * @param service the Service construct (its ApiObject is found with `ApiObject.of()`)
   * @param options the port to route to
   */
  public static fromService(service: IConstruct, options: ServiceBackendOptions = {}): ServiceBackend {
    checkArgs('ServiceBackend.fromService', [service, options]);
    return ServiceBackend.fromApiObject(apiObjectOf(service, 'a Service'), options);
  }

  /**
   * A core v1 Service ApiObject (e.g. imported with `cdk8s import` or `Include`).
   *
   * @param apiObject the Service's ApiObject
   * @param options the port to route to
   */
  public static fromApiObject(apiObject: ApiObject, options: ServiceBackendOptions = {}): ServiceBackend {
    checkArgs('ServiceBackend.fromApiObject', [apiObject, options]);
    if (apiObject.kind !== 'Service' || apiObject.apiVersion !== 'v1') {
      throw configError(ownerOf(apiObject), {
        field: 'kind',
        value: `${apiObject.apiVersion}/${apiObject.kind}`,
        problem: 'must be a core v1 Service',
        fix: 'pass a Service, or use ServiceBackend.fromHost() for a ServiceEntry or external host',
      });
    }
    return ServiceBackend.ofService(apiObject, options);
  }

  /**
   * A host that is not a Kubernetes Service of this app: an external host (served through a ServiceEntry) or a
   * Service managed elsewhere, by its fully qualified name (`ratings.prod.svc.cluster.local`).
   *
   * @param host the fully qualified host, e.g. `ratings.prod.svc.cluster.local` or `api.example.com`
   * @param port the port routes send to
   * @param protocol the protocol the host speaks on that port
   */
  public static fromHost(host: string, port: number, protocol: Protocol): ServiceBackend {
    checkArgs('ServiceBackend.fromHost', [host, port, protocol]);
    const hostProblem = fqdnProblem(host) ?? (host.includes('.') ? undefined : 'is a short name, which Istio expands with the route\'s namespace');
    if (hostProblem) {
      throw new Error(`ServiceBackend.fromHost: ${describeProblem({
        field: 'host',
        value: host,
        problem: hostProblem,
        fix: 'pass a fully qualified host name, e.g. "ratings.prod.svc.cluster.local" or "api.example.com"',
      })}`);
    }
    checkPort(undefined, port, 'ServiceBackend.fromHost: port');
    return new ServiceBackend(host, undefined, undefined, port, [{ port, protocol }]);
  }

  private static ofService(apiObject: ApiObject, options: ServiceBackendOptions): ServiceBackend {
    if (options.port !== undefined) checkPort(apiObject, options.port, 'port');
    const namespace = apiObject.metadata.namespace ?? DEFAULT_NAMESPACE;
    return new ServiceBackend(`${apiObject.name}.${namespace}.svc.cluster.local`, namespace, apiObject, options.port, undefined);
  }

  /** The host routes send to. */
  public readonly host: string;

  /** The Service's namespace (`default` when it has none); undefined for hosts that are not Kubernetes Services. */
  public readonly namespace?: string;

  private readonly service?: ApiObject;
  private readonly chosenPort?: number;
  private readonly hostPorts?: ResolvedServicePort[];

  private constructor(
    host: string,
    namespace: string | undefined,
    service: ApiObject | undefined,
    chosenPort: number | undefined,
    hostPorts: ResolvedServicePort[] | undefined,
  ) {
    this.host = host;
    this.namespace = namespace;
    this.service = service;
    this.chosenPort = chosenPort;
    this.hostPorts = hostPorts;
  }

  /** The backend as routes see it. Call it at synth time (in a validation or a Lazy), so every port is known. */
  public resolve(): ResolvedServiceBackend {
    const ports = this.hostPorts ?? this.servicePorts().map(p => ({
      port: p.port!,
      name: p.name,
      appProtocol: p.appProtocol,
      protocol: servicePortProtocol(p),
    }));
    const port = this.chosenPort ?? (ports.length === 1 ? ports[0].port : undefined);
    return {
      host: this.host,
      namespace: this.namespace,
      port,
      protocol: ports.find(p => p.port === port)?.protocol,
      ports,
    };
  }

  /**
   * What keeps a route of `kind` from reaching this backend, one message per problem: a multi-port Service without a
   * chosen port (IST0112), a chosen port the Service does not have, a port whose protocol Istio cannot tell
   * (IST0118), a protocol the route kind does not apply to, a port the sidecar reserves. Call it at synth time,
   * e.g. from `node.addValidation()`.
   *
   * @param kind the kind of route that sends traffic to the backend
   */
  public problemsFor(kind: BackendRouteKind): string[] {
    return this._problemsFor(kind);
  }

  /**
   * `problemsFor`, each message naming `prop`: the prop of a construct of this library that took the backend.
   * @internal
   */
  public _problemsFor(
    kind: BackendRouteKind,
    prop?: 'CanaryReleaseProps.service' | 'IngressRouteProps.httpRoutes' | 'IngressRouteProps.tcpRoutes' | 'IngressRouteProps.tlsRoutes'
    | 'VirtualServiceProps.http' | 'VirtualServiceProps.tcp' | 'VirtualServiceProps.tls',
  ): string[] {
    const problems: Problem[] = [];
    let resolved: ResolvedServiceBackend;
    try {
      resolved = this.resolve();
    } catch {
      return []; // a Service that cannot be rendered reports that itself at synth
    }
    const where = this.service ? `Service ${this.namespace}/${this.service.name}` : `host ${this.host}`;
    const portList = resolved.ports.map(p => (p.name ? `${p.port} (${p.name})` : `${p.port}`)).join(', ');
    if (resolved.ports.length === 0) {
      problems.push({ field: `${where} spec.ports`, problem: 'is empty', fix: 'give the Service the port to route to', prop });
    } else if (this.chosenPort !== undefined && !resolved.ports.some(p => p.port === this.chosenPort)) {
      problems.push({
        field: `backend ${this.host} port`,
        prop,
        value: this.chosenPort,
        problem: `is not a port of ${where} (its ports: ${portList})`,
        fix: `choose one of its ports, or add port ${this.chosenPort} to the Service`,
        symptom: 'the route has no endpoints and requests fail with 503 NR/UH (IST0101)',
      });
    } else if (resolved.port === undefined) {
      problems.push({
        field: `backend ${this.host} port`,
        prop,
        problem: `must be chosen: ${where} has ${resolved.ports.length} ports (${portList}), and Istio rejects a route to `
          + 'a multi-port Service without destination.port (IST0112)',
        fix: `pass { port: ${resolved.ports[0].port} } (or another of its ports) when making the ServiceBackend`,
      });
    }
    const index = resolved.ports.findIndex(p => p.port === resolved.port);
    if (index >= 0) {
      const selected = this.servicePorts()[index] ?? { port: resolved.port };
      const at = this.service ? `${where} spec.ports[${index}]` : `${where} port`;
      addFinding(problems, `${at}.port`, reservedPortFinding(selected.port), prop);
      addFinding(problems, `${at}.targetPort`, reservedPortFinding(selected.targetPort), prop);
      const protocol = resolved.ports[index].protocol;
      if (protocol === undefined) {
        addFinding(problems, `${at}.${selected.appProtocol === undefined ? 'name' : 'appProtocol'}`, undeterminedProtocolFinding(selected), prop);
      } else if (!ROUTABLE[kind].includes(protocol)) {
        problems.push({
          field: `${at} protocol`,
          prop,
          value: protocol,
          problem: protocol === Protocol.UDP
            ? 'is UDP, which Istio does not route'
            : `is not one a ${kind} route applies to (${ROUTABLE[kind].join(', ')})`,
          fix: protocol === Protocol.UDP
            ? 'route to a TCP-based port'
            : `use a ${routeKindFor(protocol)} route for this port, or if the port's protocol is wrong, ${portNamingFix()}`,
          symptom: `the sidecar handles the port as ${protocol} and never applies the ${kind} route`,
        });
      }
    }
    return problems.map(describeProblem);
  }

  /** The ports of the Service as it will be synthesized (empty for hosts). */
  private servicePorts(): WirePort[] {
    if (!this.service) return [];
    return (renderManifest(this.service).spec?.ports ?? []).map((p: any) => ({
      name: p.name,
      port: p.port,
      targetPort: p.targetPort,
      protocol: p.protocol,
      appProtocol: p.appProtocol,
    }));
  }
}

function routeKindFor(protocol: Protocol): string {
  return ROUTABLE[BackendRouteKind.HTTP].includes(protocol) ? 'http' : ROUTABLE[BackendRouteKind.TLS].includes(protocol) ? 'tls or tcp' : 'tcp';
}

function checkPort(service: ApiObject | undefined, port: number, field: string): void {
  const problem = portProblem(port) ?? reservedPortFinding(port)?.problem;
  if (!problem) return;
  const p = { field, value: port, problem, fix: 'use a port number from 1 to 65535 that the sidecar does not reserve' };
  throw service ? configError(ownerOf(service), p) : new Error(describeProblem(p));
}

/** The construct users know an ApiObject by: its L2 owner when it is one's `Resource` child. */
function ownerOf(apiObject: ApiObject): IConstruct {
  return apiObject.node.id === 'Resource' && apiObject.node.scope ? apiObject.node.scope : apiObject;
}

function addFinding(problems: Problem[], field: string, finding: Finding | undefined, prop: string | undefined): void {
  if (finding) problems.push({ field, ...finding, prop });
}
