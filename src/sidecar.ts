import { Construct } from 'constructs';
import { MeshAnalysis } from './private/analysis/model';
import { configError, describeProblem, Problem } from './private/errors';
import { addSynthValidation, sameLabels } from './private/mesh-model';
import {
  dnsLabelProblem,
  isIp,
  portProblem,
  reservedProxyPortProblem,
  selectorProblem,
  unixSocketProblem,
  wildcardHostProblem,
} from './private/rules';
import { checkShape } from './private/shape';
import { Protocol } from './protocol';
import { IstioResource, IstioResourceProps } from './resource';

/**
 * How traffic reaches a Sidecar listener.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/sidecar/#CaptureMode
 */
export enum SidecarCaptureMode {
  /** The capture mode of the workload's environment (iptables redirection in Kubernetes). */
  DEFAULT = 'DEFAULT',
  /** Traffic is redirected to the listener by iptables. */
  IPTABLES = 'IPTABLES',
  /** No capture: the application connects to the listener's bind address explicitly. */
  NONE = 'NONE',
}

/**
 * What the sidecar does with outbound traffic to hosts that are not in Istio's service registry.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/sidecar/#OutboundTrafficPolicy-Mode
 */
export enum OutboundTrafficPolicyMode {
  /** Block it (502): only services of the registry (Kubernetes Services, ServiceEntries) are reachable. */
  REGISTRY_ONLY = 'REGISTRY_ONLY',
  /** Pass it through to its original destination. */
  ALLOW_ANY = 'ALLOW_ANY',
}

/**
 * The port of a Sidecar listener.
 */
export interface SidecarPort {
  /** The port number (1 to 65535). */
  readonly number: number;
  /** The protocol on the port. */
  readonly protocol: Protocol;
  /**
   * The port name, a DNS label.
   *
   * @default - no name
   */
  readonly name?: string;
}

/**
 * A listener for inbound traffic to the workload.
 */
export interface SidecarIngressListener {
  /** The port the listener receives traffic on; unique among the ingress listeners. */
  readonly port: SidecarPort;
  /**
   * The IP the listener binds to.
   *
   * @default - every IP of the workload
   */
  readonly bind?: string;
  /**
   * Where the proxy forwards the traffic: `127.0.0.1:PORT`, `0.0.0.0:PORT`, `[::1]:PORT`, `[::]:PORT`, `:PORT` or a
   * `unix://` socket of the application.
   *
   * @default - the application's same port
   */
  readonly defaultEndpoint?: string;
  /**
   * How traffic reaches the listener.
   *
   * @default SidecarCaptureMode.DEFAULT
   */
  readonly captureMode?: SidecarCaptureMode;
}

/**
 * A listener for outbound traffic from the workload, and the services it can reach.
 */
export interface SidecarEgressListener {
  /**
   * The services reachable through the listener, each `namespace/dnsName`: the namespace is `.` (the Sidecar's),
   * `*` (any), `~` (none) or a namespace name; the name is `*`, `*.example.com` or a name with a dot.
   * E.g. `./*` (every service of this namespace), `istio-system/*`, `./api.example.com`.
   */
  readonly hosts: string[];
  /**
   * The port of the listener.
   *
   * @default - no port: the catch-all listener, for every port no other listener has (at most one, the last)
   */
  readonly port?: SidecarPort;
  /**
   * The IP the listener binds to.
   *
   * @default - every IP
   */
  readonly bind?: string;
  /**
   * How traffic reaches the listener.
   *
   * @default SidecarCaptureMode.DEFAULT
   */
  readonly captureMode?: SidecarCaptureMode;
}

/**
 * Props of a Sidecar.
 */
export interface SidecarProps extends IstioResourceProps {
  /**
   * Labels of the workloads this Sidecar applies to.
   *
   * @default - every workload of the namespace without a more specific Sidecar (at most one such Sidecar per namespace)
   */
  readonly workloadSelector?: { [key: string]: string };
  /**
   * Inbound listeners; more with `addIngress()`.
   *
   * @default - the workload's ports, as Istio infers them
   */
  readonly ingress?: SidecarIngressListener[];
  /**
   * Outbound listeners; more with `addEgress()`.
   *
   * @default - every service of the mesh is reachable
   */
  readonly egress?: SidecarEgressListener[];
  /**
   * What happens to outbound traffic to hosts outside Istio's registry.
   *
   * @default - the mesh-wide setting (meshConfig.outboundTrafficPolicy)
   */
  readonly outboundTrafficPolicy?: OutboundTrafficPolicyMode;
}

/**
 * A Sidecar: narrows what the proxies of some workloads listen on and which services they know about, which
 * keeps their configuration (and istiod's work) small in large meshes.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/sidecar/
 */
export class Sidecar extends IstioResource {
  /** What happens to outbound traffic to hosts outside Istio's registry, or undefined for the mesh-wide setting. */
  public readonly outboundTrafficPolicy?: OutboundTrafficPolicyMode;

  private readonly _workloadSelector?: { [key: string]: string };
  private readonly _ingress: SidecarIngressListener[] = [];
  private readonly _egress: SidecarEgressListener[] = [];

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the Sidecar's settings
   */
  public constructor(scope: Construct, id: string, props: SidecarProps = {}) {
    super(scope, id, 'networking.istio.io', 'Sidecar', props);
    this.outboundTrafficPolicy = props.outboundTrafficPolicy;
    if (props.workloadSelector !== undefined) {
      const labels = props.workloadSelector;
      const problem = selectorProblem(labels);
      if (problem) {
        throw configError(this, {
          field: 'workloadSelector',
          value: labels,
          problem,
          fix: 'give the labels of the workloads, e.g. { app: "reviews" }, or omit workloadSelector to make this the namespace\'s default Sidecar',
        });
      }
      this._workloadSelector = { ...labels };
    }
    for (const listener of props.ingress ?? []) this.addIngress(listener);
    for (const listener of props.egress ?? []) this.addEgress(listener);
    addSynthValidation(this, () => this.validateSidecar().map(describeProblem));
  }

  /** The labels of the selected workloads (a copy), or undefined for the namespace's default Sidecar. */
  public get workloadSelector(): { [key: string]: string } | undefined {
    return this._workloadSelector ? { ...this._workloadSelector } : undefined;
  }

  /** The inbound listeners (a copy; use `addIngress()` to add one). */
  public get ingress(): SidecarIngressListener[] {
    return this._ingress.map(l => ({ ...l, port: { ...l.port } }));
  }

  /** The outbound listeners (a copy; use `addEgress()` to add one). */
  public get egress(): SidecarEgressListener[] {
    return this._egress.map(l => ({ ...l, hosts: [...l.hosts], port: l.port && { ...l.port } }));
  }

  /**
   * Adds a listener for inbound traffic.
   *
   * @param listener the listener: the port, and where the proxy forwards what it accepts
   */
  public addIngress(listener: SidecarIngressListener): void {
    checkShape(this, 'SidecarIngressListener', listener, `ingress[${this._ingress.length}]`);
    const at = `ingress[${this._ingress.length}]`;
    this.checkPort(`${at}.port`, listener.port);
    const reserved = reservedProxyPortProblem(listener.port.number);
    if (reserved) {
      throw configError(this, {
        field: `${at}.port.number`,
        value: listener.port.number,
        problem: reserved,
        fix: 'serve the application on another port',
        symptom: 'the listener collides with the proxy\'s own and is dropped or breaks the proxy',
      });
    }
    const same = this._ingress.findIndex(l => l.port.number === listener.port.number);
    if (same >= 0) {
      throw configError(this, {
        field: `${at}.port.number`,
        value: listener.port.number,
        problem: `is already the port of ingress[${same}]`,
        fix: 'declare one ingress listener per port',
      });
    }
    this.checkBind(`${at}.bind`, listener.bind);
    if (listener.defaultEndpoint !== undefined) {
      const problem = defaultEndpointProblem(listener.defaultEndpoint);
      if (problem) {
        throw configError(this, {
          field: `${at}.defaultEndpoint`,
          value: listener.defaultEndpoint,
          problem,
          fix: 'write 127.0.0.1:PORT, 0.0.0.0:PORT, [::1]:PORT, [::]:PORT, :PORT or unix:///path/to/socket',
        });
      }
    }
    this._ingress.push({ ...listener, port: { ...listener.port } });
  }

  /**
   * Adds a listener for outbound traffic. A listener without a port (the catch-all) must be added last.
   *
   * @param listener the listener: the hosts the workloads may reach, and its port and bind address
   */
  public addEgress(listener: SidecarEgressListener): void {
    checkShape(this, 'SidecarEgressListener', listener, `egress[${this._egress.length}]`);
    const at = `egress[${this._egress.length}]`;
    const catchAll = this._egress.findIndex(l => l.port === undefined);
    if (catchAll >= 0) {
      throw configError(this, {
        field: at,
        value: listener.port?.number ?? null,
        problem: listener.port === undefined
          ? `is a second listener without a port (egress[${catchAll}] is already the catch-all)`
          : `comes after egress[${catchAll}], the catch-all listener without a port, which must be the last one`,
        fix: listener.port === undefined
          ? 'merge the hosts of both port-less listeners into one'
          : 'add the listeners with a port before the one without a port',
      });
    }
    if (listener.hosts.length === 0) {
      throw configError(this, {
        field: `${at}.hosts`,
        value: [],
        problem: 'must list at least one host',
        fix: 'list the services the workload calls, e.g. ["./*", "istio-system/*"]',
      });
    }
    listener.hosts.forEach((host, i) => {
      const problem = egressHostProblem(host);
      if (problem) {
        throw configError(this, {
          field: `${at}.hosts[${i}]`,
          value: host,
          problem,
          fix: 'write namespace/dnsName, e.g. ./foo.com or */foo.com, with namespace ".", "*", "~" or a namespace name',
        });
      }
    });
    if (listener.port !== undefined) {
      this.checkPort(`${at}.port`, listener.port);
      const same = this._egress.findIndex(l => l.port?.number === listener.port!.number);
      if (same >= 0) {
        throw configError(this, {
          field: `${at}.port.number`,
          value: listener.port.number,
          problem: `is already the port of egress[${same}]`,
          fix: 'merge the hosts of both listeners into one',
        });
      }
    }
    this.checkBind(`${at}.bind`, listener.bind);
    this._egress.push({ ...listener, hosts: [...listener.hosts], port: listener.port && { ...listener.port } });
  }

  /** @internal */
  protected _renderSpec(): any {
    return {
      workloadSelector: this._workloadSelector && { labels: { ...this._workloadSelector } },
      ingress: undefinedIfEmpty(this._ingress.map(l => ({
        port: renderPort(l.port),
        bind: l.bind,
        defaultEndpoint: l.defaultEndpoint,
        captureMode: l.captureMode,
      }))),
      egress: undefinedIfEmpty(this._egress.map(l => ({
        hosts: [...l.hosts],
        port: l.port && renderPort(l.port),
        bind: l.bind,
        captureMode: l.captureMode,
      }))),
      outboundTrafficPolicy: this.outboundTrafficPolicy && { mode: this.outboundTrafficPolicy },
    };
  }

  private checkPort(field: string, port: SidecarPort): void {
    const numberProblem = portProblem(port.number);
    if (numberProblem) {
      throw configError(this, { field: `${field}.number`, value: port.number, problem: numberProblem, fix: 'use a port from 1 to 65535' });
    }
    if (port.name !== undefined) {
      const nameProblem = dnsLabelProblem(port.name);
      if (nameProblem) {
        throw configError(this, { field: `${field}.name`, value: port.name, problem: nameProblem, fix: 'name the port like "http" or "tcp-db"' });
      }
    }
  }

  private checkBind(field: string, bind: string | undefined): void {
    if (bind !== undefined && !isIp(bind)) {
      throw configError(this, {
        field,
        value: bind,
        problem: 'must be an IP address',
        fix: 'give an IP of the workload (e.g. "127.0.0.1"), or omit bind to listen on every IP',
      });
    }
  }

  /** Rules that need every listener, or the other Sidecars of the app. */
  private validateSidecar(): Problem[] {
    const problems: Problem[] = [];
    const a = MeshAnalysis.of(this);
    // The rendered spec, so that fields set with addSpecOverride() (inboundConnectionPool) count.
    const spec = a.viewOf(this.apiObject)?.manifest.spec;
    if (spec !== undefined && !['ingress', 'egress', 'outboundTrafficPolicy', 'inboundConnectionPool'].some(k => spec[k] !== undefined)) {
      problems.push({
        field: 'spec',
        prop: 'SidecarProps.egress',
        problem: 'is empty: no ingress, no egress and no outboundTrafficPolicy',
        fix: 'add listeners with addIngress()/addEgress() or set outboundTrafficPolicy, or remove the Sidecar',
        symptom: 'istiod rejects the Sidecar ("sidecar: empty configuration provided")',
      });
    }
    const namespace = this.effectiveNamespace;
    const others = a.inNamespace('Sidecar', 'networking.istio.io', namespace).filter(o => o.apiObject !== this.apiObject);
    if (this._workloadSelector === undefined) {
      const unselective = others.filter(o => o.manifest.spec?.workloadSelector === undefined);
      if (unselective.length > 0) {
        problems.push({
          field: 'workloadSelector',
          prop: 'SidecarProps.workloadSelector',
          problem: `is not set, and neither is it on ${unselective.map(o => o.path).join(', ')} in namespace "${namespace}"`,
          fix: 'keep one Sidecar without workloadSelector per namespace and give the others a workloadSelector',
          symptom: 'which one applies to the namespace is undefined (istioctl analyze IST0111)',
        });
      }
    } else {
      const mine = this._workloadSelector;
      const twins = others.filter(o => o.manifest.spec?.workloadSelector?.labels !== undefined
        && sameLabels(o.manifest.spec.workloadSelector.labels, mine));
      if (twins.length > 0) {
        problems.push({
          field: 'workloadSelector',
          prop: 'SidecarProps.workloadSelector',
          value: this._workloadSelector,
          problem: `selects the same workloads as ${twins.map(o => o.path).join(', ')} in namespace "${namespace}"`,
          fix: 'merge the Sidecars into one, or make their selectors select different workloads',
          symptom: 'which one applies to those workloads is undefined (istioctl analyze IST0110)',
        });
      }
    }
    return problems;
  }
}

/** Istio's egress host form: `namespace/dnsName`, with a FQDN or wildcard name (no short names, IPs or partial wildcards). */
function egressHostProblem(host: string): string | undefined {
  const slash = host.indexOf('/');
  if (slash < 0) return 'must have the form namespace/dnsName';
  const namespace = host.slice(0, slash);
  const name = host.slice(slash + 1);
  if (namespace !== '*' && namespace !== '.' && namespace !== '~' && dnsLabelProblem(namespace) !== undefined) {
    return `has namespace part "${namespace}", which must be ".", "*", "~" or a namespace name`;
  }
  if (name === '*') return undefined;
  if (isIp(name)) return `has an IP address ("${name}") as its name part; a Sidecar lists services by DNS name`;
  if (!name.includes('.')) return `has a short name part ("${name}"); write the full name, e.g. "${name}.<namespace>.svc.cluster.local"`;
  const problem = wildcardHostProblem(name);
  return problem ? `has name part "${name}", which ${problem}` : undefined;
}

/** `host:port` with a loopback or wildcard host, or a `unix://` socket. */
function defaultEndpointProblem(endpoint: string): string | undefined {
  if (endpoint.startsWith('unix://')) return unixSocketProblem(endpoint);
  const colon = endpoint.lastIndexOf(':');
  if (colon < 0) return 'must be HOST:PORT or unix://PATH';
  const host = endpoint.slice(0, colon);
  const port = endpoint.slice(colon + 1);
  if (!['', '127.0.0.1', '0.0.0.0', '[::1]', '[::]'].includes(host)) {
    return `has host "${host}", which must be empty, 127.0.0.1, 0.0.0.0, [::1] or [::] (the proxy forwards to its own workload)`;
  }
  if (!/^\d+$/.test(port) || portProblem(Number(port)) !== undefined) return `has port "${port}", which must be from 1 to 65535`;
  return undefined;
}

function renderPort(port: SidecarPort): any {
  return { number: port.number, protocol: port.protocol, name: port.name };
}

function undefinedIfEmpty<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}
