// installShutdown in a process of its own: signals, the SIGTERM delay and the deadline.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import type { LogLine } from './helpers.ts';

interface Run {
  signal: NodeJS.Signals;
  stepMs: number;
  delayMs?: number;
  timeoutMs?: number;
  secondSignal?: boolean;
}

/** Starts the fixture, sends `signal` once it is installed; resolves with the exit, its log and the time it took. */
async function run({ signal, stepMs, delayMs = 0, timeoutMs = 5_000, secondSignal = false }: Run) {
  const child = spawn(process.execPath, ['test/fixtures/shutdown.ts'], {
    cwd: new URL('..', import.meta.url),
    env: { ...process.env, STEP_MS: String(stepMs), DELAY_MS: String(delayMs), TIMEOUT_MS: String(timeoutMs) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const logs: LogLine[] = [];
  let signalledAt = 0;
  createInterface({ input: child.stdout }).on('line', (text) => {
    const line = JSON.parse(text) as LogLine;
    logs.push(line);
    if (line.msg === 'installed') {
      signalledAt = performance.now();
      child.kill(signal);
    }
    if (line.msg === 'shutting down' && secondSignal) child.kill(signal);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, logs, ms: performance.now() - signalledAt };
}

test('SIGTERM runs the steps and exits 0', async () => {
  const { code, logs } = await run({ signal: 'SIGTERM', stepMs: 100 });
  assert.equal(code, 0);
  assert.deepEqual(logs.map((line) => line.msg), ['installed', 'shutting down', 'shutdown complete']);
  assert.equal(logs[1]?.signal, 'SIGTERM');
});

test('SIGTERM waits the drain delay first; SIGINT does not', async () => {
  const term = await run({ signal: 'SIGTERM', stepMs: 0, delayMs: 1_000 });
  assert.equal(term.code, 0);
  assert.ok(term.ms >= 1_000, `exited after ${term.ms} ms`);
  const int = await run({ signal: 'SIGINT', stepMs: 0, delayMs: 60_000 });
  assert.equal(int.code, 0);
  assert.ok(int.ms < 5_000, `exited after ${int.ms} ms`);
});

test('past the deadline it exits 1 and names the steps still open', async () => {
  const { code, logs, ms } = await run({ signal: 'SIGTERM', stepMs: 60_000, timeoutMs: 300 });
  assert.equal(code, 1);
  assert.ok(ms < 5_000);
  const fatal = logs.find((line) => line.level === 'fatal');
  assert.equal(fatal?.msg, 'shutdown deadline of 300 ms passed with slow step still open');
  assert.deepEqual(fatal?.open, ['slow step']);
  assert.equal(typeof fatal?.activeResources, 'object');
});

test('a second signal exits 1 at once', async () => {
  const { code, logs } = await run({ signal: 'SIGTERM', stepMs: 60_000, secondSignal: true });
  assert.equal(code, 1);
  assert.match(logs.find((line) => line.level === 'fatal')?.msg ?? '', /^second SIGTERM during shutdown/);
});
