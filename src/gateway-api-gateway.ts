import { Construct } from 'constructs';
import type { IIngressGateway } from './ingress-gateway';
import { gatewayApiCertificateGrantProblems } from './private/analysis/gateway-api-references';
import { MeshAnalysis } from './private/analysis/model';
import { describeProblem, Problem, throwIfProblems } from './private/errors';
import { GATEWAY_API_GROUP, GATEWAY_API_VERSIONS, gatewayApiHostnameProblem, sectionNameProblem } from './private/gateway-api';
import { addSynthValidation } from './private/mesh-model';
import { labelsProblem, objectNameProblem, portProblem, reservedProxyPortProblem } from './private/rules';
import { checkShape } from './private/shape';
import { IstioResource, IstioResourceProps } from './resource';

/**
 * The protocol of a Gateway API listener (those Istio implements).
 */
export enum GatewayApiProtocol {
  /** Plain HTTP: HTTPRoutes and GRPCRoutes (gRPC over h2c). */
  HTTP = 'HTTP',
  /** HTTP over TLS terminated at the gateway: HTTPRoutes and GRPCRoutes. */
  HTTPS = 'HTTPS',
  /** TLS: TLSRoutes (passthrough, routed by SNI) or TCPRoutes (terminated). */
  TLS = 'TLS',
  /** Plain TCP: TCPRoutes. */
  TCP = 'TCP',
  /**
   * Istio's HBONE tunnel (mTLS over HTTP CONNECT), the listener of ambient waypoints (`gatewayClassName:
   * istio-waypoint`, port 15008) and east-west gateways; routes do not attach to it.
   */
  HBONE = 'HBONE',
}

/**
 * How a listener handles TLS.
 */
export enum GatewayApiTlsMode {
  /** Terminate TLS at the gateway with the certificates of `certificateRefs`. */
  TERMINATE = 'Terminate',
  /** Forward the TLS connection unterminated, routed by SNI (TLS listeners only). */
  PASSTHROUGH = 'Passthrough',
}

/**
 * Which namespaces' routes may attach to a listener.
 */
export enum GatewayApiRoutesFrom {
  /** Only routes in the Gateway's namespace. */
  SAME = 'Same',
  /** Routes in any namespace. */
  ALL = 'All',
  /** Routes in namespaces whose labels match `allowedRoutesSelector`. */
  SELECTOR = 'Selector',
}

/**
 * A kind of Gateway API route.
 */
export enum GatewayApiRouteKind {
  /** HTTPRoute. */
  HTTP_ROUTE = 'HTTPRoute',
  /** GRPCRoute. */
  GRPC_ROUTE = 'GRPCRoute',
  /** TLSRoute. */
  TLS_ROUTE = 'TLSRoute',
  /** TCPRoute. */
  TCP_ROUTE = 'TCPRoute',
}

/**
 * A Secret with a certificate and key (`tls.crt`, `tls.key`) that a listener serves.
 */
export interface GatewayApiCertificateRef {
  /** The Secret's name. */
  readonly name: string;

  /**
   * The Secret's namespace; another namespace than the Gateway's needs a ReferenceGrant there.
   *
   * @default - the Gateway's namespace
   */
  readonly namespace?: string;
}

/**
 * The TLS settings of a listener.
 */
export interface GatewayApiListenerTls {
  /**
   * Terminate or pass through.
   *
   * @default GatewayApiTlsMode.TERMINATE
   */
  readonly mode?: GatewayApiTlsMode;

  /**
   * The Secrets with the certificates to serve (required to terminate TLS).
   *
   * @default - none
   */
  readonly certificateRefs?: GatewayApiCertificateRef[];

  /**
   * Implementation-specific TLS options, e.g. Istio's `gateway.istio.io/tls-terminate-mode: MUTUAL`.
   *
   * @default - none
   */
  readonly options?: { [key: string]: string };
}

/**
 * A listener of a Gateway: a port, a protocol, optionally a host name, and which routes may attach.
 */
export interface GatewayApiListener {
  /** The listener's name, unique within the Gateway; routes attach to it by `sectionName`. */
  readonly name: string;

  /** The port (1-65535, not a port the Istio proxy reserves). */
  readonly port: number;

  /** The protocol. */
  readonly protocol: GatewayApiProtocol;

  /**
   * The host name the listener accepts (HTTP, HTTPS, TLS), optionally with a leading `*.`; routes attach only with
   * a host name it covers.
   *
   * @default - any host name
   */
  readonly hostname?: string;

  /**
   * TLS settings: required on HTTPS and TLS listeners, not allowed on HTTP and TCP ones.
   *
   * @default - none
   */
  readonly tls?: GatewayApiListenerTls;

  /**
   * Which namespaces' routes may attach.
   *
   * @default GatewayApiRoutesFrom.SAME
   */
  readonly allowedRoutesFrom?: GatewayApiRoutesFrom;

  /**
   * With `GatewayApiRoutesFrom.SELECTOR`: the labels a namespace needs for its routes to attach.
   *
   * @default - none
   */
  readonly allowedRoutesSelector?: { [key: string]: string };

  /**
   * The route kinds that may attach.
   *
   * @default - every kind the protocol supports
   */
  readonly allowedRouteKinds?: GatewayApiRouteKind[];
}

/**
 * Props of a GatewayApiGateway.
 */
export interface GatewayApiGatewayProps extends IstioResourceProps {
  /**
   * The GatewayClass. With `istio`, Istio deploys the gateway's workload (a Deployment and a Service named
   * `<name>-istio`) itself.
   *
   * @default 'istio'
   */
  readonly gatewayClassName?: string;

  /**
   * Listeners; more can be added with `addListener()`. A Gateway needs at least one.
   *
   * @default - none
   */
  readonly listeners?: GatewayApiListener[];
}

/** The route kinds a listener of each protocol accepts in Istio, the first being what it accepts by default. */
const ROUTE_KINDS: { readonly [protocol: string]: readonly GatewayApiRouteKind[] } = {
  HTTP: [GatewayApiRouteKind.HTTP_ROUTE, GatewayApiRouteKind.GRPC_ROUTE],
  HTTPS: [GatewayApiRouteKind.HTTP_ROUTE, GatewayApiRouteKind.GRPC_ROUTE],
  TLS: [GatewayApiRouteKind.TLS_ROUTE, GatewayApiRouteKind.TCP_ROUTE],
  TCP: [GatewayApiRouteKind.TCP_ROUTE],
  HBONE: [],
};

/** The route kinds `listener` accepts: its `allowedRouteKinds`, else every kind its protocol supports. @internal */
export function listenerRouteKinds(listener: GatewayApiListener): readonly string[] {
  if (listener.allowedRouteKinds && listener.allowedRouteKinds.length > 0) return listener.allowedRouteKinds;
  if (listener.protocol === GatewayApiProtocol.TLS) {
    return (listener.tls?.mode ?? GatewayApiTlsMode.TERMINATE) === GatewayApiTlsMode.PASSTHROUGH
      ? [GatewayApiRouteKind.TLS_ROUTE] : [GatewayApiRouteKind.TCP_ROUTE];
  }
  return ROUTE_KINDS[listener.protocol] ?? [];
}

/**
 * A Kubernetes Gateway API Gateway (`gateway.networking.k8s.io/v1`): listeners (port, protocol, host name, TLS) that
 * routes attach to. With the `istio` GatewayClass, Istio deploys and runs the gateway's workload; no selector.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#gateway
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/
 *
 * @example
 * const gw = new GatewayApiGateway(chart, 'Public', {});
 * gw.addListener({ name: 'http', port: 80, protocol: GatewayApiProtocol.HTTP, hostname: 'shop.example.com' });
 */
export class GatewayApiGateway extends IstioResource implements IIngressGateway {
  /** The GatewayClass. */
  public readonly gatewayClassName: string;
  private readonly _listeners: GatewayApiListener[] = [];

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the Gateway's settings
   */
  constructor(scope: Construct, id: string, props: GatewayApiGatewayProps = {}) {
    super(scope, id, GATEWAY_API_GROUP, 'Gateway', props, GATEWAY_API_VERSIONS.Gateway, 'GatewayApiGatewayProps');
    this.gatewayClassName = props.gatewayClassName ?? 'istio';
    const classIssue = objectNameProblem(this.gatewayClassName);
    if (classIssue) {
      throwIfProblems(this, [{ field: 'gatewayClassName', value: this.gatewayClassName, problem: classIssue, fix: 'name a GatewayClass, e.g. "istio"' }]);
    }
    for (const listener of props.listeners ?? []) this.addListener(listener);
    addSynthValidation(this, () => this._listeners.length > 0 ? [] : [describeProblem({
      field: 'listeners',
      prop: 'GatewayApiGatewayProps.listeners',
      problem: 'is empty',
      fix: 'add a listener with addListener()',
      symptom: 'the API server rejects the Gateway (at least one listener is required)',
    })]);
    addSynthValidation(this, () => {
      const a = MeshAnalysis.of(this);
      const view = a.viewOf(this.apiObject);
      return view === undefined ? [] : gatewayApiCertificateGrantProblems(a, view).map(describeProblem);
    });
  }

  /**
   * The Gateway as `namespace/name` (`default/<name>` without a namespace): an IngressRoute on the Gateway API given
   * this Gateway as `gateway` attaches its routes to it.
   */
  public get gatewayRef(): string {
    return `${this.effectiveNamespace}/${this.name}`;
  }

  /** The listeners, in order. */
  public get listeners(): GatewayApiListener[] {
    return [...this._listeners];
  }

  /**
   * Adds a listener.
   *
   * @param listener the port, protocol, host name, TLS settings and allowed routes
   */
  public addListener(listener: GatewayApiListener): void {
    const field = `listeners[${this._listeners.length}]`;
    checkShape(this, 'GatewayApiListener', listener, field);
    throwIfProblems(this, listenerProblems(field, listener, this._listeners));
    this._listeners.push(listener);
  }

  /** The listener named `name`, if any. @internal */
  public _listener(name: string): GatewayApiListener | undefined {
    return this._listeners.find(l => l.name === name);
  }

  /** @internal */
  protected _renderSpec(): any {
    return {
      gatewayClassName: this.gatewayClassName,
      listeners: this._listeners.map(l => renderListener(l, this.namespace)),
    };
  }
}

function renderListener(l: GatewayApiListener, gatewayNamespace: string | undefined): any {
  const from = l.allowedRoutesFrom;
  const kinds = l.allowedRouteKinds;
  return {
    name: l.name,
    hostname: l.hostname,
    port: l.port,
    protocol: l.protocol,
    tls: l.tls === undefined ? undefined : {
      mode: l.tls.mode ?? GatewayApiTlsMode.TERMINATE,
      certificateRefs: l.tls.certificateRefs && l.tls.certificateRefs.length > 0
        ? l.tls.certificateRefs.map(c => ({
          name: c.name,
          namespace: c.namespace !== undefined && c.namespace !== gatewayNamespace ? c.namespace : undefined,
        }))
        : undefined,
      options: l.tls.options && Object.keys(l.tls.options).length > 0 ? { ...l.tls.options } : undefined,
    },
    allowedRoutes: from === undefined && (kinds === undefined || kinds.length === 0) ? undefined : {
      namespaces: from === undefined ? undefined : {
        from,
        selector: l.allowedRoutesSelector ? { matchLabels: { ...l.allowedRoutesSelector } } : undefined,
      },
      kinds: kinds && kinds.length > 0 ? kinds.map(kind => ({ kind })) : undefined,
    },
  };
}

/** A listener's own rules (the CRD's CEL rules and Istio's), and its distinctness from the `earlier` listeners. */
function listenerProblems(field: string, l: GatewayApiListener, earlier: GatewayApiListener[]): Problem[] {
  const problems: Problem[] = [];
  const nameIssue = sectionNameProblem(l.name);
  if (nameIssue) problems.push({ field: `${field}.name`, value: l.name, problem: nameIssue, fix: 'name the listener like "https" or "shop-https"' });
  if (earlier.some(e => e.name === l.name)) {
    problems.push({ field: `${field}.name`, value: l.name, problem: 'is the name of another listener of this Gateway', fix: 'give each listener its own name', symptom: 'the API server rejects the Gateway' });
  }
  if (earlier.length >= 64) {
    problems.push({ field, problem: 'is the 65th listener; a Gateway has at most 64', fix: 'split the listeners over several Gateways' });
  }
  // An HBONE listener is the proxy's own tunnel port (15008), which the reserved-port rule is about.
  const portIssue = portProblem(l.port) ?? (l.protocol === GatewayApiProtocol.HBONE ? undefined : reservedProxyPortProblem(l.port));
  if (portIssue) problems.push({ field: `${field}.port`, value: l.port, problem: portIssue, fix: 'use another port, e.g. 80 or 443' });
  if (l.hostname !== undefined) {
    const issue = gatewayApiHostnameProblem(l.hostname);
    if (issue) problems.push({ field: `${field}.hostname`, value: l.hostname, problem: issue, fix: 'use a host name like "shop.example.com" or "*.example.com", or leave it out to accept any' });
    if (l.protocol === GatewayApiProtocol.TCP) {
      problems.push({
        field: `${field}.hostname`,
        value: l.hostname,
        problem: 'is set on a TCP listener, which cannot see host names',
        fix: 'leave the hostname out, or use a TLS listener (routed by SNI)',
        symptom: 'the API server rejects the Gateway',
      });
    }
  }
  const same = earlier.find(e => e.port === l.port && e.protocol === l.protocol && e.hostname === l.hostname);
  if (same) {
    problems.push({
      field,
      value: { port: l.port, protocol: l.protocol, hostname: l.hostname },
      problem: `has the port, protocol and hostname of listener "${same.name}"`,
      fix: 'merge the two listeners, or give them different host names',
      symptom: 'the API server rejects the Gateway',
    });
  }
  problems.push(...listenerTlsProblems(field, l));
  if (l.allowedRoutesSelector !== undefined) {
    if (l.allowedRoutesFrom !== GatewayApiRoutesFrom.SELECTOR) {
      problems.push({
        field: `${field}.allowedRoutesSelector`,
        value: l.allowedRoutesSelector,
        problem: 'is set while allowedRoutesFrom is not GatewayApiRoutesFrom.SELECTOR, so it would be ignored',
        fix: 'set allowedRoutesFrom: GatewayApiRoutesFrom.SELECTOR, or remove the selector',
      });
    }
    const issue = Object.keys(l.allowedRoutesSelector).length === 0 ? 'must not be empty (it would select every namespace)' : labelsProblem(l.allowedRoutesSelector);
    if (issue) problems.push({ field: `${field}.allowedRoutesSelector`, value: l.allowedRoutesSelector, problem: issue, fix: 'use GatewayApiRoutesFrom.ALL to accept every namespace, or list namespace labels' });
  } else if (l.allowedRoutesFrom === GatewayApiRoutesFrom.SELECTOR) {
    problems.push({
      field: `${field}.allowedRoutesSelector`,
      problem: 'is required with GatewayApiRoutesFrom.SELECTOR',
      fix: 'list the namespace labels, e.g. { "shared-gateway-access": "true" }',
      symptom: 'no route attaches to the listener',
    });
  }
  const supported = ROUTE_KINDS[l.protocol] ?? [];
  (l.allowedRouteKinds ?? []).forEach((kind, i) => {
    if (!supported.includes(kind)) {
      problems.push({
        field: `${field}.allowedRouteKinds[${i}]`,
        value: kind,
        problem: `cannot attach to a ${l.protocol} listener`,
        fix: supported.length > 0 ? `use ${supported.join(' or ')}` : 'remove allowedRouteKinds',
        symptom: 'the listener reports InvalidRouteKinds and the route is not attached',
      });
    }
  });
  return problems;
}

function listenerTlsProblems(field: string, l: GatewayApiListener): Problem[] {
  const tls = l.tls;
  const needsTls = l.protocol === GatewayApiProtocol.HTTPS || l.protocol === GatewayApiProtocol.TLS;
  if (tls === undefined) {
    return needsTls ? [{
      field: `${field}.tls`,
      problem: `is required on a ${l.protocol} listener`,
      fix: l.protocol === GatewayApiProtocol.HTTPS ? 'add tls: { certificateRefs: [{ name: "<secret>" }] }' : 'add tls with mode PASSTHROUGH (route by SNI) or TERMINATE with certificateRefs',
      symptom: 'the API server rejects the Gateway',
    }] : [];
  }
  if (!needsTls) {
    return [{
      field: `${field}.tls`,
      problem: `is set on a ${l.protocol} listener`,
      fix: l.protocol === GatewayApiProtocol.HTTP ? 'use protocol HTTPS to terminate TLS' : 'use protocol TLS to terminate or pass through TLS',
      symptom: 'the API server rejects the Gateway',
    }];
  }
  const mode = tls.mode ?? GatewayApiTlsMode.TERMINATE;
  const refs = tls.certificateRefs ?? [];
  const problems: Problem[] = [];
  if (l.protocol === GatewayApiProtocol.HTTPS && mode !== GatewayApiTlsMode.TERMINATE) {
    problems.push({
      field: `${field}.tls.mode`,
      value: mode,
      problem: 'must be TERMINATE on an HTTPS listener',
      fix: 'use a TLS listener with mode PASSTHROUGH and a TLSRoute to pass HTTPS through',
      symptom: 'the API server rejects the Gateway',
    });
  }
  if (mode === GatewayApiTlsMode.TERMINATE && refs.length === 0) {
    problems.push({
      field: `${field}.tls.certificateRefs`,
      problem: 'is empty, so the listener has no certificate to terminate TLS with',
      fix: 'name the Secret with the certificate: certificateRefs: [{ name: "<secret>" }]',
      symptom: 'the API server rejects the Gateway',
    });
  }
  if (mode === GatewayApiTlsMode.PASSTHROUGH && refs.length > 0) {
    problems.push({
      field: `${field}.tls.certificateRefs`,
      value: refs.map(r => r.name),
      problem: 'is set on a PASSTHROUGH listener, which never uses a certificate',
      fix: 'remove certificateRefs, or use mode TERMINATE',
    });
  }
  if (refs.length > 64) problems.push({ field: `${field}.tls.certificateRefs`, value: refs.length, problem: 'has more than 64 entries', fix: 'list at most 64 certificates' });
  refs.forEach((r, i) => {
    const issue = objectNameProblem(r.name);
    if (issue) problems.push({ field: `${field}.tls.certificateRefs[${i}].name`, value: r.name, problem: issue, fix: 'name the Secret by its metadata.name' });
  });
  return problems;
}
