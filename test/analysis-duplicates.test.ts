import { ApiObject, Chart, Testing } from 'cdk8s';
import * as plus from 'cdk8s-plus-27';
import { DestinationRule, MeshService, Protocol } from '../src';
import { synth } from './util';

describe('two objects of one kind, namespace and name anywhere in the app', () => {
  test('two Istio resources with one name in one namespace, from two charts', () => {
    // GIVEN: two teams' charts for one namespace, each with its own id
    const app = Testing.app();
    const a = new Chart(app, 'team-a', { namespace: 'shop' });
    const b = new Chart(app, 'team-b', { namespace: 'shop' });

    // WHEN
    new DestinationRule(a, 'Reviews', { host: 'reviews' });
    new DestinationRule(b, 'ReviewsRule', { host: 'reviews', metadata: { name: 'reviews' } });

    // THEN
    expect(() => synth(a)).toThrow(/DestinationRule\.networking\.istio\.io "shop\/reviews": is defined 2 times in the app, at team-a\/Reviews, team-b\/ReviewsRule\. Fix: give each object its own name \(metadata\.name\), or create the object once and share it\. In the cluster: each apply overwrites the other object, so only the last one applied exists\./);
  });

  test('a cdk8s-plus object and a plain ApiObject collide too', () => {
    const chart = Testing.chart();
    new DestinationRule(chart, 'Reviews', { host: 'reviews' });
    new plus.ConfigMap(chart, 'Config', { metadata: { name: 'settings' } });
    new ApiObject(chart, 'Raw', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
    expect(() => synth(chart)).toThrow(/ConfigMap "default\/settings": is defined 2 times in the app, at test\/Config, test\/Raw\./);
  });

  test('the same name in two namespaces, or for two kinds, is fine', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a', { namespace: 'a' });
    const b = new Chart(app, 'b', { namespace: 'b' });
    new DestinationRule(a, 'Reviews', { host: 'reviews' });
    new DestinationRule(b, 'Reviews', { host: 'reviews' });
    new MeshService(a, 'ReviewsService', { metadata: { name: 'reviews' }, ports: [{ port: 9080, protocol: Protocol.HTTP }] });
    expect(() => synth(a)).not.toThrow();
  });
});
