/**
 * Parsing of CEL expressions (Common Expression Language), as Envoy and Istio evaluate them in access-log filters
 * and metric tag overrides. Only the syntax is checked: the attributes (`response.code`, `request.headers[...]`)
 * are Envoy's and are resolved at run time.
 */

type CelParse = (expression: string) => unknown;

let parser: CelParse | undefined;

/**
 * `@marcbachmann/cel-js` is an ES module (a bundled dependency). Node >= 20.19 can `require()` ES modules; it is
 * loaded through Node's own `require` so that it also loads where the module loader is not Node's (jest).
 */
function celParse(): CelParse {
  if (parser === undefined) {
    const getBuiltin = (process as any).getBuiltinModule as ((id: string) => any) | undefined;
    const nodeRequire: NodeRequire = typeof getBuiltin === 'function' ? getBuiltin('module').createRequire(__filename) : require;
    parser = nodeRequire('@marcbachmann/cel-js').parse as CelParse;
  }
  return parser;
}

/** What is wrong with a CEL expression's syntax, if anything (the parser's first message line). */
export function celExpressionProblem(expression: string): string | undefined {
  if (expression.trim().length === 0) return 'must not be empty';
  try {
    celParse()(expression);
    return undefined;
  } catch (e) {
    const message = String((e as Error)?.message ?? e).split('\n')[0];
    return `is not a valid CEL expression (${message})`;
  }
}
