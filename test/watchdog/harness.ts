// Runs fixture scripts in real child processes with the watchdog preloaded, each with a fresh dump
// directory, and hands back what a test asserts on: exit, output, timing and the parsed dumps.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StallDump } from 'generator-bastion/watchdog';

// The dump's types are the package's own: the tests check the schema that is published.
export type { StackFrame, StallDump } from 'generator-bastion/watchdog';

export interface RunOptions {
  /** Added to the parent's environment (minus our variables, NODE_OPTIONS); `undefined` removes one. */
  env?: Record<string, string | undefined>;
  /** Node flags placed before `--import` and the script. */
  nodeArgs?: string[];
  /** Arguments after the script (the fixture's `process.argv.slice(2)`). */
  args?: string[];
  /** Kill the child (SIGKILL) and reject after this long; default 60 s. */
  timeoutMs?: number;
  /** Working directory; default the run's temp directory, so stray files (core dumps) land there. */
  cwd?: string;
  /** Written to the child's stdin, which is then closed; without it stdin is /dev/null. */
  stdin?: string;
  /** Preload the watchdog with `--import`; default true. */
  preload?: boolean;
}

export interface RunResult {
  /** The child's pid (the harness execs node, so this is the app's own pid). */
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The BASTION_WATCHDOG_DIR given to the child (created by the watchdog, not by the harness). */
  dir: string;
  dumps: StallDump[];
  elapsedMs: number;
}

/** A fixture still running: poke it (`child`), watch its `dir`, await its `result`. */
export interface RunningFixture {
  child: ChildProcess;
  dir: string;
  result: Promise<RunResult>;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DUMP_NAME = /^stall-(\d{8}T\d{6}Z)-(\d+)-(\d+)\.json$/;
const fixturesDir = fileURLToPath(new URL('../fixtures/watchdog/', import.meta.url));

// Every temp directory made here goes when the test process ends (set BASTION_TEST_KEEP=1 to keep).
const tempDirs: string[] = [];
process.once('exit', () => {
  if (process.env.BASTION_TEST_KEEP === '1') return;
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Absolute path of a fixture in test/fixtures/watchdog/. */
export function fixture(name: string): string {
  return join(fixturesDir, name);
}

/** The dumps in `dir`, parsed and sorted by seq (then pid); [] when the directory does not exist. */
/** The parts of a dump's file name, `stall-<yyyymmddThhmmssZ>-<pid>-<seq>.json`, if it is one. */
export function parseDumpName(name: string): { time: string; pid: number; seq: number } | undefined {
  const match = DUMP_NAME.exec(name);
  return match ? { time: match[1] ?? '', pid: Number(match[2]), seq: Number(match[3]) } : undefined;
}

export function readDumps(dir: string): StallDump[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .flatMap((name) => {
      const parsed = parseDumpName(name);
      return parsed ? [{ name, ...parsed }] : [];
    })
    .sort((a, b) => a.seq - b.seq || a.pid - b.pid)
    .map(({ name }) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as StallDump);
}

/** Polls `dir` until it holds at least `count` dumps; rejects after `timeoutMs`. */
export async function waitForDumps(dir: string, count: number, timeoutMs: number): Promise<StallDump[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dumps = readDumps(dir);
    if (dumps.length >= count) return dumps;
    if (Date.now() > deadline) {
      throw new Error(`expected ${count} dump(s) in ${dir} within ${timeoutMs} ms, found ${dumps.length}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Spawns a fixture and returns at once; most tests want {@link runFixture}. */
export function startFixture(script: string, options: RunOptions = {}): RunningFixture {
  const runDir = mkdtempSync(join(tmpdir(), 'bastion-watchdog-test-'));
  tempDirs.push(runDir);
  const dir = join(runDir, 'dumps');
  const preload = options.preload ?? true;
  const register = import.meta.resolve('generator-bastion/watchdog/register');
  const preloadArgs = preload ? ['--import', register] : [];
  const nodeArgs = [...(options.nodeArgs ?? []), ...preloadArgs, script, ...(options.args ?? [])];

  // `ulimit -c 0` then exec: no core file from 'abort', and the child keeps the shell's pid.
  const started = performance.now();
  const child = spawn('/bin/sh', ['-c', 'ulimit -c 0; exec "$0" "$@"', process.execPath, ...nodeArgs], {
    cwd: options.cwd ?? runDir,
    env: childEnv(dir, options.env),
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  const pid = child.pid ?? -1;

  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const result = new Promise<RunResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fixture ${script} still running after ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // 'close', not 'exit': stdout and stderr are complete by then.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const elapsedMs = performance.now() - started;
      resolve({ pid, code, signal, stdout, stderr, dir, dumps: readDumps(dir), elapsedMs });
    });
  });
  return { child, dir, result };
}

/** Runs a fixture to completion with the watchdog preloaded (see {@link RunOptions}). */
export function runFixture(script: string, options: RunOptions = {}): Promise<RunResult> {
  return startFixture(script, options).result;
}

// The parent's environment minus what would leak into the child: our own settings, NODE_OPTIONS,
// and node:test's marker (a child that sees it reports to the parent's test runner).
function childEnv(dir: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('BASTION_WATCHDOG') || name === 'BASTION_SHUTDOWN_TIMEOUT_MS' || name === 'NODE_OPTIONS' || name === 'NODE_TEST_CONTEXT') continue;
    env[name] = value;
  }
  env.BASTION_WATCHDOG_DIR = dir;
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** A stall as the watchdog reported it on stderr. */
export interface StallBlock {
  stalledMs: number;
  thresholdMs: number;
  pid: number;
  /** The `    at fn (url:line:column)` lines (`url:line:column` when anonymous), without `    at `. */
  frames: string[];
  /** The reason given on the `  stack not captured: ` line, if any. */
  notCapturedReason?: string;
  /** The path on the `  dump: ` line, if any. */
  dumpPath?: string;
  /** Any other indented line of the block (facts about a thread stuck in native code, say). */
  details: string[];
}

export interface WatchdogReport {
  stalls: StallBlock[];
  recoveries: { totalMs: number; pid: number }[];
}

const STALL_LINE = /^bastion watchdog: event loop stalled for (\d+) ms \(threshold (\d+) ms\), pid (\d+)$/;
const RECOVERY_LINE = /^bastion watchdog: event loop recovered after (\d+) ms \(pid (\d+)\)$/;

/** Reads the watchdog's stall blocks and recovery lines out of a child's stderr. */
export function parseWatchdogReport(stderr: string): WatchdogReport {
  const report: WatchdogReport = { stalls: [], recoveries: [] };
  let current: StallBlock | undefined;
  for (const line of stderr.split('\n')) {
    const stall = STALL_LINE.exec(line);
    const recovery = RECOVERY_LINE.exec(line);
    if (stall) {
      const [stalledMs, thresholdMs, pid] = stall.slice(1).map(Number) as [number, number, number];
      current = { stalledMs, thresholdMs, pid, frames: [], details: [] };
      report.stalls.push(current);
    } else if (recovery) {
      report.recoveries.push({ totalMs: Number(recovery[1]), pid: Number(recovery[2]) });
      current = undefined;
    } else if (current && line.startsWith('    at ')) {
      current.frames.push(line.slice('    at '.length));
    } else if (current && line.startsWith('  stack not captured: ')) {
      current.notCapturedReason = line.slice('  stack not captured: '.length);
    } else if (current && line.startsWith('  dump: ')) {
      current.dumpPath = line.slice('  dump: '.length);
    } else if (current && line.startsWith('  ')) {
      current.details.push(line.trim());
    } else {
      current = undefined;
    }
  }
  return report;
}

/** The 1-based number and text of the only line of `file` that contains `marker`. */
export function markedLine(file: string, marker = 'stall-site'): { line: number; text: string } {
  const lines = readFileSync(file, 'utf8').split('\n');
  const found = lines.flatMap((text, index) => (text.includes(marker) ? [{ line: index + 1, text }] : []));
  if (found.length !== 1) throw new Error(`expected one line marked ${marker} in ${file}, found ${found.length}`);
  return found[0]!;
}

// Node 24 and later name a worker's thread after it (Linux cuts the name to 15 bytes); 22 does not.
const NAMES_THREADS = Number(process.versions.node.split('.')[0]) >= 24;

/**
 * The watchdog thread is up and has made the private directory under the test's own TMPDIR (its
 * first act), where `bastion dump` leaves its wake-up file: it opens its socket only when asked.
 */
export async function waitForWatchdog(tmp: string, pid: number): Promise<void> {
  const named = (): boolean => {
    try {
      return readdirSync(`/proc/${pid}/task`).some((tid) => readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() === 'bastion-watchdo');
    } catch {
      return false;
    }
  };
  await waitFor('the watchdog thread', () => (!NAMES_THREADS || named()) && existsSync(join(tmp, `bastion-watchdog-${process.getuid?.() ?? 0}`)));
}

export async function waitFor(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
