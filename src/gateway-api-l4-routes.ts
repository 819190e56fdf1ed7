import { Construct } from 'constructs';
import { GatewayApiBackend } from './gateway-api-refs';
import { GatewayApiHostnameRouteProps, GatewayApiRoute, GatewayApiRouteProps } from './gateway-api-route';
import { describeProblem, throwIfProblems } from './private/errors';
import { addSynthValidation } from './private/mesh-model';
import { checkShape } from './private/shape';

/**
 * Props of a GatewayApiTlsRoute.
 */
export interface GatewayApiTlsRouteProps extends GatewayApiHostnameRouteProps {
  /**
   * Where connections go, with relative weights; more can be added with `addBackend()`.
   *
   * @default - none
   */
  readonly backends?: GatewayApiBackend[];
}

/**
 * Props of a GatewayApiTcpRoute.
 */
export interface GatewayApiTcpRouteProps extends GatewayApiRouteProps {
  /**
   * Where connections go, with relative weights; more can be added with `addBackend()`.
   *
   * @default - none
   */
  readonly backends?: GatewayApiBackend[];
}

/**
 * A Gateway API route with one rule of weighted backends (TLSRoute, TCPRoute).
 */
export abstract class GatewayApiBackendsRoute extends GatewayApiRoute {
  private readonly _backends: GatewayApiBackend[] = [];

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param kind the route kind, `TLSRoute` or `TCPRoute`
   * @param props the route's settings
   * @param propsType the name of the props struct
   */
  protected constructor(scope: Construct, id: string, kind: string, props: GatewayApiRouteProps, propsType: string) {
    super(scope, id, kind, props, propsType);
    addSynthValidation(this, () => this._backends.length > 0 ? [] : [describeProblem({
      field: 'rules[0].backendRefs',
      prop: kind === 'TLSRoute' ? 'GatewayApiTlsRouteProps.backends' : 'GatewayApiTcpRouteProps.backends',
      problem: 'is empty',
      fix: 'add a backend with addBackend()',
      symptom: `the API server rejects the ${kind} (a rule needs at least one backend)`,
    })]);
  }

  /** The backends, in order. */
  public get backends(): GatewayApiBackend[] {
    return [...this._backends];
  }

  /**
   * Adds a backend (at most 16).
   *
   * @param backend the Service port, with its weight
   */
  public addBackend(backend: GatewayApiBackend): void {
    checkShape(this, 'GatewayApiBackend', backend, `rules[0].backendRefs[${this._backends.length}]`);
    throwIfProblems(this, this._backendProblems('rules[0].backendRefs', [...this._backends, backend]));
    this._backends.push(backend);
  }

  /** @internal */
  protected _renderSpec(): any {
    return {
      ...this._renderAttachment(),
      rules: [{ backendRefs: this._backends.map(b => b._render(this.namespace)) }],
    };
  }
}

/**
 * A Kubernetes Gateway API TLSRoute (`gateway.networking.k8s.io/v1`): TLS connections routed by SNI, passed through
 * unterminated (a TLS listener in `PASSTHROUGH` mode).
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#tlsroute
 */
export class GatewayApiTlsRoute extends GatewayApiBackendsRoute {
  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the route's settings
   */
  constructor(scope: Construct, id: string, props: GatewayApiTlsRouteProps = {}) {
    super(scope, id, 'TLSRoute', props, 'GatewayApiTlsRouteProps');
    for (const hostname of props.hostnames ?? []) this.addHostname(hostname);
    for (const backend of props.backends ?? []) this.addBackend(backend);
    addSynthValidation(this, () => this.hostnames.length > 0 ? [] : [describeProblem({
      field: 'hostnames',
      prop: 'GatewayApiTlsRouteProps.hostnames',
      problem: 'is empty; a TLSRoute routes by SNI and needs at least one host name',
      fix: 'add the SNI names with addHostname()',
      symptom: 'the API server rejects the TLSRoute',
    })]);
  }

  /**
   * Adds an SNI host name the route serves.
   *
   * @param hostname e.g. `db.example.com`
   */
  public addHostname(hostname: string): void {
    this._addHostname(hostname);
  }
}

/**
 * A Kubernetes Gateway API TCPRoute (`gateway.networking.k8s.io/v1alpha2`): TCP connections of a TCP listener (or a
 * terminating TLS listener) forwarded to weighted backends.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#tcproute
 */
export class GatewayApiTcpRoute extends GatewayApiBackendsRoute {
  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the route's settings
   */
  constructor(scope: Construct, id: string, props: GatewayApiTcpRouteProps = {}) {
    super(scope, id, 'TCPRoute', props, 'GatewayApiTcpRouteProps');
    for (const backend of props.backends ?? []) this.addBackend(backend);
  }
}
