// The http service's scripts/flame-main-thread.ts, run as `npm run flame` runs it (preloaded under
// V8's --prof): of the per-thread V8 logs, only the main thread's is left when the process exits,
// so that clinic's Flame, which takes the first log its directory lists, draws the main thread.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';

const PRELOAD = fileURLToPath(new URL('../../templates/app/http/scripts/flame-main-thread.ts', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'bastion-flame-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

// Two threads besides the main one, as the service has the watchdog's and piscina's.
const APP = `
import { Worker } from 'node:worker_threads';
const code = 'function workerThreadWork() { let n = 0; for (let i = 0; i < 1e6; i++) n += i; return n; } workerThreadWork();';
await Promise.all([0, 1].map(() => new Promise((resolve) => new Worker(code, { eval: true }).on('exit', resolve))));
`;

/** Runs the app under --prof (with the preload or not) in a directory of its own; returns the logs left there. */
function profile(name: string, preload: boolean): { logs: string[]; texts: string[] } {
  const dir = join(scratch, name);
  mkdirSync(dir);
  const app = join(dir, 'main-thread-app.mjs');
  writeFileSync(app, APP);
  const args = ['--prof', `--logfile=${join(dir, '%p-v8.log')}`, ...(preload ? ['--import', PRELOAD] : []), app];
  const result = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, result.stderr);
  const logs = readdirSync(dir).filter((file) => /^isolate-.*-v8\.log$/.test(file));
  return { logs, texts: logs.map((log) => readFileSync(join(dir, log), 'utf8')) };
}

// The main thread's log names the app's file; a worker's names its own code ([worker eval]).
const isMainThreads = (text: string): boolean => text.includes('main-thread-app.mjs');

describe('scripts/flame-main-thread.ts', () => {
  test('without it, each of the three threads leaves a V8 log, one of them the main thread\'s', () => {
    const { texts } = profile('bare', false);
    assert.equal(texts.length, 3);
    assert.equal(texts.filter(isMainThreads).length, 1);
  });

  test("with it, only the main thread's log is left", () => {
    const { logs, texts } = profile('preloaded', true);
    assert.equal(logs.length, 1, logs.join(', '));
    assert.ok(isMainThreads(texts[0] ?? ''), `${logs[0]} is not the main thread's`);
  });
});
