import { Construct } from 'constructs';
import { MeshAnalysis } from './private/analysis/model';
import { servicePortAsWorkloadPortProblems } from './private/analysis/workload-ports';
import { configError, describeProblem, Problem, throwIfProblems } from './private/errors';
import { istioReleaseOf, serviceAccountPrincipal, serviceAccountsUnusableReason } from './private/istio-version';
import { addSynthValidation } from './private/mesh-model';
import { ipOrCidrProblem, k8sLabelNameProblem, objectNameProblem } from './private/rules';
import { checkArgs, checkShape } from './private/shape';
import { IstioResource } from './resource';
import { PolicyTargetingProps, PolicyTargetReference, PolicyTargets } from './workload-target';

const GROUP = 'security.istio.io';
const KIND = 'AuthorizationPolicy';

/** The annotation that makes a policy dry-run only. */
const DRY_RUN_ANNOTATION = 'istio.io/dry-run';
/** The values Go's strconv.ParseBool accepts, which is how istiod reads the dry-run annotation. */
const GO_BOOLS: readonly string[] = ['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'];

/** Says on the object why its serviceAccounts were written as principals (see IstioApi.targetIstio). */
const SERVICE_ACCOUNTS_AS_PRINCIPALS_ANNOTATION = 'cdk8s-istio.dev/service-accounts-as-principals';

/** Istio's limit on `serviceAccounts` / `notServiceAccounts` entries (CRD `maxItems`). */
const MAX_SERVICE_ACCOUNTS = 16;
/** Istio's limit on the length of one service-account entry (CRD `maxLength`). */
const MAX_SERVICE_ACCOUNT_LENGTH = 320;

/**
 * What an AuthorizationPolicy does with the requests its rules match.
 *
 * Istio evaluates CUSTOM policies first, then DENY, then ALLOW: a request matched by a DENY rule is refused even
 * when an ALLOW rule also matches it; once any ALLOW policy applies to a workload, requests no ALLOW rule matches
 * are refused.
 */
export enum AuthorizationAction {
  /** Allow matching requests (and, once any ALLOW policy applies, refuse the others). */
  ALLOW = 'ALLOW',
  /** Refuse matching requests. */
  DENY = 'DENY',
  /** Log matching requests for auditing; does not allow or deny. Needs an audit-capable telemetry provider. */
  AUDIT = 'AUDIT',
  /** Ask an external authorizer (an extension provider of the mesh config, named by `provider`). */
  CUSTOM = 'CUSTOM',
}

/**
 * Where a request comes from. Fields combine with AND; entries of one field with OR. A `not` field matches
 * requests that match none of its entries. Strings match exactly, or by prefix (`abc*`), suffix (`*abc`) or
 * presence (`*`).
 *
 * Peer identities (principals, namespaces, serviceAccounts, trustDomains) come from the client's mutual-TLS
 * certificate: they only match when mTLS is in use.
 */
export interface AuthorizationSource {
  /**
   * Peer identities, `<trust domain>/ns/<namespace>/sa/<service account>`, e.g. `cluster.local/ns/shop/sa/frontend`.
   *
   * @default - any peer identity
   */
  readonly principals?: string[];

  /**
   * Peer identities that must not match.
   *
   * @default - no exclusion
   */
  readonly notPrincipals?: string[];

  /**
   * Request identities from a validated JWT, `<iss>/<sub>`, e.g. `https://accounts.example.com/1234`; `*` means
   * "any valid JWT". HTTP only. Needs a RequestAuthentication.
   *
   * @default - any request identity, or none
   */
  readonly requestPrincipals?: string[];

  /**
   * Request identities that must not match; `["*"]` matches requests without a valid JWT. HTTP only.
   *
   * @default - no exclusion
   */
  readonly notRequestPrincipals?: string[];

  /**
   * Namespaces of the peer workloads.
   *
   * @default - any namespace
   */
  readonly namespaces?: string[];

  /**
   * Namespaces that must not match.
   *
   * @default - no exclusion
   */
  readonly notNamespaces?: string[];

  /**
   * Service accounts of the peer workloads, `<namespace>/<service account>` (at most 16, no wildcards). Cannot be
   * combined with `principals` or `namespaces` in the same source.
   *
   * @default - any service account
   */
  readonly serviceAccounts?: string[];

  /**
   * Service accounts that must not match, `<namespace>/<service account>`.
   *
   * @default - no exclusion
   */
  readonly notServiceAccounts?: string[];

  /**
   * Trust domains of the peer identities, e.g. `cluster.local`; one leading or trailing `*` allowed.
   *
   * @default - any trust domain
   */
  readonly trustDomains?: string[];

  /**
   * Trust domains that must not match.
   *
   * @default - no exclusion
   */
  readonly notTrustDomains?: string[];

  /**
   * IP addresses or CIDR blocks of the peer (the address of the connection), e.g. `10.0.0.0/16`.
   *
   * @default - any address
   */
  readonly ipBlocks?: string[];

  /**
   * Peer addresses that must not match.
   *
   * @default - no exclusion
   */
  readonly notIpBlocks?: string[];

  /**
   * IP addresses or CIDR blocks of the original client, from `X-Forwarded-For` or the PROXY protocol (useful on
   * ingress gateways).
   *
   * @default - any address
   */
  readonly remoteIpBlocks?: string[];

  /**
   * Original client addresses that must not match.
   *
   * @default - no exclusion
   */
  readonly notRemoteIpBlocks?: string[];
}

/**
 * What a request asks for. Fields combine with AND; entries of one field with OR.
 */
export interface AuthorizationOperation {
  /**
   * Hosts of the request (`Host` / `:authority`), compared case-insensitively. HTTP only.
   *
   * @default - any host
   */
  readonly hosts?: string[];

  /**
   * Hosts that must not match. HTTP only.
   *
   * @default - no exclusion
   */
  readonly notHosts?: string[];

  /**
   * Ports of the workload (container ports) the request arrives on. Restricting DENY rules to the HTTP ports keeps
   * them from applying to TCP ports.
   *
   * @default - any port
   */
  readonly ports?: number[];

  /**
   * Ports that must not match.
   *
   * @default - no exclusion
   */
  readonly notPorts?: number[];

  /**
   * HTTP methods, in upper case (`GET`, `POST`); gRPC requests are always `POST`. HTTP only.
   *
   * @default - any method
   */
  readonly methods?: string[];

  /**
   * Methods that must not match. HTTP only.
   *
   * @default - no exclusion
   */
  readonly notMethods?: string[];

  /**
   * Request paths, starting with `/`: exact, prefix (`/api/*`), suffix (`*.png`), or templates where `{*}` matches
   * one segment and `{**}` (last) any number of segments (`/users/{*}/orders`). HTTP only.
   *
   * @default - any path
   */
  readonly paths?: string[];

  /**
   * Paths that must not match. HTTP only.
   *
   * @default - no exclusion
   */
  readonly notPaths?: string[];
}

/**
 * An extra condition on an Istio attribute.
 *
 * @see https://istio.io/latest/docs/reference/config/security/conditions/
 */
export interface AuthorizationCondition {
  /**
   * The attribute: `request.headers[<name>]`, `source.ip`, `remote.ip`, `source.namespace`, `source.principal`,
   * `source.serviceAccount`, `source.trustDomain`, `request.auth.principal`, `request.auth.audiences`,
   * `request.auth.presenter`, `request.auth.claims[<claim>]`, `destination.ip`, `destination.port` or
   * `connection.sni`.
   */
  readonly key: string;

  /**
   * Values of which one must match. At least one of `values` and `notValues` is required.
   *
   * @default - no positive match
   */
  readonly values?: string[];

  /**
   * Values none of which may match.
   *
   * @default - no exclusion
   */
  readonly notValues?: string[];
}

/**
 * One rule of an AuthorizationPolicy: it matches a request when one of `from`, one of `to` and every `when`
 * match. An omitted part matches anything, so an empty rule `{}` matches every request.
 */
export interface AuthorizationRule {
  /**
   * Sources of the request; one of them must match.
   *
   * @default - any source
   */
  readonly from?: AuthorizationSource[];

  /**
   * Operations of the request; one of them must match.
   *
   * @default - any operation
   */
  readonly to?: AuthorizationOperation[];

  /**
   * Conditions that must all match.
   *
   * @default - no conditions
   */
  readonly when?: AuthorizationCondition[];
}

/**
 * The `to` and `when` parts of a rule made by an `AuthorizationRules` helper.
 */
export interface AuthorizationRuleOptions {
  /**
   * Operations of the request; one of them must match.
   *
   * @default - any operation
   */
  readonly to?: AuthorizationOperation[];

  /**
   * Conditions that must all match.
   *
   * @default - no conditions
   */
  readonly when?: AuthorizationCondition[];
}

/**
 * Options of `AuthorizationRules.fromIngressGateway()`.
 */
export interface AuthorizationRuleFromIngressGatewayOptions extends AuthorizationRuleOptions {
  /**
   * The namespace of the ingress gateway.
   *
   * @default 'istio-system'
   */
  readonly gatewayNamespace?: string;

  /**
   * The service account of the ingress gateway pods.
   *
   * @default 'istio-ingressgateway-service-account' (the name `istioctl install` uses)
   */
  readonly gatewayServiceAccount?: string;
}

/**
 * Rules for the common cases, to pass to `AuthorizationPolicy.addRule()`.
 *
 * @example
 * policy.addRule(AuthorizationRules.fromNamespaces(['frontend'], { to: [{ methods: ['GET'], paths: ['/api/*'] }] }));
 */
export class AuthorizationRules {
  /**
   * Requests from workloads in these namespaces (needs mutual TLS).
   *
   * @param namespaces the namespaces of the calling workloads
   * @param options the operations (`to`) and conditions (`when`) the rule also requires
   */
  public static fromNamespaces(namespaces: string[], options: AuthorizationRuleOptions = {}): AuthorizationRule {
    checkArgs('AuthorizationRules.fromNamespaces', [namespaces, options]);
    return { from: [{ namespaces: [...namespaces] }], ...copyOptions(options) };
  }

  /**
   * Requests from workloads running as these service accounts, `<namespace>/<service account>` (needs mutual TLS).
   *
   * @param serviceAccounts the service accounts as `<namespace>/<service account>`, e.g. `shop/frontend`
   * @param options the operations (`to`) and conditions (`when`) the rule also requires
   */
  public static fromServiceAccounts(serviceAccounts: string[], options: AuthorizationRuleOptions = {}): AuthorizationRule {
    checkArgs('AuthorizationRules.fromServiceAccounts', [serviceAccounts, options]);
    return { from: [{ serviceAccounts: [...serviceAccounts] }], ...copyOptions(options) };
  }

  /**
   * Requests from these peer identities, `<trust domain>/ns/<namespace>/sa/<service account>` (needs mutual TLS).
   *
   * @param principals the peer identities, e.g. `cluster.local/ns/shop/sa/frontend`
   * @param options the operations (`to`) and conditions (`when`) the rule also requires
   */
  public static fromPrincipals(principals: string[], options: AuthorizationRuleOptions = {}): AuthorizationRule {
    checkArgs('AuthorizationRules.fromPrincipals', [principals, options]);
    return { from: [{ principals: [...principals] }], ...copyOptions(options) };
  }

  /**
   * Requests carrying a valid JWT of these identities, `<iss>/<sub>`; `['*']` means any valid JWT. HTTP only.
   *
   * @param requestPrincipals the JWT identities `<iss>/<sub>`, e.g. `https://auth.example.com/alice`, or `*` for any valid token
   * @param options the operations (`to`) and conditions (`when`) the rule also requires
   */
  public static fromRequestPrincipals(requestPrincipals: string[], options: AuthorizationRuleOptions = {}): AuthorizationRule {
    checkArgs('AuthorizationRules.fromRequestPrincipals', [requestPrincipals, options]);
    return { from: [{ requestPrincipals: [...requestPrincipals] }], ...copyOptions(options) };
  }

  /**
   * Requests that come through the ingress gateway (identified by its service account; needs mutual TLS).
   *
   * @param options the gateway's service account and namespace, and the operations and conditions the rule also requires
   */
  public static fromIngressGateway(options: AuthorizationRuleFromIngressGatewayOptions = {}): AuthorizationRule {
    checkArgs('AuthorizationRules.fromIngressGateway', [options]);
    const namespace = options.gatewayNamespace ?? 'istio-system';
    const serviceAccount = options.gatewayServiceAccount ?? 'istio-ingressgateway-service-account';
    return { from: [{ serviceAccounts: [`${namespace}/${serviceAccount}`] }], ...copyOptions(options) };
  }

  private constructor() {}
}

/**
 * Props of an AuthorizationPolicy.
 */
export interface AuthorizationPolicyProps extends PolicyTargetingProps {
  /**
   * What to do with the requests the rules match.
   *
   * @default AuthorizationAction.ALLOW
   */
  readonly action?: AuthorizationAction;

  /**
   * The name of the external authorizer (an `extensionProviders` entry of the mesh config). Required with, and only
   * allowed with, `AuthorizationAction.CUSTOM`.
   *
   * @default - none
   */
  readonly provider?: string;

  /**
   * The rules. More can be added with `addRule()`. An ALLOW policy without rules allows nothing.
   *
   * @default - no rules
   */
  readonly rules?: AuthorizationRule[];

  /**
   * Set when every port of the workloads this policy applies to speaks HTTP (HTTP, HTTP/2, gRPC). A DENY rule that
   * uses HTTP-only attributes (requestPrincipals, hosts, methods, paths, `request.*` conditions) without restricting
   * `ports` is refused otherwise: on a TCP port Istio cannot evaluate those attributes, so the rule denies the TCP
   * traffic it covers regardless of them (istiod only warns about this).
   *
   * @default false
   */
  readonly httpOnlyWorkloads?: boolean;

  /**
   * Try the policy before enforcing it: the annotation `istio.io/dry-run: "true"` makes the proxies evaluate it and
   * report what it would do (`istio_dry_run_*` stats and proxy debug logs) without allowing or denying anything.
   * ALLOW and DENY policies only.
   *
   * @default false
   */
  readonly dryRun?: boolean;
}

/**
 * An AuthorizationPolicy: access control for the workloads a selector picks (or the whole namespace, or the
 * resources `targetRefs` names).
 *
 * @see https://istio.io/latest/docs/reference/config/security/authorization-policy/
 */
export class AuthorizationPolicy extends IstioResource {
  /**
   * A policy that allows every request (`rules: [{}]`), e.g. to open one workload in a namespace that has a
   * default-deny policy.
   *
   * @param scope where to create the policy (it lands in the scope's namespace)
   * @param id the construct id; the policy's name defaults to it in kebab case
   * @param props the policy's selector or targetRefs (this method sets the rules and the action)
   */
  public static allowAll(scope: Construct, id: string, props: PolicyTargetingProps = {}): AuthorizationPolicy {
    checkArgs('AuthorizationPolicy.allowAll', [scope, id, props]);
    return new AuthorizationPolicy(scope, id, { ...props, action: AuthorizationAction.ALLOW, rules: [{}] });
  }

  /**
   * A policy that allows nothing (an ALLOW policy without rules): every request is refused unless another ALLOW
   * policy matches it. Add ALLOW policies (or rules to this one) for the traffic to let through. A DENY policy
   * would instead override every ALLOW policy.
   *
   * @param scope where to create the policy (it lands in the scope's namespace)
   * @param id the construct id; the policy's name defaults to it in kebab case
   * @param props the policy's selector or targetRefs (this method sets the rules and the action)
   */
  public static denyAll(scope: Construct, id: string, props: PolicyTargetingProps = {}): AuthorizationPolicy {
    checkArgs('AuthorizationPolicy.denyAll', [scope, id, props]);
    return new AuthorizationPolicy(scope, id, { ...props, action: AuthorizationAction.ALLOW });
  }

  /** What the policy does with the requests its rules match. */
  public readonly action: AuthorizationAction;

  /** The external authorizer of a CUSTOM policy. */
  public readonly provider?: string;

  private readonly targets: PolicyTargets;
  private readonly httpOnlyWorkloads: boolean;
  private readonly _rules: AuthorizationRule[] = [];

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the AuthorizationPolicy's settings
   */
  constructor(scope: Construct, id: string, props: AuthorizationPolicyProps = {}) {
    super(scope, id, GROUP, KIND, props);
    this.action = props.action ?? AuthorizationAction.ALLOW;
    this.provider = props.provider;
    this.httpOnlyWorkloads = props.httpOnlyWorkloads ?? false;
    this.targets = new PolicyTargets(this, props.selector);
    this.checkProvider();
    if (props.dryRun === true) this.apiObject.metadata.addAnnotation(DRY_RUN_ANNOTATION, 'true');
    for (const ref of props.targetRefs ?? []) this.addTargetRef(ref);
    for (const rule of props.rules ?? []) this.addRule(rule);
    addSynthValidation(this, () => this.validatePolicy());
  }

  /** The selector's labels (a copy), if the policy has a selector. */
  public get selector(): { [key: string]: string } | undefined {
    return this.targets.selector === undefined ? undefined : { ...this.targets.selector };
  }

  /** The resources the policy attaches to (a copy). */
  public get targetRefs(): PolicyTargetReference[] {
    return this.targets.targetRefs;
  }

  /** The rules (a copy). */
  public get rules(): AuthorizationRule[] {
    return this._rules.map(copyRule);
  }

  /**
   * Attaches the policy to a Gateway, GatewayClass, Service or ServiceEntry.
   *
   * @param targetRef the object the policy applies to
   */
  public addTargetRef(targetRef: PolicyTargetReference): void {
    this.targets.add(targetRef);
  }

  /**
   * Adds a rule; see `AuthorizationRules` for the common ones.
   *
   * @param rule the rule: sources (`from`), operations (`to`) and conditions (`when`), all of which must match
   */
  public addRule(rule: AuthorizationRule): void {
    checkShape(this, 'AuthorizationRule', rule, `rules[${this._rules.length}]`);
    const problems = this.ruleProblems(rule, `rules[${this._rules.length}]`);
    throwIfProblems(this, problems);
    this._rules.push(copyRule(rule));
    const reason = serviceAccountsUnusableReason(istioReleaseOf(this));
    if (reason && (rule.from ?? []).some(s => s.serviceAccounts !== undefined || s.notServiceAccounts !== undefined)) {
      this.metadata.addAnnotation(SERVICE_ACCOUNTS_AS_PRINCIPALS_ANNOTATION, `${reason}; serviceAccounts are written as the equivalent principals`);
    }
  }

  /** @internal */
  protected _renderSpec(): any {
    // serviceAccounts where the target Istio release cannot take them: the equivalent principals (see targetIstio()).
    const asPrincipals = serviceAccountsUnusableReason(istioReleaseOf(this)) !== undefined;
    return {
      ...this.targets.render(),
      action: this.action,
      provider: this.provider === undefined ? undefined : { name: this.provider },
      rules: this._rules.length > 0 ? this._rules.map(rule => renderRule(rule, asPrincipals)) : undefined,
    };
  }

  private checkProvider(): void {
    if (this.action === AuthorizationAction.CUSTOM && (this.provider === undefined || this.provider.length === 0)) {
      throw configError(this, {
        field: 'provider',
        value: this.provider,
        problem: 'is required with action CUSTOM',
        fix: 'name the external authorizer, as declared in the mesh config\'s extensionProviders',
        symptom: 'istiod rejects the policy ("`provider.name` must not be empty")',
      });
    }
    if (this.action !== AuthorizationAction.CUSTOM && this.provider !== undefined) {
      throw configError(this, {
        field: 'provider',
        value: this.provider,
        problem: `is only allowed with action CUSTOM (the action is ${this.action})`,
        fix: 'set action: AuthorizationAction.CUSTOM to delegate to the external authorizer, or remove provider',
        symptom: 'istiod rejects the policy ("`provider` must not be with non CUSTOM action")',
      });
    }
  }

  private ruleProblems(rule: AuthorizationRule, field: string): Problem[] {
    const problems: Problem[] = [];
    for (const part of ['from', 'to', 'when'] as const) {
      if (rule[part] !== undefined && rule[part]!.length === 0) problems.push(emptyListProblem(`${field}.${part}`, part));
    }
    (rule.from ?? []).forEach((source, i) => problems.push(...this.sourceProblems(source, `${field}.from[${i}]`)));
    (rule.to ?? []).forEach((operation, i) => problems.push(...operationProblems(operation, `${field}.to[${i}]`)));
    (rule.when ?? []).forEach((condition, i) => problems.push(...this.conditionProblems(condition, `${field}.when[${i}]`)));
    if (problems.length === 0) {
      const tcp = this.httpOnlyDenyProblem(rule, field);
      if (tcp) problems.push(tcp);
    }
    return problems;
  }

  private sourceProblems(source: AuthorizationSource, field: string): Problem[] {
    const present = SOURCE_FIELDS.filter(f => source[f.name] !== undefined);
    if (present.length === 0) {
      return [{
        field,
        value: source,
        problem: 'is an empty source',
        fix: `set at least one of ${SOURCE_FIELDS.map(f => f.name).join(', ')}; to match any source, omit from`,
        symptom: 'istiod rejects the policy ("`from.source` must not be empty")',
      }];
    }
    const problems: Problem[] = [];
    for (const spec of present) {
      const values = source[spec.name]!;
      problems.push(...listProblems(`${field}.${spec.name}`, spec.name, values, spec.check));
      if (this.action === AuthorizationAction.CUSTOM && spec.notWithCustom) {
        problems.push({
          field: `${field}.${spec.name}`,
          value: values,
          problem: 'is not supported with action CUSTOM',
          fix: 'match on ipBlocks or remoteIpBlocks, or on hosts/paths/ports in to, and let the external authorizer check identities',
          symptom: `istiod rejects the policy ("${spec.name} is currently not supported with CUSTOM action")`,
        });
      }
    }
    const saField = present.find(f => f.name === 'serviceAccounts' || f.name === 'notServiceAccounts');
    const mixed = present.filter(f => ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'].includes(f.name));
    if (saField && mixed.length > 0) {
      problems.push({
        field: `${field}.${saField.name}`,
        value: source[saField.name],
        problem: `is combined with ${mixed.map(f => f.name).join(' and ')} in the same source, which Istio does not allow`,
        fix: 'use serviceAccounts alone in this source, and put principals/namespaces in a separate from entry (from entries are ORed)',
        symptom: 'the API server rejects the object ("Cannot set serviceAccounts with namespaces or principals")',
      });
    }
    for (const name of ['serviceAccounts', 'notServiceAccounts'] as const) {
      const values = source[name];
      if (values && values.length > MAX_SERVICE_ACCOUNTS) {
        problems.push({
          field: `${field}.${name}`,
          value: values.length,
          problem: `lists more than ${MAX_SERVICE_ACCOUNTS} service accounts`,
          fix: 'split them over several from entries (they are ORed), or match whole namespaces instead',
        });
      }
    }
    return problems;
  }

  private conditionProblems(condition: AuthorizationCondition, field: string): Problem[] {
    const key = condition.key;
    const attribute = conditionAttribute(key);
    if (attribute === undefined) {
      return [{
        field: `${field}.key`,
        value: key,
        problem: 'is not an attribute Istio can match on',
        fix: `use one of ${CONDITION_KEYS.join(', ')}, ${CONDITION_MAP_KEYS.map(k => `${k}[<name>]`).join(', ')}`,
        symptom: 'istiod rejects the policy ("unknown attribute")',
      }];
    }
    const problems: Problem[] = [];
    if ((condition.values === undefined || condition.values.length === 0)
      && (condition.notValues === undefined || condition.notValues.length === 0)) {
      problems.push({
        field,
        value: condition,
        problem: `has neither values nor notValues for key "${key}"`,
        fix: 'list the values the attribute must match (values) or must not match (notValues)',
      });
    } else {
      for (const part of ['values', 'notValues'] as const) {
        if (condition[part] !== undefined) problems.push(...listProblems(`${field}.${part}`, part, condition[part]!, attribute.check));
      }
    }
    if (this.action === AuthorizationAction.CUSTOM && (attribute.identity || key.startsWith('request.auth.'))) {
      problems.push({
        field: `${field}.key`,
        value: key,
        problem: 'is not supported with action CUSTOM',
        fix: 'let the external authorizer check identities and JWT claims, or use another action',
        symptom: `istiod rejects the policy ("${key} is currently not supported with CUSTOM action")`,
      });
    }
    return problems;
  }

  /**
   * istiod only warns about this: on a TCP port the HTTP attributes of a DENY rule cannot be evaluated, so the
   * rule matches regardless of them and the workload's TCP traffic is refused.
   */
  private httpOnlyDenyProblem(rule: AuthorizationRule, field: string): Problem | undefined {
    if (this.action !== AuthorizationAction.DENY || this.httpOnlyWorkloads) return undefined;
    const httpAttributes = new Set<string>();
    for (const source of rule.from ?? []) {
      for (const name of ['requestPrincipals', 'notRequestPrincipals'] as const) if (source[name]) httpAttributes.add(name);
    }
    for (const operation of rule.to ?? []) {
      for (const name of ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'] as const) if (operation[name]) httpAttributes.add(name);
    }
    for (const condition of rule.when ?? []) if (condition.key.startsWith('request.')) httpAttributes.add(condition.key);
    const portScoped = (rule.to ?? []).length > 0 && rule.to!.every(o => o.ports !== undefined || o.notPorts !== undefined);
    if (httpAttributes.size === 0 || portScoped) return undefined;
    return {
      field,
      value: [...httpAttributes].join(', '),
      problem: 'is a DENY rule that uses HTTP-only attributes without restricting ports',
      fix: 'add ports (the workload\'s HTTP ports) to every to entry of the rule, or set httpOnlyWorkloads: true if every port of '
        + 'these workloads speaks HTTP',
      symptom: 'on TCP ports Istio cannot evaluate HTTP attributes and the rule denies the TCP traffic it covers '
        + '(all of it when the rule has no other conditions): connections are reset',
    };
  }

  private validatePolicy(): string[] {
    const errors: string[] = [];
    if (this._rules.length === 0 && (this.action === AuthorizationAction.DENY || this.action === AuthorizationAction.CUSTOM)) {
      errors.push(describeProblem({
        field: 'rules',
        prop: 'AuthorizationPolicyProps.rules',
        value: [],
        problem: `is empty, so this ${this.action} policy never matches anything`,
        fix: 'add rules with addRule(); to apply it to every request, add an empty rule: addRule({})',
        symptom: `istiod rejects the policy ("${this.action} action without \`rules\` is meaningless")`,
      }));
    }
    errors.push(...this.dryRunProblems().map(describeProblem));
    errors.push(...this.mtlsDisabledProblems().map(describeProblem));
    errors.push(...this.servicePortProblems().map(describeProblem));
    return errors;
  }

  /** `to.operation.ports` are the ports the workload receives requests on; a Service port with another targetPort never matches. */
  private servicePortProblems(): Problem[] {
    const a = MeshAnalysis.of(this);
    const view = a.viewOf(this.apiObject);
    const spec = view?.manifest.spec ?? {};
    if (view === undefined || spec.targetRefs !== undefined || spec.targetRef !== undefined) return [];
    const ports: Array<{ field: string; port: number }> = [];
    ((spec.rules ?? []) as any[]).forEach((rule, i) => ((rule.to ?? []) as any[]).forEach((to, j) => ((to.operation?.ports ?? []) as string[])
      .forEach((port, k) => ports.push({ field: `rules[${i}].to[${j}].operation.ports[${k}]`, port: Number(port) }))));
    return servicePortAsWorkloadPortProblems(a, view, spec.selector?.matchLabels, ports, 'an AuthorizationPolicy port');
  }

  /**
   * The `istio.io/dry-run` annotation (evaluate and log, but do not enforce) is read at synth time because it may be
   * added through `metadata.addAnnotation()` after construction. istiod parses it as a Go bool and only supports it
   * on ALLOW and DENY policies.
   */
  private dryRunProblems(): Problem[] {
    const value: unknown = this.apiObject.metadata.toJson().annotations?.[DRY_RUN_ANNOTATION];
    if (value === undefined) return [];
    const problems: Problem[] = [];
    if (typeof value !== 'string' || !GO_BOOLS.includes(value)) {
      problems.push({
        field: `metadata.annotations["${DRY_RUN_ANNOTATION}"]`,
        prop: 'AuthorizationPolicyProps.dryRun',
        value,
        problem: 'is not a boolean',
        fix: 'set it to "true" (log what the policy would do without enforcing it) or "false", or remove it',
        symptom: 'the webhook rejects the policy',
      });
    }
    if (this.action !== AuthorizationAction.ALLOW && this.action !== AuthorizationAction.DENY) {
      problems.push({
        field: `metadata.annotations["${DRY_RUN_ANNOTATION}"]`,
        prop: 'AuthorizationPolicyProps.dryRun',
        value,
        problem: `is only supported on ALLOW and DENY policies (the action is ${this.action})`,
        fix: 'remove the annotation, or use action ALLOW or DENY',
        symptom: 'the webhook rejects the policy',
      });
    }
    return problems;
  }

  /**
   * Peer identities (principals, namespaces, service accounts, trust domains) come from the mTLS certificate; on
   * workloads whose PeerAuthentication disables mTLS they are always empty, so rules on them never match.
   */
  private mtlsDisabledProblems(): Problem[] {
    const fields: string[] = [];
    this._rules.forEach((rule, r) => {
      (rule.from ?? []).forEach((source, s) => {
        for (const spec of SOURCE_FIELDS) if (spec.peerIdentity && source[spec.name] !== undefined) fields.push(`rules[${r}].from[${s}].${spec.name}`);
      });
      (rule.when ?? []).forEach((condition, c) => {
        if (conditionAttribute(condition.key)?.identity) fields.push(`rules[${r}].when[${c}].key`);
      });
    });
    if (fields.length === 0 || this.targets.targetRefs.length > 0) return [];
    const disabling = this.disablingPeerAuthentication();
    if (disabling === undefined) return [];
    return fields.map(field => ({
      field,
      prop: 'AuthorizationPolicyProps.rules',
      problem: 'matches on the peer identity, which needs mutual TLS, but '
        + `PeerAuthentication "${disabling.name}" (${disabling.path}) sets mtls mode DISABLE for these workloads`,
      fix: 'set the PeerAuthentication to STRICT (or PERMISSIVE) for these workloads, or match on ipBlocks instead of identities',
      symptom: this.action === AuthorizationAction.ALLOW
        ? 'every request is refused with 403 "RBAC: access denied"'
        : 'the rule never matches as intended, because the peer identity is always empty',
    }));
  }

  /** The PeerAuthentication of this app that disables mTLS for every workload of this policy, if there is one. */
  private disablingPeerAuthentication(): { name: string; path: string } | undefined {
    const mine = this.targets.selector ?? {};
    const policies = MeshAnalysis.of(this).inNamespace('PeerAuthentication', GROUP, this.effectiveNamespace)
      .map(o => ({ name: o.name, path: o.path, spec: o.manifest.spec ?? {} }));
    const labelsOf = (p: { spec: any }): { [key: string]: string } => p.spec.selector?.matchLabels ?? {};
    const namespaceWide = policies.filter(p => Object.keys(labelsOf(p)).length === 0);
    const namespaceMode = namespaceWide.length === 1 ? namespaceWide[0].spec.mtls?.mode : undefined;
    // Workload policies that may select some of our pods: those whose labels do not contradict our selector.
    const overlapping = policies.filter(p => Object.keys(labelsOf(p)).length > 0
      && Object.entries(labelsOf(p)).every(([k, v]) => mine[k] === undefined || mine[k] === v));
    const disables = (p: { spec: any }): boolean => p.spec.portLevelMtls === undefined
      && (p.spec.mtls?.mode === MTLS_DISABLE || ((p.spec.mtls?.mode ?? 'UNSET') === 'UNSET' && namespaceMode === MTLS_DISABLE));
    if (!overlapping.every(disables)) return undefined;
    // Every pod we select is covered by a workload policy whose labels are all in our selector, or by the namespace-wide one.
    const covering = overlapping.find(p => Object.entries(labelsOf(p)).every(([k, v]) => mine[k] === v));
    if (covering) return covering;
    return namespaceMode === MTLS_DISABLE ? namespaceWide[0] : undefined;
  }
}

/** The PeerAuthentication mode that turns mutual TLS off (kept as a literal to avoid importing the construct). */
const MTLS_DISABLE = 'DISABLE';

type ValueCheck = (value: string) => string | undefined;

interface SourceFieldSpec {
  readonly name: keyof AuthorizationSource;
  readonly check: ValueCheck;
  /** Matches on the peer's mTLS identity, so it needs mutual TLS. */
  readonly peerIdentity?: boolean;
  /** Istio refuses it with action CUSTOM. */
  readonly notWithCustom?: boolean;
}

const SOURCE_FIELDS: SourceFieldSpec[] = [
  { name: 'principals', check: wildcardProblem, peerIdentity: true, notWithCustom: true },
  { name: 'notPrincipals', check: wildcardProblem, peerIdentity: true, notWithCustom: true },
  { name: 'requestPrincipals', check: wildcardProblem, notWithCustom: true },
  { name: 'notRequestPrincipals', check: wildcardProblem, notWithCustom: true },
  { name: 'namespaces', check: namespaceMatchProblem, peerIdentity: true, notWithCustom: true },
  { name: 'notNamespaces', check: namespaceMatchProblem, peerIdentity: true, notWithCustom: true },
  { name: 'serviceAccounts', check: serviceAccountProblem, peerIdentity: true, notWithCustom: true },
  { name: 'notServiceAccounts', check: serviceAccountProblem, peerIdentity: true, notWithCustom: true },
  { name: 'trustDomains', check: trustDomainProblem, peerIdentity: true, notWithCustom: true },
  { name: 'notTrustDomains', check: trustDomainProblem, peerIdentity: true, notWithCustom: true },
  { name: 'ipBlocks', check: ipOrCidrProblem },
  { name: 'notIpBlocks', check: ipOrCidrProblem },
  { name: 'remoteIpBlocks', check: ipOrCidrProblem },
  { name: 'notRemoteIpBlocks', check: ipOrCidrProblem },
];

const OPERATION_STRING_FIELDS: Array<{ name: 'hosts' | 'notHosts' | 'methods' | 'notMethods' | 'paths' | 'notPaths'; check: ValueCheck }> = [
  { name: 'hosts', check: wildcardProblem },
  { name: 'notHosts', check: wildcardProblem },
  { name: 'methods', check: methodProblem },
  { name: 'notMethods', check: methodProblem },
  { name: 'paths', check: pathProblem },
  { name: 'notPaths', check: pathProblem },
];

const CONDITION_KEYS = [
  'source.ip', 'remote.ip', 'source.namespace', 'source.principal', 'source.serviceAccount', 'source.trustDomain',
  'request.auth.principal', 'request.auth.audiences', 'request.auth.presenter', 'destination.ip', 'destination.port', 'connection.sni',
];
const CONDITION_MAP_KEYS = ['request.headers', 'request.auth.claims'];
const IDENTITY_KEYS = ['source.namespace', 'source.principal', 'source.serviceAccount', 'source.trustDomain'];

/** What Istio knows about a condition key: how to check its values, and whether it is a peer identity. */
function conditionAttribute(key: string): { check: ValueCheck; identity: boolean } | undefined {
  const identity = IDENTITY_KEYS.includes(key);
  if (CONDITION_KEYS.includes(key)) {
    switch (key) {
      case 'source.ip':
      case 'remote.ip':
      case 'destination.ip':
        return { check: ipOrCidrProblem, identity };
      case 'destination.port':
        return { check: v => (/^\d+$/.test(v) && Number(v) <= 65535 ? undefined : 'must be a port number from 0 to 65535'), identity };
      case 'source.serviceAccount':
        return { check: serviceAccountProblem, identity };
      case 'source.trustDomain':
        return { check: trustDomainProblem, identity };
      case 'source.namespace':
        return { check: namespaceMatchProblem, identity };
      default:
        return { check: wildcardProblem, identity };
    }
  }
  // `name[inner]`, with a non-empty inner part (claims may be nested: `request.auth.claims[a][b]`).
  const map = CONDITION_MAP_KEYS.find(k => key.startsWith(`${k}[`));
  if (map !== undefined && key.endsWith(']') && key.length > map.length + 2) return { check: wildcardProblem, identity: false };
  return undefined;
}

function operationProblems(operation: AuthorizationOperation, field: string): Problem[] {
  const problems: Problem[] = [];
  let present = 0;
  for (const spec of OPERATION_STRING_FIELDS) {
    const values = operation[spec.name];
    if (values === undefined) continue;
    present++;
    problems.push(...listProblems(`${field}.${spec.name}`, spec.name, values, spec.check));
  }
  for (const name of ['ports', 'notPorts'] as const) {
    const values = operation[name];
    if (values === undefined) continue;
    present++;
    if (values.length === 0) {
      problems.push(emptyListProblem(`${field}.${name}`, name));
      continue;
    }
    values.forEach((port, i) => {
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        problems.push({ field: `${field}.${name}[${i}]`, value: port, problem: 'must be an integer from 0 to 65535', fix: 'use the port number the workload listens on' });
      }
    });
  }
  if (present === 0) {
    return [{
      field,
      value: operation,
      problem: 'is an empty operation',
      fix: 'set at least one of hosts, ports, methods, paths or their not* forms; to match any operation, omit to',
      symptom: 'istiod rejects the policy ("`to.operation` must not be empty")',
    }];
  }
  return problems;
}

/** An empty list is treated like an unset field by Istio: it matches anything, not nothing. */
function emptyListProblem(field: string, name: string): Problem {
  return {
    field,
    value: [],
    problem: 'is an empty list, which Istio treats like an unset field (it matches anything, not nothing)',
    fix: `remove ${name}, or list at least one value`,
  };
}

function listProblems(field: string, name: string, values: string[], check: ValueCheck): Problem[] {
  if (values.length === 0) return [emptyListProblem(field, name)];
  const problems: Problem[] = [];
  values.forEach((value, i) => {
    const problem = value.length === 0 ? 'must not be empty' : check(value);
    if (problem) problems.push({ field: `${field}[${i}]`, value, problem, fix: FIXES[name] ?? 'correct or remove the entry' });
  });
  return problems;
}

const FIXES: { [field: string]: string } = {
  principals: 'write peer identities as "<trust domain>/ns/<namespace>/sa/<service account>", with "*" only at the start or end',
  notPrincipals: 'write peer identities as "<trust domain>/ns/<namespace>/sa/<service account>", with "*" only at the start or end',
  requestPrincipals: 'write request identities as "<iss>/<sub>", with "*" only at the start or end',
  notRequestPrincipals: 'write request identities as "<iss>/<sub>", with "*" only at the start or end',
  namespaces: 'use namespace names (lower case), with "*" only at the start or end',
  notNamespaces: 'use namespace names (lower case), with "*" only at the start or end',
  serviceAccounts: 'write "<namespace>/<service account>", e.g. "shop/frontend"',
  notServiceAccounts: 'write "<namespace>/<service account>", e.g. "shop/frontend"',
  trustDomains: 'use a trust domain such as "cluster.local", with at most one "*" at the start or end',
  notTrustDomains: 'use a trust domain such as "cluster.local", with at most one "*" at the start or end',
  ipBlocks: 'use an IP address or a CIDR block such as "10.0.0.0/16"',
  notIpBlocks: 'use an IP address or a CIDR block such as "10.0.0.0/16"',
  remoteIpBlocks: 'use an IP address or a CIDR block such as "203.0.113.0/24"',
  notRemoteIpBlocks: 'use an IP address or a CIDR block such as "203.0.113.0/24"',
  hosts: 'use a host name, with "*" only at the start or end (e.g. "*.example.com")',
  notHosts: 'use a host name, with "*" only at the start or end (e.g. "*.example.com")',
  methods: 'write the method in upper case, e.g. "GET"',
  notMethods: 'write the method in upper case, e.g. "GET"',
  paths: 'write "/exact", "/prefix/*", "*suffix", or a template such as "/users/{*}/orders/{**}"',
  notPaths: 'write "/exact", "/prefix/*", "*suffix", or a template such as "/users/{*}/orders/{**}"',
};

/** Istio's string matching: exact, `prefix*`, `*suffix` or `*`; any other `*` is compared literally. */
function wildcardProblem(value: string): string | undefined {
  if (value === '*') return undefined;
  const stars = (value.match(/\*/g) ?? []).length;
  if (stars > 1 || (stars === 1 && !value.startsWith('*') && !value.endsWith('*'))) {
    return 'uses "*" other than once at the start or the end; Istio compares any other "*" literally, so it never matches as a wildcard';
  }
  return undefined;
}

function namespaceMatchProblem(value: string): string | undefined {
  const wildcard = wildcardProblem(value);
  if (wildcard) return wildcard;
  if (!value.includes('*')) return k8sLabelNameProblem(value);
  return /^[a-z0-9-]*$/.test(value.replace('*', '')) ? undefined : 'is not a namespace name pattern (lower-case letters, digits and "-")';
}

function serviceAccountProblem(value: string): string | undefined {
  if (value.includes('*')) return 'must not contain "*"; service accounts are matched exactly';
  if (value.length > MAX_SERVICE_ACCOUNT_LENGTH) return `must be at most ${MAX_SERVICE_ACCOUNT_LENGTH} characters`;
  const parts = value.split('/');
  if (parts.length !== 2) return 'must be "<namespace>/<service account>"';
  const [namespace, account] = parts;
  const nsProblem = k8sLabelNameProblem(namespace);
  if (nsProblem) return `has a namespace part that ${nsProblem}`;
  const saProblem = objectNameProblem(account);
  if (saProblem) return `has a service-account part that ${saProblem}`;
  return undefined;
}

function trustDomainProblem(value: string): string | undefined {
  if (value.includes('/')) return 'must not contain "/" (a trust domain is the first part of a SPIFFE identity, e.g. "cluster.local")';
  const stars = (value.match(/\*/g) ?? []).length;
  if (stars > 1 || (stars === 1 && !value.startsWith('*') && !value.endsWith('*'))) return 'may contain one "*", only at the start or the end';
  return undefined;
}

const HTTP_METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Z]+$/;

function methodProblem(value: string): string | undefined {
  if (value !== value.toUpperCase()) {
    return 'is not upper case; HTTP methods are case-sensitive and clients send them in upper case, so it never matches';
  }
  if (!HTTP_METHOD.test(value)) return 'is not an HTTP method token';
  return wildcardProblem(value);
}

/** A path segment Envoy's URI templates accept as a literal: RFC 3986 pchar, without `*`. */
const PATH_LITERAL = /^([A-Za-z0-9\-._~!$&'()+,;=:@]|%[0-9A-Fa-f]{2})*$/;

function pathProblem(value: string): string | undefined {
  if (!value.startsWith('/') && !value.startsWith('*')) {
    return 'does not start with "/"; request paths always do, so it never matches';
  }
  if (!value.includes('{*}') && !value.includes('{**}')) {
    if (/[{}]/.test(value)) return 'uses "{...}", but only the templates {*} and {**} exist; anything else is compared literally';
    return wildcardProblem(value);
  }
  let matchAnySeen = false;
  for (const segment of value.replace(/^\/+|\/+$/g, '').split('/')) {
    if (segment === '{*}' || segment === '{**}') {
      if (matchAnySeen) return 'has a template after {**}; {**} must be the last template of a path';
      matchAnySeen = segment === '{**}';
      continue;
    }
    if (/[{}]/.test(segment)) return `has the segment "${segment}"; {*} and {**} must each be a whole path segment`;
    if (segment.includes('*')) return `mixes "*" with a path template in "${segment}"; inside a template "*" is literal, use {*} or {**}`;
    if (!PATH_LITERAL.test(segment)) return `has the segment "${segment}", which is not a valid path literal`;
  }
  return undefined;
}

function copyOptions(options: AuthorizationRuleOptions): AuthorizationRuleOptions {
  return {
    ...(options.to === undefined ? {} : { to: options.to.map(o => ({ ...o })) }),
    ...(options.when === undefined ? {} : { when: options.when.map(c => ({ ...c })) }),
  };
}

/** A source with `serviceAccounts` / `notServiceAccounts` as the equivalent `principals` / `notPrincipals`. */
function principalsForServiceAccounts(source: AuthorizationSource): AuthorizationSource {
  const { serviceAccounts, notServiceAccounts, ...rest } = source;
  // serviceAccounts never share a source with principals (the CRD refuses it), so nothing is overwritten.
  return {
    ...rest,
    ...(serviceAccounts === undefined ? {} : { principals: serviceAccounts.map(serviceAccountPrincipal) }),
    ...(notServiceAccounts === undefined ? {} : { notPrincipals: notServiceAccounts.map(serviceAccountPrincipal) }),
  };
}

function copyRule(rule: AuthorizationRule): AuthorizationRule {
  return JSON.parse(JSON.stringify(rule));
}

function renderRule(rule: AuthorizationRule, serviceAccountsAsPrincipals: boolean): any {
  return {
    from: rule.from?.map(source => ({ source: serviceAccountsAsPrincipals ? principalsForServiceAccounts(source) : { ...source } })),
    to: rule.to?.map(operation => ({
      operation: {
        ...operation,
        ports: operation.ports?.map(String),
        notPorts: operation.notPorts?.map(String),
      },
    })),
    when: rule.when?.map(c => ({ key: c.key, values: c.values, notValues: c.notValues })),
  };
}
