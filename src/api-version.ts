import { IConstruct } from 'constructs';
import { DEFAULT_ISTIO_VERSION, ISTIO_VERSION_CONTEXT_KEY, NEWEST_MINOR, OLDEST_MINOR, parseIstioVersion } from './private/istio-version';
import { ROUTING_API_CONTEXT_KEY, resolveRoutingApi } from './private/routing-api';
import { checkArgs } from './private/shape';

/**
 * The version of Istio's `networking.istio.io` and `security.istio.io` APIs that synthesized objects use.
 *
 * The v1 and v1beta1 schemas are identical; only the apiVersion differs.
 */
export enum IstioApiVersion {
  /** `networking.istio.io/v1` and `security.istio.io/v1` (Istio 1.22 and later). */
  V1 = 'v1',
  /** `networking.istio.io/v1beta1` and `security.istio.io/v1beta1`, for clusters older than Istio 1.22. */
  V1BETA1 = 'v1beta1',
}

/**
 * Which API the routing constructs (IngressRoute, CanaryRelease, EgressThroughGateway, MeshNamespace waypoints) emit.
 */
export enum RoutingApi {
  /** Istio's own APIs: Gateway, VirtualService, DestinationRule (`networking.istio.io`). */
  ISTIO = 'istio',
  /** The Kubernetes Gateway API (`gateway.networking.k8s.io`): Gateway, HTTPRoute, GRPCRoute, TLSRoute, TCPRoute. */
  GATEWAY_API = 'gateway-api',
}

const CONTEXT_KEY = 'cdk8s-istio:apiVersion';

/**
 * Settings that apply to every Istio object of an app or a chart.
 */
export class IstioApi {
  /**
   * Makes every Istio object created below `scope` (an App or a Chart) use `version`.
   *
   * Call it once, before adding constructs to the scope.
   *
   * @example
   * const app = new App();
   * IstioApi.useVersion(app, IstioApiVersion.V1BETA1);
   *
   * @param scope the App or Chart whose Istio objects use the version
   * @param version the API version, e.g. `IstioApiVersion.V1BETA1` for clusters older than Istio 1.22
   */
  public static useVersion(scope: IConstruct, version: IstioApiVersion): void {
    checkArgs('IstioApi.useVersion', [scope, version]);
    setOncePerScope(scope, 'IstioApi.useVersion', CONTEXT_KEY, version,
      current => `the Istio API version is already ${current}; got ${version}. Fix: set the version once per app or chart.`,
      'so every Istio object uses the same version');
  }

  /**
   * Makes every construct below `scope` (an App or a Chart) emit only what Istio `version` supports, e.g. `1.24` or,
   * because security fixes come in patch releases, `1.27.3`. Supported: 1.22 to 1.30.
   *
   * Fields newer than the target are written in the older form where Istio has one (a duration-only load balancer
   * `warmup` as `warmupDurationSecs` before 1.24), else refused at construction with an error naming the field, the
   * target and the minimum release: retryOn `reset-before-request` (1.23), `targetRefs` to a ServiceEntry (1.24) or a
   * GatewayClass (1.25), warmup `minimumPercent` / `aggression` (1.24), cookie `attributes` and JWT
   * `spaceDelimitedClaims` (1.28), ServiceEntry resolution `DYNAMIC_DNS` (1.28 through a waypoint for HTTP, 1.29 for
   * TLS, 1.30 for sidecars). The README's "Istio versions" section has the table and its sources.
   *
   * AuthorizationPolicy `serviceAccounts` / `notServiceAccounts` (the allow helpers
   * use them) are written as the equivalent `principals` / `notPrincipals` (the same namespace and account, in any trust domain) where
   * Istio lacks the field (before 1.25) or matches "." in it as a regex wildcard (CVE-2026-39350: 1.25.0–1.27.8,
   * 1.28.0–1.28.5, 1.29.0–1.29.1; a target without patch in those minors counts as affected); the object then
   * carries the annotation `cdk8s-istio.dev/service-accounts-as-principals` saying why.
   *
   * Call it once, before adding constructs to the scope.
   *
   * @param version `1.<minor>` or `1.<minor>.<patch>`
   * @default - 1.30
   *
   * @example
   * const app = new App();
   * IstioApi.targetIstio(app, '1.27.3');
   *
   * @param scope the App or Chart whose constructs target the release
   */
  public static targetIstio(scope: IConstruct, version: string): void {
    checkArgs('IstioApi.targetIstio', [scope, version]);
    const where = scope.node.path || '<app>';
    if (typeof version !== 'string' || parseIstioVersion(version) === undefined) {
      throw new Error(`[${where}] IstioApi.targetIstio: version must be "1.<minor>" or "1.<minor>.<patch>" with a minor from ${OLDEST_MINOR} `
        + `to ${NEWEST_MINOR} (got ${JSON.stringify(version)}). Fix: name the Istio release the cluster runs, e.g. "1.${NEWEST_MINOR}" or `
        + `"1.27.3"; for Istio before 1.${OLDEST_MINOR}, use an older release of this library.`);
    }
    const current = scope.node.tryGetContext(ISTIO_VERSION_CONTEXT_KEY);
    if (current !== undefined && current !== version) {
      throw new Error(`[${where}] IstioApi.targetIstio: the target Istio release is already ${current} (got "${version}"). `
        + 'Fix: set the target once per app or chart.');
    }
    if (scope.node.children.length > 0) {
      throw new Error(`[${where}] IstioApi.targetIstio: called after constructs were added to this scope. `
        + 'Fix: call it right after creating the App or Chart, so every construct targets the same release.');
    }
    scope.node.setContext(ISTIO_VERSION_CONTEXT_KEY, version);
  }

  /**
   * The Istio release targeted below `scope`, as given to `targetIstio()` (default `1.30`).
   *
   * @param scope any construct of the app
   */
  public static istioVersionOf(scope: IConstruct): string {
    checkArgs('IstioApi.istioVersionOf', [scope]);
    return scope.node.tryGetContext(ISTIO_VERSION_CONTEXT_KEY) ?? DEFAULT_ISTIO_VERSION;
  }

  /**
   * Makes every routing construct created below `scope` (an App or a Chart) emit `api`: Istio's APIs (the default)
   * or the Kubernetes Gateway API. A construct's own `routingApi` prop overrides it.
   *
   * Call it once, before adding constructs to the scope.
   *
   * @example
   * const app = new App();
   * IstioApi.useRoutingApi(app, RoutingApi.GATEWAY_API);
   *
   * @param scope the App or Chart whose routing constructs use the API
   * @param api the routing API
   */
  public static useRoutingApi(scope: IConstruct, api: RoutingApi): void {
    checkArgs('IstioApi.useRoutingApi', [scope, api]);
    setOncePerScope(scope, 'IstioApi.useRoutingApi', ROUTING_API_CONTEXT_KEY, api,
      current => `the routing API is already ${current}; got ${api}. `
        + 'Fix: set the routing API once per app or chart, and override it per construct with its routingApi prop.',
      'so every routing construct uses the same API');
  }

  /**
   * The routing API in effect for `scope`: `useRoutingApi()`'s choice, else `RoutingApi.ISTIO`.
   *
   * @param scope any construct of the app
   */
  public static routingApiOf(scope: IConstruct): RoutingApi {
    checkArgs('IstioApi.routingApiOf', [scope]);
    return resolveRoutingApi(scope);
  }

  /**
   * The Istio API version in effect for `scope`.
   *
   * @param scope any construct of the app
   */
  public static versionOf(scope: IConstruct): IstioApiVersion {
    checkArgs('IstioApi.versionOf', [scope]);
    return scope.node.tryGetContext(CONTEXT_KEY) ?? IstioApiVersion.V1;
  }

  private constructor() {}
}

/**
 * Sets an app- or chart-wide setting once, before any construct is added to the scope (so every construct below sees
 * the same value); setting it again to the same value is harmless.
 */
function setOncePerScope(scope: IConstruct, method: string, key: string, value: string, already: (current: string) => string, why: string): void {
  const where = scope.node.path || '<app>';
  const current = scope.node.tryGetContext(key);
  if (current !== undefined && current !== value) throw new Error(`[${where}] ${method}: ${already(current)}`);
  if (scope.node.children.length > 0) {
    throw new Error(`[${where}] ${method}: called after constructs were added to this scope. Fix: call it right after creating the App or Chart, ${why}.`);
  }
  scope.node.setContext(key, value);
}
