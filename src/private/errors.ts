import { IConstruct } from 'constructs';
import { STRUCTS } from './prop-shapes.generated';

/**
 * What every error of this library says: where (construct path), which field, the bad value, what is wrong,
 * how to fix it, and where it matters what the user would otherwise have seen in the cluster.
 */
export interface Problem {
  /** The field, as the user wrote it, e.g. `hosts[1]` or `http[0].route[1].weight`. */
  readonly field: string;
  /** The offending value (omitted from the message when undefined). */
  readonly value?: unknown;
  /** What is wrong, e.g. "must be between 0 and 100". */
  readonly problem: string;
  /** How to fix it, as an instruction. */
  readonly fix: string;
  /** What Istio or Envoy would do with it, e.g. "every request gets 503 NR". */
  readonly symptom?: string;
  /**
   * The prop the problem concerns, as API.md and every language's docs document it: `<Struct>.<prop>`, e.g.
   * `VirtualServiceProps.http` (`http` in TypeScript and Java's builder, `http=` in Python, `Http` in C# and Go).
   * Cross-resource (synth-time) problems name it; construction-time ones get it from their field when that starts
   * with a prop of the construct (see constructionMessage).
   */
  readonly prop?: string;
}

/** Renders a problem without the construct path (cdk8s prefixes validation messages with it). */
export function describeProblem(p: Problem): string {
  const got = p.value === undefined ? '' : ` (got ${renderValue(p.value)})`;
  const symptom = p.symptom ? ` In the cluster: ${p.symptom}.` : '';
  const see = p.prop ? ` See ${p.prop} in the API reference.` : '';
  return `${p.field}: ${p.problem}${got}. Fix: ${p.fix}.${symptom}${see}`;
}

/** The error thrown at construction time for a bad local input. */
export function configError(scope: IConstruct, p: Problem): Error {
  return new Error(constructionMessage(scope, p));
}

/** Throws a construction-time error for each problem found (the first one). */
export function throwIfProblems(scope: IConstruct, problems: Problem[]): void {
  if (problems.length > 0) {
    throw new Error(problems.map(p => constructionMessage(scope, p)).join('\n'));
  }
}

/** Throws the problems of the construct at `path`, for a check that must run before the construct exists. */
export function throwIfProblemsAt(path: string, problems: Problem[]): void {
  if (problems.length > 0) {
    const lines = problems.map(p => `[${path}] ${describeProblem(p)}`);
    throw new Error(lines.join('\n'));
  }
}

/**
 * A construction-time message. When the field is one of the construct's props, the message ends by naming the
 * prop with its struct, as API.md and every language's docs document it (`IngressRouteProps.tls`: `tls` in
 * TypeScript and in Java's builder, `tls=` in Python, `Tls` in C# and Go), so users of any jsii language can look
 * it up; other fields (a method's argument, `scope`) are left as they are.
 */
function constructionMessage(scope: IConstruct, p: Problem): string {
  return `[${scope.node.path}] ${describeProblem(p.prop ? p : { ...p, prop: documentedProp(scope, p.field) })}`;
}

/** `<Struct>.<prop>` for a field that starts with a prop of the construct's props struct (`<Construct>Props`). */
function documentedProp(scope: IConstruct, field: string): string | undefined {
  const first = /^[A-Za-z]\w*(?=$|[.[])/.exec(field)?.[0];
  if (first === undefined) return undefined;
  // the construct's class, or the nearest class of this library it extends (an app may subclass constructs)
  for (let proto = Object.getPrototypeOf(scope); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const struct = `${proto.constructor.name}Props`;
    if (Object.prototype.hasOwnProperty.call(STRUCTS, struct)) {
      return structFields(struct).includes(first) ? `${struct}.${first}` : undefined;
    }
  }
  return undefined;
}

/** The properties of a struct of the API, its parents' included (the struct shapes generated from the assembly). */
function structFields(struct: string): string[] {
  return Object.keys(STRUCTS[struct] ?? {}).flatMap(key => (key.startsWith('...') ? structFields(key.slice(3)) : [key]));
}

function renderValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  try {
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : json;
  } catch {
    return String(value);
  }
}
