import { ApiObjectMetadata } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Gateway, GatewayServer } from './gateway';
import { sameCertificate } from './private/analysis/ist0145-ist0138-gateway-conflicts';
import { pushTo } from './private/analysis/model';
import { hostName } from './private/analysis/references';
import { configError, describeProblem, Problem, throwIfProblems } from './private/errors';
import { defaultObjectName } from './private/names';
import { k8sLabelNameProblem } from './private/rules';
import { checkArgs, checkShape } from './private/shape';
import { gatewayRefProblems, normalizeGatewayRef } from './route-match';

/** The labels of the pods of Istio's default ingress gateway. */
const DEFAULT_SELECTOR = { istio: 'ingressgateway' };

/**
 * A gateway IngressRoutes can attach to: an {@link IngressGateway} of this app, or one referenced by name.
 */
export interface IIngressGateway {
  /** How VirtualServices refer to the gateway: `namespace/name`. */
  readonly gatewayRef: string;
}

/**
 * Props of an IngressGateway.
 */
export interface IngressGatewayProps {
  /**
   * Metadata of the Gateway object.
   *
   * @default - `name` is the construct id in kebab case; `namespace` is `workloadNamespace`, next to the gateway pods,
   * where a shared gateway is usually owned (and where Istio requires it with `PILOT_SCOPE_GATEWAY_TO_NAMESPACE`)
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * The labels of the gateway pods.
   *
   * @default { istio: 'ingressgateway' }
   */
  readonly selector?: { [key: string]: string };

  /**
   * The namespace the gateway pods run in. IngressRoutes put their TLS Secrets there: Istio reads `credentialName`
   * in the workload's namespace, not the Gateway's.
   *
   * @default 'istio-system'
   */
  readonly workloadNamespace?: string;
}

/**
 * A Gateway shared by several IngressRoutes: each route adds its own servers (ports, hosts, TLS) to it. Two routes
 * that serve the same host on the same port, or share a certificate, are refused when the second one attaches.
 * The hosts of a route with a namespace are added as `<namespace>/<host>`, so only that namespace's VirtualServices
 * can bind to them.
 *
 * @example
 * const publicGateway = new IngressGateway(chart, 'PublicGateway');
 * new IngressRoute(chart, 'Shop', {
 *   gateway: publicGateway,
 *   hosts: ['shop.example.com'],
 *   httpRoutes: [{ backend: ServiceBackend.fromMeshService(frontend) }],
 * });
 */
export class IngressGateway extends Construct implements IIngressGateway {
  /** The namespace Istio's default ingress gateway runs in. */
  public static readonly DEFAULT_WORKLOAD_NAMESPACE = 'istio-system';

  /**
   * A gateway that exists already (e.g. `istio-system/public-gateway`, owned by the platform team). Routes attached
   * to it only bind their VirtualService to it: they cannot add servers or TLS settings.
   *
   * @param gatewayRef `namespace/name` of the Gateway (`<name>.<namespace>.svc.cluster.local` is read as that)
   */
  public static fromGatewayRef(gatewayRef: string): IIngressGateway {
    checkArgs('IngressGateway.fromGatewayRef', [gatewayRef]);
    const problems = gatewayRef === 'mesh'
      ? [{ field: 'gatewayRef', value: gatewayRef, problem: 'is "mesh", which stands for the sidecars, not a gateway', fix: 'name the Gateway as "namespace/name"' }]
      : gatewayRefProblems('gatewayRef', gatewayRef);
    if (!normalizeGatewayRef(gatewayRef).includes('/') && problems.length === 0) {
      problems.push({
        field: 'gatewayRef',
        value: gatewayRef,
        problem: 'has no namespace; a bare name is looked up in the namespace of each VirtualService that uses it',
        fix: `write it as "<namespace>/${gatewayRef}", e.g. "istio-system/${gatewayRef}"`,
        symptom: 'routes in other namespaces do not find the gateway (IST0101) and get 404 NR route_not_found',
      });
    }
    if (problems.length > 0) throw new Error(`IngressGateway.fromGatewayRef: ${problems.map(describeProblem).join('\n')}`);
    return new GatewayReference(normalizeGatewayRef(gatewayRef));
  }

  /** The Gateway object. */
  public readonly gateway: Gateway;

  /** The namespace the gateway pods run in, where TLS Secrets go. */
  public readonly workloadNamespace: string;

  /** The routes whose servers serve a host on a port (`port|host`). */
  private readonly attachedByHost = new Map<string, IConstruct[]>();
  /** The routes' servers by port and certificate (`port|credentialName`). */
  private readonly attachedByCertificate = new Map<string, Array<{ owner: IConstruct; server: GatewayServer }>>();

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the IngressGateway's settings
   */
  constructor(scope: Construct, id: string, props: IngressGatewayProps = {}) {
    super(scope, id);
    checkShape(this, 'IngressGatewayProps', props);
    this.workloadNamespace = props.workloadNamespace ?? IngressGateway.DEFAULT_WORKLOAD_NAMESPACE;
    const nsProblem = k8sLabelNameProblem(this.workloadNamespace);
    if (nsProblem) {
      throw configError(this, {
        field: 'workloadNamespace',
        value: this.workloadNamespace,
        problem: nsProblem,
        fix: 'use the namespace the gateway pods run in, e.g. "istio-system"',
      });
    }
    this.gateway = new Gateway(this, 'Gateway', {
      metadata: {
        ...props.metadata,
        name: props.metadata?.name ?? defaultObjectName(id),
        namespace: props.metadata?.namespace ?? this.workloadNamespace,
      },
      selector: props.selector ?? DEFAULT_SELECTOR,
    });
  }

  /** `namespace/name` of the Gateway. */
  public get gatewayRef(): string {
    return this.gateway.gatewayRef;
  }

  /** The labels of the gateway pods (a copy). */
  public get selector(): { [key: string]: string } {
    return this.gateway.selector;
  }

  /**
   * Adds the servers of one IngressRoute (`owner`, named `routeName`), after checking them against the servers other
   * routes added: the same host on the same port is IST0145's conflict inside one Gateway; the same certificate on
   * two servers of one port makes HTTP/2 clients reuse a connection for hosts whose routes it cannot see.
   * @internal
   */
  public _addRouteServers(owner: IConstruct, routeName: string, servers: GatewayServer[]): void {
    for (const server of servers) {
      const problems: Problem[] = [];
      const port = server.port.number;
      // Looked up by port and host name, and by port and certificate: each route costs its own servers.
      const byHost = new Map<IConstruct, string[]>();
      for (const host of new Set(server.hosts.map(hostName))) {
        for (const other of this.attachedByHost.get(`${port}|${host}`) ?? []) {
          if (other !== owner) byHost.set(other, [...byHost.get(other) ?? [], host]);
        }
      }
      for (const [other, common] of byHost) {
        problems.push({
          field: 'hosts',
          value: common,
          problem: `are already served on port ${port} of Gateway ${this.gatewayRef} by ${other.node.path} (IST0145's conflict, inside one Gateway)`,
          fix: 'route each host on a port from one IngressRoute: move these routes into that IngressRoute, or use another host or port',
          symptom: 'the gateway keeps one of the two servers, so requests for the host reach the other route or get 404 NR',
        });
      }
      const mine = server.tls?.credentialName;
      for (const other of mine === undefined ? [] : this.attachedByCertificate.get(`${port}|${mine}`) ?? []) {
        if (other.owner === owner || !sameCertificate(server.tls, other.server.tls)) continue;
        problems.push({
          field: 'tls.credential',
          value: mine,
          problem: `is also the certificate of ${other.owner.node.path} on port ${port} of Gateway ${this.gatewayRef} (IST0138's problem, inside one Gateway)`,
          fix: 'serve the hosts that share a certificate from one IngressRoute, or give each route its own certificate',
          symptom: 'HTTP/2 clients reuse one connection for the hosts of both routes and get 404 NR for the other route\'s hosts',
        });
      }
      throwIfProblems(owner, problems);
    }
    for (const server of servers) {
      const name = this.uniquePortName(`${server.port.protocol.toLowerCase()}-${routeName}`);
      this.gateway.addServer({ ...server, port: { ...server.port, name } });
      for (const host of new Set(server.hosts.map(hostName))) {
        pushTo(this.attachedByHost, `${server.port.number}|${host}`, owner);
      }
      if (server.tls?.credentialName !== undefined) {
        pushTo(this.attachedByCertificate, `${server.port.number}|${server.tls.credentialName}`, { owner, server });
      }
    }
  }

  /** A port name no server of the Gateway has: `base`, cut to a DNS label, with `-2`, `-3`... when taken. */
  private uniquePortName(base: string): string {
    const cut = (s: string, max: number) => s.slice(0, max).replace(/-+$/, '');
    let name = cut(base, 63);
    for (let i = 2; this.gateway._hasPortName(name); i++) name = `${cut(base, 63 - `-${i}`.length)}-${i}`;
    return name;
  }
}

/** A Gateway known only by its reference. */
class GatewayReference implements IIngressGateway {
  constructor(public readonly gatewayRef: string) {}
}
