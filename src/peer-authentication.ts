import { Construct } from 'constructs';
import { MeshAnalysis } from './private/analysis/model';
import { servicePortAsWorkloadPortProblems } from './private/analysis/workload-ports';
import { configError, describeProblem } from './private/errors';
import { addSynthValidation, sameLabels } from './private/mesh-model';
import { portProblem } from './private/rules';
import { checkShape } from './private/shape';
import { IstioResource, IstioResourceProps } from './resource';
import { checkPolicySelector, renderPolicySelector } from './workload-target';

const GROUP = 'security.istio.io';
const KIND = 'PeerAuthentication';

/**
 * Whether a workload's sidecar accepts plain-text connections, mutual-TLS connections, or both.
 */
export enum MtlsMode {
  /** Inherit the mode of the parent policy (namespace-wide, then mesh-wide, then PERMISSIVE). */
  UNSET = 'UNSET',
  /** Plain text only: connections are not tunnelled through mutual TLS. */
  DISABLE = 'DISABLE',
  /** Both plain text and mutual TLS (Istio's default, for migrations). */
  PERMISSIVE = 'PERMISSIVE',
  /** Mutual TLS only: plain-text connections are refused. */
  STRICT = 'STRICT',
}

/**
 * The mutual-TLS mode of one workload port.
 */
export interface PeerAuthenticationPortMtls {
  /**
   * The port the workload listens on (the container port, i.e. the Service's `targetPort`, not the Service port).
   */
  readonly port: number;

  /** The mode on that port. */
  readonly mode: MtlsMode;
}

/**
 * Props of a PeerAuthentication.
 */
export interface PeerAuthenticationProps extends IstioResourceProps {
  /**
   * Labels of the pods the policy applies to (`selector.matchLabels`).
   *
   * @default - every workload in the namespace (every workload of the mesh when the policy is in the root namespace)
   */
  readonly selector?: { [key: string]: string };

  /**
   * The mutual-TLS mode of the selected workloads.
   *
   * @default - not set: the mode is inherited from the namespace-wide, then the mesh-wide policy (UNSET)
   */
  readonly mtlsMode?: MtlsMode;

  /**
   * Per-port modes that override `mtlsMode`; requires `selector`. More can be added with `addPortMtls()`.
   *
   * @default - no per-port modes
   */
  readonly portLevelMtls?: PeerAuthenticationPortMtls[];
}

/**
 * A PeerAuthentication: which mutual-TLS mode the sidecars of a namespace (no selector) or of some workloads
 * (selector) accept. Without a selector it is namespace-wide; in the root namespace, mesh-wide.
 *
 * @see https://istio.io/latest/docs/reference/config/security/peer_authentication/
 */
export class PeerAuthentication extends IstioResource {
  /** The mode of the selected workloads, when set. */
  public readonly mtlsMode?: MtlsMode;

  private readonly _selector?: { [key: string]: string };
  private readonly _portMtls: PeerAuthenticationPortMtls[] = [];

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the PeerAuthentication's settings
   */
  constructor(scope: Construct, id: string, props: PeerAuthenticationProps = {}) {
    super(scope, id, GROUP, KIND, props);
    checkPolicySelector(this, props.selector);
    this._selector = props.selector === undefined ? undefined : { ...props.selector };
    this.mtlsMode = props.mtlsMode;
    for (const portMtls of props.portLevelMtls ?? []) {
      this.addPortMtls(portMtls.port, portMtls.mode);
    }
    addSynthValidation(this, () => [...this.validateUniquePolicy(), ...this.portLevelMtlsPortProblems()]);
  }

  /** `portLevelMtls` keys are the workload's (container) ports; a Service port with another targetPort never matches. */
  private portLevelMtlsPortProblems(): string[] {
    const a = MeshAnalysis.of(this);
    const view = a.viewOf(this.apiObject);
    if (view === undefined || this._selector === undefined) return [];
    const ports = this._portMtls.map(p => ({ field: `portLevelMtls[${p.port}]`, port: p.port }));
    return servicePortAsWorkloadPortProblems(a, view, this._selector, ports, 'port-level mTLS').map(describeProblem);
  }

  /** The selector's labels (a copy), or undefined for a namespace-wide policy. */
  public get selector(): { [key: string]: string } | undefined {
    return this._selector === undefined ? undefined : { ...this._selector };
  }

  /** The per-port modes (a copy). */
  public get portLevelMtls(): PeerAuthenticationPortMtls[] {
    return this._portMtls.map(p => ({ ...p }));
  }

  /**
   * Sets the mutual-TLS mode of one port of the selected workloads, e.g. DISABLE on a port that a
   * non-mesh client (a metrics scraper, a health checker) must reach in plain text.
   *
   * @param port the container port (not the Service port)
   * @param mode the mode on that port
   */
  public addPortMtls(port: number, mode: MtlsMode): void {
    checkShape(this, 'PeerAuthenticationPortMtls', { port, mode }, `addPortMtls(${String(port)})`);
    const field = `portLevelMtls[${port}]`;
    if (this._selector === undefined) {
      throw configError(this, {
        field,
        value: mode,
        problem: 'is set on a namespace-wide policy (no selector); Istio only allows port-level modes on workload policies',
        fix: 'add a selector with the labels of the workload that listens on this port, or set mtlsMode for the whole namespace instead',
        symptom: 'the API server rejects the object ("portLevelMtls requires selector")',
      });
    }
    const problem = portProblem(port);
    if (problem) {
      throw configError(this, { field, value: port, problem, fix: 'use the port number the container listens on' });
    }
    if (this._portMtls.some(p => p.port === port)) {
      throw configError(this, {
        field,
        value: mode,
        problem: 'is set twice',
        fix: 'set each port once',
      });
    }
    this._portMtls.push({ port, mode });
  }

  /** @internal */
  protected _renderSpec(): any {
    const portLevelMtls: { [port: string]: any } = {};
    for (const { port, mode } of this._portMtls) portLevelMtls[String(port)] = { mode };
    return {
      selector: renderPolicySelector(this._selector),
      mtls: this.mtlsMode === undefined ? undefined : { mode: this.mtlsMode },
      portLevelMtls: this._portMtls.length > 0 ? portLevelMtls : undefined,
    };
  }

  /**
   * Istio applies only the oldest of several policies with the same scope, so which one wins depends on the
   * order they were applied in.
   */
  private validateUniquePolicy(): string[] {
    const mine = this._selector ?? {};
    const rivals = MeshAnalysis.of(this).inNamespace(KIND, GROUP, this.effectiveNamespace).filter(o =>
      o.apiObject !== this.apiObject
      && sameLabels(o.manifest.spec?.selector?.matchLabels ?? {}, mine));
    return rivals.map(rival => describeProblem({
      field: 'selector',
      prop: 'PeerAuthenticationProps.selector',
      value: this._selector ?? '<none: namespace-wide>',
      problem: `selects the same workloads as PeerAuthentication "${rival.name}" (${rival.path}) in namespace "${rival.namespace}"`,
      fix: 'merge the two policies into one, or make their selectors differ',
      symptom: 'Istio applies only the older of the two, so the mTLS mode depends on the order they were applied in',
    }));
  }
}
