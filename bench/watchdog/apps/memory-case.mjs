// One measured process of memory-floor.ts: starts nothing, a bare worker thread, or bastion's
// watchdog, settles, and prints its RSS and anonymous memory (MiB) from /proc/self/smaps_rollup.
// Plain JavaScript: a .ts entry would load Node's type stripper, ~19 MiB that no real service has.
import { readFileSync } from 'node:fs';

const SETTLE_MS = 1500;
const [, , name, register] = process.argv;

if (name === 'bare worker') {
  const { Worker } = await import('node:worker_threads');
  new Worker('setInterval(() => {}, 1000)', { eval: true }).unref();
} else if (name === 'bastion') {
  const { startWatchdog } = await import(register);
  startWatchdog({ timeoutMs: 30_000 });
} else if (name !== 'none') {
  throw new Error(`unknown case ${name}`);
}
await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
const rollup = readFileSync('/proc/self/smaps_rollup', 'utf8');
const mib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1]) / 1024;
console.log(JSON.stringify({ rss: mib('Rss'), anon: mib('Anonymous') }));
process.exit(0);
