import { withFields } from '../src/private/objects';

describe('withFields: a spread with new fields, without a hidden class per object', () => {
  test('gives the same object as { ...base, ...fields }: same keys in the same order, later fields win', () => {
    const base = { name: 'v1', weight: 90, labels: { version: 'v1' } };
    const fields = { weight: 10, subset: 'v1' };
    const made = withFields(base, fields);
    expect(made).toEqual({ ...base, ...fields });
    expect(Object.keys(made)).toEqual(Object.keys({ ...base, ...fields }));
    expect(made.labels).toBe(base.labels); // shallow, as a spread
  });

  test('leaves its inputs alone and takes an undefined base (an optional prop)', () => {
    const base = { name: 'a' };
    withFields(base, { namespace: 'shop' });
    expect(base).toEqual({ name: 'a' });
    expect(withFields(undefined, { name: 'b', namespace: undefined })).toEqual({ name: 'b', namespace: undefined });
  });
});
