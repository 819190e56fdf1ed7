import { Duration } from 'cdk8s';
import { istioDuration, durationProblem } from './private/duration';
import { Problem } from './private/errors';
import { IstioRelease, VERSION_GATES, versionGateProblem } from './private/istio-version';

/**
 * A condition under which Envoy retries a request (the named items of Istio's `retryOn`).
 *
 * @see https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/router_filter#x-envoy-retry-on
 */
export enum RetryOn {
  /** Any 5xx response, or no response at all (disconnect, reset, read timeout). */
  FIVE_XX = '5xx',
  /** 502, 503 or 504 responses. */
  GATEWAY_ERROR = 'gateway-error',
  /** No response at all: disconnect, reset or read timeout. */
  RESET = 'reset',
  /** A reset before any request bytes were sent upstream (safe for non-idempotent requests). */
  RESET_BEFORE_REQUEST = 'reset-before-request',
  /** The connection to the upstream failed. */
  CONNECT_FAILURE = 'connect-failure',
  /** Retriable 4xx responses (currently 409). */
  RETRIABLE_4XX = 'retriable-4xx',
  /** The upstream reset the stream with REFUSED_STREAM. */
  REFUSED_STREAM = 'refused-stream',
  /** The response status is one of the retriable status codes (see `retryOnStatusCodes`). */
  RETRIABLE_STATUS_CODES = 'retriable-status-codes',
  /** The response carries one of the retriable headers. */
  RETRIABLE_HEADERS = 'retriable-headers',
  /** The upstream answered with `x-envoy-ratelimited`. */
  ENVOY_RATELIMITED = 'envoy-ratelimited',
  /** An HTTP/3 request failed after the connection was established (retried over TCP). */
  HTTP3_POST_CONNECT_FAILURE = 'http3-post-connect-failure',
  /** gRPC status CANCELLED. */
  CANCELLED = 'cancelled',
  /** gRPC status DEADLINE_EXCEEDED. */
  DEADLINE_EXCEEDED = 'deadline-exceeded',
  /** gRPC status INTERNAL. */
  INTERNAL = 'internal',
  /** gRPC status RESOURCE_EXHAUSTED. */
  RESOURCE_EXHAUSTED = 'resource-exhausted',
  /** gRPC status UNAVAILABLE. */
  UNAVAILABLE = 'unavailable',
}

/**
 * How an HTTP route retries failed requests.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRetry
 */
export interface HttpRetry {
  /** How many times to retry a request; 0 turns retries off (Istio's default is 2 attempts). */
  readonly attempts: number;

  /**
   * The timeout of each attempt, at least 1ms.
   *
   * @default - the route's timeout
   */
  readonly perTryTimeout?: Duration;

  /**
   * When to retry.
   *
   * @default - connect-failure, refused-stream, unavailable, cancelled and retriable-status-codes
   */
  readonly retryOn?: RetryOn[];

  /**
   * Response status codes that trigger a retry, e.g. `[503]`.
   *
   * @default - none
   */
  readonly retryOnStatusCodes?: number[];

  /**
   * Whether retries may go to endpoints in other localities.
   *
   * @default false
   */
  readonly retryRemoteLocalities?: boolean;
}

/** What is wrong with a retry policy at `field` (`http[i].retries`) for the target Istio `release`. @internal */
export function httpRetryProblems(field: string, r: HttpRetry, release: IstioRelease): Problem[] {
  const problems: Problem[] = [];
  if (!Number.isInteger(r.attempts) || r.attempts < 0) {
    problems.push({ field: `${field}.attempts`, value: r.attempts, problem: 'must be a whole number, 0 or more', fix: 'use e.g. 3, or 0 to turn retries off' });
  } else if (r.attempts === 0) {
    const set = [
      r.perTryTimeout && 'perTryTimeout',
      (r.retryOn?.length || r.retryOnStatusCodes?.length) && 'retryOn',
      r.retryRemoteLocalities !== undefined && 'retryRemoteLocalities',
    ].filter(Boolean);
    if (set.length > 0) {
      problems.push({
        field: `${field}.attempts`,
        value: 0,
        problem: `is 0 (retries off) while ${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} set`,
        fix: 'set attempts to 1 or more, or drop the other retry settings',
        symptom: 'the webhook rejects the VirtualService ("retry policy configured when attempts are set to 0")',
      });
    }
  }
  if (r.perTryTimeout) {
    const problem = durationProblem(r.perTryTimeout);
    if (problem) problems.push({ field: `${field}.perTryTimeout`, value: r.perTryTimeout.toHumanString(), problem, fix: 'use e.g. Duration.seconds(2)' });
  }
  const known = Object.values(RetryOn) as string[];
  (r.retryOn ?? []).forEach((c, i) => {
    if (!known.includes(c)) {
      problems.push({
        field: `${field}.retryOn[${i}]`,
        value: c,
        problem: `is not a retry condition Istio knows (${known.join(', ')})`,
        fix: 'use a RetryOn value; put status codes in retryOnStatusCodes',
      });
    }
    if (c === RetryOn.RESET_BEFORE_REQUEST) {
      const old = versionGateProblem(release, VERSION_GATES.resetBeforeRequest, `${field}.retryOn[${i}]`, c,
        'use RetryOn.RESET where requests are idempotent (it also retries after the upstream may have got the request), or drop it',
        'the webhook rejects the VirtualService ("reset-before-request" is not in its list of retryOn policies)');
      if (old) problems.push(old);
    }
  });
  (r.retryOnStatusCodes ?? []).forEach((code, i) => {
    if (!isKnownHttpStatus(code)) {
      problems.push({
        field: `${field}.retryOnStatusCodes[${i}]`,
        value: code,
        problem: 'is not a registered HTTP status code',
        fix: 'use a status code such as 503',
      });
    }
  });
  return problems;
}

/** The wire form of a retry policy. @internal */
export function renderHttpRetry(r?: HttpRetry): any {
  if (!r) return undefined;
  const retryOn = [...(r.retryOn ?? []), ...(r.retryOnStatusCodes ?? []).map(String)];
  return {
    attempts: r.attempts,
    perTryTimeout: r.perTryTimeout && istioDuration(r.perTryTimeout),
    // Istio splits retryOn on "," without trimming, so no spaces.
    retryOn: retryOn.length > 0 ? retryOn.join(',') : undefined,
    retryRemoteLocalities: r.retryRemoteLocalities,
  };
}

/** Status codes Go's net/http knows (`http.StatusText(code) != ""`), the set Istio accepts in `retryOn`. */
function isKnownHttpStatus(code: number): boolean {
  if (!Number.isInteger(code)) return false;
  const ranges: Array<[number, number]> = [
    [100, 103], [200, 208], [226, 226], [300, 305], [307, 308], [400, 418], [421, 426], [428, 429], [431, 431],
    [451, 451], [500, 508], [510, 511],
  ];
  return ranges.some(([lo, hi]) => code >= lo && code <= hi);
}
