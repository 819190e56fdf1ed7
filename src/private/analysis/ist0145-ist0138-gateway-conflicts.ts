import { Protocol } from '../../protocol';
import { Problem } from '../errors';
import { labelsSubset, sameLabels } from '../mesh-model';
import { HTTP_ROUTED_PROTOCOLS, TLS_PROTOCOLS } from '../mesh-rules';
import { GatewayView, MeshAnalysis, pushTo } from './model';
import { hostName } from './references';

/** A server's TLS settings, as far as the certificate goes. */
export interface ServerCertificate {
  readonly credentialName?: string;
  readonly serverCertificate?: string;
  readonly privateKey?: string;
}

/**
 * The host names two servers on one port share. Hosts compare by name, whatever namespace part they carry: the
 * proxy has one listener per port, so the namespace does not separate them (IST0145).
 */
export function commonHostNames(a: string[] | undefined, b: string[] | undefined): string[] {
  const theirs = new Set((b ?? []).map(hostName));
  return (a ?? []).map(hostName).filter(h => theirs.has(h));
}

/** Whether two servers present the same certificate (IST0138). */
export function sameCertificate(a: ServerCertificate | undefined, b: ServerCertificate | undefined): boolean {
  if (!a || !b) return false;
  if (a.credentialName || b.credentialName) return a.credentialName === b.credentialName;
  return a.serverCertificate !== undefined && a.serverCertificate === b.serverCertificate && a.privateKey === b.privateKey;
}

/**
 * IST0145 (`pkg/config/analysis/analyzers/gateway/conflictinggateway.go`) and IST0138
 * (`.../gateway/certificate.go`) across Gateways of the app. A Gateway is only compared with the Gateways that can
 * conflict with it, found through indexes built once per pass: those with a server on one of its ports for one of its
 * host names (IST0145), with the same certificate on one of its ports (IST0138), or with a plain-text server on one
 * of its plain-text ports and the same selector (merged listeners) — so many Gateways on one port with distinct hosts
 * (e.g. one egress Gateway per external host) cost linear time. Each conflict is reported once: on the later of two
 * Gateways of this library (`isOurs`), always against Gateways from elsewhere.
 */
export function gatewayConflictProblems(a: MeshAnalysis, self: GatewayView, isOurs: (g: GatewayView) => boolean): Problem[] {
  const problems: Problem[] = [];
  const order = (g: GatewayView) => a.gatewayOf(g.object.apiObject)!.order;
  const selfIndex = order(self);
  const index = conflictIndex(a);
  const selector = selectorKey(self.selector);
  const candidates = new Set<GatewayView>();
  const add = (gateways: GatewayView[] | undefined) => gateways?.forEach(g => candidates.add(g));
  for (const s of self.servers) {
    for (const h of s.hosts) add(index.byPortHost.get(`${s.port}|${h.host}`));
    const certificate = certificateKey(s.tls);
    if (certificate !== undefined) add(index.byPortCertificate.get(`${s.port}|${certificate}`));
    if (!carriesTls(s.protocol)) {
      const key = `${selector}|${s.port}|${s.bind}`;
      add((isHttp(s.protocol) ? index.notHttpPlaintext : index.plaintext).get(key));
    }
  }
  const others = [...candidates].filter(g => g !== self && !(isOurs(g) && order(g) > selfIndex)).sort((x, y) => order(x) - order(y));
  problems.push(...plaintextPortProblems(self, self.servers, 'servers'));
  for (const other of others) {
    problems.push(...conflictProblems(self, other));
    if (sameLabels(self.selector, other.selector)) {
      problems.push(...plaintextPortProblems(self, other.servers, `Gateway ${other.object.namespace}/${other.object.name} (${other.object.path})`));
    }
  }
  return problems;
}

/** The Gateways of the app by what makes two of them conflict (see gatewayConflictProblems). */
interface ConflictIndex {
  /** `port|host name` */
  readonly byPortHost: Map<string, GatewayView[]>;
  /** `port|certificate` (certificateKey) */
  readonly byPortCertificate: Map<string, GatewayView[]>;
  /** `selector|port|bind` of plain-text servers */
  readonly plaintext: Map<string, GatewayView[]>;
  /** `selector|port|bind` of plain-text servers that are not HTTP */
  readonly notHttpPlaintext: Map<string, GatewayView[]>;
}

function conflictIndex(a: MeshAnalysis): ConflictIndex {
  return a.memo('ist0145-ist0138', () => {
    const index: ConflictIndex = { byPortHost: new Map(), byPortCertificate: new Map(), plaintext: new Map(), notHttpPlaintext: new Map() };
    for (const g of a.gateways()) {
      const selector = selectorKey(g.selector);
      const keys: { [name in keyof ConflictIndex]: Set<string> } = {
        byPortHost: new Set(), byPortCertificate: new Set(), plaintext: new Set(), notHttpPlaintext: new Set(),
      };
      for (const s of g.servers) {
        for (const h of s.hosts) keys.byPortHost.add(`${s.port}|${h.host}`);
        const certificate = certificateKey(s.tls);
        if (certificate !== undefined) keys.byPortCertificate.add(`${s.port}|${certificate}`);
        if (carriesTls(s.protocol)) continue;
        keys.plaintext.add(`${selector}|${s.port}|${s.bind}`);
        if (!isHttp(s.protocol)) keys.notHttpPlaintext.add(`${selector}|${s.port}|${s.bind}`);
      }
      for (const name of Object.keys(keys) as Array<keyof ConflictIndex>) for (const key of keys[name]) pushTo(index[name], key, g);
    }
    return index;
  });
}

/** Equal for two selectors exactly when `sameLabels` holds. */
function selectorKey(selector: { [key: string]: string }): string {
  return JSON.stringify(Object.entries(selector).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

/** Equal for two servers' TLS settings exactly when `sameCertificate` holds; undefined when it holds for none. */
function certificateKey(tls: ServerCertificate | undefined): string | undefined {
  if (!tls) return undefined;
  if (tls.credentialName) return `credential:${tls.credentialName}`;
  return tls.serverCertificate !== undefined ? `files:${JSON.stringify([tls.serverCertificate, tls.privateKey])}` : undefined;
}


/** Whether a server's protocol (wire value) carries TLS. */
function carriesTls(protocol: string): boolean {
  return TLS_PROTOCOLS.includes(protocol as Protocol);
}

/** Whether a server's protocol (wire value) is HTTP, routed by Host header. */
function isHttp(protocol: string): boolean {
  return HTTP_ROUTED_PROTOCOLS.includes(protocol as Protocol);
}

/**
 * Servers of one gateway workload on one port and bind merge into one listener (`mergeGateways` in istio/istio
 * `pilot/pkg/model/gateway.go`): plain-text servers merge only when both are HTTP (routed by Host header); a plain
 * TCP (MONGO, REDIS...) server has nothing to tell connections apart by, so istiod keeps the first server on the port
 * and skips the others, whatever hosts they list. (TLS servers on one port are told apart by SNI; the same host twice
 * is IST0145.) `others` are servers of this Gateway (pairs reported on the later one) or of another Gateway that
 * selects the same workload.
 */
function plaintextPortProblems(self: GatewayView, others: GatewayView['servers'], where: string): Problem[] {
  const problems: Problem[] = [];
  // Looked up by port and bind, HTTP servers only against the others: a Gateway with many servers costs its servers.
  const all = new Map<string, GatewayView['servers']>();
  const notHttp = new Map<string, GatewayView['servers']>();
  for (const theirs of others) {
    if (carriesTls(theirs.protocol)) continue;
    pushTo(all, `${theirs.port}|${theirs.bind}`, theirs);
    if (!isHttp(theirs.protocol)) pushTo(notHttp, `${theirs.port}|${theirs.bind}`, theirs);
  }
  self.servers.forEach((mine, i) => {
    if (carriesTls(mine.protocol)) return;
    for (const theirs of (isHttp(mine.protocol) ? notHttp : all).get(`${mine.port}|${mine.bind}`) ?? []) {
      if (where === 'servers' && theirs.index >= i) continue;
      const other = where === 'servers' ? `servers[${theirs.index}]` : `a server of ${where}`;
      problems.push({
        field: `servers[${i}].port`,
        value: mine.port,
        problem: `is also the port of ${other} (${theirs.protocol}) on the same gateway workload; plain-text servers share a port only when `
          + `both are HTTP, and a ${mine.protocol === 'TCP' || !isHttp(mine.protocol) ? mine.protocol : theirs.protocol} `
          + 'server has no Host header or SNI to tell connections apart',
        fix: 'give each plain TCP server its own port, or use TLS servers with distinct SNI hosts on a shared port',
        symptom: 'istiod keeps one of the servers on the port and skips the other: connections for its hosts reach the other server\'s routes',
        prop: 'GatewayProps.servers',
      });
    }
  });
  return problems;
}

function conflictProblems(self: GatewayView, other: GatewayView): Problem[] {
  const problems: Problem[] = [];
  const otherName = `${other.object.namespace}/${other.object.name} (${other.object.path})`;
  const sameSelector = sameLabels(self.selector, other.selector);
  const overlapping = labelsSubset(self.selector, other.selector) || labelsSubset(other.selector, self.selector);
  const raw = (g: GatewayView) => (g.object.manifest.spec?.servers ?? []) as any[];
  const byPort = new Map<number, GatewayView['servers']>();
  for (const theirs of other.servers) pushTo(byPort, theirs.port, theirs);
  self.servers.forEach((mine, i) => {
    (byPort.get(mine.port) ?? []).forEach(theirs => {
      if (sameSelector && mine.bind === theirs.bind) {
        const common = commonHostNames(raw(self)[i].hosts, raw(other)[theirs.index].hosts);
        if (common.length > 0) {
          problems.push({
            field: `servers[${i}].hosts`,
            value: common,
            problem: `conflicts with Gateway ${otherName}: both select ${JSON.stringify(self.selector)} and serve port `
              + `${mine.port} for the same host (IST0145)`,
            fix: 'serve each host on a port from one Gateway only: merge the servers into one Gateway, or change the host or port',
            symptom: 'the gateway proxy keeps one of the servers, so requests for the host reach the other Gateway\'s routes or get 404 NR',
            prop: 'GatewayProps.servers',
          });
        }
      }
      if (overlapping && sameCertificate(mine.tls, theirs.tls)) {
        problems.push({
          field: `servers[${i}].tls`,
          value: mine.tls?.credentialName ?? mine.tls?.serverCertificate,
          problem: `uses the same certificate as a server of Gateway ${otherName} on port ${mine.port}, and their `
            + 'selectors overlap (IST0138)',
          fix: 'put the hosts that share a certificate into one Gateway server, or give each Gateway its own certificate',
          symptom: 'HTTP/2 clients reuse one connection for hosts of both Gateways and get 404 NR for the other Gateway\'s hosts',
          prop: 'GatewayProps.servers',
        });
      }
    });
  });
  return problems;
}
