import { Problem } from './private/errors';
import { headerRemoveOrResponseProblem, headerValueProblem, requestHeaderSetProblem } from './private/rules';

/**
 * Header changes applied to a request or a response.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#Headers-HeaderOperations
 */
export interface HeaderOperations {
  /**
   * Headers to set, replacing any value they had. Values may use Envoy variables such as `%HOSTNAME%`; write `%%`
   * for a literal percent sign.
   *
   * @default - none
   */
  readonly set?: { [name: string]: string };

  /**
   * Headers to append (a header that is already present gets a second value).
   *
   * @default - none
   */
  readonly add?: { [name: string]: string };

  /**
   * Names of headers to remove.
   *
   * @default - none
   */
  readonly remove?: string[];
}

/**
 * Header changes for the requests a route forwards and the responses it returns.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#Headers
 */
export interface HttpHeaders {
  /**
   * Changes to the request before it is forwarded.
   *
   * @default - none
   */
  readonly request?: HeaderOperations;

  /**
   * Changes to the response before it is returned.
   *
   * @default - none
   */
  readonly response?: HeaderOperations;
}

/** What is wrong with header operations at `field` (`http[i].headers`). @internal */
export function httpHeadersProblems(field: string, headers: HttpHeaders): Problem[] {
  const problems: Problem[] = [];
  const check = (opsField: string, ops: HeaderOperations | undefined, isRequest: boolean) => {
    if (!ops) return;
    for (const op of ['set', 'add'] as const) {
      for (const [name, value] of Object.entries(ops[op] ?? {})) {
        const nameProblem = isRequest ? requestHeaderSetProblem(name) : headerRemoveOrResponseProblem(name);
        if (nameProblem) {
          problems.push({
            field: `${opsField}.${op}`,
            value: name,
            problem: `has a header name that ${nameProblem}`,
            fix: isRequest
              ? 'use a plain header name; to change the Host, use ":authority" or rewrite.authority'
              : 'use a plain header name; pseudo-headers and "host" cannot be changed on responses',
          });
        }
        const valueProblem = headerValueProblem(value);
        if (valueProblem) {
          problems.push({
            field: `${opsField}.${op}["${name}"]`,
            value,
            problem: valueProblem,
            fix: 'remove control characters and escape literal percent signs as "%%"',
            symptom: 'the webhook rejects the VirtualService',
          });
        }
      }
    }
    (ops.remove ?? []).forEach((name, i) => {
      const problem = headerRemoveOrResponseProblem(name);
      if (problem) {
        problems.push({
          field: `${opsField}.remove[${i}]`,
          value: name,
          problem,
          fix: 'remove only plain headers; pseudo-headers and "host" cannot be removed',
        });
      }
    });
  };
  check(`${field}.request`, headers.request, true);
  check(`${field}.response`, headers.response, false);
  return problems;
}

/** The wire form of header operations; undefined when there are none. @internal */
export function renderHttpHeaders(headers?: HttpHeaders): any {
  if (!headers) return undefined;
  const ops = (o?: HeaderOperations) => o && {
    set: o.set ? { ...o.set } : undefined,
    add: o.add ? { ...o.add } : undefined,
    remove: o.remove ? [...o.remove] : undefined,
  };
  return { request: ops(headers.request), response: ops(headers.response) };
}

/** Whether request header operations set or add the authority (`:authority` or `host`). @internal */
export function authorityHeaderValues(headers?: HttpHeaders): string[] {
  const values: string[] = [];
  for (const op of [headers?.request?.set, headers?.request?.add]) {
    for (const [name, value] of Object.entries(op ?? {})) {
      if (name.toLowerCase() === ':authority' || name.toLowerCase() === 'host') values.push(value);
    }
  }
  return values;
}
