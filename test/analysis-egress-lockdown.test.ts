import { Chart, Testing } from 'cdk8s';
import { EgressFilter, MeshNamespace, MeshService, Protocol, VirtualService } from '../src';
import { synth } from './util';

function app(allowedHosts?: string[]): { shop: Chart; ns: MeshNamespace } {
  const root = Testing.app();
  new MeshService(new Chart(root, 'payments', { namespace: 'payments' }), 'Api', { metadata: { name: 'api' }, app: 'api', ports: [{ port: 8080, protocol: Protocol.HTTP }] });
  const shop = new Chart(root, 'shop', { namespace: 'shop' });
  return { shop, ns: new MeshNamespace(shop, 'Ns', { name: 'shop', egressFilter: EgressFilter.registryOnly({ allowedHosts }) }) };
}

describe('a MeshNamespace\'s egress lockdown against the routes of the namespace', () => {
  test('a route to a Service of another namespace that the lockdown hides', () => {
    const { shop, ns } = app();
    new VirtualService(ns, 'Checkout', { hosts: ['checkout'], http: [{ route: [{ host: 'api.payments.svc.cluster.local' }] }] });
    expect(() => synth(shop)).toThrow(/\[shop\/Ns\] VirtualService shop\/checkout \(shop\/Ns\/Checkout\) http\[0\]\.route\[0\]\.destination\.host: is Service payments\/api, which Sidecar shop\/Ns\/Sidecar hides from the workloads of namespace "shop" \(their egress is limited to \["\.\/\*","istio-system\/\*"\]\) \(got "api\.payments\.svc\.cluster\.local"\)\. Fix: add "payments\/api\.payments\.svc\.cluster\.local" \(or "payments\/\*"\) to the allowedHosts of EgressFilter\.registryOnly\(\)\. In the cluster: the sidecars of the namespace have no cluster for the host, so requests routed there fail with 503 \(NC cluster_not_found\)/);
  });

  test('a Service the lockdown allows, or one of the namespace itself, is fine', () => {
    const { shop, ns } = app(['payments/*']);
    new MeshService(ns, 'Checkout', { metadata: { name: 'checkout' }, app: 'checkout', ports: [{ port: 8080, protocol: Protocol.HTTP }] });
    new VirtualService(ns, 'Routes', { hosts: ['checkout'], http: [{ route: [{ host: 'api.payments.svc.cluster.local' }] }] });
    new VirtualService(ns, 'Local', { hosts: ['local'], http: [{ route: [{ host: 'checkout' }] }] });
    expect(() => synth(shop)).not.toThrow();
  });
});
