/**
 * Every synth-time error names the struct and prop it concerns, as API.md and every jsii language's docs document
 * them (`See VirtualServiceProps.http in the API reference.`), like construction-time errors do (those get theirs
 * from their field, see `constructionMessage` in `src/private/errors.ts`).
 *
 * The rules are derived from the source of `src/`:
 * - A Problem literal (an object with `problem` and `fix`) is synth-time when it lies in code reachable from an
 *   `addSynthValidation(scope, callback)` callback: the callback's body, and transitively every function, method,
 *   getter or variable of `src/` it refers to that yields messages or Problems (its type mentions `Problem` or
 *   `string`; a check that throws, such as `checkArgs` or a `configError` factory, is construction-time). Every
 *   synth-time Problem literal must set `prop`, and so must every Problem literal of `src/private/analysis/*.ts`.
 * - Every `prop` must be, by its TypeScript type, one or more string literals `<Struct>.<prop>` naming a struct of the
 *   jsii assembly (`.jsii` when compiled, else the struct shapes generated from it, which `accept-untyped.test.ts`
 *   keeps equal to the assembly) and one of its properties, inherited ones included. A `prop` that is a parameter
 *   of its function (a rule shared with construction-time checks, which leave it out) may also be undefined, and
 *   then every call of that function from synth-time code must pass it as such a string literal.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as ts from 'typescript';
import { synth } from './util';
import { MeshApp } from '../src/mesh-app';
import { MeshService } from '../src/mesh-service';
import { MeshDeployment, MeshStatefulSet } from '../src/mesh-workload';
import { describeProblem } from '../src/private/errors';
import { STRUCTS } from '../src/private/prop-shapes.generated';
import { Protocol } from '../src/protocol';
import { RequestAuthentication } from '../src/request-authentication';
import { Sidecar } from '../src/sidecar';
import { VirtualService } from '../src/virtual-service';

const ROOT = path.join(__dirname, '..');
const SRC = path.join(ROOT, 'src');
const ANALYSIS = path.join(SRC, 'private', 'analysis');

/** Struct name to its properties, inherited ones included. */
function apiStructs(): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  const assemblyFile = path.join(ROOT, '.jsii');
  if (fs.existsSync(assemblyFile)) {
    const types: { [fqn: string]: any } = JSON.parse(fs.readFileSync(assemblyFile, 'utf8')).types;
    const propsOf = (fqn: string): string[] => {
      const t = types[fqn];
      if (t === undefined) return [];
      return [...(t.properties ?? []).map((p: any) => p.name), ...(t.interfaces ?? []).flatMap(propsOf)];
    };
    for (const [fqn, t] of Object.entries(types)) {
      if (t.kind === 'interface' && t.datatype && t.namespace === undefined) result.set(t.name, new Set(propsOf(fqn)));
    }
    return result;
  }
  const propsOf = (struct: string): string[] => Object.keys(STRUCTS[struct] ?? {})
    .flatMap(key => (key.startsWith('...') ? propsOf(key.slice(3)) : [key]));
  for (const struct of Object.keys(STRUCTS)) result.set(struct, new Set(propsOf(struct)));
  return result;
}

interface Site {
  readonly where: string;
  readonly hasProp: boolean;
  readonly props: string[];
  readonly nonLiteral: boolean;
  /** In `src/private/analysis`. */
  readonly analysis: boolean;
  /** Reachable from an `addSynthValidation` callback. */
  readonly synth: boolean;
  /** The parameter `prop` is, when it is one: [function, parameter index]. */
  readonly parameter?: [ts.Declaration, number];
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => (e.isDirectory()
    ? sourceFiles(path.join(dir, e.name))
    : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/**
 * Every Problem literal and every `prop` of `src/` (for `src/private/analysis`, every object literal's `prop`), with
 * the string literal values `prop` can take and whether the literal is synth-time; and the calls made from
 * synth-time code, to check the props passed to a function whose Problems take their prop from a parameter.
 */
function srcSites(): { problems: Site[]; props: Site[]; synthCalls: ts.CallExpression[]; checker: ts.TypeChecker } {
  const files = sourceFiles(SRC);
  const program = ts.createProgram(files, {
    strict: true, target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, skipLibCheck: true, noEmit: true,
  });
  const checker = program.getTypeChecker();
  const inSrc = (node: ts.Node) => node.getSourceFile().fileName.startsWith(SRC + path.sep);
  const declarationsOf = (node: ts.Node): ts.Declaration[] => {
    const symbol = checker.getSymbolAtLocation(node);
    const imported = symbol?.declarations?.some(d => ts.isImportSpecifier(d) || ts.isImportClause(d) || ts.isNamespaceImport(d));
    return (imported ? checker.getAliasedSymbol(symbol!) : symbol)?.declarations ?? [];
  };

  // What synth-time code reaches: the callbacks of addSynthValidation, then what they refer to that yields messages.
  const mentionsMessages = (type: ts.Type, seen = new Set<ts.Type>()): boolean => {
    if (seen.has(type)) return false;
    seen.add(type);
    if (type.isStringLiteral() || checker.typeToString(type) === 'string' || type.getSymbol()?.getName() === 'Problem') return true;
    if (type.isUnionOrIntersection()) return type.types.some(t => mentionsMessages(t, seen));
    if (checker.isArrayType(type) || checker.isTupleType(type)) {
      return checker.getTypeArguments(type as ts.TypeReference).some(t => mentionsMessages(t, seen));
    }
    return false;
  };
  const yieldsMessages = (d: ts.Declaration): boolean => {
    const type = checker.getTypeAtLocation(d);
    const signatures = type.getCallSignatures();
    if (signatures.length === 0 || ts.isGetAccessorDeclaration(d)) return mentionsMessages(type);
    return signatures.some(s => mentionsMessages(s.getReturnType()));
  };
  const reached = new Set<ts.Node>();
  const queue: ts.Node[] = [];
  const reach = (node: ts.Node) => {
    if (!reached.has(node)) {
      reached.add(node);
      queue.push(node);
    }
  };
  for (const file of files) {
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'addSynthValidation') {
        expect(node.arguments).toHaveLength(2);
        reach(node.arguments[1]);
      }
      ts.forEachChild(node, visit);
    };
    visit(program.getSourceFile(file)!);
  }
  while (queue.length > 0) {
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) {
        for (const d of declarationsOf(node)) {
          const code = ts.isFunctionDeclaration(d) || ts.isMethodDeclaration(d) || ts.isGetAccessorDeclaration(d)
            || ts.isVariableDeclaration(d) || ts.isPropertyDeclaration(d) || ts.isFunctionExpression(d) || ts.isArrowFunction(d);
          if (code && inSrc(d) && yieldsMessages(d)) reach(d);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(queue.shift()!);
  }
  const isSynth = (node: ts.Node): boolean => {
    for (let n: ts.Node | undefined = node; n !== undefined; n = n.parent) if (reached.has(n)) return true;
    return false;
  };

  const problems: Site[] = [];
  const props: Site[] = [];
  const synthCalls: ts.CallExpression[] = [];
  for (const file of files) {
    const source = program.getSourceFile(file)!;
    const analysis = file.startsWith(ANALYSIS + path.sep);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && isSynth(node)) synthCalls.push(node);
      if (ts.isObjectLiteralExpression(node)) {
        const named = new Map<string, ts.ObjectLiteralElementLike>();
        for (const p of node.properties) if (p.name && ts.isIdentifier(p.name)) named.set(p.name.text, p);
        const where = `${path.relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
        // A Problem: an object with problem and fix that is typed as a Problem, or untyped (its contextual type, if
        // any, is its own anonymous type, e.g. in `.map(o => ({ ... }))`); a Finding (`private/mesh-rules.ts`) that a
        // rule turns into a Problem with its prop, or another named type (`Re2Issue`), is not one.
        const context = checker.getContextualType(node);
        const contextNames = (context?.isUnion() ? context.types : context ? [context] : [])
          .map(t => t.getSymbol()?.getName()).filter(name => name !== undefined && name !== '__object' && name !== '__type');
        const isProblem = named.has('problem') && named.has('fix') && (contextNames.length === 0 || contextNames.includes('Problem'));
        const prop = named.get('prop');
        let site: Site = { where, hasProp: prop !== undefined, props: [], nonLiteral: false, analysis, synth: isSynth(node) };
        if (prop !== undefined) {
          const expression = ts.isPropertyAssignment(prop) ? prop.initializer : prop.name!;
          const value = ts.isShorthandPropertyAssignment(prop) ? checker.getShorthandAssignmentValueSymbol(prop) : undefined;
          const parameter = (value ? value.declarations ?? [] : declarationsOf(expression)).find(ts.isParameter);
          const type = checker.getTypeAtLocation(expression);
          const parts = (type.isUnion() ? type.types : [type]).filter(t => parameter === undefined || checker.typeToString(t) !== 'undefined');
          const values = parts.filter(t => t.isStringLiteral()).map(t => (t as ts.StringLiteralType).value);
          site = {
            ...site,
            props: values,
            nonLiteral: parts.some(t => !t.isStringLiteral()),
            parameter: parameter && [parameter.parent as ts.Declaration, parameter.parent.parameters.indexOf(parameter)],
          };
          if (isProblem || analysis) props.push(site);
        }
        if (isProblem) problems.push(site);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { problems, props, synthCalls, checker };
}

describe('synth-time errors name the struct and prop they concern', () => {
  const { problems, props, synthCalls, checker } = srcSites();
  const structs = apiStructs();
  const notInApi = (value: string): boolean => {
    const [struct, prop, ...rest] = value.split('.');
    return rest.length > 0 || !structs.get(struct)?.has(prop);
  };

  test('the analysis rules are found (a Problem literal per error)', () => {
    expect(problems.filter(p => p.analysis).length).toBeGreaterThanOrEqual(25);
  });

  test('the synth-time Problems of the construct files are found (reachable from addSynthValidation callbacks)', () => {
    const constructFiles = problems.filter(p => p.synth && /^src\/[^/]+\.ts:/.test(p.where));
    expect(constructFiles.length).toBeGreaterThanOrEqual(40);
    // e.g. the Sidecar's IST0110/IST0111 (validateSidecar, a method the callback calls) and ReferenceGrant's (in the callback)
    expect(constructFiles.filter(p => p.where.startsWith('src/sidecar.ts:')).length).toBeGreaterThanOrEqual(3);
    expect(constructFiles.filter(p => p.where.startsWith('src/reference-grant.ts:')).length).toBe(2);
    // a construction-time check (it throws) is not synth-time
    expect(problems.filter(p => p.synth && p.where.startsWith('src/private/shape.ts:'))).toEqual([]);
  });

  test('every Problem literal of src/private/analysis sets prop', () => {
    expect(problems.filter(p => p.analysis && !p.hasProp).map(p => p.where)).toEqual([]);
  });

  test('every synth-time Problem literal of src/ sets prop', () => {
    expect(problems.filter(p => p.synth && !p.hasProp).map(p => p.where)).toEqual([]);
  });

  test('every prop is a string literal (or a union of them) naming an existing struct and prop of the jsii assembly', () => {
    const wrong = props.flatMap(site => [
      ...(site.nonLiteral ? [`${site.where}: prop is not a string literal type`] : []),
      ...site.props.filter(notInApi).map(value => `${site.where}: ${value} is not a struct property of the API`),
    ]);
    expect(wrong).toEqual([]);
    expect(props.filter(site => site.props.length === 0).map(site => site.where)).toEqual([]);
  });

  test('a prop passed in as a parameter is passed, as such a string literal, by every call from synth-time code', () => {
    const parameters = props.filter(site => site.parameter !== undefined && (site.synth || site.analysis));
    expect(parameters.length).toBeGreaterThan(0);
    const wrong: string[] = [];
    for (const site of parameters) {
      const [fn, index] = site.parameter!;
      for (const call of synthCalls) {
        const callee = checker.getResolvedSignature(call)?.getDeclaration();
        if (callee !== fn) continue;
        const where = `${path.relative(ROOT, call.getSourceFile().fileName)}:${call.getSourceFile().getLineAndCharacterOfPosition(call.getStart()).line + 1}`;
        const argument = call.arguments[index];
        const type = argument && checker.getTypeAtLocation(argument);
        const parts = type === undefined ? [] : type.isUnion() ? type.types : [type];
        const values = parts.filter(t => t.isStringLiteral()).map(t => (t as ts.StringLiteralType).value);
        if (values.length === 0 || values.length < parts.length || values.some(notInApi)) {
          wrong.push(`${where}: passes no prop of the API (for ${site.where})`);
        }
      }
    }
    expect([...new Set(wrong)]).toEqual([]);
  });

  test('describeProblem renders the prop once, at the end', () => {
    expect(describeProblem({ field: 'hosts[0]', value: 'a', problem: 'is wrong', fix: 'fix it', symptom: 'it breaks', prop: 'VirtualServiceProps.hosts' }))
      .toEqual('hosts[0]: is wrong (got "a"). Fix: fix it. In the cluster: it breaks. See VirtualServiceProps.hosts in the API reference.');
  });

  test('a synth-time error reads the same in every language: IST0109 names VirtualServiceProps.hosts', () => {
    const app = new MeshApp();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new VirtualService(chart, 'One', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews' }] }] });
    new VirtualService(chart, 'Two', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews' }] }] });
    expect(() => app.synth()).toThrow(/\[shop\/One\] hosts\[0\]: is also declared by VirtualService shop\/two .* See VirtualServiceProps\.hosts in the API reference\./);
  });

  test('the plain App reports it the same way', () => {
    const app = new App();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new VirtualService(chart, 'One', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews' }] }] });
    new VirtualService(chart, 'Two', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews' }] }] });
    expect(() => app.synth()).toThrow(/See VirtualServiceProps\.hosts in the API reference\./);
  });

  describe('the synth-time errors of the construct files name their prop', () => {
    const chart = () => new Chart(new App(), 'shop', { namespace: 'shop' });

    test('in the validation callback\'s method: Sidecar IST0110 names SidecarProps.workloadSelector', () => {
      const c = chart();
      new Sidecar(c, 'Reviews', { workloadSelector: { app: 'reviews' }, egress: [{ hosts: ['./*'] }] });
      new Sidecar(c, 'ReviewsToo', { workloadSelector: { app: 'reviews' }, egress: [{ hosts: ['./*'] }] });
      expect(() => synth(c)).toThrow(/\[shop\/Reviews\] workloadSelector: selects the same workloads .*IST0110\)\. See SidecarProps\.workloadSelector in the API reference\./);
    });

    test('in the validation callback: RequestAuthentication without rules names RequestAuthenticationProps.jwtRules', () => {
      const c = chart();
      new RequestAuthentication(c, 'Api', { selector: { app: 'api' } });
      expect(() => synth(c)).toThrow(/\[shop\/Api\] jwtRules: is empty.*addJwtRule\(\{ issuer, jwksUri \}\)\. See RequestAuthenticationProps\.jwtRules in the API reference\./);
    });

    test('a prop passed to a shared check: a ServiceBackend\'s port protocol names the route\'s VirtualServiceProps.http', () => {
      const c = chart();
      new MeshService(c, 'Redis', { ports: [{ port: 6379, protocol: Protocol.REDIS }] });
      new VirtualService(c, 'Route', { hosts: ['redis'], http: [{ route: [{ host: 'redis' }] }] });
      expect(() => synth(c)).toThrow(/\[shop\/Route\] http\[0\]\.route\[0\]\.destination: Service shop\/redis spec\.ports\[0\] protocol: is not one a http route applies to .* See VirtualServiceProps\.http in the API reference\./);
    });

    test('a prop passed to a shared check: an annotation added after construction names IstioResourceProps.metadata', () => {
      const c = chart();
      const vs = new VirtualService(c, 'Route', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews' }] }] });
      vs.metadata.addAnnotation('not a key!', 'x');
      expect(() => synth(c)).toThrow(/\[shop\/Route\] metadata\.annotations\["not a key!"\]: .* See IstioResourceProps\.metadata in the API reference\./);
    });

    test('a workload\'s pod template, checked as rendered: MeshDeployment and MeshStatefulSet name their own props', () => {
      const c = chart();
      const deployment = new MeshDeployment(c, 'Reviews', { app: 'reviews', version: 'v1', containers: [{ image: 'reviews:1', ports: [{ number: 9080, name: 'http' }] }] });
      deployment.podMetadata.addLabel('app', 'ratings');
      deployment.podMetadata.addLabel('sidecar.istio.io/inject', 'false');
      const statefulSet = new MeshStatefulSet(c, 'Db', { app: 'db', version: 'v1', containers: [{ image: 'db:1', ports: [{ number: 5432, name: 'tcp-postgres' }] }] });
      statefulSet.podMetadata.addLabel('version', 'v2');
      expect(() => synth(c)).toThrow(/\[shop\/Reviews\] spec\.template\.metadata\.labels\.app: differs from .* See MeshDeploymentProps\.app in the API reference\./);
      expect(() => synth(c)).toThrow(/\[shop\/Reviews\] spec\.template\.metadata\.labels\["sidecar\.istio\.io\/inject"\]: .* See MeshDeploymentProps\.sidecarInjection in the API reference\./);
      expect(() => synth(c)).toThrow(/\[shop\/Db\] spec\.template\.metadata\.labels\.version: differs from .* See MeshStatefulSetProps\.version in the API reference\./);
    });
  });
});
