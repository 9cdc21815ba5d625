// The watchdog as `npm start` loads it, configured by the BASTION_WATCHDOG_* environment.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StallDump } from '../vendor/watchdog/index.js';
import { startServer } from './helpers.ts';

test('a stall longer than BASTION_WATCHDOG_TIMEOUT_MS leaves a stall dump naming the culprit', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'watchdog-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const server = await startServer(
    { BASTION_WATCHDOG_TIMEOUT_MS: '500', BASTION_WATCHDOG_DIR: dir, STALL_MS: '1500' },
    ['./test/fixtures/stall-after-start.ts'],
  );
  t.after(() => server.child.kill('SIGKILL'));
  // A loaded machine can stall start-up too (each stall has its own dump): look for ours.
  const deadline = Date.now() + 15_000;
  let culprit: StallDump | undefined;
  while (!culprit && Date.now() < deadline) {
    await sleep(100);
    for (const name of (await readdir(dir)).filter((file) => /^stall-.*\.json$/.test(file))) {
      const dump = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as StallDump;
      if (dump.stack[0]?.functionName === 'runawayLoop') culprit = dump;
    }
  }
  assert.ok(culprit, `no dump names runawayLoop; stderr: ${server.stderr()}`);
  assert.equal(culprit.kind, 'stall');
  assert.equal(culprit.pid, server.child.pid);
  assert.equal(culprit.thresholdMs, 500);
  assert.match(culprit.stack[0]?.url ?? '', /test\/fixtures\/stall-after-start\.ts$/);
  assert.match(server.stderr(), /bastion watchdog: event loop stalled for \d+ ms \(threshold 500 ms\)/);
  // Once the loop runs again, /metrics has the watchdog's figures.
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(metrics, /^bastion_watchdog_stalls_total [1-9]\d*$/m);
  assert.match(metrics, /^bastion_watchdog_longest_stall_seconds (?:0\.[5-9]|[1-9])/m);
  assert.match(metrics, /^bastion_watchdog_threshold_seconds 0\.5$/m);
  // Busy for the 1.5 s loop since start (the first stats() call): more than nothing, at most all.
  const utilization = Number(/^bastion_watchdog_event_loop_utilization (\S+)$/m.exec(metrics)?.[1]);
  assert.ok(utilization > 0 && utilization <= 1, `utilization ${utilization}`);
});

test('BASTION_WATCHDOG=0 keeps it from starting', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'watchdog-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const server = await startServer(
    { BASTION_WATCHDOG: '0', BASTION_WATCHDOG_TIMEOUT_MS: '500', BASTION_WATCHDOG_DIR: dir, STALL_MS: '1500' },
    ['./test/fixtures/stall-after-start.ts'],
  );
  t.after(() => server.child.kill('SIGKILL'));
  const deadline = Date.now() + 15_000;
  while (!server.stderr().includes('stall over') && Date.now() < deadline) await sleep(100);
  await sleep(500); // a dump would be written within milliseconds of the threshold
  assert.deepEqual(await readdir(dir), []);
  assert.equal(server.stderr(), 'stall over\n');
});
