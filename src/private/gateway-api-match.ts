import { GatewayApiHttpMatch, GatewayApiHttpMethod, stringMatchType } from '../gateway-api-http-route';
import { HttpMatch } from '../route-match';
import { StringMatch } from '../string-match';
import { Problem } from './errors';

/** HttpMatch fields an HTTPRoute match has no counterpart for, with what they match. */
const UNSUPPORTED: ReadonlyArray<[keyof HttpMatch, string]> = [
  ['scheme', 'the URI scheme'],
  ['authority', 'the authority (Host)'],
  ['withoutHeaders', 'the absence of headers'],
  ['ignoreUriCase', 'paths case-insensitively'],
  ['port', 'the port'],
  ['sourceLabels', 'the calling workload\'s labels'],
  ['sourceNamespace', 'the calling workload\'s namespace'],
  ['gateways', 'the gateway'],
  ['statPrefix', 'nothing (it names statistics)'],
  ['name', 'nothing (it names the match)'],
];

/**
 * Istio's HTTP match condition as a Gateway API HTTPRoute match: `uri` becomes `path`, `headers` and `queryParams`
 * become name/value lists, an exact `method` the method. What an HTTPRoute match has no field for is reported in
 * `problems` (fields `<field>.<key>`), with `alternative` as the fix, never dropped.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httproutematch
 */
export function toGatewayApiHttpMatch(field: string, m: HttpMatch, problems: Problem[], alternative: string): GatewayApiHttpMatch {
  for (const [key, what] of UNSUPPORTED) {
    if (m[key] === undefined) continue;
    problems.push({
      field: `${field}.${key}`,
      value: m[key],
      problem: `matches ${what}, and an HTTPRoute match has no such field (only path, headers, query parameters and method)`,
      fix: alternative,
    });
  }
  let method: GatewayApiHttpMethod | undefined;
  if (m.method !== undefined) {
    const value = (Object.values(m.method._render())[0] ?? '') as string;
    method = stringMatchType(m.method) === 'exact' ? (Object.values(GatewayApiHttpMethod) as string[]).find(v => v === value) as GatewayApiHttpMethod : undefined;
    if (method === undefined) {
      problems.push({
        field: `${field}.method`,
        value,
        problem: 'is not StringMatch.exact() of an HTTP method, and an HTTPRoute matches one method exactly',
        fix: `match one method per condition, e.g. StringMatch.exact('GET'), ${alternative}`,
      });
    }
  }
  const list = (values?: { [name: string]: StringMatch }) => values && Object.entries(values).map(([name, value]) => ({ name, value }));
  return { path: m.uri, headers: list(m.headers), queryParams: list(m.queryParams), method };
}
