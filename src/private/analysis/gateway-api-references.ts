import { Problem } from '../errors';
import { GATEWAY_API_GROUP } from '../gateway-api';
import { hostsOverlap, labelsSubset, MeshObject } from '../mesh-model';
import { BACKENDS_PROP, gatewayApiViews, ListenerView, PARENTS_PROP, ParentRefView, routeProp, RouteView } from './gateway-api-model';
import { MeshAnalysis } from './model';

/**
 * The references of Gateway API objects, resolved the way the Gateway API specifies and Istio implements them:
 * a route's parentRefs (a Gateway listener that accepts the route's kind, namespace and host names, or a Service port
 * for GAMMA), its backendRefs (a Service port of the app, or a Service outside it), and the ReferenceGrant every
 * cross-namespace backendRef or certificateRef needs. References to objects the app does not define are taken as
 * managed elsewhere, except where the app defines the namespace's other side (the Service or a ReferenceGrant there).
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#parentreference (attachment: kind, namespace, hostname)
 * @see https://gateway-api.sigs.k8s.io/api-types/referencegrant/
 */
export function gatewayApiRouteReferenceProblems(a: MeshAnalysis, route: RouteView): Problem[] {
  const problems: Problem[] = [];
  for (const parent of route.parents) problems.push(...parentProblems(a, route, parent));
  for (const rule of route.rules) {
    for (const b of rule.backends) {
      if (b.group !== '' || b.kind !== 'Service') continue;
      const service = a.named('Service', '', b.namespace, b.name);
      if (service && b.port !== undefined) {
        const ports = ((service.manifest.spec?.ports ?? []) as any[]).map(p => Number(p.port));
        if (!ports.includes(b.port)) {
          problems.push({
            field: `${b.field}.port`,
            value: b.port,
            problem: `is not a port of Service ${b.namespace}/${b.name} (its ports: ${JSON.stringify(ports)})`,
            fix: 'use one of the Service\'s ports (the Service port, not the container port)',
            symptom: 'the route reports ResolvedRefs=False (BackendNotFound) and its requests get 500',
            prop: routeProp(BACKENDS_PROP, route.object.kind),
          });
        }
      }
      if (b.namespace !== route.object.namespace) problems.push(...grantProblems(a, b.field, routeProp(BACKENDS_PROP, route.object.kind), route.object, '', 'Service', b.namespace, b.name));
    }
    const weights = rule.backends.filter(b => !b.field.includes('requestMirror')).map(b => b.weight);
    if (weights.length > 0 && weights.every(w => w === 0)) {
      problems.push({
        field: `${rule.field}.backendRefs`,
        value: weights,
        problem: 'gives every backend weight 0, so the rule sends traffic nowhere',
        fix: 'give at least one backend a positive weight, or remove the rule',
        symptom: 'every request the rule matches gets 500',
        prop: routeProp(BACKENDS_PROP, route.object.kind),
      });
    }
  }
  return problems;
}

/** A Gateway's certificateRefs to Secrets in other namespaces need a ReferenceGrant there. */
export function gatewayApiCertificateGrantProblems(a: MeshAnalysis, gateway: MeshObject): Problem[] {
  const problems: Problem[] = [];
  ((gateway.manifest.spec?.listeners ?? []) as any[]).forEach((l, i) => ((l.tls?.certificateRefs ?? []) as any[]).forEach((c, j) => {
    if (c.namespace === undefined || c.namespace === gateway.namespace) return;
    problems.push(...grantProblems(a, `listeners[${i}].tls.certificateRefs[${j}]`, 'GatewayApiListenerTls.certificateRefs', gateway, '', 'Secret', c.namespace, String(c.name)));
  }));
  return problems;
}

/** The props whose references may need a ReferenceGrant. */
type GrantProp = typeof BACKENDS_PROP[keyof typeof BACKENDS_PROP] | 'GatewayApiListenerTls.certificateRefs';

/** A reference from `from` to a `kind` in another namespace needs a ReferenceGrant there, when the app manages that side. */
function grantProblems(
  a: MeshAnalysis, field: string, prop: GrantProp, from: MeshObject, group: string, kind: string, namespace: string, name: string,
): Problem[] {
  const views = gatewayApiViews(a);
  if (views.granted(namespace, from.kind, from.namespace, group, kind, name)) return [];
  if (!views.managesNamespace(namespace, kind, group, name) && !(kind === 'Secret' && secretProduced(a, namespace, name))) return [];
  return [{
    field,
    value: `${namespace}/${name}`,
    problem: `refers to a ${kind} in namespace "${namespace}", and no ReferenceGrant there lets ${from.kind}s of namespace "${from.namespace}" refer to it`,
    fix: `add a ReferenceGrant in "${namespace}": from { kind: '${from.kind}', namespace: '${from.namespace}' }, to { kind: '${kind}', name: '${name}' }`,
    symptom: `the reference is refused (ResolvedRefs=False, RefNotPermitted)${kind === 'Secret' ? ' and the listener serves no certificate' : ' and requests get 500'}`,
    prop,
  }];
}

/** Whether the app produces a Secret: a Secret object, or a cert-manager Certificate writing it. */
function secretProduced(a: MeshAnalysis, namespace: string, name: string): boolean {
  return a.named('Secret', '', namespace, name) !== undefined
    || a.inNamespace('Certificate', 'cert-manager.io', namespace).some(c => c.manifest.spec?.secretName === name);
}

function parentProblems(a: MeshAnalysis, route: RouteView, parent: ParentRefView): Problem[] {
  const views = gatewayApiViews(a);
  if (parent.group === '' && parent.kind === 'Service') {
    const service = a.named('Service', '', parent.namespace, parent.name);
    if (service === undefined || parent.port === undefined) return [];
    const ports = ((service.manifest.spec?.ports ?? []) as any[]).map(p => Number(p.port));
    return ports.includes(parent.port) ? [] : [{
      field: `${parent.field}.port`,
      value: parent.port,
      problem: `is not a port of Service ${parent.namespace}/${parent.name} (its ports: ${JSON.stringify(ports)})`,
      fix: 'use a port of the Service, or leave port out to apply to all of them',
      symptom: 'the route attaches to nothing and mesh traffic to the Service ignores it',
      prop: PARENTS_PROP,
    }];
  }
  if (parent.group !== GATEWAY_API_GROUP || parent.kind !== 'Gateway') return [];
  const gateway = views.gateway(parent.namespace, parent.name);
  if (gateway === undefined) return [];
  const listeners = views.listeners(gateway);
  const named = listeners.filter(l => (parent.sectionName === undefined || l.name === parent.sectionName)
    && (parent.port === undefined || l.port === parent.port));
  const where = `Gateway ${parent.namespace}/${parent.name}`;
  if (named.length === 0) {
    return [{
      field: parent.field,
      value: parent.sectionName ?? parent.port,
      problem: `names no listener of ${where} (its listeners: ${JSON.stringify(listeners.map(l => `${l.name}:${l.port}`))})`,
      fix: 'name a listener (sectionName) or port the Gateway has',
      symptom: 'the route is not attached (NoMatchingParent) and its requests get 404',
      prop: PARENTS_PROP,
    }];
  }
  const refusals = named.map(l => refusal(views, route, l)).filter((r): r is string => r !== undefined);
  if (refusals.length < named.length) return [];
  return [{
    field: parent.field,
    value: `${parent.namespace}/${parent.name}${parent.sectionName ? `/${parent.sectionName}` : ''}`,
    problem: `is refused by every listener it names: ${refusals.join('; ')}`,
    fix: 'attach to a listener that accepts the route (its kind, namespace and host names), or change the listener\'s allowedRoutes or hostname',
    symptom: 'the route is not attached (NotAllowedByListeners or NoMatchingListenerHostname) and its requests get 404',
    prop: PARENTS_PROP,
  }];
}

/** Why a listener refuses a route (kind, namespace, hostname), or undefined when it accepts it. */
function refusal(views: ReturnType<typeof gatewayApiViews>, route: RouteView, l: ListenerView): string | undefined {
  const kind = route.object.kind;
  const ns = route.object.namespace;
  if (!l.kinds.includes(kind)) return `listener "${l.name}" accepts ${JSON.stringify(l.kinds)}, not ${kind}`;
  if (l.from === 'Same' && ns !== l.gateway.namespace) return `listener "${l.name}" accepts routes of namespace "${l.gateway.namespace}" only, not "${ns}"`;
  if (l.from === 'Selector' && l.selector) {
    const labels = views.namespaceLabels(ns) ?? { 'kubernetes.io/metadata.name': ns };
    const known = views.namespaceLabels(ns) !== undefined || Object.keys(l.selector).every(k => k === 'kubernetes.io/metadata.name');
    if (known && !labelsSubset(l.selector, labels)) return `listener "${l.name}" accepts namespaces labelled ${JSON.stringify(l.selector)}, which "${ns}" is not`;
  }
  if (l.hostname !== undefined && route.hostnames.length > 0 && !route.hostnames.some(h => hostsOverlap(h, l.hostname!))) {
    return `listener "${l.name}" serves "${l.hostname}", none of the route's hostnames ${JSON.stringify(route.hostnames)}`;
  }
  return undefined;
}
