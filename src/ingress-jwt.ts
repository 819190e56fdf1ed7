import { JwtRule } from './request-authentication';

/**
 * A claim a JWT must carry for some requests of an IngressRoute.
 */
export interface IngressJwtClaim {
  /** The claim, e.g. `groups`; a nested claim with dots, e.g. `realm_access.roles`. */
  readonly claim: string;

  /** Accepted values; the claim must have one of them (for a list claim, contain one of them). */
  readonly values: string[];
}

/**
 * Claims required on some paths and methods of an IngressRoute.
 */
export interface IngressJwtClaimRule {
  /**
   * Request paths (AuthorizationPolicy syntax: exact, `/prefix/*`, `*suffix`, or `{*}`/`{**}` templates).
   *
   * @default - every path
   */
  readonly paths?: string[];

  /**
   * HTTP methods, in upper case.
   *
   * @default - every method
   */
  readonly methods?: string[];

  /** The claims the token must carry (all of them) for these requests. */
  readonly claims: IngressJwtClaim[];
}

/**
 * End-user authentication of an IngressRoute with JSON Web Tokens, enforced by the ingress gateway: a
 * RequestAuthentication that verifies the tokens of `issuer`, and a DENY AuthorizationPolicy that refuses requests
 * to the route's hosts without a valid token of that issuer (unless `requireToken: false`) or without the claims of
 * `claimRules`. Both select the gateway pods and live in the gateway workload's namespace, where they take effect.
 *
 * Where the token is read from, the claims forwarded as headers and the key set are those of the RequestAuthentication
 * (`fromHeaders`, `fromParams`, `fromCookies`, `outputClaimToHeaders`, `jwksUri` or `jwks`, ...).
 *
 * @see https://istio.io/latest/docs/tasks/security/authentication/jwt-route/
 */
export interface IngressJwt extends JwtRule {
  /**
   * Whether requests without a token are refused (401 from the RequestAuthentication for a bad token, 403
   * "RBAC: access denied" for a missing one). With `false`, **anonymous requests pass**: a token is only validated
   * when present (an invalid one is still refused), and only `claimRules` restrict access.
   *
   * @default true
   */
  readonly requireToken?: boolean;

  /**
   * Claims required on some paths and methods. A request without a token lacks every claim, so it is refused on
   * these paths whatever `requireToken` says.
   *
   * @default - a valid token is enough
   */
  readonly claimRules?: IngressJwtClaimRule[];

  /**
   * Try the policy before enforcing it: the AuthorizationPolicy gets `istio.io/dry-run: "true"`, so the gateway
   * reports what it would refuse (`istio_dry_run_*` stats) without refusing anything. Invalid tokens are still
   * refused by the RequestAuthentication.
   *
   * @default false
   */
  readonly dryRun?: boolean;

  /**
   * Also log every request to the route's hosts with an AUDIT AuthorizationPolicy (needs an audit-capable provider
   * in the mesh config; Istio's built-in providers do not write audit logs).
   *
   * @default false
   */
  readonly audit?: boolean;
}
