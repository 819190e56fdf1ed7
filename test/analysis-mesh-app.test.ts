import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { CanaryRelease, CanaryWorkload, DestinationRule, MeshApp, MeshNamespace, VirtualService } from '../src';

/** Three namespaces with a CanaryRelease each: several charts, so cdk8s validates the app once per chart. */
function build(app: App): void {
  for (const team of ['a', 'b', 'c']) {
    const ns = new MeshNamespace(new Chart(app, team), 'Ns', { name: `team-${team}` });
    new CanaryRelease(ns, 'Web', {
      serviceName: 'web',
      port: 8080,
      versions: [
        { name: 'v1', weight: 90, workload: CanaryWorkload.fromImage('example.com/web:1') },
        { name: 'v2', weight: 10, workload: CanaryWorkload.fromImage('example.com/web:2') },
      ],
    });
  }
}

/** Counts the renderings (`ApiObject.prototype.toJson` calls) during `run`. */
function renderings(run: () => void): number {
  const spy = jest.spyOn(ApiObject.prototype, 'toJson');
  try {
    run();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

describe('MeshApp: one mesh analysis per synth, explicitly', () => {
  test('importing the library leaves cdk8s\'s App alone: App.prototype.synth and synthYaml are cdk8s\'s own', () => {
    const source = (f: Function) => f.toString();
    expect(source(App.prototype.synth)).toContain('FOLDER_PER_CHART_FILE_PER_RESOURCE');
    expect(source(App.prototype.synthYaml)).toContain('Yaml.stringify');
    expect(Object.getOwnPropertyNames(App.prototype).filter(k => k === 'synth' || k === 'synthYaml').length).toBe(2);
  });

  test('MeshApp synthesizes exactly what App does', () => {
    const plain = new App();
    build(plain);
    const mesh = new MeshApp();
    build(mesh);
    expect(mesh.synthYaml()).toEqual(plain.synthYaml());
  });

  test('MeshApp.synthYaml returns the same text whether or not every character fits one byte (it stores Latin-1 text compactly)', () => {
    for (const note of ['café', 'réseau → mesh ✓']) {
      const withNote = (app: App) => {
        build(app);
        new ApiObject(Chart.of(app.node.findChild('a')), 'Note', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'note' }, data: { note } });
        return app;
      };
      const yaml = withNote(new MeshApp()).synthYaml();
      expect(yaml).toContain(note);
      expect(yaml).toEqual(withNote(new App()).synthYaml());
    }
  });

  test('MeshApp writes the same files as App, charts and objects in cdk8s\'s dependency order', () => {
    const write = (app: App) => {
      build(app);
      const [a, b, c] = app.node.children.filter(Chart.isChart);
      a.addDependency(c); // chart order follows dependencies, not creation
      const late = new ApiObject(b, 'Late', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } });
      const early = new ApiObject(b, 'Early', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'early' } });
      late.addDependency(early);
      app.synth();
      return fs.readdirSync(app.outdir).sort().map(f => [f, fs.readFileSync(path.join(app.outdir, f), 'utf-8')]);
    };
    const plain = write(new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'app-')) }));
    const mesh = write(new MeshApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-app-')) }));
    expect(mesh).toEqual(plain);
    expect(mesh.map(([f]) => f)).toEqual(['0000-c.k8s.yaml', '0001-a.k8s.yaml', '0002-b.k8s.yaml']);
  });

  test('with MeshApp every object is rendered once per synth; with App once per validation pass (one per chart, plus one)', () => {
    const plain = new App();
    build(plain);
    const mesh = new MeshApp();
    build(mesh);
    const objects = mesh.node.findAll().filter(c => c instanceof ApiObject).length;
    const charts = mesh.charts.length;

    expect(renderings(() => mesh.synthYaml())).toEqual(objects);
    expect(renderings(() => plain.synthYaml())).toBeGreaterThan(objects * charts);
  });

  test('after a MeshApp synth, objects render themselves again: a change is seen by the next synth', () => {
    // GIVEN
    const app = new MeshApp();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const rule = new DestinationRule(chart, 'Reviews', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] });
    new VirtualService(chart, 'ReviewsRoute', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews', subset: 'v1' }] }] });
    expect(app.synthYaml()).not.toContain('name: v2');

    // WHEN
    rule.addSubset({ name: 'v2', labels: { version: 'v2' } });

    // THEN
    expect(app.synthYaml()).toContain('name: v2');
    expect(Object.prototype.hasOwnProperty.call(ApiObject.of(rule), 'toJson')).toBe(false);
  });

  test('MeshApp.synth() reports cross-resource errors with their construct paths, like App', () => {
    const app = new MeshApp({ outdir: Testing.app().outdir });
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new VirtualService(chart, 'ReviewsRoute', { hosts: ['reviews'], http: [{ route: [{ host: 'reviews', subset: 'v1' }] }] });
    expect(() => app.synth()).toThrow(/\[shop\/ReviewsRoute\] http\[0\]\.route\[0\]\.destination\.subset: is not defined/);
  });
});
