/**
 * The package root is the jsii API and nothing else: what `lib/index.js` exports at run time, and what
 * `src/index.ts` exports as types, are exactly the types the jsii assembly (`.jsii`) declares. Internal helpers
 * (renderers, rule checks, `Problem`) stay reachable only from inside the package.
 *
 * The assembly is compiled here, in a scratch copy of the package, so the test neither needs nor touches a build.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
let work: string;
let assembly: any;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-surface-'));
  for (const entry of ['src', 'package.json', 'tsconfig.json', 'README.md', 'LICENSE']) {
    fs.cpSync(path.join(ROOT, entry), path.join(work, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(work, 'node_modules'), 'dir');
  execFileSync(process.execPath, [require.resolve('jsii/bin/jsii'), '--silence-warnings=reserved-word'], { cwd: work, stdio: 'pipe' });
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
