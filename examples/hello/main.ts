import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IstioApi, IstioApiVersion } from 'cdk8s-istio';

export function build(app: App): Chart {
  return new Chart(app as Construct, 'hello', { namespace: IstioApi.versionOf(app) === IstioApiVersion.V1 ? 'hello' : 'old' });
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
