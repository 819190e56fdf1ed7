import { Problem } from '../errors';
import { MeshObject } from '../mesh-model';
import { MeshAnalysis, WorkloadView } from './model';

/**
 * A Service's `targetPort` against the workloads of the app it selects: a named targetPort must be the name of a
 * container port of each selected pod (Kubernetes resolves the name per pod; a pod without it is no endpoint of the
 * port). A numeric targetPort is a port the application listens on, declared or not, so it is only reported where
 * the declarations say it is wrong: a pod that declares ports but not this one while other selected pods declare it
 * (e.g. a workload handed to a CanaryRelease whose container port is not the release's `targetPort`), or the only port
 * of a Service that none of the pods declares although they all declare ports.
 */
export function serviceTargetPortProblems(a: MeshAnalysis, service: MeshObject): Problem[] {
  const spec = service.manifest.spec ?? {};
  const workloads = a.workloadsSelectedBy(service.namespace, spec.selector ?? {});
  if (workloads.length === 0) return [];
  const problems: Problem[] = [];
  const ports = (spec.ports ?? []) as any[];
  ports.forEach((p, i) => {
    const target: number | string = p.targetPort ?? p.port;
    const named = typeof target === 'string';
    const declares = (w: WorkloadView) => w.ports.some(c => (named ? c.name === target : c.number === Number(target)));
    const someDeclare = workloads.some(declares);
    const allDeclarePorts = workloads.every(w => w.ports.length > 0);
    for (const w of workloads) {
      if (declares(w)) continue;
      if (!named && (w.ports.length === 0 || !(someDeclare || (ports.length === 1 && allDeclarePorts)))) continue;
      problems.push({
        field: `spec.ports[${i}].targetPort`,
        value: target,
        problem: `is not a container port of ${describe(w)}, which the Service selects (its containers declare ${declared(w)})`,
        fix: w.ports.length > 0
          ? `set targetPort to the port the pods listen on (${w.ports.map(c => (named && c.name ? `"${c.name}"` : String(c.number))).join(' or ')}), or declare ${named ? `a container port named "${target}"` : `container port ${target}`}`
          : `declare a container port named "${target}" in the pods`,
        symptom: named
          ? 'Kubernetes cannot resolve the port name on these pods, so they are no endpoints of the port: requests routed to them fail with 503 UH'
          : `connections reach these pods on port ${target}, where none of their containers declares a port: unless the application listens there anyway, `
            + 'they are refused (503 UF, upstream connect error)',
        prop: 'MeshServiceProps.ports',
      });
    }
  });
  return problems;
}

function describe(w: WorkloadView): string {
  return `${w.object.kind} ${w.object.namespace}/${w.object.name} (${w.object.path})`;
}

function declared(w: WorkloadView): string {
  return w.ports.length === 0 ? 'no ports' : w.ports.map(c => (c.name ? `${c.number} "${c.name}"` : String(c.number))).join(', ');
}
