import { Testing } from 'cdk8s';
import { oneOf, synth } from './util';
import { HttpRouteOptions } from '../src/http-route';
import { StringMatch } from '../src/string-match';
import { VirtualService } from '../src/virtual-service';

// istiod's webhook compiles VirtualService regexes with Go's regexp (RE2 syntax, https://github.com/google/re2/wiki/Syntax)
// and Envoy runs them with RE2; the library accepts and refuses exactly what RE2 does.

function routeWithRegex(regex: string): HttpRouteOptions {
  return { match: [{ uri: StringMatch.regex(regex) }], route: [{ host: 'reviews' }] };
}

function virtualService(route: HttpRouteOptions) {
  const chart = Testing.chart();
  new VirtualService(chart, 'Reviews', { hosts: ['reviews'], http: [route] });
  return chart;
}

describe('valid RE2 is accepted and emitted as written', () => {
  test.each([
    ['case-insensitive flag', '(?i)/admin.*'],
    ['dot matches newline', '(?s)/a.b'],
    ['flag group', '/(?i:admin)/.*'],
    ['POSIX class', '/items/[[:digit:]]+'],
    ['one-letter Unicode class', '/\\pL+'],
    ['named Unicode class', '/\\p{Greek}+'],
    ['quoted literal text', '\\Q/a.b*\\E.*'],
    ['end of text', '/api/.*\\z'],
    ['beginning of text', '\\A/api/.*'],
    ['hex code point', '/\\x{41}.*'],
    ['escaped "-"', '/a\\-b'],
    ['escaped "@"', '/user\\@host'],
    ['escaped ":"', '/a\\:b'],
    ['repeat count of exactly 1000', '/[0-9]{1,1000}'],
    ['Go named group', '/(?P<id>[0-9]+)'],
  ])('%s: %s', (_, regex) => {
    const chart = virtualService(routeWithRegex(regex));
    expect(oneOf(synth(chart), 'VirtualService').spec.http[0].match[0].uri).toEqual({ regex });
  });

  test('uriRegexRewrite accepts RE2 flags', () => {
    const chart = virtualService({ route: [{ host: 'reviews' }], rewrite: { uriRegexRewrite: { match: '(?i)^/API(/|$)(.*)', rewrite: '/\\2' } } });
    expect(oneOf(synth(chart), 'VirtualService').spec.http[0].rewrite.uriRegexRewrite.match).toEqual('(?i)^/API(/|$)(.*)');
  });
});

describe('what RE2 refuses is refused, in RE2\'s terms, with a fix that applies', () => {
  test.each([
    ['\\u escape', '/caf\\u00e9', 'is not valid RE2: invalid escape sequence: `\\u`', 'write a code point as \\x{00e9}'],
    ['repeat count over 1000', '/[0-9]{1,2000}', 'is not valid RE2: invalid repeat count: `{1,2000}`', 'RE2 repeats a group at most 1000 times'],
    ['nested repeats over 1000', '/(a{500}){3}', 'is not valid RE2: invalid repeat count: `{3}`', 'RE2 repeats a group at most 1000 times (nested repeats multiply)'],
    ['look-ahead', '/api/(?!internal).*', 'is not valid RE2: invalid or unsupported Perl syntax: `(?!`', 'RE2 has no look-around'],
    ['look-behind', '(?<=https://).*', 'is not valid RE2: invalid named capture: `(?<=https://).*`', 'RE2 has no look-around'],
    ['back-reference', '(a)\\1', 'is not valid RE2: invalid escape sequence: `\\1`', 'RE2 has no back-references'],
    ['atomic group', '(?>a)', 'is not valid RE2: invalid or unsupported Perl syntax: `(?>`', 'RE2 has no atomic groups'],
    ['possessive quantifier', 'a*+', 'is not valid RE2: invalid nested repetition operator: `*+`', 'RE2 has no possessive or doubled quantifiers'],
    ['unknown escape', '/\\Z', 'is not valid RE2: invalid escape sequence: `\\Z`', 'escape only punctuation'],
    ['repetition of nothing', '*.example.com', 'is not valid RE2: missing argument to repetition operator: `*`', 'escape the character to match it literally'],
    ['unknown Unicode class', '\\p{Elvish}', 'is not valid RE2: invalid character class range: `\\p{Elvish}`', 'rewrite the expression in RE2 syntax'],
    ['lone surrogate', '/a\uD800', 'contains a lone UTF-16 surrogate', 'write the character as a complete code point'],
  ])('%s: %s', (_, regex, problem, fix) => {
    expect(() => virtualService(routeWithRegex(regex)))
      .toThrow(`http[0].match[0].uri.regex: ${problem}`);
    expect(() => virtualService(routeWithRegex(regex))).toThrow(`Fix: ${fix}`);
  });

  test('longer than 1024 characters (istiod\'s limit)', () => {
    expect(() => virtualService(routeWithRegex('a'.repeat(1025))))
      .toThrow(/http\[0\]\.match\[0\]\.uri\.regex: is longer than 1024 characters, the most istiod accepts.*Fix: shorten/);
  });

  test('uriRegexRewrite.match is checked the same way', () => {
    expect(() => virtualService({ route: [{ host: 'reviews' }], rewrite: { uriRegexRewrite: { match: '^/(?=v1)', rewrite: '/' } } }))
      .toThrow(/http\[0\]\.rewrite\.uriRegexRewrite\.match: is not valid RE2: invalid or unsupported Perl syntax: `\(\?=`.*Fix: RE2 has no look-around/);
  });
});
