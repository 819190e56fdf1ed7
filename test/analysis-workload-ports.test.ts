import { Chart, Testing } from 'cdk8s';
import { AuthorizationPolicy, MeshDeployment, MeshService, MtlsMode, PeerAuthentication, Protocol } from '../src';
import { synth } from './util';

function shop(): Chart {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  new MeshDeployment(chart, 'Web', { app: 'web', version: 'v1', containers: [{ image: 'example.com/web:1', ports: [{ number: 8080, name: 'http' }] }] });
  new MeshService(chart, 'WebService', { metadata: { name: 'web' }, app: 'web', ports: [{ port: 80, targetPort: 8080, protocol: Protocol.HTTP }] });
  return chart;
}

describe('policies keyed by the workload\'s port, written with the Service port', () => {
  test('port-level mTLS on the Service port (istio.io: the port of the workload, not of the Kubernetes service)', () => {
    const chart = shop();
    new PeerAuthentication(chart, 'WebMtls', { selector: { app: 'web' }, portLevelMtls: [{ port: 80, mode: MtlsMode.DISABLE }] });
    expect(() => synth(chart)).toThrow(/\[shop\/WebMtls\] portLevelMtls\[80\]: is the port of Service shop\/web \(shop\/WebService\), whose pods receive it on targetPort 8080; port-level mTLS matches the port the workload receives the request on, not the Service port \(got 80\)\. Fix: use the container port 8080\. In the cluster: the setting never applies: requests arrive at the pods on port 8080/);
  });

  test('AuthorizationPolicy to.ports on the Service port', () => {
    const chart = shop();
    const policy = new AuthorizationPolicy(chart, 'WebAllow', { selector: { app: 'web' } });
    policy.addRule({ to: [{ ports: [80] }] });
    expect(() => synth(chart)).toThrow(/\[shop\/WebAllow\] rules\[0\]\.to\[0\]\.operation\.ports\[0\]: is the port of Service shop\/web \(shop\/WebService\), whose pods receive it on targetPort 8080; an AuthorizationPolicy port matches/);
  });

  test('the container port is right, and a port no Service maps is not judged', () => {
    const chart = shop();
    new PeerAuthentication(chart, 'WebMtls', { selector: { app: 'web' }, portLevelMtls: [{ port: 8080, mode: MtlsMode.DISABLE }, { port: 9090, mode: MtlsMode.DISABLE }] });
    new AuthorizationPolicy(chart, 'WebAllow', { selector: { app: 'web' } }).addRule({ to: [{ ports: [8080] }] });
    expect(() => synth(chart)).not.toThrow();
  });
});
