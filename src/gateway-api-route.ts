import { Construct } from 'constructs';
import { GatewayApiBackend, GatewayApiParent } from './gateway-api-refs';
import { gatewayApiViews } from './private/analysis/gateway-api-model';
import { gatewayApiRouteReferenceProblems } from './private/analysis/gateway-api-references';
import { gatewayApiRouteConflictProblems } from './private/analysis/gateway-api-route-conflicts';
import { MeshAnalysis } from './private/analysis/model';
import { describeProblem, Problem, throwIfProblems } from './private/errors';
import { GATEWAY_API_GROUP, GATEWAY_API_VERSIONS, gatewayApiHostnameProblem } from './private/gateway-api';
import { addSynthValidation } from './private/mesh-model';
import { checkShape } from './private/shape';
import { IstioResource, IstioResourceProps } from './resource';

/**
 * Props every Gateway API route takes.
 */
export interface GatewayApiRouteProps extends IstioResourceProps {
  /**
   * The Gateways (listeners) or Services (GAMMA) the route attaches to; more can be added with `addParent()`.
   *
   * @default - none
   */
  readonly parents?: GatewayApiParent[];
}

/**
 * Props of a route that matches host names (HTTPRoute, GRPCRoute, TLSRoute).
 */
export interface GatewayApiHostnameRouteProps extends GatewayApiRouteProps {
  /**
   * The host names the route serves (`Host` header or SNI), optionally with a leading `*.`; more can be added with
   * `addHostname()`.
   *
   * @default - every host name the parent listener accepts
   */
  readonly hostnames?: string[];
}

/**
 * A Kubernetes Gateway API route (`gateway.networking.k8s.io`): what it attaches to (`parentRefs`) and, for the
 * kinds that have them, the host names it serves. One route kind per subclass.
 */
export abstract class GatewayApiRoute extends IstioResource {
  private readonly _parents: GatewayApiParent[] = [];
  private readonly _hostnames: string[] = [];

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param kind the route kind, e.g. `HTTPRoute`
   * @param props the route's settings
   * @param propsType the name of the props struct, e.g. `GatewayApiHttpRouteProps`
   */
  protected constructor(scope: Construct, id: string, kind: string, props: GatewayApiRouteProps, propsType: string) {
    super(scope, id, GATEWAY_API_GROUP, kind, props, GATEWAY_API_VERSIONS[kind], propsType);
    for (const parent of props.parents ?? []) this.addParent(parent);
    // Cross-resource rules (src/private/analysis/gateway-api-*.ts): parents, backends, ReferenceGrants, conflicts.
    addSynthValidation(this, () => {
      const a = MeshAnalysis.of(this);
      const view = gatewayApiViews(a).route(this.apiObject);
      if (view === undefined) return []; // rendering fails: reported by cdk8s
      return [...gatewayApiRouteReferenceProblems(a, view), ...gatewayApiRouteConflictProblems(a, view)].map(describeProblem);
    });
  }

  /** The parents, in order. */
  public get parents(): GatewayApiParent[] {
    return [...this._parents];
  }

  /** The host names, in order (empty: every host name the parent listener accepts). */
  public get hostnames(): string[] {
    return [...this._hostnames];
  }

  /**
   * Attaches the route to a Gateway (or one of its listeners) or, for mesh traffic, a Service.
   *
   * @param parent the parent
   */
  public addParent(parent: GatewayApiParent): void {
    const field = `parentRefs[${this._parents.length}]`;
    checkShape(this, 'GatewayApiParent', parent, field);
    const problems = [...parent._problems(field), ...this.sameParentProblems(field, parent)];
    if (this._parents.length >= 32) problems.push({ field, problem: 'is the 33rd parent; a route has at most 32', fix: 'split the route' });
    throwIfProblems(this, problems);
    this._parents.push(parent);
  }

  /**
   * Adds a host name (HTTPRoute, GRPCRoute and TLSRoute; called by their `addHostname()`).
   * @internal
   */
  protected _addHostname(hostname: string): void {
    const field = `hostnames[${this._hostnames.length}]`;
    checkShape(this, 'string', hostname, field);
    const problems: Problem[] = [];
    const issue = gatewayApiHostnameProblem(hostname);
    if (issue) problems.push({ field, value: hostname, problem: issue, fix: 'use a host name like "shop.example.com" or "*.example.com"' });
    if (this._hostnames.includes(hostname)) problems.push({ field, value: hostname, problem: 'is listed twice', fix: 'list each host name once' });
    if (this._hostnames.length >= 16) problems.push({ field, value: hostname, problem: 'is the 17th host name; a route has at most 16', fix: 'split the route' });
    throwIfProblems(this, problems);
    this._hostnames.push(hostname);
  }

  /** `parentRefs` and `hostnames` of the spec. @internal */
  protected _renderAttachment(): any {
    return {
      parentRefs: this._parents.length > 0 ? this._parents.map(p => p._render(this.namespace)) : undefined,
      hostnames: this._hostnames.length > 0 ? [...this._hostnames] : undefined,
    };
  }

  /** The backends' own problems at `field`, and the limit of 16 per rule. @internal */
  protected _backendProblems(field: string, backends: GatewayApiBackend[]): Problem[] {
    const problems = backends.flatMap((b, i) => b._problems(`${field}[${i}]`));
    if (backends.length > 16) problems.push({ field, value: backends.length, problem: 'has more than 16 backends', fix: 'list at most 16 backends per rule' });
    return problems;
  }

  /**
   * The CRD's rule for several references to one parent: each needs its own sectionName or port, or the API server
   * rejects the route.
   */
  private sameParentProblems(field: string, parent: GatewayApiParent): Problem[] {
    const key = (p: GatewayApiParent) => `${p.group}/${p.kind}/${p.namespace ?? this.namespace ?? ''}/${p.name}`;
    const attachment = (p: GatewayApiParent) => `${p.sectionName ?? ''}:${p.port ?? ''}`;
    const same = this._parents.filter(p => key(p) === key(parent));
    if (same.length === 0) return [];
    if ([parent, ...same].some(p => p.sectionName === undefined && p.port === undefined) || same.some(p => attachment(p) === attachment(parent))) {
      return [{
        field,
        value: `${parent.kind} ${parent.name}`,
        problem: 'names a parent the route already has, without a sectionName or port that tells the two attachments apart',
        fix: 'name the parent once, or give each reference its own listener (sectionName) or port',
        symptom: 'the API server rejects the route',
      }];
    }
    return [];
  }
}
