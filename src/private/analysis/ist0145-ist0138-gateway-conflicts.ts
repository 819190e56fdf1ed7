import { Problem } from '../errors';
import { labelsSubset, sameLabels } from '../mesh-model';
import { GatewayView, MeshAnalysis } from './model';
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
 * (`.../gateway/certificate.go`) across Gateways of the app: looked up by port, so a Gateway is only compared with
 * the Gateways that listen on one of its ports. Each conflict is reported once: on the later of two Gateways of this
 * library (`isOurs`), always against Gateways from elsewhere.
 */
export function gatewayConflictProblems(a: MeshAnalysis, self: GatewayView, isOurs: (g: GatewayView) => boolean): Problem[] {
  const problems: Problem[] = [];
  const all = a.gateways();
  const order = new Map(all.map((g, i) => [g, i]));
  const selfIndex = order.get(self)!;
  const candidates = new Set(self.servers.flatMap(s => a.gatewaysOnPort(s.port)));
  const others = [...candidates].filter(g => g !== self && !(isOurs(g) && order.get(g)! > selfIndex)).sort((x, y) => order.get(x)! - order.get(y)!);
  for (const other of others) problems.push(...conflictProblems(self, other));
  return problems;
}

function conflictProblems(self: GatewayView, other: GatewayView): Problem[] {
  const problems: Problem[] = [];
  const otherName = `${other.object.namespace}/${other.object.name} (${other.object.path})`;
  const sameSelector = sameLabels(self.selector, other.selector);
  const overlapping = labelsSubset(self.selector, other.selector) || labelsSubset(other.selector, self.selector);
  const raw = (g: GatewayView) => (g.object.manifest.spec?.servers ?? []) as any[];
  self.servers.forEach((mine, i) => {
    other.servers.forEach(theirs => {
      if (mine.port !== theirs.port) return;
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
        });
      }
    });
  });
  return problems;
}
