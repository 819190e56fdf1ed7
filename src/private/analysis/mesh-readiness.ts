import { Problem } from '../errors';
import { isMeshChecked, MeshObject } from '../mesh-model';
import { Finding, podTemplateOf, podTemplateProblems, reservedPortFinding, serviceNameProblem, undeterminedProtocolFinding } from '../mesh-rules';
import { MeshAnalysis } from './model';
import { serviceTargetPortProblems } from './service-ports';

/** The kinds whose objects in a MeshNamespace get the library's mesh-readiness checks, whoever made them. */
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'Pod'];

/** The prop the messages name: these are the requirements of workloads the namespace's enrollment puts in the mesh. */
const ENROLLMENT = 'MeshNamespaceProps.enrollment';

/**
 * Istio's Kubernetes-side rules for every Deployment, StatefulSet, Pod and Service in a mesh namespace — made by
 * cdk8s-plus, `cdk8s import` or a plain `ApiObject` — the same rules the library's own workloads and Services get
 * (`app`/`version` labels, protocol-named ports (IST0118), ports reserved by the sidecar, UID 1337 (IST0144),
 * injection labels). Objects a construct of the library checks itself are skipped (`markMeshChecked`).
 */
export function meshReadinessProblems(a: MeshAnalysis, namespace: string): Problem[] {
  const problems: Problem[] = [];
  for (const kind of WORKLOAD_KINDS) {
    for (const o of a.inNamespace(kind, undefined, namespace)) {
      if (isMeshChecked(o.apiObject)) continue;
      const found = podTemplateOf(o.manifest);
      if (found === undefined) continue;
      problems.push(...podTemplateProblems(found.template, `${where(o)} ${found.field}`).map(p => ({ ...p, prop: ENROLLMENT })));
    }
  }
  for (const o of a.inNamespace('Service', '', namespace)) {
    if (isMeshChecked(o.apiObject)) continue;
    problems.push(...serviceProblems(o));
    problems.push(...serviceTargetPortProblems(a, o).map(p => ({ ...p, field: `${where(o)} ${p.field}`, prop: ENROLLMENT })));
  }
  return problems;
}

function serviceProblems(o: MeshObject): Problem[] {
  const problems: Problem[] = [];
  const add = (field: string, finding: Finding | undefined) => {
    if (finding) problems.push({ field: `${where(o)} ${field}`, ...finding, prop: ENROLLMENT });
  };
  const nameProblem = serviceNameProblem(o.name);
  if (nameProblem) add('metadata.name', { value: o.name, problem: nameProblem, fix: 'name the Service like "reviews" or "api-v2"' });
  if (o.manifest.spec?.type === 'ExternalName') return problems;
  ((o.manifest.spec?.ports ?? []) as any[]).forEach((p, i) => {
    add(`spec.ports[${i}].port`, reservedPortFinding(p.port));
    if (typeof p.targetPort === 'number') add(`spec.ports[${i}].targetPort`, reservedPortFinding(p.targetPort));
    add(`spec.ports[${i}]${p.appProtocol !== undefined ? '.appProtocol' : '.name'}`,
      undeterminedProtocolFinding({ name: p.name, port: p.port, protocol: p.protocol, appProtocol: p.appProtocol }));
  });
  return problems;
}

function where(o: MeshObject): string {
  return `${o.kind} "${o.name}" (${o.path})`;
}
