// One measured process of memory-floor.ts: an app (an empty script, or a node:http server that
// listens on loopback and waits), with nothing more, with a bare worker thread started by the app,
// or with bastion's watchdog preloaded by the caller (`node --import generator-bastion/watchdog/register`).
// It settles, then prints its RSS and anonymous memory (MiB) from /proc/self/smaps_rollup.
// Plain JavaScript: a .ts entry would load Node's type stripper, ~19 MiB that no real service has.
import { readFileSync } from 'node:fs';

const SETTLE_MS = 1500;
const [, , app, name] = process.argv;

if (app === 'http') {
  const { createServer } = await import('node:http');
  createServer((request, response) => response.end('ok')).listen(0, '127.0.0.1').unref();
} else if (app !== 'empty') {
  throw new Error(`unknown app ${app}`);
}
if (name === 'bare worker') {
  const { Worker } = await import('node:worker_threads');
  new Worker('setInterval(() => {}, 1000)', { eval: true }).unref();
} else if (name !== 'none' && name !== 'preload') {
  throw new Error(`unknown case ${name}`);
}
await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
const rollup = readFileSync('/proc/self/smaps_rollup', 'utf8');
const mib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1]) / 1024;
console.log(JSON.stringify({ rss: mib('Rss'), anon: mib('Anonymous') }));
process.exit(0);
