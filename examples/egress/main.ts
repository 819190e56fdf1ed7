/**
 * A namespace whose workloads reach only what is registered (REGISTRY_ONLY), and whose external traffic leaves
 * through the egress gateway, where it can be audited and allowed by a firewall:
 * - `api.github.com`: the application speaks plain HTTP, the egress gateway originates TLS to port 443;
 * - `orders-db.example.com:5432`: a PostgreSQL database outside the cluster (opaque TCP);
 * - `myapp.local`: a service known only by its IP address, 192.168.0.163, listening on port 4154.
 */
import { App, Chart, Size } from 'cdk8s';
import * as plus from 'cdk8s-plus-27';
// In this repository 'cdk8s-istio' resolves to ../../src (tsconfig-paths); in your app it is the npm package.
import {
  ClientTlsMode, EgressFilter, EgressThroughGateway, IstioApi, MeshDeployment, MeshNamespace, Protocol, RoutingApi,
} from 'cdk8s-istio';

/** Builds the egress chart (namespace payments) into `app`. */
export function build(app: App): Chart {
  const chart = new Chart(app, 'egress');

  // Default Sidecar with REGISTRY_ONLY: anything not in this namespace, in istio-system or registered by a
  // ServiceEntry here gets 502 from the sidecar instead of leaving the cluster.
  const ns = new MeshNamespace(chart, 'Payments', { name: 'payments', egressFilter: EgressFilter.registryOnly() });

  // The client of Istio's egress tasks: `kubectl exec deploy/curl -n payments -- curl -sS http://api.github.com/zen`.
  new MeshDeployment(ns, 'Curl', {
    app: 'curl',
    version: 'v1',
    replicas: 1,
    containers: [{
      name: 'curl',
      image: 'docker.io/curlimages/curl:8.16.0',
      command: ['/bin/sleep', 'infinity'],
      // The image's curl_user, by number: the kubelet cannot check runAsNonRoot against a user name.
      securityContext: { user: 100, group: 101 },
      resources: {
        cpu: { request: plus.Cpu.millis(10), limit: plus.Cpu.millis(200) },
        memory: { request: Size.mebibytes(16), limit: Size.mebibytes(64) },
      },
    }],
  });

  // The application sends http://api.github.com; the egress gateway upgrades it to HTTPS, so the gateway sees (and
  // logs) every request. Sidecar to gateway is Istio mTLS on Istio's API; the Gateway API form of Istio's egress task
  // has no such setting.
  const gatewayApi = IstioApi.routingApiOf(chart) === RoutingApi.GATEWAY_API;
  new EgressThroughGateway(ns, 'Github', {
    host: 'api.github.com',
    gatewayMutualTls: gatewayApi ? undefined : true,
    tlsOrigination: { tls: { mode: ClientTlsMode.SIMPLE, trustSystemCaBundle: true } },
  });

  // Through the mTLS port 443 of the egress gateway, which Istio's default egress gateway Service exposes (5432 it does not).
  // TCP through the egress gateway has no documented Gateway API form: Istio's API in both variants.
  new EgressThroughGateway(ns, 'OrdersDb', {
    routingApi: RoutingApi.ISTIO,
    host: 'orders-db.example.com',
    protocol: Protocol.TCP,
    port: 5432,
    gatewayMutualTls: true,
  });

  // The host name is only a name inside the mesh: the egress gateway sends its traffic to the IP and port given.
  new EgressThroughGateway(ns, 'Myapp', {
    host: 'myapp.local',
    endpoints: [{ address: '192.168.0.163', port: 4154 }],
  });

  return chart;
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
