// One measured process of stall-profile.ts. argv[2] is the profiler setup:
//   'none'          no profiler;
//   'kept-<us>'     a profiler started from a worker thread (in-process inspector session on the
//                   main thread, as the watchdog's) before anything runs, sampling every <us> µs,
//                   restarted every 10 s to bound its memory: the "kept running" design;
//   'mid'           a profiler started from the worker 800 ms into the stall: the watchdog's design.
// argv[3] is the job: 'stall' blocks the main thread in a busy loop (spinBusyLoop) for 2.5 s
// and prints which function the profile blames; 'work' runs small CPU tasks (one JSON round trip
// of a 2 KB object each, batched per setImmediate turn) for 4 s and prints how many ran, the
// process's CPU time, and its private memory at the end.
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

const [, , setup = 'none', job = 'work'] = process.argv;
const kept = /^kept-(\d+)$/.exec(setup);

const profilerThread = `
const inspector = require('node:inspector');
const { parentPort, workerData } = require('node:worker_threads');
const session = new inspector.Session();
session.connectToMainThread();
const post = (method, params = {}) => new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
const blame = (profile) => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const counts = new Map();
  for (const id of profile.samples) {
    const name = byId.get(id).callFrame.functionName || '(anonymous)';
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].filter(([name]) => !name.startsWith('(')).sort((a, b) => b[1] - a[1])[0]?.[0] ?? '(none)';
};
parentPort.on('message', async (message) => {
  // The main thread is about to stall: start on this thread's own clock.
  if (typeof message === 'object' && message.startIn !== undefined) {
    setTimeout(async () => { await post('Profiler.enable'); await post('Profiler.start'); }, message.startIn);
  } else if (message === 'start') {
    await post('Profiler.enable');
    if (workerData.intervalUs) await post('Profiler.setSamplingInterval', { interval: workerData.intervalUs });
    await post('Profiler.start');
    parentPort.postMessage('started');
    if (workerData.restartMs) setInterval(async () => { await post('Profiler.stop'); await post('Profiler.start'); }, workerData.restartMs);
  } else if (message === 'stop') {
    const { profile } = await post('Profiler.stop');
    parentPort.postMessage({ blamed: blame(profile), samples: profile.samples.length });
  }
});
`;

// Every setup has the thread (the watchdog has one anyway): what is measured is the profiler.
const worker = new Worker(profilerThread, { eval: true, workerData: { intervalUs: kept ? Number(kept[1]) : 0, restartMs: kept ? 10_000 : 0 } });
worker.unref();
const ask = (message) => new Promise((resolve) => {
  worker.once('message', resolve);
  worker.postMessage(message);
});
if (kept) await ask('start');

function spinBusyLoop(ms) {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x++;
  return x;
}

if (job === 'stall') {
  await new Promise((resolve) => setTimeout(resolve, 100));
  if (setup === 'mid') worker.postMessage({ startIn: 800 });
  // The stall: from a timer, as in a service.
  await new Promise((resolve) => setTimeout(function onTimer() { resolve(spinBusyLoop(2500)); }, 0));
  console.log(setup === 'none' ? JSON.stringify({ blamed: '(no profiler)' }) : JSON.stringify(await ask('stop')));
} else {
  const record = { id: 1, name: 'order', items: Array.from({ length: 40 }, (_, i) => ({ sku: `sku-${i}`, qty: i, price: i * 1.5 })) };
  const cpuBefore = process.cpuUsage();
  const end = performance.now() + 4000;
  let tasks = 0;
  while (performance.now() < end) {
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 50; i++) tasks += JSON.parse(JSON.stringify(record)).id;
  }
  const cpu = process.cpuUsage(cpuBefore);
  const rollup = readFileSync('/proc/self/smaps_rollup', 'utf8');
  const anonMiB = Number(/^Anonymous:\s+(\d+) kB/m.exec(rollup)?.[1]) / 1024;
  console.log(JSON.stringify({ tasks, cpuMs: (cpu.user + cpu.system) / 1000, anonMiB }));
}
process.exit(0);
