import { Construct } from 'constructs';
import { GatewayApiHttpFilter, GatewayApiValueMatch, httpFilterProblems, renderValueMatch, valueMatchProblems } from './gateway-api-http-route';
import { GatewayApiBackend } from './gateway-api-refs';
import { GatewayApiHostnameRouteProps, GatewayApiRoute } from './gateway-api-route';
import { Problem, throwIfProblems } from './private/errors';
import { checkShape } from './private/shape';

/**
 * What a gRPC call must look like for a GRPCRoute rule to apply: service and method (exact), and headers.
 */
export interface GatewayApiGrpcMatch {
  /**
   * The fully qualified gRPC service, e.g. `shop.v1.Catalog`.
   *
   * @default - any service
   */
  readonly service?: string;

  /**
   * The method, e.g. `ListItems`.
   *
   * @default - any method
   */
  readonly method?: string;

  /**
   * Headers (metadata) that must match.
   *
   * @default - none
   */
  readonly headers?: GatewayApiValueMatch[];
}

/**
 * A rule of a GRPCRoute.
 */
export interface GatewayApiGrpcRule {
  /**
   * The calls the rule applies to (any of them).
   *
   * @default - every call
   */
  readonly matches?: GatewayApiGrpcMatch[];

  /**
   * Filters: request/response header changes and mirrors (redirects and rewrites do not exist for gRPC).
   *
   * @default - none
   */
  readonly filters?: GatewayApiHttpFilter[];

  /**
   * Where calls go, with relative weights.
   *
   * @default - none
   */
  readonly backends?: GatewayApiBackend[];
}

/**
 * Props of a GatewayApiGrpcRoute.
 */
export interface GatewayApiGrpcRouteProps extends GatewayApiHostnameRouteProps {
  /**
   * The rules; more can be added with `addRule()`.
   *
   * @default - none
   */
  readonly rules?: GatewayApiGrpcRule[];
}

const GRPC_SERVICE = /^[a-zA-Z_][a-zA-Z0-9_]*(\.[a-zA-Z_][a-zA-Z0-9_]*)*$/;
const GRPC_METHOD = /^[A-Za-z_][A-Za-z_0-9]*$/;

/**
 * A Kubernetes Gateway API GRPCRoute (`gateway.networking.k8s.io/v1`): gRPC routing by service and method.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#grpcroute
 */
export class GatewayApiGrpcRoute extends GatewayApiRoute {
  private readonly _rules: GatewayApiGrpcRule[] = [];

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the route's settings
   */
  constructor(scope: Construct, id: string, props: GatewayApiGrpcRouteProps = {}) {
    super(scope, id, 'GRPCRoute', props, 'GatewayApiGrpcRouteProps');
    for (const hostname of props.hostnames ?? []) this.addHostname(hostname);
    for (const rule of props.rules ?? []) this.addRule(rule);
  }

  /** The rules, in order. */
  public get rules(): GatewayApiGrpcRule[] {
    return [...this._rules];
  }

  /**
   * Adds a host name the route serves.
   *
   * @param hostname e.g. `grpc.example.com`
   */
  public addHostname(hostname: string): void {
    this._addHostname(hostname);
  }

  /**
   * Adds a rule (at most 16 per route).
   *
   * @param rule the rule
   */
  public addRule(rule: GatewayApiGrpcRule): void {
    const field = `rules[${this._rules.length}]`;
    checkShape(this, 'GatewayApiGrpcRule', rule, field);
    const problems: Problem[] = [];
    (rule.matches ?? []).forEach((m, i) => problems.push(...grpcMatchProblems(`${field}.matches[${i}]`, m)));
    problems.push(...httpFilterProblems(`${field}.filters`, rule.filters ?? [], ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror']));
    problems.push(...this._backendProblems(`${field}.backendRefs`, rule.backends ?? []));
    if (this._rules.length >= 16) problems.push({ field, problem: 'is the 17th rule; a GRPCRoute has at most 16', fix: 'split the route into several GRPCRoutes' });
    throwIfProblems(this, problems);
    this._rules.push(rule);
  }

  /** @internal */
  protected _renderSpec(): any {
    const ns = this.namespace;
    return {
      ...this._renderAttachment(),
      rules: this._rules.length > 0 ? this._rules.map(r => ({
        matches: r.matches && r.matches.length > 0 ? r.matches.map(m => ({
          method: m.service !== undefined || m.method !== undefined ? { type: 'Exact', service: m.service, method: m.method } : undefined,
          headers: m.headers && m.headers.length > 0 ? m.headers.map(renderValueMatch) : undefined,
        })) : undefined,
        filters: r.filters && r.filters.length > 0 ? r.filters.map(f => f._render(ns)) : undefined,
        backendRefs: r.backends && r.backends.length > 0 ? r.backends.map(b => b._render(ns)) : undefined,
      })) : undefined,
    };
  }
}

function grpcMatchProblems(field: string, m: GatewayApiGrpcMatch): Problem[] {
  const problems: Problem[] = [];
  if (m.service !== undefined && (m.service.length > 1024 || !GRPC_SERVICE.test(m.service))) {
    problems.push({ field: `${field}.method.service`, value: m.service, problem: 'must be a fully qualified gRPC service name', fix: 'write it like "shop.v1.Catalog"' });
  }
  if (m.method !== undefined && (m.method.length > 1024 || !GRPC_METHOD.test(m.method))) {
    problems.push({ field: `${field}.method.method`, value: m.method, problem: 'must be a gRPC method name', fix: 'write it like "ListItems" (without the service)' });
  }
  const headers = m.headers ?? [];
  headers.forEach((h, i) => problems.push(...valueMatchProblems(`${field}.headers[${i}]`, h, headers.slice(0, i), true)));
  return problems;
}
