import { Problem } from './private/errors';
import { re2Issue } from './private/re2';
import { checkArgs } from './private/shape';

/**
 * How a request attribute (path, header, query parameter, authority, CORS origin...) is compared: Istio's
 * `StringMatch`.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#StringMatch
 */
export class StringMatch {
  /** The value must equal `value` (case-sensitive, unless the match sets `ignoreUriCase` for the URI). */
  public static exact(value: string): StringMatch {
    checkArgs('StringMatch.exact', [value]);
    return new StringMatch('exact', value);
  }

  /** The value must start with `value`. */
  public static prefix(value: string): StringMatch {
    checkArgs('StringMatch.prefix', [value]);
    return new StringMatch('prefix', value);
  }

  /**
   * The value must match `regex` in full, in Google RE2 syntax (what Envoy runs): no look-arounds, no
   * back-references.
   */
  public static regex(regex: string): StringMatch {
    checkArgs('StringMatch.regex', [regex]);
    return new StringMatch('regex', regex);
  }

  /**
   * Only for `headers`, `withoutHeaders` and `queryParams`: the header or parameter is present, whatever its value
   * (in `withoutHeaders`: absent). Renders as `{}`.
   */
  public static present(): StringMatch {
    checkArgs('StringMatch.present', []);
    return new StringMatch('present', undefined);
  }

  private constructor(private readonly type: string, private readonly value: string | undefined) {}

  /** The rendered Istio `StringMatch`. @internal */
  public _render(): any {
    return this.value === undefined ? {} : { [this.type]: this.value };
  }

  /**
   * What is wrong with this match at `field`. `allowEmptyPrefix` is true only for the URI (an empty URI prefix
   * matches every path); `allowPresent` for header and query-parameter maps.
   * @internal
   */
  public _problems(field: string, options: { allowEmptyPrefix: boolean; allowPresent: boolean }): Problem[] {
    if (this.type === 'present') {
      if (options.allowPresent) return [];
      return [{
        field,
        problem: 'cannot be StringMatch.present(); presence checks only exist for headers, withoutHeaders and queryParams',
        fix: 'use StringMatch.exact(), prefix() or regex(), or leave the field out to match any value',
      }];
    }
    const value = this.value!;
    if (this.type === 'prefix' && value === '' && !options.allowEmptyPrefix) {
      return [{
        field: `${field}.prefix`,
        value,
        problem: 'must not be empty (Istio rejects an empty prefix everywhere but the URI)',
        fix: 'use StringMatch.present() to match any value, or leave the field out',
      }];
    }
    if (this.type === 'regex') {
      const issue = re2Issue(value);
      if (issue) return [{ field: `${field}.regex`, value, ...issue }];
    }
    return [];
  }
}
