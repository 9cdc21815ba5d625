// What the watchdog's worker thread loads. Every module it loads stays in its heap for the life
// of the host process, so the heavy ones that were measured and taken out must stay out (see
// "Memory" in docs/watchdog.md): at start, the entry loads neither the inspector nor node:net
// (worker-tasks.ts comes on the first stall or `bastion dump`); once loaded, still neither
// fs.promises nor node:crypto. The real worker entry runs here, with real workerData.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { createHeartbeat, heartbeatIntervalMs } from '../../src/watchdog/heartbeat.ts';
import { resolveOptions } from '../../src/watchdog/options.ts';
import type { WorkerData } from '../../src/watchdog/protocol.ts';

const WORKER_ENTRY = new URL('../../dist/watchdog/worker.js', import.meta.url).href;
const WORKER_TASKS = new URL('../../dist/watchdog/worker-tasks.js', import.meta.url).href;
// What a stall or a `bastion dump` needs, and only then.
const ON_DEMAND = ['inspector', 'net', 'cluster', 'internal/source_map/source_map', 'timers/promises'];
// fs.promises (and the streams and readline modules it brings) comes with an ES import of node:fs.
const UNWANTED = ['internal/fs/promises', 'internal/readline/interface', 'crypto'];

it('the worker starts without its dump code, and loads neither fs.promises nor node:crypto with it', async (t) => {
  const socketDir = join(mkdtempSync(join(tmpdir(), 'bastion-footprint-')), 'private');
  t.after(() => rmSync(join(socketDir, '..'), { recursive: true, force: true }));
  const options = resolveOptions({ timeoutMs: 30_000 }, {});
  const workerData: WorkerData = {
    options,
    heartbeat: createHeartbeat(),
    startedNs: process.hrtime.bigint(),
    intervalMs: heartbeatIntervalMs(options.timeoutMs),
    loopDelay: monitorEventLoopDelay(),
    inspectorBlocked: undefined,
    argv: process.argv,
    execArgv: [],
    socket: { enabled: true, dir: socketDir, path: join(socketDir, `bastion-${process.pid}.sock`), wake: join(socketDir, `bastion-${process.pid}.wake`) },
  };
  const probe = `
    const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(WORKER_ENTRY)})
      .then(() => parentPort.postMessage([...process.moduleLoadList]))
      .then(() => import(${JSON.stringify(WORKER_TASKS)}))
      .then(() => parentPort.postMessage(process.moduleLoadList));
  `;
  const worker = new Worker(probe, { eval: true, workerData, execArgv: [] });
  const messages = once(worker, 'message');
  const [atStart] = (await messages) as [string[]];
  const [loaded] = (await once(worker, 'message')) as [string[]];
  await worker.terminate();
  const started = atStart.map((entry) => entry.replace(/^NativeModule /, ''));
  for (const name of ON_DEMAND) assert.ok(!started.includes(name), `the worker loaded ${name} at start`);
  const builtins = loaded.map((entry) => entry.replace(/^NativeModule /, ''));
  assert.ok(builtins.includes('inspector'), `the watchdog's modules did not load: ${builtins.join(', ')}`);
  for (const name of UNWANTED) assert.ok(!builtins.includes(name), `the worker loaded ${name}`);
});
