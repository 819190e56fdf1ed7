import { ApiObject, App, AppProps, Chart, DependencyGraph } from 'cdk8s';
import { inSynthSession, releaseAnalysis } from './private/mesh-model';

/**
 * A cdk8s `App` that validates and renders the app once per synth.
 *
 * cdk8s 2.x `App.synth()` and `App.synthYaml()` validate the whole app once, then render each chart with
 * `Chart.toJson()`, which resolves the dependencies of the whole app and validates the whole app again (it is also the
 * entry point for rendering one chart on its own). With a plain `App`, a synth therefore costs (number of charts) ×
 * (size of the app), and the library's cross-resource analysis runs once per chart. `MeshApp` runs the same steps
 * once: within its `synth()` and `synthYaml()` (which never change the app), every validation shares one analysis
 * and one rendering of each object, and each chart that does not override `toJson()` is rendered from the app's
 * already validated state, in the same order as cdk8s renders it. The output is byte-identical to `App`'s.
 *
 * Nothing changes outside these two methods: importing the library does not change cdk8s, and `Chart.toJson()` or
 * `Testing.synth()` called directly behave as in cdk8s. See `docs/cdk8s-synthesis.md` for the upstream change that
 * would make this class unnecessary.
 */
export class MeshApp extends App {
  /**
   * @param props the App's props (output directory, YAML output type, ...), as cdk8s's `App` takes them
   */
  constructor(props: AppProps = {}) {
    super(props);
  }

  /** `App.synth()`, validating and rendering the app once. */
  public synth(): void {
    inSynthSession(this, () => renderChartsOnce(this, () => super.synth()));
  }

  /** `App.synthYaml()`, validating and rendering the app once. */
  public synthYaml(): string {
    return compactString(inSynthSession(this, () => renderChartsOnce(this, () => super.synthYaml())));
  }
}

/**
 * The same characters, stored one byte each when they all fit (Latin-1). cdk8s-plus writes the construct path into
 * every workload's `cdk8s.io/metadata.addr` label, and V8 builds a construct path (`Array.join` over construct ids,
 * which are internalized as property keys) as a two-byte string; one such label makes the whole YAML string two bytes
 * per character, twice the memory of the same text stored one byte per character.
 */
function compactString(text: string): string {
  return /[^\u0000-\u00ff]/.test(text) ? text : Buffer.from(text, 'latin1').toString('latin1');
}

/**
 * Runs one synth of `app` in which each chart renders its objects without validating the app again: the synth has
 * validated it (and resolved its dependencies) before it renders the first chart. Charts that override `toJson()`
 * keep their own. The charts get their own `toJson` back when the synth ends.
 */
function renderChartsOnce<T>(app: App, synth: () => T): T {
  const charts = app.node.findAll().filter((c): c is Chart => Chart.isChart(c) && c.toJson === Chart.prototype.toJson);
  const render = (chart: Chart) => {
    // The synth renders charts once it has validated the app: what only validations read can go.
    releaseAnalysis(app);
    return renderChart(chart);
  };
  for (const chart of charts) {
    Object.defineProperty(chart, 'toJson', { value: () => render(chart), configurable: true, writable: true });
  }
  try {
    return synth();
  } finally {
    for (const chart of charts) delete (chart as any).toJson;
  }
}

/** What `Chart.toJson()` returns once the app is validated: the chart's own objects, in dependency order. */
function renderChart(chart: Chart): any[] {
  return new DependencyGraph(chart.node).topology()
    .filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart)
    .map(o => o.toJson());
}
