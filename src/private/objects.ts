/**
 * `{ ...base, ...fields }`, made so that objects built at one place share one hidden class.
 *
 * Node 20's V8 gives every object made by a spread followed by properties the source does not have (`{ ...v, extra }`,
 * `{ ...v, ...w }`) a hidden class of its own: ≈ 180 bytes more per object (the class and its descriptors), and reads
 * of its properties fall back to the slow path everywhere the object goes (the analysis, the YAML writer).
 * `Object.assign` onto a fresh object copies the same own enumerable properties and shares the class. Used where
 * an object is made once per construct or per rendered object; a spread elsewhere is fine.
 */
export function withFields<A extends object, B extends object>(base: A | undefined, fields: B): Omit<A, keyof B> & B {
  return Object.assign({}, base, fields);
}
