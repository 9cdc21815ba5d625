// What the watchdog loads. Every module it loads stays in its heap for the life of the host
// process, so the heavy ones that were measured and taken out must stay out (see "Memory" in
// docs/watchdog.md): at start, the worker's entry loads neither the inspector nor node:net
// (worker-tasks.ts comes on the first stall or `bastion dump`); once loaded, still neither
// fs.promises nor node:crypto. The real worker entry runs here, with real workerData. And each
// thread loads few ES modules of ours (the build bundles them): the loader's bookkeeping costs
// ~30 KiB per module, enough with a dozen to grow the main thread's young generation.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { it } from 'node:test';
import type { TestContext } from 'node:test';
import { Worker } from 'node:worker_threads';
import { createHeartbeat, heartbeatIntervalMs } from '../../src/watchdog/heartbeat.ts';
import { resolveOptions } from '../../src/watchdog/options.ts';
import type { WorkerData } from '../../src/watchdog/protocol.ts';
import { fixture, runFixture } from './harness.ts';

const DIST = new URL('../../dist/watchdog/', import.meta.url).href;
const WORKER_ENTRY = `${DIST}worker.js`;
const WORKER_TASKS = `${DIST}worker-tasks.js`;
// Every file: URL a thread loads from then on (a CommonJS probe: it imports nothing of ours itself).
const RECORD_MODULES = `
  const loadedUrls = [];
  require('node:module').registerHooks({
    load(url, context, nextLoad) {
      if (url.startsWith('file:')) loadedUrls.push(url);
      return nextLoad(url, context);
    },
  });
`;
// What a stall or a `bastion dump` needs, and only then.
const ON_DEMAND = ['inspector', 'net', 'cluster', 'internal/source_map/source_map', 'timers/promises'];
// fs.promises (and the streams and readline modules it brings) comes with an ES import of node:fs.
const UNWANTED = ['internal/fs/promises', 'internal/readline/interface', 'crypto'];

it('the worker starts without its dump code, and loads neither fs.promises nor node:crypto with it', async (t) => {
  const [atStart, loaded] = await probeWorker(t, 'process.moduleLoadList');
  const started = atStart.map((entry) => entry.replace(/^NativeModule /, ''));
  for (const name of ON_DEMAND) assert.ok(!started.includes(name), `the worker loaded ${name} at start`);
  const builtins = loaded.map((entry) => entry.replace(/^NativeModule /, ''));
  assert.ok(builtins.includes('inspector'), `the watchdog's modules did not load: ${builtins.join(', ')}`);
  for (const name of UNWANTED) assert.ok(!builtins.includes(name), `the worker loaded ${name}`);
});

it('the worker starts with one file of ours, and the stall path is one more', async (t) => {
  // Through the module hooks, in a probe of its own: registering them loads built-ins of their own.
  const [atStart, loaded] = await probeWorker(t, 'loadedUrls', RECORD_MODULES);
  assert.deepEqual(atStart, [WORKER_ENTRY]);
  // worker-tasks.js imports the running entry (its state), not a copy of it.
  assert.deepEqual(loaded, [WORKER_ENTRY, WORKER_TASKS]);
});

/**
 * Runs the real worker entry with real workerData, then loads its stall path; returns the list
 * `expression` names after each, evaluated in the worker after `setup`.
 */
async function probeWorker(t: TestContext, expression: string, setup = ''): Promise<[string[], string[]]> {
  const socketDir = join(mkdtempSync(join(tmpdir(), 'bastion-footprint-')), 'private');
  t.after(() => rmSync(join(socketDir, '..'), { recursive: true, force: true }));
  const options = resolveOptions({ timeoutMs: 30_000 }, {});
  const workerData: WorkerData = {
    options,
    heartbeat: createHeartbeat(),
    startedNs: process.hrtime.bigint(),
    intervalMs: heartbeatIntervalMs(options.timeoutMs),
    heartbeatUrl: `${DIST}shared.js`,
    loopDelay: monitorEventLoopDelay(),
    inspectorBlocked: undefined,
    argv: process.argv,
    execArgv: [],
    socket: { enabled: true, dir: socketDir, path: join(socketDir, `bastion-${process.pid}.sock`), wake: join(socketDir, `bastion-${process.pid}.wake`) },
  };
  const probe = `
    const { parentPort } = require('node:worker_threads');
    ${setup}
    import(${JSON.stringify(WORKER_ENTRY)})
      .then(() => parentPort.postMessage([...${expression}]))
      .then(() => import(${JSON.stringify(WORKER_TASKS)}))
      .then(() => parentPort.postMessage(${expression}));
  `;
  const worker = new Worker(probe, { eval: true, workerData, execArgv: [] });
  const messages = once(worker, 'message');
  const [atStart] = (await messages) as [string[]];
  const [loaded] = (await once(worker, 'message')) as [string[]];
  await worker.terminate();
  return [atStart, loaded];
}

it('the preload loads two files of ours on the main thread; an import of the API under it, one more, and reaches the same watchdog', async () => {
  const result = await runFixture(fixture('modules-loaded.mjs'), { nodeArgs: ['--import', fixture('record-modules.mjs')] });
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { preloaded: string[]; api: string[]; running: boolean };
  assert.deepEqual(report.preloaded, [`${DIST}register.js`, `${DIST}shared.js`]);
  assert.deepEqual(report.api, [`${DIST}index.js`]);
  assert.equal(report.running, true);
});
