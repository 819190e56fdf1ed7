import { Chart, Testing } from 'cdk8s';
import { Gateway, GatewayTlsMode, IngressGateway, IngressProtocol, IngressRoute, Protocol, ServiceBackend } from '../src';
import { synth } from './util';

const TCP = (number: number, hosts: string[], bind?: string) => ({ port: { number, protocol: Protocol.TCP }, hosts, bind });

describe('gateway servers merge per port (mergeGateways, pilot/pkg/model/gateway.go)', () => {
  test('two plain TCP servers on one port of one Gateway, with different hosts: only one is reachable', () => {
    const chart = Testing.chart();
    new Gateway(chart, 'Edge', { servers: [TCP(5672, ['*/mq.example.com']), { ...TCP(5672, ['*/db.example.com']), port: { number: 5672, protocol: Protocol.TCP, name: 'tcp-db' } }] });
    expect(() => synth(chart)).toThrow(/\[test\/Edge\] servers\[1\]\.port: is also the port of servers\[0\] \(TCP\) on the same gateway workload; plain-text servers share a port only when both are HTTP, and a TCP server has no Host header or SNI to tell connections apart \(got 5672\)\. Fix: give each plain TCP server its own port, or use TLS servers with distinct SNI hosts on a shared port\. In the cluster: istiod keeps one of the servers on the port and skips the other/);
  });

  test('two IngressRoutes of two teams with TCP on one port of a shared IngressGateway', () => {
    const app = Testing.app();
    const gateway = new IngressGateway(new Chart(app, 'platform'), 'Public');
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    const blog = new Chart(app, 'blog', { namespace: 'blog' });
    for (const [chart, host] of [[shop, 'mq.shop.example.com'], [blog, 'mq.blog.example.com']] as Array<[Chart, string]>) {
      new IngressRoute(chart, 'Queue', {
        gateway,
        protocol: IngressProtocol.TCP,
        hosts: [host],
        port: 5672,
        tcpRoutes: [{ backend: ServiceBackend.fromHost(`rabbitmq.${chart.namespace}.svc.cluster.local`, 5672, Protocol.TCP) }],
      });
    }
    expect(() => synth(shop)).toThrow(/\[platform\/Public\/Gateway\] servers\[1\]\.port: is also the port of servers\[0\] \(TCP\)/);
  });

  test('two Gateways selecting the same workload, each with a TCP server on one port', () => {
    const chart = Testing.chart();
    new Gateway(chart, 'A', { servers: [TCP(9000, ['*/a.example.com'])] });
    new Gateway(chart, 'B', { servers: [TCP(9000, ['*/b.example.com'])] });
    expect(() => synth(chart)).toThrow(/\[test\/B\] servers\[0\]\.port: is also the port of a server of Gateway default\/a \(test\/A\) \(TCP\)/);
  });

  test('what istiod merges is fine: two HTTP servers on a port, TCP servers on different binds or workloads, TLS servers with distinct SNI', () => {
    const chart = Testing.chart();
    new Gateway(chart, 'Http', {
      servers: [
        { port: { number: 80, protocol: Protocol.HTTP, name: 'http-a' }, hosts: ['*/a.example.com'] },
        { port: { number: 80, protocol: Protocol.HTTP, name: 'http-b' }, hosts: ['*/b.example.com'] },
        { ...TCP(9000, ['*/c.example.com'], '10.0.0.1'), port: { number: 9000, protocol: Protocol.TCP, name: 'tcp-c' } },
        { ...TCP(9000, ['*/d.example.com'], '10.0.0.2'), port: { number: 9000, protocol: Protocol.TCP, name: 'tcp-d' } },
        { port: { number: 443, protocol: Protocol.TLS, name: 'tls-e' }, hosts: ['*/e.example.com'], tls: { mode: GatewayTlsMode.PASSTHROUGH } },
        { port: { number: 443, protocol: Protocol.TLS, name: 'tls-f' }, hosts: ['*/f.example.com'], tls: { mode: GatewayTlsMode.PASSTHROUGH } },
      ],
    });
    new Gateway(chart, 'Other', { selector: { istio: 'other-gateway' }, servers: [TCP(9000, ['*/g.example.com'])] });
    expect(() => synth(chart)).not.toThrow();
  });
});
