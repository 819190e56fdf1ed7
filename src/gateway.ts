import { Construct } from 'constructs';
import { gatewayConflictProblems } from './private/analysis/ist0145-ist0138-gateway-conflicts';
import { MeshAnalysis } from './private/analysis/model';
import { Problem, configError, describeProblem, throwIfProblems } from './private/errors';
import { addSynthValidation } from './private/mesh-model';
import { GATEWAY_HTTP_PROTOCOLS, TLS_PROTOCOLS } from './private/mesh-rules';
import {
  dnsLabelProblem, isIp, k8sLabelNameProblem, portProblem, reservedProxyPortProblem, selectorProblem, unixSocketProblem,
  wildcardHostProblem,
} from './private/rules';
import { checkShape } from './private/shape';
import { certificateSourceProblem, credentialNameProblem } from './private/tls';
import { Protocol } from './protocol';
import { IstioResource, IstioResourceProps } from './resource';

/**
 * How a Gateway server handles TLS.
 */
export enum GatewayTlsMode {
  /** Forward the TLS connection unterminated, routed by SNI (TLS and HTTPS servers). */
  PASSTHROUGH = 'PASSTHROUGH',
  /** Terminate TLS with a server certificate. */
  SIMPLE = 'SIMPLE',
  /** Terminate TLS and require a client certificate signed by the CA. */
  MUTUAL = 'MUTUAL',
  /** Forward by SNI to the mesh service it names, keeping the caller's mTLS (TLS servers only, east-west gateways). */
  AUTO_PASSTHROUGH = 'AUTO_PASSTHROUGH',
  /** Terminate Istio mTLS with the gateway's workload certificate (no credentials of your own). */
  ISTIO_MUTUAL = 'ISTIO_MUTUAL',
  /** Terminate TLS and verify a client certificate when one is presented. */
  OPTIONAL_MUTUAL = 'OPTIONAL_MUTUAL',
}

/**
 * A TLS protocol version.
 */
export enum TlsProtocolVersion {
  /** Envoy's default (TLS 1.2 minimum, TLS 1.3 maximum). */
  TLS_AUTO = 'TLS_AUTO',
  /** TLS 1.0. */
  TLSV1_0 = 'TLSV1_0',
  /** TLS 1.1. */
  TLSV1_1 = 'TLSV1_1',
  /** TLS 1.2. */
  TLSV1_2 = 'TLSV1_2',
  /** TLS 1.3. */
  TLSV1_3 = 'TLSV1_3',
}

/**
 * The TLS settings of a Gateway server.
 *
 * On HTTPS and TLS servers `mode` is required. On HTTP servers only `httpsRedirect` may be set.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings
 */
export interface GatewayServerTls {
  /**
   * The TLS mode. Required on HTTPS and TLS servers (Istio's default, PASSTHROUGH, silently ignores certificates).
   *
   * @default - none (only valid on an HTTP server that just redirects)
   */
  readonly mode?: GatewayTlsMode;

  /**
   * The Secret, in the gateway workload's namespace, with the server certificate and key (`tls.crt`, `tls.key`)
   * and, for MUTUAL and OPTIONAL_MUTUAL, the client CA (`ca.crt`).
   *
   * @default - the file fields are used
   */
  readonly credentialName?: string;

  /**
   * On an HTTP server: answer every request with a 301 redirect to HTTPS.
   *
   * @default false
   */
  readonly httpsRedirect?: boolean;

  /**
   * The minimum TLS version. TLS 1.0 and 1.1 need `cipherSuites`, because Istio's default suites are TLS 1.2 only.
   *
   * @default TlsProtocolVersion.TLS_AUTO
   */
  readonly minProtocolVersion?: TlsProtocolVersion;

  /**
   * The maximum TLS version.
   *
   * @default TlsProtocolVersion.TLS_AUTO
   */
  readonly maxProtocolVersion?: TlsProtocolVersion;

  /**
   * Accepted subject alternative names of client certificates (MUTUAL, OPTIONAL_MUTUAL, ISTIO_MUTUAL).
   *
   * @default - any client certificate the CA signed
   */
  readonly subjectAltNames?: string[];

  /**
   * Cipher suites, in BoringSSL names (e.g. `ECDHE-RSA-AES256-GCM-SHA384`).
   *
   * @default - Istio's default suites
   */
  readonly cipherSuites?: string[];

  /**
   * Path (in the gateway's file system) to the CA bundle that verifies client certificates.
   *
   * @default - none
   */
  readonly caCertificates?: string;

  /**
   * Path (in the gateway's file system) to the server certificate.
   *
   * @default - none
   */
  readonly serverCertificate?: string;

  /**
   * Path (in the gateway's file system) to the server's private key.
   *
   * @default - none
   */
  readonly privateKey?: string;
}

/**
 * The port a Gateway server listens on.
 */
export interface GatewayPort {
  /** The port number on the gateway workload (1-65535, not a port the proxy reserves). */
  readonly number: number;

  /**
   * The protocol: HTTP, HTTPS, GRPC, HTTP2, MONGO, TCP or TLS.
   */
  readonly protocol: Protocol;

  /**
   * The port's name, unique within the Gateway.
   *
   * @default - the protocol in lower case and the number, e.g. `https-443`
   */
  readonly name?: string;
}

/**
 * A server of a Gateway: a port, the hosts it accepts, and its TLS settings.
 */
export interface GatewayServer {
  /** The port. */
  readonly port: GatewayPort;

  /**
   * The hosts the server accepts, as `host` or `namespace/host`: the namespace part (`*`, `.` for the Gateway's
   * own, or a namespace) limits which VirtualServices may bind; the host part is `*` or a name with a dot,
   * optionally with a leading `*.` wildcard.
   */
  readonly hosts: string[];

  /**
   * The address the server binds to: an IP address, or a `unix://` socket (with port number 0).
   *
   * @default - every address of the gateway workload
   */
  readonly bind?: string;

  /**
   * TLS settings. Required on HTTPS and TLS servers.
   *
   * @default - no TLS
   */
  readonly tls?: GatewayServerTls;

  /**
   * Accept a lone `*` host on an HTTPS or TLS server, which then answers for every SNI name (and claims the port
   * for that name on every Gateway that shares the workload). Other servers accept `*` without opting in.
   *
   * @default false
   */
  readonly allowAnyHost?: boolean;
}

/**
 * Props of a Gateway.
 */
export interface GatewayProps extends IstioResourceProps {
  /**
   * The labels of the gateway workload (pods) that serves this Gateway.
   *
   * @default { istio: 'ingressgateway' }
   */
  readonly selector?: { [key: string]: string };

  /**
   * Servers; more can be added with `addServer()`. A Gateway needs at least one server.
   *
   * @default - none
   */
  readonly servers?: GatewayServer[];
}

const GATEWAY_PROTOCOLS: readonly Protocol[] = [
  Protocol.HTTP, Protocol.HTTPS, Protocol.GRPC, Protocol.HTTP2, Protocol.MONGO, Protocol.TCP, Protocol.TLS,
];
const TERMINATING_MODES: readonly GatewayTlsMode[] = [GatewayTlsMode.SIMPLE, GatewayTlsMode.MUTUAL, GatewayTlsMode.OPTIONAL_MUTUAL];
const PASSTHROUGH_MODES: readonly GatewayTlsMode[] = [GatewayTlsMode.PASSTHROUGH, GatewayTlsMode.AUTO_PASSTHROUGH];
const VERSION_ORDER: readonly TlsProtocolVersion[] = [
  TlsProtocolVersion.TLSV1_0, TlsProtocolVersion.TLSV1_1, TlsProtocolVersion.TLSV1_2, TlsProtocolVersion.TLSV1_3,
];

// The suites Istio accepts (BoringSSL names without PSK), from istio/istio pkg/config/security.
const CIPHER_SUITES: readonly string[] = [
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305', 'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-SHA', 'ECDHE-RSA-AES256-SHA', 'AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA', 'AES256-SHA',
  'DES-CBC3-SHA',
];

/**
 * An Istio Gateway: the ports, hosts and TLS settings a gateway workload (an ingress or egress gateway's pods,
 * chosen by `selector`) serves. VirtualServices bind to it by `gatewayRef`.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/
 *
 * @example
 * const gw = new Gateway(chart, 'Public', {});
 * gw.addServer({ port: { number: 80, protocol: Protocol.HTTP }, hosts: ['shop.example.com'] });
 */
export class Gateway extends IstioResource {
  private readonly _selector: { [key: string]: string };
  private readonly _servers: GatewayServer[] = [];
  /** Port name → index of the server that has it. */
  private readonly portNames = new Map<string, number>();

  /**
   * @param scope where to create it: a Chart, or a MeshNamespace whose namespace it lands in
   * @param id the construct id; the object's name defaults to it in kebab case
   * @param props the Gateway's settings
   */
  constructor(scope: Construct, id: string, props: GatewayProps = {}) {
    super(scope, id, 'networking.istio.io', 'Gateway', props);
    const nameIssue = k8sLabelNameProblem(this.name);
    if (nameIssue) {
      throw configError(this, {
        field: 'metadata.name',
        value: this.name,
        problem: `${nameIssue}; Gateways are referenced as "namespace/name", so the name cannot contain a dot`,
        fix: 'use a name without dots, e.g. "public-gateway"',
        symptom: 'the webhook rejects the object',
      });
    }
    this._selector = { ...(props.selector ?? { istio: 'ingressgateway' }) };
    const selectorIssue = selectorProblem(this._selector, 'is empty, so the Gateway would apply to every gateway workload');
    if (selectorIssue) {
      throw configError(this, {
        field: 'selector',
        value: this._selector,
        problem: selectorIssue,
        fix: 'select the gateway pods by their labels, e.g. { istio: "ingressgateway" }',
      });
    }
    for (const server of props.servers ?? []) this.addServer(server);
    addSynthValidation(this, () => this.validateGateway());
  }

  /** How VirtualServices refer to this Gateway: `namespace/name` (namespace `default` when the Gateway has none). */
  public get gatewayRef(): string {
    return `${this.effectiveNamespace}/${this.name}`;
  }

  /** The servers (a copy). */
  public get servers(): GatewayServer[] {
    return [...this._servers];
  }

  /** Every host of every server, as written (`host` or `namespace/host`), without duplicates. */
  public get hosts(): string[] {
    return [...new Set(this._servers.flatMap(s => s.hosts))];
  }

  /** Whether a server of this Gateway has the port name `name`. @internal */
  public _hasPortName(name: string): boolean {
    return this.portNames.has(name);
  }

  /** The labels of the gateway workload this Gateway applies to (a copy). */
  public get selector(): { [key: string]: string } {
    return { ...this._selector };
  }

  /**
   * Adds a server.
   *
   * @param server the server: its port, hosts and TLS settings
   */
  public addServer(server: GatewayServer): void {
    checkShape(this, 'GatewayServer', server, `servers[${this._servers.length}]`);
    const index = this._servers.length;
    throwIfProblems(this, serverProblems(server, `servers[${index}]`));
    const name = portName(server.port);
    const clash = this.portNames.get(name) ?? -1;
    if (clash >= 0) {
      throw configError(this, {
        field: `servers[${index}].port.name`,
        value: name,
        problem: `is already used by servers[${clash}]`,
        fix: 'give every server port a unique name, e.g. "https-shop" and "https-api"',
        symptom: 'the webhook rejects the object ("port names in servers must be unique")',
      });
    }
    this.portNames.set(name, index);
    this._servers.push({ ...server, hosts: [...server.hosts] });
  }

  /** @internal */
  protected _renderSpec(): any {
    return {
      selector: { ...this._selector },
      servers: this._servers.map(s => ({
        port: { number: s.port.number, name: portName(s.port), protocol: s.port.protocol },
        hosts: [...s.hosts],
        bind: s.bind,
        tls: s.tls ? renderTls(s.tls) : undefined,
      })),
    };
  }

  private validateGateway(): string[] {
    if (this._servers.length === 0) {
      return [describeProblem({
        field: 'servers',
        prop: 'GatewayProps.servers',
        problem: 'must have at least one server',
        fix: 'call addServer() or pass servers',
        symptom: 'the webhook rejects the object',
      })];
    }
    const a = MeshAnalysis.of(this);
    const self = a.gatewayOf(this.apiObject)?.view;
    if (self === undefined) return [];
    return gatewayConflictProblems(a, self, g => g.object.apiObject.node.scope instanceof Gateway).map(describeProblem);
  }
}

function portName(port: GatewayPort): string {
  return port.name ?? `${port.protocol.toLowerCase()}-${port.number}`;
}

function serverProblems(server: GatewayServer, f: string): Problem[] {
  const problems: Problem[] = [];
  const { port, tls } = server;
  const protocol = port.protocol;

  if (!GATEWAY_PROTOCOLS.includes(protocol)) {
    problems.push({
      field: `${f}.port.protocol`,
      value: protocol,
      problem: 'is not supported on a Gateway server',
      fix: `use one of ${GATEWAY_PROTOCOLS.join(', ')}`,
    });
  }

  const unixBind = server.bind?.startsWith('unix://') ?? false;
  if (server.bind !== undefined) {
    const bindIssue = unixBind ? unixSocketProblem(server.bind) : (isIp(server.bind) ? undefined : 'must be an IP address (no CIDR) or a unix:// socket');
    if (bindIssue) problems.push({ field: `${f}.bind`, value: server.bind, problem: bindIssue, fix: 'bind to an IP address of the gateway pod, or leave bind out' });
  }
  if (unixBind) {
    if (port.number !== 0) {
      problems.push({ field: `${f}.port.number`, value: port.number, problem: 'must be 0 when the server binds to a unix:// socket', fix: 'set port number 0' });
    }
  } else {
    const portIssue = portProblem(port.number) ?? reservedProxyPortProblem(port.number);
    if (portIssue) {
      problems.push({
        field: `${f}.port.number`,
        value: port.number,
        problem: portIssue,
        fix: 'use a port the gateway workload exposes, e.g. 80, 443 or 8443',
        symptom: 'istiod drops the listener or the gateway never receives the traffic',
      });
    }
  }
  const nameIssue = port.name !== undefined ? dnsLabelProblem(port.name) : undefined;
  if (nameIssue) {
    problems.push({ field: `${f}.port.name`, value: port.name, problem: nameIssue, fix: 'name the port like "https" or "http-shop", or leave the name out' });
  }

  problems.push(...hostProblems(server, f));
  if (server.allowAnyHost && !TLS_PROTOCOLS.includes(protocol)) {
    problems.push({
      field: `${f}.allowAnyHost`,
      value: true,
      problem: `only applies to HTTPS and TLS servers; this ${protocol} server accepts "*" without opting in`,
      fix: 'remove allowAnyHost',
    });
  }
  problems.push(...tlsProblems(protocol, tls, `${f}.tls`));
  return problems;
}

function hostProblems(server: GatewayServer, f: string): Problem[] {
  const problems: Problem[] = [];
  if (server.hosts.length === 0) {
    problems.push({
      field: `${f}.hosts`,
      value: server.hosts,
      problem: 'must list at least one host',
      fix: 'list the host names the server answers for, e.g. ["shop.example.com"]',
      symptom: 'the webhook rejects the object',
    });
  }
  server.hosts.forEach((entry, i) => {
    const hf = `${f}.hosts[${i}]`;
    const slash = entry.indexOf('/');
    const ns = slash >= 0 ? entry.slice(0, slash) : undefined;
    const host = slash >= 0 ? entry.slice(slash + 1) : entry;
    if (ns !== undefined && ns !== '*' && ns !== '.' && dnsLabelProblem(ns) !== undefined) {
      problems.push({
        field: hf,
        value: entry,
        problem: `has an invalid namespace part "${ns}" (must be "*", "." or a namespace name)`,
        fix: 'write the host as "namespace/host", "./host" (this namespace) or "*/host" (any namespace)',
        symptom: 'the webhook rejects the object',
      });
      return;
    }
    if (host === '*') {
      if (TLS_PROTOCOLS.includes(server.port.protocol) && server.allowAnyHost !== true) {
        problems.push({
          field: hf,
          value: entry,
          problem: `matches every host name on a ${server.port.protocol} server`,
          fix: 'list the host names the certificate covers (e.g. "shop.example.com" or "*.example.com"), '
            + 'or set allowAnyHost: true if this server really answers for any SNI name',
          symptom: 'the server takes every SNI name on the port, so other servers for specific hosts on the same workload never match',
        });
      }
      return;
    }
    if (isIp(host)) return;
    if (!host.includes('.')) {
      problems.push({
        field: hf,
        value: entry,
        problem: 'is a short name; Gateway hosts must be fully qualified',
        fix: `use the full name, e.g. "${host}.example.com", "${host}.<namespace>.svc.cluster.local" or "*.example.com"`,
        symptom: 'the webhook rejects the object ("short names (non FQDN) are not allowed")',
      });
      return;
    }
    const hostIssue = wildcardHostProblem(host);
    if (hostIssue) {
      problems.push({ field: hf, value: entry, problem: hostIssue, fix: 'use a host name such as "shop.example.com" or "*.example.com"' });
    }
  });
  return problems;
}

function tlsProblems(protocol: Protocol, tls: GatewayServerTls | undefined, f: string): Problem[] {
  const problems: Problem[] = [];
  if (tls === undefined) {
    if (TLS_PROTOCOLS.includes(protocol)) {
      problems.push({
        field: f,
        problem: `is required on a ${protocol} server`,
        fix: 'set tls, e.g. { mode: GatewayTlsMode.SIMPLE, credentialName: "shop-cert" }, or { mode: PASSTHROUGH } to forward TLS unterminated',
        symptom: 'the webhook rejects the object',
      });
    }
    return problems;
  }

  if (!GATEWAY_HTTP_PROTOCOLS.includes(protocol) && !TLS_PROTOCOLS.includes(protocol)) {
    problems.push({
      field: f,
      value: tls,
      problem: `cannot be set on a ${protocol} server`,
      fix: 'use protocol TLS to terminate or pass through TLS, or remove tls',
      symptom: 'the webhook rejects the object',
    });
    return problems;
  }

  const set = (Object.keys(tls) as Array<keyof GatewayServerTls>).filter(k => tls[k] !== undefined);
  if (GATEWAY_HTTP_PROTOCOLS.includes(protocol)) {
    // istiod's validateServer accepts tls on a plain-text HTTP server when its mode is PASSTHROUGH (the default) or
    // AUTO_PASSTHROUGH and it names no certificate files; of the rest, only httpsRedirect has an effect.
    const files = (['serverCertificate', 'privateKey', 'caCertificates'] as const).filter(k => tls[k] !== undefined);
    const refused = tls.mode !== undefined && !PASSTHROUGH_MODES.includes(tls.mode) ? 'mode' : files[0];
    const ignored = set.filter(k => k !== 'httpsRedirect' && k !== 'mode');
    if (refused !== undefined) {
      problems.push({
        field: `${f}.${refused}`,
        value: tls[refused],
        problem: `cannot be set on a plain-text ${protocol} server (only httpsRedirect can)`,
        fix: 'use protocol HTTPS for a TLS-terminating server, and keep only { httpsRedirect: true } on the HTTP one',
        symptom: 'the webhook rejects the object ("server cannot have TLS settings for plain text HTTP ports")',
      });
    } else if (ignored.length > 0) {
      problems.push({
        field: `${f}.${ignored[0]}`,
        value: tls[ignored[0] as keyof GatewayServerTls],
        problem: `has no effect on a plain-text ${protocol} server (only httpsRedirect has)`,
        fix: `use protocol HTTPS for a TLS-terminating server, or remove ${ignored.join(', ')}`,
        symptom: 'Istio accepts it and ignores it: the server serves plain text',
      });
    }
    return problems;
  }

  // HTTPS and TLS servers from here on.
  if (tls.httpsRedirect !== undefined) {
    problems.push({
      field: `${f}.httpsRedirect`,
      value: tls.httpsRedirect,
      problem: `only applies to HTTP servers, not to this ${protocol} server`,
      fix: 'set httpsRedirect on the HTTP server (e.g. port 80) that should redirect to this one, and remove it here',
      symptom: 'Istio ignores it',
    });
  }
  const mode = tls.mode;
  if (mode === undefined) {
    problems.push({
      field: `${f}.mode`,
      problem: `is required on a ${protocol} server`,
      fix: 'set mode: SIMPLE (or MUTUAL) to terminate TLS with your certificate, PASSTHROUGH to forward it',
      symptom: 'Istio defaults to PASSTHROUGH and silently ignores the certificates',
    });
    return problems;
  }

  const secretIssue = credentialNameProblem(tls.credentialName, `${f}.credentialName`,
    'name the TLS Secret in the gateway workload\'s namespace, e.g. "shop-example-com-cert"');
  if (secretIssue) problems.push(secretIssue);
  const files = (['serverCertificate', 'privateKey', 'caCertificates'] as const).filter(k => tls[k] !== undefined);
  const credentials = [...(tls.credentialName !== undefined ? ['credentialName'] : []), ...files];

  if (mode === GatewayTlsMode.AUTO_PASSTHROUGH && protocol !== Protocol.TLS) {
    problems.push({
      field: `${f}.mode`,
      value: mode,
      problem: `only works on TLS servers, not on this ${protocol} server`,
      fix: 'use protocol TLS for AUTO_PASSTHROUGH, or PASSTHROUGH on an HTTPS server',
    });
  }
  if (PASSTHROUGH_MODES.includes(mode)) {
    const ignored = [...credentials, ...(['minProtocolVersion', 'maxProtocolVersion', 'cipherSuites', 'subjectAltNames'] as const)
      .filter(k => tls[k] !== undefined)];
    if (ignored.length > 0) {
      problems.push({
        field: `${f}.${ignored[0]}`,
        value: tls[ignored[0] as keyof GatewayServerTls],
        problem: `is ignored in mode ${mode}: the gateway does not terminate TLS`,
        fix: `use mode SIMPLE or MUTUAL to terminate TLS at the gateway, or remove ${ignored.join(', ')}`,
        symptom: 'Istio only warns ("certificates will be ignored") and clients get the backend\'s certificate',
      });
    }
    return problems;
  }

  if (mode === GatewayTlsMode.ISTIO_MUTUAL) {
    if (credentials.length > 0) {
      problems.push({
        field: `${f}.${credentials[0]}`,
        value: tls[credentials[0] as keyof GatewayServerTls],
        problem: 'cannot be set in mode ISTIO_MUTUAL, which uses the gateway\'s Istio workload certificate',
        fix: `remove ${credentials.join(', ')}, or use mode MUTUAL with your own certificates`,
        symptom: 'the webhook rejects the object',
      });
    }
  } else if (TERMINATING_MODES.includes(mode)) {
    const twoSources = certificateSourceProblem(tls.credentialName, files, `${f}.credentialName`,
      'the webhook rejects the object (more than one certificate source)');
    if (twoSources) {
      problems.push(twoSources);
    } else if (tls.credentialName === undefined) {
      const missing = (['serverCertificate', 'privateKey'] as const).filter(k => tls[k] === undefined);
      if (missing.length > 0) {
        problems.push({
          field: `${f}.credentialName`,
          problem: `is required for mode ${mode} (or both serverCertificate and privateKey; missing ${missing.join(', ')})`,
          fix: 'set credentialName to the TLS Secret in the gateway\'s namespace',
          symptom: 'the webhook rejects the object',
        });
      } else if (mode !== GatewayTlsMode.SIMPLE && tls.caCertificates === undefined) {
        problems.push({
          field: `${f}.caCertificates`,
          problem: `is required for mode ${mode} with certificate files (the CA that verifies client certificates)`,
          fix: 'set caCertificates to the client CA bundle, or use credentialName with a Secret that has ca.crt',
          symptom: 'the webhook rejects the object ("requires a client CA bundle")',
        });
      }
    }
  }

  problems.push(...versionProblems(tls, f));
  return problems;
}

function versionProblems(tls: GatewayServerTls, f: string): Problem[] {
  const problems: Problem[] = [];
  const min = tls.minProtocolVersion;
  const max = tls.maxProtocolVersion;
  if ((min === TlsProtocolVersion.TLSV1_0 || min === TlsProtocolVersion.TLSV1_1) && (tls.cipherSuites ?? []).length === 0) {
    problems.push({
      field: `${f}.minProtocolVersion`,
      value: min,
      problem: 'allows TLS 1.0/1.1 but no cipherSuites are listed, and Istio\'s default suites are TLS 1.2 only',
      fix: 'list cipherSuites that TLS 1.0/1.1 clients support (e.g. "ECDHE-RSA-AES128-SHA"), or raise minProtocolVersion to TLSV1_2',
      symptom: 'TLS 1.0/1.1 clients fail the handshake',
    });
  }
  const minAt = min ? VERSION_ORDER.indexOf(min) : -1;
  const maxAt = max ? VERSION_ORDER.indexOf(max) : -1;
  if (minAt >= 0 && maxAt >= 0 && minAt > maxAt) {
    problems.push({
      field: `${f}.minProtocolVersion`,
      value: `${min} > ${max}`,
      problem: 'is above maxProtocolVersion',
      fix: 'make minProtocolVersion lower than or equal to maxProtocolVersion',
      symptom: 'every TLS handshake fails',
    });
  }
  const seen = new Set<string>();
  for (const suite of tls.cipherSuites ?? []) {
    // Istio accepts OpenSSL-style operators ("!", "-", "+", "[...]") and ALL without checking them.
    const known = suite === 'ALL' || /^[^A-Za-z0-9]/.test(suite) || CIPHER_SUITES.includes(suite);
    if (!known) {
      problems.push({
        field: `${f}.cipherSuites`,
        value: suite,
        problem: 'is not a cipher suite Envoy supports',
        fix: `use BoringSSL names: ${CIPHER_SUITES.join(', ')}`,
        symptom: 'Istio drops the suite with a warning',
      });
    } else if (seen.has(suite)) {
      problems.push({ field: `${f}.cipherSuites`, value: suite, problem: 'is listed twice', fix: 'list every cipher suite once' });
    }
    seen.add(suite);
  }
  return problems;
}

function renderTls(tls: GatewayServerTls): any {
  return {
    httpsRedirect: tls.httpsRedirect,
    mode: tls.mode,
    credentialName: tls.credentialName,
    serverCertificate: tls.serverCertificate,
    privateKey: tls.privateKey,
    caCertificates: tls.caCertificates,
    subjectAltNames: tls.subjectAltNames ? [...tls.subjectAltNames] : undefined,
    minProtocolVersion: tls.minProtocolVersion,
    maxProtocolVersion: tls.maxProtocolVersion,
    cipherSuites: tls.cipherSuites ? [...tls.cipherSuites] : undefined,
  };
}
