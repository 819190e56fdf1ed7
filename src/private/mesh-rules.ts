/**
 * Istio's Kubernetes-side rules (§1.9 of the rule catalog): what Services, pod templates and their labels must look
 * like for Istio to pick a port's protocol, inject the sidecar and recognise the workload. No webhook enforces them;
 * `istioctl analyze` and the runtime do, which is why this library checks them at synth time.
 *
 * Every rule lives here once and reads plain wire-form objects (a rendered Service port, a pod template), so it
 * applies equally to this library's constructs, to cdk8s-plus objects (`ApiObject.of(x).toJson()`) and to imported
 * ApiObjects. Atomic rules return a `Finding` (what is wrong, how to fix it) or undefined; callers add the field.
 */

import { Protocol } from '../protocol';
import { Problem } from './errors';
import { dnsLabelProblem, labelsProblem } from './rules';

/** What a rule found wrong, without the field: the caller names the field as the user wrote it. */
export interface Finding {
  readonly value?: unknown;
  readonly problem: string;
  readonly fix: string;
  readonly symptom?: string;
}

/** Pod label Istio takes the canonical service name from (after the `service.istio.io/` and `app.kubernetes.io/` ones). */
export const APP_LABEL = 'app';
/** Pod label Istio takes the canonical revision from; DestinationRule subsets select on it. */
export const VERSION_LABEL = 'version';
/** Pod label (and deprecated annotation) that opts a pod in or out of sidecar injection. */
export const INJECT_KEY = 'sidecar.istio.io/inject';
/** The UID the sidecar runs as; iptables lets its traffic bypass the proxy. */
export const PROXY_UID = 1337;
/** Containers `istioctl analyze` exempts from the UID check (IST0144). */
const PROXY_CONTAINER_NAMES = ['istio-proxy', 'istio-operator'];

/** Ports the sidecar listens on in every pod; an application port on one of them collides with the proxy. */
const RESERVED_PROXY_PORTS = new Map<number, string>([
  [15000, 'Envoy admin'],
  [15001, 'outbound traffic capture'],
  [15004, 'debug'],
  [15006, 'inbound traffic capture'],
  [15008, 'HBONE mTLS tunnel'],
  [15009, 'HBONE secure network tunnel'],
  [15020, 'merged Prometheus telemetry and health'],
  [15021, 'health checks'],
  [15053, 'DNS capture'],
  [15090, 'Envoy Prometheus telemetry'],
]);

/** Protocols whose ports VirtualServices route with `http` routes; the others take `tcp` routes (TLS and HTTPS also `tls`). */
export const HTTP_ROUTED_PROTOCOLS: readonly Protocol[] = [Protocol.HTTP, Protocol.HTTP2, Protocol.GRPC, Protocol.GRPC_WEB];

/** Protocols of Gateway servers that carry TLS (terminated for HTTPS, terminated or passed through for TLS). */
export const TLS_PROTOCOLS: readonly Protocol[] = [Protocol.HTTPS, Protocol.TLS];

/** The plain-text HTTP protocols the library's Gateway servers and egress gateway servers are written with. */
export const GATEWAY_HTTP_PROTOCOLS: readonly Protocol[] = [Protocol.HTTP, Protocol.HTTP2, Protocol.GRPC];

/** TLS modes in which a Gateway server passes TLS through unterminated (routed by SNI). */
export const PASSTHROUGH_TLS_MODES: readonly string[] = ['PASSTHROUGH', 'AUTO_PASSTHROUGH'];

/**
 * Whether a Gateway server handles its connections as HTTP (HTTP routes, the HTTP RBAC filter): an HTTP-family
 * protocol, or HTTPS it terminates itself. TLS passed through, TLS it terminates and TCP-family protocols are not.
 */
export function gatewayServerIsHttp(protocol: string, tlsMode: string | undefined): boolean {
  const claimed = claimedProtocol(protocol);
  if (claimed === undefined || (tlsMode !== undefined && PASSTHROUGH_TLS_MODES.includes(tlsMode))) return false;
  return claimed === Protocol.HTTPS || HTTP_ROUTED_PROTOCOLS.includes(claimed);
}

/** `<protocol>` prefixes of port names (and appProtocol values) Istio recognises, case-insensitively. */
const PROTOCOL_BY_NAME = new Map<string, Protocol>([
  ['http', Protocol.HTTP],
  ['http2', Protocol.HTTP2],
  ['https', Protocol.HTTPS],
  ['grpc', Protocol.GRPC],
  ['grpc-web', Protocol.GRPC_WEB],
  ['tcp', Protocol.TCP],
  ['tls', Protocol.TLS],
  ['mongo', Protocol.MONGO],
  ['mysql', Protocol.MYSQL],
  ['redis', Protocol.REDIS],
  ['udp', Protocol.UDP],
]);

/** Kubernetes' standard appProtocol values, which Istio maps before parsing (only as appProtocol, never as a name). */
const STANDARD_APP_PROTOCOLS = new Map<string, Protocol>([
  ['kubernetes.io/h2c', Protocol.HTTP2],
  ['kubernetes.io/ws', Protocol.HTTP],
  ['kubernetes.io/wss', Protocol.HTTPS],
]);

/** Ports Istio treats as TCP when neither the name nor appProtocol names a protocol (SMTP, DNS, MySQL, MongoDB). */
const TCP_BY_DEFAULT_PORTS = [25, 53, 3306, 27017];

/** Kubernetes DNS-1035 label, the syntax of Service names. */
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

const KNOWN_PREFIXES = [...PROTOCOL_BY_NAME.keys()].join(', ');
const PROTOCOL_SNIFFING = 'Istio cannot tell the port\'s protocol (IST0118) and falls back to protocol sniffing, so HTTP routing, '
  + 'retries and metrics may not apply and server-first protocols (MySQL, SMTP, ...) stall';

/** A Service port (or container port) in wire form; only the fields the rules read. */
export interface WirePort {
  readonly name?: string;
  /** The port number: `port` of a Service port, `containerPort` of a container port. */
  readonly port?: number;
  readonly targetPort?: number | string;
  /** L4 protocol: TCP (default), UDP or SCTP. */
  readonly protocol?: string;
  readonly appProtocol?: string;
}

/** The `<protocol>` prefix of port names for a protocol: `http`, `grpc-web`, ... */
export function protocolPrefix(protocol: Protocol): string {
  return protocol.toLowerCase();
}

/**
 * The protocol a port name or appProtocol value claims: a standard `kubernetes.io/` appProtocol, a `grpc-web` prefix,
 * or the text before the first `-`. Unlike `servicePortProtocol` it ignores the L4 protocol and well-known ports.
 */
export function claimedProtocol(value: string): Protocol | undefined {
  return STANDARD_APP_PROTOCOLS.get(value) ?? prefixProtocol(value);
}

/** Istio's reading of a port name: `grpc-web...`, else the text before the first `-`, case-insensitively. */
function prefixProtocol(value: string): Protocol | undefined {
  const lower = value.toLowerCase();
  if (lower.startsWith('grpc-web')) return Protocol.GRPC_WEB;
  const dash = lower.indexOf('-');
  return PROTOCOL_BY_NAME.get(dash < 0 ? lower : lower.slice(0, dash));
}

/**
 * Istio's protocol selection for a Service port (`ConvertProtocol`): L4 UDP is UDP; else `appProtocol`, when set,
 * wins over the name; else the name's `<protocol>[-<suffix>]` prefix; else TCP on ports 25, 53, 3306 and 27017.
 * Undefined means Istio cannot tell (IST0118) and sniffs. `http_proxy`, which Istio also parses, is not supported
 * by this library and counts as undetermined.
 */
export function servicePortProtocol(port: WirePort): Protocol | undefined {
  if (port.protocol === 'UDP') return Protocol.UDP;
  // A set appProtocol (even "") wins and the name is ignored; the kubernetes.io/ values only count as appProtocol.
  const claimed = port.appProtocol !== undefined ? claimedProtocol(port.appProtocol) : prefixProtocol(port.name ?? '');
  if (claimed) return claimed;
  return port.port !== undefined && TCP_BY_DEFAULT_PORTS.includes(port.port) ? Protocol.TCP : undefined;
}

/** How to name a port so Istio selects `protocol` (or any protocol, when undefined); container ports have no appProtocol. */
export function portNamingFix(protocol?: Protocol, withAppProtocol: boolean = true): string {
  const prefix = protocol === undefined ? undefined : protocolPrefix(protocol);
  const naming = prefix === undefined
    ? `name the port "<protocol>[-<suffix>]" with a protocol Istio knows (${KNOWN_PREFIXES}), e.g. "http-web"`
    : `name the port "${prefix}" or "${prefix}-<suffix>" (Istio reads the protocol from the name's prefix)`;
  if (!withAppProtocol) return naming;
  return `${naming}, or set appProtocol${prefix === undefined ? ' (e.g. "http")' : `: "${prefix}"`}`;
}

/** A Service port whose protocol Istio cannot determine (IST0118). */
export function undeterminedProtocolFinding(port: WirePort): Finding | undefined {
  if (servicePortProtocol(port) !== undefined) return undefined;
  const appProtocolSet = port.appProtocol !== undefined;
  return {
    value: appProtocolSet ? port.appProtocol : port.name ?? '<unnamed>',
    problem: appProtocolSet
      ? 'is an appProtocol Istio does not recognise, and appProtocol wins over the port name'
      : 'does not name a protocol Istio recognises',
    fix: appProtocolSet
      ? `set appProtocol to one of ${KNOWN_PREFIXES}, kubernetes.io/h2c, kubernetes.io/ws or kubernetes.io/wss, or remove it`
      : portNamingFix(),
    symptom: PROTOCOL_SNIFFING,
  };
}

/** A port number the sidecar uses. */
export function reservedPortFinding(port: number | string | undefined): Finding | undefined {
  const use = typeof port === 'number' ? RESERVED_PROXY_PORTS.get(port) : undefined;
  if (use === undefined) return undefined;
  return {
    value: port,
    problem: `is reserved by the Istio sidecar (${use})`,
    fix: 'use another port; the sidecar reserves 15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053 and 15090',
    symptom: 'the port collides with the proxy: traffic loops through Envoy or never reaches the application',
  };
}

/** A runAsUser of 1337 (IST0144). */
export function proxyUidFinding(uid: number | undefined): Finding | undefined {
  if (uid !== PROXY_UID) return undefined;
  return {
    value: uid,
    problem: 'is the UID reserved for the Istio sidecar (IST0144)',
    fix: 'run the application as another UID',
    symptom: 'traffic from processes running as 1337 bypasses the sidecar: no mTLS, no routing, no policy',
  };
}

/** A Service name: a DNS-1035 label (starts with a letter). */
export function serviceNameProblem(name: string): string | undefined {
  return DNS_1035_LABEL.test(name)
    ? undefined
    : 'must be a DNS-1035 label (lower-case letters, digits and "-", starting with a letter, at most 63 characters)';
}

/** A container port name: set, Kubernetes IANA_SVC_NAME syntax, and `<protocol>[-<suffix>]` like Service port names. */
export function containerPortNameFinding(port: WirePort): Finding | undefined {
  const fix = portNamingFix(port.protocol === 'UDP' ? Protocol.UDP : undefined, false);
  if (port.name === undefined || port.name === '') {
    return {
      value: port.port,
      problem: 'is unnamed, and Services built from container ports (exposeViaService, StatefulSet) copy the name',
      fix: `pass ports: [{ number: ${port.port}, name: "<protocol>[-<suffix>]" }] instead of portNumber, and ${fix}`,
    };
  }
  if (!isIanaServiceName(port.name)) {
    return {
      value: port.name,
      problem: 'must be at most 15 lower-case letters, digits and single "-", with at least one letter (Kubernetes IANA_SVC_NAME)',
      fix: 'shorten or rename it, e.g. "http" or "grpc-admin"',
    };
  }
  if (servicePortProtocol({ name: port.name, port: port.port, protocol: port.protocol }) === undefined) {
    return {
      value: port.name,
      problem: 'does not name a protocol Istio recognises',
      fix,
      symptom: 'Services that copy the container port names (exposeViaService, StatefulSet) get ports Istio sniffs (IST0118)',
    };
  }
  return undefined;
}

/** Kubernetes IANA_SVC_NAME: 1-15 characters, lower-case letters, digits and single inner "-", at least one letter. */
function isIanaServiceName(name: string): boolean {
  return name.length <= 15 && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(name) && /[a-z]/.test(name);
}

/** An app label value. */
export function appLabelProblem(app: string): string | undefined {
  if (app.length === 0) return 'must not be empty';
  return labelsProblem({ [APP_LABEL]: app });
}

/** A version label value: any non-empty Kubernetes label value (`v1`, `1.20.3`, `2024_06`). */
export function versionLabelProblem(version: string): string | undefined {
  if (version.length === 0) return 'must not be empty';
  return labelsProblem({ [VERSION_LABEL]: version });
}

/**
 * The DestinationRule subset name of a version label value: the value itself when it is a DNS label (as Istio requires
 * of subset names), else the value with every run of other characters ("." and "_") replaced by "-": `1.20.3` becomes
 * `1-20-3`.
 */
export function subsetNameOf(version: string): string {
  return dnsLabelProblem(version) === undefined ? version : version.replace(/[^-a-zA-Z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** The `sidecar.istio.io/inject` label: the injector only honours "true" and "false". */
export function injectLabelFinding(value: string | undefined): Finding | undefined {
  if (value === undefined || value === 'true' || value === 'false') return undefined;
  return {
    value,
    problem: 'must be "true" or "false"; the injector ignores any other value',
    fix: 'set it to "true" or "false", or remove it to follow the namespace',
    symptom: 'the pod is injected or not depending on the namespace labels alone',
  };
}

/** The deprecated `sidecar.istio.io/inject` annotation (IST0135). */
export function injectAnnotationFinding(value: string | undefined): Finding | undefined {
  if (value === undefined) return undefined;
  return {
    value,
    problem: 'is deprecated as an annotation (IST0135), and a pod-level opt-out hidden in an annotation is easy to miss',
    fix: `remove the annotation and set the pod label ${INJECT_KEY} instead`,
  };
}

/** What the pod template of a workload is expected to carry, for workloads this library creates. */
export interface PodTemplateExpectations {
  readonly app?: string;
  readonly version?: string;
  /** The `sidecar.istio.io/inject` label value the workload chose; null for none. */
  readonly injectLabel?: string | null;
}

/** Which container port rules apply: names only matter where something copies or references them. */
export interface ContainerPortUse {
  /**
   * Whether a Service is built from the container ports (exposeViaService, a StatefulSet's headless Service) or
   * refers to them by name (targetPort); only then must every port be named `<protocol>[-<suffix>]`.
   */
  readonly namesUsed: boolean;
}

/** The pod template of a rendered workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob). */
export function podTemplateOf(manifest: any): { template: any; field: string } | undefined {
  switch (manifest?.kind) {
    case 'Pod': return { template: manifest, field: '' };
    case 'CronJob': return { template: manifest.spec?.jobTemplate?.spec?.template ?? {}, field: 'spec.jobTemplate.spec.template.' };
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return { template: manifest.spec?.template ?? {}, field: 'spec.template.' };
    default: return undefined;
  }
}

/**
 * Every mesh-readiness problem of a pod template: `app`/`version` labels, the injection label and annotation,
 * hostNetwork with injection, UID 1337 (pod and containers), and container ports (named `<protocol>[-<suffix>]`,
 * unique across the pod, not reserved by the sidecar). `field` prefixes every field path (e.g. `spec.template.`).
 * With `expect`, also checks that the labels are the ones the construct set.
 */
export function podTemplateProblems(
  template: any, field: string, expect?: PodTemplateExpectations, use: ContainerPortUse = { namesUsed: true },
): Problem[] {
  const problems: Problem[] = [];
  const add = (f: string, finding: Finding | undefined) => {
    if (finding) problems.push({ field: `${field}${f}`, ...finding });
  };
  const labels: { [key: string]: string } = template?.metadata?.labels ?? {};
  const annotations: { [key: string]: string } = template?.metadata?.annotations ?? {};
  const spec = template?.spec ?? {};

  for (const [key, expected, check] of [
    [APP_LABEL, expect?.app, appLabelProblem],
    [VERSION_LABEL, expect?.version, versionLabelProblem],
  ] as Array<[string, string | undefined, (v: string) => string | undefined]>) {
    const value = labels[key];
    if (value === undefined) {
      add(`metadata.labels.${key}`, {
        problem: 'is missing',
        fix: `label the pod template ${key}: <value>; ${key === APP_LABEL
          ? 'MeshServices select on it and Istio takes the workload\'s service name from it'
          : 'Istio takes the workload\'s version from it and DestinationRule subsets select on it'}`,
      });
    } else if (expected !== undefined && value !== expected) {
      add(`metadata.labels.${key}`, {
        value,
        problem: `differs from the workload's ${key} "${expected}"`,
        fix: `do not set the ${key} label through podMetadata; pass the ${key} prop`,
      });
    } else {
      const problem = check(value);
      if (problem) add(`metadata.labels.${key}`, { value, problem, fix: `use a valid ${key} label value` });
    }
  }

  const inject = labels[INJECT_KEY];
  if (expect && expect.injectLabel !== undefined && inject !== (expect.injectLabel ?? undefined)) {
    add(`metadata.labels["${INJECT_KEY}"]`, {
      value: inject,
      problem: 'was set through podMetadata, which makes the pod\'s injection an accident of metadata',
      fix: 'remove it from podMetadata and pass sidecarInjection: SidecarInjection.ENABLED or SidecarInjection.DISABLED',
    });
  } else {
    add(`metadata.labels["${INJECT_KEY}"]`, injectLabelFinding(inject));
  }
  const injectAnnotation = injectAnnotationFinding(annotations[INJECT_KEY]);
  add(`metadata.annotations["${INJECT_KEY}"]`, injectAnnotation && expect
    ? { ...injectAnnotation, fix: 'remove the annotation and pass sidecarInjection' }
    : injectAnnotation);
  if (spec.hostNetwork === true && inject === 'true') {
    add('spec.hostNetwork', {
      value: true,
      problem: `is set on a pod labelled ${INJECT_KEY}: "true", and Istio never injects hostNetwork pods`,
      fix: 'drop hostNetwork, or keep the pod out of the mesh',
    });
  }

  add('spec.securityContext.runAsUser', proxyUidFinding(spec.securityContext?.runAsUser));
  problems.push(...containersProblems(spec.containers ?? [], `${field}spec.`, use));
  return problems;
}

/**
 * The mesh-readiness problems of a pod's containers (wire form): UID 1337 (except in the proxy's own containers),
 * and container ports that are reserved by the sidecar, unnamed or not named `<protocol>[-<suffix>]`, or whose name
 * repeats across the pod. Init containers are not checked: running them as 1337 is Istio's documented way to let
 * them reach the network before the sidecar starts.
 */
export function containersProblems(containers: any[], field: string, use: ContainerPortUse = { namesUsed: true }): Problem[] {
  const problems: Problem[] = [];
  const add = (f: string, finding: Finding | undefined) => {
    if (finding) problems.push({ field: `${field}${f}`, ...finding });
  };
  const seenNames = new Map<string, string>();
  containers.forEach((container: any, i: number) => {
    const at = `containers[${i}]`;
    if (!PROXY_CONTAINER_NAMES.includes(container?.name)) {
      add(`${at}.securityContext.runAsUser`, proxyUidFinding(container?.securityContext?.runAsUser));
    }
    (container?.ports ?? []).forEach((p: any, j: number) => {
      const port: WirePort = { name: p?.name, port: p?.containerPort, protocol: p?.protocol };
      add(`${at}.ports[${j}].containerPort`, reservedPortFinding(port.port));
      if (use.namesUsed) add(`${at}.ports[${j}].name`, containerPortNameFinding(port));
      if (!port.name) return;
      const first = seenNames.get(port.name);
      if (first === undefined) {
        seenNames.set(port.name, `${field}${at}.ports[${j}]`);
        return;
      }
      add(`${at}.ports[${j}].name`, {
        value: port.name,
        problem: `is also the name of ${first}`,
        fix: 'give every container port of the pod its own name (e.g. "http-admin")',
        symptom: 'a Service targetPort or probe that uses the name reaches the first port only',
      });
    });
  });
  return problems;
}

/** A pod's own injection choice: the `sidecar.istio.io/inject` label, else the deprecated annotation (the label wins). */
export function podInjectionChoice(metadata: any): string | undefined {
  return metadata?.labels?.[INJECT_KEY] ?? metadata?.annotations?.[INJECT_KEY];
}
