import { Duration } from 'cdk8s';
import { checkArgs } from './private/shape';

/**
 * The traffic policy of a destination: how a client proxy balances, pools, ejects and secures its connections
 * to the endpoints of a host. Used at the top of a DestinationRule, per subset, and per port.
 *
 * At least one field must be set (Istio rejects an empty policy).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#TrafficPolicy
 */
export interface TrafficPolicy {
  /**
   * Load balancing: algorithm or consistent hashing, locality, warmup.
   *
   * @default - Istio's default (LEAST_REQUEST, locality-aware)
   */
  readonly loadBalancer?: LoadBalancerSettings;

  /**
   * Connection pool limits (circuit breaking) for TCP and HTTP.
   *
   * @default - Envoy's defaults (effectively unlimited)
   */
  readonly connectionPool?: ConnectionPoolSettings;

  /**
   * Ejection of unhealthy endpoints from the load-balancing pool.
   *
   * @default - no outlier detection
   */
  readonly outlierDetection?: OutlierDetection;

  /**
   * TLS the client proxy originates to the endpoints.
   *
   * @default - Istio's auto mTLS (ISTIO_MUTUAL to endpoints with a sidecar, plain text otherwise)
   */
  readonly tls?: ClientTlsSettings;
}

/**
 * A traffic policy for one port of the destination, overriding the enclosing policy for that port.
 */
export interface PortTrafficPolicy {
  /** The destination port (1-65535). */
  readonly port: number;
  /** The policy for that port. */
  readonly policy: TrafficPolicy;
}

/**
 * The simple load-balancing algorithms (`loadBalancer.simple`).
 */
export enum LoadBalancerAlgorithm {
  /** Picks the endpoint with fewer active requests out of two random ones (Istio's default). */
  LEAST_REQUEST = 'LEAST_REQUEST',
  /** Round robin over the healthy endpoints. */
  ROUND_ROBIN = 'ROUND_ROBIN',
  /** Picks a random healthy endpoint. */
  RANDOM = 'RANDOM',
  /** Forwards to the original destination address the caller used, without load balancing. */
  PASSTHROUGH = 'PASSTHROUGH',
  /**
   * Deprecated alias of LEAST_REQUEST.
   * @deprecated use LEAST_REQUEST
   */
  LEAST_CONN = 'LEAST_CONN',
}

/**
 * Load-balancing settings. Set `simple` or `consistentHash`, not both.
 */
export interface LoadBalancerSettings {
  /**
   * A simple algorithm.
   *
   * @default - LEAST_REQUEST, unless `consistentHash` is set
   */
  readonly simple?: LoadBalancerAlgorithm;

  /**
   * Session affinity by hashing a request property, e.g. `ConsistentHash.httpHeader('x-user')`.
   *
   * @default - no consistent hashing
   */
  readonly consistentHash?: ConsistentHash;

  /**
   * Locality-weighted load balancing and failover.
   *
   * @default - the mesh-wide locality settings
   */
  readonly localityLbSetting?: LocalityLoadBalancerSettings;

  /**
   * Gradually increases the traffic sent to newly added endpoints. Only ROUND_ROBIN and LEAST_REQUEST support it.
   *
   * @default - new endpoints get their full share at once
   */
  readonly warmup?: LoadBalancerWarmup;
}

/**
 * Slow start for new endpoints.
 */
export interface LoadBalancerWarmup {
  /** How long a new endpoint stays in warmup (at least 1ms). */
  readonly duration: Duration;

  /**
   * The share of its full traffic a new endpoint starts with, 0-100.
   *
   * @default 10
   */
  readonly minimumPercent?: number;

  /**
   * How fast traffic ramps up: 1 is linear, higher values are slower at first.
   *
   * @default 1
   */
  readonly aggression?: number;
}

/**
 * Options common to every consistent-hash variant.
 */
export interface ConsistentHashOptions {
  /**
   * The hash function that maps the hash key to an endpoint.
   *
   * @default - ring hash with Envoy's default ring size
   */
  readonly hashFunction?: HashFunction;
}

/**
 * The cookie a consistent hash uses (and generates when absent and `ttl` is set).
 */
export interface HttpCookie {
  /** The cookie's name. */
  readonly name: string;

  /**
   * The cookie's path.
   *
   * @default - no path
   */
  readonly path?: string;

  /**
   * The lifetime of the cookie Envoy generates when the request has none. Zero generates a session cookie.
   *
   * @default - no cookie is generated; requests without it are not sticky
   */
  readonly ttl?: Duration;

  /**
   * Extra attributes of the generated cookie (name to value; an empty value renders the attribute alone).
   *
   * @default - none
   */
  readonly attributes?: { [name: string]: string };
}

/**
 * What a consistent-hash load balancer hashes to pick an endpoint (session affinity).
 *
 * @example
 * ConsistentHash.httpCookie({ name: 'session', ttl: Duration.hours(1) });
 */
export class ConsistentHash {
  /** Hashes the value of a request header. */
  public static httpHeader(name: string, options: ConsistentHashOptions = {}): ConsistentHash {
    checkArgs('ConsistentHash.httpHeader', [name, options]);
    return new ConsistentHash({ httpHeaderName: name }, options);
  }

  /** Hashes a cookie's value; Envoy generates the cookie when it is missing and `ttl` is set. */
  public static httpCookie(cookie: HttpCookie, options: ConsistentHashOptions = {}): ConsistentHash {
    checkArgs('ConsistentHash.httpCookie', [cookie, options]);
    return new ConsistentHash({ httpCookie: cookie }, options);
  }

  /** Hashes the source IP address. */
  public static sourceIp(options: ConsistentHashOptions = {}): ConsistentHash {
    checkArgs('ConsistentHash.sourceIp', [options]);
    return new ConsistentHash({ useSourceIp: true }, options);
  }

  /** Hashes the value of a query parameter. */
  public static queryParameter(name: string, options: ConsistentHashOptions = {}): ConsistentHash {
    checkArgs('ConsistentHash.queryParameter', [name, options]);
    return new ConsistentHash({ httpQueryParameterName: name }, options);
  }

  /** @internal */
  public readonly _key: {
    readonly httpHeaderName?: string;
    readonly httpCookie?: HttpCookie;
    readonly useSourceIp?: boolean;
    readonly httpQueryParameterName?: string;
  };
  /** @internal */
  public readonly _options: ConsistentHashOptions;

  private constructor(key: ConsistentHash['_key'], options: ConsistentHashOptions) {
    this._key = key;
    this._options = options;
  }
}

/**
 * The hash function of a consistent-hash load balancer.
 */
export class HashFunction {
  /**
   * Ketama ring hash.
   *
   * @param minimumRingSize the minimum number of virtual nodes on the ring; more spreads load more evenly.
   * Default: Envoy's default (1024).
   */
  public static ringHash(minimumRingSize?: number): HashFunction {
    checkArgs('HashFunction.ringHash', [minimumRingSize]);
    return new HashFunction('ringHash', minimumRingSize);
  }

  /**
   * Maglev: faster lookups and less disruption when endpoints change.
   *
   * @param tableSize the lookup table size, a prime number below 5000011. Default: Envoy's default (65537).
   */
  public static maglev(tableSize?: number): HashFunction {
    checkArgs('HashFunction.maglev', [tableSize]);
    return new HashFunction('maglev', tableSize);
  }

  /** @internal */
  public readonly _kind: 'ringHash' | 'maglev';
  /** @internal */
  public readonly _size?: number;

  private constructor(kind: 'ringHash' | 'maglev', size?: number) {
    this._kind = kind;
    this._size = size;
  }
}

/**
 * Locality-aware load balancing. Set `distribute` or `failover`/`failoverPriority`, not both. Failover only
 * happens when the policy also has `outlierDetection`.
 *
 * Localities are written `region/zone/subzone`; a trailing `*` matches everything below.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#LocalityLoadBalancerSetting
 */
export interface LocalityLoadBalancerSettings {
  /**
   * Enables or disables locality load balancing for this destination.
   *
   * @default - the mesh-wide setting (enabled)
   */
  readonly enabled?: boolean;

  /**
   * How traffic from a locality is split over localities.
   *
   * @default - traffic stays in the caller's locality while it has healthy endpoints
   */
  readonly distribute?: LocalityDistribution[];

  /**
   * Which region traffic fails over to when a region has no healthy endpoints.
   *
   * @default - the next closest locality
   */
  readonly failover?: LocalityFailover[];

  /**
   * Ordered labels (e.g. `topology.kubernetes.io/region`) that rank endpoints for failover.
   *
   * @default - locality only
   */
  readonly failoverPriority?: string[];
}

/**
 * Weights for the traffic originating in one locality.
 */
export interface LocalityDistribution {
  /** The originating locality, e.g. `us-west/zone1/*`. */
  readonly from: string;
  /** Destination localities to weights (1-100 each, summing to 100). */
  readonly to: { [locality: string]: number };
}

/**
 * A region to fail over to.
 */
export interface LocalityFailover {
  /** The region (no zone) whose traffic fails over. */
  readonly from: string;
  /** The region (no zone) it fails over to. */
  readonly to: string;
}

/**
 * Connection pool limits (circuit breaking). Set `tcp`, `http` or both.
 */
export interface ConnectionPoolSettings {
  /**
   * Limits common to TCP and HTTP.
   *
   * @default - Envoy's defaults
   */
  readonly tcp?: TcpConnectionPoolSettings;

  /**
   * HTTP limits.
   *
   * @default - Envoy's defaults
   */
  readonly http?: HttpConnectionPoolSettings;
}

/**
 * TCP connection limits.
 */
export interface TcpConnectionPoolSettings {
  /**
   * The maximum number of connections to the destination, per client proxy.
   *
   * @default 4294967295
   */
  readonly maxConnections?: number;

  /**
   * The TCP connect timeout (at least 1ms).
   *
   * @default Duration.seconds(10)
   */
  readonly connectTimeout?: Duration;

  /**
   * TCP keepalive probes on the connections.
   *
   * @default - the operating system's settings
   */
  readonly tcpKeepalive?: TcpKeepalive;

  /**
   * The maximum lifetime of a connection (at least 1ms).
   *
   * @default - unlimited
   */
  readonly maxConnectionDuration?: Duration;

  /**
   * How long a connection may be idle before it is closed; zero disables the timeout.
   *
   * @default Duration.hours(1)
   */
  readonly idleTimeout?: Duration;
}

/**
 * TCP keepalive settings.
 */
export interface TcpKeepalive {
  /**
   * How many unanswered probes close the connection.
   *
   * @default - the operating system's setting (9 on Linux)
   */
  readonly probes?: number;

  /**
   * How long a connection is idle before probes start (at least 1ms).
   *
   * @default - the operating system's setting (2 hours on Linux)
   */
  readonly time?: Duration;

  /**
   * The time between probes (at least 1ms).
   *
   * @default - the operating system's setting (75 seconds on Linux)
   */
  readonly interval?: Duration;
}

/**
 * Whether HTTP/1.1 connections to the destination are upgraded to HTTP/2.
 */
export enum H2UpgradePolicy {
  /** The mesh-wide default. */
  DEFAULT = 'DEFAULT',
  /** Never upgrade. */
  DO_NOT_UPGRADE = 'DO_NOT_UPGRADE',
  /** Upgrade to HTTP/2. */
  UPGRADE = 'UPGRADE',
}

/**
 * HTTP connection limits.
 */
export interface HttpConnectionPoolSettings {
  /**
   * The maximum number of requests queued while waiting for a connection.
   *
   * @default 4294967295
   */
  readonly http1MaxPendingRequests?: number;

  /**
   * The maximum number of active requests to the destination.
   *
   * @default 4294967295
   */
  readonly http2MaxRequests?: number;

  /**
   * The maximum number of requests per connection; 1 disables keep-alive.
   *
   * @default - unlimited
   */
  readonly maxRequestsPerConnection?: number;

  /**
   * The maximum number of concurrent retries to the destination.
   *
   * @default 4294967295
   */
  readonly maxRetries?: number;

  /**
   * How long a connection may have no active requests before it is closed (at least 1ms).
   *
   * @default Duration.hours(1)
   */
  readonly idleTimeout?: Duration;

  /**
   * Whether HTTP/1.1 connections are upgraded to HTTP/2.
   *
   * @default H2UpgradePolicy.DEFAULT
   */
  readonly h2UpgradePolicy?: H2UpgradePolicy;

  /**
   * Use the client's protocol (HTTP/1.1 or HTTP/2) towards the destination.
   *
   * @default false
   */
  readonly useClientProtocol?: boolean;

  /**
   * The maximum number of concurrent streams per HTTP/2 connection.
   *
   * @default 2147483647
   */
  readonly maxConcurrentStreams?: number;
}

/**
 * Ejects endpoints that keep failing from the load-balancing pool for a while. An empty object enables it with
 * Istio's defaults.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#OutlierDetection
 */
export interface OutlierDetection {
  /**
   * Consecutive 5xx responses (or, for TCP, connect failures) that eject an endpoint; 0 disables the check.
   *
   * @default 5
   */
  readonly consecutive5xxErrors?: number;

  /**
   * Consecutive 502/503/504 responses that eject an endpoint; 0 disables the check.
   *
   * @default - disabled
   */
  readonly consecutiveGatewayErrors?: number;

  /**
   * Consecutive locally originated failures (connect timeouts, resets) that eject an endpoint. Requires
   * `splitExternalLocalOriginErrors: true`.
   *
   * @default 5 (only with splitExternalLocalOriginErrors)
   */
  readonly consecutiveLocalOriginFailures?: number;

  /**
   * Count locally originated failures separately from upstream responses.
   *
   * @default false
   */
  readonly splitExternalLocalOriginErrors?: boolean;

  /**
   * The time between ejection sweeps (at least 1ms).
   *
   * @default Duration.seconds(10)
   */
  readonly interval?: Duration;

  /**
   * The minimum ejection time, multiplied by the number of times the endpoint was ejected (at least 1ms).
   *
   * @default Duration.seconds(30)
   */
  readonly baseEjectionTime?: Duration;

  /**
   * The maximum share of endpoints that may be ejected, 0-100.
   *
   * @default 10
   */
  readonly maxEjectionPercent?: number;

  /**
   * Outlier detection is suspended while fewer than this share of endpoints is healthy, 0-100.
   *
   * @default 0
   */
  readonly minHealthPercent?: number;
}

/**
 * The TLS a client proxy originates towards the destination.
 */
export enum ClientTlsMode {
  /** No TLS. */
  DISABLE = 'DISABLE',
  /** TLS, verifying the server's certificate. */
  SIMPLE = 'SIMPLE',
  /** Mutual TLS with a client certificate you provide. */
  MUTUAL = 'MUTUAL',
  /** Mutual TLS with the workload's Istio certificate. */
  ISTIO_MUTUAL = 'ISTIO_MUTUAL',
}

/**
 * Client-side TLS settings.
 *
 * SIMPLE and MUTUAL must verify the server: give `caCertificates` or a `credentialName` (whose Secret holds the CA),
 * choose the proxy's system CA bundle with `trustSystemCaBundle: true`, or opt out explicitly with
 * `insecureSkipVerify: true`.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings
 */
export interface ClientTlsSettings {
  /** The TLS mode. */
  readonly mode: ClientTlsMode;

  /**
   * A Secret (in the client proxy's namespace) with the client certificate, key and CA (`tls.crt`, `tls.key`,
   * `ca.crt`). Only for SIMPLE and MUTUAL, and not together with the file fields.
   *
   * @default - the file fields are used
   */
  readonly credentialName?: string;

  /**
   * Path to the CA bundle that verifies the server's certificate, in the proxy's file system.
   *
   * @default - none
   */
  readonly caCertificates?: string;

  /**
   * Path to the client certificate (MUTUAL without credentialName).
   *
   * @default - none
   */
  readonly clientCertificate?: string;

  /**
   * Path to the client private key (MUTUAL without credentialName).
   *
   * @default - none
   */
  readonly privateKey?: string;

  /**
   * The SNI sent in the TLS handshake.
   *
   * @default - Istio derives it from the request's host (for SIMPLE and MUTUAL)
   */
  readonly sni?: string;

  /**
   * Accepted subject alternative names of the server certificate.
   *
   * @default - any name the CA vouches for
   */
  readonly subjectAltNames?: string[];

  /**
   * Skip verifying the server's certificate and names. Must be set explicitly to originate TLS without a CA.
   *
   * @default false
   */
  readonly insecureSkipVerify?: boolean;

  /**
   * Verify the server against the proxy's system CA bundle instead of `caCertificates`: what Istio 1.20+ proxies
   * do when no CA is given and `VERIFY_CERTIFICATE_AT_CLIENT` is on (its default), e.g. for public APIs.
   * Nothing is rendered for it; it states the choice, so that a SIMPLE/MUTUAL setting without a CA is never an
   * accident (analyzer IST0128/IST0129 flags it, and older proxies or `VERIFY_CERTIFICATE_AT_CLIENT=false` do not
   * verify at all).
   *
   * @default false
   */
  readonly trustSystemCaBundle?: boolean;
}
