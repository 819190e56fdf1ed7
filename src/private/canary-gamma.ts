import type { CanaryReleaseProps } from '../canary-release';
import type { GatewayApiHttpRetry } from '../gateway-api-http-route';
import { HttpRetry, RetryOn } from '../http-retry';
import { Protocol } from '../protocol';
import { Problem } from './errors';

/** The alternative every refusal offers. */
export const KEEP_ISTIO = 'or keep this release on Istio\'s API (routingApi: RoutingApi.ISTIO)';

/**
 * What a CanaryRelease cannot say on the Gateway API backend (GAMMA: routes whose parent is the release's Service),
 * as Istio implements it. Istio declares every feature of the Gateway API conformance suite supported
 * (`pilot/pkg/config/kube/gateway/supported_features.go`: `suite.AllFeatures`), so what HTTPRoute has (header, query
 * and path matches, weights, RequestMirror with a percentage, timeouts, retry attempts and status codes) is emitted;
 * what the Gateway API has no field for is refused here, naming the feature and the alternative, never dropped.
 *
 * @see https://istio.io/latest/docs/ambient/migrate/migrate-policies/ (HTTPRoute needs one Service per version)
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule
 */
export function canaryGammaProblems(props: CanaryReleaseProps, protocol: Protocol, tcp: boolean): Problem[] {
  const problems: Problem[] = [];
  const grpc = protocol === Protocol.GRPC || protocol === Protocol.GRPC_WEB;
  (props.rules ?? []).forEach((rule, i) => {
    const field = `rules[${i}]`;
    // Caller matches inside CanaryRule.http() are reported with the other match fields (gatewayApiHttpMatch).
    if (rule._kind === 'sourceLabels') {
      problems.push({
        field,
        value: 'CanaryRule.sourceLabels()',
        problem: 'matches the calling workload, and Gateway API routes cannot: their matches are the request\'s path, headers, query '
          + 'parameters and method (HTTPRoute), or none (TCPRoute)',
        fix: `have the callers send a header and pin it with CanaryRule.header(), ${KEEP_ISTIO}`,
      });
    } else if (rule._kind === 'tcp') {
      problems.push({
        field,
        value: 'CanaryRule.tcp()',
        problem: 'matches connections, and a TCPRoute has no matches: every connection is split by weight',
        fix: `remove the rule, ${KEEP_ISTIO}`,
      });
    }
    if (rule._http?.fault !== undefined) {
      problems.push({
        field: `${field}.fault`,
        value: rule._http.fault,
        problem: 'injects faults, and the Gateway API has no fault injection (no HTTPRoute filter for delays or aborts)',
        fix: `test faults with a VirtualService of their own, ${KEEP_ISTIO}`,
      });
    }
  });
  if (grpc && !tcp) {
    for (const key of ['timeout', 'retries'] as const) {
      if (props[key] === undefined) continue;
      problems.push({
        field: key,
        value: key === 'timeout' ? props.timeout!.toHumanString() : props.retries!.attempts,
        problem: `is an option of HTTPRoute rules, and protocol ${protocol} is routed with a GRPCRoute, which has no timeouts or retries`,
        fix: `set protocol HTTP2 to route the gRPC service with an HTTPRoute, ${KEEP_ISTIO}`,
      });
    }
  }
  const retries = props.retries;
  if (retries !== undefined && !grpc && !tcp) {
    const conditions = (retries.retryOn ?? []).filter(c => c !== RetryOn.RETRIABLE_STATUS_CODES);
    if (conditions.length > 0) {
      problems.push({
        field: 'retries.retryOn',
        value: conditions,
        problem: 'names Envoy retry conditions, and an HTTPRoute retries on HTTP status codes only (retry.codes)',
        fix: `use retryOnStatusCodes, e.g. [502, 503], ${KEEP_ISTIO}`,
      });
    }
    if (retries.retryRemoteLocalities !== undefined) {
      problems.push({
        field: 'retries.retryRemoteLocalities',
        value: retries.retryRemoteLocalities,
        problem: 'has no HTTPRoute counterpart (retry has attempts, backoff and codes only)',
        fix: `remove it, ${KEEP_ISTIO}`,
      });
    }
  }
  return problems;
}

/**
 * A retry policy as an HTTPRoute rule's `retry`: the attempts and the retried status codes (Envoy conditions other
 * than `retriable-status-codes` were refused by `canaryGammaProblems`; `perTryTimeout` becomes the rule's
 * `backendTimeout`).
 */
export function gatewayApiRetry(retries: HttpRetry | undefined): GatewayApiHttpRetry | undefined {
  if (retries === undefined) return undefined;
  return { attempts: retries.attempts, codes: retries.retryOnStatusCodes };
}
