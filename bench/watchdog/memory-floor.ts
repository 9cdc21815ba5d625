// Where the watchdog's memory goes: the RSS a process gains from a bare worker thread (an empty
// interval, the floor of any worker-based watchdog) and from bastion's watchdog, split into private
// (anonymous) pages and pages of mapped files (mostly the node binary's code, shared with every
// other node process on the host). Each case runs in a fresh process, several times; medians.
//
//   node bench/watchdog/memory-floor.ts [path/to/node ...]   (default: the node running this)
//
// Needs `npm run build` first (it starts bastion from dist/).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from '../shared/stats.ts';

// What each case adds to 'none', a process with neither.
const ADDED = ['bare worker', 'bastion'];
const RUNS = 5;
const CASE_SCRIPT = fileURLToPath(new URL('apps/memory-case.mjs', import.meta.url));
const REGISTER = new URL('../../dist/watchdog/index.js', import.meta.url).href;

/** RSS and anonymous memory, MiB. */
interface Sample {
  rss: number;
  anon: number;
}

const nodes = process.argv.slice(2);
for (const node of nodes.length > 0 ? nodes : [process.execPath]) report(node);

function report(node: string): void {
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  const measure = (name: string): Sample => {
    const samples = Array.from({ length: RUNS }, () => JSON.parse(execFileSync(node, [CASE_SCRIPT, name, REGISTER], { encoding: 'utf8' })) as Sample);
    return { rss: median(samples.map((s) => s.rss)) ?? NaN, anon: median(samples.map((s) => s.anon)) ?? NaN };
  };
  const none = measure('none');
  const rows = [{ name: 'none', ...none }, ...ADDED.map((name) => ({ name, ...measure(name) }))];
  console.log(`\n${version} (MiB, median of ${RUNS}; + is against "none")`);
  console.log('case          rss     +rss   +private  +file-backed');
  for (const { name, rss, anon } of rows) {
    const added = rss - none.rss;
    const addedAnon = anon - none.anon;
    console.log(`${name.padEnd(12)}  ${fixed(rss)}  ${fixed(added)}  ${fixed(addedAnon)}    ${fixed(added - addedAnon)}`);
  }
}

function fixed(value: number): string {
  return value.toFixed(1).padStart(6);
}
