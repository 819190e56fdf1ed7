import { Construct } from 'constructs';
import { configError, describeProblem, Problem, throwIfProblems } from './private/errors';
import { istioReleaseOf, VERSION_GATES, versionGateProblem } from './private/istio-version';
import { addSynthValidation } from './private/mesh-model';
import {
  dnsLabelProblem,
  exportToProblem,
  fqdnProblem,
  ipOrCidrProblem,
  isIp,
  labelsProblem,
  portProblem,
  selectorProblem,
  unixSocketProblem,
  wildcardHostProblem,
} from './private/rules';
import { checkShape } from './private/shape';
import { Protocol } from './protocol';
import { IstioResource, IstioResourceProps } from './resource';

/**
 * Whether the service is part of the mesh.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/service-entry/#ServiceEntry-Location
 */
export enum ServiceEntryLocation {
  /** Outside the mesh (an external API): no mTLS to it, and its metrics are reported as external. */
  MESH_EXTERNAL = 'MESH_EXTERNAL',
  /** Part of the mesh (VMs, unmanaged services): traffic to it is treated like traffic to a mesh service. */
  MESH_INTERNAL = 'MESH_INTERNAL',
}

/**
 * How the proxy finds the endpoints of the service.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/service-entry/#ServiceEntry-Resolution
 */
export enum ServiceEntryResolution {
  /** No resolution: the connection goes to the IP the client dialled. Takes no endpoints. */
  NONE = 'NONE',
  /** The IP addresses listed as endpoints (or the workloads picked by `workloadSelector`). */
  STATIC = 'STATIC',
  /** The proxy resolves the hosts (or the endpoint addresses) in DNS and balances over every address returned. */
  DNS = 'DNS',
  /** The proxy resolves the name in DNS and connects to the first address returned; at most one endpoint. */
  DNS_ROUND_ROBIN = 'DNS_ROUND_ROBIN',
  /** Each name matched by a wildcard host is resolved when it is requested; HTTP, HTTP2, GRPC and TLS ports only. */
  DYNAMIC_DNS = 'DYNAMIC_DNS',
}

/**
 * A port of a ServiceEntry.
 */
export interface ServiceEntryPort {
  /** The port number clients connect to (1 to 65535). */
  readonly number: number;
  /** The port name, a DNS label unique in the ServiceEntry, e.g. `http` or `tcp-db`. Endpoint `ports` refer to it. */
  readonly name: string;
  /** The protocol on the port. Always set: protocol sniffing on external services is a common source of surprises. */
  readonly protocol: Protocol;
  /**
   * The port the endpoints receive the traffic on.
   *
   * @default - `number`
   */
  readonly targetPort?: number;
}

/**
 * An endpoint of a ServiceEntry: an IP (resolution STATIC), a host name or IP (DNS, DNS_ROUND_ROBIN), or a
 * `unix://` socket (STATIC, with exactly one ServiceEntry port).
 */
export interface ServiceEntryEndpoint {
  /** The address, without the port. */
  readonly address: string;
  /**
   * Ports of this endpoint, keyed by the name of a ServiceEntry port: `{ http: 8080 }` sends traffic for the
   * `http` port to 8080 on this endpoint.
   *
   * @default - the ServiceEntry port's `targetPort` (or `number`)
   */
  readonly ports?: { [name: string]: number };
  /**
   * Labels of the endpoint, which DestinationRule subsets select on.
   *
   * @default - no labels
   */
  readonly labels?: { [key: string]: string };
  /**
   * The network the endpoint is in, for multi-network meshes.
   *
   * @default - the network of the proxies that use it
   */
  readonly network?: string;
  /**
   * The locality of the endpoint, `region/zone/subzone`, for locality-aware load balancing.
   *
   * @default - no locality
   */
  readonly locality?: string;
  /**
   * The relative load-balancing weight of the endpoint (1 or more).
   *
   * @default 1
   */
  readonly weight?: number;
  /**
   * The service account of the workload, when it runs a sidecar; Istio verifies it as the peer's identity.
   *
   * @default - none
   */
  readonly serviceAccount?: string;
}

/**
 * Props of a ServiceEntry.
 */
export interface ServiceEntryProps extends IstioResourceProps {
  /**
   * The DNS names of the service, each a domain name or a leading wildcard (`*.example.com`). Never `*` alone or
   * an IP address (IPs go in `addresses`).
   */
  readonly hosts: string[];
  /**
   * Virtual IPs or CIDR blocks of the service. They let the proxy tell TCP traffic to this service apart by
   * destination IP. Fixed at construction: the port rules depend on them.
   *
   * @default - none (Istio allocates one for resolution other than NONE)
   */
  readonly addresses?: string[];
  /**
   * Ports of the service; more with `addPort()`.
   *
   * @default - none
   */
  readonly ports?: ServiceEntryPort[];
  /**
   * Whether the service is part of the mesh.
   *
   * @default ServiceEntryLocation.MESH_EXTERNAL
   */
  readonly location?: ServiceEntryLocation;
  /**
   * How the proxy finds the service's endpoints.
   *
   * @default ServiceEntryResolution.NONE
   */
  readonly resolution?: ServiceEntryResolution;
  /**
   * Endpoints of the service; more with `addEndpoint()`.
   *
   * @default - none
   */
  readonly endpoints?: ServiceEntryEndpoint[];
  /**
   * Labels of the pods or WorkloadEntries that are the endpoints of this (MESH_INTERNAL) service, instead of
   * `endpoints`.
   *
   * @default - no selector
   */
  readonly workloadSelector?: { [key: string]: string };
  /**
   * Namespaces the service is visible to: `.` (this one), `*` (all), `~` (none) or namespace names.
   *
   * @default - all namespaces
   */
  readonly exportTo?: string[];
  /**
   * Subject alternative names the proxy accepts in the server certificate.
   *
   * @default - none
   */
  readonly subjectAltNames?: string[];
}

/**
 * A ServiceEntry: adds a service to Istio's registry, typically an external API (so that it is reachable with
 * REGISTRY_ONLY and can be routed and secured) or workloads outside Kubernetes.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/service-entry/
 */
export class ServiceEntry extends IstioResource {
  /** How the proxy finds the service's endpoints. */
  public readonly resolution: ServiceEntryResolution;
  /** Whether the service is part of the mesh. */
  public readonly location: ServiceEntryLocation;

  private readonly _hosts: string[];
  private readonly _addresses: string[];
  private readonly _ports: ServiceEntryPort[] = [];
  private readonly _endpoints: ServiceEntryEndpoint[] = [];
  private readonly _workloadSelector?: { [key: string]: string };
  private readonly _exportTo: string[];
  private readonly _subjectAltNames: string[];
  // Rendered only when given, so the YAML reads like Istio's samples.
  private readonly renderedResolution?: ServiceEntryResolution;
  private readonly renderedLocation?: ServiceEntryLocation;

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the ServiceEntry's settings
   */
  public constructor(scope: Construct, id: string, props: ServiceEntryProps) {
    super(scope, id, 'networking.istio.io', 'ServiceEntry', props);
    this.resolution = props.resolution ?? ServiceEntryResolution.NONE;
    this.location = props.location ?? ServiceEntryLocation.MESH_EXTERNAL;
    this.renderedResolution = props.resolution;
    this.renderedLocation = props.location;
    this._hosts = [...props.hosts];
    this._addresses = [...props.addresses ?? []];
    this._exportTo = [...props.exportTo ?? []];
    this._subjectAltNames = [...props.subjectAltNames ?? []];
    this.checkHosts();
    this.checkAddresses();

    if (props.workloadSelector !== undefined) {
      this.checkWorkloadSelector(props.workloadSelector);
      this._workloadSelector = { ...props.workloadSelector };
    }

    const exportProblem = exportToProblem(this._exportTo, true, this.effectiveNamespace);
    if (exportProblem) {
      throw configError(this, {
        field: 'exportTo',
        value: this._exportTo,
        problem: exportProblem,
        fix: 'list "." (this namespace), "*" (every namespace) or "~" (none) alone, or namespace names, each once',
        symptom: 'the webhook rejects the ServiceEntry',
      });
    }

    for (const port of props.ports ?? []) this.addPort(port);
    if (this._ports.length === 0) throwIfProblems(this, this.dynamicDnsVersionProblems([]));
    for (const endpoint of props.endpoints ?? []) this.addEndpoint(endpoint);

    addSynthValidation(this, () => this.validateEntry().map(describeProblem));
  }

  /** The hosts of the service (a copy). */
  public get hosts(): string[] {
    return [...this._hosts];
  }

  /** The virtual IPs or CIDR blocks of the service (a copy). */
  public get addresses(): string[] {
    return [...this._addresses];
  }

  /** The ports of the service (a copy; use `addPort()` to add one). */
  public get ports(): ServiceEntryPort[] {
    return this._ports.map(p => ({ ...p }));
  }

  /** The endpoints of the service (a copy; use `addEndpoint()` to add one). */
  public get endpoints(): ServiceEntryEndpoint[] {
    return this._endpoints.map(copyEndpoint);
  }

  /** The labels of the selected workloads (a copy), or undefined without a selector. */
  public get workloadSelector(): { [key: string]: string } | undefined {
    return this._workloadSelector ? { ...this._workloadSelector } : undefined;
  }

  /**
   * Adds a port to the service.
   *
   * @param port the port: number, name and protocol
   */
  public addPort(port: ServiceEntryPort): void {
    checkShape(this, 'ServiceEntryPort', port, `ports[${this._ports.length}]`);
    const i = this._ports.length;
    const at = `ports[${i}]`;
    const numberProblem = portProblem(port.number);
    if (numberProblem) {
      throw configError(this, { field: `${at}.number`, value: port.number, problem: numberProblem, fix: 'use the port number clients connect to' });
    }
    const nameProblem = dnsLabelProblem(port.name);
    if (nameProblem) {
      throw configError(this, {
        field: `${at}.name`,
        value: port.name,
        problem: nameProblem,
        fix: 'name the port like "http", "https" or "tcp-db"',
      });
    }
    if (port.targetPort !== undefined) {
      const targetProblem = portProblem(port.targetPort);
      if (targetProblem) {
        throw configError(this, {
          field: `${at}.targetPort`,
          value: port.targetPort,
          problem: targetProblem,
          fix: 'give the port the endpoints listen on, or omit targetPort to use number',
        });
      }
    }
    const sameName = this._ports.findIndex(p => p.name === port.name);
    if (sameName >= 0) {
      throw configError(this, {
        field: `${at}.name`,
        value: port.name,
        problem: `is already the name of ports[${sameName}]`,
        fix: 'give every port a unique name',
      });
    }
    const sameNumber = this._ports.findIndex(p => p.number === port.number);
    if (sameNumber >= 0) {
      throw configError(this, {
        field: `${at}.number`,
        value: port.number,
        problem: `is already the number of ports[${sameNumber}] ("${this._ports[sameNumber].name}")`,
        fix: 'declare each port number once, with the one protocol it carries',
      });
    }
    if (this.resolution === ServiceEntryResolution.DYNAMIC_DNS && !DYNAMIC_DNS_PROTOCOLS.includes(port.protocol)) {
      throw configError(this, {
        field: `${at}.protocol`,
        value: port.protocol,
        problem: 'must be HTTP, HTTP2, GRPC or TLS when resolution is DYNAMIC_DNS (the name to resolve comes from the Host header or SNI)',
        fix: 'use one of those protocols, or resolution DNS with concrete hosts',
      });
    }
    throwIfProblems(this, this.dynamicDnsVersionProblems([...this._ports.map(p => p.protocol), port.protocol]));
    if (this.resolution !== ServiceEntryResolution.NONE && this._hosts.length > 1 && !isHttpOrTls(port.protocol)) {
      throw configError(this, {
        field: `${at}.protocol`,
        value: port.protocol,
        problem: `is neither HTTP nor TLS, so with resolution ${this.resolution} the proxy cannot tell the ${this._hosts.length} hosts apart on it`,
        fix: 'create one ServiceEntry per host for this port, or use an HTTP or TLS protocol',
        symptom: 'istiod rejects the ServiceEntry ("multiple hosts provided with non-HTTP, non-TLS ports")',
      });
    }
    if (this.resolution === ServiceEntryResolution.NONE) {
      const problem = addressesRequiredProblem(this, i, port, 'resolution is NONE (Istio allocates no address)');
      if (problem) throw configError(this, problem);
    }
    this._ports.push({ ...port });
  }

  /**
   * Adds an endpoint to the service.
   *
   * @param endpoint the endpoint: its address, ports and labels
   */
  public addEndpoint(endpoint: ServiceEntryEndpoint): void {
    checkShape(this, 'ServiceEntryEndpoint', endpoint, `endpoints[${this._endpoints.length}]`);
    const i = this._endpoints.length;
    const at = `endpoints[${i}]`;
    if (this._workloadSelector !== undefined) {
      throw configError(this, {
        field: at,
        value: endpoint.address,
        problem: 'cannot be combined with workloadSelector',
        fix: 'either list endpoints or select workloads with workloadSelector, not both',
      });
    }
    if (this.resolution === ServiceEntryResolution.NONE || this.resolution === ServiceEntryResolution.DYNAMIC_DNS) {
      throw configError(this, {
        field: at,
        value: endpoint.address,
        problem: `is not allowed with resolution ${this.resolution}`,
        fix: 'set resolution STATIC for IP endpoints or DNS for host-name endpoints',
      });
    }
    if (this.resolution === ServiceEntryResolution.DNS_ROUND_ROBIN && i >= 1) {
      throw configError(this, {
        field: at,
        value: endpoint.address,
        problem: 'is a second endpoint, and resolution DNS_ROUND_ROBIN takes at most one',
        fix: 'use resolution DNS to balance over several endpoints',
      });
    }
    this.checkEndpointAddress(at, endpoint);
    for (const [name, number] of Object.entries(endpoint.ports ?? {})) {
      const nameProblem = dnsLabelProblem(name);
      if (nameProblem) {
        throw configError(this, { field: `${at}.ports`, value: name, problem: `key ${nameProblem}`, fix: 'key ports by the name of a ServiceEntry port' });
      }
      const numberProblem = portProblem(number);
      if (numberProblem) {
        throw configError(this, {
          field: `${at}.ports.${name}`,
          value: number,
          problem: numberProblem,
          fix: 'give the port this endpoint listens on',
        });
      }
    }
    const labelProblem = labelsProblem(endpoint.labels ?? {});
    if (labelProblem) {
      throw configError(this, { field: `${at}.labels`, value: endpoint.labels, problem: labelProblem, fix: 'use Kubernetes label keys and values' });
    }
    if (endpoint.weight !== undefined && (!Number.isInteger(endpoint.weight) || endpoint.weight < 1 || endpoint.weight > MAX_UINT32)) {
      throw configError(this, {
        field: `${at}.weight`,
        value: endpoint.weight,
        problem: `must be an integer from 1 to ${MAX_UINT32} (Istio treats 0 as 1, so 0 does not drain the endpoint)`,
        fix: 'give a relative weight of 1 or more, and remove the endpoint to send it no traffic',
      });
    }
    this._endpoints.push(copyEndpoint(endpoint));
  }

  /** @internal */
  protected _renderSpec(): any {
    return {
      hosts: [...this._hosts],
      addresses: undefinedIfEmpty(this._addresses),
      ports: undefinedIfEmpty(this._ports.map(p => ({ number: p.number, name: p.name, protocol: p.protocol, targetPort: p.targetPort }))),
      location: this.renderedLocation,
      resolution: this.renderedResolution,
      endpoints: undefinedIfEmpty(this._endpoints.map(e => ({
        address: e.address,
        ports: e.ports && { ...e.ports },
        labels: e.labels && { ...e.labels },
        network: e.network,
        locality: e.locality,
        weight: e.weight,
        serviceAccount: e.serviceAccount,
      }))),
      workloadSelector: this._workloadSelector && { labels: { ...this._workloadSelector } },
      exportTo: undefinedIfEmpty(this._exportTo),
      subjectAltNames: undefinedIfEmpty(this._subjectAltNames),
    };
  }

  private checkHosts(): void {
    if (this._hosts.length === 0) {
      throw configError(this, {
        field: 'hosts',
        value: [],
        problem: 'must list at least one host',
        fix: 'list the DNS names clients use for the service, e.g. hosts: ["api.example.com"]',
      });
    }
    this._hosts.forEach((host, i) => {
      const field = `hosts[${i}]`;
      if (host === '*') {
        throw configError(this, {
          field,
          value: host,
          problem: 'must not be "*" alone (Istio refuses a ServiceEntry for every host)',
          fix: 'list the domains you need, e.g. "*.example.com"; to let all outbound traffic out, use a Sidecar with outboundTrafficPolicy ALLOW_ANY',
        });
      }
      if (ipOrCidrProblem(host) === undefined) {
        throw configError(this, {
          field,
          value: host,
          problem: 'is an IP address, and hosts are DNS names',
          fix: 'put the IP in addresses and name the service in hosts, e.g. hosts: ["db.internal"], addresses: ["10.0.0.5"]',
        });
      }
      const problem = wildcardHostProblem(host);
      if (problem) {
        throw configError(this, {
          field,
          value: host,
          problem,
          fix: 'write a domain name ("api.example.com") or one with a leading wildcard label ("*.example.com")',
        });
      }
      if (this.resolution === ServiceEntryResolution.DYNAMIC_DNS && !host.startsWith('*.')) {
        throw configError(this, {
          field,
          value: host,
          problem: 'must start with "*." when resolution is DYNAMIC_DNS',
          fix: 'write a wildcard host such as "*.example.com", or use resolution DNS for a single name',
        });
      }
    });
  }

  private checkAddresses(): void {
    if (this.resolution === ServiceEntryResolution.DYNAMIC_DNS && this._addresses.length > 0) {
      throw configError(this, {
        field: 'addresses',
        value: this._addresses,
        problem: 'must be empty when resolution is DYNAMIC_DNS',
        fix: 'remove addresses: DYNAMIC_DNS resolves each requested name itself',
      });
    }
    this._addresses.forEach((address, i) => {
      const problem = ipOrCidrProblem(address);
      if (problem) {
        throw configError(this, {
          field: `addresses[${i}]`,
          value: address,
          problem,
          fix: 'write an IP address ("10.0.0.5") or a CIDR block ("10.0.0.0/24"); DNS names go in hosts',
        });
      }
      if (address.includes('/') && this.resolution !== ServiceEntryResolution.NONE && this.resolution !== ServiceEntryResolution.STATIC) {
        throw configError(this, {
          field: `addresses[${i}]`,
          value: address,
          problem: `is a CIDR block, which resolution ${this.resolution} does not accept (only NONE and STATIC do)`,
          fix: 'give a single IP address, or use resolution NONE or STATIC',
        });
      }
    });
  }

  private checkWorkloadSelector(labels: { [key: string]: string }): void {
    const problem = selectorProblem(labels);
    if (problem) {
      throw configError(this, {
        field: 'workloadSelector',
        value: labels,
        problem,
        fix: 'give the labels of the endpoint workloads, e.g. { app: "legacy-vm" }, or omit workloadSelector',
      });
    }
    if (this.resolution === ServiceEntryResolution.NONE) {
      throw configError(this, {
        field: 'workloadSelector',
        value: labels,
        problem: 'is set while resolution is NONE, so the selected workloads are never used as endpoints',
        fix: 'set resolution: ServiceEntryResolution.STATIC',
      });
    }
  }

  private checkEndpointAddress(at: string, endpoint: ServiceEntryEndpoint): void {
    const address = endpoint.address;
    const field = `${at}.address`;
    if (address.startsWith('unix://')) {
      if (this.resolution !== ServiceEntryResolution.STATIC) {
        throw configError(this, {
          field,
          value: address,
          problem: `is a unix:// socket, which only resolution STATIC accepts, not ${this.resolution}`,
          fix: 'set resolution STATIC for a socket endpoint',
        });
      }
      const problem = unixSocketProblem(address);
      if (problem) {
        throw configError(this, { field, value: address, problem, fix: 'write unix:///absolute/path.sock or unix://@abstract-name' });
      }
      if (endpoint.ports !== undefined) {
        throw configError(this, {
          field: `${at}.ports`,
          value: endpoint.ports,
          problem: 'must not be set on a unix:// endpoint',
          fix: 'remove ports: the socket receives the traffic of the ServiceEntry\'s single port',
        });
      }
      return;
    }
    if (this.resolution === ServiceEntryResolution.STATIC) {
      if (!isIp(address)) {
        throw configError(this, {
          field,
          value: address,
          problem: 'must be an IP address (or a unix:// socket) when resolution is STATIC',
          fix: 'give the endpoint\'s IP, or set resolution DNS to resolve a host name',
        });
      }
      return;
    }
    if (!isIp(address) && fqdnProblem(address) !== undefined) {
      throw configError(this, {
        field,
        value: address,
        problem: `must be an IP address or a domain name when resolution is ${this.resolution} (${fqdnProblem(address)})`,
        fix: 'give the endpoint\'s host name ("api.internal.example.com") or IP, without port or scheme',
      });
    }
  }

  /** Rules that relate ports, endpoints and labels, which can all still change after construction. */
  /**
   * DYNAMIC_DNS on the target Istio release (VERSION_GATES.dynamicDns*): a waypoint serves it from 1.28 (HTTP) or 1.29
   * (TLS), sidecars from 1.30. The ServiceEntry goes through a waypoint when its istio.io/use-waypoint label names one.
   */
  private dynamicDnsVersionProblems(protocols: Protocol[]): Problem[] {
    if (this.resolution !== ServiceEntryResolution.DYNAMIC_DNS) return [];
    const waypoint = this.metadata.getLabel(USE_WAYPOINT_LABEL);
    const viaWaypoint = waypoint !== undefined && waypoint !== 'none';
    const gate = !viaWaypoint ? VERSION_GATES.dynamicDnsSidecar
      : protocols.includes(Protocol.TLS) ? VERSION_GATES.dynamicDnsWaypointTls : VERSION_GATES.dynamicDnsWaypointHttp;
    const release = istioReleaseOf(this);
    const problem = versionGateProblem(release, gate, 'resolution', this.resolution,
      viaWaypoint || release.minor < VERSION_GATES.dynamicDnsWaypointHttp.minMinor
        ? 'use resolution DNS with concrete hosts'
        : `use resolution DNS with concrete hosts, or send the hosts through an egress waypoint (label ${USE_WAYPOINT_LABEL})`,
      release.minor < VERSION_GATES.dynamicDnsWaypointHttp.minMinor ? `Istio ${release.text} has no DYNAMIC_DNS resolution`
        : viaWaypoint ? `the waypoints of Istio ${release.text} serve DYNAMIC_DNS for HTTP only`
          : `the sidecars of Istio ${release.text} do not serve DYNAMIC_DNS wildcard hosts (only waypoints do)`);
    return problem ? [problem] : [];
  }

  private validateEntry(): Problem[] {
    const problems: Problem[] = [];
    const portNames = this._ports.map(p => p.name);
    this._endpoints.forEach((endpoint, i) => {
      for (const name of Object.keys(endpoint.ports ?? {})) {
        if (!portNames.includes(name)) {
          problems.push({
            field: `endpoints[${i}].ports.${name}`,
            prop: 'ServiceEntryProps.endpoints',
            value: name,
            problem: `names no port of this ServiceEntry (ports: ${portNames.join(', ') || 'none'})`,
            fix: 'key endpoint ports by the name of a port given to addPort(), or add that port',
            symptom: 'istiod rejects the ServiceEntry ("endpoint port is not defined by the service entry")',
          });
        }
      }
      if (endpoint.address.startsWith('unix://') && this._ports.length !== 1) {
        problems.push({
          field: `endpoints[${i}].address`,
          prop: 'ServiceEntryProps.endpoints',
          value: endpoint.address,
          problem: `is a unix:// socket, which needs exactly one ServiceEntry port; this ServiceEntry has ${this._ports.length}`,
          fix: 'declare exactly one port on this ServiceEntry, or use an IP endpoint',
        });
      }
    });
    const dnsResolution = this.resolution === ServiceEntryResolution.DNS || this.resolution === ServiceEntryResolution.DNS_ROUND_ROBIN;
    if (dnsResolution && this._endpoints.length === 0) {
      this._hosts.forEach((host, i) => {
        if (host.startsWith('*')) {
          problems.push({
            field: `hosts[${i}]`,
            prop: 'ServiceEntryProps.hosts',
            value: host,
            problem: `is a wildcard, and resolution ${this.resolution} without endpoints resolves each host in DNS`,
            fix: 'add endpoints with addEndpoint(), use resolution DYNAMIC_DNS (HTTP/TLS ports) or NONE, or list concrete host names',
          });
        }
      });
    }
    const waypoint = this.metadata.getLabel(USE_WAYPOINT_LABEL);
    if (this.resolution === ServiceEntryResolution.DYNAMIC_DNS && this.location === ServiceEntryLocation.MESH_INTERNAL
      && waypoint !== undefined && waypoint !== 'none') {
      problems.push({
        field: 'location',
        prop: 'ServiceEntryProps.location',
        value: this.location,
        problem: `is MESH_INTERNAL with resolution DYNAMIC_DNS while label ${USE_WAYPOINT_LABEL} is "${waypoint}"`,
        fix: `use location MESH_EXTERNAL, or set label ${USE_WAYPOINT_LABEL} to "none"`,
      });
    }
    if (this.resolution !== ServiceEntryResolution.NONE && this.metadata.getLabel(AUTO_ALLOCATE_LABEL) === 'false') {
      this._ports.forEach((port, i) => {
        const problem = addressesRequiredProblem(this, i, port, `label ${AUTO_ALLOCATE_LABEL} is "false"`);
        if (problem) problems.push(problem);
      });
    }
    return problems;
  }
}

const MAX_UINT32 = 4294967295;
const USE_WAYPOINT_LABEL = 'istio.io/use-waypoint';
const AUTO_ALLOCATE_LABEL = 'networking.istio.io/enable-autoallocate-ip';
const DYNAMIC_DNS_PROTOCOLS = [Protocol.HTTP, Protocol.HTTP2, Protocol.GRPC, Protocol.TLS];
// Istio's HTTP class (Host header) and TLS class (SNI): the protocols whose traffic names its host.
const HTTP_OR_TLS_PROTOCOLS = [Protocol.HTTP, Protocol.HTTP2, Protocol.GRPC, Protocol.GRPC_WEB, Protocol.HTTPS, Protocol.TLS];

function isHttpOrTls(protocol: Protocol): boolean {
  return HTTP_OR_TLS_PROTOCOLS.includes(protocol);
}

/**
 * IST0134: a TCP port without addresses and without an auto-allocated address gets a listener on 0.0.0.0:<port>,
 * where nothing tells this service's connections apart from any other TCP traffic on that port. Istio warns; we
 * refuse, since cdk8s has no warnings and the result is never what was meant.
 */
function addressesRequiredProblem(entry: ServiceEntry, index: number, port: ServiceEntryPort, why: string): Problem | undefined {
  if (port.protocol !== Protocol.TCP || entry.addresses.length > 0) return undefined;
  return {
    field: `ports[${index}].protocol`,
    prop: 'ServiceEntryProps.ports',
    value: port.protocol,
    problem: `is TCP on a ServiceEntry without addresses while ${why}, so its traffic cannot be told apart by destination IP `
      + '(IST0134: addresses required)',
    fix: 'list the service\'s IPs or CIDR blocks in addresses, or use resolution DNS or STATIC so Istio allocates an address',
    symptom: `every TCP connection to port ${port.number} shares one 0.0.0.0:${port.number} listener, so it may reach the wrong service`,
  };
}

function copyEndpoint(endpoint: ServiceEntryEndpoint): ServiceEntryEndpoint {
  return { ...endpoint, ports: endpoint.ports && { ...endpoint.ports }, labels: endpoint.labels && { ...endpoint.labels } };
}

function undefinedIfEmpty<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}
