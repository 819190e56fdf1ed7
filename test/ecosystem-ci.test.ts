/**
 * CI never passes without the conformance checks: with `CI=true` a missing `../shared` fails the test setup and
 * `.ci/run`; without it, the tests skip those checks with a notice (a user's clone may not have `../shared`).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { referenceAvailable, sharedAvailable, sharedDir } from './util/conformance';
import { samplesAvailable } from './util/samples';

const MISSING = path.join(__dirname, '.generated', 'no-such-shared-dir');

function withEnv<T>(env: Record<string, string | undefined>, fn: () => T): T {
  const saved: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(env)) {
    saved[key] = process.env[key];
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    return fn();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

describe('a missing ../shared', () => {
  test.each(['true', '1', 'yes'])('fails the tests when CI=%s (conformance checks and sample comparisons)', ci => {
    withEnv({ CI: ci, CDK8S_ISTIO_SHARED: MISSING }, () => {
      expect(() => sharedAvailable()).toThrow(`conformance checks cannot run: ${MISSING} not found, and CI=true makes that an error instead of a skip`);
      expect(() => samplesAvailable('Bookinfo sample equality tests')).toThrow('Bookinfo sample equality tests cannot run');
    });
  });

  test.each([undefined, '', 'false', '0'])('is skipped with a notice when CI=%p', ci => {
    withEnv({ CI: ci, CDK8S_ISTIO_SHARED: MISSING }, () => {
      expect(sharedAvailable()).toBe(false);
      expect(samplesAvailable('Bookinfo sample equality tests')).toBe(false);
    });
  });

  test('an existing directory is available under CI', () => {
    withEnv({ CI: 'true' }, () => expect(referenceAvailable(__dirname, 'these tests')).toBe(true));
  });

  test('.ci/run fails before installing anything when CI=true', () => {
    const run = spawnSync('bash', [path.join(__dirname, '..', '.ci', 'run')], {
      env: { ...process.env, CI: 'true', CDK8S_ISTIO_SHARED: MISSING },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`CI FAILED: ${MISSING} not found and CI=true: the conformance checks cannot be skipped in CI`);
    expect(run.stdout).not.toContain('README test command');
  });
});

test('this checkout has ../shared, so the rest of the suite runs its conformance checks', () => {
  expect(sharedDir()).toBeTruthy();
  expect(sharedAvailable()).toBe(true);
});
