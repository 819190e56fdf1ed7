import { Duration } from 'cdk8s';
import { durationProblem, istioDuration } from './duration';
import { Problem } from './errors';
import { IstioRelease, VERSION_GATES, versionGateProblem } from './istio-version';
import { matchHeaderNameProblem, percentProblem, portProblem } from './rules';
import { certificateSourceProblem, credentialNameProblem } from './tls';
import {
  ClientTlsMode, ClientTlsSettings, ConnectionPoolSettings, ConsistentHash, LoadBalancerAlgorithm, LoadBalancerSettings,
  LocalityLoadBalancerSettings, OutlierDetection, PortTrafficPolicy, TrafficPolicy, H2UpgradePolicy,
} from '../traffic-policy';

// DestinationRule traffic policies: validation (Istio's webhook rules for trafficPolicy, plus the analyzer checks
// IST0128/IST0129 turned into errors) and rendering to wire form. Shared by the top level, subsets and ports.

const INT32_MAX = 2147483647;
const UINT32_MAX = 4294967295;
const MAGLEV_MAX_TABLE_SIZE = 5000011;
const ENVOY_MAX_RING_SIZE = 8388608;
const TOPOLOGY_LABELS = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'];

/** Where a policy sits, for messages and for rules that look at the enclosing policies. */
export interface PolicyContext {
  /** How the user wrote the policy's location, e.g. `trafficPolicy` or `subsets["v1"].trafficPolicy`. */
  readonly field: string;
  /** Whether an enclosing policy (top level, subset) already sets outlierDetection, which this one inherits. */
  readonly inheritsOutlierDetection: boolean;
  /** The Istio release the policy is emitted for (`IstioApi.targetIstio`); fields newer than it are refused. @default - the newest */
  readonly release?: IstioRelease;
}

/** Every problem of a traffic policy, in field order. */
export function trafficPolicyProblems(policy: TrafficPolicy, ctx: PolicyContext): Problem[] {
  const problems: Problem[] = [];
  const f = ctx.field;
  if (!policy.loadBalancer && !policy.connectionPool && !policy.outlierDetection && !policy.tls) {
    problems.push({
      field: f,
      value: policy,
      problem: 'must set at least one of loadBalancer, connectionPool, outlierDetection or tls',
      fix: 'set a field, or leave the policy out',
      symptom: 'the webhook rejects the object ("traffic policy must have at least one field")',
    });
    return problems;
  }
  if (policy.loadBalancer) {
    const hasOutlier = policy.outlierDetection !== undefined || ctx.inheritsOutlierDetection;
    problems.push(...loadBalancerProblems(policy.loadBalancer, `${f}.loadBalancer`, hasOutlier));
    if (ctx.release) problems.push(...loadBalancerVersionProblems(policy.loadBalancer, `${f}.loadBalancer`, ctx.release));
  }
  if (policy.connectionPool) problems.push(...connectionPoolProblems(policy.connectionPool, `${f}.connectionPool`));
  if (policy.outlierDetection) problems.push(...outlierDetectionProblems(policy.outlierDetection, `${f}.outlierDetection`));
  if (policy.tls) problems.push(...clientTlsProblems(policy.tls, `${f}.tls`));
  return problems;
}

/** Problems of the port of a port-level policy: its range, and a second policy for the same port. */
export function portNumberProblems(port: number, seen: number[], field: string): Problem[] {
  const problems: Problem[] = [];
  const portIssue = portProblem(port);
  if (portIssue) {
    problems.push({ field, value: port, problem: portIssue, fix: 'use the destination port number the policy applies to' });
  } else if (seen.includes(port)) {
    problems.push({
      field,
      value: port,
      problem: 'already has a port-level policy',
      fix: 'merge both policies into one for that port',
      symptom: 'only one of the policies would apply to the port',
    });
  }
  return problems;
}

function loadBalancerProblems(lb: LoadBalancerSettings, f: string, hasOutlier: boolean): Problem[] {
  const problems: Problem[] = [];
  if (lb.simple !== undefined && lb.consistentHash !== undefined) {
    problems.push({
      field: `${f}.simple`,
      value: lb.simple,
      problem: 'cannot be set together with consistentHash',
      fix: 'choose a simple algorithm or consistent hashing (consistent hashing is its own algorithm)',
      symptom: 'the API server rejects the object (loadBalancer sets at most one of simple and consistentHash)',
    });
  }
  if (lb.consistentHash) problems.push(...consistentHashProblems(lb.consistentHash, `${f}.consistentHash`));
  if (lb.localityLbSetting) problems.push(...localityProblems(lb.localityLbSetting, `${f}.localityLbSetting`, hasOutlier));
  if (lb.warmup) {
    const w = lb.warmup;
    pushDuration(problems, `${f}.warmup.duration`, w.duration);
    if (w.minimumPercent !== undefined) {
      const p = percentProblem(w.minimumPercent);
      if (p) problems.push({ field: `${f}.warmup.minimumPercent`, value: w.minimumPercent, problem: p, fix: 'use a percentage from 0 to 100' });
    }
    if (w.aggression !== undefined && !(Number.isFinite(w.aggression) && w.aggression >= 1)) {
      problems.push({
        field: `${f}.warmup.aggression`,
        value: w.aggression,
        problem: 'must be at least 1',
        fix: 'use 1 for a linear ramp-up, or a larger number for a slower start',
      });
    }
    const supported = lb.consistentHash === undefined && (lb.simple === undefined
      || [LoadBalancerAlgorithm.ROUND_ROBIN, LoadBalancerAlgorithm.LEAST_REQUEST, LoadBalancerAlgorithm.LEAST_CONN].includes(lb.simple));
    if (!supported) {
      problems.push({
        field: `${f}.warmup`,
        value: lb.consistentHash ? 'consistentHash' : lb.simple,
        problem: 'only works with the ROUND_ROBIN and LEAST_REQUEST algorithms',
        fix: 'remove warmup, or use ROUND_ROBIN or LEAST_REQUEST',
        symptom: 'Envoy ignores the warmup and new endpoints get their full share at once',
      });
    }
  }
  return problems;
}

/**
 * What the target release lacks of a load balancer: `warmup` before 1.24 unless it only sets a duration (rendered as
 * the older `warmupDurationSecs` then, see renderLoadBalancer), cookie `attributes` before 1.28.
 */
function loadBalancerVersionProblems(lb: LoadBalancerSettings, f: string, release: IstioRelease): Problem[] {
  const problems: Array<Problem | undefined> = [];
  if (lb.warmup && (lb.warmup.minimumPercent !== undefined || lb.warmup.aggression !== undefined)) {
    const field = lb.warmup.minimumPercent !== undefined ? 'minimumPercent' : 'aggression';
    problems.push(versionGateProblem(release, VERSION_GATES.warmup, `${f}.warmup.${field}`, lb.warmup[field],
      'set only warmup.duration (written as the older warmupDurationSecs, with Envoy\'s default ramp-up)',
      'the API server prunes the unknown warmup field, so endpoints get no warmup at all'));
  }
  const attributes = lb.consistentHash?._key.httpCookie?.attributes;
  if (attributes !== undefined && Object.keys(attributes).length > 0) {
    problems.push(versionGateProblem(release, VERSION_GATES.cookieAttributes, `${f}.consistentHash.httpCookie.attributes`,
      Object.keys(attributes), 'remove the cookie attributes',
      'the API server prunes the unknown attributes, so the cookie is set without them'));
  }
  return problems.filter((p): p is Problem => p !== undefined);
}

function consistentHashProblems(hash: ConsistentHash, f: string): Problem[] {
  const problems: Problem[] = [];
  const key = hash._key;
  if (key.httpHeaderName !== undefined) {
    const p = matchHeaderNameProblem(key.httpHeaderName);
    if (p) problems.push({ field: `${f}.httpHeaderName`, value: key.httpHeaderName, problem: p, fix: 'pass the header name, e.g. "x-user"' });
  }
  if (key.httpQueryParameterName !== undefined && key.httpQueryParameterName.length === 0) {
    problems.push({
      field: `${f}.httpQueryParameterName`,
      value: key.httpQueryParameterName,
      problem: 'must not be empty',
      fix: 'pass the query parameter name, e.g. ConsistentHash.queryParameter("user")',
    });
  }
  if (key.httpCookie) {
    const c = key.httpCookie;
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(c.name)) {
      problems.push({
        field: `${f}.httpCookie.name`,
        value: c.name,
        problem: 'must be a cookie name (a non-empty HTTP token)',
        fix: 'pass the cookie name, e.g. ConsistentHash.httpCookie({ name: "session" })',
        symptom: 'the webhook rejects the object ("name required for HttpCookie")',
      });
    }
    if (c.ttl !== undefined) {
      const ms = c.ttl.toMilliseconds({ integral: false });
      if (!(Number.isInteger(ms) && ms >= 0)) {
        problems.push({
          field: `${f}.httpCookie.ttl`,
          value: `${ms}ms`,
          problem: 'must be zero (a session cookie) or a whole number of milliseconds',
          fix: 'use e.g. Duration.hours(1), or Duration.seconds(0) for a session cookie',
        });
      }
    }
    for (const name of Object.keys(c.attributes ?? {})) {
      if (name.length === 0) {
        problems.push({ field: `${f}.httpCookie.attributes`, value: name, problem: 'has an attribute with an empty name', fix: 'name every attribute' });
      }
    }
  }
  const fn = hash._options.hashFunction;
  if (fn && fn._size !== undefined) {
    if (fn._kind === 'maglev') {
      if (!Number.isInteger(fn._size) || fn._size < 2 || fn._size >= MAGLEV_MAX_TABLE_SIZE || !isPrime(fn._size)) {
        problems.push({
          field: `${f}.maglev.tableSize`,
          value: fn._size,
          problem: `must be a prime number below ${MAGLEV_MAX_TABLE_SIZE}`,
          fix: 'use a prime such as 65537 (Envoy\'s default) or 5003',
          symptom: 'the webhook rejects the object',
        });
      }
    } else if (!Number.isInteger(fn._size) || fn._size < 1 || fn._size > ENVOY_MAX_RING_SIZE) {
      problems.push({
        field: `${f}.ringHash.minimumRingSize`,
        value: fn._size,
        problem: `must be a whole number from 1 to ${ENVOY_MAX_RING_SIZE}`,
        fix: 'use e.g. 1024 (Envoy\'s default)',
      });
    }
  }
  return problems;
}

function localityProblems(l: LocalityLoadBalancerSettings, f: string, hasOutlier: boolean): Problem[] {
  const problems: Problem[] = [];
  const failover = l.failover ?? [];
  const priority = l.failoverPriority ?? [];
  if (l.distribute !== undefined && l.failover !== undefined) {
    problems.push({
      field: `${f}.distribute`,
      problem: 'cannot be set together with failover',
      fix: 'use distribute to split traffic by weight, or failover to choose where traffic goes when a region is down, not both',
      symptom: 'the webhook rejects the object',
    });
  }
  (l.distribute ?? []).forEach((d, i) => {
    const df = `${f}.distribute[${i}]`;
    const fromIssue = localityProblem(d.from);
    if (fromIssue) problems.push({ field: `${df}.from`, value: d.from, problem: fromIssue, fix: 'write the locality as region[/zone[/subzone]], e.g. "us-west/zone1/*"' });
    const earlier = (l.distribute ?? []).slice(0, i).findIndex(e => localitiesOverlap(e.from, d.from));
    if (!fromIssue && earlier >= 0) {
      problems.push({
        field: `${df}.from`,
        value: d.from,
        problem: `overlaps distribute[${earlier}].from "${l.distribute![earlier].from}": both cover some of the same proxies`,
        fix: 'give every proxy locality one distribute entry: make the from localities disjoint',
        symptom: 'the webhook rejects the object',
      });
    }
    const targets = Object.keys(d.to);
    targets.forEach((to, j) => {
      const covered = targets.slice(0, j).find(other => localitiesOverlap(other, to));
      if (covered !== undefined && localityProblem(to) === undefined) {
        problems.push({
          field: `${df}.to`,
          value: to,
          problem: `overlaps "${covered}" of the same entry: both cover some of the same endpoints`,
          fix: 'list disjoint localities in to, e.g. "us-west/zone1/*" and "us-west/zone2/*"',
          symptom: 'the webhook rejects the object',
        });
      }
    });
    let sum = 0;
    for (const [to, weight] of Object.entries(d.to)) {
      const toIssue = localityProblem(to);
      if (toIssue) problems.push({ field: `${df}.to`, value: to, problem: toIssue, fix: 'write the locality as region[/zone[/subzone]], e.g. "us-west/zone2/*"' });
      if (!Number.isInteger(weight) || weight < 1 || weight > 100) {
        problems.push({ field: `${df}.to["${to}"]`, value: weight, problem: 'must be a whole number from 1 to 100', fix: 'give every destination locality a weight from 1 to 100' });
      }
      sum += weight;
    }
    if (sum !== 100) {
      problems.push({
        field: `${df}.to`,
        value: d.to,
        problem: `has weights that sum to ${sum}, not 100`,
        fix: 'make the weights of each distribute entry add up to exactly 100',
        symptom: 'the webhook rejects the object',
      });
    }
  });
  failover.forEach((fo, i) => {
    for (const [key, value] of [['from', fo.from], ['to', fo.to]] as const) {
      if (!/^[^/*]+$/.test(value)) {
        problems.push({
          field: `${f}.failover[${i}].${key}`,
          value,
          problem: 'must be a region (no "/" and no "*")',
          fix: 'fail over between regions, e.g. { from: "us-east", to: "us-west" }; use failoverPriority for zones',
        });
      }
    }
    if (fo.from === fo.to) {
      problems.push({ field: `${f}.failover[${i}]`, value: fo, problem: 'fails over a region to itself', fix: 'use a different region in "to"' });
    }
  });
  if (failover.length > 0) {
    const topology = priority.filter(p => TOPOLOGY_LABELS.includes(p.split('=')[0]));
    if (topology.length > 0) {
      problems.push({
        field: `${f}.failoverPriority`,
        value: topology,
        problem: 'cannot use topology labels together with failover',
        fix: 'remove failover, or remove the topology.* labels from failoverPriority',
        symptom: 'the webhook rejects the object',
      });
    }
  }
  if ((failover.length > 0 || priority.length > 0) && !hasOutlier) {
    problems.push({
      field: `${f}.${failover.length > 0 ? 'failover' : 'failoverPriority'}`,
      problem: 'needs outlierDetection in the same traffic policy (or an enclosing one)',
      fix: 'add outlierDetection (an empty object enables it with Istio\'s defaults)',
      symptom: 'istiod ignores locality failover, so traffic never leaves a failing locality',
    });
  }
  return problems;
}

/**
 * Whether two localities cover some of the same places, as istiod's check reads them: `region`, `region/*` and
 * `region/zone...` all include `region/zone...`, and `*` includes everything.
 */
function localitiesOverlap(a: string, b: string): boolean {
  const scope = (l: string) => {
    const segments = l.split('/');
    return segments[segments.length - 1] === '*' ? segments.slice(0, -1) : segments;
  };
  const [x, y] = [scope(a), scope(b)];
  const shorter = x.length <= y.length ? x : y;
  const longer = shorter === x ? y : x;
  return shorter.every((segment, i) => segment === longer[i]);
}

/** Istio's locality syntax: region[/zone[/subzone]], no empty segments, `*` only as the whole last segment. */
function localityProblem(locality: string): string | undefined {
  const segments = locality.split('/');
  if (segments.length > 3 || segments.some(s => s.length === 0)) return 'must be region[/zone[/subzone]] with no empty segment';
  if (segments.slice(0, -1).some(s => s.includes('*')) || (segments[segments.length - 1].includes('*') && segments[segments.length - 1] !== '*')) {
    return 'may use "*" only as its whole last segment';
  }
  return undefined;
}

function connectionPoolProblems(pool: ConnectionPoolSettings, f: string): Problem[] {
  const problems: Problem[] = [];
  if (!pool.tcp && !pool.http) {
    problems.push({
      field: f,
      value: pool,
      problem: 'must set tcp, http or both',
      fix: 'set the limits you need, or leave connectionPool out',
      symptom: 'the webhook rejects the object ("connection pool must have at least one field")',
    });
  }
  if (pool.tcp) {
    const t = pool.tcp;
    pushCount(problems, `${f}.tcp.maxConnections`, t.maxConnections, INT32_MAX);
    pushDuration(problems, `${f}.tcp.connectTimeout`, t.connectTimeout);
    pushDuration(problems, `${f}.tcp.maxConnectionDuration`, t.maxConnectionDuration);
    if (t.tcpKeepalive) {
      pushCount(problems, `${f}.tcp.tcpKeepalive.probes`, t.tcpKeepalive.probes, UINT32_MAX);
      pushDuration(problems, `${f}.tcp.tcpKeepalive.time`, t.tcpKeepalive.time);
      pushDuration(problems, `${f}.tcp.tcpKeepalive.interval`, t.tcpKeepalive.interval);
    }
    // Zero is allowed here (and only here): it disables the idle timeout.
    if (t.idleTimeout !== undefined && t.idleTimeout.toMilliseconds({ integral: false }) !== 0) {
      pushDuration(problems, `${f}.tcp.idleTimeout`, t.idleTimeout);
    }
  }
  if (pool.http) {
    const h = pool.http;
    pushCount(problems, `${f}.http.http1MaxPendingRequests`, h.http1MaxPendingRequests, INT32_MAX);
    pushCount(problems, `${f}.http.http2MaxRequests`, h.http2MaxRequests, INT32_MAX);
    pushCount(problems, `${f}.http.maxRequestsPerConnection`, h.maxRequestsPerConnection, INT32_MAX);
    pushCount(problems, `${f}.http.maxRetries`, h.maxRetries, INT32_MAX);
    pushCount(problems, `${f}.http.maxConcurrentStreams`, h.maxConcurrentStreams, INT32_MAX);
    pushDuration(problems, `${f}.http.idleTimeout`, h.idleTimeout);
    if (h.h2UpgradePolicy === H2UpgradePolicy.UPGRADE && h.useClientProtocol === true) {
      problems.push({
        field: `${f}.http.useClientProtocol`,
        value: true,
        problem: 'cannot be true with h2UpgradePolicy UPGRADE',
        fix: 'either upgrade every connection to HTTP/2 (h2UpgradePolicy: UPGRADE) or keep the client\'s protocol (useClientProtocol: true)',
        symptom: 'the webhook rejects the object',
      });
    }
  }
  return problems;
}

function outlierDetectionProblems(o: OutlierDetection, f: string): Problem[] {
  const problems: Problem[] = [];
  pushCount(problems, `${f}.consecutive5xxErrors`, o.consecutive5xxErrors, UINT32_MAX);
  pushCount(problems, `${f}.consecutiveGatewayErrors`, o.consecutiveGatewayErrors, UINT32_MAX);
  pushCount(problems, `${f}.consecutiveLocalOriginFailures`, o.consecutiveLocalOriginFailures, UINT32_MAX);
  pushDuration(problems, `${f}.interval`, o.interval);
  pushDuration(problems, `${f}.baseEjectionTime`, o.baseEjectionTime);
  for (const key of ['maxEjectionPercent', 'minHealthPercent'] as const) {
    const v = o[key];
    if (v !== undefined && (percentProblem(v) || !Number.isInteger(v))) {
      problems.push({ field: `${f}.${key}`, value: v, problem: 'must be a whole number from 0 to 100', fix: 'use a whole percentage from 0 to 100' });
    }
  }
  if ((o.consecutiveLocalOriginFailures ?? 0) > 0 && o.splitExternalLocalOriginErrors !== true) {
    problems.push({
      field: `${f}.consecutiveLocalOriginFailures`,
      value: o.consecutiveLocalOriginFailures,
      problem: 'only counts when local-origin failures are tracked separately',
      fix: 'set splitExternalLocalOriginErrors: true, or remove consecutiveLocalOriginFailures',
      symptom: 'the webhook rejects the object',
    });
  }
  return problems;
}

const CERT_FILE_FIELDS = ['caCertificates', 'clientCertificate', 'privateKey'] as const;

function clientTlsProblems(tls: ClientTlsSettings, f: string): Problem[] {
  const problems: Problem[] = [];
  const mode = tls.mode;
  const secretIssue = credentialNameProblem(tls.credentialName, `${f}.credentialName`, 'name the Secret that holds the certificates');
  if (secretIssue) problems.push(secretIssue);

  const unused = fieldsUnusedBy(mode).filter(k => tls[k] !== undefined);
  if (unused.length > 0) {
    problems.push({
      field: `${f}.${unused[0]}`,
      value: tls[unused[0]],
      problem: `is not used by mode ${mode}`,
      fix: mode === ClientTlsMode.SIMPLE
        ? 'use mode MUTUAL to present a client certificate, or remove clientCertificate/privateKey'
        : `remove ${unused.join(', ')}, or use mode SIMPLE or MUTUAL with your own certificates`,
      symptom: 'Istio silently ignores the field',
    });
  }

  if (mode === ClientTlsMode.SIMPLE || mode === ClientTlsMode.MUTUAL) {
    const files = CERT_FILE_FIELDS.filter(k => tls[k] !== undefined);
    const twoSources = certificateSourceProblem(tls.credentialName, files, `${f}.credentialName`, 'the webhook rejects the object');
    if (twoSources) problems.push(twoSources);
    if (mode === ClientTlsMode.MUTUAL && tls.credentialName === undefined) {
      const missing = (['clientCertificate', 'privateKey'] as const).filter(k => tls[k] === undefined);
      if (missing.length > 0) {
        problems.push({
          field: `${f}.${missing[0]}`,
          value: missing,
          problem: 'is required for mode MUTUAL without credentialName',
          fix: 'set credentialName to a Secret with the client certificate, or set both clientCertificate and privateKey',
          symptom: 'the webhook rejects the object',
        });
      }
    }
    if (tls.insecureSkipVerify === true) {
      const contradicting = (['caCertificates', 'subjectAltNames'] as const).filter(k => tls[k] !== undefined) as string[];
      if (mode === ClientTlsMode.SIMPLE && tls.credentialName !== undefined) contradicting.push('credentialName');
      if (contradicting.length > 0) {
        problems.push({
          field: `${f}.insecureSkipVerify`,
          value: true,
          problem: `contradicts ${contradicting.join(', ')}, which configure the verification it turns off`,
          fix: 'remove insecureSkipVerify to verify the server, or remove the verification settings',
          symptom: 'the webhook rejects the object',
        });
      }
    } else if (tls.trustSystemCaBundle === true) {
      const contradicting = (['caCertificates', 'credentialName', 'insecureSkipVerify'] as const).filter(k => tls[k] !== undefined) as string[];
      if (contradicting.length > 0) {
        problems.push({
          field: `${f}.trustSystemCaBundle`,
          value: true,
          problem: `contradicts ${contradicting.join(', ')}, which choose another way to verify the server`,
          fix: 'keep one of caCertificates, credentialName, trustSystemCaBundle',
        });
      }
    } else if (tls.caCertificates === undefined && tls.credentialName === undefined) {
      problems.push({
        field: `${f}.caCertificates`,
        problem: `is required for mode ${mode}: without it (or a credentialName) nothing says how the server certificate is verified (IST0128/IST0129)`,
        fix: 'set caCertificates (or credentialName, a Secret with ca.crt); to rely on the proxy\'s system CA bundle say so with '
          + 'trustSystemCaBundle: true; if you really want no verification, say so with insecureSkipVerify: true',
        symptom: 'the proxy verifies the server only if VERIFY_CERTIFICATE_AT_CLIENT is on (Istio 1.20+ default); '
          + 'otherwise any certificate is accepted and a man in the middle goes unnoticed',
      });
    }
  }
  return problems;
}

/** Fields a client TLS mode does not read: Istio accepts and ignores them, which hides mistakes. */
function fieldsUnusedBy(mode: ClientTlsMode): ReadonlyArray<keyof ClientTlsSettings> {
  switch (mode) {
    case ClientTlsMode.DISABLE:
      return ['credentialName', ...CERT_FILE_FIELDS, 'sni', 'subjectAltNames', 'insecureSkipVerify', 'trustSystemCaBundle'];
    case ClientTlsMode.ISTIO_MUTUAL:
      return ['credentialName', ...CERT_FILE_FIELDS, 'insecureSkipVerify', 'trustSystemCaBundle'];
    case ClientTlsMode.SIMPLE:
      return ['clientCertificate', 'privateKey'];
    default:
      return [];
  }
}

function pushCount(problems: Problem[], field: string, value: number | undefined, max: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    problems.push({ field, value, problem: `must be a whole number from 0 to ${max}`, fix: 'use a non-negative whole number' });
  }
}

function pushDuration(problems: Problem[], field: string, d: Duration | undefined): void {
  if (d === undefined) return;
  const p = durationProblem(d);
  if (p) problems.push({ field, value: `${d.toMilliseconds({ integral: false })}ms`, problem: p, fix: 'use a duration of at least Duration.millis(1), in whole milliseconds' });
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let i = 2; i * i <= n; i++) if (n % i === 0) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

/** The wire form of a traffic policy, with the port-level settings when given. */
export function renderTrafficPolicy(policy: TrafficPolicy | undefined, ports: PortTrafficPolicy[] = [], release?: IstioRelease): any {
  if (!policy && ports.length === 0) return undefined;
  return {
    ...renderPolicyFields(policy ?? {}, release),
    portLevelSettings: ports.length > 0
      ? ports.map(p => ({ port: { number: p.port }, ...renderPolicyFields(p.policy, release) }))
      : undefined,
  };
}

function renderPolicyFields(p: TrafficPolicy, release: IstioRelease | undefined): any {
  return {
    loadBalancer: p.loadBalancer ? renderLoadBalancer(p.loadBalancer, release) : undefined,
    connectionPool: p.connectionPool ? renderConnectionPool(p.connectionPool) : undefined,
    outlierDetection: p.outlierDetection ? renderOutlierDetection(p.outlierDetection) : undefined,
    tls: p.tls ? renderClientTls(p.tls) : undefined,
  };
}

function renderLoadBalancer(lb: LoadBalancerSettings, release: IstioRelease | undefined): any {
  const l = lb.localityLbSetting;
  // Before 1.24 (no warmup field, see VERSION_GATES.warmup) a duration-only warmup is the older warmupDurationSecs:
  // Envoy's slow start with its default aggression (1) and minimum weight (10%), which warmup's defaults equal.
  const legacyWarmup = lb.warmup !== undefined && release !== undefined && release.minor < VERSION_GATES.warmup.minMinor;
  return {
    simple: lb.simple,
    consistentHash: lb.consistentHash ? renderConsistentHash(lb.consistentHash) : undefined,
    localityLbSetting: l ? {
      enabled: l.enabled,
      distribute: l.distribute?.map(d => ({ from: d.from, to: { ...d.to } })),
      failover: l.failover?.map(fo => ({ from: fo.from, to: fo.to })),
      failoverPriority: l.failoverPriority ? [...l.failoverPriority] : undefined,
    } : undefined,
    warmupDurationSecs: legacyWarmup ? istioDuration(lb.warmup!.duration) : undefined,
    warmup: lb.warmup && !legacyWarmup ? {
      duration: istioDuration(lb.warmup.duration),
      minimumPercent: lb.warmup.minimumPercent,
      aggression: lb.warmup.aggression,
    } : undefined,
  };
}

function renderConsistentHash(hash: ConsistentHash): any {
  const key = hash._key;
  const c = key.httpCookie;
  const fn = hash._options.hashFunction;
  return {
    httpHeaderName: key.httpHeaderName,
    httpQueryParameterName: key.httpQueryParameterName,
    useSourceIp: key.useSourceIp,
    httpCookie: c ? {
      name: c.name,
      path: c.path,
      ttl: c.ttl ? durationOrZero(c.ttl) : undefined,
      attributes: c.attributes
        ? Object.entries(c.attributes).map(([name, value]) => (value === '' ? { name } : { name, value }))
        : undefined,
    } : undefined,
    ringHash: fn?._kind === 'ringHash' ? { minimumRingSize: fn._size } : undefined,
    maglev: fn?._kind === 'maglev' ? { tableSize: fn._size } : undefined,
  };
}

function renderConnectionPool(pool: ConnectionPoolSettings): any {
  const t = pool.tcp;
  const h = pool.http;
  return {
    tcp: t ? {
      maxConnections: t.maxConnections,
      connectTimeout: optDuration(t.connectTimeout),
      tcpKeepalive: t.tcpKeepalive ? {
        probes: t.tcpKeepalive.probes,
        time: optDuration(t.tcpKeepalive.time),
        interval: optDuration(t.tcpKeepalive.interval),
      } : undefined,
      maxConnectionDuration: optDuration(t.maxConnectionDuration),
      idleTimeout: t.idleTimeout ? durationOrZero(t.idleTimeout) : undefined,
    } : undefined,
    http: h ? {
      http1MaxPendingRequests: h.http1MaxPendingRequests,
      http2MaxRequests: h.http2MaxRequests,
      maxRequestsPerConnection: h.maxRequestsPerConnection,
      maxRetries: h.maxRetries,
      idleTimeout: optDuration(h.idleTimeout),
      h2UpgradePolicy: h.h2UpgradePolicy,
      useClientProtocol: h.useClientProtocol,
      maxConcurrentStreams: h.maxConcurrentStreams,
    } : undefined,
  };
}

function renderOutlierDetection(o: OutlierDetection): any {
  return {
    consecutive5xxErrors: o.consecutive5xxErrors,
    consecutiveGatewayErrors: o.consecutiveGatewayErrors,
    consecutiveLocalOriginFailures: o.consecutiveLocalOriginFailures,
    splitExternalLocalOriginErrors: o.splitExternalLocalOriginErrors,
    interval: optDuration(o.interval),
    baseEjectionTime: optDuration(o.baseEjectionTime),
    maxEjectionPercent: o.maxEjectionPercent,
    minHealthPercent: o.minHealthPercent,
  };
}

function renderClientTls(tls: ClientTlsSettings): any {
  return {
    mode: tls.mode,
    credentialName: tls.credentialName,
    caCertificates: tls.caCertificates,
    clientCertificate: tls.clientCertificate,
    privateKey: tls.privateKey,
    sni: tls.sni,
    subjectAltNames: tls.subjectAltNames ? [...tls.subjectAltNames] : undefined,
    insecureSkipVerify: tls.insecureSkipVerify,
  };
}

function optDuration(d: Duration | undefined): string | undefined {
  return d === undefined ? undefined : istioDuration(d);
}

/** Like istioDuration, but renders zero as `0s` (istioDuration targets durations of at least 1ms). */
function durationOrZero(d: Duration): string {
  return d.toMilliseconds({ integral: false }) === 0 ? '0s' : istioDuration(d);
}
