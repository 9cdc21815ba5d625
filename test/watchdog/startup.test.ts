// A start-up that never lets the event loop turn is still a stall: reported once the grace
// period and a whole threshold have passed, naming the function it is stuck in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, runFixture } from './harness.ts';
import { assertOneCapturedStall, describeRun, stallEnv, THRESHOLD_MS } from './stall-assertions.ts';

test('a top-level hang before the first loop turn is reported after grace + threshold', { timeout: 120_000 }, async () => {
  const file = fixture('startup-hang.mjs');
  const graceMs = 300;
  const result = await runFixture(file, {
    env: { ...stallEnv, BASTION_WATCHDOG_GRACE_MS: String(graceMs), BASTION_WATCHDOG_ACTION: 'exit' },
    timeoutMs: 30_000,
  });

  assert.equal(result.code, 70, describeRun(result));
  assertOneCapturedStall(result, { culprit: { file, functionName: 'waitForConfigForever' }, action: 'exit' });
  const [dump] = result.dumps;
  // Measured from the watchdog's start, which the loop never got past.
  assert.ok(dump!.stalledMs > graceMs + THRESHOLD_MS, `stalledMs ${dump!.stalledMs}`);
});
