/**
 * Synthesis benchmark: the model app of issue 10, built twice — as raw cdk8s `ApiObject`s (the floor: the same
 * manifests, no library) and with the library's patterns — at growing sizes, interleaved.
 *
 * The model, per service: two Deployments (`v1`, `v2`), a Service, a DestinationRule with both subsets and a
 * VirtualService splitting 90/10; every 10th service is exposed over HTTPS on one shared ingress gateway; one
 * namespace (and one chart) per 50 services. The library builds it with MeshNamespace, CanaryRelease and IngressRoute
 * on a shared IngressGateway, in a `MeshApp`; the raw variant writes the same objects as plain `ApiObject`s in an `App`.
 *
 * Each measurement runs in a child process of its own (one variant, one size), so its peak RSS is honest and no
 * variant warms up or pollutes the heap of the other. Time is construction + `app.synthYaml()` (validation included).
 *
 * A third variant, raw `ApiObject`s in a `MeshApp`, separates what the library's constructs cost from what
 * `MeshApp` saves (cdk8s's `App` validates and resolves the whole app again for every chart it renders). A fourth,
 * `raw-plus`, is the raw variant with the versions' Deployments built by cdk8s-plus-27: the floor of any library whose
 * workloads are cdk8s-plus objects, as this library's are (`MeshDeployment`, `CanaryRelease.deployments`).
 *
 * Usage: `npx projen bench [N ...] [--reps R]` (default N = 100 1000 5000, R = 1).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';

const SERVICES_PER_NAMESPACE = 50;
const EXPOSE_EVERY = 10;
const GATEWAY = { name: 'public-gateway', namespace: 'istio-system' };

interface Measurement {
  readonly variant: string;
  readonly services: number;
  readonly objects: number;
  readonly constructMs: number;
  readonly synthMs: number;
  readonly totalMs: number;
  /**
   * CPU time of the child (all its threads: JavaScript, the garbage collector's helpers) during construction and
   * synthesis. Less sensitive than wall time to other processes on the machine, so it is printed next to it.
   */
  readonly cpuMs: number;
  /** Heap in use after synthesis minus before construction (after a full GC both times), MiB. */
  readonly heapGrowthMiB: number;
  /**
   * The highest heap in use during construction and synthesis (V8's heap size before each garbage collection, from
   * `--trace-gc`) minus the heap in use before construction, MiB: what the build and the synth hold at their peak.
   */
  readonly peakHeapGrowthMiB: number;
  /**
   * Peak resident set size during construction and synthesis, MiB: the child's high-water mark is reset when the
   * measurement starts (Linux `/proc/self/clear_refs`), so loading (and ts-node-compiling) the modules does not count.
   * Where the reset is not available, the child's `maxRSS`.
   */
  readonly peakRssMiB: number;
  /** Whether `peakRssMiB` covers the measurement only (the reset worked) or the whole child process. */
  readonly peakRssOfMeasurement: boolean;
  /** Resident set size before construction, MiB (the runtime and the loaded modules). */
  readonly baseRssMiB: number;
  /** Heap in use before construction, MiB (unrounded). */
  readonly heapBeforeMiB: number;
  readonly sha: string;
}

const team = (i: number) => `team-${Math.floor(i / SERVICES_PER_NAMESPACE)}`;
const svc = (i: number) => `svc-${i}`;

/**
 * The floor: the same manifests the library renders, as plain ApiObjects (in a plain `App`, or in `appClass`). With
 * `plusDeployments`, the versions' Deployments are cdk8s-plus-27 `Deployment`s instead (what any library that builds
 * its workloads with cdk8s-plus pays before adding anything of its own), the rest stays plain.
 */
function buildRaw(services: number, appClass: typeof App = App, plusDeployments = false): App {
  const app = new appClass({ outdir: '/tmp/cdk8s-istio-bench' });
  const platform = new Chart(app, 'platform');
  const servers: any[] = [];
  new ApiObject(platform, 'Gateway', {
    apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: GATEWAY,
    spec: { selector: { istio: 'ingressgateway' }, servers },
  });
  let chart: Chart | undefined;
  for (let i = 0; i < services; i++) {
    const namespace = team(i);
    const name = svc(i);
    if (i % SERVICES_PER_NAMESPACE === 0) {
      chart = new Chart(app, namespace, { namespace });
      new ApiObject(chart, 'Namespace', {
        apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'istio-injection': 'enabled' } }, spec: {},
      } as any);
      new ApiObject(chart, 'PeerAuthentication', {
        apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default' }, spec: { mtls: { mode: 'STRICT' } },
      } as any);
    }
    const scope = chart!;
    for (const version of ['v1', 'v2']) {
      if (plusDeployments) {
        // cdk8s-plus renders the same Deployment as the literal below (its defaults: 2 replicas, resources, security
        // contexts, the `cdk8s.io/metadata.addr` selector label).
        new kplus.Deployment(scope, `${name}-${version}`, {
          metadata: { name: `${name}-${version}`, labels: { app: name, version } },
          podMetadata: { labels: { app: name, version } },
          containers: [{ image: `example.com/${name}:${version}`, ports: [{ number: 8080, name: 'http' }] }],
        });
        continue;
      }
      const addr = `${namespace}-${name}-${version}`;
      new ApiObject(scope, `${name}-${version}`, {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `${name}-${version}`, labels: { app: name, version } },
        spec: {
          minReadySeconds: 0, progressDeadlineSeconds: 600, replicas: 2,
          selector: { matchLabels: { 'cdk8s.io/metadata.addr': addr } },
          strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
          template: {
            metadata: { labels: { 'app': name, 'cdk8s.io/metadata.addr': addr, version } },
            spec: {
              automountServiceAccountToken: false,
              containers: [{
                image: `example.com/${name}:${version}`, imagePullPolicy: 'Always', name: 'main',
                ports: [{ containerPort: 8080, name: 'http' }],
                resources: { limits: { cpu: '1500m', memory: '2048Mi' }, requests: { cpu: '1000m', memory: '512Mi' } },
                securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true },
              }],
              dnsPolicy: 'ClusterFirst', hostNetwork: false, restartPolicy: 'Always',
              securityContext: { fsGroupChangePolicy: 'Always', runAsNonRoot: true },
              setHostnameAsFQDN: false, terminationGracePeriodSeconds: 30,
            },
          },
        },
      } as any);
    }
    new ApiObject(scope, `${name}-service`, {
      apiVersion: 'v1', kind: 'Service', metadata: { name, labels: { app: name } },
      spec: { ports: [{ name: 'http', port: 8080, protocol: 'TCP', targetPort: 8080 }], selector: { app: name }, type: 'ClusterIP' },
    } as any);
    new ApiObject(scope, `${name}-dr`, {
      apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name },
      spec: { host: name, subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] },
    } as any);
    const split = (host: string) => [
      { destination: { host, subset: 'v1' }, weight: 90 },
      { destination: { host, subset: 'v2' }, weight: 10 },
    ];
    new ApiObject(scope, `${name}-vs`, {
      apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name },
      spec: { hosts: [name], http: [{ route: split(name) }] },
    } as any);
    if (i % EXPOSE_EVERY === 0) {
      const host = `${name}.example.com`;
      servers.push(
        { hosts: [`${namespace}/${host}`], port: { name: `http-ing-${i}`, number: 80, protocol: 'HTTP' }, tls: { httpsRedirect: true } },
        {
          hosts: [`${namespace}/${host}`], port: { name: `https-ing-${i}`, number: 443, protocol: 'HTTPS' },
          tls: { credentialName: `${name}-tls`, minProtocolVersion: 'TLSV1_2', mode: 'SIMPLE' },
        },
      );
      new ApiObject(scope, `${name}-ingress`, {
        apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: `ing-${i}` },
        spec: {
          gateways: [`${GATEWAY.namespace}/${GATEWAY.name}`], hosts: [host],
          http: [{ route: split(`${name}.${namespace}.svc.cluster.local`) }],
        },
      } as any);
    }
  }
  return app;
}

/** The same app with the library's patterns. */
function buildLibrary(services: number): App {
  // Loaded here, so the raw variant's process never loads the library.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = require('../src') as typeof import('../src');
  // MeshApp: one mesh analysis per synth instead of one per chart (see README, "Synthesis").
  const app = new lib.MeshApp({ outdir: '/tmp/cdk8s-istio-bench' });
  const platform = new Chart(app, 'platform');
  const gateway = new lib.IngressGateway(platform, 'Public', { metadata: { name: GATEWAY.name } });
  let ns: InstanceType<typeof lib.MeshNamespace> | undefined;
  for (let i = 0; i < services; i++) {
    const namespace = team(i);
    const name = svc(i);
    if (i % SERVICES_PER_NAMESPACE === 0) {
      ns = new lib.MeshNamespace(new Chart(app, namespace), 'Ns', { name: namespace });
    }
    const release = new lib.CanaryRelease(ns!, name, {
      serviceName: name,
      port: 8080,
      versions: [
        { name: 'v1', weight: 90, workload: lib.CanaryWorkload.fromImage(`example.com/${name}:v1`) },
        { name: 'v2', weight: 10, workload: lib.CanaryWorkload.fromImage(`example.com/${name}:v2`) },
      ],
    });
    if (i % EXPOSE_EVERY === 0) {
      new lib.IngressRoute(ns!, `ing-${i}`, {
        gateway,
        hosts: [`${name}.example.com`],
        tls: { credential: lib.TlsCredential.fromSecret(`${name}-tls`) },
        httpRoutes: [{ route: release.splitDestinations }],
      });
    }
  }
  return app;
}

function mib(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}

function gc(): void {
  const collect = (global as any).gc;
  if (typeof collect === 'function') collect();
}

/**
 * Resets the process's peak RSS (Linux: writing 5 to `/proc/self/clear_refs` resets `VmHWM`), so the peak covers the
 * measurement only, not the loading of the modules (the library is compiled by ts-node in the child, raw is not).
 */
const MEASURE_START = '@@measure-start';
const MEASURE_END = '@@measure-end';

function resetPeakRss(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return peakRssSinceReset() > 0;
  } catch {
    return false;
  }
}

/** `VmHWM` of `/proc/self/status`, in bytes. */
function peakRssSinceReset(): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf-8'));
  return match ? Number(match[1]) * 1024 : 0;
}

function child(variant: string, services: number): void {
  // Module loading is not part of the measurement.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = variant === 'raw' || variant === 'raw-plus' ? undefined : require('../src') as typeof import('../src');
  const build = variant === 'raw' ? buildRaw
    : variant === 'raw-plus' ? (n: number) => buildRaw(n, App, true)
      : variant === 'raw-meshapp' ? (n: number) => buildRaw(n, lib!.MeshApp) : buildLibrary;
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  if (process.env.BENCH_LIVE === '1') return liveChild(variant, services, build, heap0);
  const peakReset = resetPeakRss();
  const baseRss = process.memoryUsage().rss;
  console.log(MEASURE_START);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const app = build(services);
  const t1 = process.hrtime.bigint();
  const yaml = app.synthYaml();
  const t2 = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  const peakRss = peakReset ? peakRssSinceReset() : process.resourceUsage().maxRSS * 1024;
  console.log(MEASURE_END);
  gc();
  const heap1 = process.memoryUsage().heapUsed;
  if (app.node.children.length === 0) throw new Error('empty app'); // keeps the app alive until heap1 is measured
  const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sha = require('crypto').createHash('sha256').update(yaml).digest('hex').slice(0, 12);
  const result: Measurement = {
    variant,
    services,
    objects: (yaml.match(/^kind: /gm) ?? []).length,
    constructMs: ms(t0, t1),
    synthMs: ms(t1, t2),
    totalMs: ms(t0, t2),
    cpuMs: (cpu.user + cpu.system) / 1000,
    heapGrowthMiB: mib(heap1 - heap0),
    peakHeapGrowthMiB: 0, // filled in by the parent from the child's --trace-gc lines
    heapBeforeMiB: heap0 / 1024 / 1024,
    peakRssMiB: mib(peakRss),
    peakRssOfMeasurement: peakReset,
    baseRssMiB: mib(baseRss),
    sha,
  };
  console.log(JSON.stringify(result));
}

/**
 * The heap that is live (after a full collection) when construction ends and when the serialization of the YAML
 * starts, where every variant's peak falls: the construct tree plus every rendered document. Unlike the peak measures,
 * it does not depend on when V8 collects. A run of its own (the forced collections would change the timed run).
 */
function liveChild(variant: string, services: number, build: (n: number) => App, heap0: number): void {
  const live = () => {
    gc();
    return Math.round((process.memoryUsage().heapUsed - heap0) / 1024 / 102.4) / 10;
  };
  let atSerialization = -1;
  const stringify = Yaml.stringify;
  Yaml.stringify = (...docs: any[]) => {
    if (atSerialization < 0) atSerialization = live();
    return stringify.apply(Yaml, docs);
  };
  const app = build(services);
  const afterConstruction = live();
  app.synthYaml();
  console.log(JSON.stringify({ variant, services, afterConstruction, atSerialization }));
}

function liveRun(variant: string, services: number): { afterConstruction: number; atSerialization: number } {
  return JSON.parse(spawnChild(variant, services, 'live heap').find(l => l.startsWith('{'))!);
}

/** Runs one child (one variant at one size) and returns its output lines; `live heap` runs `liveChild`. */
function spawnChild(variant: string, services: number, measure: 'timed' | 'live heap'): string[] {
  const live = measure === 'live heap';
  const out = spawnSync(process.execPath, ['--expose-gc', ...(live ? [] : ['--trace-gc']), '--max-old-space-size=8192',
    '-r', 'ts-node/register/transpile-only', __filename, '--child', variant, String(services)], {
    encoding: 'utf-8',
    env: { ...process.env, TS_NODE_PROJECT: `${__dirname}/../tsconfig.json`, TS_NODE_TRANSPILE_ONLY: 'true', BENCH_LIVE: live ? '1' : '' },
    maxBuffer: 1 << 30,
  });
  if (out.status !== 0) throw new Error(`${variant} N=${services} (${measure}) failed:\n${out.stderr}`);
  return out.stdout.split('\n');
}

/** `a / b` as printed in the tables, e.g. `1.52×` (b at least 1: sizes are rounded MiB). */
function ratio(a: number, b: number): string {
  return `${(a / Math.max(1, b)).toFixed(2)}×`;
}

function run(variant: string, services: number): Measurement {
  const lines = spawnChild(variant, services, 'timed');
  const m = JSON.parse(lines.find(l => l.startsWith('{'))!) as Measurement;
  // The heap's high-water mark: V8's heap size before each collection between the child's markers.
  let peak = m.heapBeforeMiB;
  for (const line of lines.slice(lines.indexOf(MEASURE_START), lines.indexOf(MEASURE_END))) {
    const gcLine = /: (?:Scavenge|Mark-Compact|Mark-Sweep|Minor Mark-Sweep|Mark-sweep)[^(]*?([\d.]+) \([\d.]+\) ->/.exec(line);
    if (gcLine) peak = Math.max(peak, Number(gcLine[1]));
  }
  return { ...m, peakHeapGrowthMiB: Math.round(peak - m.heapBeforeMiB) };
}

function parent(argv: string[]): void {
  const repsAt = argv.indexOf('--reps');
  const reps = repsAt >= 0 ? Number(argv[repsAt + 1]) : 1;
  const sizes = argv.filter((a, i) => !a.startsWith('--') && (repsAt < 0 || i !== repsAt + 1)).map(Number);
  const ns = sizes.length > 0 ? sizes : [100, 1000, 5000];
  const best = new Map<string, Measurement>();
  const key = (v: string, n: number) => `${v}@${n}`;
  const keep = (m: Measurement) => {
    const k = key(m.variant, m.services);
    const prev = best.get(k);
    // The fastest of the repetitions; the highest peak memory.
    best.set(k, prev === undefined ? m : {
      ...(m.totalMs < prev.totalMs ? m : prev),
      peakRssMiB: Math.max(m.peakRssMiB, prev.peakRssMiB),
      heapGrowthMiB: Math.max(m.heapGrowthMiB, prev.heapGrowthMiB),
      peakHeapGrowthMiB: Math.max(m.peakHeapGrowthMiB, prev.peakHeapGrowthMiB),
    });
  };
  const pairs: string[] = [];
  for (let r = 0; r < reps; r++) {
    for (const n of ns) {
      // Interleaved, alternating which variant goes first.
      const order = (r + ns.indexOf(n)) % 2 === 0 ? ['raw', 'library', 'raw-meshapp', 'raw-plus'] : ['library', 'raw', 'raw-meshapp', 'raw-plus'];
      const round = new Map<string, Measurement>();
      for (const variant of order) {
        const m = run(variant, n);
        keep(m);
        round.set(variant, m);
        console.log(`  ${variant.padEnd(11)} N=${String(n).padStart(5)} ${String(m.objects).padStart(6)} objects  construct ${m.constructMs.toFixed(0).padStart(6)} ms`
          + `  synth ${m.synthMs.toFixed(0).padStart(6)} ms  total ${m.totalMs.toFixed(0).padStart(6)} ms (CPU ${m.cpuMs.toFixed(0).padStart(6)} ms)`
          + `  heap +${m.heapGrowthMiB} MiB (peak +${m.peakHeapGrowthMiB})  peak RSS ${m.peakRssMiB} MiB (base ${m.baseRssMiB})`);
      }
      const [raw, lib] = [round.get('raw')!, round.get('library')!];
      pairs.push(`  rep ${r + 1}, N=${n}: library/raw ${ratio(lib.totalMs, raw.totalMs)} time (${ratio(lib.cpuMs, raw.cpuMs)} CPU), `
        + `${ratio(lib.peakHeapGrowthMiB, raw.peakHeapGrowthMiB)} peak heap, ${ratio(lib.peakRssMiB, raw.peakRssMiB)} peak RSS`);
    }
  }
  console.log('\nEach interleaved pair (same repetition, same size):');
  console.log(pairs.join('\n'));
  // Peak RSS above the RSS before construction is not shown: the library's child starts with pages that ts-node's
  // compilation freed and V8 reuses, so the growth of its RSS understates what the synth holds (0 MiB at 100 services).
  const table = ['', '| services | raw | library | library/raw | heap after synth raw / library | ratio | peak heap raw / library | ratio '
    + '| peak RSS raw / library | ratio |', '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const n of ns) {
    const raw = best.get(key('raw', n))!;
    const lib = best.get(key('library', n))!;
    table.push(`| ${n} | ${(raw.totalMs / 1000).toFixed(2)} s | ${(lib.totalMs / 1000).toFixed(2)} s | ${ratio(lib.totalMs, raw.totalMs)} `
      + `| ${raw.heapGrowthMiB} / ${lib.heapGrowthMiB} MiB | ${ratio(lib.heapGrowthMiB, raw.heapGrowthMiB)} `
      + `| ${raw.peakHeapGrowthMiB} / ${lib.peakHeapGrowthMiB} MiB | ${ratio(lib.peakHeapGrowthMiB, raw.peakHeapGrowthMiB)} `
      + `| ${raw.peakRssMiB} / ${lib.peakRssMiB} MiB | ${ratio(lib.peakRssMiB, raw.peakRssMiB)} |`);
  }
  console.log(table.join('\n'));
  const wholeProcess = [...best.values()].some(m => !m.peakRssOfMeasurement);
  console.log(wholeProcess
    ? 'peak RSS: maxRSS of each child process, module loading included (/proc/self/clear_refs not available)'
    : 'peak RSS: high-water mark of construction + synthesis in each child (reset after loading the modules)');
  console.log('\nThe library without its constructs (raw ApiObjects in a MeshApp, which validates and renders once per synth):');
  for (const n of ns) {
    const raw = best.get(key('raw-meshapp', n))!;
    const lib = best.get(key('library', n))!;
    console.log(`  N=${n}: raw in MeshApp ${(raw.totalMs / 1000).toFixed(2)} s, library/that ${ratio(lib.totalMs, raw.totalMs)}, `
      + `peak heap ${raw.peakHeapGrowthMiB} MiB (library/that ${ratio(lib.peakHeapGrowthMiB, raw.peakHeapGrowthMiB)})`);
  }
  console.log('\nThe cdk8s-plus floor (the raw objects with the versions\' Deployments as cdk8s-plus-27 Deployments, in a plain App):');
  for (const n of ns) {
    const raw = best.get(key('raw', n))!;
    const plus = best.get(key('raw-plus', n))!;
    const lib = best.get(key('library', n))!;
    console.log(`  N=${n}: ${(plus.totalMs / 1000).toFixed(2)} s, plus/raw ${ratio(plus.totalMs, raw.totalMs)} time, `
      + `${ratio(plus.heapGrowthMiB, raw.heapGrowthMiB)} heap after synth, ${ratio(plus.peakHeapGrowthMiB, raw.peakHeapGrowthMiB)} peak heap, `
      + `${ratio(plus.peakRssMiB, raw.peakRssMiB)} peak RSS; library/plus ${ratio(lib.totalMs, plus.totalMs)} time, `
      + `${ratio(lib.heapGrowthMiB, plus.heapGrowthMiB)} heap after synth, ${ratio(lib.peakHeapGrowthMiB, plus.peakHeapGrowthMiB)} peak heap, `
      + `${ratio(lib.peakRssMiB, plus.peakRssMiB)} peak RSS`);
  }
  for (let i = 1; i < ns.length; i++) {
    const [a, b] = [ns[i - 1], ns[i]];
    const growth = (v: string) => best.get(key(v, b))!.totalMs / best.get(key(v, a))!.totalMs;
    console.log(`t(${b})/t(${a}): raw ${growth('raw').toFixed(2)}, library ${growth('library').toFixed(2)} `
      + `(library/raw ${(growth('library') / growth('raw')).toFixed(2)}); raw in MeshApp ${growth('raw-meshapp').toFixed(2)} `
      + `(library/that ${(growth('library') / growth('raw-meshapp')).toFixed(2)}), raw-plus ${growth('raw-plus').toFixed(2)}`);
  }
  console.log('\nLive heap (after a full collection; one run each, not timed), MiB above the heap before construction:');
  console.log('| services | after construction raw / raw-plus / library | when serialization starts raw / raw-plus / library | ratios to raw at serialization |');
  console.log('|---:|---:|---:|---:|');
  for (const n of ns) {
    const [raw, plus, lib] = ['raw', 'raw-plus', 'library'].map(v => liveRun(v, n));
    console.log(`| ${n} | ${raw.afterConstruction} / ${plus.afterConstruction} / ${lib.afterConstruction} `
      + `| ${raw.atSerialization} / ${plus.atSerialization} / ${lib.atSerialization} `
      + `| raw-plus ${ratio(plus.atSerialization, raw.atSerialization)}, library ${ratio(lib.atSerialization, raw.atSerialization)} |`);
  }
  // Determinism: two library synths of the smallest size are byte-identical.
  const again = run('library', ns[0]);
  const first = best.get(key('library', ns[0]))!;
  console.log(`deterministic (two library synths at N=${ns[0]}): ${again.sha === first.sha ? 'yes' : 'NO'}`);
  if (again.sha !== first.sha) process.exitCode = 1;
}

const args = process.argv.slice(2);
if (args[0] === '--child') child(args[1], Number(args[2]));
else parent(args);
