import { Duration } from 'cdk8s';

/**
 * Renders a duration in the protobuf/Go syntax Istio expects (`5s`, `500ms`, `1m`, `1h`).
 * @internal
 */
export function _istioDuration(d: Duration): string {
  const ms = d.toMilliseconds();
  return `${ms}ms`;
}
