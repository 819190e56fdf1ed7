/**
 * Istio's own samples as test oracles: load a sample from the shared reference directory and compare what the
 * library synthesizes with it, semantically.
 *
 * "Semantically" means what a user would call the same configuration: the same objects (matched by API group,
 * kind, namespace and name, in any document order), the same fields and values, in any key order, and the same
 * API group whatever its version (samples use v1, v1beta1 or v1alpha3; the schemas are identical).
 *
 * The samples are read from `<shared>/istio/samples` (see `sharedDir()` in `./conformance`), never copied.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { firstTimeInProcess, referenceAvailable, sharedDir } from './conformance';

/** The directory Istio's samples are read from. */
function samplesDir(): string {
  return path.join(sharedDir(), 'istio', 'samples');
}

/**
 * Whether Istio's samples can be read. When they cannot, prints one notice per process naming what is skipped,
 * so a machine without `../shared` still passes the suite and says why some tests did not run. Under CI
 * (`CI=true`) a missing samples directory throws instead (see `referenceAvailable`).
 *
 * @param what the tests that depend on the samples, for the notice (e.g. "Bookinfo sample equality tests")
 */
export function samplesAvailable(what: string): boolean {
  const available = referenceAvailable(samplesDir(), what);
  if (!available && firstTimeInProcess(`samples-missing:${what}`)) {
    process.stderr.write(`${what} skipped: Istio samples not found (looked in ${samplesDir()}; set CDK8S_ISTIO_SHARED)\n`);
  }
  return available;
}

/**
 * The objects of a sample, in document order, as plain JSON (empty documents, e.g. after a trailing `---`,
 * are dropped).
 *
 * @param name the sample's path below `istio/samples`, e.g. `bookinfo/virtual-service-all-v1.yaml`
 */
export function loadSample(name: string): any[] {
  const file = path.join(samplesDir(), name);
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
  const objects: any[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map(e => e.message).join('; ')}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) objects.push(value);
  }
  return objects;
}

/**
 * Asserts that `actual` and `expected` are the same configuration: two lists of manifests (matched by API group,
 * kind, namespace and name, whatever their order), or two single manifests. Key order and the version part of
 * `apiVersion` are ignored; everything else must be equal. On failure the diff is keyed by object.
 */
export function expectSemanticallyEqual(actual: any, expected: any): void {
  if (Array.isArray(actual) !== Array.isArray(expected)) {
    throw new Error('expectSemanticallyEqual: compare a list of manifests with a list, or one manifest with one manifest');
  }
  if (Array.isArray(actual)) {
    expect(byIdentity(actual)).toStrictEqual(byIdentity(expected));
  } else {
    expect(normalize(actual)).toStrictEqual(normalize(expected));
  }
}

/** Manifests keyed by `group/kind namespace/name`, so a diff names the object and document order does not count. */
function byIdentity(manifests: any[]): Record<string, any> {
  const result: Record<string, any> = {};
  for (const m of manifests) {
    const n = normalize(m);
    const key = `${n.apiVersion}/${n.kind} ${n.metadata?.namespace ?? ''}/${n.metadata?.name ?? ''}`;
    if (key in result) throw new Error(`expectSemanticallyEqual: two manifests are ${key}`);
    result[key] = n;
  }
  return result;
}

/** Plain JSON (no undefined values) with the apiVersion reduced to its group. */
function normalize(manifest: any): any {
  const json = JSON.parse(JSON.stringify(manifest));
  if (json !== null && typeof json === 'object' && typeof json.apiVersion === 'string') {
    const slash = json.apiVersion.lastIndexOf('/');
    // The core group ("v1") has no group part; keep it as is.
    if (slash >= 0) json.apiVersion = json.apiVersion.slice(0, slash);
  }
  return json;
}
