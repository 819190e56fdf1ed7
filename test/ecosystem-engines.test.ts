/**
 * The supported Node versions (`engines.node`, set in .projenrc.ts) are versions every locked package supports:
 * `npm ci` prints no EBADENGINE warning on the first release of each supported line, nor on the Node running this.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as semver from 'semver';

const ROOT = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));

/** The first version of each line of the range, e.g. `^20.19.0 || >=24` -> 20.19.0, 24.0.0. */
function firstVersions(range: string): string[] {
  return range.split('||').map(part => semver.minVersion(part.trim())!.version);
}

function unsupportedOn(version: string): string[] {
  return Object.entries<any>(lock.packages)
    .filter(([, info]) => typeof info.engines?.node === 'string' && !semver.satisfies(version, info.engines.node))
    .map(([name, info]) => `${name.replace(/^.*node_modules\//, '')}@${info.version} wants node ${info.engines.node}`);
}

test('engines.node names the supported lines, and the lockfile root agrees', () => {
  expect(pkg.engines.node).toEqual('^20.19.0 || ^22.13.0 || >=24');
  expect(lock.packages[''].engines).toEqual(pkg.engines);
  expect(firstVersions(pkg.engines.node)).toEqual(['20.19.0', '22.13.0', '24.0.0']);
});

test.each(firstVersions('^20.19.0 || ^22.13.0 || >=24'))('no locked package refuses Node %s (no EBADENGINE)', version => {
  expect(unsupportedOn(version)).toEqual([]);
});

test('the Node running the tests is supported, and no locked package refuses it', () => {
  expect(semver.satisfies(process.versions.node, pkg.engines.node)).toBe(true);
  expect(unsupportedOn(process.versions.node)).toEqual([]);
});
