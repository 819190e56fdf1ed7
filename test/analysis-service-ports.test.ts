import { ApiObject, Chart, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-27';
import { CanaryRelease, CanaryWorkload, MeshNamespace, MeshService, Protocol } from '../src';
import { synth } from './util';

function deployment(scope: any, id: string, labels: { [k: string]: string }, ports: Array<{ containerPort: number; name?: string }>): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: id.toLowerCase(), namespace: 'shop' },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'example.com/x:1', ports }] } } },
  });
}

describe('a Service\'s targetPort against the pods it selects', () => {
  test('a named targetPort that a selected pod does not declare: that pod is no endpoint of the port', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const ns = new MeshNamespace(chart, 'Ns', { name: 'shop' });
    deployment(ns, 'Web', { app: 'web', version: 'v1' }, [{ containerPort: 8080, name: 'http' }]);
    new ApiObject(ns, 'WebService', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http-web' }] },
    });
    expect(() => synth(chart)).toThrow(/\[shop\/Ns\] Service "web" \(shop\/Ns\/WebService\) spec\.ports\[0\]\.targetPort: is not a container port of Deployment shop\/web \(shop\/Ns\/Web\), which the Service selects \(its containers declare 8080 "http"\) \(got "http-web"\)\. Fix: set targetPort to the port the pods listen on \("http"\), or declare a container port named "http-web"\. In the cluster: Kubernetes cannot resolve the port name on these pods, so they are no endpoints of the port: requests routed to them fail with 503 UH/);
  });

  test('a workload handed to a CanaryRelease whose container port is not the release\'s targetPort', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const v2 = new plus.Deployment(chart, 'ReviewsV2', {
      metadata: { name: 'reviews-v2' },
      podMetadata: { labels: { app: 'reviews', version: 'v2' } },
      containers: [{ image: 'example.com/reviews:2', ports: [{ number: 8080, name: 'http' }], securityContext: { ensureNonRoot: false } }],
    });
    new CanaryRelease(chart, 'Reviews', {
      port: 9080,
      versions: [
        { name: 'v1', weight: 90, workload: CanaryWorkload.fromImage('example.com/reviews:1') },
        { name: 'v2', weight: 10, workload: CanaryWorkload.fromDeployment(v2) },
      ],
    });
    expect(() => synth(chart)).toThrow(/\[shop\/Reviews\/Service\] spec\.ports\[0\]\.targetPort: is not a container port of Deployment shop\/reviews-v2 \(shop\/ReviewsV2\), which the Service selects \(its containers declare 8080 "http"\) \(got 9080\)\. Fix: set targetPort to the port the pods listen on \(8080\), or declare container port 9080/);
  });

  test('the only port of a Service targets a port none of the pods declares', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    deployment(chart, 'Web', { app: 'web', version: 'v1' }, [{ containerPort: 8080, name: 'http' }]);
    new MeshService(chart, 'WebService', { metadata: { name: 'web' }, app: 'web', ports: [{ port: 80, targetPort: 9090, protocol: Protocol.HTTP }] });
    expect(() => synth(chart)).toThrow(/\[shop\/WebService\] spec\.ports\[0\]\.targetPort: is not a container port of Deployment shop\/web/);
  });

  test('pods that declare no ports, or a second port the pods do not declare, are not judged', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    deployment(chart, 'Web', { app: 'web', version: 'v1' }, [{ containerPort: 8080, name: 'http' }]);
    deployment(chart, 'Api', { app: 'api', version: 'v1' }, []);
    new MeshService(chart, 'WebService', {
      metadata: { name: 'web' },
      app: 'web',
      ports: [{ port: 80, targetPort: 8080, protocol: Protocol.HTTP }, { port: 9901, name: 'http-admin', protocol: Protocol.HTTP }],
    });
    new MeshService(chart, 'ApiService', { metadata: { name: 'api' }, app: 'api', ports: [{ port: 80, targetPort: 9090, protocol: Protocol.HTTP }] });
    expect(() => synth(chart)).not.toThrow();
  });
});
