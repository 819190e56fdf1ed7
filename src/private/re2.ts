import { RE2JS } from 're2js';

/**
 * Regular expressions as istiod and Envoy parse them.
 *
 * istiod's webhook compiles every regex of a VirtualService with Go's `regexp` (RE2 syntax,
 * https://github.com/google/re2/wiki/Syntax) and refuses the object when that fails; Envoy then runs it with
 * Google RE2. `re2js` is a JavaScript port of RE2/J, itself a port of Go's `regexp/syntax`, so it accepts and
 * refuses what Go does, including:
 * - the repeat limit: `{n}`, `{n,}` and `{n,m}` at most 1000, also for nested repeats (`(a{500}){3}` is 1500);
 * - no `\u` escape (RE2 writes `\x{00e9}`), no look-around, back-references, atomic groups or possessive
 *   quantifiers, no `\Z`, `\G`, `\h`, `\C` (Go refuses `\C`, although C++ RE2 has it);
 * - flags `(?imsU)`, `(?i:...)`, POSIX classes `[[:digit:]]`, Unicode classes `\pL`, `\p{Greek}`, quoting
 *   `\Q...\E`, `\A`, `\z`, `\x{41}`, and any escaped punctuation (`\-`, `\@`, `\:`);
 * - at most 1000 levels of nesting.
 *
 * What the engine does not do itself is added here, as RE2 does it:
 * - RE2 parses UTF-8 text (Go: "invalid UTF-8"); a JavaScript string with a lone UTF-16 surrogate has no UTF-8
 *   form, so it is refused.
 * - istiod refuses an empty regex and one longer than 1024 characters (Envoy's program size limit, approximated by
 *   length).
 */

/** What is wrong with a regex, in RE2's terms, and how to fix it. */
export interface Re2Issue {
  readonly problem: string;
  readonly fix: string;
}

const MAX_LENGTH = 1024;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const SYNTAX_URL = 'https://github.com/google/re2/wiki/Syntax';

/** A regex compiled once: its RE2 program, or what is wrong with it. */
interface Compiled {
  readonly program?: RE2JS;
  readonly issue?: Re2Issue;
}

const cache = new Map<string, Compiled>();

function compiled(regex: string): Compiled {
  let entry = cache.get(regex);
  if (entry === undefined) {
    entry = compile(regex);
    cache.set(regex, entry);
  }
  return entry;
}

/** Checks `regex` as istiod's webhook (Go `regexp.Compile`) and Envoy (RE2) do; undefined when both accept it. */
export function re2Issue(regex: string): Re2Issue | undefined {
  return compiled(regex).issue;
}

/** Whether RE2 `regex` matches all of `value`, as Envoy's `safe_regex` does; a regex RE2 refuses matches nothing. */
export function re2FullMatch(regex: string, value: string): boolean {
  return compiled(regex).program?.matches(value) ?? false;
}

function compile(regex: string): Compiled {
  const issue = syntaxIssue(regex);
  if (issue !== undefined) return { issue };
  try {
    return { program: RE2JS.compile(regex) };
  } catch (e) {
    const message = (e as Error).message.replace(/^error parsing regexp: /, '');
    return { issue: { problem: `is not valid RE2: ${message}`, fix: fixFor(message) } };
  }
}

/** What istiod refuses before RE2 parses the regex, and what RE2 refuses that the JavaScript port cannot see. */
function syntaxIssue(regex: string): Re2Issue | undefined {
  if (regex.length === 0) return { problem: 'must not be empty', fix: 'write a regex, e.g. ".*" to match anything, or leave the match out' };
  if (regex.length > MAX_LENGTH) {
    return { problem: `is longer than ${MAX_LENGTH} characters, the most istiod accepts`, fix: 'shorten the expression, e.g. match a common prefix instead of listing every value' };
  }
  if (LONE_SURROGATE.test(regex)) {
    return { problem: 'contains a lone UTF-16 surrogate, which has no UTF-8 form (RE2 parses UTF-8 text)', fix: 'write the character as a complete code point, e.g. \\x{1F600}' };
  }
  return undefined;
}

/** A fix that applies to the RE2 error, in RE2 syntax. */
function fixFor(message: string): string {
  if (message.includes('`\\u')) return 'write a code point as \\x{00e9} instead of \\u00e9 (RE2 has no \\u escape)';
  if (/invalid escape sequence: `\\[1-9k]/.test(message)) return 'RE2 has no back-references; match the repeated text explicitly';
  if (message.includes('invalid repeat count')) return 'RE2 repeats a group at most 1000 times (nested repeats multiply); use a smaller count or "+" / "*"';
  if (/`\(\?<?[=!]/.test(message)) return 'RE2 has no look-around; list the alternatives you want to match instead';
  if (message.includes('`(?>')) return 'RE2 has no atomic groups; use a plain group (?:...)';
  if (message.includes('nested repetition operator')) return 'RE2 has no possessive or doubled quantifiers; use one of *, +, ? or {n,m} per item';
  if (message.includes('missing argument to repetition operator')) return 'escape the character to match it literally, e.g. "\\*", or put what it repeats before it';
  if (message.includes('invalid escape sequence')) return `escape only punctuation, or use an escape RE2 knows (\\d, \\s, \\w, \\b, \\pL, \\x{41}; ${SYNTAX_URL})`;
  return `rewrite the expression in RE2 syntax (${SYNTAX_URL})`;
}
