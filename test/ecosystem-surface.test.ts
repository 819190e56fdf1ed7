/**
 * The package root is the jsii API and nothing else: what `lib/index.js` exports at run time, and what
 * `src/index.ts` exports as types, are exactly the types the jsii assembly (`.jsii`) declares. Internal helpers
 * (renderers, rule checks, `Problem`) stay reachable only from inside the package.
 *
 * The assembly is compiled here, in a scratch copy of the package, so the test neither needs nor touches a build.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
let work: string;
let assembly: any;
let compileOutput: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-surface-'));
  for (const entry of ['src', 'package.json', 'tsconfig.json', 'README.md', 'LICENSE']) {
    fs.cpSync(path.join(ROOT, entry), path.join(work, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(work, 'node_modules'), 'dir');
  // Not silenced here (the compile task silences reserved-word warnings): the warnings are checked below.
  const compile = spawnSync(process.execPath, [require.resolve('jsii/bin/jsii')], { cwd: work, encoding: 'utf8' });
  compileOutput = `${compile.stdout}${compile.stderr}`;
  if (compile.status !== 0) throw new Error(`jsii failed:\n${compileOutput}`);
  assembly = JSON.parse(fs.readFileSync(path.join(work, '.jsii'), 'utf8'));
}, 180_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function jsiiTypes(kinds?: string[]): string[] {
  return Object.values<any>(assembly.types)
    .filter(t => t.namespace === undefined && (!kinds || kinds.includes(t.kind)))
    .map(t => t.name)
    .sort();
}

test('the assembly has no submodules: every API type is at the package root', () => {
  expect(Object.values<any>(assembly.types).filter(t => t.namespace !== undefined).map(t => t.fqn)).toEqual([]);
  expect(jsiiTypes().length).toBeGreaterThan(100);
});

test('lib/index.js exports exactly the classes and enums of the assembly', () => {
  // loaded by a plain Node process, as an app loads the package
  const script = `process.stdout.write(JSON.stringify(Object.keys(require(${JSON.stringify(path.join(work, 'lib', 'index.js'))}))))`;
  const runtime = (JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[]).sort();
  expect(runtime).toEqual(jsiiTypes(['class', 'enum']));
});

test('src/index.ts exports exactly the types of the assembly (no internal helper, no Problem)', () => {
  const index = path.join(work, 'src', 'index.ts');
  const program = ts.createProgram([index], { module: ts.ModuleKind.Node16, target: ts.ScriptTarget.ES2022, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(index)!)!).map(s => s.name).sort();
  expect(exported).not.toContain('Problem');
  expect(exported).not.toContain('renderHttpRoute');
  expect(exported).toEqual(jsiiTypes());
});

test('every reserved-word warning is a property docs/jsii-languages.md lists with its name in each language', () => {
  // e.g. `src/authorization-policy.ts:252:12 - warning JSII5018: "from" is a reserved word in Python.`
  const warned = [...compileOutput.matchAll(/(src\/[\w./-]+\.ts):(\d+):\d+ - warning JSII5018: "(\w+)" is a reserved word/g)]
    .map(([, file, line, word]) => {
      const members = Object.values<any>(assembly.types).flatMap(t => [...t.properties ?? [], ...t.methods ?? []]
        .filter(m => m.locationInModule?.filename === file && m.locationInModule.line === Number(line))
        .map(m => `${t.name}.${m.name}`));
      // a member named so (a property); anything else (a method parameter) is reported as is
      return members.length === 1 && members[0].endsWith(`.${word}`) ? members[0] : `${file}:${line} "${word}"`;
    })
    .sort();
  const documented = [...fs.readFileSync(path.join(ROOT, 'docs', 'jsii-languages.md'), 'utf8').matchAll(/^\| `(\w+\.\w+)` \|/gm)]
    .map(([, member]) => member)
    .sort();
  expect(warned.length).toBeGreaterThan(0);
  expect(warned).toEqual(documented);
});

test('every parameter of every public method and constructor is documented (API.md shows no "No description")', () => {
  const undocumented = Object.values<any>(assembly.types).flatMap(t => [
    ...(t.initializer ? [{ ...t.initializer, name: 'constructor' }] : []),
    ...t.methods ?? [],
  ].flatMap((m: any) => (m.parameters ?? []).filter((p: any) => !p.docs?.summary).map((p: any) => `${t.name}.${m.name}(${p.name})`)));
  expect(undocumented).toEqual([]);
});
