import { cdk8s, javascript, release } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-istio',
  description: 'Typed cdk8s constructs for the Istio service mesh that catch misconfiguration at synth time',
  author: 'cdk8s-istio maintainers',
  authorAddress: 'maintainers@cdk8s-istio.dev',
  repositoryUrl: 'https://github.com/cdk8s-istio/cdk8s-istio.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  keywords: ['cdk8s', 'istio', 'kubernetes', 'service-mesh', 'constructs'],

  jsiiVersion: '~6.0.0',
  // ts-jest 29 and ts-node 10 support TypeScript < 6
  typescriptVersion: '~5.9.0',
  // cdk8s and constructs become peer dependencies (^floor) and exact dev dependencies at the floor.
  cdk8sVersion: '2.70.0',
  constructsVersion: '10.3.0',
  peerDeps: ['cdk8s-plus-27@^2.9.5'],
  // CEL parser (pure JS, no dependencies): Telemetry checks access-log filters and metric tag expressions at
  // construction. Also what the conformance tests evaluate the CRDs' CEL rules with.
  // RE2 (Go regexp syntax), pure JavaScript: validates regexes exactly as istiod and Envoy parse them, and the request
  // simulator matches them with it.
  bundledDeps: ['@marcbachmann/cel-js@^8.0.0', 're2js@^2.10.0'],
  devDeps: [
    // the current cdk8s-plus line (what `cdk8s init` scaffolds): tests pass its objects to the library, which
    // accepts any line's (test/ecosystem-plus.test.ts)
    'cdk8s-plus-33@^2.5.57',
    // the CLI the README's synth command and the examples use
    'cdk8s-cli@^2.207.0',
    // CRD-schema and CEL conformance of every synthesized object (test helper only)
    'ajv@^8.17.0',
    'yaml@^2.5.0',
    // schemas of the Kubernetes kinds we emit (Service, Deployment, Namespace, Secret), for conformance tests;
    // 5.x declares node >=22 (EBADENGINE on Node 20, which the engines below support), 4.5 declares >=14
    'kubernetes-models@^4.5.1',
    // the engines test checks the lockfile's engines ranges against the supported Node versions
    'semver@^7.6.0',
    '@types/semver@^7.5.0',
    // examples import 'cdk8s-istio' exactly as users do; in this repo that name maps to src/
    'tsconfig-paths@^4.2.0',
    // Node 20 is the runtime here; projen's default tag for TypeScript 5.9 does not exist
    '@types/node@^20',
    // property-based tests of every construct (test/accept-*.test.ts) and of the simulator
    'fast-check@^4.10.0',
  ],

  // Every jsii language. Nothing is published from here: `.ci/run` generates each target's code with
  // `jsii-pacmak --code-only` (PyPI, Maven Central, NuGet and the Go proxy are not reachable from CI).
  publishToPypi: { distName: 'cdk8s-istio', module: 'cdk8s_istio' },
  publishToMaven: {
    javaPackage: 'dev.cdk8s_istio',
    mavenGroupId: 'dev.cdk8s-istio',
    mavenArtifactId: 'cdk8s-istio',
  },
  publishToNuget: { dotNetNamespace: 'Cdk8sIstio', packageId: 'Cdk8sIstio' },
  publishToGo: { moduleName: 'github.com/cdk8s-istio/cdk8s-istio-go' },

  // This project lives outside GitHub's automation; `.ci/run` is the CI entry point.
  github: false,
  // Releases are manual and local: `npx projen release` bumps the version from the conventional commits since the
  // last tag (0.x while the API may break), writes CHANGELOG.md, builds every language's package into dist/ and
  // tags. Publishing stays with the maintainer (push the tag, upload dist/ with publib).
  release: true,
  majorVersion: 0,
  // 13.x depends on conventional-changelog packages that want node >=22 (EBADENGINE on the supported Node 20)
  bumpPackage: 'commit-and-tag-version@^12',
  releaseTrigger: release.ReleaseTrigger.manual({
    changelogPath: 'CHANGELOG.md',
    gitPushCommand: 'echo "Release committed and tagged locally; push with: git push --follow-tags origin main"',
  }),
  sampleCode: false,
  integrationTestAutoDiscover: false,

  jestOptions: {
    // jest 30's resolver is unrs-resolver (see above); jest 29 is what ts-jest 29 targets anyway.
    jestVersion: '^29.7.0',
    // A snapshot change must be a reviewed change: `npm test` never writes snapshots,
    // `npx projen test:update` does it on purpose.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      coverageReporters: ['text-summary', 'lcov'],
      // Checks every object any test synthesizes against Istio's CRD schemas and CEL rules.
      setupFilesAfterEnv: ['<rootDir>/test/setup/conformance.ts'],
      // examples/ and the README import the package by name, as users do
      moduleNameMapper: { '^cdk8s-istio$': '<rootDir>/src' },
    },
  },

  gitignore: ['examples/*/dist/', '.ci-work/'],
  eslintOptions: {
    dirs: ['src'],
    // examples may import dev dependencies, like tests
    devdirs: ['test', 'build-tools', 'projenrc', 'examples'],
  },
});

// Supported Node versions: the lines the toolchain's dependencies declare (eslint-visitor-keys: 22.0-22.12 lack
// APIs it uses); test/ecosystem-engines.test.ts checks the lockfile against them.
project.package.addEngine('node', '^20.19.0 || ^22.13.0 || >=24');

// `npm ci` (npm 11) rejects a lockfile that depends on unrs-resolver: its per-platform optional
// bindings are missing from the lockfile. So stay on the eslint resolver and jest versions that
// do not use it. Set after the constructor so these replace the versions projen's components ask for;
// projen derives ts-jest and @types/jest versions from jestVersion, and 29.7 exists for neither.
for (const dep of ['eslint-import-resolver-typescript', 'ts-jest', '@types/jest']) {
  project.deps.removeDependency(dep);
}
project.addDevDeps('eslint-import-resolver-typescript@~3.8.7', 'ts-jest@^29.4.0', '@types/jest@^29.5.0');

// Examples import the package by name, resolved to src/ through examples/tsconfig.json.
project.tryFindObjectFile('.eslintrc.json')?.addOverride('settings.import/resolver.typescript.project', ['./tsconfig.json', './examples/tsconfig.json']);

// README snippets the test suite writes out to type-check and run them
project.gitignore.exclude('/test/.generated/');

// The shapes of the public API's structs, for the checks of untyped callers (src/private/shape.ts), from the jsii
// assembly: run after `npx projen compile` whenever the public API changes.
project.addTask('gen:prop-shapes', {
  description: 'Regenerate src/private/prop-shapes.generated.ts from .jsii',
  exec: 'ts-node --project tsconfig.json --transpile-only scripts/gen-prop-shapes.ts',
});

project.npmignore?.exclude('/examples/', '/.ci/', '/.ci-work/', '/scripts/');

// Every doc sample (README and @example) compiles and is translated for each language's docs: rosetta writes the
// translations to .jsii.tabl.json, which jsii-pacmak reads (samples inherited by a subclass are translated live).
// The fixture that puts short @example statements in context is rosetta/default.ts-fixture.
project.postCompileTask.exec('jsii-rosetta extract --compile --fail');
project.gitignore.exclude('/.jsii.tabl.json');
project.npmignore?.exclude('/rosetta/');
for (const language of ['java', 'python', 'dotnet', 'go']) {
  project.tasks.tryFind(`package:${language}`)?.reset(`jsii-pacmak -v --target ${language} --rosetta-unknown-snippets=translate`);
}

// Synthesize every example with the cdk8s CLI, the way a user runs `cdk8s synth`.
project.addTask('synth', {
  description: 'Synthesize every example under examples/<name>/ into examples/<name>/dist with the cdk8s CLI',
  exec: 'bash scripts/synth-examples.sh',
});

// Performance is measured here, not asserted in timed tests.
project.addTask('bench', {
  description: 'Synthesis benchmark: the model app as raw ApiObjects and with the library at N services (time, memory, determinism)',
  exec: 'ts-node --project tsconfig.json --transpile-only scripts/benchmark.ts',
  receiveArgs: true,
});

project.synth();
