import { Duration } from 'cdk8s';
import { durationProblem, istioDuration } from './private/duration';
import { Problem } from './private/errors';
import { StringMatch } from './string-match';

/**
 * An HTTP method a CORS policy allows. Istio compares these case-sensitively.
 */
export enum CorsMethod {
  /** GET */
  GET = 'GET',
  /** HEAD */
  HEAD = 'HEAD',
  /** POST */
  POST = 'POST',
  /** PUT */
  PUT = 'PUT',
  /** PATCH */
  PATCH = 'PATCH',
  /** DELETE */
  DELETE = 'DELETE',
  /** CONNECT */
  CONNECT = 'CONNECT',
  /** OPTIONS */
  OPTIONS = 'OPTIONS',
  /** TRACE */
  TRACE = 'TRACE',
  /** Every method. */
  ALL = '*',
}

/**
 * The Cross-Origin Resource Sharing policy of an HTTP route.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#CorsPolicy
 */
export interface CorsPolicy {
  /**
   * Origins allowed to make cross-origin requests, e.g. `StringMatch.exact('https://shop.example.com')`.
   *
   * @default - no origin is allowed
   */
  readonly allowOrigins?: StringMatch[];

  /**
   * Methods allowed (the `Access-Control-Allow-Methods` header).
   *
   * @default - the methods of the preflight request are not advertised
   */
  readonly allowMethods?: CorsMethod[];

  /**
   * Request headers allowed (`Access-Control-Allow-Headers`), or `*`.
   *
   * @default - none
   */
  readonly allowHeaders?: string[];

  /**
   * Response headers browsers may read (`Access-Control-Expose-Headers`), or `*`.
   *
   * @default - none
   */
  readonly exposeHeaders?: string[];

  /**
   * How long browsers may cache the preflight response, in whole seconds.
   *
   * @default - browsers do not cache it
   */
  readonly maxAge?: Duration;

  /**
   * Whether the actual request may carry credentials (`Access-Control-Allow-Credentials`).
   *
   * @default false
   */
  readonly allowCredentials?: boolean;
}

const HEADER_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** What is wrong with a CORS policy at `field` (`http[i].corsPolicy`). @internal */
export function corsPolicyProblems(field: string, c: CorsPolicy): Problem[] {
  const problems: Problem[] = [];
  (c.allowOrigins ?? []).forEach((o, i) => {
    const origin = o._render();
    if (Object.keys(origin).length === 0 || origin.exact === '' || origin.prefix === '') {
      problems.push({
        field: `${field}.allowOrigins[${i}]`,
        value: origin,
        problem: 'must be a non-empty exact, prefix or regex match',
        fix: 'use e.g. StringMatch.exact("https://shop.example.com")',
      });
    } else {
      problems.push(...o._problems(`${field}.allowOrigins[${i}]`, { allowEmptyPrefix: false, allowPresent: false }));
    }
  });
  const methods = Object.values(CorsMethod) as string[];
  (c.allowMethods ?? []).forEach((m, i) => {
    if (!methods.includes(m)) {
      problems.push({
        field: `${field}.allowMethods[${i}]`,
        value: m,
        problem: `must be one of ${methods.join(', ')} (case-sensitive)`,
        fix: 'use a CorsMethod value, e.g. CorsMethod.GET',
        symptom: 'the webhook rejects the VirtualService',
      });
    }
  });
  for (const key of ['allowHeaders', 'exposeHeaders'] as const) {
    (c[key] ?? []).forEach((h, i) => {
      if (h !== '*' && !HEADER_TOKEN.test(h)) {
        problems.push({ field: `${field}.${key}[${i}]`, value: h, problem: 'must be "*" or an HTTP header name', fix: 'list header names such as "x-user", one per entry' });
      }
    });
  }
  if (c.maxAge) {
    const ms = c.maxAge.toMilliseconds({ integral: false });
    const problem = durationProblem(c.maxAge) ?? (ms % 1000 !== 0 ? 'must be a whole number of seconds' : undefined);
    if (problem) {
      problems.push({ field: `${field}.maxAge`, value: c.maxAge.toHumanString(), problem, fix: 'use e.g. Duration.hours(24) or Duration.seconds(600)' });
    }
  }
  return problems;
}

/** The wire form of a CORS policy. @internal */
export function renderCorsPolicy(c?: CorsPolicy): any {
  if (!c) return undefined;
  return {
    allowOrigins: c.allowOrigins?.map(o => o._render()),
    allowMethods: c.allowMethods ? [...c.allowMethods] : undefined,
    allowHeaders: c.allowHeaders ? [...c.allowHeaders] : undefined,
    exposeHeaders: c.exposeHeaders ? [...c.exposeHeaders] : undefined,
    maxAge: c.maxAge && istioDuration(c.maxAge),
    allowCredentials: c.allowCredentials,
  };
}
