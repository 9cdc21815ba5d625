// The preload's shutdown-hang report: an app that handles SIGTERM or SIGINT and is still alive
// BASTION_SHUTDOWN_TIMEOUT_MS later is told what keeps it alive and ended with code 1; an app
// that does not handle the signal dies of it exactly as without the preload.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Readable } from 'node:stream';
import { describe, it } from 'node:test';
// Built: the module's own imports name .js files.
import { installShutdownHook } from '../../dist/watchdog/shutdown.js';
import { fixture, startFixture } from './harness.ts';
import type { RunOptions, RunResult } from './harness.ts';

const HANG_LINE = /^bastion watchdog: still running (\d+) ms after (SIG[A-Z]+) \(pid (\d+)\), kept alive by: (.*); exiting with code 1$/m;

/** Runs the shutdown fixture in `mode`, sends it `signal` once it listens, and waits for its end. */
async function signalled(mode: string, signal: NodeJS.Signals, env: RunOptions['env'] = {}): Promise<RunResult> {
  const running = startFixture(fixture('shutdown.mjs'), { args: [mode, signal], env: { BASTION_SHUTDOWN_TIMEOUT_MS: '1000', ...env }, timeoutMs: 30_000 });
  await lineOn(running.child.stdout!, 'ready');
  running.child.kill(signal);
  return running.result;
}

function lineOn(stream: Readable, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer | string): void => {
      seen += String(chunk);
      if (!seen.split('\n').includes(line)) return;
      stream.off('data', onData);
      resolve();
    };
    stream.on('data', onData);
    stream.once('end', () => reject(new Error(`no line ${JSON.stringify(line)} on stdout: ${JSON.stringify(seen)}`)));
  });
}

describe('shutdown hang', { concurrency: true }, () => {
  for (const [mode, signal] of [['leak', 'SIGTERM'], ['leak-once', 'SIGINT']] as const) {
    it(`names what keeps an app alive after its own ${signal} listener (${mode}), and exits 1`, async () => {
      const result = await signalled(mode, signal);
      assert.equal(result.code, 1, result.stderr);
      assert.equal(result.stdout, `ready\ngot ${signal}\n`);
      const match = HANG_LINE.exec(result.stderr);
      assert.ok(match, result.stderr);
      assert.deepEqual(match.slice(1, 4), ['1000', signal, String(result.pid)]);
      // The leaked server and interval (and stdio, pipes here), nothing of the watchdog's own:
      // its timers are unref'd.
      const kinds = match[4]?.split(', ') ?? [];
      assert.deepEqual(kinds.filter((kind) => !kind.startsWith('PipeWrap')).sort(), ['TCPServerWrap', 'Timeout'], result.stderr);
    });
  }

  it('with BASTION_HANDLE_TRACKING on, gives the file:line where the leaked server and interval were created', async () => {
    const result = await signalled('leak', 'SIGTERM', { BASTION_HANDLE_TRACKING: 'on' });
    assert.equal(result.code, 1, result.stderr);
    assert.ok(HANG_LINE.test(result.stderr), result.stderr);
    const script = fixture('shutdown.mjs');
    const lines = readFileSync(script, 'utf8').split('\n');
    const lineOf = (text: string): number => lines.findIndex((line) => line.includes(text)) + 1;
    const url = pathToFileURL(script).href.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // The kind, then the app's frame first: where the app's own code made the handle.
    const created = (kind: string, line: number): RegExp => new RegExp(`\\n {2}${kind} created\\n {4}at (?:\\S+ \\()?${url}:${line}:\\d+\\)?\\n`);
    assert.match(result.stderr, created('TCPServerWrap', lineOf('createServer().listen(')), result.stderr);
    assert.match(result.stderr, created('Timeout', lineOf('const interval = setInterval(')), result.stderr);
  });

  it('lists no creation stacks with handle tracking off (the default)', async () => {
    const result = await signalled('leak', 'SIGTERM');
    assert.equal(result.code, 1, result.stderr);
    assert.doesNotMatch(result.stderr, / created\n/);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`leaves ${signal} to kill an app that has no listener for it`, async () => {
      const result = await signalled('none', signal);
      assert.equal(result.signal, signal, result.stderr);
      assert.equal(result.stderr, '');
    });
  }

  it('leaves SIGTERM to kill an app whose listener was removed again', async () => {
    const result = await signalled('removed', 'SIGTERM');
    assert.equal(result.signal, 'SIGTERM', result.stderr);
    assert.equal(result.stderr, '');
  });

  it('is not counted by a listener that re-raises the signal when it is alone (signal-exit)', async () => {
    const result = await signalled('alone-reraises', 'SIGTERM');
    assert.equal(result.signal, 'SIGTERM', result.stderr);
    assert.equal(result.stderr, '');
  });

  it('says nothing when the app ends on its own', async () => {
    const result = await signalled('clean', 'SIGTERM');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'ready\ngot SIGTERM\n');
    assert.equal(result.stderr, '');
  });

  it('is off with BASTION_SHUTDOWN_TIMEOUT_MS=0: a slow shutdown ends as the app says', async () => {
    const result = await signalled('slow', 'SIGTERM', { BASTION_SHUTDOWN_TIMEOUT_MS: '0' });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
  });

  it('is off, in one line, with an invalid BASTION_SHUTDOWN_TIMEOUT_MS; the watchdog still runs', async () => {
    const result = await signalled('slow', 'SIGTERM', { BASTION_SHUTDOWN_TIMEOUT_MS: '10s' });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stderr,
      'bastion watchdog: shutdown-hang report off: BASTION_SHUTDOWN_TIMEOUT_MS must be a whole number of milliseconds, got "10s" (string)\n',
    );
  });

  it('is off with BASTION_WATCHDOG=off, like the rest of the preload', async () => {
    const result = await signalled('slow', 'SIGTERM', { BASTION_WATCHDOG: 'off' });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
  });
});

describe('installShutdownHook()', () => {
  it("listens only while the app does, and its uninstall takes everything back", () => {
    const newListeners = process.listenerCount('newListener');
    const removeListeners = process.listenerCount('removeListener');
    const before = process.listenerCount('SIGTERM');
    assert.equal(before, 0, 'the test runner listens for SIGTERM itself: this test needs a clean slate');
    const uninstall = installShutdownHook(1000);
    const app = (): void => {};
    try {
      assert.equal(process.listenerCount('SIGTERM'), 0);
      process.on('SIGTERM', app);
      assert.equal(process.listenerCount('SIGTERM'), 2);
      process.removeListener('SIGTERM', app);
      assert.equal(process.listenerCount('SIGTERM'), 0);
      process.on('SIGTERM', app);
      process.removeAllListeners('SIGTERM');
      assert.equal(process.listenerCount('SIGTERM'), 0);
      process.once('SIGTERM', app);
      assert.equal(process.listenerCount('SIGTERM'), 2);
    } finally {
      uninstall();
    }
    assert.deepEqual(process.listeners('SIGTERM'), [app]);
    process.removeListener('SIGTERM', app);
    assert.equal(process.listenerCount('newListener'), newListeners);
    assert.equal(process.listenerCount('removeListener'), removeListeners);
  });
});
