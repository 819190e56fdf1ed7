/**
 * A protocol Istio understands on a port: the `protocol` field of Gateway servers, ServiceEntry ports and
 * Sidecar listeners, and the `<protocol>` prefix of Kubernetes Service port names.
 */
export enum Protocol {
  /** HTTP/1.1 (and HTTP/2 with prior knowledge). */
  HTTP = 'HTTP',
  /** HTTP over TLS. */
  HTTPS = 'HTTPS',
  /** HTTP/2. */
  HTTP2 = 'HTTP2',
  /** gRPC. */
  GRPC = 'GRPC',
  /** gRPC-Web. */
  GRPC_WEB = 'GRPC-WEB',
  /** Opaque TCP. */
  TCP = 'TCP',
  /** TLS, routed by SNI. */
  TLS = 'TLS',
  /** MongoDB. */
  MONGO = 'MONGO',
  /** MySQL. */
  MYSQL = 'MYSQL',
  /** Redis. */
  REDIS = 'REDIS',
  /** UDP. */
  UDP = 'UDP',
}
