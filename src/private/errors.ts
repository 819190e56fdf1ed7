import { IConstruct } from 'constructs';

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
}

/** Renders a problem without the construct path (cdk8s prefixes validation messages with it). */
export function describeProblem(p: Problem): string {
  const got = p.value === undefined ? '' : ` (got ${renderValue(p.value)})`;
  const symptom = p.symptom ? ` In the cluster: ${p.symptom}.` : '';
  return `${p.field}: ${p.problem}${got}. Fix: ${p.fix}.${symptom}`;
}

/** The error thrown at construction time for a bad local input. */
export function configError(scope: IConstruct, p: Problem): Error {
  return new Error(`[${scope.node.path}] ${describeProblem(p)}`);
}

/** Throws a construction-time error for each problem found (the first one). */
export function throwIfProblems(scope: IConstruct, problems: Problem[]): void {
  throwIfProblemsAt(scope.node.path, problems);
}

/** Throws the problems of the construct at `path`, for a check that must run before the construct exists. */
export function throwIfProblemsAt(path: string, problems: Problem[]): void {
  if (problems.length > 0) {
    const lines = problems.map(p => `[${path}] ${describeProblem(p)}`);
    throw new Error(lines.join('\n'));
  }
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
