// Where the watchdog's memory goes: the RSS a process gains from a bare worker thread (an empty
// interval, the floor of any worker-based watchdog) and from bastion's watchdog, split into private
// (anonymous) pages and pages of mapped files (mostly the node binary's code, shared with every
// other node process on the host). Each case runs in a fresh process, several times; medians.
//
//   node bench/watchdog/memory-floor.mjs [path/to/node ...]   (default: the node running this)
//
// Needs `npm run build` first (it starts bastion from dist/).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CASES = ['none', 'bare worker', 'bastion'];
const RUNS = 5;
const SETTLE_MS = 1500;
const register = new URL('../../dist/watchdog/index.js', import.meta.url).href;

if (process.argv[2] === '--case') {
  await runCase(process.argv[3]);
} else {
  const nodes = process.argv.slice(2);
  for (const node of nodes.length > 0 ? nodes : [process.execPath]) report(node);
}

function report(node) {
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  const rows = CASES.map((name) => {
    const samples = Array.from({ length: RUNS }, () => JSON.parse(execFileSync(node, [fileURLToPath(import.meta.url), '--case', name], { encoding: 'utf8' })));
    return { name, rss: median(samples.map((s) => s.rss)), anon: median(samples.map((s) => s.anon)) };
  });
  const [none] = rows;
  console.log(`\n${version} (MiB, median of ${RUNS}; + is against "none")`);
  console.log('case          rss     +rss   +private  +file-backed');
  for (const { name, rss, anon } of rows) {
    const added = rss - none.rss;
    const addedAnon = anon - none.anon;
    console.log(`${name.padEnd(12)}  ${fixed(rss)}  ${fixed(added)}  ${fixed(addedAnon)}    ${fixed(added - addedAnon)}`);
  }
}

async function runCase(name) {
  if (name === 'bare worker') {
    const { Worker } = await import('node:worker_threads');
    new Worker('setInterval(() => {}, 1000)', { eval: true }).unref();
  } else if (name === 'bastion') {
    const { startWatchdog } = await import(register);
    startWatchdog({ timeoutMs: 30_000 });
  }
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const rollup = readFileSync('/proc/self/smaps_rollup', 'utf8');
  const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1]);
  console.log(JSON.stringify({ rss: kib('Rss') / 1024, anon: kib('Anonymous') / 1024 }));
  process.exit(0);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function fixed(value) {
  return value.toFixed(1).padStart(6);
}
