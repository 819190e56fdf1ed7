import { IConstruct } from 'constructs';
import { Problem, throwIfProblems, throwIfProblemsAt } from './errors';
import { CLASSES, ENUMS, STATIC_METHODS, STRUCTS } from './prop-shapes.generated';

/**
 * The shape of what a caller hands in, checked against the types of the public API.
 *
 * jsii libraries are called from JavaScript, Python and JSON config without TypeScript's checks, so a missing or
 * mistyped prop would otherwise surface as `TypeError: Cannot read properties of undefined` deep inside a construct.
 * Public constructors and `addXxx()` methods call `checkShape()` first; it reports every such mistake as a Problem
 * naming the field (`servers[0].port.number`), the value and the fix. The types come from the jsii assembly
 * (`prop-shapes.generated.ts`), so they are the very types TypeScript checks.
 */

/** Throws (all at once) the shape problems of `value` as a `type` of the API, e.g. `VirtualServiceProps`. */
export function checkShape(scope: IConstruct, type: string, value: unknown, field: string = ''): void {
  throwIfProblems(scope, shapeProblems(type, value, field));
}

/**
 * `checkShape` for a construct whose props must be checked before its base class's constructor runs (a subclass of
 * a cdk8s-plus workload): the path is that of the construct about to be created, `id` under `scope`.
 */
export function checkShapeBeforeConstruct(scope: IConstruct, id: string, type: string, value: unknown): void {
  throwIfProblemsAt(scope.node.path ? `${scope.node.path}/${id}` : id, shapeProblems(type, value));
}

/**
 * Checks the arguments of a static method of the API (`StringMatch.exact`, `TlsCredential.fromSecret`...) against its
 * declared parameter types. No construct exists yet, so the method stands where a construct path would:
 * `[StringMatch.exact] value: must be a string (got 5). Fix: ...`.
 */
export function checkArgs(method: string, args: unknown[]): void {
  const problems = (STATIC_METHODS[method] ?? []).flatMap(([name, declared], i) => {
    const optional = declared.startsWith('?');
    if (optional && args[i] === undefined) return [];
    return shapeProblems(optional ? declared.slice(1) : declared, args[i], name);
  });
  throwIfProblemsAt(method, problems);
}

/** The shape problems of `value` as a `type` of the API (see STRUCTS for the type syntax); empty when it fits. */
export function shapeProblems(type: string, value: unknown, field: string = ''): Problem[] {
  const problems: Problem[] = [];
  checkType(type, value, field || 'props', problems);
  return problems;
}

function checkType(type: string, value: unknown, field: string, out: Problem[]): void {
  if (value === undefined || value === null) {
    out.push({
      field,
      value: value === null ? null : undefined,
      problem: value === null ? `must be ${expected(type)}, not null` : 'is required',
      fix: `set ${field} to ${expected(type)}`,
    });
    return;
  }
  if (type.endsWith('[]')) {
    if (!Array.isArray(value)) {
      const single = checkQuietly(type.slice(0, -2), value);
      out.push({ field, value, problem: `must be a list of ${plural(type.slice(0, -2))}`, fix: single ? `wrap the value in a list: [${render(value)}]` : `pass ${expected(type)}` });
      return;
    }
    const itemType = type.slice(0, -2);
    value.forEach((item, i) => {
      if (!fitsTrivially(itemType, item)) checkType(itemType, item, `${field}[${i}]`, out);
    });
    return;
  }
  if (type.startsWith('{')) {
    if (!isRecord(value)) {
      out.push({ field, value, problem: `must be ${expected(type)}`, fix: `pass ${expected(type)}, e.g. { "key": ... }` });
      return;
    }
    const itemType = type.slice(1, -1);
    for (const [key, item] of Object.entries(value)) {
      if (!fitsTrivially(itemType, item)) checkType(itemType, item, `${field}[${JSON.stringify(key)}]`, out);
    }
    return;
  }
  switch (type) {
    case 'any': return;
    case 'string':
      if (typeof value !== 'string') {
        out.push({ field, value, problem: 'must be a string', fix: ['number', 'boolean'].includes(typeof value) ? `write it as a string: "${value}"` : 'pass a string' });
      }
      return;
    case 'boolean':
      if (typeof value !== 'boolean') out.push({ field, value, problem: 'must be true or false', fix: 'pass a boolean' });
      return;
    case 'number':
      checkNumber(value, field, out);
      return;
    case 'Duration':
      if (!isDuration(value)) {
        out.push({
          field,
          value,
          problem: 'must be a cdk8s Duration',
          fix: typeof value === 'number' ? `use Duration.seconds(${value}) or Duration.millis(${value}), whichever unit you meant` : 'use Duration.seconds(n) or Duration.millis(n) from cdk8s',
        });
      }
      return;
  }
  const struct = STRUCTS[type];
  if (struct) {
    if (!isRecord(value)) {
      out.push({ field, value, problem: `must be ${expected(type)}`, fix: `pass ${expected(type)}` });
      return;
    }
    checkStruct(type, value, field, out);
    return;
  }
  // Which values of an enum a field takes is the field's own rule (with a message in its terms); the shape is a string.
  const members = ENUMS[type];
  if (members) {
    if (typeof value !== 'string') {
      out.push({ field, value, problem: `must be one of ${type}'s values`, fix: `use one of ${Object.entries(members).map(([k, v]) => `${type}.${k} ("${v}")`).join(', ')}` });
    }
    return;
  }
  if (CLASSES[type] !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
    out.push({ field, value, problem: `must be ${expected(type)}`, fix: `create one with ${CLASSES[type]}` });
  }
}

function checkStruct(type: string, value: { [key: string]: unknown }, field: string, out: Problem[]): void {
  for (const p of structProperties(type)) {
    if (p.base) {
      checkStruct(p.type, value, field, out);
      continue;
    }
    const item = value[p.property];
    if (p.optional && item === undefined) continue;
    if (fitsTrivially(p.type, item)) continue;
    checkType(p.type, item, field === 'props' ? p.property : `${field}.${p.property}`, out);
  }
}

/** A property of a struct as `checkStruct` reads it: `?` and `...` taken apart once per struct, not once per check. */
interface StructProperty {
  readonly property: string;
  /** The declared type without its `?`; for a base struct (`...Base`), the base struct's name. */
  readonly type: string;
  readonly optional: boolean;
  /** Whether this entry stands for the properties of a base struct. */
  readonly base: boolean;
}

const structPropertiesByType = new Map<string, readonly StructProperty[]>();

function structProperties(type: string): readonly StructProperty[] {
  let properties = structPropertiesByType.get(type);
  if (properties === undefined) {
    properties = Object.entries(STRUCTS[type]).map(([property, declared]) => property.startsWith('...')
      ? { property, type: declared, optional: false, base: true }
      : { property, type: declared.startsWith('?') ? declared.slice(1) : declared, optional: declared.startsWith('?'), base: false });
    structPropertiesByType.set(type, properties);
  }
  return properties;
}

/**
 * Whether `value` fits `type` without a closer look: a string, boolean, finite number or enum value where one is
 * declared, or any value where `any` is. `checkType` would find no problem with it (so the field's name need not be
 * built); anything else goes to `checkType`.
 */
function fitsTrivially(type: string, value: unknown): boolean {
  switch (typeof value) {
    case 'string': return type === 'string' || type === 'any' || ENUMS[type] !== undefined;
    case 'number': return (type === 'number' && Number.isFinite(value)) || type === 'any';
    case 'boolean': return type === 'boolean' || type === 'any';
    default: return false;
  }
}

/** A number, and not NaN or infinite; whole numbers and ranges are each field's own rule. */
function checkNumber(value: unknown, field: string, out: Problem[]): void {
  if (typeof value !== 'number') {
    const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    out.push({ field, value, problem: `must be a number, not a ${Array.isArray(value) ? 'list' : typeof value}`, fix: Number.isFinite(parsed) ? `write ${parsed} without quotes` : 'pass a number' });
  } else if (Number.isNaN(value)) {
    out.push({ field, value, problem: 'is NaN (not a number)', fix: 'pass a number; check the computation that produced it' });
  } else if (!Number.isFinite(value)) {
    out.push({ field, value, problem: 'is infinite', fix: 'pass a finite number' });
  }
}

/** Whether `value` would fit `type` (used to suggest wrapping a single value in a list). */
function checkQuietly(type: string, value: unknown): boolean {
  const problems: Problem[] = [];
  checkType(type, value, '', problems);
  return problems.length === 0;
}

function expected(type: string): string {
  if (type.endsWith('[]')) return `a list of ${plural(type.slice(0, -2))}`;
  if (type.startsWith('{')) return `a map of ${plural(type.slice(1, -1))} by name`;
  switch (type) {
    case 'string': return 'a string';
    case 'boolean': return 'true or false';
    case 'number': return 'a number';
    case 'Duration': return 'a cdk8s Duration (e.g. Duration.seconds(5))';
    case 'any': return 'a value';
  }
  if (STRUCTS[type]) {
    const required = requiredProperties(type);
    return `a ${type} object${required.length > 0 ? ` with ${required.join(', ')}` : ''}`;
  }
  if (ENUMS[type]) return `a ${type} value`;
  return `a ${type} (e.g. from ${CLASSES[type] ?? type})`;
}

function plural(type: string): string {
  switch (type) {
    case 'string': return 'strings';
    case 'number': return 'numbers';
    case 'boolean': return 'booleans';
    case 'Duration': return 'Durations';
    default: return `${type} values`;
  }
}

function requiredProperties(type: string): string[] {
  return Object.entries(STRUCTS[type]).flatMap(([p, t]) => p.startsWith('...') ? requiredProperties(t) : t.startsWith('?') ? [] : [p]);
}

function isRecord(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isDuration(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { toMilliseconds?: unknown }).toMilliseconds === 'function';
}

function render(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
