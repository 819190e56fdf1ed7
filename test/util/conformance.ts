/**
 * Conformance oracle for everything the tests synthesize.
 *
 * Every object is checked the way a Kubernetes API server with Istio, Gateway API and cert-manager installed would
 * check it, offline:
 * - custom resources against the CRD's openAPIV3Schema (ajv) and its CEL rules (`x-kubernetes-validations`);
 * - Kubernetes kinds against the `kubernetes-models` schemas plus the API server's own rules that no schema encodes
 *   (DNS-1123 names, port ranges, port names, selectors);
 * - unknown fields are errors: the API server prunes them silently, so Istio never sees what we meant.
 *
 * The checks are deliberately independent of `src/` (no shared rule code): an oracle that reuses the code under
 * test cannot catch that code's mistakes.
 *
 * Reference files come from `../shared` (override with `CDK8S_ISTIO_SHARED`); they are read, never copied.
 * Parsed CRDs are cached in `os.tmpdir()` because jest gives every test file a fresh module registry.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import type { default as Ajv, ErrorObject, FormatDefinition, ValidateFunction } from 'ajv';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The CRD bundles the validator knows, relative to the shared directory. */
export const CRD_SOURCES = [
  'istio/crd-all-1.30.3.yaml',
  'istio/gateway-api-crd.yaml',
  'cert-manager/certificates-crd-v1.21.1.yaml',
];

/** API groups that belong to this library: their objects are not checked (no CRD describes them). */
const OWN_GROUP_SUFFIX = 'cdk8s-istio.dev';

/* eslint-disable @typescript-eslint/no-require-imports --
 * ajv and yaml are loaded on first use: importing them costs ~150 ms per test file, and most test files only need
 * the cached validators (or nothing at all). */
const lazy = {
  ajv: (): typeof import('ajv') => require('ajv'),
  standalone: (): typeof import('ajv/dist/standalone') => require('ajv/dist/standalone'),
  yaml: (): typeof import('yaml') => require('yaml'),
};

/** What generated standalone validators may require (see loadStandaloneValidator). */
const AJV_RUNTIME: Record<string, () => unknown> = {
  'ajv/dist/runtime/equal': () => require('ajv/dist/runtime/equal'),
  'ajv/dist/runtime/ucs2length': () => require('ajv/dist/runtime/ucs2length'),
  'ajv/dist/runtime/uri': () => require('ajv/dist/runtime/uri'),
  'ajv/dist/runtime/validation_error': () => require('ajv/dist/runtime/validation_error'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Bumped whenever the cache layout changes, so stale caches are never read. */
const CACHE_FORMAT = 1;

/** The shared reference directory: `$CDK8S_ISTIO_SHARED`, else `<repo root>/../shared`. */
export function sharedDir(): string {
  const fromEnv = process.env.CDK8S_ISTIO_SHARED;
  return fromEnv ? path.resolve(fromEnv) : path.resolve(REPO_ROOT, '..', 'shared');
}

/**
 * Whether the shared reference directory exists. When it does not, conformance checks are skipped with a notice,
 * except under CI (`CI=true`), where a missing directory is an error: CI must never pass without the checks.
 */
export function sharedAvailable(): boolean {
  return referenceAvailable(sharedDir(), 'conformance checks');
}

/** Whether this run is CI: `CI` set to anything but empty, `false` or `0` (the convention CI providers follow). */
export function isCi(): boolean {
  const value = process.env.CI;
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/**
 * Whether the reference directory `dir` exists; under CI, throws when it does not (see `sharedAvailable`).
 *
 * @param dir the directory the tests read
 * @param what the tests that need it, for the error
 */
export function referenceAvailable(dir: string, what: string): boolean {
  if (fs.existsSync(dir)) return true;
  if (isCi()) {
    throw new Error(`${what} cannot run: ${dir} not found, and CI=true makes that an error instead of a skip `
      + '(provide ../shared or set CDK8S_ISTIO_SHARED)');
  }
  return false;
}

/** Where time went in this test file (for the overhead report), in milliseconds. */
export const conformanceStats = {
  catalogMs: 0,
  schemaLoadMs: 0,
  ajvCompileMs: 0,
  ajvLoadMs: 0,
  celSetupMs: 0,
  validateMs: 0,
  objects: 0,
  cacheHit: true,
};

// ---------------------------------------------------------------------------------------------------------------
// Native modules. @marcbachmann/cel-js and kubernetes-models are ES modules, which jest 29 (CommonJS, no
// --experimental-vm-modules) cannot load. Node >= 20.19 can `require()` them natively, so they are loaded with
// Node's own require, outside jest's module registry. They then live in Node's main realm, not in the test's vm
// context, and cel-js recognises maps and lists by their constructor: values handed to it are built with the main
// realm's Object and Array.
// ---------------------------------------------------------------------------------------------------------------

interface Realm {
  readonly require: NodeRequire;
  readonly Object: ObjectConstructor;
  readonly Array: ArrayConstructor;
  readonly JSON: JSON;
  readonly globalThis: any;
}

let realm: Realm | undefined;

function mainRealm(): Realm {
  if (!realm) {
    const getBuiltin = (process as any).getBuiltinModule as ((id: string) => any) | undefined;
    if (typeof getBuiltin !== 'function') {
      throw new Error('conformance: process.getBuiltinModule is missing; Node >= 20.19 is needed to load the ESM-only '
        + '@marcbachmann/cel-js and kubernetes-models outside jest');
    }
    const globals = getBuiltin('vm').runInThisContext('({ Object, Array, JSON, globalThis })');
    realm = {
      require: getBuiltin('module').createRequire(path.join(REPO_ROOT, 'package.json')),
      Object: globals.Object,
      Array: globals.Array,
      JSON: globals.JSON,
      globalThis: globals.globalThis,
    };
  }
  return realm;
}

/** True the first time it is called with `key` in this process (test files of a jest worker share the main realm). */
export function firstTimeInProcess(key: string): boolean {
  // Built in the main realm: an object of this test file's realm would keep the whole realm alive.
  const main = mainRealm().globalThis;
  const seen: Set<string> = main[Symbol.for('cdk8s-istio.conformance.once')] ??= new main.Set();
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}

/** Prints, once per process, that conformance checks are skipped because the shared directory is missing. */
export function noticeSharedMissing(): void {
  if (firstTimeInProcess('shared-missing-notice')) {
    process.stderr.write(`conformance checks skipped: ../shared not found (looked in ${sharedDir()}; set CDK8S_ISTIO_SHARED)\n`);
  }
}

/** A deep copy of plain JSON built in the main realm (for kubernetes-models' validators). */
function toMainRealmJson(value: unknown): any {
  return mainRealm().JSON.parse(JSON.stringify(value));
}

// ---------------------------------------------------------------------------------------------------------------
// CRD catalog with an on-disk cache of the parsed YAML.
// ---------------------------------------------------------------------------------------------------------------

/** One served (group, version, kind) of a CRD. */
export interface CrdKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly served: boolean;
  readonly deprecated: boolean;
  /** The CRD bundle it comes from, relative to the shared directory. */
  readonly source: string;
  /** The cache file holding its openAPIV3Schema (identical schemas share a file). */
  readonly schemaFile: string;
}

interface SourceIndex {
  readonly format: number;
  readonly source: string;
  readonly kinds: CrdKind[];
}

/** Where parsed CRDs and generated validators are cached (shared by jest workers and runs). */
export function defaultCacheDir(): string {
  return path.join(os.tmpdir(), 'cdk8s-istio-conformance');
}

function sourceCacheDir(cacheDir: string, absPath: string): string {
  const stat = fs.statSync(absPath);
  const key = crypto.createHash('sha1')
    .update(`${CACHE_FORMAT}|${absPath}|${stat.size}|${stat.mtimeMs}`)
    .digest('hex')
    .slice(0, 20);
  return path.join(cacheDir, key);
}

/** Parses a CRD bundle and writes its index and schemas to a fresh cache directory (atomically, by rename). */
function buildSourceCache(source: string, absPath: string, dir: string): void {
  conformanceStats.cacheHit = false;
  const docs = lazy.yaml().parseAllDocuments(fs.readFileSync(absPath, 'utf8')).map(d => d.toJSON()).filter(Boolean);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const tmp = fs.mkdtempSync(`${dir}.tmp-`);
  const kinds: CrdKind[] = [];
  for (const crd of docs) {
    if (crd.kind !== 'CustomResourceDefinition') continue;
    for (const v of crd.spec.versions ?? []) {
      const schema = v.schema?.openAPIV3Schema;
      if (!schema) continue;
      const json = JSON.stringify(schema);
      const schemaFile = `${crypto.createHash('sha1').update(json).digest('hex').slice(0, 20)}.json`;
      const target = path.join(tmp, schemaFile);
      if (!fs.existsSync(target)) fs.writeFileSync(target, json);
      kinds.push({
        group: crd.spec.group,
        version: v.name,
        kind: crd.spec.names.kind,
        plural: crd.spec.names.plural,
        namespaced: crd.spec.scope !== 'Cluster',
        served: v.served !== false,
        deprecated: v.deprecated === true,
        source,
        schemaFile,
      });
    }
  }
  const index: SourceIndex = { format: CACHE_FORMAT, source, kinds };
  fs.writeFileSync(path.join(tmp, 'index.json'), JSON.stringify(index));
  try {
    fs.renameSync(tmp, dir);
  } catch {
    // Another jest worker built the same cache first; use theirs.
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The CRDs of the shared directory: which kinds exist, and their schemas (read lazily). */
export class CrdCatalog {
  private readonly byGvk = new Map<string, CrdKind>();
  private readonly groups = new Set<string>();
  private readonly dirs = new Map<string, string>();
  private readonly schemas = new Map<string, any>();

  constructor(shared: string, cacheDir: string) {
    const start = Date.now();
    for (const source of CRD_SOURCES) {
      const absPath = path.join(shared, source);
      if (!fs.existsSync(absPath)) {
        throw new Error(`conformance: ${absPath} not found; the shared directory ${shared} is incomplete`);
      }
      const dir = sourceCacheDir(cacheDir, absPath);
      if (!fs.existsSync(path.join(dir, 'index.json'))) buildSourceCache(source, absPath, dir);
      const index: SourceIndex = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
      for (const k of index.kinds) {
        this.byGvk.set(`${k.group}/${k.version}/${k.kind}`, k);
        this.groups.add(k.group);
      }
      this.dirs.set(source, dir);
    }
    conformanceStats.catalogMs += Date.now() - start;
  }

  /** The CRD version for an apiVersion and kind, if one exists. */
  public lookup(group: string, version: string, kind: string): CrdKind | undefined {
    return this.byGvk.get(`${group}/${version}/${kind}`);
  }

  /** Whether any CRD defines this API group. */
  public hasGroup(group: string): boolean {
    return this.groups.has(group);
  }

  /** The versions of a kind that the CRDs define. */
  public versionsOf(group: string, kind: string): string[] {
    return [...this.byGvk.values()].filter(k => k.group === group && k.kind === kind).map(k => k.version);
  }

  /** Every kind of every CRD. */
  public allKinds(): CrdKind[] {
    return [...this.byGvk.values()];
  }

  /** The raw openAPIV3Schema of a kind. */
  public schema(k: CrdKind): any {
    const file = path.join(this.dirs.get(k.source)!, k.schemaFile);
    let schema = this.schemas.get(file);
    if (!schema) {
      const start = Date.now();
      schema = JSON.parse(fs.readFileSync(file, 'utf8'));
      this.schemas.set(file, schema);
      conformanceStats.schemaLoadMs += Date.now() - start;
    }
    return schema;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Kubernetes structural schema -> JSON schema for ajv.
// ---------------------------------------------------------------------------------------------------------------

/** String formats the API server checks (others are informational and ignored, as the API server does). */
const STRING_FORMATS: Record<string, (s: string) => boolean> = {
  'byte': s => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s),
  'date-time': s => /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) && !isNaN(Date.parse(s)),
  'date': s => /^\d{4}-\d{2}-\d{2}$/.test(s) && !isNaN(Date.parse(s)),
  'ipv4': s => net.isIPv4(s),
  'ipv6': s => net.isIPv6(s),
};

const NUMBER_FORMATS: Record<string, (n: number) => boolean> = {
  int32: n => Number.isInteger(n) && n >= -(2 ** 31) && n <= 2 ** 31 - 1,
  int64: n => Number.isInteger(n) && Number.isSafeInteger(n),
  float: n => Number.isFinite(n),
  double: n => Number.isFinite(n),
};

/** The formats as ajv format definitions (also what cached standalone validators require as their formats). */
const AJV_FORMATS: Record<string, FormatDefinition<string> | FormatDefinition<number>> = {
  ...Object.fromEntries(Object.entries(STRING_FORMATS).map(([k, validate]) => [k, { type: 'string' as const, validate }])),
  ...Object.fromEntries(Object.entries(NUMBER_FORMATS).map(([k, validate]) => [k, { type: 'number' as const, validate }])),
};

/**
 * Converts a structural schema node. `structural` is false inside anyOf/oneOf/allOf/not, whose branches only
 * constrain and must not close objects.
 */
function toAjvSchema(node: any, structural: boolean): any {
  if (node === null || typeof node !== 'object') return node;
  const out: any = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-kubernetes-') || key === 'nullable' || key === 'format' || key === 'description') continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value as any).map(([k, v]) => [k, toAjvSchema(v, structural)]));
    } else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object')) {
      out[key] = toAjvSchema(value, structural);
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      out[key] = (value as any[]).map(v => toAjvSchema(v, false));
    } else if (key === 'not') {
      out.not = toAjvSchema(value, false);
    } else {
      out[key] = value;
    }
  }
  const format = node.format;
  if (format && (STRING_FORMATS[format] || NUMBER_FORMATS[format])) out.format = format;
  if (node['x-kubernetes-int-or-string']) {
    // Structural schemas spell int-or-string as this anyOf, or only as the extension.
    delete out.type;
    out.anyOf ??= [{ type: 'integer' }, { type: 'string' }];
  }
  if (node.nullable) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (out.anyOf && !out.type) out.anyOf = [...out.anyOf, { type: 'null' }];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  }
  if (node['x-kubernetes-list-type'] === 'set') out.uniqueItems = true;
  const isObject = node.type === 'object' || node.properties !== undefined;
  if (structural && isObject && node.additionalProperties === undefined && !node['x-kubernetes-preserve-unknown-fields']) {
    // The API server prunes unknown fields silently, so for us they are errors.
    out.additionalProperties = false;
  }
  return out;
}

/** The ajv schema of a whole custom resource: its spec, plus an envelope of apiVersion, kind and metadata only. */
function rootAjvSchema(crdSchema: any): any {
  const root = toAjvSchema(crdSchema, true);
  root.type = 'object';
  root.properties = { ...root.properties };
  delete root.properties.status; // set by controllers, never by us
  root.properties.apiVersion = { type: 'string' };
  root.properties.kind = { type: 'string' };
  root.properties.metadata = { type: 'object' }; // checked by metadataErrors()
  root.required = [...new Set([...(root.required ?? []), 'apiVersion', 'kind', 'metadata'])];
  root.additionalProperties = false;
  return root;
}

// ---------------------------------------------------------------------------------------------------------------
// RE2 (Go regexp, used by CRD `pattern` and CEL `matches`) -> JavaScript RegExp.
// ---------------------------------------------------------------------------------------------------------------

const POSIX_CLASSES: Record<string, string> = {
  alnum: 'A-Za-z0-9',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: 'A-Za-z0-9_',
  xdigit: '0-9A-Fa-f',
};

const regexCache = new Map<string, RegExp>();

/** Compiles an RE2 pattern as a JavaScript RegExp (leading flags, named groups, \A, \z, POSIX classes); throws on what it cannot map. */
export function re2(pattern: string): RegExp {
  let cached = regexCache.get(pattern);
  if (!cached) {
    let source = pattern;
    let flags = '';
    // A flags group before anything but an anchor applies to the whole pattern, as a JavaScript flag.
    const leading = /^(\^|\\A)?\(\?([imsU]+)\)/.exec(source);
    if (leading) {
      if (leading[2].includes('U')) throw new Error(`RE2 flag U is not supported: ${pattern}`);
      flags = leading[2];
      source = (leading[1] ?? '') + source.slice(leading[0].length);
    }
    if (/\(\?[imsU]+\)/.test(source)) throw new Error(`RE2 flags in the middle of a pattern are not supported: ${pattern}`);
    source = source
      .replace(/\(\?P</g, '(?<')
      .replace(/\\A/g, '^')
      .replace(/\\z/g, '(?![\\s\\S])')
      .replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, name: string) => {
        const cls = POSIX_CLASSES[name];
        if (!cls) return m;
        if (neg) throw new Error(`negated POSIX class is not supported: ${pattern}`);
        return cls;
      });
    cached = new RegExp(source, flags);
    regexCache.set(pattern, cached);
  }
  return cached;
}

// ---------------------------------------------------------------------------------------------------------------
// Kubernetes CEL library on top of @marcbachmann/cel-js.
// ---------------------------------------------------------------------------------------------------------------

const NANOS: Record<string, bigint> = {
  ns: 1n, us: 1000n, µs: 1000n, μs: 1000n, ms: 1000000n, s: 1000000000n, m: 60000000000n, h: 3600000000000n,
};

/** Go's time.ParseDuration, in nanoseconds; undefined when the string is not a Go duration. */
export function parseGoDuration(input: string): bigint | undefined {
  let s = input;
  let sign = 1n;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1n;
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let total = 0n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/.exec(s);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) return undefined;
    const unit = NANOS[m[3]];
    const frac = m[2] ?? '';
    total += BigInt(m[1] || '0') * unit + (frac ? (BigInt(frac.slice(0, 18).padEnd(18, '0')) * unit) / 10n ** 18n : 0n);
    s = s.slice(m[0].length);
  }
  return sign * total;
}

/** A URL as Go's url.ParseRequestURI sees it (what the Kubernetes CEL `url()` / `isURL()` accept). */
interface GoUrl {
  readonly scheme: string;
  readonly host: string;
  readonly hostname: string;
  readonly port: string;
  readonly path: string;
  readonly query: string;
}

const HOST_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:[\]<>"%\u0080-\uffff]*$/;

/** Go's url.ParseRequestURI: an absolute URI or an absolute path; undefined when Go would return an error. */
export function parseGoRequestUri(raw: string): GoUrl | undefined {
  // eslint-disable-next-line no-control-regex
  if (raw === '' || /[\x00-\x1f\x7f]/.test(raw)) return undefined;
  let scheme = '';
  let rest = raw;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ':') {
      if (i === 0) return undefined; // missing protocol scheme
      scheme = raw.slice(0, i).toLowerCase();
      rest = raw.slice(i + 1);
    }
    break;
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (!rest.startsWith('/')) {
    if (scheme === '') return undefined; // invalid URI for request
    return { scheme, host: '', hostname: '', port: '', path: '', query };
  }
  let host = '';
  let hostname = '';
  let port = '';
  if (scheme !== '' && rest.startsWith('//') && !rest.startsWith('///')) {
    const end = rest.indexOf('/', 2);
    const authority = end < 0 ? rest.slice(2) : rest.slice(2, end);
    rest = end < 0 ? '' : rest.slice(end);
    host = authority.slice(authority.lastIndexOf('@') + 1);
    if (host.startsWith('[')) {
      const close = host.indexOf(']');
      if (close < 0) return undefined; // missing ']' in host
      hostname = host.slice(1, close);
      const after = host.slice(close + 1);
      if (after !== '' && !/^:\d*$/.test(after)) return undefined;
      port = after.slice(1);
    } else {
      const colon = host.lastIndexOf(':');
      hostname = colon >= 0 ? host.slice(0, colon) : host;
      port = colon >= 0 ? host.slice(colon + 1) : '';
      if (!/^\d*$/.test(port)) return undefined; // invalid port
    }
    if (!HOST_CHARS.test(host) || /%(?![0-9A-Fa-f]{2})/.test(host)) return undefined; // invalid character in host name
  }
  if (/%(?![0-9A-Fa-f]{2})/.test(rest)) return undefined; // invalid URL escape
  return { scheme, host, hostname, port, path: rest, query };
}

/** The value of a Kubernetes CEL `url(...)` (registered as type `net.URL`). */
class CelUrl {
  constructor(public readonly url: GoUrl) {}
}

/** CEL reserved words a property name is escaped from (`namespace` is accessed as `__namespace__`). */
const CEL_RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for',
  'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

/** Kubernetes' escaping of property names for CEL; undefined when the property is not accessible from CEL. */
function celPropertyName(name: string): string | undefined {
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  const escaped = name.replace(/__/g, '__underscores__').replace(/\./g, '__dot__').replace(/-/g, '__dash__')
    .replace(/\//g, '__slash__');
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(escaped) ? escaped : undefined;
}

interface CelToken {
  readonly kind: 'string' | 'ident' | 'space' | 'other';
  text: string;
}

function tokenizeCel(rule: string): CelToken[] {
  const tokens: CelToken[] = [];
  let i = 0;
  while (i < rule.length) {
    // Identifiers are consumed whole, so a quote or r/b prefix seen here always starts a string literal.
    const literal = /^(?:[rRbB]{1,2})?("""|'''|"|')/.exec(rule.slice(i));
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rule.slice(i));
    const space = /^\s+/.exec(rule.slice(i));
    let j: number;
    let kind: CelToken['kind'];
    if (literal) {
      const quote = literal[1];
      const raw = /[rR]/.test(literal[0].slice(0, -quote.length));
      j = i + literal[0].length;
      while (j < rule.length && !rule.startsWith(quote, j)) j += !raw && rule[j] === '\\' ? 2 : 1;
      j += quote.length;
      kind = 'string';
    } else if (ident) {
      j = i + ident[0].length;
      kind = 'ident';
    } else if (space) {
      j = i + space[0].length;
      kind = 'space';
    } else {
      j = i + 1;
      kind = 'other';
    }
    tokens.push({ kind, text: rule.slice(i, j) });
    i = j;
  }
  return tokens;
}

/** Index of the next non-space token at or after i (or before i when step is -1). */
function skipSpace(tokens: CelToken[], i: number, step: 1 | -1): number {
  while (i >= 0 && i < tokens.length && tokens[i].kind === 'space') i += step;
  return i;
}

/**
 * Rewrites the constructs where cel-js differs from Kubernetes CEL (cel-go), leaving string literals alone:
 * - `x.matches(re)` calls `k8sMatches` (RE2 semantics, e.g. `(?i)`, instead of JavaScript regexps);
 * - `duration(s)` calls `k8sDuration` (Go's time.ParseDuration: `0` is valid, `s` alone is not);
 * - `has(e.f)` where `e` is not a plain field path (e.g. `has(self[0].matches)`, which cel-js rejects) becomes
 *   `("f" in (e))`: the same presence test, since every object reaches CEL as a map.
 */
export function rewriteCelRule(rule: string): string {
  const tokens = tokenizeCel(rule);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== 'ident') continue;
    const prev = tokens[skipSpace(tokens, i - 1, -1)];
    const next = tokens[skipSpace(tokens, i + 1, 1)];
    const isCall = next?.text === '(';
    const isMethod = prev?.text === '.';
    if (isCall && isMethod && t.text === 'matches') t.text = 'k8sMatches';
    if (isCall && !isMethod && t.text === 'duration') t.text = 'k8sDuration';
    if (isCall && !isMethod && t.text === 'has') {
      const open = skipSpace(tokens, i + 1, 1);
      let depth = 0;
      let close = open;
      for (; close < tokens.length; close++) {
        if (['(', '[', '{'].includes(tokens[close].text)) depth++;
        if ([')', ']', '}'].includes(tokens[close].text)) depth--;
        if (depth === 0) break;
      }
      const fieldAt = skipSpace(tokens, close - 1, -1);
      const dotAt = skipSpace(tokens, fieldAt - 1, -1);
      const operand = tokens.slice(open + 1, dotAt);
      const plainPath = operand.every(a => a.kind === 'ident' || a.kind === 'space' || a.text === '.');
      if (tokens[fieldAt]?.kind === 'ident' && tokens[dotAt]?.text === '.' && dotAt > open + 1 && !plainPath) {
        const replacement = `(${JSON.stringify(tokens[fieldAt].text)} in (${rewriteCelRule(operand.map(a => a.text).join(''))}))`;
        tokens.splice(i, close - i + 1, { kind: 'other', text: replacement });
      }
    }
  }
  return tokens.map(t => t.text).join('');
}

/** A compiled CEL rule. */
interface CompiledRule {
  readonly evaluate: (self: unknown) => unknown;
}

/** The Kubernetes CEL environment: `self` plus the library functions the CRDs' rules use. */
export class KubernetesCel {
  private readonly env: any;
  private readonly compiled = new Map<string, CompiledRule | Error>();

  constructor() {
    const start = Date.now();
    const cel = mainRealm().require('@marcbachmann/cel-js');
    const env = new cel.Environment({ homogeneousAggregateLiterals: false });
    const Duration = env.evaluate('duration("1s")').constructor;
    env
      .registerType('net.URL', CelUrl)
      .registerVariable('self', 'dyn')
      .registerFunction('string.k8sMatches(string): bool', (s: string, re: string) => re2(re).test(s))
      .registerFunction('k8sDuration(string): google.protobuf.Duration', (s: string) => {
        const nanos = parseGoDuration(s);
        if (nanos === undefined) throw new Error(`invalid duration ${JSON.stringify(s)}`);
        return new Duration(nanos / 1000000000n, Number(nanos % 1000000000n));
      })
      .registerFunction('isURL(string): bool', (s: string) => parseGoRequestUri(s) !== undefined)
      .registerFunction('url(string): net.URL', (s: string) => {
        const parsed = parseGoRequestUri(s);
        if (!parsed) throw new Error(`URL parse error during conversion from string: ${JSON.stringify(s)}`);
        return new CelUrl(parsed);
      })
      .registerFunction('net.URL.getScheme(): string', (u: CelUrl) => u.url.scheme)
      .registerFunction('net.URL.getHost(): string', (u: CelUrl) => u.url.host)
      .registerFunction('net.URL.getHostname(): string', (u: CelUrl) => u.url.hostname)
      .registerFunction('net.URL.getPort(): string', (u: CelUrl) => u.url.port)
      .registerFunction('net.URL.getEscapedPath(): string', (u: CelUrl) => u.url.path)
      .registerFunction('isIP(string): bool', (s: string) => net.isIP(s) !== 0 && !s.includes('%'))
      .registerFunction('isCIDR(string): bool', (s: string) => {
        const [ip, bits, extra] = s.split('/');
        if (extra !== undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
        const family = net.isIP(ip);
        return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
      });
    this.env = env;
    conformanceStats.celSetupMs += Date.now() - start;
  }

  /** Parses and type-checks a rule; an Error when it cannot be compiled. */
  public compile(rule: string): CompiledRule | Error {
    let compiled = this.compiled.get(rule);
    if (!compiled) {
      try {
        const rewritten = rewriteCelRule(rule);
        const check = this.env.check(rewritten);
        if (!check.valid) throw new Error(check.error?.message ?? 'type check failed');
        const fn = this.env.parse(rewritten);
        compiled = { evaluate: (self: unknown) => fn({ self }) };
      } catch (e: any) {
        compiled = new Error(String(e?.message ?? e).split('\n')[0]); // drop cel-js's source excerpt
      }
      this.compiled.set(rule, compiled);
    }
    return compiled;
  }
}

/** Converts a value to what CEL sees, typed by its schema (integers are CEL ints, built in the main realm). */
function toCelValue(value: any, schema: any): any {
  const { Object: MainObject, Array: MainArray } = mainRealm();
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) {
    const list = new MainArray();
    for (const item of value) list.push(toCelValue(item, schema?.items));
    return list;
  }
  if (typeof value === 'object') {
    const map: any = new MainObject();
    const props = schema?.properties;
    for (const [key, v] of Object.entries(value)) {
      if (props?.[key]) {
        const name = celPropertyName(key);
        if (name) map[name] = toCelValue(v, props[key]);
      } else if (schema?.additionalProperties && typeof schema.additionalProperties === 'object') {
        map[key] = toCelValue(v, schema.additionalProperties);
      } else if (!schema || !props || schema['x-kubernetes-preserve-unknown-fields']) {
        map[key] = toCelValue(v, undefined);
      }
      // else: an unknown field, which the API server prunes before CEL runs (and which is reported as an error)
    }
    return map;
  }
  if (typeof value === 'number') {
    const integerTyped = schema?.type === 'integer' || schema?.['x-kubernetes-int-or-string'] || (!schema?.type && Number.isInteger(value));
    return integerTyped && Number.isInteger(value) ? BigInt(value) : value;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------------------------
// Kubernetes names and metadata (the API server's own rules).
// ---------------------------------------------------------------------------------------------------------------

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

function dns1123LabelProblem(v: string): string | undefined {
  if (v.length > 63) return 'must be no more than 63 characters';
  return DNS1123_LABEL.test(v) ? undefined
    : 'must be a DNS-1123 label (lower case alphanumerics and "-", starting and ending with an alphanumeric)';
}

function dns1123SubdomainProblem(v: string): string | undefined {
  if (v.length > 253) return 'must be no more than 253 characters';
  return DNS1123_SUBDOMAIN.test(v) ? undefined
    : 'must be a DNS-1123 subdomain (lower case alphanumerics, "-" and ".", starting and ending with an alphanumeric)';
}

function dns1035LabelProblem(v: string): string | undefined {
  if (v.length > 63) return 'must be no more than 63 characters';
  return DNS1035_LABEL.test(v) ? undefined
    : 'must be a DNS-1035 label (lower case alphanumerics and "-", starting with a letter, ending with an alphanumeric)';
}

function qualifiedNameProblem(v: string): string | undefined {
  const slash = v.lastIndexOf('/');
  const prefix = slash >= 0 ? v.slice(0, slash) : undefined;
  const name = slash >= 0 ? v.slice(slash + 1) : v;
  if (prefix !== undefined && (prefix === '' || dns1123SubdomainProblem(prefix))) return 'prefix must be a DNS-1123 subdomain';
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return 'must be a qualified name ([prefix/]name; name at most 63 alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric)';
  }
  return undefined;
}

function labelValueProblem(v: string): string | undefined {
  if (v.length > 63) return 'must be no more than 63 characters';
  return v === '' || QUALIFIED_NAME.test(v) ? undefined
    : 'must be empty or alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric';
}

/** IANA service name (container port names, Service targetPort names). */
function ianaServiceNameProblem(v: string): string | undefined {
  if (v.length > 15) return 'must be no more than 15 characters (IANA_SVC_NAME)';
  if (!/^[-a-z0-9]+$/.test(v)) return 'must contain only lower case alphanumerics and "-" (IANA_SVC_NAME)';
  if (!/[a-z]/.test(v)) return 'must contain at least one letter (IANA_SVC_NAME)';
  if (v.includes('--') || v.startsWith('-') || v.endsWith('-')) return 'must not start or end with "-" nor contain "--" (IANA_SVC_NAME)';
  return undefined;
}

function render(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) return String(value);
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

function err(at: string, problem: string, value?: unknown): string {
  return `${at}: ${problem}${value === undefined ? '' : ` (got ${render(value)})`}`;
}

const METADATA_FIELDS = new Set(['name', 'generateName', 'namespace', 'labels', 'annotations', 'finalizers', 'ownerReferences']);

/** The name rule each kind's name must follow (the API server's per-kind NameIsDNS* choice). */
type NameRule = (v: string) => string | undefined;

function metadataErrors(obj: any, namespaced: boolean, nameRule: NameRule): string[] {
  const errors: string[] = [];
  const md = obj.metadata;
  if (md === null || typeof md !== 'object' || Array.isArray(md)) return [err('metadata', 'required object is missing', md)];
  for (const key of Object.keys(md)) {
    if (!METADATA_FIELDS.has(key)) {
      errors.push(err(`metadata.${key}`, 'unknown or server-managed metadata field (the API server drops or overwrites it)'));
    }
  }
  if (typeof md.name !== 'string' || md.name === '') {
    errors.push(err('metadata.name', 'is required (no explicit name means no stable reference)', md.name));
  } else {
    const problem = nameRule(md.name);
    if (problem) errors.push(err('metadata.name', problem, md.name));
  }
  if (md.namespace !== undefined) {
    if (!namespaced) {
      errors.push(err('metadata.namespace', `must not be set: ${obj.kind} is cluster-scoped`, md.namespace));
    } else if (typeof md.namespace !== 'string') {
      errors.push(err('metadata.namespace', 'must be a string', md.namespace));
    } else {
      const problem = dns1123LabelProblem(md.namespace);
      if (problem) errors.push(err('metadata.namespace', problem, md.namespace));
    }
  }
  for (const field of ['labels', 'annotations']) {
    const map = md[field];
    if (map === undefined) continue;
    if (map === null || typeof map !== 'object' || Array.isArray(map)) {
      errors.push(err(`metadata.${field}`, 'must be a map of strings', map));
      continue;
    }
    for (const [k, v] of Object.entries(map)) {
      const keyProblem = qualifiedNameProblem(k);
      if (keyProblem) errors.push(err(`metadata.${field}[${JSON.stringify(k)}]`, `key ${keyProblem}`, k));
      if (typeof v !== 'string') {
        errors.push(err(`metadata.${field}[${JSON.stringify(k)}]`, 'value must be a string', v));
      } else if (field === 'labels') {
        const valueProblem = labelValueProblem(v);
        if (valueProblem) errors.push(err(`metadata.labels[${JSON.stringify(k)}]`, `value ${valueProblem}`, v));
      }
    }
    if (field === 'annotations' && JSON.stringify(map).length > 256 * 1024) {
      errors.push(err('metadata.annotations', 'total size must be at most 256 KiB'));
    }
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------------------------
// Custom resources: ajv (schema + defaults) then CEL and list-map keys, walking value and schema together.
// ---------------------------------------------------------------------------------------------------------------

function jsonPath(segments: Array<string | number>): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out === '' ? '<root>' : out;
}

function pointerSegments(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map(p => (/^\d+$/.test(p) ? Number(p) : p));
}

function valueAt(root: any, segments: Array<string | number>): any {
  let node = root;
  for (const s of segments) node = node?.[s];
  return node;
}

/** Lists the required-only branches of an Istio "at most one of" oneOf, e.g. [exact, prefix, regex]. */
function oneOfFieldNames(branches: any[]): string[] | undefined {
  const names: string[] = [];
  for (const b of branches) {
    if (Array.isArray(b.required) && Object.keys(b).length === 1) names.push(...b.required);
    else if (!b.not) return undefined;
  }
  return names.length > 0 ? names : undefined;
}

/** The node of a schema at an ajv schemaPath (`#/properties/spec/oneOf`). */
function schemaAt(root: any, schemaPath: string): any {
  let node = root;
  for (const s of schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    node = node?.[decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

function ajvErrorMessages(errors: ErrorObject[], data: any, schema: () => any): { messages: string[]; paths: string[] } {
  // Errors inside failed oneOf/anyOf branches are noise: the oneOf/anyOf error itself says what is wrong.
  const combinators = errors.filter(e => e.keyword === 'oneOf' || e.keyword === 'anyOf').map(e => `${e.schemaPath}/`);
  const kept = errors.filter(e => !combinators.some(c => e.schemaPath.startsWith(c)));
  const messages: string[] = [];
  const paths: string[] = [];
  let root: any;
  const branchesAt = (schemaPath: string): any[] => schemaAt(root ??= schema(), schemaPath) ?? [];
  for (const e of kept) {
    const segments = pointerSegments(e.instancePath);
    const value = valueAt(data, segments);
    paths.push(jsonPath(segments));
    const at = jsonPath(segments);
    switch (e.keyword) {
      case 'additionalProperties': {
        const field = (e.params as any).additionalProperty;
        paths[paths.length - 1] = jsonPath([...segments, field]);
        messages.push(err(jsonPath([...segments, field]),
          'unknown field (not in the CRD schema; the API server prunes it silently, so it has no effect)', value?.[field]));
        break;
      }
      case 'required':
        messages.push(err(jsonPath([...segments, (e.params as any).missingProperty]), 'required field is missing'));
        break;
      case 'enum':
        messages.push(err(at, `must be one of ${JSON.stringify((e.params as any).allowedValues)}`, value));
        break;
      case 'oneOf': {
        const names = oneOfFieldNames(branchesAt(e.schemaPath));
        if (names) {
          const set = names.filter(n => value && typeof value === 'object' && n in value);
          messages.push(err(at, `at most one of ${names.join(', ')} may be set (got ${set.join(' and ')})`));
        } else {
          messages.push(err(at, 'must match exactly one of the schema alternatives (oneOf)', value));
        }
        break;
      }
      default:
        messages.push(err(at, e.message ?? e.keyword, value));
    }
  }
  return { messages, paths };
}

/** `.spec.ports[0]` or `.labels['app']` (a rule's fieldPath) as path segments. */
function fieldPathSegments(fieldPath: string): Array<string | number> {
  return (fieldPath.match(/[^.[\]]+/g) ?? []).map(s => (/^\d+$/.test(s) ? Number(s) : s.replace(/^['"]|['"]$/g, '')));
}

function ruleText(rule: string): string {
  return rule.replace(/\s+/g, ' ').trim();
}

interface WalkContext {
  readonly cel: KubernetesCel;
  readonly errors: string[];
  /** Paths that already have schema errors: CEL is not run on or above them (as its input is malformed). */
  readonly badPaths: string[];
}

function hasSchemaErrorBelow(ctx: WalkContext, at: string): boolean {
  return ctx.badPaths.some(p => at === '<root>' || p === at || p.startsWith(`${at}.`) || p.startsWith(`${at}[`));
}

function walk(value: any, schema: any, segments: Array<string | number>, ctx: WalkContext): void {
  if (value === undefined || schema === undefined || schema === null) return;
  const at = jsonPath(segments);
  const rules: any[] = schema['x-kubernetes-validations'] ?? [];
  if (rules.length > 0 && !hasSchemaErrorBelow(ctx, at)) {
    const self = toCelValue(value, schema);
    for (const r of rules) {
      // Transition rules compare with the stored object; a synthesized manifest is always a create.
      if (/\boldSelf\b/.test(r.rule)) continue;
      const compiled = ctx.cel.compile(r.rule);
      const where = !r.fieldPath ? at : at === '<root>' ? r.fieldPath.replace(/^\./, '') : `${at}${r.fieldPath}`;
      const shown = r.fieldPath ? valueAt(value, fieldPathSegments(r.fieldPath)) : value;
      if (compiled instanceof Error) {
        ctx.errors.push(err(where, `CEL rule does not compile (${compiled.message}) [rule: ${ruleText(r.rule)}]`));
        continue;
      }
      let result: unknown;
      let failure: string | undefined;
      try {
        result = compiled.evaluate(self);
      } catch (e: any) {
        failure = String(e?.message ?? e).split('\n')[0];
      }
      if (result === true) continue;
      let message: string = r.message ?? `failed rule: ${ruleText(r.rule)}`;
      if (r.messageExpression) {
        const me = ctx.cel.compile(r.messageExpression);
        if (!(me instanceof Error)) {
          try {
            const m = me.evaluate(self);
            if (typeof m === 'string' && m !== '') message = m;
          } catch {
            // keep `message`, as the API server does
          }
        }
      }
      const evaluation = failure ? `; evaluation error: ${failure}` : '';
      ctx.errors.push(`${err(where, message, shown)} [CEL rule: ${ruleText(r.rule)}${evaluation}]`);
    }
  }
  if (Array.isArray(value)) {
    if (schema['x-kubernetes-list-type'] === 'map') {
      const keys: string[] = schema['x-kubernetes-list-map-keys'] ?? [];
      const seen = new Map<string, number>();
      value.forEach((item, i) => {
        const values = keys.map(k => item?.[k] ?? schema.items?.properties?.[k]?.default ?? null);
        const key = JSON.stringify(values);
        if (seen.has(key)) {
          ctx.errors.push(err(jsonPath([...segments, i]), `duplicate entry: keys ${keys.join(', ')} equal those of [${seen.get(key)}]`, values));
        } else {
          seen.set(key, i);
        }
      });
    }
    value.forEach((item, i) => walk(item, schema.items, [...segments, i], ctx));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const child = schema.properties?.[key]
        ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      walk(v, child, [...segments, key], ctx);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Kubernetes kinds: kubernetes-models schemas plus API-server rules.
// ---------------------------------------------------------------------------------------------------------------

/** Top-level fields of the Kubernetes kinds we check for unknown fields (kubernetes-models' schemas do not). */
const KUBERNETES_TOP_LEVEL: Record<string, string[]> = {
  'v1/Service': ['spec'],
  'v1/Namespace': ['spec'],
  'v1/Pod': ['spec'],
  'v1/Secret': ['data', 'stringData', 'type', 'immutable'],
  'v1/ConfigMap': ['data', 'binaryData', 'immutable'],
  'v1/ServiceAccount': ['secrets', 'imagePullSecrets', 'automountServiceAccountToken'],
  'apps/v1/Deployment': ['spec'],
  'apps/v1/StatefulSet': ['spec'],
  'apps/v1/DaemonSet': ['spec'],
  'networking.k8s.io/v1/NetworkPolicy': ['spec'],
  'policy/v1/PodDisruptionBudget': ['spec'],
  'autoscaling/v2/HorizontalPodAutoscaler': ['spec'],
};

const CLUSTER_SCOPED = new Set(['Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass',
  'IngressClass', 'PriorityClass', 'CustomResourceDefinition', 'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration', 'APIService', 'RuntimeClass', 'CSIDriver', 'VolumeAttachment']);

/** The name rule the API server applies per kind (most kinds: DNS-1123 subdomain). */
const KUBERNETES_NAME_RULES: Record<string, NameRule> = {
  Namespace: dns1123LabelProblem,
  Service: dns1035LabelProblem,
};

const modelCache = new Map<string, any>();

/** The kubernetes-models class for an apiVersion and kind, if the package has one. */
function kubernetesModel(group: string, version: string, kind: string): any {
  const key = `${group}/${version}/${kind}`;
  if (!modelCache.has(key)) {
    if (!/^[A-Za-z0-9.-]*$/.test(group) || !/^[A-Za-z0-9]+$/.test(version) || !/^[A-Za-z0-9]+$/.test(kind)) return undefined;
    const file = path.join(REPO_ROOT, 'node_modules', 'kubernetes-models', group === '' ? '' : group, version, `${kind}.js`);
    modelCache.set(key, fs.existsSync(file) ? mainRealm().require(file)[kind] : undefined);
  }
  return modelCache.get(key);
}

function portErrors(at: string, port: unknown, field: string): string[] {
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) {
    return [err(`${at}.${field}`, 'must be between 1 and 65535, inclusive', port)];
  }
  return [];
}

function servicePortErrors(spec: any): string[] {
  const errors: string[] = [];
  const ports: any[] = Array.isArray(spec?.ports) ? spec.ports : [];
  const names = new Map<string, number>();
  const endpoints = new Set<string>();
  if (ports.length === 0 && spec?.type !== 'ExternalName' && spec?.clusterIP !== 'None') {
    errors.push(err('spec.ports', 'required value: a Service needs at least one port (unless headless or ExternalName)'));
  }
  ports.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    errors.push(...portErrors(at, p?.port, 'port'));
    if (p?.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(p.protocol)) {
      errors.push(err(`${at}.protocol`, 'must be one of TCP, UDP, SCTP', p.protocol));
    }
    if (p?.name === undefined || p.name === '') {
      if (ports.length > 1) errors.push(err(`${at}.name`, 'is required when a Service has more than one port'));
    } else {
      const problem = dns1123LabelProblem(String(p.name));
      if (problem) errors.push(err(`${at}.name`, problem, p.name));
      if (names.has(p.name)) errors.push(err(`${at}.name`, `duplicate port name (also spec.ports[${names.get(p.name)}])`, p.name));
      names.set(p.name, i);
    }
    const endpoint = `${p?.port}/${p?.protocol ?? 'TCP'}`;
    if (endpoints.has(endpoint)) errors.push(err(at, 'duplicate port and protocol', endpoint));
    endpoints.add(endpoint);
    if (typeof p?.targetPort === 'number') {
      errors.push(...portErrors(at, p.targetPort, 'targetPort'));
    } else if (typeof p?.targetPort === 'string') {
      const problem = ianaServiceNameProblem(p.targetPort);
      if (problem) errors.push(err(`${at}.targetPort`, problem, p.targetPort));
    }
    if (p?.nodePort !== undefined) errors.push(...portErrors(at, p.nodePort, 'nodePort'));
    if (p?.appProtocol !== undefined) {
      const problem = qualifiedNameProblem(String(p.appProtocol));
      if (problem) errors.push(err(`${at}.appProtocol`, problem, p.appProtocol));
    }
  });
  if (spec?.type !== undefined && !['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(spec.type)) {
    errors.push(err('spec.type', 'must be one of ClusterIP, NodePort, LoadBalancer, ExternalName', spec.type));
  }
  for (const [k, v] of Object.entries(spec?.selector ?? {})) {
    const problem = qualifiedNameProblem(k) ?? labelValueProblem(String(v));
    if (problem) errors.push(err(`spec.selector[${JSON.stringify(k)}]`, problem, { [k]: v }));
  }
  return errors;
}

function podSpecErrors(at: string, spec: any): string[] {
  const errors: string[] = [];
  const containerNames = new Set<string>();
  for (const field of ['initContainers', 'containers']) {
    const containers: any[] = Array.isArray(spec?.[field]) ? spec[field] : [];
    if (field === 'containers' && containers.length === 0) errors.push(err(`${at}.containers`, 'at least one container is required'));
    containers.forEach((c, i) => {
      const cat = `${at}.${field}[${i}]`;
      const nameProblem = typeof c?.name === 'string' ? dns1123LabelProblem(c.name) : 'is required';
      if (nameProblem) errors.push(err(`${cat}.name`, nameProblem, c?.name));
      if (containerNames.has(c?.name)) errors.push(err(`${cat}.name`, 'duplicate container name', c?.name));
      containerNames.add(c?.name);
      if (typeof c?.image !== 'string' || c.image.trim() === '') errors.push(err(`${cat}.image`, 'is required'));
      const portNames = new Set<string>();
      (Array.isArray(c?.ports) ? c.ports : []).forEach((p: any, j: number) => {
        const pat = `${cat}.ports[${j}]`;
        errors.push(...portErrors(pat, p?.containerPort, 'containerPort'));
        if (p?.hostPort !== undefined && p.hostPort !== 0) errors.push(...portErrors(pat, p.hostPort, 'hostPort'));
        if (p?.name !== undefined) {
          const problem = ianaServiceNameProblem(String(p.name));
          if (problem) errors.push(err(`${pat}.name`, problem, p.name));
          if (portNames.has(p.name)) errors.push(err(`${pat}.name`, 'duplicate port name', p.name));
          portNames.add(p.name);
        }
      });
    });
  }
  return errors;
}

function workloadErrors(spec: any): string[] {
  const errors: string[] = [];
  const matchLabels = spec?.selector?.matchLabels ?? {};
  const templateLabels = spec?.template?.metadata?.labels ?? {};
  if (!spec?.selector) errors.push(err('spec.selector', 'is required'));
  for (const [k, v] of Object.entries(matchLabels)) {
    if (templateLabels[k] !== v) {
      errors.push(err('spec.template.metadata.labels', `selector does not match template labels: ${k}=${v} is missing`, templateLabels));
    }
  }
  errors.push(...podSpecErrors('spec.template.spec', spec?.template?.spec));
  return errors;
}

function dataKeyErrors(obj: any): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const field of ['data', 'stringData', 'binaryData']) {
    for (const [k, v] of Object.entries(obj[field] ?? {})) {
      if (k.length > 253 || !CONFIG_KEY.test(k)) {
        errors.push(err(`${field}[${JSON.stringify(k)}]`, 'key must consist of alphanumerics, "-", "_" or "." (at most 253)', k));
      }
      if ((field === 'data' && obj.kind === 'Secret') || field === 'binaryData') {
        if (typeof v !== 'string' || !STRING_FORMATS.byte(v)) errors.push(err(`${field}[${JSON.stringify(k)}]`, 'must be base64-encoded', v));
      }
      if (obj.kind === 'ConfigMap' && seen.has(k)) errors.push(err(`${field}[${JSON.stringify(k)}]`, 'key is also in data'));
      seen.add(k);
    }
  }
  if (obj.kind === 'Secret' && obj.type === 'kubernetes.io/tls') {
    for (const key of ['tls.crt', 'tls.key']) {
      if (obj.data?.[key] === undefined && obj.stringData?.[key] === undefined) {
        errors.push(err(`data[${JSON.stringify(key)}]`, 'is required for a kubernetes.io/tls Secret'));
      }
    }
  }
  return errors;
}

function kubernetesRuleErrors(obj: any): string[] {
  switch (obj.kind) {
    case 'Service': return servicePortErrors(obj.spec);
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet': return workloadErrors(obj.spec);
    case 'Pod': return podSpecErrors('spec', obj.spec);
    case 'Secret':
    case 'ConfigMap': return dataKeyErrors(obj);
    default: return [];
  }
}

function kubernetesModelErrors(model: any, obj: any): string[] {
  try {
    new model(toMainRealmJson(obj)).validate();
    return [];
  } catch (e: any) {
    const errors: any[] = Array.isArray(e?.errors) ? e.errors : [];
    if (errors.length === 0) return [err('<root>', String(e?.message ?? e))];
    return errors.map(x => {
      const segments = pointerSegments(x.instancePath ?? '');
      return err(jsonPath(segments), `${x.message ?? x.keyword} (kubernetes-models schema)`, valueAt(obj, segments));
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Standalone ajv validators, cached on disk.
// ---------------------------------------------------------------------------------------------------------------

const RUNTIME_RE2 = 'cdk8s-istio-conformance/re2';
const RUNTIME_FORMATS = 'cdk8s-istio-conformance/formats';

/** What the generated code may require. */
const STANDALONE_RUNTIME: Record<string, () => unknown> = {
  ...AJV_RUNTIME,
  [RUNTIME_RE2]: () => ({ re2 }),
  [RUNTIME_FORMATS]: () => AJV_FORMATS,
};

let codeKey: string | undefined;

/** Identifies the code that generates validators: this file and the installed ajv. */
function validatorCodeKey(): string {
  if (!codeKey) {
    const ajvStat = fs.statSync(path.join(REPO_ROOT, 'node_modules', 'ajv', 'package.json'), { throwIfNoEntry: false });
    codeKey = crypto.createHash('sha1')
      .update(fs.readFileSync(__filename))
      .update(`${ajvStat?.size}|${ajvStat?.mtimeMs}`)
      .digest('hex')
      .slice(0, 12);
  }
  return codeKey;
}

function writeAtomically(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/** Deletes validators generated by other versions of this file (a reader that loses the race just recompiles). */
function pruneStaleValidators(dir: string): void {
  for (const f of fs.readdirSync(dir)) {
    if (f.endsWith('.js') && !f.endsWith(`-${validatorCodeKey()}.js`)) fs.rmSync(path.join(dir, f), { force: true });
  }
}

function loadStandaloneValidator(code: string): ValidateFunction {
  const mod: { exports: any } = { exports: {} };
  const requireRuntime = (id: string): unknown => {
    if (!(id in STANDALONE_RUNTIME)) throw new Error(`conformance: generated validator requires unknown module ${id}`);
    return STANDALONE_RUNTIME[id]();
  };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('require', 'module', 'exports', code)(requireRuntime, mod, mod.exports);
  return mod.exports.default ?? mod.exports;
}

// ---------------------------------------------------------------------------------------------------------------
// The validator.
// ---------------------------------------------------------------------------------------------------------------

/** Validates manifests against the shared CRDs (schema + CEL) and Kubernetes' own rules. */
export class ConformanceValidator {
  private readonly catalog: CrdCatalog;
  private ajvInstance?: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  private celEngine?: KubernetesCel;

  constructor(shared: string = sharedDir(), private readonly cacheDir: string = defaultCacheDir()) {
    this.catalog = new CrdCatalog(shared, cacheDir);
  }

  /** ajv, set up to emit standalone code (compiling a big CRD schema takes 100s of ms; loading its code, ~10 ms). */
  private get ajv(): Ajv {
    if (!this.ajvInstance) {
      // CRD patterns are Go (RE2) regular expressions.
      const regExp = Object.assign((pattern: string) => re2(pattern), { code: `require(${JSON.stringify(RUNTIME_RE2)}).re2` });
      const { default: AjvClass, _ } = lazy.ajv();
      this.ajvInstance = new AjvClass({
        allErrors: true,
        strict: false,
        useDefaults: true,
        unicodeRegExp: false,
        code: { source: true, regExp: regExp as any, formats: _`require(${RUNTIME_FORMATS})` },
        formats: AJV_FORMATS,
      });
    }
    return this.ajvInstance;
  }

  /** The CEL environment (created on first use). */
  public get cel(): KubernetesCel {
    if (!this.celEngine) this.celEngine = new KubernetesCel();
    return this.celEngine;
  }

  /** The CRDs this validator knows. */
  public get crds(): CrdCatalog {
    return this.catalog;
  }

  /** Every problem of one object, each with a JSON path, what is wrong and the value; empty when it conforms. */
  public validate(obj: any): string[] {
    const start = Date.now();
    try {
      return this.validateUntimed(obj);
    } finally {
      conformanceStats.validateMs += Date.now() - start;
      conformanceStats.objects++;
    }
  }

  private validateUntimed(obj: any): string[] {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return [err('<root>', 'must be an object', obj)];
    if (typeof obj.apiVersion !== 'string' || obj.apiVersion === '') return [err('apiVersion', 'is required', obj.apiVersion)];
    if (typeof obj.kind !== 'string' || obj.kind === '') return [err('kind', 'is required', obj.kind)];
    const slash = obj.apiVersion.indexOf('/');
    const group = slash >= 0 ? obj.apiVersion.slice(0, slash) : '';
    const version = slash >= 0 ? obj.apiVersion.slice(slash + 1) : obj.apiVersion;
    if (group === OWN_GROUP_SUFFIX || group.endsWith(`.${OWN_GROUP_SUFFIX}`)) return [];

    const crd = this.catalog.lookup(group, version, obj.kind);
    if (crd) return this.validateCustomResource(obj, crd);
    if (this.catalog.hasGroup(group)) {
      const versions = this.catalog.versionsOf(group, obj.kind);
      return [versions.length > 0
        ? err('apiVersion', `${obj.kind} is not served at this version; served: ${versions.map(v => `${group}/${v}`).join(', ')}`, obj.apiVersion)
        : err('kind', `no CRD of group ${group} defines this kind`, obj.kind)];
    }
    const model = kubernetesModel(group, version, obj.kind);
    if (model) return this.validateKubernetesObject(obj, model);
    return [err('apiVersion/kind', 'unknown kind: no CRD in the shared directory and no Kubernetes built-in defines it',
      `${obj.apiVersion} ${obj.kind}`)];
  }

  private validateCustomResource(obj: any, crd: CrdKind): string[] {
    const errors: string[] = [];
    if (!crd.served) errors.push(err('apiVersion', `${crd.kind} ${crd.version} is not served by the CRD`, obj.apiVersion));
    errors.push(...metadataErrors(obj, crd.namespaced, dns1123SubdomainProblem));
    const schema = this.catalog.schema(crd);
    const validate = this.validatorFor(crd, schema);
    const defaulted = JSON.parse(JSON.stringify(obj)); // ajv applies the CRD's defaults in place, as the API server does
    let badPaths: string[] = [];
    if (!validate(defaulted)) {
      const { messages, paths } = ajvErrorMessages(validate.errors ?? [], defaulted, () => rootAjvSchema(schema));
      errors.push(...messages);
      badPaths = paths;
    }
    walk(defaulted, schema, [], { cel: this.cel, errors, badPaths });
    return errors;
  }

  /**
   * The ajv validator of a CRD schema. Its standalone code is cached on disk, keyed by the schema file and this
   * source file's content (so any change to the conversion rebuilds it).
   */
  private validatorFor(crd: CrdKind, schema: any): ValidateFunction {
    let validate = this.validators.get(crd.schemaFile);
    if (!validate) {
      const file = path.join(this.cacheDir, 'validators', `${crd.schemaFile.replace(/\.json$/, '')}-${validatorCodeKey()}.js`);
      let code: string | undefined;
      try {
        code = fs.readFileSync(file, 'utf8');
      } catch {
        const start = Date.now();
        code = lazy.standalone().default(this.ajv, this.ajv.compile(rootAjvSchema(schema)));
        writeAtomically(file, code);
        pruneStaleValidators(path.dirname(file));
        conformanceStats.ajvCompileMs += Date.now() - start;
      }
      const start = Date.now();
      validate = loadStandaloneValidator(code);
      this.validators.set(crd.schemaFile, validate);
      conformanceStats.ajvLoadMs += Date.now() - start;
    }
    return validate;
  }

  private validateKubernetesObject(obj: any, model: any): string[] {
    const errors: string[] = [];
    const allowed = KUBERNETES_TOP_LEVEL[obj.apiVersion + '/' + obj.kind];
    if (allowed) {
      for (const key of Object.keys(obj)) {
        if (!['apiVersion', 'kind', 'metadata', ...allowed].includes(key)) {
          errors.push(err(key, `unknown field: ${obj.kind} has no top-level field "${key}" (the API server drops it)`, obj[key]));
        }
      }
    }
    const nameRule = KUBERNETES_NAME_RULES[obj.kind] ?? dns1123SubdomainProblem;
    errors.push(...metadataErrors(obj, !CLUSTER_SCOPED.has(obj.kind), nameRule));
    errors.push(...kubernetesModelErrors(model, obj));
    errors.push(...kubernetesRuleErrors(obj));
    return errors;
  }

  /** Compiles every CEL rule (and messageExpression) of every CRD; lists the ones that fail. */
  public compileAllRules(): { rules: number; distinct: number; transitionRules: number; failures: string[] } {
    const texts = new Set<string>();
    const failures: string[] = [];
    let rules = 0;
    let transitionRules = 0;
    const visit = (node: any, where: string): void => {
      if (Array.isArray(node)) {
        node.forEach((n, i) => visit(n, `${where}[${i}]`));
        return;
      }
      if (node === null || typeof node !== 'object') return;
      for (const r of node['x-kubernetes-validations'] ?? []) {
        rules++;
        texts.add(r.rule);
        if (/\boldSelf\b/.test(r.rule)) {
          transitionRules++;
          continue;
        }
        for (const expr of [r.rule, r.messageExpression].filter((x): x is string => typeof x === 'string')) {
          const compiled = this.cel.compile(expr);
          if (compiled instanceof Error) failures.push(`${where}: ${ruleText(expr)}: ${compiled.message}`);
        }
      }
      for (const [k, v] of Object.entries(node)) {
        if (k !== 'x-kubernetes-validations') visit(v, `${where}.${k}`);
      }
    };
    // Every version's rules count (the API server compiles each); compile() caches by text.
    for (const k of this.catalog.allKinds()) visit(this.catalog.schema(k), `${k.group}/${k.version}/${k.kind}`);
    return { rules, distinct: texts.size, transitionRules, failures: [...new Set(failures)] };
  }
}

let defaultValidator: ConformanceValidator | undefined;

function validator(): ConformanceValidator {
  if (!defaultValidator) defaultValidator = new ConformanceValidator();
  return defaultValidator;
}

/** Every problem of one object (JSON path, rule or message, value); empty when it conforms. */
export function validateManifest(obj: any): string[] {
  return validator().validate(obj);
}

/** Every problem of several objects, each prefixed with the object's kind and name. */
export function validateManifests(objs: any[]): string[] {
  return objs.flatMap(o => validateManifest(o).map(e => `${describeObject(o)}: ${e}`));
}

/** `Kind namespace/name` of a manifest, for messages. */
export function describeObject(o: any): string {
  const ns = o?.metadata?.namespace ? `${o.metadata.namespace}/` : '';
  return `${o?.kind ?? '<no kind>'} ${ns}${o?.metadata?.name ?? '<no name>'}`;
}

/** The validator used by validateManifest(s) (for compileAllRules and the catalog). */
export function conformanceValidator(): ConformanceValidator {
  return validator();
}

// ---------------------------------------------------------------------------------------------------------------
// Collection of synthesized objects per test file (used by test/setup/conformance.ts).
// ---------------------------------------------------------------------------------------------------------------

interface Collected {
  readonly object: any;
  readonly tests: Set<string>;
  readonly constructPaths: Set<string>;
}

/** Collects the objects a test file synthesizes and reports the non-conformant ones once. */
export class ConformanceCollector {
  private readonly objects = new Map<string, Collected>();
  private readonly exempt = new Map<string, string>();

  /** Records synthesized objects (identical objects are validated once), with the construct path of each if known. */
  public record(objects: any[], testName: string, constructPathOf: (o: any) => string | undefined = () => undefined): void {
    for (const object of objects) {
      const json = JSON.stringify(object);
      if (json === undefined) continue;
      let entry = this.objects.get(json);
      if (!entry) {
        entry = { object: JSON.parse(json), tests: new Set(), constructPaths: new Set() };
        this.objects.set(json, entry);
      }
      entry.tests.add(testName);
      const constructPath = constructPathOf(object);
      if (constructPath) entry.constructPaths.add(constructPath);
    }
  }

  /** Skips objects synthesized by a test that produces invalid output on purpose. */
  public exemptTest(testName: string, reason: string): void {
    this.exempt.set(testName, reason);
  }

  /** How many distinct objects were collected. */
  public get size(): number {
    return this.objects.size;
  }

  /** A readable report of every non-conformant object, or undefined when all conform. */
  public report(validate: (o: any) => string[] = validateManifest): string | undefined {
    const sections: string[] = [];
    for (const { object, tests, constructPaths } of this.objects.values()) {
      const checkedIn = [...tests].filter(t => !this.exempt.has(t));
      if (checkedIn.length === 0) continue;
      const errors = validate(object);
      if (errors.length === 0) continue;
      const shown = checkedIn.slice(0, 3).map(t => JSON.stringify(t)).join(', ');
      const more = checkedIn.length > 3 ? ` and ${checkedIn.length - 3} more` : '';
      const at = constructPaths.size > 0 ? ` at ${[...constructPaths].join(', ')}` : '';
      sections.push(`${object?.apiVersion} ${describeObject(object)}${at} (synthesized by ${shown}${more}):\n`
        + errors.map(e => `    - ${e}`).join('\n'));
    }
    if (sections.length === 0) return undefined;
    return `${sections.length} synthesized object(s) do not conform to the Istio / Gateway API / cert-manager CRDs `
      + 'or Kubernetes rules (the API server would reject or silently prune them). Fix the construct that renders them; '
      + 'a test that synthesizes invalid output on purpose calls exemptFromConformance(reason).'
      + `\n\n${sections.join('\n\n')}`;
  }
}

/** The collector of the current test file (shared by the setup file and the tests of that file). */
export const collector = new ConformanceCollector();

/**
 * Exempts the objects synthesized by the current test from the conformance check, for tests that synthesize
 * non-conformant output on purpose (e.g. of an escape hatch). Give the reason; it documents the test.
 */
export function exemptFromConformance(reason: string): void {
  const name = expect.getState().currentTestName;
  if (!name) throw new Error('exemptFromConformance() must be called inside a test');
  collector.exemptTest(name, reason);
}
