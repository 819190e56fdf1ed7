import { ApiObject } from 'cdk8s';
import { Problem } from '../errors';
import { sameLabels } from '../mesh-model';
import { MeshAnalysis } from './model';

const GROUP = 'telemetry.istio.io';
const KIND = 'Telemetry';

/**
 * IST0160 (MultipleTelemetriesWithoutWorkloadSelectors): at most one selector-less Telemetry per namespace;
 * IST0159 (ConflictingTelemetryWorkloadSelectors), for what is known without pods: two Telemetries with the same
 * selector in one namespace. For the selector-based Telemetry `own` (its ApiObject) of `namespace`; looked up by
 * namespace.
 */
export function telemetryOverlapProblems(
  a: MeshAnalysis, own: ApiObject, namespace: string, selector: { [key: string]: string } | undefined,
): Problem[] {
  const others = a.inNamespace(KIND, GROUP, namespace)
    .filter(o => o.apiObject !== own)
    .filter(o => o.manifest.spec?.targetRefs === undefined && o.manifest.spec?.targetRef === undefined)
    .filter(o => {
      const labels: { [key: string]: string } | undefined = o.manifest.spec?.selector?.matchLabels;
      return selector === undefined ? labels === undefined : labels !== undefined && sameLabels(labels, selector);
    });
  return others.map(o => ({
    field: 'selector',
    value: selector ?? '<none>',
    problem: selector === undefined
      ? `is missing here and on Telemetry "${o.name}" (${o.path}): namespace "${namespace}" has more than one `
        + 'Telemetry without selector (istioctl analyze IST0160)'
      : `is also the selector of Telemetry "${o.name}" (${o.path}) in namespace "${namespace}" (istioctl analyze IST0159)`,
    fix: selector === undefined
      ? 'merge the settings into one namespace-wide Telemetry, and give workload-specific ones a selector or targetRefs'
      : 'merge the two Telemetries into one',
    symptom: 'Istio applies one of them, which one is undefined',
    prop: 'TelemetryProps.selector',
  }));
}

/** Providers named by the app's Telemetries that are neither built in nor among the mesh config's `declared` ones. */
export function undeclaredProviderProblems(a: MeshAnalysis, builtIn: readonly string[], declared: string[]): Problem[] {
  const known = new Set([...builtIn, ...declared]);
  const problems: Problem[] = [];
  for (const telemetry of a.ofKind(KIND, GROUP)) {
    for (const part of ['tracing', 'accessLogging', 'metrics']) {
      ((telemetry.manifest.spec?.[part] ?? []) as any[]).forEach((entry, i) => {
        ((entry.providers ?? []) as any[]).forEach((provider, j) => {
          if (known.has(provider.name)) return;
          problems.push({
            field: `Telemetry "${telemetry.namespace}/${telemetry.name}" (${telemetry.path}) ${part}[${i}].providers[${j}].name`,
            value: provider.name,
            problem: `is not a provider of the mesh config (extensionProviders: ${JSON.stringify(declared)}) nor one of Istio's built-ins`,
            fix: 'correct the name, or declare the provider in the mesh config and add it to extensionProviders',
            symptom: 'istiod ignores the unknown provider, so this telemetry goes nowhere',
            prop: 'MeshTelemetryDefaultsProps.extensionProviders',
          });
        });
      });
    }
  }
  return problems;
}
