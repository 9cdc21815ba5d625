// The fault matrix: each way a Node main thread gets stuck, in a real child process with the
// watchdog preloaded at a 500 ms threshold. Each dump must name the fixture's culprit function at
// its marked line, and the stderr block must agree with the dump.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { fixture, runFixture, startFixture, waitForDumps } from './harness.ts';
import type { RunResult } from './harness.ts';
import {
  assertEnding,
  assertOneCapturedStall,
  assertStallDump,
  assertStallReported,
  describeRun,
  fixtureOutput,
  recoveries,
  stallEnv,
  THRESHOLD_MS,
} from './stall-assertions.ts';

// The suite shares two loaded cores with everything else: bounds are generous on purpose.
const TEST_TIMEOUT_MS = 120_000;
const exitEnv = { ...stallEnv, BASTION_WATCHDOG_ACTION: 'exit' };

// Faults whose whole check is the exit and a dump naming the culprit; the others below check more.
const CULPRIT_CASES = [
  { title: 'infinite busy loop: dumped, then the process exits 70', script: 'busy-loop.mjs', functionName: 'spinForever', exits: true },
  { title: 'Atomics.wait deadlock with a worker: dumped, then exit 70', script: 'atomics-deadlock.mjs', functionName: 'waitForWorkerForever', exits: true },
  { title: 'microtask starvation by a self-requeueing promise callback', script: 'microtask-starvation.mjs', functionName: 'requeueItself', exits: false },
  { title: 'process.nextTick recursion', script: 'next-tick-recursion.mjs', functionName: 'recurseThroughNextTick', exits: false },
];

describe('fault matrix', { timeout: TEST_TIMEOUT_MS }, () => {
  for (const { title, script, functionName, exits } of CULPRIT_CASES) {
    test(title, async () => {
      const file = fixture(script);
      const result = await runFixture(file, { env: exits ? exitEnv : stallEnv });

      assert.equal(result.code, exits ? 70 : 0, describeRun(result));
      assert.equal(result.signal, null);
      assertOneCapturedStall(result, { culprit: { file, functionName }, action: exits ? 'exit' : 'dump' });
    });
  }

  test('finite 3 s loop: one dump, then the recovery line with the whole stall, exit 0', async () => {
    const file = fixture('finite-loop.mjs');
    const result = await runFixture(file, { env: stallEnv });

    assert.equal(result.code, 0, describeRun(result));
    assertOneCapturedStall(result, { culprit: { file, functionName: 'spinForAWhile' } });
    // Counted by the app after the stall: the watchdog opened no port while handling it.
    assert.deepEqual(fixtureOutput(result), { listeningSockets: 0 });
    const [recovery] = recoveries(result);
    assert.ok(recovery!.totalMs >= 2500 && recovery!.totalMs < 30_000, `recovered after ${recovery!.totalMs} ms`);
  });

  test('catastrophic regex backtracking', async () => {
    const file = fixture('regex-backtracking.mjs');
    const result = await runFixture(file, { env: stallEnv });

    assert.equal(result.code, 0, describeRun(result));
    const { regexMs } = fixtureOutput<{ regexMs: number }>(result);
    assert.ok(regexMs > 2 * THRESHOLD_MS, `the regex took only ${regexMs} ms: size the input up`);
    assertOneCapturedStall(result, { culprit: { file, functionName: 'matchHostileInput' } });
  });

  test('JSON.parse of a huge document: dumped while the parse still runs', async () => {
    const file = fixture('json-parse.mjs');
    const running = startFixture(file, { env: stallEnv });
    // JSON.parse is one native call that takes no interrupt, so a pause cannot land inside it: the
    // dump must not wait for the parse to end, and says the stack was not captured.
    const [onTime] = await waitForDumps(running.dir, 1, 30_000);
    const seenAt = Date.now();
    const result = await running.result;

    assert.equal(result.code, 0, describeRun(result));
    const { parseStartedAt, parseEndedAt, count } = fixtureOutput<JsonParseOutput>(result);
    assert.equal(count, 3_000_000);
    assert.ok(parseEndedAt - parseStartedAt > 1000, `the parse took only ${parseEndedAt - parseStartedAt} ms`);
    assert.ok(seenAt < parseEndedAt, `dump first seen ${seenAt - parseEndedAt} ms after the parse ended`);
    assertStallDump(onTime!, { pid: result.pid });
    assert.equal(onTime!.stackStatus, 'native');
    assert.deepEqual(onTime!.stack, []);
    assert.equal(onTime!.native?.tid, result.pid);
    assert.equal(onTime!.stackOnReturn, undefined);
    // Judged by the CPU the main thread used without taking the inspector's interrupt.
    assert.match(onTime!.stackError ?? '', /ran \d+ ms on a CPU without taking an interrupt/);
    assert.equal(result.dumps.length, 1, describeRun(result));
    assertStallReported(result, result.dumps[0]!);
    assertStackOnReturn(result, file);
    assert.equal(recoveries(result).length, 1, result.stderr);
  });

  for (const mode of ['open', 'read'] as const) {
    test(`sync read of a FIFO nobody writes, blocked in ${mode}(2): native dump on time`, async (t) => {
      const fifo = makeFifo(t);
      const running = startFixture(fixture('fifo-read.mjs'), { env: stallEnv, args: [fifo, mode] });
      t.after(() => running.child.kill('SIGKILL')); // a no-op once it has exited

      // The dump must appear while the main thread is still blocked: the FIFO is not written yet.
      const [dump] = await waitForDumps(running.dir, 1, 8000);
      assert.equal(running.child.exitCode, null, 'the fixture ended before the FIFO was written');
      unblockFifo(fifo, 'unblocked');
      const result = await running.result;

      assert.equal(result.code, 0, describeRun(result));
      assert.deepEqual(fixtureOutput(result), { read: 'unblocked' });
      assert.equal(result.dumps.length, 1, describeRun(result));
      assertStallDump(dump!, { pid: result.pid });
      assert.equal(dump!.stackStatus, 'native');
      assert.deepEqual(dump!.stack, []);
      // Judged by the system call the main thread sleeps in, well before the 200 ms fallback.
      const call = mode === 'open' ? 'openat' : 'read';
      assert.match(dump!.stackError ?? '', new RegExp(`asleep in the ${call} system call for \\d+ ms`));
      const block = assertStallReported(result, dump!);
      const native = dump!.native;
      assert.ok(native, 'Linux facts about the blocked thread');
      assert.equal(native.tid, result.pid, 'the main thread id is the pid');
      if (mode === 'read') {
        const fds = JSON.stringify(native.fds);
        assert.ok(native.fds.some(({ target }) => target === fifo), `FIFO not among fds: ${fds}`);
      } else {
        // Still inside open(2), so there is no fd for the FIFO yet: the call's own argument names it.
        assert.match(native.syscall ?? '', /open/);
        assert.equal(native.blockedPath, fifo);
        assert.ok(block.details.some((line) => line.startsWith(`main thread: in openat() of ${JSON.stringify(fifo)}`)), block.details.join('\n'));
      }
      // Once the read returned, the pause still pending landed in the fixture: added to the dump.
      assertStackOnReturn(result, fixture('fifo-read.mjs'));
      assert.equal(recoveries(result).length, 1, result.stderr);
    });
  }

  test("action 'exit' on a FIFO read: the stack on return goes into the dump, then exit 70", async (t) => {
    const fifo = makeFifo(t);
    const file = fixture('fifo-read.mjs');
    const running = startFixture(file, { env: exitEnv, args: [fifo, 'read'] });
    t.after(() => running.child.kill('SIGKILL'));

    // The process can only exit once the read returns and the pending pause lands: it waits
    // for that (up to 2 s, then SIGKILL), so the FIFO is written as soon as the dump is there.
    await waitForDumps(running.dir, 1, 8000);
    unblockFifo(fifo, 'unblocked');
    const result = await running.result;

    assert.equal(result.code, 70, describeRun(result));
    assert.equal(result.signal, null);
    assert.equal(result.stdout, '', 'the app printed nothing: it exited inside the stall');
    assert.equal(result.dumps.length, 1, describeRun(result));
    assertStallDump(result.dumps[0]!, { pid: result.pid, action: 'exit' });
    assertStackOnReturn(result, file);
    assert.equal(recoveries(result).length, 0, result.stderr);
    assertEnding(result, { pid: result.pid, action: 'exit', how: /exit code 70/ });
    assert.ok(result.stderr.indexOf('dump updated: ') < result.stderr.indexOf('bastion watchdog: ending the process'), result.stderr);
  });

  test("action 'exit' on a FIFO read that never returns: SIGKILL after 2 s, and a line that says so", async (t) => {
    const fifo = makeFifo(t);
    const result = await runFixture(fixture('fifo-read.mjs'), { env: exitEnv, args: [fifo, 'read'], timeoutMs: 30_000 });

    assert.equal(result.signal, 'SIGKILL', describeRun(result));
    assert.equal(result.dumps.length, 1, describeRun(result));
    assert.equal(result.dumps[0]!.stackStatus, 'native');
    assertEnding(result, { pid: result.pid, action: 'exit', how: /SIGKILL/, why: /^: it had not ended 2000 ms after the dump \(main thread in native code/ });
  });
});

/** A FIFO in a directory of its own, removed after the test. */
function makeFifo(t: TestContext): string {
  const fifoDir = mkdtempSync(join(tmpdir(), 'bastion-fifo-'));
  t.after(() => rmSync(fifoDir, { recursive: true, force: true }));
  const fifo = join(fifoDir, 'nobody-writes');
  execFileSync('mkfifo', [fifo]);
  return fifo;
}

/** The run's one dump, rewritten once the native call returned: the stall's own code is on it. */
function assertStackOnReturn(result: RunResult, file: string): void {
  const [dump] = result.dumps;
  assert.equal(dump?.stackStatus, 'native', describeRun(result));
  assert.deepEqual(dump.stack, [], 'the stack while stuck stays empty');
  const { delayMs, stack } = dump.stackOnReturn ?? assert.fail(`no stackOnReturn: ${describeRun(result)}`);
  assert.ok(delayMs > 0, `delayMs ${delayMs}`);
  const url = pathToFileURL(file).href;
  assert.ok(stack.some((frame) => frame.url === url), `no frame in ${url}: ${JSON.stringify(stack)}`);
  assert.match(result.stderr, /bastion watchdog: native call returned \d+ ms after the stall was detected, pid \d+; first JavaScript after it:\n/);
  assert.match(result.stderr, / {2}dump updated: \S+stall-\S+\.json\n/);
}

interface JsonParseOutput {
  parseStartedAt: number;
  parseEndedAt: number;
  count: number;
}

// Writes to the FIFO without ever blocking the test: with O_NONBLOCK, open fails (ENXIO) when no
// reader is there, rather than waiting for one.
function unblockFifo(fifo: string, text: string): void {
  const fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
