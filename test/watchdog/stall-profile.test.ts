// The stall profile: with each stall dump, a CPU profile of the stuck main thread beside it, named
// by the dump's `profile` field; `profileWarning` when it blames another function than the stack
// (a busy loop optimised on stack before the profile started); BASTION_WATCHDOG_PROFILE_MS=0 off.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { samplesIn } from '../../src/watchdog/profiler.ts';
import type { CpuProfile } from '../../src/watchdog/profiler.ts';
import { fixture, parseWatchdogReport, runFixture } from './harness.ts';
import type { RunResult, StallDump } from './harness.ts';
import { assertNamesCulprit, describeRun, stallEnv } from './stall-assertions.ts';

function readProfile(result: RunResult, dump: StallDump): CpuProfile {
  const dumpPath = parseWatchdogReport(result.stderr).stalls[0]?.dumpPath ?? assert.fail(`no dump path: ${describeRun(result)}`);
  const dir = dirname(dumpPath);
  assert.ok(dump.profile, `no profile: ${dump.profileError ?? describeRun(result)}`);
  assert.equal(dump.profile, basename(dumpPath).replace(/\.json$/, '.cpuprofile'));
  const path = join(dir, dump.profile);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.match(result.stderr, new RegExp(`\nbastion watchdog: CPU profile of the stall \\(\\d+ ms, pid ${result.pid}\\): ${path}\n`));
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
}

describe('stall profile', () => {
  it('a busy loop: profile written and parseable; marked unreliable exactly when it has no sample in the culprit', async () => {
    const file = fixture('finite-loop.mjs');
    const result = await runFixture(file, { env: stallEnv, args: ['2500'] });
    assert.equal(result.code, 0, describeRun(result));
    const dump = result.dumps[0] ?? assert.fail(describeRun(result));
    assertNamesCulprit(dump, { file, functionName: 'spinForAWhile' });
    const profile = readProfile(result, dump);
    assert.ok((profile.samples?.length ?? 0) > 100, `${profile.samples?.length} samples`);
    assert.ok(profile.endTime > profile.startTime);
    assert.ok(dump.profileMs !== undefined && dump.profileMs >= 500 && dump.profileMs <= 5000, `profileMs ${dump.profileMs}`);
    const inCulprit = samplesIn(profile, 'spinForAWhile', pathToFileURL(file).href);
    // V8 optimises this loop on stack well before the threshold: the profile blames its caller.
    if (inCulprit === 0) {
      assert.match(dump.profileWarning ?? '', /^unreliable for this stall: none of its \d+ samples is in spinForAWhile, where the stack shows the main thread; V8 had most likely optimised that loop on stack \(OSR\)/);
      assert.match(result.stderr, /\n {2}unreliable for this stall: none of its/);
    } else {
      assert.equal(dump.profileWarning, undefined);
    }
  });

  it('a regex stall: the profile has samples in the culprit, and no warning', async () => {
    const file = fixture('regex-backtracking.mjs');
    const result = await runFixture(file, { env: stallEnv });
    assert.equal(result.code, 0, describeRun(result));
    const dump = result.dumps[0] ?? assert.fail(describeRun(result));
    const profile = readProfile(result, dump);
    assert.ok(samplesIn(profile, 'matchHostileInput', pathToFileURL(file).href) > 0, 'no sample in matchHostileInput');
    assert.equal(dump.profileWarning, undefined);
  });

  it('is stopped early by the recovery, and turned off by BASTION_WATCHDOG_PROFILE_MS=0', async () => {
    const short = await runFixture(fixture('finite-loop.mjs'), { env: { ...stallEnv, BASTION_WATCHDOG_PROFILE_MS: '5000' }, args: ['1200'] });
    const dump = short.dumps[0] ?? assert.fail(describeRun(short));
    assert.ok(dump.profile !== undefined && (dump.profileMs ?? 0) < 2500, `profileMs ${dump.profileMs}`);

    const off = await runFixture(fixture('finite-loop.mjs'), { env: { ...stallEnv, BASTION_WATCHDOG_PROFILE_MS: '0' }, args: ['1000'] });
    assert.equal(off.dumps.length, 1, describeRun(off));
    assert.deepEqual(
      [off.dumps[0]!.profile, off.dumps[0]!.profileMs, off.dumps[0]!.profileError],
      [undefined, undefined, undefined],
    );
    assert.doesNotMatch(off.stderr, /CPU profile/);
  });
});
