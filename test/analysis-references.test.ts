import { App, Chart, Testing } from 'cdk8s';
import { Deployment } from 'cdk8s-plus-27';
import { DestinationRule, Gateway, IngressGateway, Protocol, VirtualService } from '../src';
import { synth } from './util';

/** A DestinationRule for `host` with the given subsets. */
function rule(chart: Chart, id: string, host: string, subsets: string[], exportTo?: string[]): DestinationRule {
  return new DestinationRule(chart, id, { host, exportTo, subsets: subsets.map(name => ({ name, labels: { version: name } })) });
}

function route(chart: Chart, id: string, host: string, subset: string, gateways?: string[]): VirtualService {
  return new VirtualService(chart, id, { hosts: gateways ? ['shop.example.com'] : [host], gateways, http: [{ route: [{ host, subset }] }] });
}

describe('DestinationRule lookup as istiod does it (pilot/pkg/model/push_context.go, PushContext.destinationRule)', () => {
  test('a subset defined only in a third namespace is never consulted: 503 for the client namespace', () => {
    // GIVEN
    const app = Testing.app();
    const other = new Chart(app, 'other', { namespace: 'other' });
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    rule(other, 'Reviews', 'reviews.bookinfo.svc.cluster.local', ['v1']);

    // WHEN
    route(shop, 'Reviews', 'reviews.bookinfo.svc.cluster.local', 'v1');

    // THEN
    expect(() => synth(shop)).toThrow(/\[shop\/Reviews\] http\[0\]\.route\[0\]\.destination\.subset: is defined only by DestinationRule other\/reviews \(other\/Reviews\), which proxies in namespace "shop" never consult: istiod looks for a DestinationRule .* in the client's namespace, then among those the Service's namespace exports to it, then among those the root namespace "istio-system" exports to it \(got "v1"\)\. Fix: define the subset in a DestinationRule in namespace "shop" or in the Service's namespace \(exported to "shop"\)/);
  });

  test('the Service\'s namespace is consulted for rules it exports to the client', () => {
    const app = Testing.app();
    rule(new Chart(app, 'bookinfo', { namespace: 'bookinfo' }), 'Reviews', 'reviews', ['v1']);
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    route(shop, 'Reviews', 'reviews.bookinfo.svc.cluster.local', 'v1');
    expect(() => synth(shop)).not.toThrow();
  });

  test('exportTo is honoured: a rule the Service\'s namespace keeps to itself does not apply to other namespaces', () => {
    const app = Testing.app();
    rule(new Chart(app, 'bookinfo', { namespace: 'bookinfo' }), 'Reviews', 'reviews', ['v1'], ['.']);
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    route(shop, 'Reviews', 'reviews.bookinfo.svc.cluster.local', 'v1');
    expect(() => synth(shop)).toThrow(/subset: is defined only by DestinationRule bookinfo\/reviews .*which proxies in namespace "shop" never consult/);
  });

  test('the root namespace istio-system is consulted last, for rules it exports', () => {
    const app = Testing.app();
    rule(new Chart(app, 'system', { namespace: 'istio-system' }), 'Reviews', 'reviews.bookinfo.svc.cluster.local', ['v1']);
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    route(shop, 'Reviews', 'reviews.bookinfo.svc.cluster.local', 'v1');
    expect(() => synth(shop)).not.toThrow();
  });

  test('a rule in the client\'s namespace hides the Service namespace\'s rule: its subsets are the only ones', () => {
    const app = Testing.app();
    rule(new Chart(app, 'bookinfo', { namespace: 'bookinfo' }), 'Reviews', 'reviews', ['v1', 'v2']);
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    rule(shop, 'ReviewsLocal', 'reviews.bookinfo.svc.cluster.local', ['v1']);
    route(shop, 'Reviews', 'reviews.bookinfo.svc.cluster.local', 'v2');
    expect(() => synth(shop)).toThrow(/subset: is not among the subsets \["v1"\] that DestinationRule shop\/reviews-local defines/);
  });

  test('subsets of several rules for one host in one namespace merge', () => {
    const chart = Testing.chart();
    rule(chart, 'ReviewsA', 'reviews', ['v1']);
    rule(chart, 'ReviewsB', 'reviews', ['v2']);
    route(chart, 'Reviews', 'reviews', 'v2');
    expect(() => synth(chart)).not.toThrow();
  });

  test('a gateway-bound route is resolved for the gateway\'s namespace, not the VirtualService\'s', () => {
    // GIVEN: the rule is private to the VirtualService's namespace; the gateway proxy runs in istio-system
    const app = Testing.app();
    new Gateway(new Chart(app, 'system', { namespace: 'istio-system' }), 'Public', {
      metadata: { name: 'public' }, servers: [{ port: { number: 80, protocol: Protocol.HTTP }, hosts: ['*/shop.example.com'] }],
    });
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    rule(shop, 'Web', 'web', ['v1'], ['.']);

    // WHEN
    route(shop, 'WebRoute', 'web', 'v1', ['istio-system/public']);

    // THEN
    expect(() => synth(shop)).toThrow(/\[shop\/WebRoute\] http\[0\]\.route\[0\]\.destination\.subset: is defined only by DestinationRule shop\/web .*which proxies in namespace "istio-system" never consult/);
  });
});

describe('a mesh VirtualService is resolved for every namespace it is exported to (istiod gives it to each; each proxy looks the DestinationRule up from its own namespace)', () => {
  const GATEWAY = 'istio-egressgateway.istio-system.svc.cluster.local';

  /** payments routes to a subset of the egress gateway's Service; shop is another namespace of the app (it has a workload). */
  function twoNamespaces(): { app: App; payments: Chart; shop: Chart } {
    const app = Testing.app();
    const payments = new Chart(app, 'payments', { namespace: 'payments' });
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    new Deployment(shop, 'Web', { containers: [{ image: 'web', portNumber: 8080 }] });
    return { app, payments, shop };
  }

  function firstHop(chart: Chart, exportTo?: string[]): VirtualService {
    return new VirtualService(chart, 'Cnn', { hosts: ['edition.cnn.com'], exportTo, http: [{ route: [{ host: GATEWAY, subset: 'cnn' }] }] });
  }

  test('exported everywhere, with the subset only in its own namespace: a 503 for every other namespace, named', () => {
    // GIVEN: the rule sits next to the VirtualService (as EgressThroughGateway once rendered it)
    const { payments } = twoNamespaces();
    rule(payments, 'EgressGatewayForCnn', GATEWAY, ['cnn']);

    // WHEN
    firstHop(payments);

    // THEN
    expect(() => synth(payments)).toThrow('[payments/Cnn] http[0].route[0].destination.subset: is defined only by DestinationRule '
      + 'payments/egress-gateway-for-cnn (payments/EgressGatewayForCnn), which proxies in namespaces "shop" and any other namespace (the '
      + 'VirtualService is exported to every namespace) never consult: istiod looks for a DestinationRule of '
      + `"${GATEWAY}" in the client's namespace, then among those the Service's namespace exports to it, then among those the root `
      + 'namespace "istio-system" exports to it (got "cnn"). Fix: define the subset in a DestinationRule in the Service\'s namespace '
      + '"istio-system" exported to them, or export this VirtualService only to the namespaces that see the subset (exportTo, e.g. ["."]). '
      + 'In the cluster: requests from namespaces "shop" and any other namespace (the VirtualService is exported to every namespace) '
      + 'routed there fail with 503 (NC cluster_not_found): subset cnn is not defined (IST0101)');
  });

  test('kept to its own namespace (exportTo ["."]), the same layout is fine', () => {
    const { payments } = twoNamespaces();
    rule(payments, 'EgressGatewayForCnn', GATEWAY, ['cnn']);
    firstHop(payments, ['.']);
    expect(() => synth(payments)).not.toThrow();
  });

  test('with the rule in the Service\'s namespace, exported everywhere, every namespace finds the subset', () => {
    const { app, payments } = twoNamespaces();
    rule(new Chart(app, 'system', { namespace: 'istio-system' }), 'EgressGatewayForCnn', GATEWAY, ['cnn']);
    firstHop(payments);
    expect(() => synth(payments)).not.toThrow();
  });

  test('a namespace named in exportTo is a client even if the VirtualService\'s own namespace is not', () => {
    const { payments } = twoNamespaces();
    rule(payments, 'EgressGatewayForCnn', GATEWAY, ['cnn']);
    firstHop(payments, ['shop']);
    expect(() => synth(payments)).toThrow(/which proxies in namespace "shop" never consult.*Fix: define the subset in a DestinationRule in the Service's namespace "istio-system" exported to them, or export this VirtualService only to/);
  });

  test('a client namespace with a rule of its own for the host sees only that rule\'s subsets', () => {
    // GIVEN: the Service's namespace defines the subset for everyone; shop's own rule hides it from shop
    const { app, payments, shop } = twoNamespaces();
    rule(new Chart(app, 'system', { namespace: 'istio-system' }), 'EgressGatewayForCnn', GATEWAY, ['cnn']);
    rule(shop, 'ShopEgress', GATEWAY, ['shop']);

    // WHEN
    firstHop(payments);

    // THEN
    expect(() => synth(payments)).toThrow(/subset: is not among the subsets \["shop"\] that DestinationRule shop\/shop-egress defines for host "istio-egressgateway\.istio-system\.svc\.cluster\.local" \(the rules proxies in namespace "shop" use\).*Fix: add subset "cnn" to that DestinationRule, or use one of its subsets, or export this VirtualService only to the namespaces that see the subset/);
  });
});

describe('gateway references as istiod reads them (pilot/pkg/model/config.go, resolveGatewayName)', () => {
  test('<name>.<namespace>.svc.cluster.local is accepted and rendered as <namespace>/<name>', () => {
    const chart = Testing.chart();
    const vs = new VirtualService(chart, 'Shop', {
      hosts: ['shop.example.com'],
      gateways: ['public.istio-system.svc.cluster.local'],
      http: [{ match: [{ gateways: ['public.istio-system.svc.cluster.local'] }], route: [{ host: 'web' }] }],
    });
    vs.addGateway('private.istio-system.svc.cluster.local');
    expect(vs.gateways).toEqual(['istio-system/public', 'istio-system/private']);
    expect(synth(chart)[0].spec.gateways).toEqual(['istio-system/public', 'istio-system/private']);
    expect(synth(chart)[0].spec.http[0].match[0].gateways).toEqual(['istio-system/public']);
    expect(IngressGateway.fromGatewayRef('public.istio-system.svc.cluster.local').gatewayRef).toEqual('istio-system/public');
  });

  test('the FQDN form finds the Gateway of the app it names (its hosts are checked, IST0132)', () => {
    const app = Testing.app();
    new Gateway(new Chart(app, 'system', { namespace: 'istio-system' }), 'Public', {
      metadata: { name: 'public' }, servers: [{ port: { number: 80, protocol: Protocol.HTTP }, hosts: ['*/api.example.com'] }],
    });
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    new VirtualService(shop, 'Shop', { hosts: ['shop.example.com'], gateways: ['public.istio-system.svc.cluster.local'], http: [{ route: [{ host: 'web' }] }] });
    expect(() => synth(shop)).toThrow(/gateways\[0\]: binds hosts \["shop\.example\.com"\], none of which Gateway istio-system\/public serves/);
  });

  test('the legacy "name.namespace" form: the message says how istiod reads it, and its fix is accepted', () => {
    expect(() => new VirtualService(Testing.chart(), 'Vs', { hosts: ['shop.example.com'], gateways: ['public-gateway.istio-system'] }))
      .toThrow(/gateways\[0\]: uses the legacy "<name>\.<namespace>" form, which istiod resolves to "istio-system\/public-gateway" for backward compatibility only.*Fix: write it as "istio-system\/public-gateway"/);
    expect(() => new VirtualService(Testing.chart(), 'Vs', { hosts: ['shop.example.com'], gateways: ['istio-system/public-gateway'] })).not.toThrow();
  });
});

describe('IST0132 (pkg/config/analysis/analyzers/virtualservice/gateways.go, vsHostInGateway)', () => {
  test('a host no gateway serves, beside one the gateway serves, is not an error', () => {
    const app = new App();
    new Gateway(new Chart(app, 'system', { namespace: 'istio-system' }), 'Public', {
      metadata: { name: 'public' }, servers: [{ port: { number: 80, protocol: Protocol.HTTP }, hosts: ['*/shop.example.com'] }],
    });
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    new VirtualService(shop, 'Shop', { hosts: ['shop.example.com', 'api.example.com'], gateways: ['istio-system/public'], http: [{ route: [{ host: 'web' }] }] });
    expect(() => synth(shop)).not.toThrow();
  });
});
