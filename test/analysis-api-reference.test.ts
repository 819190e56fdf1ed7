/**
 * Every cross-resource (synth-time) error names the struct and prop it concerns, as API.md and every jsii language's
 * docs document them (`See VirtualServiceProps.http in the API reference.`), like construction-time errors do.
 *
 * The rules are derived from the source: every Problem literal (an object with `problem` and `fix`) in
 * `src/private/analysis/*.ts` must set `prop`, and every `prop` there must be, by its TypeScript type, one or more
 * string literals `<Struct>.<prop>` naming a struct of the jsii assembly (`.jsii` when compiled, else the struct
 * shapes generated from it, which `accept-untyped.test.ts` keeps equal to the assembly) and one of its properties,
 * inherited ones included.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as ts from 'typescript';
import { MeshApp } from '../src/mesh-app';
import { describeProblem } from '../src/private/errors';
import { STRUCTS } from '../src/private/prop-shapes.generated';
import { VirtualService } from '../src/virtual-service';

const ROOT = path.join(__dirname, '..');
const ANALYSIS = path.join(ROOT, 'src', 'private', 'analysis');

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
}

/** Every Problem literal and every `prop` of the analysis files, with the string literal values `prop` can take. */
function analysisSites(): { problems: Site[]; props: Site[] } {
  const files = fs.readdirSync(ANALYSIS).filter(f => f.endsWith('.ts')).map(f => path.join(ANALYSIS, f));
  const program = ts.createProgram(files, {
    strict: true, target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, skipLibCheck: true, noEmit: true,
  });
  const checker = program.getTypeChecker();
  const problems: Site[] = [];
  const props: Site[] = [];
  for (const file of files) {
    const source = program.getSourceFile(file)!;
    const visit = (node: ts.Node): void => {
      if (ts.isObjectLiteralExpression(node)) {
        const named = new Map<string, ts.ObjectLiteralElementLike>();
        for (const p of node.properties) if (p.name && ts.isIdentifier(p.name)) named.set(p.name.text, p);
        const where = `${path.relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
        const prop = named.get('prop');
        let site: Site = { where, hasProp: prop !== undefined, props: [], nonLiteral: false };
        if (prop !== undefined) {
          const expression = ts.isPropertyAssignment(prop) ? prop.initializer : prop.name!;
          const type = checker.getTypeAtLocation(expression);
          const parts = type.isUnion() ? type.types : [type];
          const values = parts.filter(t => t.isStringLiteral()).map(t => (t as ts.StringLiteralType).value);
          site = { ...site, props: values, nonLiteral: parts.some(t => !t.isStringLiteral()) };
          props.push(site);
        }
        // A Problem: an object with problem and fix that is typed as a Problem (or untyped); a Finding
        // (`private/mesh-rules.ts`) that a rule turns into a Problem with its prop is not one.
        const context = checker.getContextualType(node);
        const contextNames = (context?.isUnion() ? context.types : context ? [context] : []).map(t => t.getSymbol()?.getName());
        if (named.has('problem') && named.has('fix') && (context === undefined || contextNames.includes('Problem'))) problems.push(site);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { problems, props };
}

describe('synth-time errors name the struct and prop they concern', () => {
  const { problems, props } = analysisSites();
  const structs = apiStructs();

  test('the analysis rules are found (a Problem literal per error)', () => {
    expect(problems.length).toBeGreaterThanOrEqual(25);
  });

  test('every Problem literal of src/private/analysis sets prop', () => {
    expect(problems.filter(p => !p.hasProp).map(p => p.where)).toEqual([]);
  });

  test('every prop is a string literal (or a union of them) naming an existing struct and prop of the jsii assembly', () => {
    const wrong = props.flatMap(site => [
      ...(site.nonLiteral ? [`${site.where}: prop is not a string literal type`] : []),
      ...site.props.filter(value => {
        const [struct, prop, ...rest] = value.split('.');
        return rest.length > 0 || !structs.get(struct)?.has(prop);
      }).map(value => `${site.where}: ${value} is not a struct property of the API`),
    ]);
    expect(wrong).toEqual([]);
    expect(props.every(site => site.props.length > 0)).toBe(true);
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
});
