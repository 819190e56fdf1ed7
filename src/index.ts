// The package root is the jsii API and nothing else (test/ecosystem-surface.test.ts compares it with the assembly).
// Modules that also hold internal rendering/rule helpers (used by other modules) export their API types by name.
export * from './api-version';
export * from './protocol';
export * from './resource';
export * from './service-entry';
export * from './sidecar';
export { PolicyTargetReference, PolicyTargetReferenceOptions, PolicyTargetingProps } from './workload-target';
export * from './peer-authentication';
export * from './authorization-policy';
export * from './request-authentication';
export * from './mesh-service';
export * from './mesh-workload';
export * from './service-backend';
export * from './gateway';
export * from './destination-rule';
export * from './traffic-policy';
export * from './string-match';
export { HttpMatch, TcpMatch, TlsMatch } from './route-match';
export { HttpMirror, HttpRouteDestination, RouteDestination } from './route-destination';
export { HeaderOperations, HttpHeaders } from './http-headers';
export { HttpRetry, RetryOn } from './http-retry';
export { FaultAbort, FaultDelay, GrpcStatus, HttpFault } from './http-fault';
export { CorsMethod, CorsPolicy } from './cors-policy';
export { HttpDelegate, HttpDirectResponse, HttpRedirect, HttpRewrite, HttpRouteOptions, RedirectPortSelection, RedirectScheme, RegexRewrite } from './http-route';
export { TcpRouteOptions, TlsRouteOptions } from './l4-route';
export * from './virtual-service';
export * from './egress-through-gateway';
export * from './mesh-namespace';
export * from './certificate';
export * from './ingress-tls';
export * from './ingress-gateway';
export * from './ingress-jwt';
export * from './ingress-route';
export * from './canary-release';
export * from './telemetry';
export * from './simulator';
export * from './mesh-app';
export { GatewayApiBackend, GatewayApiBackendOptions, GatewayApiNamedParentOptions, GatewayApiParent, GatewayApiParentOptions } from './gateway-api-refs';
export {
  GatewayApiCertificateRef, GatewayApiGateway, GatewayApiGatewayProps, GatewayApiListener, GatewayApiListenerTls, GatewayApiProtocol,
  GatewayApiRouteKind, GatewayApiRoutesFrom, GatewayApiTlsMode,
} from './gateway-api-gateway';
export { GatewayApiHostnameRouteProps, GatewayApiRoute, GatewayApiRouteProps } from './gateway-api-route';
export {
  GatewayApiHttpFilter, GatewayApiHttpMatch, GatewayApiHttpMethod, GatewayApiHttpRetry, GatewayApiHttpRoute, GatewayApiHttpRouteProps,
  GatewayApiHttpRule, GatewayApiMirrorOptions, GatewayApiRedirect, GatewayApiRewrite, GatewayApiValueMatch,
} from './gateway-api-http-route';
export { GatewayApiGrpcMatch, GatewayApiGrpcRoute, GatewayApiGrpcRouteProps, GatewayApiGrpcRule } from './gateway-api-grpc-route';
export * from './gateway-api-l4-routes';
export * from './reference-grant';
