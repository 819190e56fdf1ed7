import { IConstruct } from 'constructs';
import { Problem } from './errors';

/**
 * The Istio release the output must work on (`IstioApi.targetIstio`), and what that release accepts.
 *
 * The library's output needs Istio 1.22 or later (the `v1` APIs, or `v1beta1` with `IstioApi.useVersion`); the CRDs
 * it is tested against are 1.30's. Patch versions matter for security fixes.
 */

export const ISTIO_VERSION_CONTEXT_KEY = 'cdk8s-istio:istioVersion';
/** The oldest and newest Istio minor the library knows (1.22: v1 APIs; 1.30: the CRDs in the tests). */
export const OLDEST_MINOR = 22;
export const NEWEST_MINOR = 30;
export const DEFAULT_ISTIO_VERSION = `1.${NEWEST_MINOR}`;

/** A target Istio release: minor, and patch when given (undefined: any patch of the minor). */
export interface IstioRelease {
  readonly minor: number;
  readonly patch?: number;
  readonly text: string;
}

/** Parses "1.27" or "1.27.3"; undefined when it is neither or outside the supported range. */
export function parseIstioVersion(text: string): IstioRelease | undefined {
  const m = /^1\.(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return undefined;
  const minor = Number(m[1]);
  if (minor < OLDEST_MINOR || minor > NEWEST_MINOR) return undefined;
  return { minor, patch: m[2] === undefined ? undefined : Number(m[2]), text };
}

/** The Istio release in effect for `scope`. */
export function istioReleaseOf(scope: IConstruct): IstioRelease {
  return parseIstioVersion(scope.node.tryGetContext(ISTIO_VERSION_CONTEXT_KEY) ?? DEFAULT_ISTIO_VERSION)!;
}

/**
 * CVE-2026-39350: in these releases AuthorizationPolicy `serviceAccounts` / `notServiceAccounts` match "." as a regex
 * wildcard, so an ALLOW for `shop/api.v1` also admits `shop/apixv1`. Inclusive patch ranges per minor.
 */
const SERVICE_ACCOUNT_REGEX_BUG: ReadonlyArray<{ minor: number; from: number; to: number }> = [
  { minor: 25, from: 0, to: Infinity },
  { minor: 26, from: 0, to: Infinity },
  { minor: 27, from: 0, to: 8 },
  { minor: 28, from: 0, to: 5 },
  { minor: 29, from: 0, to: 1 },
];

/**
 * Why `serviceAccounts` must be written as `principals` on `release`, or undefined when `serviceAccounts` works:
 * the field exists from Istio 1.25, and CVE-2026-39350 affects 1.25.0–1.27.8, 1.28.0–1.28.5 and 1.29.0–1.29.1
 * (for a target without patch, any patch of an affected minor counts, since it may be affected).
 */
export function serviceAccountsUnusableReason(release: IstioRelease): string | undefined {
  if (release.minor < VERSION_GATES.serviceAccounts.minMinor) {
    return `Istio ${release.text} has no serviceAccounts field (added in 1.25) and prunes it, so the rule would match nothing`;
  }
  const bug = SERVICE_ACCOUNT_REGEX_BUG.find(r => r.minor === release.minor);
  if (bug && (release.patch === undefined || (release.patch >= bug.from && release.patch <= bug.to))) {
    return `CVE-2026-39350: Istio ${release.text} matches "." in serviceAccounts as a regex wildcard`;
  }
  return undefined;
}

/**
 * The `principals` entry equivalent to a `serviceAccounts` entry `<namespace>/<account>`: the same namespace and
 * service account, compared exactly, in any trust domain (as `serviceAccounts` is).
 */
export function serviceAccountPrincipal(serviceAccount: string): string {
  const [namespace, account] = serviceAccount.split('/');
  return `*/ns/${namespace}/sa/${account}`;
}

/**
 * A field (or value) the library can emit that is newer than the oldest supported minor: the first minor that
 * supports it, and the primary source saying so (Istio's change notes; the test names cite the same source).
 * `targetIstio()` below that minor rewrites it to the older equivalent where Istio has one, else refuses it.
 * README "Istio versions" lists this table.
 */
export interface VersionGate {
  /** What needs the release, as the message names it. */
  readonly what: string;
  /** The first minor that supports it (1.<minMinor>). */
  readonly minMinor: number;
  /** The release note that says so. */
  readonly source: string;
}

const CHANGE_NOTES = (minor: number) => `https://istio.io/latest/news/releases/1.${minor}.x/announcing-1.${minor}/change-notes/`;

/** Every gated field, by the construct option that emits it. */
export const VERSION_GATES = {
  /** 1.23 change notes: "Added support for the new `reset-before-request` retry policy added in Envoy 1.31." */
  resetBeforeRequest: { what: 'retryOn "reset-before-request"', minMinor: 23, source: CHANGE_NOTES(23) },
  /** 1.24 change notes: "Added `warmup.aggression`, `warmup.duration`, `warmup.minimumPercent` parameters to DestinationRule". */
  warmup: { what: 'loadBalancer.warmup', minMinor: 24, source: CHANGE_NOTES(24) },
  /** 1.24 change notes: "Added support for attaching policies to `ServiceEntry` for waypoints." */
  targetRefServiceEntry: { what: 'targetRefs of kind ServiceEntry', minMinor: 24, source: CHANGE_NOTES(24) },
  /** 1.25 change notes: "Added support for attaching policy defaults for istio-waypoint by targeting the GatewayClass." */
  targetRefGatewayClass: { what: 'targetRefs of kind GatewayClass', minMinor: 25, source: CHANGE_NOTES(25) },
  /**
   * AuthorizationPolicy `serviceAccounts` / `notServiceAccounts`, rewritten as principals where unusable (see
   * serviceAccountsUnusableReason). The 1.25 change notes do not list the field; the advisory of CVE-2026-39350, a bug
   * of the field itself, gives 1.25.0 as the first affected release.
   */
  serviceAccounts: { what: 'source.serviceAccounts', minMinor: 25, source: 'https://github.com/istio/istio/security/advisories/GHSA-9gcg-w975-3rjh' },
  /** 1.28 change notes: "Added support for cookie attributes in consistent hash load-balancing". */
  cookieAttributes: { what: 'consistentHash.httpCookie.attributes', minMinor: 28, source: CHANGE_NOTES(28) },
  /**
   * 1.28 change notes: "Fixed JWT filter configuration to support custom space-delimited claims ... use the
   * `spaceDelimitedClaims` field" (before, only `scope` and `permission` were split).
   */
  spaceDelimitedClaims: { what: 'jwtRules[].spaceDelimitedClaims', minMinor: 28, source: CHANGE_NOTES(28) },
  /**
   * DYNAMIC_DNS (wildcard hosts resolved per request): 1.28 change notes "Added support for wildcard hosts in
   * ServiceEntry resources with DYNAMIC_DNS resolution. This is only supported for HTTP traffic for now. It requires
   * ambient mode and a waypoint"; 1.29 "... for TLS hosts" (behind ENABLE_WILDCARD_HOST_SERVICE_ENTRIES_FOR_TLS);
   * 1.30 "Added DYNAMIC_DNS wildcard ServiceEntry support for sidecar proxies".
   */
  dynamicDnsWaypointHttp: { what: 'resolution DYNAMIC_DNS with HTTP ports, through a waypoint', minMinor: 28, source: CHANGE_NOTES(28) },
  dynamicDnsWaypointTls: { what: 'resolution DYNAMIC_DNS with TLS ports, through a waypoint', minMinor: 29, source: CHANGE_NOTES(29) },
  dynamicDnsSidecar: { what: 'resolution DYNAMIC_DNS for sidecars', minMinor: 30, source: CHANGE_NOTES(30) },
} satisfies Record<string, VersionGate>;

/**
 * The problem of emitting `gate`'s field on `release`, or undefined when the release supports it.
 *
 * @param field the field as the user wrote it
 * @param value the offending value
 * @param fix what to do instead on the older release (the message adds "or target Istio 1.x or later")
 * @param symptom what the older release does with the field
 */
export function versionGateProblem(release: IstioRelease, gate: VersionGate, field: string, value: unknown, fix: string,
  symptom: string): Problem | undefined {
  if (release.minor >= gate.minMinor) return undefined;
  return {
    field,
    value,
    problem: `needs Istio 1.${gate.minMinor} or later (${gate.what}), but the target set with IstioApi.targetIstio() is Istio ${release.text}`,
    fix: `${fix}, or target Istio 1.${gate.minMinor} or later if the cluster runs it`,
    symptom,
  };
}
