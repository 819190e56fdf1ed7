import { Duration } from 'cdk8s';
import { durationProblem, istioDuration } from './private/duration';
import { Problem } from './private/errors';
import { percentProblem } from './private/rules';
import { checkArgs } from './private/shape';

/**
 * A gRPC status code, by the name Istio's `fault.abort.grpcStatus` takes.
 */
export enum GrpcStatus {
  /** Not an error. */
  OK = 'OK',
  /** The operation was cancelled. */
  CANCELLED = 'CANCELLED',
  /** Unknown error. */
  UNKNOWN = 'UNKNOWN',
  /** The client sent an invalid argument. */
  INVALID_ARGUMENT = 'INVALID_ARGUMENT',
  /** The deadline expired. */
  DEADLINE_EXCEEDED = 'DEADLINE_EXCEEDED',
  /** The entity was not found. */
  NOT_FOUND = 'NOT_FOUND',
  /** The entity already exists. */
  ALREADY_EXISTS = 'ALREADY_EXISTS',
  /** The caller may not do this. */
  PERMISSION_DENIED = 'PERMISSION_DENIED',
  /** A quota or resource ran out. */
  RESOURCE_EXHAUSTED = 'RESOURCE_EXHAUSTED',
  /** The system is not in a state the operation needs. */
  FAILED_PRECONDITION = 'FAILED_PRECONDITION',
  /** The operation was aborted. */
  ABORTED = 'ABORTED',
  /** The operation went past the valid range. */
  OUT_OF_RANGE = 'OUT_OF_RANGE',
  /** The operation is not implemented. */
  UNIMPLEMENTED = 'UNIMPLEMENTED',
  /** Internal error. */
  INTERNAL = 'INTERNAL',
  /** The service is unavailable. */
  UNAVAILABLE = 'UNAVAILABLE',
  /** Unrecoverable data loss. */
  DATA_LOSS = 'DATA_LOSS',
  /** The caller is not authenticated. */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
}

/**
 * Requests a fault answers immediately with an error instead of forwarding them.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPFaultInjection-Abort
 */
export class FaultAbort {
  /**
   * Answer with HTTP status `status` (200 to 600).
   *
   * @param status the HTTP status code, e.g. 503
   * @param percentage the percentage of requests to abort: 0, or 0.0001 to 100; default 100
   */
  public static httpStatus(status: number, percentage?: number): FaultAbort {
    checkArgs('FaultAbort.httpStatus', [status, percentage]);
    return new FaultAbort(status, undefined, percentage);
  }

  /**
   * Answer with gRPC status `status`.
   *
   * @param status the gRPC status, e.g. `GrpcStatus.UNAVAILABLE`
   * @param percentage the percentage of requests to abort: 0, or 0.0001 to 100; default 100
   */
  public static grpcStatus(status: GrpcStatus, percentage?: number): FaultAbort {
    checkArgs('FaultAbort.grpcStatus', [status, percentage]);
    return new FaultAbort(undefined, status, percentage);
  }

  private constructor(
    private readonly http: number | undefined,
    private readonly grpc: GrpcStatus | undefined,
    private readonly percentage: number | undefined,
  ) {}

  /** @internal */
  public _problems(field: string): Problem[] {
    const problems: Problem[] = [];
    if (this.http !== undefined && (!Number.isInteger(this.http) || this.http < 200 || this.http > 600)) {
      problems.push({ field: `${field}.httpStatus`, value: this.http, problem: 'must be a whole number from 200 to 600', fix: 'use a status such as 503' });
    }
    const known = Object.values(GrpcStatus) as string[];
    if (this.grpc !== undefined && !known.includes(this.grpc)) {
      problems.push({
        field: `${field}.grpcStatus`,
        value: this.grpc,
        problem: 'is not a gRPC status name',
        fix: `use a GrpcStatus value (${known.join(', ')})`,
      });
    }
    problems.push(...percentageProblems(`${field}.percentage.value`, this.percentage));
    return problems;
  }

  /** @internal */
  public _render(): any {
    return { httpStatus: this.http, grpcStatus: this.grpc, percentage: { value: this.percentage ?? 100 } };
  }
}

/**
 * Requests a fault holds back before forwarding them.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPFaultInjection-Delay
 */
export interface FaultDelay {
  /** How long to hold each request, at least 1ms. */
  readonly fixedDelay: Duration;

  /**
   * The percentage of requests to delay: 0, or 0.0001 to 100.
   *
   * @default 100
   */
  readonly percentage?: number;
}

/**
 * Faults an HTTP route injects to test how callers cope (delays and/or aborts). Istio only applies faults to
 * the share of requests given by `percentage`, which this library always renders (Istio applies none without it).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPFaultInjection
 */
export interface HttpFault {
  /**
   * Delay requests.
   *
   * @default - no delay
   */
  readonly delay?: FaultDelay;

  /**
   * Abort requests.
   *
   * @default - no abort
   */
  readonly abort?: FaultAbort;
}

/** What is wrong with a fault at `field` (`http[i].fault`). @internal */
export function httpFaultProblems(field: string, f: HttpFault): Problem[] {
  if (!f.delay && !f.abort) {
    return [{
      field,
      problem: 'has neither delay nor abort',
      fix: 'add delay: { fixedDelay: Duration.seconds(5) } or abort: FaultAbort.httpStatus(503), or drop the fault',
      symptom: 'the webhook rejects the VirtualService ("one of delay or abort must be specified")',
    }];
  }
  const problems: Problem[] = [];
  if (f.delay) {
    const problem = durationProblem(f.delay.fixedDelay);
    if (problem) {
      problems.push({ field: `${field}.delay.fixedDelay`, value: f.delay.fixedDelay.toHumanString(), problem, fix: 'use e.g. Duration.seconds(7)' });
    }
    problems.push(...percentageProblems(`${field}.delay.percentage.value`, f.delay.percentage));
  }
  if (f.abort) problems.push(...f.abort._problems(`${field}.abort`));
  return problems;
}

/** The wire form of a fault. @internal */
export function renderHttpFault(f?: HttpFault): any {
  if (!f) return undefined;
  return {
    delay: f.delay && { fixedDelay: istioDuration(f.delay.fixedDelay), percentage: { value: f.delay.percentage ?? 100 } },
    abort: f.abort?._render(),
  };
}

// Envoy's fractional percent has a resolution of one in a million, so istiod refuses fault percentages between 0
// and 0.0001 (they would round to 0).
const MIN_FAULT_PERCENTAGE = 0.0001;

function percentageProblems(field: string, value: number | undefined): Problem[] {
  if (value === undefined) return [];
  const problem = percentProblem(value);
  if (problem) return [{ field, value, problem, fix: 'use a percentage such as 10 (or 100 for every request)' }];
  if (value > 0 && value < MIN_FAULT_PERCENTAGE) {
    return [{
      field,
      value,
      problem: `is below ${MIN_FAULT_PERCENTAGE}, the smallest share of requests Istio can inject a fault into`,
      fix: `use 0 to inject no fault, or at least ${MIN_FAULT_PERCENTAGE}`,
      symptom: 'the webhook rejects the VirtualService',
    }];
  }
  return [];
}
