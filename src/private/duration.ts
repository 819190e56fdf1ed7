import { Duration } from 'cdk8s';

/**
 * Renders a duration in the Go/protobuf syntax Istio's CRDs take (`5s`, `1.5s`, `250ms`, `2m`, `1h`):
 * the largest unit that represents it exactly.
 */
export function istioDuration(d: Duration): string {
  const ms = d.toMilliseconds({ integral: false });
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** Istio's rule for every duration field: at least 1ms and a whole number of milliseconds. */
export function durationProblem(d: Duration): string | undefined {
  const ms = d.toMilliseconds({ integral: false });
  if (!Number.isFinite(ms) || ms < 1) return 'must be at least 1ms';
  if (!Number.isInteger(ms)) return 'must be a whole number of milliseconds';
  return undefined;
}
