import { App, AppProps } from 'cdk8s';
import { inSynthSession } from './private/mesh-model';

/**
 * A cdk8s `App` that checks the mesh once per synth.
 *
 * cdk8s 2.x validates the whole app once, then once more for every chart it renders. The library's cross-resource
 * rules analyse the whole app, so with a plain `App` that analysis runs once per chart: still correct, but a synth
 * of an app with many charts costs (number of charts) × (size of the app). `MeshApp` tells the library that its
 * `synth()` and `synthYaml()` are one synthesis of an unchanging app, so every validation pass shares one analysis.
 * Nothing else differs from `App`; importing the library changes nothing in cdk8s.
 */
export class MeshApp extends App {
  constructor(props: AppProps = {}) {
    super(props);
  }

  /** `App.synth()`, with one mesh analysis for all of its validation passes. */
  public synth(): void {
    inSynthSession(this, () => super.synth());
  }

  /** `App.synthYaml()`, with one mesh analysis for all of its validation passes. */
  public synthYaml(): string {
    return inSynthSession(this, () => super.synthYaml());
  }
}
