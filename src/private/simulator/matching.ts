/**
 * How Envoy and istiod compare request attributes with configured values: Istio `StringMatch`es (HTTP route
 * matches) and AuthorizationPolicy value patterns.
 */
import { re2FullMatch } from '../re2';

/**
 * An Istio `StringMatch` against `value` (undefined: the attribute is absent). An empty match `{}` tests presence,
 * as Envoy's `present_match` does for headers and query parameters. Regexes are RE2 and must match the whole
 * value (Envoy's `safe_regex` is a full match).
 */
export function stringMatches(match: any, value: string | undefined, ignoreCase = false): boolean {
  if (value === undefined) return false;
  if (match === null || typeof match !== 'object') return false;
  const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  if (typeof match.exact === 'string') return fold(value) === fold(match.exact);
  if (typeof match.prefix === 'string') return fold(value).startsWith(fold(match.prefix));
  if (typeof match.regex === 'string') return re2FullMatch(match.regex, value);
  return true;
}

/**
 * An AuthorizationPolicy value (`principals`, `paths`, `hosts`, `when.values`, ...): exact, or with one `*` as a
 * prefix (`*foo`), suffix (`foo*`) or the whole value (`*`: present).
 */
export function policyValueMatches(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  return pattern === value;
}

/** Whether any pattern matches one of the values. */
export function anyPolicyValueMatches(patterns: string[], values: string[]): boolean {
  return patterns.some(p => values.some(v => policyValueMatches(p, v)));
}
