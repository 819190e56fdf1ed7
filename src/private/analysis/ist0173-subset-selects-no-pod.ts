import { Problem } from '../errors';
import { expandHost, MeshObject } from '../mesh-model';
import { MeshAnalysis } from './model';

/**
 * IST0173 (istio/istio `pkg/config/analysis/analyzers/destinationrule/podnotselected.go`): a subset selects the pods
 * that carry the Service's selector labels and the subset's labels. Reported when the host is a Service of the app
 * whose selector selects workloads of the app (so the app defines its pods), and none of them carries a subset's
 * labels.
 */
export function subsetSelectsNoPodProblems(a: MeshAnalysis, rule: MeshObject): Problem[] {
  const spec = rule.manifest.spec ?? {};
  const host = String(spec.host ?? '');
  const service = a.service(expandHost(host, rule.namespace));
  const selector: { [key: string]: string } = service?.manifest.spec?.selector ?? {};
  const pods = service === undefined ? [] : a.workloadsSelectedBy(service.namespace, selector);
  if (service === undefined || pods.length === 0) return [];
  const problems: Problem[] = [];
  ((spec.subsets ?? []) as any[]).forEach((subset, i) => {
    const labels = { ...selector, ...subset.labels };
    if (a.workloadsSelectedBy(service.namespace, labels).length > 0) return;
    const versions = [...new Set(pods.map(w => JSON.stringify(subsetLabelsOf(w.podLabels, subset.labels ?? {}))))];
    problems.push({
      field: `subsets[${i}].labels`,
      value: subset.labels ?? {},
      problem: `select no pod of Service ${service.namespace}/${service.name}: none of the workloads it selects carries them `
        + `(they carry ${versions.join(', ')})`,
      fix: 'label the pods of this subset\'s version with these labels, or correct the subset\'s labels',
      symptom: `subset "${subset.name}" has no endpoints: requests routed to it fail with 503 UH (no healthy upstream) (IST0173)`,
      prop: 'DestinationRuleProps.subsets',
    });
  });
  return problems;
}

/** The values a workload's pods have for the keys a subset selects on. */
function subsetLabelsOf(podLabels: { [key: string]: string }, subset: { [key: string]: string }): { [key: string]: string } {
  return Object.fromEntries(Object.keys(subset).map(k => [k, podLabels[k] ?? '<none>']));
}
