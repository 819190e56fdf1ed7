import { IConstruct } from 'constructs';

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
    const current = scope.node.tryGetContext(CONTEXT_KEY);
    if (current !== undefined && current !== version) {
      throw new Error(`[${scope.node.path || '<app>'}] IstioApi.useVersion: the Istio API version is already ${current}; `
        + `got ${version}. Fix: set the version once per app or chart.`);
    }
    if (scope.node.children.length > 0) {
      throw new Error(`[${scope.node.path || '<app>'}] IstioApi.useVersion: called after constructs were added to this scope. `
        + 'Fix: call it right after creating the App or Chart, so every Istio object uses the same version.');
    }
    scope.node.setContext(CONTEXT_KEY, version);
  }

  /**
   * The Istio API version in effect for `scope`.
   *
   * @param scope any construct of the app
   */
  public static versionOf(scope: IConstruct): IstioApiVersion {
    return scope.node.tryGetContext(CONTEXT_KEY) ?? IstioApiVersion.V1;
  }

  private constructor() {}
}
