import { Construct } from 'constructs';
import { jwtNonHttpListenerProblems, jwtNonHttpServerProblems } from './analysis/ingress-jwt-servers';
import { MeshAnalysis } from './analysis/model';
import { describeProblem, Problem } from './errors';
import { addSynthValidation } from './mesh-model';
import { markPlacedElsewhere } from './scope';
import { AuthorizationAction, AuthorizationPolicy, AuthorizationRule } from '../authorization-policy';
import { IngressJwt } from '../ingress-jwt';
import { RequestAuthentication } from '../request-authentication';
import { PolicyTargetReference } from '../workload-target';

/** Where an IngressRoute's JWT policies go and what they cover. */
export interface IngressJwtPlacement {
  /** The route's name and namespace: together they name the policies, so two teams' routes never collide. */
  readonly routeName: string;
  readonly routeNamespace: string;
  /** The route's hosts. */
  readonly hosts: string[];
  /**
   * The gateway pods (Istio's APIs): their labels; the policies select them. Not with `gatewayApiGateway`.
   */
  readonly selector?: { [key: string]: string };
  /**
   * The Gateway API Gateway (its name, in `workloadNamespace`) the policies attach to by `targetRefs` (Istio ignores
   * selectors for the pods it deploys for such a Gateway). Not with `selector`.
   */
  readonly gatewayApiGateway?: string;
  /** The namespace the policies take effect in: the gateway pods' (Istio's APIs), the Gateway API Gateway's. */
  readonly workloadNamespace: string;
}

/** The objects made for an IngressRoute's `jwt`. */
export interface IngressJwtPolicies {
  readonly requestAuthentication: RequestAuthentication;
  readonly authorizationPolicy?: AuthorizationPolicy;
  readonly auditPolicy?: AuthorizationPolicy;
}


/** What is wrong with `jwt` itself (beyond what RequestAuthentication and AuthorizationPolicy check). */
export function ingressJwtProblems(jwt: IngressJwt): Problem[] {
  const problems: Problem[] = [];
  (jwt.claimRules ?? []).forEach((rule, i) => {
    const field = `jwt.claimRules[${i}]`;
    if (rule.claims.length === 0) {
      problems.push({ field: `${field}.claims`, value: [], problem: 'is empty', fix: 'list the claims the token must carry, e.g. [{ claim: "groups", values: ["admin"] }]' });
    }
    rule.claims.forEach((c, j) => {
      if (c.claim.length === 0 || c.claim.split('.').some(part => part.length === 0 || /[[\]]/.test(part))) {
        problems.push({
          field: `${field}.claims[${j}].claim`,
          value: c.claim,
          problem: 'is not a claim name (non-empty parts separated by dots, without brackets)',
          fix: 'name the claim, e.g. "groups", or "realm_access.roles" for a nested one',
        });
      }
      if (c.values.length === 0) {
        problems.push({
          field: `${field}.claims[${j}].values`,
          value: [],
          problem: 'is empty, so no token could satisfy it',
          fix: 'list the accepted values of the claim',
        });
      }
    });
  });
  if (jwt.audit === true && jwt.dryRun === true) {
    // Not a conflict for Istio, but the AUDIT policy is not what dryRun tries.
    problems.push({
      field: 'jwt.audit',
      value: true,
      problem: 'is set together with dryRun; an AUDIT policy never enforces anything, so there is nothing to try',
      fix: 'use dryRun to try the JWT requirement, and audit separately once it is enforced',
    });
  }
  return problems;
}

/**
 * Creates the RequestAuthentication and AuthorizationPolicies of an IngressRoute's `jwt` under `scope`, selecting the
 * gateway pods in their namespace (like the route's TLS Secrets, they are placed there, not in the route's namespace),
 * or on the Gateway API attached to the Gateway by `targetRefs` (kind Gateway, group gateway.networking.k8s.io) in the
 * Gateway's namespace, as Istio's docs attach policies to the gateways it deploys
 * (https://istio.io/latest/docs/reference/config/type/workload-selector/#PolicyTargetReference; targetRefs cannot
 * cross namespaces).
 */
export function addIngressJwtPolicies(scope: Construct, jwt: IngressJwt, placement: IngressJwtPlacement): IngressJwtPolicies {
  const { requireToken, claimRules, dryRun, audit, ...rule } = jwt;
  const name = `${placement.routeNamespace}-${placement.routeName}-jwt`;
  const metadata = { name, namespace: placement.workloadNamespace };
  const gatewayName = placement.gatewayApiGateway;
  const selector = gatewayName === undefined ? { ...placement.selector } : undefined;
  const attachment = gatewayName === undefined ? { selector } : { targetRefs: [PolicyTargetReference.gateway(gatewayName)] };

  const requestAuthentication = new RequestAuthentication(scope, 'RequestAuthentication', { metadata, ...attachment, jwtRules: [rule] });
  markPlacedElsewhere(requestAuthentication);

  const hosts = hostsOf(placement.hosts);
  const to = [{ ...(hosts === undefined ? {} : { hosts }) }];
  const rules: AuthorizationRule[] = [];
  if (requireToken !== false) {
    // Tokens of another team's issuer are valid on the shared gateway too (Istio merges RequestAuthentications):
    // only this issuer's principals (`<iss>/<sub>`) pass.
    rules.push({ from: [{ notRequestPrincipals: [`${jwt.issuer}/*`] }], ...(hosts === undefined ? {} : { to }) });
  }
  for (const claimRule of claimRules ?? []) {
    const operation = { ...to[0], paths: claimRule.paths && [...claimRule.paths], methods: claimRule.methods && [...claimRule.methods] };
    const target = Object.values(operation).some(v => v !== undefined) ? { to: [withoutUndefined(operation)] } : {};
    // Every claim must hold: one DENY rule per claim (rules are ORed).
    for (const c of claimRule.claims) {
      rules.push({ ...target, when: [{ key: claimKey(c.claim), notValues: [...c.values] }] });
    }
  }

  let authorizationPolicy: AuthorizationPolicy | undefined;
  if (rules.length > 0) {
    authorizationPolicy = new AuthorizationPolicy(scope, 'AuthorizationPolicy', {
      metadata,
      ...attachment,
      action: AuthorizationAction.DENY,
      // Every port of the gateway pods speaks HTTP: checked at synth below.
      httpOnlyWorkloads: true,
      dryRun,
      rules,
    });
    markPlacedElsewhere(authorizationPolicy);
  }
  let auditPolicy: AuthorizationPolicy | undefined;
  if (audit === true) {
    auditPolicy = new AuthorizationPolicy(scope, 'AuditPolicy', {
      metadata: { ...metadata, name: `${name}-audit` },
      ...attachment,
      action: AuthorizationAction.AUDIT,
      rules: [hosts === undefined ? {} : { to }],
    });
    markPlacedElsewhere(auditPolicy);
  }
  addSynthValidation(scope, () => (gatewayName === undefined
    ? jwtNonHttpServerProblems(MeshAnalysis.of(scope), selector!)
    : jwtNonHttpListenerProblems(MeshAnalysis.of(scope), placement.workloadNamespace, gatewayName)).map(describeProblem));
  return { requestAuthentication, authorizationPolicy, auditPolicy };
}

/** `request.auth.claims[a][b]` for the claim `a.b`. */
function claimKey(claim: string): string {
  return `request.auth.claims[${claim.split('.').join('][')}]`;
}

/**
 * The AuthorizationPolicy hosts of the route's hosts: each name with and without a port (the Host header of a
 * request on a non-default port carries it). `*` restricts nothing.
 */
function hostsOf(hosts: string[]): string[] | undefined {
  if (hosts.includes('*')) return undefined;
  return hosts.flatMap(h => (h.startsWith('*') ? [h] : [h, `${h}:*`]));
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
