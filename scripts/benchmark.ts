/**
 * Synthesis benchmark: builds an app of N copies of a realistic mesh namespace (MeshNamespace, two CanaryReleases,
 * an IngressRoute on a shared gateway, an EgressThroughGateway) and measures construction, validation + synthesis,
 * and that two synths are byte-identical. Usage: `npx projen bench` or `npx ts-node scripts/benchmark.ts [N ...]`.
 */
import { App, Chart, Duration } from 'cdk8s';
import {
  CanaryRelease, CanaryRule, CanaryWorkload, EgressThroughGateway, IngressGateway, IngressRoute, MeshNamespace, StringMatch,
} from '../src';

function build(namespaces: number): App {
  const app = new App({ outdir: '/tmp/cdk8s-istio-bench' });
  const platform = new Chart(app, 'platform');
  const gateway = new IngressGateway(platform, 'Public', { metadata: { name: 'public-gateway' } });
  for (let i = 0; i < namespaces; i++) {
    const chart = new Chart(app, `team${i}`);
    const ns = new MeshNamespace(chart, 'Ns', { name: `team-${i}`, egressLockdown: {} });
    const image = (svc: string, v: string) => CanaryWorkload.fromImage(`docker.io/istio/examples-bookinfo-${svc}-${v}:1.20.3`);
    const reviews = new CanaryRelease(ns, 'Reviews', {
      port: 9080,
      versions: [{ name: 'v1', weight: 25, workload: image('reviews', 'v1') }, { name: 'v2', weight: 25, workload: image('reviews', 'v2') },
        { name: 'v3', weight: 50, workload: image('reviews', 'v3') }],
      rules: [CanaryRule.header('end-user', StringMatch.exact('jason'), 'v2')],
      timeout: Duration.seconds(10),
    });
    new CanaryRelease(ns, 'Ratings', {
      port: 9080,
      versions: [{ name: 'v1', weight: 90, workload: image('ratings', 'v1') }, { name: 'v2', weight: 10, workload: image('ratings', 'v2') }],
    });
    new IngressRoute(ns, 'Ingress', {
      gateway,
      hosts: [`team-${i}.example.com`],
      httpRoutes: [{ match: [{ uri: StringMatch.prefix('/reviews') }], route: reviews.splitDestinations }],
    });
    new EgressThroughGateway(ns, 'Api', { host: `api-${i}.example.com` });
  }
  return app;
}

function measure(namespaces: number): void {
  const t0 = process.hrtime.bigint();
  const app = build(namespaces);
  const t1 = process.hrtime.bigint();
  const yaml = app.synthYaml();
  const t2 = process.hrtime.bigint();
  const again = build(namespaces).synthYaml();
  const objects = (yaml.match(/^kind: /gm) ?? []).length;
  const ms = (a: bigint, b: bigint) => (Number(b - a) / 1e6).toFixed(0);
  console.log(`${String(namespaces).padStart(4)} namespaces ${String(objects).padStart(6)} objects `
    + `construct ${ms(t0, t1).padStart(6)} ms  validate+synth ${ms(t1, t2).padStart(7)} ms  `
    + `deterministic ${yaml === again ? 'yes' : 'NO'}`);
  if (yaml !== again) process.exitCode = 1;
}

const sizes = process.argv.slice(2).map(Number);
for (const n of sizes.length > 0 ? sizes : [1, 10, 25, 50]) measure(n);
