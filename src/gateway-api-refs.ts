import type { GatewayApiGateway } from './gateway-api-gateway';
import { Problem } from './private/errors';
import {
  backendWeightProblem, GATEWAY_API_GROUP, gatewayApiHostnameProblem, ISTIO_NETWORKING_GROUP, sectionNameProblem,
} from './private/gateway-api';
import { objectNameProblem, portProblem } from './private/rules';
import { checkArgs } from './private/shape';

/**
 * Where a route attaches to a parent: a listener of a Gateway, or a port of a Service.
 */
export interface GatewayApiParentOptions {
  /**
   * The listener of the Gateway (its `name`) the route attaches to.
   *
   * @default - every listener of the Gateway that accepts the route
   */
  readonly sectionName?: string;

  /**
   * The port: of the Gateway's listeners, or of the Service (GAMMA) the route applies to.
   *
   * @default - every port
   */
  readonly port?: number;
}

/**
 * A parent named by name, optionally in another namespace.
 */
export interface GatewayApiNamedParentOptions extends GatewayApiParentOptions {
  /**
   * The parent's namespace.
   *
   * @default - the route's namespace
   */
  readonly namespace?: string;
}

/**
 * The parent a Gateway API route attaches to (`parentRefs`): a Gateway's listeners (ingress and egress), a Service
 * (GAMMA: mesh traffic to the Service) or an Istio ServiceEntry.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#parentreference
 */
export class GatewayApiParent {
  /**
   * A Gateway of this app.
   *
   * @param gateway the Gateway (its namespace is used)
   * @param options the listener or port
   */
  public static gateway(gateway: GatewayApiGateway, options: GatewayApiParentOptions = {}): GatewayApiParent {
    checkArgs('GatewayApiParent.gateway', [gateway, options]);
    return new GatewayApiParent(GATEWAY_API_GROUP, 'Gateway', gateway.name, gateway.namespace, options.sectionName, options.port);
  }

  /**
   * A Gateway by name, e.g. one a platform team runs in another namespace.
   *
   * @param name the Gateway's name
   * @param options its namespace, the listener or port
   */
  public static gatewayNamed(name: string, options: GatewayApiNamedParentOptions = {}): GatewayApiParent {
    checkArgs('GatewayApiParent.gatewayNamed', [name, options]);
    return new GatewayApiParent(GATEWAY_API_GROUP, 'Gateway', name, options.namespace, options.sectionName, options.port);
  }

  /**
   * A Service (GAMMA): the route applies to mesh traffic addressed to the Service.
   *
   * @param name the Service's name
   * @param options its namespace and port
   */
  public static service(name: string, options: GatewayApiNamedParentOptions = {}): GatewayApiParent {
    checkArgs('GatewayApiParent.service', [name, options]);
    return new GatewayApiParent('', 'Service', name, options.namespace, options.sectionName, options.port);
  }

  /**
   * An Istio ServiceEntry: the route applies to mesh traffic addressed to its hosts.
   *
   * @param name the ServiceEntry's name
   * @param options its namespace and port
   */
  public static serviceEntry(name: string, options: GatewayApiNamedParentOptions = {}): GatewayApiParent {
    checkArgs('GatewayApiParent.serviceEntry', [name, options]);
    return new GatewayApiParent(ISTIO_NETWORKING_GROUP, 'ServiceEntry', name, options.namespace, options.sectionName, options.port);
  }

  private constructor(
    /** The parent's API group (`''` for a Service). */
    public readonly group: string,
    /** The parent's kind: `Gateway`, `Service` or `ServiceEntry`. */
    public readonly kind: string,
    /** The parent's name. */
    public readonly name: string,
    /** The parent's namespace, when given. */
    public readonly namespace?: string,
    /** The listener, when given. */
    public readonly sectionName?: string,
    /** The port, when given. */
    public readonly port?: number,
  ) {}

  /** What is wrong with the reference at `field`. @internal */
  public _problems(field: string): Problem[] {
    const problems: Problem[] = [];
    const nameIssue = objectNameProblem(this.name);
    if (nameIssue) problems.push({ field: `${field}.name`, value: this.name, problem: nameIssue, fix: `name the ${this.kind} by its metadata.name` });
    if (this.sectionName !== undefined) {
      const issue = sectionNameProblem(this.sectionName);
      if (issue) problems.push({ field: `${field}.sectionName`, value: this.sectionName, problem: issue, fix: 'name a listener of the Gateway' });
    }
    if (this.port !== undefined) {
      const issue = portProblem(this.port);
      if (issue) problems.push({ field: `${field}.port`, value: this.port, problem: issue, fix: 'use the port of a listener or of the Service' });
    }
    return problems;
  }

  /** The `parentRefs` entry, for a route in `routeNamespace` (the namespace is written only when it differs). @internal */
  public _render(routeNamespace: string | undefined): any {
    return {
      group: this.group === GATEWAY_API_GROUP ? undefined : this.group,
      kind: this.kind === 'Gateway' ? undefined : this.kind,
      name: this.name,
      namespace: this.namespace !== undefined && this.namespace !== routeNamespace ? this.namespace : undefined,
      sectionName: this.sectionName,
      port: this.port,
    };
  }
}

/**
 * A backend's namespace and weight.
 */
export interface GatewayApiBackendOptions {
  /**
   * The backend's namespace; another namespace needs a ReferenceGrant there.
   *
   * @default - the route's namespace
   */
  readonly namespace?: string;

  /**
   * The backend's share of the rule's traffic, relative to the other backends' weights (0 to 1,000,000).
   *
   * @default 1
   */
  readonly weight?: number;
}

/**
 * Where a Gateway API route sends traffic (`backendRefs`): a Service port, or (Istio's extension) a host name.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#backendref
 */
export class GatewayApiBackend {
  /**
   * A port of a Kubernetes Service.
   *
   * @param name the Service's name
   * @param port the Service port (not the container port)
   * @param options namespace and weight
   */
  public static service(name: string, port: number, options: GatewayApiBackendOptions = {}): GatewayApiBackend {
    checkArgs('GatewayApiBackend.service', [name, port, options]);
    return new GatewayApiBackend('', 'Service', name, port, options.namespace, options.weight);
  }

  /**
   * A host name, e.g. of a ServiceEntry (Istio's `networking.istio.io/Hostname` backend kind, used for egress).
   *
   * @param host the host name, e.g. `api.example.com`
   * @param port the port
   * @param options namespace and weight
   */
  public static hostname(host: string, port: number, options: GatewayApiBackendOptions = {}): GatewayApiBackend {
    checkArgs('GatewayApiBackend.hostname', [host, port, options]);
    return new GatewayApiBackend(ISTIO_NETWORKING_GROUP, 'Hostname', host, port, options.namespace, options.weight);
  }

  private constructor(
    /** The backend's API group (`''` for a Service). */
    public readonly group: string,
    /** The backend's kind: `Service` or `Hostname`. */
    public readonly kind: string,
    /** The Service name, or the host name. */
    public readonly name: string,
    /** The port. */
    public readonly port: number,
    /** The namespace, when given. */
    public readonly namespace?: string,
    /** The weight, when given. */
    public readonly weight?: number,
  ) {}

  /** What is wrong with the reference at `field`. @internal */
  public _problems(field: string): Problem[] {
    const problems: Problem[] = [];
    if (this.kind === 'Hostname') {
      const issue = gatewayApiHostnameProblem(this.name);
      if (issue || this.name.startsWith('*.')) {
        problems.push({ field: `${field}.name`, value: this.name, problem: issue ?? 'must not be a wildcard', fix: 'name one host, e.g. "api.example.com"' });
      }
    } else {
      const issue = objectNameProblem(this.name);
      if (issue) problems.push({ field: `${field}.name`, value: this.name, problem: issue, fix: 'name the Service by its metadata.name' });
    }
    const portIssue = portProblem(this.port);
    if (portIssue) problems.push({ field: `${field}.port`, value: this.port, problem: portIssue, fix: 'use the Service port' });
    if (this.weight !== undefined) {
      const issue = backendWeightProblem(this.weight);
      if (issue) problems.push({ field: `${field}.weight`, value: this.weight, problem: issue, fix: 'use a relative weight, e.g. 90 and 10' });
    }
    return problems;
  }

  /** The `backendRefs` entry, for a route in `routeNamespace`. @internal */
  public _render(routeNamespace: string | undefined): any {
    return {
      group: this.group === '' ? undefined : this.group,
      kind: this.kind === 'Service' ? undefined : this.kind,
      name: this.name,
      namespace: this.namespace !== undefined && this.namespace !== routeNamespace ? this.namespace : undefined,
      port: this.port,
      weight: this.weight,
    };
  }
}
