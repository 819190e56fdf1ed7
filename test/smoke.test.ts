import { Duration } from 'cdk8s';
import { _istioDuration } from '../src/duration';

test('smoke', () => {
  expect(_istioDuration(Duration.seconds(1))).toEqual('1000ms');
});
