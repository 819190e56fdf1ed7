/**
 * Jest setup (setupFilesAfterEnv): every object any test of this file synthesizes is validated once, after all its
 * tests, against Istio's, Gateway API's and cert-manager's CRDs (schema + CEL) and Kubernetes' rules.
 *
 * Synthesis goes through `Chart.prototype.toJson` (`Testing.synth`, `App.synth`, `App.synthYaml` all call it), so
 * that is where objects are collected. A non-conformant object fails the test file with a list of its problems and
 * the tests that produced it. Tests that synthesize invalid output on purpose call `exemptFromConformance(reason)`.
 */
import { ApiObject, Chart } from 'cdk8s';
import { collector, conformanceStats, noticeSharedMissing, sharedAvailable, validateManifest } from '../util/conformance';

const PATCHED = Symbol.for('cdk8s-istio.conformance.toJson');

const proto = Chart.prototype as any;
if (!proto[PATCHED]) {
  const original = proto.toJson;
  proto.toJson = function toJson(this: Chart, ...args: any[]) {
    const result = original.apply(this, args);
    if (Array.isArray(result)) {
      // Construct paths, so a report points at the construct that made the object.
      const paths = new Map<string, string>();
      for (const c of this.node.findAll()) {
        if (ApiObject.isApiObject(c)) paths.set(objectKey(c.apiVersion, c.kind, c.metadata.namespace, c.name), c.node.path);
      }
      const pathOf = (o: any) => paths.get(objectKey(o?.apiVersion, o?.kind, o?.metadata?.namespace, o?.metadata?.name));
      collector.record(result, expect.getState().currentTestName ?? '<outside a test>', pathOf);
    }
    return result;
  };
  proto[PATCHED] = true;
}

function objectKey(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
  return `${apiVersion}|${kind}|${namespace ?? ''}|${name}`;
}

afterAll(() => {
  if (collector.size === 0) return;
  if (!sharedAvailable()) {
    noticeSharedMissing();
    return;
  }
  const start = Date.now();
  const report = collector.report(validateManifest);
  if (process.env.CDK8S_ISTIO_CONFORMANCE_TIMING) {
    process.stderr.write(`conformance: ${collector.size} objects in ${Date.now() - start} ms `
      + `${JSON.stringify(conformanceStats)} (${expect.getState().testPath})\n`);
  }
  if (report) throw new Error(report);
});
