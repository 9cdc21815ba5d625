// Where the watchdog's memory goes, measured the way users load it: `node --import
// generator-bastion/watchdog/register app.mjs`, with the package installed (packed with `npm pack`
// and unpacked into a temporary node_modules, beside the app), every default hook on, idle. Against
// the same app that starts a bare worker thread (an empty interval: the floor of any worker-based
// watchdog) and the app alone. RSS is split into private (anonymous) pages and pages of mapped files
// (mostly the node binary's code, shared with every other node process on the host). Two apps: an
// empty script, and a node:http server listening on loopback. Each case runs in a fresh process,
// several times; medians.
//
//   node bench/watchdog/memory-floor.ts [path/to/node ...]   (default: the node running this)
//
// Needs `npm run build` first (the package is packed from dist/).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../shared/stats.ts';
import { packPackage, scratchDirectory } from './lib/package.ts';

const RUNS = 7;
const APPS = ['empty', 'http'];
const CASE_SCRIPT = fileURLToPath(new URL('apps/memory-case.mjs', import.meta.url));
const PRELOAD = 'generator-bastion/watchdog/register';

/** RSS and anonymous memory, MiB. */
interface Sample {
  rss: number;
  anon: number;
}

const nodes = process.argv.slice(2);
const installed = install();
try {
  for (const node of nodes.length > 0 ? nodes : [process.execPath]) report(node, installed);
} finally {
  rmSync(installed, { recursive: true, force: true });
}

/** A directory whose node_modules holds the packed package; the app runs from there. */
function install(): string {
  const root = scratchDirectory('bastion-memory');
  const tarball = packPackage(root);
  const target = join(root, 'node_modules', 'generator-bastion');
  mkdirSync(target, { recursive: true });
  // What npm install puts there, without the scaffolder's dependencies: the preload has none.
  execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  return root;
}

function report(node: string, root: string): void {
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  // No BASTION_* variable: every default hook on. A fresh dump directory, removed afterwards.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('BASTION_') && key !== 'NODE_OPTIONS'));
  const measure = (app: string, name: string): Sample => {
    const args = name === 'preload' ? ['--import', PRELOAD, CASE_SCRIPT, app, name] : [CASE_SCRIPT, app, name];
    const samples = Array.from({ length: RUNS }, () => JSON.parse(execFileSync(node, args, { cwd: root, env, encoding: 'utf8' })) as Sample);
    return { rss: median(samples.map((s) => s.rss)) ?? NaN, anon: median(samples.map((s) => s.anon)) ?? NaN };
  };
  console.log(`\n${version} (MiB, median of ${RUNS}; + is against the app alone)`);
  console.log('app    case          rss     +rss   +private  +file-backed  private over a bare worker');
  for (const app of APPS) {
    const none = measure(app, 'none');
    const bare = measure(app, 'bare worker');
    const preload = measure(app, 'preload');
    for (const [name, sample] of [['none', none], ['bare worker', bare], ['bastion', preload]] as const) {
      const added = sample.rss - none.rss;
      const addedAnon = sample.anon - none.anon;
      const over = name === 'bastion' ? fixed(sample.anon - bare.anon) : '';
      console.log(`${app.padEnd(6)} ${name.padEnd(12)}  ${fixed(sample.rss)}  ${fixed(added)}  ${fixed(addedAnon)}    ${fixed(added - addedAnon)}       ${over}`);
    }
  }
}

function fixed(value: number): string {
  return value.toFixed(1).padStart(6);
}
