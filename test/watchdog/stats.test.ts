// watchdog.stats(): the figures an app publishes on /metrics, read in a real process that stalls.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { WatchdogStats } from 'generator-bastion/watchdog';
import { fixture, runFixture } from './harness.ts';
import { fixtureOutput } from './stall-assertions.ts';

const THRESHOLD_MS = 500;

function assertFinite(stats: WatchdogStats): void {
  const numbers = [stats.stalls, stats.longestStallMs, stats.eventLoopUtilization, ...Object.values(stats.eventLoopDelayMs)];
  for (const value of numbers) assert.ok(Number.isFinite(value) && value >= 0, `not a finite number >= 0: ${JSON.stringify(stats)}`);
  assert.deepEqual(Object.keys(stats.eventLoopDelayMs).sort(), ['max', 'mean', 'min', 'p50', 'p90', 'p99']);
  assert.ok(stats.eventLoopUtilization <= 1, JSON.stringify(stats));
  assert.equal(typeof stats.stalled, 'boolean');
}

it('counts a real stall, its length and the loop figures, read through getWatchdog()', async () => {
  const result = await runFixture(fixture('api/stats.mjs'), {
    env: { BASTION_WATCHDOG_TIMEOUT_MS: String(THRESHOLD_MS), BASTION_WATCHDOG_GRACE_MS: '0', STALL_MS: '2500' },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.dumps.length, 1, result.stderr);
  const { before, rightAfter, later } = fixtureOutput<Record<'before' | 'rightAfter' | 'later', WatchdogStats>>(result);
  for (const stats of [before, rightAfter, later]) assertFinite(stats);

  assert.deepEqual([before.stalls, before.longestStallMs, before.stalled], [0, 0, false]);
  // Read in the stalled task itself: the watchdog has seen the stall and not yet a tick after it.
  assert.equal(rightAfter.stalls, 1);
  assert.equal(rightAfter.stalled, true);
  assert.ok(rightAfter.longestStallMs >= THRESHOLD_MS, JSON.stringify(rightAfter));
  // Once the loop has turned: over, with its whole length (at least what was seen during it).
  assert.equal(later.stalls, 1);
  assert.equal(later.stalled, false);
  assert.ok(later.longestStallMs >= rightAfter.longestStallMs, JSON.stringify({ rightAfter, later }));
  assert.ok(later.eventLoopDelayMs.max >= THRESHOLD_MS, JSON.stringify(later));
  // The window since the previous call held the blocked loop.
  assert.ok(rightAfter.eventLoopUtilization > 0, JSON.stringify(rightAfter));
});
