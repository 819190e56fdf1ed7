import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { durationProblem, istioDuration } from './private/duration';
import { describeProblem, Problem, throwIfProblems } from './private/errors';
import { IstioRelease, istioReleaseOf, VERSION_GATES, versionGateProblem } from './private/istio-version';
import { addSynthValidation } from './private/mesh-model';
import { headerRemoveOrResponseProblem } from './private/rules';
import { checkShape } from './private/shape';
import { IstioResource } from './resource';
import { PolicyTargetingProps, PolicyTargetReference, PolicyTargets } from './workload-target';

const GROUP = 'security.istio.io';
const KIND = 'RequestAuthentication';

/** Istio's limit on the length of `jwksUri` (CRD `maxLength`). */
const MAX_JWKS_URI_LENGTH = 2048;
/** Istio's limit on `spaceDelimitedClaims` entries (CRD `maxItems`). */
const MAX_SPACE_DELIMITED_CLAIMS = 64;
/** What `outputClaimToHeaders[].header` must match (CRD pattern, istiod's strict header-name check). */
const CLAIM_HEADER = /^[-_A-Za-z0-9]+$/;
/** JWK members that only private or symmetric keys have. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

/**
 * A header a JWT is read from.
 */
export interface JwtHeaderLocation {
  /** The header name, e.g. `x-jwt-assertion`. */
  readonly name: string;

  /**
   * A prefix stripped before the token is decoded, e.g. `Bearer ` (with the space).
   *
   * @default - none: the whole header value is the token
   */
  readonly prefix?: string;
}

/**
 * A claim of a verified JWT copied into a request header.
 */
export interface JwtClaimToHeader {
  /** The header to create (letters, digits, `-` and `_`). */
  readonly header: string;

  /** The claim to copy, e.g. `sub`; nested claims with dots, e.g. `user.email`. */
  readonly claim: string;
}

/**
 * How to verify the JWTs of one issuer.
 *
 * @see https://istio.io/latest/docs/reference/config/security/jwt/
 */
export interface JwtRule {
  /** The issuer (`iss` claim) of the tokens, e.g. `https://accounts.example.com`. */
  readonly issuer: string;

  /**
   * The URL of the issuer's public key set (http or https). Exclusive with `jwks`.
   *
   * @default - discovered from `<issuer>/.well-known/openid-configuration` (the issuer must then be an http(s) URL), unless `jwks` is set
   */
  readonly jwksUri?: string;

  /**
   * The issuer's public key set, inline, as a JSON Web Key Set document. Exclusive with `jwksUri`.
   *
   * @default - fetched from `jwksUri`
   */
  readonly jwks?: string;

  /**
   * The accepted audiences (`aud` claim); a token must name one of them.
   *
   * @default - any audience
   */
  readonly audiences?: string[];

  /**
   * Whether the token is forwarded to the workload.
   *
   * @default false
   */
  readonly forwardOriginalToken?: boolean;

  /**
   * A header to which the verified token's payload is written (base64url-encoded JSON).
   *
   * @default - the payload is not forwarded
   */
  readonly outputPayloadToHeader?: string;

  /**
   * The headers the token is read from. Once set, the `Authorization: Bearer` header is no longer read unless listed.
   *
   * @default - `Authorization: Bearer <token>`, unless fromParams or fromCookies are set
   */
  readonly fromHeaders?: JwtHeaderLocation[];

  /**
   * The query parameters the token is read from.
   *
   * @default - none (`access_token` when no location is set at all)
   */
  readonly fromParams?: string[];

  /**
   * The cookies the token is read from.
   *
   * @default - none
   */
  readonly fromCookies?: string[];

  /**
   * Claims of the verified token to copy into request headers.
   *
   * @default - none
   */
  readonly outputClaimToHeaders?: JwtClaimToHeader[];

  /**
   * Claims whose value is a space-separated list (like `scope`), so each item can be matched alone (at most 64).
   *
   * @default - only `scope` and `permission` are treated that way
   */
  readonly spaceDelimitedClaims?: string[];

  /**
   * How long fetching the key set from `jwksUri` may take (at least 1ms).
   *
   * @default - 5 seconds
   */
  readonly timeout?: Duration;
}

/**
 * Props of a RequestAuthentication.
 */
export interface RequestAuthenticationProps extends PolicyTargetingProps {
  /**
   * The JWT issuers accepted. More can be added with `addJwtRule()`.
   *
   * @default - none; at least one is required before synthesis
   */
  readonly jwtRules?: JwtRule[];
}

/**
 * A RequestAuthentication: which JWTs the selected workloads (or the targets) accept. Requests with an invalid
 * token are refused with 401; requests **without** a token are still accepted: require one with an
 * AuthorizationPolicy (e.g. `AuthorizationRules.fromRequestPrincipals(['*'])`).
 *
 * @see https://istio.io/latest/docs/reference/config/security/request_authentication/
 */
export class RequestAuthentication extends IstioResource {
  private readonly targets: PolicyTargets;
  private readonly _jwtRules: JwtRule[] = [];

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the RequestAuthentication's settings
   */
  constructor(scope: Construct, id: string, props: RequestAuthenticationProps = {}) {
    super(scope, id, GROUP, KIND, props);
    this.targets = new PolicyTargets(this, props.selector);
    for (const ref of props.targetRefs ?? []) this.addTargetRef(ref);
    for (const rule of props.jwtRules ?? []) this.addJwtRule(rule);
    addSynthValidation(this, () => this.validateRules());
  }

  /** The selector's labels (a copy), if the policy has a selector. */
  public get selector(): { [key: string]: string } | undefined {
    return this.targets.selector === undefined ? undefined : { ...this.targets.selector };
  }

  /** The resources the policy attaches to (a copy). */
  public get targetRefs(): PolicyTargetReference[] {
    return this.targets.targetRefs;
  }

  /** The JWT rules (a copy). */
  public get jwtRules(): JwtRule[] {
    return this._jwtRules.map(copyRule);
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
   * Accepts the JWTs of one more issuer.
   *
   * @param rule the issuer, its keys (`jwksUri` or `jwks`), audiences and where the token is read from
   */
  public addJwtRule(rule: JwtRule): void {
    checkShape(this, 'JwtRule', rule, `jwtRules[${this._jwtRules.length}]`);
    throwIfProblems(this, jwtRuleProblems(rule, `jwtRules[${this._jwtRules.length}]`, istioReleaseOf(this)));
    this._jwtRules.push(copyRule(rule));
  }

  /** @internal */
  protected _renderSpec(): any {
    return {
      ...this.targets.render(),
      jwtRules: this._jwtRules.length > 0 ? this._jwtRules.map(renderRule) : undefined,
    };
  }

  private validateRules(): string[] {
    if (this._jwtRules.length > 0) return [];
    return [describeProblem({
      field: 'jwtRules',
      prop: 'RequestAuthenticationProps.jwtRules',
      value: [],
      problem: 'is empty, so the policy accepts no issuer and has no effect',
      fix: 'add the issuers to accept with addJwtRule({ issuer, jwksUri })',
    })];
  }
}

function jwtRuleProblems(rule: JwtRule, field: string, release: IstioRelease): Problem[] {
  const problems: Problem[] = [];
  const add = (f: string, value: unknown, problem: string, fix: string, symptom?: string): void => {
    problems.push({ field: `${field}.${f}`, value, problem, fix, symptom });
  };

  if (rule.issuer.length === 0) {
    add('issuer', rule.issuer, 'must not be empty', 'set the issuer exactly as the tokens\' "iss" claim spells it');
  }
  if (rule.jwksUri !== undefined && rule.jwks !== undefined) {
    add('jwksUri', rule.jwksUri, 'is set together with jwks', 'set either jwksUri (keys fetched from a URL) or jwks (keys inline), not both',
      'the API server rejects the object ("only one of jwks or jwksUri can be set")');
  }
  if (rule.jwksUri !== undefined) {
    const problem = jwksUriProblem(rule.jwksUri);
    if (problem) add('jwksUri', rule.jwksUri, problem, 'use the http(s) URL of the issuer\'s JWKS document, e.g. "https://issuer.example.com/.well-known/jwks.json"');
  }
  if (rule.jwks !== undefined) {
    const problem = jwksProblem(rule.jwks);
    if (problem) add('jwks', '<jwks document>', problem, 'paste the issuer\'s public JSON Web Key Set, {"keys": [...]}, without private members');
  }
  if (rule.jwksUri === undefined && rule.jwks === undefined && rule.issuer.length > 0 && !isHttpUrl(rule.issuer)) {
    add('jwksUri', undefined, `is missing, and the issuer "${rule.issuer}" is not an http(s) URL that OpenID discovery could use`,
      'set jwksUri to the URL of the issuer\'s key set, or jwks to the key set itself',
      'istiod cannot fetch the keys, so every token of this issuer is refused with 401');
  }
  if (rule.audiences !== undefined) {
    if (rule.audiences.length === 0) {
      add('audiences', [], 'is an empty list, which Istio treats like an unset field (any audience is accepted)',
        'list the accepted audiences, or remove audiences to accept any');
    }
    rule.audiences.forEach((audience, i) => {
      if (audience.length === 0) add(`audiences[${i}]`, audience, 'must not be empty', 'remove the empty entry');
    });
  }
  (rule.fromHeaders ?? []).forEach((location, i) => {
    const problem = headerRemoveOrResponseProblem(location.name);
    if (problem) add(`fromHeaders[${i}].name`, location.name, problem, 'name the header the token is sent in, e.g. "x-jwt-assertion"');
  });
  for (const part of ['fromParams', 'fromCookies', 'spaceDelimitedClaims'] as const) {
    (rule[part] ?? []).forEach((value, i) => {
      if (value.length === 0) add(`${part}[${i}]`, value, 'must not be empty', 'remove the empty entry');
    });
  }
  if ((rule.spaceDelimitedClaims ?? []).length > MAX_SPACE_DELIMITED_CLAIMS) {
    add('spaceDelimitedClaims', rule.spaceDelimitedClaims!.length, `lists more than ${MAX_SPACE_DELIMITED_CLAIMS} claims`, 'list only the claims you match on');
  }
  if (rule.spaceDelimitedClaims !== undefined && rule.spaceDelimitedClaims.length > 0) {
    const old = versionGateProblem(release, VERSION_GATES.spaceDelimitedClaims, `${field}.spaceDelimitedClaims`, rule.spaceDelimitedClaims,
      'remove spaceDelimitedClaims (the claims "scope" and "permission" are split at spaces on every release)',
      'Istio before 1.28 does not pass custom claims to Envoy\'s JWT filter, so matches on one value of such a claim fail');
    if (old) problems.push(old);
  }
  if (rule.outputPayloadToHeader !== undefined) {
    const problem = headerRemoveOrResponseProblem(rule.outputPayloadToHeader);
    if (problem) add('outputPayloadToHeader', rule.outputPayloadToHeader, problem, 'use a plain header name, e.g. "x-jwt-payload"');
  }
  (rule.outputClaimToHeaders ?? []).forEach((output, i) => {
    if (!CLAIM_HEADER.test(output.header)) {
      add(`outputClaimToHeaders[${i}].header`, output.header, 'must contain only letters, digits, "-" and "_"', 'use a header name such as "x-jwt-sub"',
        'the API server rejects the object');
    }
    if (output.claim.length === 0) add(`outputClaimToHeaders[${i}].claim`, output.claim, 'must not be empty', 'name the claim to copy, e.g. "sub"');
  });
  if (rule.timeout !== undefined) {
    const problem = durationProblem(rule.timeout);
    if (problem) add('timeout', `${rule.timeout.toMilliseconds({ integral: false })}ms`, problem, 'use a timeout of at least Duration.millis(1)');
  }
  return problems;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

function jwksUriProblem(uri: string): string | undefined {
  if (uri.length === 0 || uri.length > MAX_JWKS_URI_LENGTH) return `must be 1 to ${MAX_JWKS_URI_LENGTH} characters`;
  if (!isHttpUrl(uri)) return 'must be an absolute URL with scheme http or https';
  return undefined;
}

/** A JWK Set (or a single JWK) with public keys only. */
function jwksProblem(jwks: string): string | undefined {
  let doc: any;
  try {
    doc = JSON.parse(jwks);
  } catch (e) {
    return `is not valid JSON (${(e as Error).message})`;
  }
  const keys: any[] | undefined = Array.isArray(doc?.keys) ? doc.keys : (typeof doc?.kty === 'string' ? [doc] : undefined);
  if (keys === undefined || keys.length === 0) return 'is not a JSON Web Key Set (an object with a non-empty "keys" array)';
  for (const [i, key] of keys.entries()) {
    if (typeof key !== 'object' || key === null || typeof key.kty !== 'string') return `has a key (keys[${i}]) without "kty"`;
    const secret = PRIVATE_JWK_MEMBERS.find(m => key[m] !== undefined);
    if (secret) {
      return `has private or symmetric key material in keys[${i}] ("${secret}"), which would be published in a cluster object`;
    }
  }
  return undefined;
}

function copyRule(rule: JwtRule): JwtRule {
  return {
    ...rule,
    audiences: rule.audiences && [...rule.audiences],
    fromHeaders: rule.fromHeaders?.map(h => ({ ...h })),
    fromParams: rule.fromParams && [...rule.fromParams],
    fromCookies: rule.fromCookies && [...rule.fromCookies],
    outputClaimToHeaders: rule.outputClaimToHeaders?.map(o => ({ ...o })),
    spaceDelimitedClaims: rule.spaceDelimitedClaims && [...rule.spaceDelimitedClaims],
  };
}

function renderRule(rule: JwtRule): any {
  return {
    issuer: rule.issuer,
    jwksUri: rule.jwksUri,
    jwks: rule.jwks,
    audiences: rule.audiences,
    forwardOriginalToken: rule.forwardOriginalToken,
    outputPayloadToHeader: rule.outputPayloadToHeader,
    fromHeaders: rule.fromHeaders?.map(h => ({ name: h.name, prefix: h.prefix })),
    fromParams: rule.fromParams,
    fromCookies: rule.fromCookies,
    outputClaimToHeaders: rule.outputClaimToHeaders?.map(o => ({ header: o.header, claim: o.claim })),
    spaceDelimitedClaims: rule.spaceDelimitedClaims,
    timeout: rule.timeout === undefined ? undefined : istioDuration(rule.timeout),
  };
}
