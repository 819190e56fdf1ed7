/**
 * The README cannot rot: every ```ts block in it is a complete program that is type-checked against the library's
 * sources and then run; when a ```yaml block follows it (before the next ```ts block), every object that block shows
 * must be synthesized exactly so by the program (the README may leave out objects, e.g. long Deployments, but never
 * show one that differs); when a ```text block starting with "Error: " follows it, the program must fail with exactly
 * that error.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { sharedAvailable, validateManifests } from './util/conformance';

const ROOT = path.resolve(__dirname, '..');
const GENERATED = path.join(ROOT, 'test', '.generated', 'readme');

interface Snippet {
  /** 1-based line of the opening fence in README.md. */
  readonly line: number;
  readonly code: string;
  /** The YAML the snippet must synthesize, when the README shows it. */
  readonly expectedYaml?: string;
  /** The error the snippet must fail with, when the README shows one. */
  readonly expectedError?: string;
}

function readmeSnippets(): Snippet[] {
  const lines = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n');
  const blocks: Array<{ lang: string; line: number; body: string }> = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    blocks.push({ lang: open[1], line: start + 1, body: body.join('\n') });
  }
  const snippets: Snippet[] = [];
  blocks.forEach((block, index) => {
    if (block.lang !== 'ts' && block.lang !== 'typescript') return;
    const next = blocks.slice(index + 1).find(b => ['ts', 'typescript', 'yaml', 'text'].includes(b.lang));
    snippets.push({
      line: block.line,
      code: block.body,
      expectedYaml: next?.lang === 'yaml' ? next.body : undefined,
      expectedError: next?.lang === 'text' && next.body.startsWith('Error: ') ? next.body.slice('Error: '.length) : undefined,
    });
  });
  return snippets;
}

function snippetFile(snippet: Snippet): string {
  return path.join(GENERATED, `readme-line-${snippet.line}.ts`);
}

function parseYaml(text: string): any[] {
  return parseAllDocuments(text).map(d => d.toJS()).filter(d => d !== null && d !== undefined);
}

const snippets = readmeSnippets();
fs.rmSync(GENERATED, { recursive: true, force: true });
fs.mkdirSync(GENERATED, { recursive: true });
for (const snippet of snippets) fs.writeFileSync(snippetFile(snippet), snippet.code + '\n');

test('the README has TypeScript examples with the YAML they produce', () => {
  expect(snippets.length).toBeGreaterThanOrEqual(5);
  expect(snippets.filter(s => s.expectedYaml !== undefined).length).toBeGreaterThanOrEqual(4);
  expect(snippets.filter(s => s.expectedError !== undefined).length).toBeGreaterThanOrEqual(1);
});

test('every README snippet type-checks against the library', () => {
  const base = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile).config;
  const parsed = ts.parseJsonConfigFileContent(base, ts.sys, ROOT);
  const program = ts.createProgram(snippets.map(snippetFile), {
    ...parsed.options,
    noEmit: true,
    rootDir: ROOT,
    baseUrl: ROOT,
    paths: { 'cdk8s-istio': ['src'] },
    noUnusedLocals: false,
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map(d => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const file = d.file ? path.relative(ROOT, d.file.fileName) : '';
    return `${file}${where ? `:${where.line + 1}` : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  expect(diagnostics).toEqual([]);
}, 120_000);

// A snippet that is itself a jest test (the README shows how to snapshot-test an app) registers its tests here.
const isJestTest = (snippet: Snippet) => /^\s*(test|it|describe)\(/m.test(snippet.code);
for (const snippet of snippets.filter(isJestTest)) {
  describe('README jest example', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(snippetFile(snippet));
  });
}

const programs = snippets.filter(s => !isJestTest(s));
describe.each(programs.map(s => [`README.md:${s.line}`, s] as const))('%s', (_where, snippet) => {
  test('runs and synthesizes what the README shows', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-readme-'));
    const previous = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = outdir;
    try {
      // A plain require: the snippet shares this file's cdk8s module, so the conformance hook sees its charts.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const run = () => require(snippetFile(snippet));
      if (snippet.expectedError !== undefined) {
        expect(run).toThrow(new Error(snippet.expectedError));
        return;
      }
      run();
      const files = fs.readdirSync(outdir).filter(f => f.endsWith('.yaml')).sort();
      const synthesized = files.flatMap(f => parseYaml(fs.readFileSync(path.join(outdir, f), 'utf8')));
      expect(synthesized.length).toBeGreaterThan(0);
      if (sharedAvailable()) expect(validateManifests(synthesized)).toEqual([]);
      if (snippet.expectedYaml !== undefined) {
        const shown = parseYaml(snippet.expectedYaml);
        expect(shown.length).toBeGreaterThan(0);
        const key = (o: any) => `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
        const byKey = new Map(synthesized.map(o => [key(o), o]));
        for (const object of shown) expect({ [key(object)]: byKey.get(key(object)) }).toEqual({ [key(object)]: object });
      }
    } finally {
      if (previous === undefined) delete process.env.CDK8S_OUTDIR;
      else process.env.CDK8S_OUTDIR = previous;
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
