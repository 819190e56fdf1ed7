import { Construct } from 'constructs';
import { describeProblem, Problem, throwIfProblems } from './private/errors';
import { GATEWAY_API_GROUP, GATEWAY_API_VERSIONS } from './private/gateway-api';
import { addSynthValidation } from './private/mesh-model';
import { k8sLabelNameProblem, objectNameProblem } from './private/rules';
import { checkShape } from './private/shape';
import { IstioResource, IstioResourceProps } from './resource';

/**
 * Objects in another namespace allowed to refer to this namespace: their group, kind and namespace.
 */
export interface ReferenceGrantFrom {
  /**
   * The referring kind's API group.
   *
   * @default 'gateway.networking.k8s.io'
   */
  readonly group?: string;

  /** The referring kind, e.g. `HTTPRoute` or `Gateway`. */
  readonly kind: string;

  /** The namespace of the referring objects. */
  readonly namespace: string;
}

/**
 * Objects in this namespace that may be referred to: their group, kind and, optionally, name.
 */
export interface ReferenceGrantTo {
  /**
   * The referred kind's API group (`''` for core kinds such as Service and Secret).
   *
   * @default ''
   */
  readonly group?: string;

  /** The referred kind, e.g. `Service` or `Secret`. */
  readonly kind: string;

  /**
   * The one object that may be referred to.
   *
   * @default - every object of the kind in the namespace
   */
  readonly name?: string;
}

/**
 * Props of a ReferenceGrant.
 */
export interface ReferenceGrantProps extends IstioResourceProps {
  /**
   * Who may refer; more can be added with `addFrom()`.
   *
   * @default - none
   */
  readonly from?: ReferenceGrantFrom[];

  /**
   * What may be referred to; more can be added with `addTo()`.
   *
   * @default - none
   */
  readonly to?: ReferenceGrantTo[];
}

/**
 * A Kubernetes Gateway API ReferenceGrant (`gateway.networking.k8s.io/v1beta1`), placed in the namespace of the
 * objects referred to: lets routes (or Gateways) in other namespaces refer to its Services (or Secrets). Without
 * it, a cross-namespace `backendRefs` or `certificateRefs` entry is refused (`RefNotPermitted`).
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#referencegrant
 */
export class ReferenceGrant extends IstioResource {
  private readonly _from: ReferenceGrantFrom[] = [];
  private readonly _to: ReferenceGrantTo[] = [];

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the grant's settings
   */
  constructor(scope: Construct, id: string, props: ReferenceGrantProps = {}) {
    super(scope, id, GATEWAY_API_GROUP, 'ReferenceGrant', props, GATEWAY_API_VERSIONS.ReferenceGrant);
    for (const f of props.from ?? []) this.addFrom(f);
    for (const t of props.to ?? []) this.addTo(t);
    addSynthValidation(this, () => [
      ...this._from.length > 0 ? [] : [describeProblem({ field: 'from', problem: 'is empty', fix: 'add who may refer with addFrom()', symptom: 'the API server rejects the ReferenceGrant', prop: 'ReferenceGrantProps.from' })],
      ...this._to.length > 0 ? [] : [describeProblem({ field: 'to', problem: 'is empty', fix: 'add what may be referred to with addTo()', symptom: 'the API server rejects the ReferenceGrant', prop: 'ReferenceGrantProps.to' })],
    ]);
  }

  /** Who may refer. */
  public get from(): ReferenceGrantFrom[] {
    return [...this._from];
  }

  /** What may be referred to. */
  public get to(): ReferenceGrantTo[] {
    return [...this._to];
  }

  /**
   * Lets objects of a kind in a namespace refer to this namespace (at most 16 entries).
   *
   * @param source the referring group, kind and namespace
   */
  public addFrom(source: ReferenceGrantFrom): void {
    const field = `from[${this._from.length}]`;
    checkShape(this, 'ReferenceGrantFrom', source, field);
    const problems: Problem[] = [...kindProblems(field, source.kind, source.group)];
    const nsIssue = k8sLabelNameProblem(source.namespace);
    if (nsIssue) problems.push({ field: `${field}.namespace`, value: source.namespace, problem: nsIssue, fix: 'name the namespace of the referring objects' });
    if (this._from.length >= 16) problems.push({ field, problem: 'is the 17th entry; a ReferenceGrant has at most 16', fix: 'use another ReferenceGrant' });
    throwIfProblems(this, problems);
    this._from.push(source);
  }

  /**
   * Lets objects of a kind (or one object) in this namespace be referred to (at most 16 entries).
   *
   * @param to the referred group, kind and name
   */
  public addTo(to: ReferenceGrantTo): void {
    const field = `to[${this._to.length}]`;
    checkShape(this, 'ReferenceGrantTo', to, field);
    const problems: Problem[] = [...kindProblems(field, to.kind, to.group)];
    const nameIssue = to.name === undefined ? undefined : objectNameProblem(to.name);
    if (nameIssue) problems.push({ field: `${field}.name`, value: to.name, problem: nameIssue, fix: 'name the object by its metadata.name, or leave name out for every object of the kind' });
    if (this._to.length >= 16) problems.push({ field, problem: 'is the 17th entry; a ReferenceGrant has at most 16', fix: 'use another ReferenceGrant' });
    throwIfProblems(this, problems);
    this._to.push(to);
  }

  /** @internal */
  protected _renderSpec(): any {
    return {
      from: this._from.map(f => ({ group: f.group ?? GATEWAY_API_GROUP, kind: f.kind, namespace: f.namespace })),
      to: this._to.map(t => ({ group: t.group ?? '', kind: t.kind, name: t.name })),
    };
  }
}

const KIND = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const GROUP = /^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function kindProblems(field: string, kind: string, group: string | undefined): Problem[] {
  const problems: Problem[] = [];
  if (kind.length === 0 || kind.length > 63 || !KIND.test(kind)) {
    problems.push({ field: `${field}.kind`, value: kind, problem: 'must be a kind name like "HTTPRoute" or "Service"', fix: 'name the kind' });
  }
  if (group !== undefined && (group.length > 253 || !GROUP.test(group))) {
    problems.push({ field: `${field}.group`, value: group, problem: 'must be an API group like "gateway.networking.k8s.io", or "" for core kinds', fix: 'name the API group without version' });
  }
  return problems;
}
