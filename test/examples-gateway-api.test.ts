/**
 * The Gateway API variants of the example apps (examples/<name>-gateway-api/): the same apps with
 * `IstioApi.useRoutingApi(app, RoutingApi.GATEWAY_API)`, built the way `cdk8s synth` builds them. Each gets a snapshot
 * and assertions on what changes with the routing API; constructs that override it keep Istio's API.
 */
import { App, Testing } from 'cdk8s';
import { allOf, oneOf } from './util';
import { build as buildBookinfo } from '../examples/bookinfo-gateway-api/main';
import { build as buildCanary } from '../examples/canary-gateway-api/main';
import { build as buildEgress } from '../examples/egress-gateway-api/main';
import { build as buildSecureIngress } from '../examples/secure-ingress-gateway-api/main';

/** Every chart of a fresh app built by `build`, keyed by the file `cdk8s synth` writes. */
function synthExample(build: (app: App) => unknown): { [file: string]: any[] } {
  const app = Testing.app();
  build(app);
  return Object.fromEntries(app.charts.map(chart => [`${chart.node.id}.k8s.yaml`, Testing.synth(chart)]));
}

describe('examples on the Gateway API', () => {
  test('canary: version Services, an HTTPRoute on the helloworld Service, the same rules on the ingress Gateway', () => {
    // GIVEN / WHEN
    const files = synthExample(buildCanary);

    // THEN
    expect(files).toMatchSnapshot();
    const manifests = Object.values(files).flat();
    expect(allOf(manifests, 'VirtualService')).toEqual([]);
    expect(allOf(manifests, 'Service').map(s => s.metadata.name)).toEqual(['helloworld', 'helloworld-v1', 'helloworld-v2']);
    const mesh = oneOf(manifests, 'HTTPRoute', 'helloworld');
    expect(mesh.spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'helloworld', port: 5000 }]);
    const ingress = oneOf(manifests, 'HTTPRoute', 'helloworld-ingress');
    expect(ingress.spec.parentRefs).toEqual([{ name: 'helloworld-gateway' }]);
    expect(ingress.spec.hostnames).toEqual(['helloworld.example.com']);
    expect(ingress.spec.rules).toEqual(mesh.spec.rules);
    expect(mesh.spec.rules[2].retry).toEqual({ attempts: 3, codes: [502, 503, 504] });
    expect(allOf(manifests, 'DestinationRule').map(d => d.spec.host)).toEqual(['helloworld-v1', 'helloworld-v2']);
  });

  test('bookinfo: reviews on the Gateway API, ratings (caller rules, fault) kept on Istio\'s API', () => {
    // GIVEN / WHEN
    const files = synthExample(buildBookinfo);

    // THEN
    expect(files).toMatchSnapshot();
    const manifests = Object.values(files).flat();
    expect(oneOf(manifests, 'HTTPRoute', 'reviews').spec.rules).toEqual([{
      backendRefs: [
        { name: 'reviews-v1', port: 9080, weight: 25 },
        { name: 'reviews-v2', port: 9080, weight: 25 },
        { name: 'reviews-v3', port: 9080, weight: 50 },
      ],
    }]);
    expect(allOf(manifests, 'VirtualService').map(v => v.metadata.name)).toContain('ratings');
    expect(allOf(manifests, 'VirtualService').map(v => v.metadata.name)).not.toContain('reviews');
  });

  test('egress: HTTP hosts through Gateways of class istio, the TCP database on Istio\'s API', () => {
    // GIVEN / WHEN
    const files = synthExample(buildEgress);

    // THEN
    expect(files).toMatchSnapshot();
    const manifests = Object.values(files).flat();
    expect(allOf(manifests, 'Gateway').map(g => `${g.apiVersion} ${g.metadata.name}`)).toEqual([
      'gateway.networking.k8s.io/v1 github-egress',
      'networking.istio.io/v1 orders-db-egress',
      'gateway.networking.k8s.io/v1 myapp-egress',
    ]);
    expect(allOf(manifests, 'HTTPRoute').map(r => r.metadata.name)).toEqual([
      'direct-github-to-egress-gateway', 'forward-github-from-egress-gateway', 'direct-myapp-to-egress-gateway', 'forward-myapp-from-egress-gateway',
    ]);
    expect(oneOf(manifests, 'DestinationRule', 'originate-tls-for-github').spec.host).toBe('api.github.com');
  });

  test('secure-ingress: Gateway API routes on Gateways of their own; MUTUAL TLS and JWT kept on Istio\'s API', () => {
    // GIVEN / WHEN
    const files = synthExample(buildSecureIngress);

    // THEN
    expect(files).toMatchSnapshot();
    expect(Object.keys(files)).toEqual(['platform.k8s.yaml', 'shop.k8s.yaml']);
    const manifests = Object.values(files).flat();
    expect(allOf(manifests, 'TLSRoute').map(r => r.spec.hostnames)).toEqual([['vault.example.com']]);
    expect(allOf(manifests, 'TCPRoute')).toHaveLength(1);
    expect(allOf(manifests, 'VirtualService').map(v => v.metadata.name)).toEqual(['partners', 'api']);
  });
});
