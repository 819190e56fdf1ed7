import { ApiObject, Chart, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-27';
import { MeshDeployment, MeshEnrollment, MeshNamespace } from '../src';
import { synth } from './util';

function shop(enrollment?: MeshEnrollment): { chart: Chart; ns: MeshNamespace } {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  return { chart, ns: new MeshNamespace(chart, 'Ns', { name: 'shop', enrollment }) };
}

describe('every workload and Service in a MeshNamespace gets the mesh checks, whoever made it', () => {
  test('a cdk8s-plus Deployment: app/version labels and an unnamed container port', () => {
    // GIVEN
    const { chart, ns } = shop();

    // WHEN
    new plus.Deployment(ns, 'Web', {
      metadata: { name: 'web', namespace: 'shop' },
      containers: [{ image: 'example.com/web:1', portNumber: 8080, securityContext: { ensureNonRoot: false } }],
    });

    // THEN
    expect(() => synth(chart)).toThrow(/\[shop\/Ns\] Deployment "web" \(shop\/Ns\/Web\) spec\.template\.metadata\.labels\.version: is missing\./);
    expect(() => synth(chart)).toThrow(/\[shop\/Ns\] Deployment "web" \(shop\/Ns\/Web\) spec\.template\.spec\.containers\[0\]\.ports\[0\]\.name: is unnamed/);
  });

  test('a plain ApiObject Pod running as UID 1337 (IST0144), placed by another chart in the namespace', () => {
    const { chart } = shop();
    const other = new Chart(chart.node.scope!, 'ops', { namespace: 'shop' });
    new ApiObject(other, 'Debug', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'debug', labels: { app: 'debug', version: 'v1' } },
      spec: { securityContext: { runAsUser: 1337 }, containers: [{ name: 'main', image: 'busybox' }] },
    });
    expect(() => synth(chart)).toThrow(/Pod "debug" \(ops\/Debug\) spec\.securityContext\.runAsUser: is the UID reserved for the Istio sidecar \(IST0144\)/);
  });

  test('a plain Service whose port name names no protocol (IST0118), and one on a port the sidecar reserves', () => {
    const { chart, ns } = shop();
    new ApiObject(ns, 'Web', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'web', port: 8080 }, { name: 'http-admin', port: 15021 }] },
    });
    expect(() => synth(chart)).toThrow(/Service "web" \(shop\/Ns\/Web\) spec\.ports\[0\]\.name: does not name a protocol Istio recognises \(got "web"\)/);
    expect(() => synth(chart)).toThrow(/Service "web" \(shop\/Ns\/Web\) spec\.ports\[1\]\.port: is reserved by the Istio sidecar/);
  });

  test('the library\'s own workloads are not reported twice, and a namespace out of the mesh is not checked', () => {
    const { chart, ns } = shop();
    new MeshDeployment(ns, 'Web', { app: 'web', version: 'v1', containers: [{ image: 'example.com/web:1', ports: [{ number: 8080, name: 'http' }] }] });
    expect(() => synth(chart)).not.toThrow();

    const disabled = shop(MeshEnrollment.disabled());
    new ApiObject(disabled.ns, 'Web', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { ports: [{ name: 'web', port: 8080 }] },
    });
    expect(() => synth(disabled.chart)).not.toThrow();
  });
});
