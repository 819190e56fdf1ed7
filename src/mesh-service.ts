import { ApiObject, ApiObjectMetadata, ApiObjectMetadataDefinition, Lazy } from 'cdk8s';
import * as plus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { MeshAnalysis } from './private/analysis/model';
import { serviceTargetPortProblems } from './private/analysis/service-ports';
import { configError, describeProblem, Problem, throwIfProblems } from './private/errors';
import { addSynthValidation, markMeshChecked } from './private/mesh-model';
import {
  APP_LABEL,
  appLabelProblem,
  claimedProtocol,
  Finding,
  portNamingFix,
  protocolPrefix,
  reservedPortFinding,
  serviceNameProblem,
  servicePortProtocol,
} from './private/mesh-rules';
import { metadataProblems, resolveObjectName } from './private/names';
import { withFields } from './private/objects';
import { k8sLabelNameProblem, labelsProblem, portProblem } from './private/rules';
import { DEFAULT_NAMESPACE, namespaceOf } from './private/scope';
import { checkShape } from './private/shape';
import { Protocol } from './protocol';

/**
 * A port of a MeshService.
 */
export interface MeshServicePort {
  /** The port the Service listens on. */
  readonly port: number;

  /**
   * The protocol Istio uses on the port. It is carried by the port's name (`<protocol>[-<suffix>]`) or, when set,
   * by `appProtocol`; the L4 protocol is UDP for `Protocol.UDP` and TCP otherwise.
   */
  readonly protocol: Protocol;

  /**
   * The port's name, `<protocol>[-<suffix>]` (e.g. `http-api`) unless `appProtocol` carries the protocol.
   *
   * @default - the protocol in lower case (`http`, `grpc-web`), suffixed with `-<port>` when several ports of the
   * Service would get the same name
   */
  readonly name?: string;

  /**
   * The container port traffic is sent to.
   *
   * @default - the same as `port`
   */
  readonly targetPort?: number;

  /**
   * The port's `appProtocol`. Istio reads it instead of the name; besides the `<protocol>` names it accepts
   * `kubernetes.io/h2c` (HTTP2), `kubernetes.io/ws` (HTTP) and `kubernetes.io/wss` (HTTPS).
   *
   * @default - none: Istio reads the protocol from the name
   */
  readonly appProtocol?: string;
}

/**
 * Props of a MeshService.
 */
export interface MeshServiceProps {
  /**
   * Metadata of the Service.
   *
   * @default - `name` is the construct id in kebab case (`Reviews` becomes `reviews`), never hashed; `namespace` is
   * the enclosing MeshNamespace's, else the chart's.
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * The `app` label of the pods the Service selects. Selecting on `app` alone makes the Service span every version
   * of the workload, which canary releases and DestinationRule subsets need.
   *
   * @default - the Service's name
   */
  readonly app?: string;

  /**
   * The ports of the Service. More can be added with `addPort()`.
   *
   * @default - none; add at least one with `addPort()`
   */
  readonly ports?: MeshServicePort[];

  /**
   * The type of the Service. `ExternalName` is not supported: it selects no pods.
   *
   * @default ServiceType.CLUSTER_IP
   */
  readonly type?: plus.ServiceType;

  /**
   * Labels the Service selects on besides `app` (e.g. a team or tier label). Do not pin `version` here unless the
   * Service is meant for one version only.
   *
   * @default - only `app`
   */
  readonly extraSelector?: { [key: string]: string };
}

/**
 * A Kubernetes Service made for the mesh: it selects pods by their `app` label, so it spans every version of a
 * workload, and every port carries its protocol the way Istio's protocol selection reads it (a
 * `<protocol>[-<suffix>]` name or an `appProtocol`). An unnamed or mis-named port would make Istio sniff the protocol
 * or treat the traffic as opaque TCP; here it is an error.
 *
 * @see https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/
 */
export class MeshService extends Construct {
  /** The Service object. */
  public readonly apiObject: ApiObject;

  /** The Service's `metadata.name`. */
  public readonly name: string;

  /** The Service's `metadata.namespace`, or undefined when it has none. */
  public readonly namespace?: string;

  /** The `app` label value the Service selects. */
  public readonly app: string;

  /** The type of the Service. */
  public readonly type: plus.ServiceType;

  private readonly _ports: MeshServicePort[] = [];
  private readonly _selector: { [key: string]: string };

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the MeshService's settings
   */
  constructor(scope: Construct, id: string, props: MeshServiceProps = {}) {
    super(scope, id);
    checkShape(this, 'MeshServiceProps', props);
    this.name = resolveObjectName(this, props.metadata, serviceNameProblem);
    this.namespace = props.metadata?.namespace ?? namespaceOf(this);
    throwIfProblems(this, metadataProblems({ namespace: this.namespace, labels: props.metadata?.labels, annotations: props.metadata?.annotations }));
    this.app = props.app ?? this.name;
    this.type = props.type ?? plus.ServiceType.CLUSTER_IP;
    this._selector = { ...props.extraSelector, [APP_LABEL]: this.app };

    const appProblem = appLabelProblem(this.app);
    if (appProblem) {
      throw configError(this, { field: 'app', value: this.app, problem: appProblem, fix: 'pass the app label value of the workload' });
    }
    if (props.extraSelector && APP_LABEL in props.extraSelector) {
      throw configError(this, {
        field: `extraSelector.${APP_LABEL}`,
        value: props.extraSelector[APP_LABEL],
        problem: 'repeats the app label, which the Service always selects on',
        fix: 'pass it as the app prop instead',
      });
    }
    const selectorProblem = labelsProblem(this._selector);
    if (selectorProblem) {
      throw configError(this, { field: 'extraSelector', value: props.extraSelector, problem: selectorProblem, fix: 'use valid label keys and values' });
    }
    if (this.type === plus.ServiceType.EXTERNAL_NAME) {
      throw configError(this, {
        field: 'type',
        value: this.type,
        problem: 'is not supported: an ExternalName Service selects no pods',
        fix: 'use a ServiceEntry, or ServiceBackend.fromHost() to route to an external host',
      });
    }

    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: withFields(props.metadata, {
        name: this.name,
        namespace: this.namespace,
        labels: { [APP_LABEL]: this.app, ...props.metadata?.labels },
      }),
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });

    for (const port of props.ports ?? []) {
      this.addPort(port);
    }
    addSynthValidation(this, () => this.validateService());
    markMeshChecked(this.apiObject);
  }

  /** The Service's metadata, to add labels and annotations. */
  public get metadata(): ApiObjectMetadataDefinition {
    return this.apiObject.metadata;
  }

  /** The namespace references resolve against: `namespace`, or `default` when the Service has none. */
  public get effectiveNamespace(): string {
    return this.namespace ?? DEFAULT_NAMESPACE;
  }

  /** The Service's cluster-local host name, `<name>.<namespace>.svc.cluster.local` (`default` when it has no namespace). */
  public get fqdn(): string {
    return `${this.name}.${this.effectiveNamespace}.svc.cluster.local`;
  }

  /** The labels the Service selects pods by. Returns a copy. */
  public get selector(): { [key: string]: string } {
    return { ...this._selector };
  }

  /** The Service's ports, with the names they are rendered with. Returns a copy; use `addPort()` to add one. */
  public get ports(): MeshServicePort[] {
    const names = this.portNames();
    return this._ports.map((p, i) => ({ ...p, name: names[i] }));
  }

  /**
   * Adds a port. Its name, when given, must make Istio select `protocol` (or `appProtocol` must).
   *
   * @param port the port: number, protocol (which names it) and target port
   */
  public addPort(port: MeshServicePort): void {
    checkShape(this, 'MeshServicePort', port, `ports[${this._ports.length}]`);
    const field = `ports[${this._ports.length}]`;
    const fail = (f: string, finding: Finding): never => {
      throw configError(this, { field: `${field}.${f}`, ...finding });
    };
    for (const [f, value] of [['port', port.port], ['targetPort', port.targetPort]] as Array<[string, number | undefined]>) {
      if (value === undefined) continue;
      const rangeProblem = portProblem(value);
      if (rangeProblem) fail(f, { value, problem: rangeProblem, fix: 'use a port number from 1 to 65535' });
      const reserved = reservedPortFinding(value);
      if (reserved) fail(f, reserved);
    }
    const l4 = port.protocol === Protocol.UDP ? 'UDP' : undefined;
    if (port.name !== undefined) {
      const nameProblem = k8sLabelNameProblem(port.name);
      if (nameProblem) fail('name', { value: port.name, problem: nameProblem, fix: portNamingFix(port.protocol) });
    }
    if (port.appProtocol !== undefined) {
      const selected = servicePortProtocol({ port: port.port, protocol: l4, appProtocol: port.appProtocol });
      const claimed = claimedProtocol(port.appProtocol);
      if (selected !== port.protocol || (claimed !== undefined && claimed !== port.protocol)) {
        fail('appProtocol', {
          value: port.appProtocol,
          problem: `does not make Istio select ${port.protocol}, and appProtocol wins over the port name`,
          fix: `set appProtocol: "${protocolPrefix(port.protocol)}", or remove it and ${portNamingFix(port.protocol, false)}`,
        });
      }
    } else if (port.name !== undefined && servicePortProtocol({ name: port.name, port: port.port, protocol: l4 }) !== port.protocol) {
      fail('name', {
        value: port.name,
        problem: `does not make Istio select ${port.protocol}`,
        fix: portNamingFix(port.protocol),
        symptom: `Istio treats the port as ${servicePortProtocol({ name: port.name, port: port.port }) ?? 'unknown and sniffs it (IST0118)'}`,
      });
    }
    // Istio ignores the name when appProtocol is set or the port is UDP; a name claiming another protocol still misleads people.
    const claimedByName = port.name === undefined ? undefined : claimedProtocol(port.name);
    if (claimedByName !== undefined && claimedByName !== port.protocol) {
      fail('name', {
        value: port.name,
        problem: `claims ${claimedByName} while the port is ${port.protocol}`,
        fix: portNamingFix(port.protocol, false),
      });
    }
    const clash = this._ports.findIndex(p => (port.name !== undefined && p.name === port.name)
      || (p.port === port.port && (p.protocol === Protocol.UDP) === (port.protocol === Protocol.UDP)));
    if (clash >= 0) {
      const other = this._ports[clash];
      const sameName = port.name !== undefined && other.name === port.name;
      fail(sameName ? 'name' : 'port', {
        value: sameName ? port.name : port.port,
        problem: `is already used by ports[${clash}]`,
        fix: sameName ? 'give every port its own name, e.g. "http-admin"' : 'use each port number once per L4 protocol',
      });
    }
    this._ports.push({ ...port });
  }

  /** The rendered name of each port: explicit, else the protocol prefix, suffixed with the port when shared. */
  private portNames(): string[] {
    const prefixes = this._ports.map(p => p.name ?? protocolPrefix(p.protocol));
    return this._ports.map((p, i) => {
      if (p.name !== undefined) return p.name;
      const shared = prefixes.filter(prefix => prefix === prefixes[i]).length > 1;
      return shared ? `${prefixes[i]}-${p.port}` : prefixes[i];
    });
  }

  private validateService(): string[] {
    const problems: Problem[] = [];
    if (this._ports.length === 0) {
      problems.push({ field: 'ports', problem: 'is empty', fix: 'add a port with addPort({ port, protocol })', prop: 'MeshServiceProps.ports' });
    }
    const names = this.portNames();
    names.forEach((name, i) => {
      const first = names.indexOf(name);
      if (first < i) {
        problems.push({
          field: `ports[${i}].name`,
          prop: 'MeshServiceProps.ports',
          value: name,
          problem: `is also the name of ports[${first}] (derived names add the port number when a protocol repeats)`,
          fix: 'name one of the two ports explicitly',
        });
      }
    });
    const a = MeshAnalysis.of(this);
    const view = a.viewOf(this.apiObject);
    if (view !== undefined) problems.push(...serviceTargetPortProblems(a, view));
    return problems.map(describeProblem);
  }

  private renderSpec(): any {
    const names = this.portNames();
    return {
      type: this.type,
      selector: { ...this._selector },
      ports: this._ports.map((p, i) => ({
        name: names[i],
        port: p.port,
        targetPort: p.targetPort ?? p.port,
        protocol: p.protocol === Protocol.UDP ? 'UDP' : 'TCP',
        appProtocol: p.appProtocol,
      })),
    };
  }
}
