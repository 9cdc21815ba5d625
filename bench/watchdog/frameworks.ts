// The watchdog in real frameworks, used the way a stranger would: the package packed with `npm pack`
// and installed with `npm install` into a scratch project under the OS tmpdir, beside pinned versions
// of Express, Koa, NestJS, hapi and Next.js from the npm registry; the apps of apps/frameworks/
// (copied there; Nest compiled with tsc, Next with `next build`) started with `node --import
// generator-bastion/watchdog/register <app>` (Next: `... node_modules/next/dist/bin/next start`),
// threshold 500 ms. Per framework, with real processes and real HTTP:
//
//   starts        it listens and serves, and prints nothing on stderr
//   stall block   GET /reports/quarterly (buildQuarterlyReport busy-loops 3 s): the stall block on
//                 stderr within threshold + 1 s of the request
//   stall dump    the stall-*.json: first frame of the app's own code is buildQuarterlyReport in the
//                 app's file (the .ts source for Nest, through its source map; for Next's default
//                 minified build, which keeps no name, an anonymous frame at the loop's line)
//   recovers      the recovery line, then GET /health answers
//   regex stall   GET /skus/check with 25 a's and a '!' (matchesSkuPattern, /^(a+)+$/): a second
//                 dump naming matchesSkuPattern
//   dump idle     `bastion dump <pid>` (the installed bin) on the idle server: exit 0 within 2 s
//   dump stuck    the same 1.2 s and 2.2 s into a second 3 s stall: within 2 s, naming
//                 buildQuarterlyReport in the app's file
//   SIGTERM       exit code/signal and time after SIGTERM, against the same app without the preload
//   action exit   BASTION_WATCHDOG_ACTION=exit: the process ends non-zero once the dump is written,
//                 with the "ending the process" line
//
//   node bench/watchdog/frameworks.ts [express|koa|nest|hapi|next|next-unminified ...] [--keep]
//
// Needs `npm run build` first (the package is packed from dist/) and the npm registry. Prints a
// table and exits 1 if any check failed. --keep leaves the scratch directory (its path is printed).
// Nothing here is a timing benchmark: the bounds are loose on purpose.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { AppProcess, wallNow } from './lib/app-process.ts';
import { freePort } from '../shared/net.ts';
import { packPackage, REPO, scratchDirectory } from './lib/package.ts';

const THRESHOLD_MS = 500;
const STALL_MS = 3000;
const PRELOAD = 'generator-bastion/watchdog/register';
const APPS = fileURLToPath(new URL('apps/frameworks', import.meta.url));
const REGEX_INPUT = `${'a'.repeat(25)}!`;

/** Where a stall's culprit is, in the app's own code. */
interface Culprit {
  name: 'buildQuarterlyReport' | 'matchesSkuPattern';
  /** Relative to the scratch app directory: the file its frame should name (the .ts for Nest). */
  file: string;
  /** For a minified build, which keeps no name: the line (1-based) its frame should show instead. */
  anonymousAtLine?: number;
}

interface Framework {
  name: string;
  /** Exact versions from the registry. */
  packages: readonly string[];
  /** The script node runs, relative to the scratch app directory (or to the scratch directory when it starts with node_modules/). */
  entry: string;
  /** Arguments after the script. */
  args?: (appDir: string) => string[];
  /** The app prints no READY line: it listens on $PORT, and is ready once GET /health answers. */
  listensOnPortVariable?: boolean;
  /** Run once after install (Nest: tsc; Next: next build). */
  build?: (appDir: string, scratch: string) => void;
  report: Culprit;
  regex: Culprit;
}

const nestCulprit = (name: Culprit['name']): Culprit => ({ name, file: 'nest/src/reports.service.ts' });
const plainCulprits = (file: string): Pick<Framework, 'report' | 'regex'> => ({ report: { name: 'buildQuarterlyReport', file }, regex: { name: 'matchesSkuPattern', file } });
const NEXT_PACKAGES = ['next@16.4.6', 'react@19.3.1', 'react-dom@19.3.1'];
const NEXT_BIN = 'node_modules/next/dist/bin/next';
const nextBuild = (dir: string) => (appDir: string, scratch: string) =>
  execFileSync(process.execPath, [join(scratch, NEXT_BIN), 'build', join(appDir, dir)], { cwd: scratch, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });

const FRAMEWORKS: readonly Framework[] = [
  { name: 'express', packages: ['express@5.3.0'], entry: 'express.mjs', ...plainCulprits('express.mjs') },
  { name: 'koa', packages: ['koa@3.3.0', '@koa/router@15.7.0'], entry: 'koa.mjs', ...plainCulprits('koa.mjs') },
  {
    name: 'nest',
    packages: ['@nestjs/core@11.2.10', '@nestjs/common@11.2.10', '@nestjs/platform-express@11.2.10', 'reflect-metadata@0.2.2', 'rxjs@7.8.2', '@types/node@24'],
    entry: 'nest/dist/main.js',
    report: nestCulprit('buildQuarterlyReport'),
    regex: nestCulprit('matchesSkuPattern'),
    // What `nest build` does by default: tsc with the project's tsconfig. The repo's TypeScript.
    build: (appDir) => execFileSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(appDir, 'nest')], { stdio: 'inherit' }),
  },
  { name: 'hapi', packages: ['@hapi/hapi@21.4.10'], entry: 'hapi.mjs', ...plainCulprits('hapi.mjs') },
  // `next build`, then `next start` (in-process: the server is the preloaded process). Defaults:
  // the server bundle is minified, buildQuarterlyReport is inlined into GET and loses its name; the
  // frame is still mapped to the right line of route.js.
  {
    name: 'next',
    packages: NEXT_PACKAGES,
    entry: NEXT_BIN,
    args: (appDir) => ['start', join(appDir, 'next')],
    listensOnPortVariable: true,
    build: nextBuild('next'),
    report: { name: 'buildQuarterlyReport', file: 'next/app/reports/quarterly/route.js', anonymousAtLine: 6 },
    regex: { name: 'matchesSkuPattern', file: 'next/app/skus/check/route.js', anonymousAtLine: 4 },
  },
  // The same app with experimental.serverMinification off: the names stay.
  {
    name: 'next-unminified',
    packages: NEXT_PACKAGES,
    entry: NEXT_BIN,
    args: (appDir) => ['start', join(appDir, 'next-unminified')],
    listensOnPortVariable: true,
    build: (appDir, scratch) => {
      cpSync(join(appDir, 'next'), join(appDir, 'next-unminified'), { recursive: true });
      writeFileSync(join(appDir, 'next-unminified', 'next.config.mjs'), 'export default { experimental: { serverMinification: false } };\n');
      nextBuild('next-unminified')(appDir, scratch);
    },
    report: { name: 'buildQuarterlyReport', file: 'next-unminified/app/reports/quarterly/route.js' },
    regex: { name: 'matchesSkuPattern', file: 'next-unminified/app/skus/check/route.js' },
  },
];
const CHECKS = ['starts', 'stall block', 'stall dump', 'recovers', 'regex stall', 'dump idle', 'dump stuck', 'SIGTERM', 'action exit'] as const;
type Check = (typeof CHECKS)[number];
interface Outcome {
  ok: boolean;
  note: string;
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { keep: { type: 'boolean', default: false } } });
const unknown = positionals.filter((name) => !FRAMEWORKS.some((framework) => framework.name === name));
if (unknown.length > 0) {
  console.error(`unknown framework(s): ${unknown.join(', ')}; known: ${FRAMEWORKS.map((f) => f.name).join(', ')}`);
  process.exit(2);
}
const selected = FRAMEWORKS.filter((framework) => positionals.length === 0 || positionals.includes(framework.name));

const running = new Set<AppProcess>();
const launchedPorts = new WeakMap<AppProcess, number>();
process.on('exit', () => {
  for (const app of running) app.child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

// No inherited watchdog settings: each start says what it wants.
for (const key of Object.keys(process.env)) if (key.startsWith('BASTION_') || key === 'NODE_OPTIONS') delete process.env[key];

const began = wallNow();
const root = scratchDirectory('bastion-frameworks');
const results = new Map<string, Map<Check, Outcome>>();
try {
  const appDir = install(root, selected);
  for (const framework of selected) {
    console.log(`\n== ${framework.name}`);
    results.set(framework.name, await checkFramework(framework, appDir, root));
  }
} finally {
  if (values.keep) console.log(`\nscratch directory kept: ${root}`);
  else rmSync(root, { recursive: true, force: true });
}
const failed = printTable(results);
console.log(`\n${process.version}; ${((wallNow() - began) / 1000).toFixed(0)} s in all`);
process.exitCode = failed ? 1 : 0;

/** The scratch project: package.json, the packed tarball and the frameworks, and the apps. */
function install(directory: string, frameworks: readonly Framework[]): string {
  const tarball = packPackage(directory);
  writeFileSync(join(directory, 'package.json'), `${JSON.stringify({ name: 'bastion-frameworks-scratch', private: true }, null, 2)}\n`);
  const packages = [...new Set(frameworks.flatMap((framework) => framework.packages))];
  console.log(`npm install ${tarball} ${packages.join(' ')} (in ${directory}) ...`);
  const started = wallNow();
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--save-exact', tarball, ...packages], { cwd: directory, stdio: ['ignore', 'inherit', 'inherit'] });
  console.log(`installed in ${((wallNow() - started) / 1000).toFixed(1)} s`);
  const appDir = join(directory, 'app');
  cpSync(APPS, appDir, { recursive: true });
  for (const framework of frameworks) {
    const started = wallNow();
    framework.build?.(appDir, directory);
    if (framework.build !== undefined) console.log(`${framework.name} built in ${((wallNow() - started) / 1000).toFixed(1)} s`);
  }
  return appDir;
}

async function checkFramework(framework: Framework, appDir: string, scratch: string): Promise<Map<Check, Outcome>> {
  const outcomes = new Map<Check, Outcome>();
  const record = (check: Check, ok: boolean, note: string): void => {
    outcomes.set(check, { ok, note });
    console.log(`  ${ok ? 'pass' : 'FAIL'}  ${check}: ${note}`);
  };
  const attempt = async (check: Check, body: () => Promise<void>): Promise<void> => {
    try {
      await body();
    } catch (error) {
      record(check, false, error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error));
    }
  };
  const dumpDir = join(scratch, 'dumps', framework.name);
  const launch = (env: Record<string, string>, preload = true): Promise<AppProcess> => launchApp(framework, appDir, scratch, env, preload);
  const readyPort = (app: AppProcess): Promise<number> => waitUntilServing(framework, app);
  const judge = (file: string, culprit: Culprit): [boolean, string] => judgeDump(file, culprit, appDir);

  const app = await launch({ BASTION_WATCHDOG_TIMEOUT_MS: String(THRESHOLD_MS), BASTION_WATCHDOG_DIR: dumpDir });
  let port = 0;
  try {
    await attempt('starts', async () => {
      port = await readyPort(app);
      const health = await get(port, '/health');
      const order = await get(port, '/orders/17');
      const stderr = app.stderrText().trim();
      record('starts', health.status === 200 && order.status === 200 && stderr === '', `/health ${health.status}, /orders/17 ${order.status}${stderr === '' ? '' : `; stderr: ${stderr.slice(0, 160)}`}`);
    });
    if (port === 0) return outcomes;
    // The start-up grace (1 s by default) is over, and the watchdog has a heartbeat.
    await sleep(1500);

    await attempt('dump idle', async () => {
      const dump = await bastionDump(scratch, app.child.pid ?? 0);
      const firstLine = dump.stdout.split('\n')[0] ?? '';
      record('dump idle', dump.code === 0 && dump.ms <= 2000, `exit ${dump.code} in ${dump.ms} ms: ${firstLine || dump.stderr.trim()}`);
    });

    // The busy loop: the block, the dump, the recovery.
    const before = app.stderrText().length;
    const sent = wallNow();
    const response = get(port, `/reports/quarterly?ms=${STALL_MS}`, STALL_MS + 10_000);
    await attempt('stall block', async () => {
      const at = await waitForStderr(app, /event loop stalled for \d+ ms/, before, 5000);
      const block = app.stderrText().slice(before).split('\n').slice(0, 3).join(' | ');
      const latency = Math.round(at - sent);
      record('stall block', latency <= THRESHOLD_MS + 1000 && namesCulprit(block, framework.report, appDir), `${latency} ms after the request: ${block.slice(0, 200)}`);
    });
    await attempt('stall dump', async () => {
      const file = await waitForDump(dumpDir, 1, 5000);
      record('stall dump', ...judge(file, framework.report));
    });
    await attempt('recovers', async () => {
      const answered = await response;
      const at = await waitForStderr(app, /event loop recovered after \d+ ms/, before, 5000);
      const line = app.stderrText().slice(before).match(/event loop recovered after \d+ ms[^\n]*/)?.[0] ?? '';
      const health = await get(port, '/health');
      record('recovers', answered.status === 200 && health.status === 200, `route ${answered.status} after ${Math.round(at - sent)} ms, "${line}", then /health ${health.status}`);
    });

    await attempt('regex stall', async () => {
      const start = app.stderrText().length;
      const answered = await get(port, `/skus/check?sku=${REGEX_INPUT}`, 30_000);
      await waitForStderr(app, /event loop recovered after \d+ ms/, start, 5000);
      const file = await waitForDump(dumpDir, 2, 5000);
      const [ok, note] = judge(file, framework.regex);
      record('regex stall', ok && answered.status === 200, `route ${answered.status}; ${note}`);
    });

    await attempt('dump stuck', async () => {
      // At 1.2 s the stall is still being handled (its profile runs for 1 s): the answer is the stall's
      // dump. At 2.2 s it is not: the watchdog pauses the main thread for an on-demand dump.
      const start = app.stderrText().length;
      const stuck = get(port, `/reports/quarterly?ms=${STALL_MS}`, STALL_MS + 10_000);
      const dumps = await Promise.all([1200, 2200].map((ms) => sleep(ms).then(() => bastionDump(scratch, app.child.pid ?? 0))));
      await stuck;
      await waitForStderr(app, /event loop recovered after \d+ ms/, start, 5000);
      const notes = dumps.map((dump, index) => {
        const named = namesCulprit(dump.stdout, framework.report, appDir);
        const first = (dump.stdout.split('\n')[0] || dump.stderr.trim()).replace(/, dump \/.*;/, ', dump ...;');
        return { ok: dump.code === 0 && dump.ms <= 2000 && named, text: `at ${index === 0 ? 1.2 : 2.2} s: exit ${dump.code} in ${dump.ms} ms, culprit ${named ? '' : 'NOT '}named, "${first.slice(0, 110)}"` };
      });
      record('dump stuck', notes.every((note) => note.ok), notes.map((note) => note.text).join('; '));
    });

    await attempt('SIGTERM', async () => {
      const watched = await terminate(app);
      const bare = await launch({}, false);
      try {
        const barePort = await readyPort(bare);
        await get(barePort, '/health');
        await sleep(500);
        const without = await terminate(bare);
        const same = watched.code === without.code && watched.signal === without.signal;
        record('SIGTERM', same && Math.abs(watched.ms - without.ms) <= 1000, `with watchdog: ${describeExit(watched)} in ${watched.ms} ms; without: ${describeExit(without)} in ${without.ms} ms`);
      } finally {
        await stop(bare);
      }
    });
  } finally {
    await stop(app);
  }

  await attempt('action exit', async () => {
    const exitDir = join(scratch, 'dumps', `${framework.name}-exit`);
    const ending = await launch({ BASTION_WATCHDOG_TIMEOUT_MS: String(THRESHOLD_MS), BASTION_WATCHDOG_DIR: exitDir, BASTION_WATCHDOG_ACTION: 'exit' });
    try {
      const endingPort = await readyPort(ending);
      await sleep(1500);
      const sent = wallNow();
      get(endingPort, `/reports/quarterly?ms=${STALL_MS}`, STALL_MS + 10_000).catch(() => undefined);
      const exit = await Promise.race([ending.exited, sleep(10_000).then(() => undefined)]);
      if (exit === undefined) throw new Error('still running 10 s after the stalling request');
      const line = ending.stderrText().match(/bastion watchdog: ending the process[^\n]*/)?.[0] ?? '';
      const dumps = listDumps(exitDir);
      const dumped = dumps.length === 1 && judge(join(exitDir, dumps[0] ?? ''), framework.report)[0];
      record('action exit', exit.code !== 0 && exit.code !== null && line !== '' && dumped, `${describeExit(exit)} ${Math.round(wallNow() - sent)} ms after the request, dump ${dumped ? 'names the culprit' : 'missing or wrong'}, "${line}"`);
    } finally {
      await stop(ending);
    }
  });
  return outcomes;
}

async function launchApp(framework: Framework, appDir: string, scratch: string, env: Record<string, string>, preload: boolean): Promise<AppProcess> {
  const script = framework.entry.startsWith('node_modules/') ? join(scratch, framework.entry) : join(appDir, framework.entry);
  const port = framework.listensOnPortVariable ? await freePort() : 0;
  const app = new AppProcess({
    script,
    args: framework.args?.(appDir) ?? [],
    nodeArgs: preload ? ['--import', PRELOAD] : [],
    env: { PORT: String(port), NEXT_TELEMETRY_DISABLED: '1', ...env },
    cwd: scratch,
  });
  running.add(app);
  launchedPorts.set(app, port);
  return app;
}

async function stop(app: AppProcess): Promise<void> {
  await app.stop();
  running.delete(app);
}

async function waitUntilServing(framework: Framework, app: AppProcess): Promise<number> {
  if (framework.listensOnPortVariable) {
    const port = launchedPorts.get(app) ?? 0;
    const deadline = wallNow() + 60_000;
    for (;;) {
      if (app.child.exitCode !== null || app.child.signalCode !== null) throw new Error(`exited before serving; stderr: ${app.stderrText().slice(-300)}`);
      const status = await get(port, '/health', 1000).then((response) => response.status, () => 0);
      if (status === 200) return port;
      if (wallNow() > deadline) throw new Error(`GET /health did not answer 200 within 60 s; stderr: ${app.stderrText().slice(-300)}`);
      await sleep(200);
    }
  }
  const ready = await app.waitFor('READY', 30_000);
  const port = ready.payload.port;
  if (typeof port !== 'number') throw new Error(`READY without a port: ${JSON.stringify(ready.payload)}`);
  return port;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
}

/** SIGTERM, then the exit (SIGKILL after 15 s, reported as a failure). */
async function terminate(app: AppProcess): Promise<Exit> {
  const sent = wallNow();
  app.child.kill('SIGTERM');
  const exit = await Promise.race([app.exited, sleep(15_000).then(() => undefined)]);
  if (exit === undefined) throw new Error('still running 15 s after SIGTERM');
  return { ...exit, ms: Math.round(wallNow() - sent) };
}

function describeExit(exit: { code: number | null; signal: NodeJS.Signals | null }): string {
  return exit.signal === null ? `exit ${exit.code}` : `killed by ${exit.signal}`;
}

async function get(port: number, path: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: await response.text() };
}

/** When `pattern` first showed in the app's stderr after character `from`. */
async function waitForStderr(app: AppProcess, pattern: RegExp, from: number, timeoutMs: number): Promise<number> {
  const deadline = wallNow() + timeoutMs;
  for (;;) {
    let text = '';
    for (const chunk of app.stderr) {
      text += chunk.text;
      if (text.length > from && pattern.test(text.slice(from))) return chunk.receivedAt;
    }
    if (wallNow() > deadline) throw new Error(`no ${pattern.source} on stderr within ${timeoutMs} ms; stderr: ${text.slice(from, from + 300)}`);
    await sleep(20);
  }
}

function listDumps(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((name) => /^stall-.*\.json$/.test(name)).sort() : [];
}

/** The `count`-th stall dump in `dir` (names sort by time, then sequence). */
async function waitForDump(dir: string, count: number, timeoutMs: number): Promise<string> {
  const deadline = wallNow() + timeoutMs;
  for (;;) {
    const dumps = listDumps(dir);
    const name = dumps[count - 1];
    if (name !== undefined) return join(dir, name);
    if (wallNow() > deadline) throw new Error(`${dumps.length} stall dump(s) in ${dir} after ${timeoutMs} ms, wanted ${count}`);
    await sleep(50);
  }
}

interface Frame {
  functionName: string;
  url: string;
  line: number;
  column: number;
  generated?: { url: string; line: number; column: number };
}

/** The dump's schema (docs/watchdog.md, "Dump file"): its first frame of the app's own code. */
function judgeDump(file: string, culprit: Culprit, appDir: string): [boolean, string] {
  const dump = JSON.parse(readFileSync(file, 'utf8')) as { kind?: unknown; stackStatus?: unknown; thresholdMs?: unknown; stalledMs?: unknown; stack?: Frame[] };
  if (dump.kind !== 'stall' || dump.thresholdMs !== THRESHOLD_MS || typeof dump.stalledMs !== 'number' || !Array.isArray(dump.stack)) return [false, `not a stall dump: ${file}`];
  const own = dump.stack.find((frame) => frame.url.startsWith('file:') && !frame.url.includes('/node_modules/'));
  if (own === undefined) return [false, `stackStatus ${String(dump.stackStatus)}, no frame of the app's code among ${dump.stack.length}`];
  const short = (url: string): string => url.slice(url.lastIndexOf('/app/') + 1);
  const where = `${own.functionName || '(anonymous)'} ${short(own.url)}:${own.line}:${own.column}`;
  const mapped = own.generated === undefined ? '' : ` (from ${short(own.generated.url)}:${own.generated.line}:${own.generated.column})`;
  const depth = dump.stack.indexOf(own);
  const inFile = own.url === pathToFileURL(join(appDir, culprit.file)).href;
  const ok = culprit.anonymousAtLine === undefined ? inFile && own.functionName.endsWith(culprit.name) : inFile && own.line === culprit.anonymousAtLine;
  const lost = culprit.anonymousAtLine === undefined ? '' : `; no name (minified), line ${culprit.anonymousAtLine} is ${culprit.name}'s loop`;
  return [ok, `stalledMs ${dump.stalledMs}, frame ${depth} of ${dump.stack.length}: ${where}${mapped}${lost}`];
}

/** Whether a stall block or `bastion dump` text names the culprit (its name, or its file and line when minified). */
function namesCulprit(text: string, culprit: Culprit, appDir: string): boolean {
  const url = pathToFileURL(join(appDir, culprit.file)).href;
  return culprit.anonymousAtLine === undefined ? text.includes(`at ${culprit.name} (${url}:`) || text.includes(`.${culprit.name} (${url}:`) : text.includes(`at ${url}:${culprit.anonymousAtLine}:`);
}

/** `bastion dump <pid>` with the installed package's bin, as npx would run it. */
function bastionDump(scratch: string, pid: number): Promise<{ code: number; ms: number; stdout: string; stderr: string }> {
  const bin = realpathSync(join(scratch, 'node_modules', '.bin', 'bastion'));
  const started = wallNow();
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, 'dump', String(pid)], { cwd: scratch, timeout: 10_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, ms: Math.round(wallNow() - started), stdout, stderr });
    });
  });
}

function printTable(table: Map<string, Map<Check, Outcome>>): boolean {
  let failed = false;
  console.log(`\n${'check'.padEnd(12)} ${[...table.keys()].map((name) => name.padEnd(8)).join(' ')}`);
  for (const check of CHECKS) {
    const cells = [...table.values()].map((outcomes) => {
      const outcome = outcomes.get(check);
      if (outcome?.ok !== true) failed = true;
      return (outcome === undefined ? 'not run' : outcome.ok ? 'pass' : 'FAIL').padEnd(8);
    });
    console.log(`${check.padEnd(12)} ${cells.join(' ')}`);
  }
  return failed;
}
