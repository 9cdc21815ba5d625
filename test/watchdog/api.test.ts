// The programmatic API and the preload's environment in real processes: start/stop, a second
// start, options that reach the dump, the 'exit' code, BASTION_WATCHDOG=0, an app run with
// --inspect, and that the watchdog itself never opens a port.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as watchdogModule from 'generator-bastion/watchdog';
import { fixture, runFixture } from './harness.ts';
import { assertEnding, fixtureOutput } from './stall-assertions.ts';

interface StartStopReport {
  threadsBefore: number;
  threadsRunning: number;
  threadsStopped: number;
  second: string;
  noneBefore: boolean;
  current: boolean;
  noneAfter: boolean;
  dir: string;
  timeoutMs: number;
  action: string;
  stoppedAt: number;
}

describe('the public surface', () => {
  it('exports getWatchdog and startWatchdog and nothing else at run time', () => {
    assert.deepEqual(Object.keys(watchdogModule).sort(), ['getWatchdog', 'startWatchdog']);
  });
});

describe('startWatchdog()', { concurrency: true }, () => {
  it('returns its settings, refuses a second start, and stop() leaves nothing behind', async () => {
    const options = { timeoutMs: 500, action: 'dump', dir: 'relative/dumps', startupGraceMs: 0 };
    const result = await runFixture(fixture('api/api-start-stop.mjs'), {
      preload: false,
      env: { WATCHDOG_OPTIONS: JSON.stringify(options) },
    });
    const closedAt = Date.now();
    assert.equal(result.code, 0, result.stderr);
    const report = fixtureOutput<StartStopReport>(result);
    assert.equal(report.timeoutMs, 500);
    assert.equal(report.action, 'dump');
    assert.match(report.dir, /^\/.+\/relative\/dumps$/);
    assert.match(report.second, /^a bastion watchdog is already running in this process \(dumps to .*\); stop\(\) it first, or use getWatchdog\(\)$/);
    // getWatchdog() reaches the one running, and only while it runs.
    assert.deepEqual([report.noneBefore, report.current, report.noneAfter], [true, true, true]);
    // The worker is a thread of its own, and stop() takes it away.
    assert.equal(report.threadsRunning, report.threadsBefore + 1);
    assert.equal(report.threadsStopped, report.threadsBefore);
    // After stop() the loop was blocked past the threshold: nobody reported it.
    assert.equal(result.stderr, '');
    assert.equal(existsSync(report.dir), false);
    // And nothing kept the process alive afterwards (generous bound: a loaded CI machine).
    assert.ok(closedAt - report.stoppedAt < 3000, `exited ${closedAt - report.stoppedAt} ms after its last line`);
  });

  it('reports the error a bad option throws, and starts nothing', async () => {
    const result = await runFixture(fixture('api/api-start-stop.mjs'), {
      preload: false,
      env: { WATCHDOG_OPTIONS: JSON.stringify({ timeoutMs: -1 }) },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(fixtureOutput(result), {
      error: 'RangeError',
      message: 'options.timeoutMs must be an integer from 50 to 2147483647 (milliseconds), got -1 (number)',
    });
  });

  it('dumps a stall with the options given, and stop() ends the watching', async () => {
    const result = await runFixture(fixture('api/api-stall.mjs'), {
      preload: false,
      env: { WATCHDOG_OPTIONS: JSON.stringify({ timeoutMs: 500 }), STALL_MS: '3000' },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'stopped\n');
    const dump = result.dumps.find((candidate) => candidate.stack[0]?.functionName === 'blockedByApiFixture');
    assert.ok(dump, result.stderr);
    assert.equal(dump.thresholdMs, 500);
    assert.equal(dump.action, 'dump');
    assert.ok(dump.stalledMs >= 500, String(dump.stalledMs));
    assert.match(result.stderr, /^bastion watchdog: event loop stalled for \d+ ms \(threshold 500 ms\), pid \d+\n {4}at blockedByApiFixture \(file:\/\/\/.*\/api-stall\.mjs:\d+:\d+\)\n/m);
    assert.match(result.stderr, /bastion watchdog: event loop recovered after \d+ ms \(pid \d+\)\n/);
  });

  it("ends the process with exitCode after the dump when the action is 'exit'", async () => {
    const result = await runFixture(fixture('api/api-stall.mjs'), {
      preload: false,
      env: { WATCHDOG_OPTIONS: JSON.stringify({ timeoutMs: 500, action: 'exit', exitCode: 42 }), STALL_MS: '20000' },
    });
    assert.equal(result.code, 42, result.stderr);
    assert.equal(result.signal, null);
    assert.equal(result.stdout, '');
    const [dump] = result.dumps;
    assert.equal(dump?.action, 'exit');
    assert.equal(dump.stackStatus, 'captured');
    assert.equal(dump.stack[0]?.functionName, 'blockedByApiFixture');
    assertEnding(result, { pid: result.pid, action: 'exit', how: /exit code 42/ });
    // Well before the 20 s block would have ended on its own.
    assert.ok(result.elapsedMs < 15_000, String(result.elapsedMs));
  });
});

describe('the preload', { concurrency: true }, () => {
  it("reads the main thread's facts and exits with exitCode even from inside a vm sandbox", async () => {
    const result = await runFixture(fixture('api/vm-sandbox.mjs'), {
      env: { BASTION_WATCHDOG_TIMEOUT_MS: '500', BASTION_WATCHDOG_ACTION: 'exit' },
    });
    assert.equal(result.code, 70, result.stderr);
    const [dump] = result.dumps;
    assert.equal(dump?.stack[0]?.functionName, 'sandboxed', result.stderr);
    assert.equal(dump.stack[0].url, 'sandbox.js');
    assert.equal(typeof dump.memory?.heapUsed, 'number');
    assert.ok(Array.isArray(dump.activeResources));
    assert.equal(typeof dump.eventLoop?.utilization, 'number');
  });

  it("is replaced by an app's own startWatchdog(), after getWatchdog() reached it", async () => {
    const result = await runFixture(fixture('api/replace-preloaded.mjs'), {
      env: {
        BASTION_WATCHDOG_TIMEOUT_MS: '500',
        WATCHDOG_OPTIONS: JSON.stringify({ timeoutMs: 1000, action: 'exit', exitCode: 42 }),
      },
    });
    assert.equal(result.code, 42, result.stderr);
    const report = fixtureOutput<Record<string, unknown>>(result);
    assert.deepEqual(report.preloaded, { timeoutMs: 500, action: 'dump' });
    assert.deepEqual(report.started, { timeoutMs: 1000, action: 'exit' });
    assert.equal(report.replaced, true);
    assert.equal(report.current, true);
    // Only the preload's watchdog is replaced; the app's own is not.
    assert.match(String(report.second), /^a bastion watchdog is already running in this process .*getWatchdog\(\)$/);
    // The preload's watchdog (500 ms) no longer judges: one stall, reported by the app's (1000 ms).
    assert.deepEqual(result.dumps.map((dump) => [dump.thresholdMs, dump.action, dump.stack[0]?.functionName]), [[1000, 'exit', 'blockedAfterReplacing']]);
    assert.equal(result.stderr.split('\n').filter((line) => line.includes('event loop stalled')).length, 1, result.stderr);
  });

  it('does nothing at all with BASTION_WATCHDOG=0', async () => {
    const result = await runFixture(fixture('api/stalls.mjs'), {
      env: { BASTION_WATCHDOG: '0', BASTION_WATCHDOG_TIMEOUT_MS: '500', STALL_COUNT: '1', STALL_MS: '1500' },
    });
    assert.equal(result.code, 0);
    assert.equal(result.stdout, 'stalls done: 1\n');
    assert.equal(result.stderr, '');
    assert.equal(existsSync(result.dir), false);
  });

  it('captures the stack of an app that runs with --inspect (its own debugger session)', async () => {
    const result = await runFixture(fixture('api/stalls.mjs'), {
      nodeArgs: ['--inspect=127.0.0.1:0'],
      env: { BASTION_WATCHDOG_TIMEOUT_MS: '500', STALL_COUNT: '1' },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Debugger listening on ws:\/\/127\.0\.0\.1:/);
    const dump = result.dumps.find((candidate) => candidate.stackStatus === 'captured');
    assert.equal(dump?.stack[0]?.functionName, 'blockEventLoop', result.stderr);
  });

  it('never opens a debugger port or any listening socket of its own', async () => {
    const result = await runFixture(fixture('api/no-port.mjs'), { env: { BASTION_WATCHDOG_TIMEOUT_MS: '500' } });
    assert.equal(result.code, 0, result.stderr);
    // The watchdog did connect to the main thread (it took the stack)...
    assert.equal(result.dumps[0]?.stack[0]?.functionName, 'blockForWatchdog', result.stderr);
    // ...through an in-process session: no inspector URL, no listening socket.
    assert.deepEqual(fixtureOutput(result), { inspectorUrl: null, listening: 0 });
  });

  it('degrades under the permission model: no stack without --allow-inspector, and no crash', async () => {
    const result = await runFixture(fixture('api/stalls.mjs'), {
      nodeArgs: ['--permission', '--allow-worker', '--allow-fs-read=*', '--allow-fs-write=*'],
      env: { BASTION_WATCHDOG_TIMEOUT_MS: '500', STALL_COUNT: '1' },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'stalls done: 1\n');
    const [dump] = result.dumps;
    assert.equal(dump?.stackStatus, 'unavailable', result.stderr);
    assert.deepEqual(dump.stack, []);
    assert.match(dump.stackError ?? '', /--allow-inspector/);
    assert.match(result.stderr, /\n {2}stack not captured: inspector unavailable: .*--allow-inspector\)\n/);
  });

  it('says in one line that it cannot start when the permission model denies worker threads', async () => {
    const result = await runFixture(fixture('api/stalls.mjs'), {
      nodeArgs: ['--permission', '--allow-fs-read=*'],
      env: { BASTION_WATCHDOG_TIMEOUT_MS: '500' },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'stalls done: 0\n');
    const ours = result.stderr.split('\n').filter((line) => line.startsWith('bastion watchdog:'));
    assert.equal(ours.length, 1, result.stderr);
    assert.match(ours[0] ?? '', /^bastion watchdog: not started: .*--allow-worker/);
  });
});
