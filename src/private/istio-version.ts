import { IConstruct } from 'constructs';

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
  if (release.minor < 25) return `Istio ${release.text} has no serviceAccounts field (added in 1.25) and prunes it, so the rule would match nothing`;
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
