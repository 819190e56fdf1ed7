/**
 * istiod's authorization model at one workload: RequestAuthentication (which tokens are valid) and
 * AuthorizationPolicy (CUSTOM, then DENY, then ALLOW; an ALLOW policy that applies makes everything else denied).
 * See https://istio.io/latest/docs/reference/config/security/authorization-policy/ ("Implicit enablement").
 */
import { labelsSubset } from '../mesh-model';
import { anyPolicyValueMatches } from './matching';
import { idOf, MeshConfig, PolicyView } from './mesh-config';

/** Who sends the request to the workload and what it carries, as the workload's proxy sees it. */
export interface PeerRequest {
  /** mTLS identity of the sender (`cluster.local/ns/<ns>/sa/<sa>`), undefined for plain-text clients. */
  readonly principal?: string;
  readonly sourceNamespace?: string;
  readonly host: string;
  /** The port the workload receives on (a Service's targetPort, not its port). */
  readonly port: number;
  readonly method: string;
  readonly path: string;
  readonly headers: { [name: string]: string };
  /** Claims of the request's JWT, when one is presented. */
  readonly jwtClaims?: { [claim: string]: any };
}

export interface AuthorizationDecision {
  readonly allowed: boolean;
  /** 401 (invalid token) or 403 (denied). */
  readonly status?: number;
  readonly reason: string;
  /** `namespace/name` of the deciding policy, when one decides. */
  readonly policy?: string;
  /** The request principal (`iss/sub`) when a RequestAuthentication accepted the token. */
  readonly requestPrincipal?: string;
  /** Whether a RequestAuthentication at the workload validated the request's token (claims usable for routing). */
  readonly tokenValidated: boolean;
  readonly notes: string[];
}

/** Policies of `kind` that apply to a workload with `labels` in `namespace`: its namespace's and the root namespace's. */
export function policiesFor(config: MeshConfig, kind: string, namespace: string, labels: { [key: string]: string }): PolicyView[] {
  const namespaces = namespace === config.rootNamespace ? [namespace] : [config.rootNamespace, namespace];
  return namespaces.flatMap(ns => config.policiesByNamespace.get(ns) ?? [])
    .filter(p => p.kind === kind && !p.hasTargetRefs && (p.selector === undefined || labelsSubset(p.selector, labels)));
}

export function authorize(config: MeshConfig, namespace: string, labels: { [key: string]: string }, request: PeerRequest): AuthorizationDecision {
  const notes: string[] = [];
  const authn = authenticate(config, namespace, labels, request);
  if (authn.status !== undefined) {
    return { allowed: false, status: authn.status, reason: authn.reason!, policy: authn.policy, tokenValidated: false, notes };
  }
  const attributes = { ...request, requestPrincipal: authn.requestPrincipal, jwtClaims: authn.requestPrincipal ? request.jwtClaims : undefined };

  const policies = policiesFor(config, 'AuthorizationPolicy', namespace, labels);
  const enforced = policies.filter(p => !p.dryRun);
  for (const p of policies.filter(q => q.dryRun)) notes.push(`AuthorizationPolicy ${idOf(p)} is in dry-run: it is logged, not enforced`);
  for (const p of enforced.filter(q => q.spec.action === 'CUSTOM')) {
    notes.push(`CUSTOM AuthorizationPolicy ${idOf(p)} asks an external authorizer, whose answer the simulator cannot know`);
  }
  const denying = enforced.find(p => p.spec.action === 'DENY' && policyMatches(p, attributes, notes));
  if (denying) {
    return { allowed: false, status: 403, reason: `denied by DENY AuthorizationPolicy ${idOf(denying)} (403 RBAC: access denied)`, policy: idOf(denying), ...authn, notes };
  }
  const allows = enforced.filter(p => (p.spec.action ?? 'ALLOW') === 'ALLOW');
  if (allows.length === 0) return { allowed: true, reason: 'no ALLOW policy applies', ...authn, notes };
  const allowing = allows.find(p => policyMatches(p, attributes, notes));
  if (allowing) return { allowed: true, reason: `allowed by AuthorizationPolicy ${idOf(allowing)}`, policy: idOf(allowing), ...authn, notes };
  return {
    allowed: false,
    status: 403,
    reason: `no ALLOW AuthorizationPolicy matches (${allows.map(idOf).join(', ')}), so the request is denied (403 RBAC: access denied)`,
    policy: idOf(allows[0]),
    ...authn,
    notes,
  };
}

interface Authentication {
  readonly status?: number;
  readonly reason?: string;
  readonly policy?: string;
  readonly requestPrincipal?: string;
  readonly tokenValidated: boolean;
}

/** A token is checked against the jwtRules of every RequestAuthentication that applies; one the rules do not accept is a 401. */
function authenticate(config: MeshConfig, namespace: string, labels: { [key: string]: string }, request: PeerRequest): Authentication {
  if (request.jwtClaims === undefined) return { tokenValidated: false };
  const rules = policiesFor(config, 'RequestAuthentication', namespace, labels);
  if (rules.length === 0) return { tokenValidated: false };
  const issuer = String(request.jwtClaims.iss ?? '');
  const audiences = ([] as any[]).concat(request.jwtClaims.aud ?? []).map(String);
  for (const ra of rules) {
    for (const rule of ra.spec.jwtRules ?? []) {
      if (rule.issuer !== issuer) continue;
      const wanted: string[] = rule.audiences ?? [];
      if (wanted.length > 0 && !wanted.some(a => audiences.includes(a))) {
        return { status: 401, reason: `the token's audiences ${JSON.stringify(audiences)} are not among ${JSON.stringify(wanted)} of RequestAuthentication ${idOf(ra)} (401 Audiences in Jwt are not allowed)`, policy: idOf(ra), tokenValidated: false };
      }
      return { requestPrincipal: `${issuer}/${request.jwtClaims.sub ?? ''}`, tokenValidated: true };
    }
  }
  return { status: 401, reason: `no RequestAuthentication at the workload accepts issuer "${issuer}" (401 Jwt issuer is not configured)`, policy: idOf(rules[0]), tokenValidated: false };
}

interface Attributes extends PeerRequest {
  readonly requestPrincipal?: string;
}

function policyMatches(policy: PolicyView, a: Attributes, notes: string[]): boolean {
  const rules: any[] = policy.spec.rules ?? [];
  return rules.some(rule => ruleMatches(rule ?? {}, a, notes, idOf(policy)));
}

function ruleMatches(rule: any, a: Attributes, notes: string[], policy: string): boolean {
  const from: any[] = rule.from ?? [];
  const to: any[] = rule.to ?? [];
  const when: any[] = rule.when ?? [];
  return (from.length === 0 || from.some(f => sourceMatches(f.source ?? {}, a, notes, policy)))
    && (to.length === 0 || to.some(t => operationMatches(t.operation ?? {}, a)))
    && when.every(c => conditionMatches(c, a, notes, policy));
}

/** A field (`principals`) and its negation (`notPrincipals`) against the attribute's values (none: absent). */
function fieldMatches(spec: any, field: string, values: string[]): boolean {
  const positive: string[] | undefined = spec[field];
  const negative: string[] | undefined = spec[`not${field[0].toUpperCase()}${field.slice(1)}`];
  if (positive !== undefined && !anyPolicyValueMatches(positive, values)) return false;
  if (negative !== undefined && anyPolicyValueMatches(negative, values)) return false;
  return true;
}

function present(value: string | undefined): string[] {
  return value === undefined ? [] : [value];
}

function sourceMatches(source: any, a: Attributes, notes: string[], policy: string): boolean {
  if (source.ipBlocks || source.remoteIpBlocks || source.notIpBlocks || source.notRemoteIpBlocks) {
    notes.push(`${policy}: source IP blocks depend on the client's address, which the simulator does not know; treated as not matching`);
    if (source.ipBlocks || source.remoteIpBlocks) return false;
  }
  // serviceAccounts are `namespace/name` (Istio 1.25+), the principal's last two segments
  const serviceAccount = a.principal ? /\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(a.principal) : null;
  return fieldMatches(source, 'principals', present(a.principal))
    && fieldMatches(source, 'requestPrincipals', present(a.requestPrincipal))
    && fieldMatches(source, 'namespaces', present(a.sourceNamespace))
    && exactFieldMatches(source, 'serviceAccounts', serviceAccount ? [`${serviceAccount[1]}/${serviceAccount[2]}`] : []);
}

/** `serviceAccounts` compare exactly (no `*` patterns). */
function exactFieldMatches(spec: any, field: string, values: string[]): boolean {
  const positive: string[] | undefined = spec[field];
  const negative: string[] | undefined = spec[`not${field[0].toUpperCase()}${field.slice(1)}`];
  if (positive !== undefined && !positive.some(p => values.includes(p))) return false;
  if (negative !== undefined && negative.some(p => values.includes(p))) return false;
  return true;
}

function operationMatches(op: any, a: Attributes): boolean {
  const hostname = a.host.toLowerCase();
  const hosts = [hostname, `${hostname}:${a.port}`];
  const lower = (spec: any, field: string) => (spec[field] as string[] | undefined)?.map(s => s.toLowerCase());
  return fieldMatches({ hosts: lower(op, 'hosts'), notHosts: lower(op, 'notHosts') }, 'hosts', hosts)
    && fieldMatches(op, 'ports', [String(a.port)])
    && fieldMatches(op, 'methods', [a.method])
    && fieldMatches(op, 'paths', [a.path.split('?')[0]]);
}

function conditionMatches(condition: any, a: Attributes, notes: string[], policy: string): boolean {
  const key: string = condition.key ?? '';
  const values = attributeValues(key, a);
  if (values === undefined) {
    notes.push(`${policy}: condition "${key}" depends on what the simulator does not know; treated as not matching`);
    return false;
  }
  if (condition.values !== undefined && !anyPolicyValueMatches(condition.values, values)) return false;
  if (condition.notValues !== undefined && anyPolicyValueMatches(condition.notValues, values)) return false;
  return true;
}

/** The values of a `when` key for the request ([] when absent), or undefined for keys the simulator cannot know. */
function attributeValues(key: string, a: Attributes): string[] | undefined {
  const header = /^request\.headers\[(.+)\]$/.exec(key);
  if (header) return present(a.headers[header[1].toLowerCase()]);
  const claim = /^request\.auth\.claims((?:\[[^\]]+\])+)$/.exec(key);
  if (claim) {
    if (a.requestPrincipal === undefined || a.jwtClaims === undefined) return [];
    let value: any = a.jwtClaims;
    for (const [, part] of claim[1].matchAll(/\[([^\]]+)\]/g)) value = value?.[part];
    return value === undefined ? [] : ([] as any[]).concat(value).map(String);
  }
  switch (key) {
    case 'source.namespace': return present(a.sourceNamespace);
    case 'source.principal': return present(a.principal);
    case 'request.auth.principal': return present(a.requestPrincipal);
    case 'request.auth.audiences': return a.requestPrincipal ? ([] as any[]).concat(a.jwtClaims?.aud ?? []).map(String) : [];
    case 'request.auth.presenter': return a.requestPrincipal ? present(a.jwtClaims?.azp) : [];
    case 'destination.port': return [String(a.port)];
    default: return undefined;
  }
}
