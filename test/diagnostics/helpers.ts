// Real stall dumps and CPU profiles for the viewer's tests: the watchdog preloaded into a fixture
// that stalls, with `node --cpu-prof`, and the `bastion` command run as a process from dist/.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fixture, runFixture, startFixture, waitForWatchdog } from '../watchdog/harness.ts';
import type { StallDump } from '../watchdog/harness.ts';

const bin = new URL('../../dist/cli/index.js', import.meta.url).pathname;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `bastion <args>`, colour neither forced nor refused unless `env` says so. */
export function bastion(args: string[], env: Record<string, string> = {}): Run {
  const inherited = { ...process.env };
  delete inherited['FORCE_COLOR'];
  delete inherited['NO_COLOR'];
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...inherited, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface RealStall {
  dir: string;
  dumpPath: string;
  dump: StallDump;
  profilePath: string;
  /** The fixture's source and the line the watchdog must blame in it. */
  fixturePath: string;
}

/**
 * Runs finite-loop.mjs (a 2 s busy loop, 500 ms threshold) under the watchdog and `--cpu-prof`,
 * then puts the profile next to the dump and names it in the dump's `profile` field, as the
 * watchdog's own stall profile does. The watchdog's profile is off: started mid-stall, it blames
 * the loop's caller (see makeThreadsStall); `--cpu-prof` runs from the start and names the loop.
 */
export async function makeRealStall(): Promise<RealStall> {
  const fixturePath = fixture('finite-loop.mjs');
  const result = await runFixture(fixturePath, {
    env: { BASTION_WATCHDOG_TIMEOUT_MS: '500', BASTION_WATCHDOG_PROFILE_MS: '0' },
    // Written into the run's working directory, which the harness removes afterwards.
    nodeArgs: ['--cpu-prof', '--cpu-prof-name=stall.cpuprofile'],
    args: ['2000'],
  });
  if (result.code !== 0 || result.dumps.length !== 1) throw new Error(`the fixture did not leave one dump:\n${result.stderr}`);
  const dumpName = readdirSync(result.dir).find((name) => name.endsWith('.json'))!;
  const dumpPath = join(result.dir, dumpName);
  const profileName = dumpName.replace(/\.json$/, '.cpuprofile');
  const profilePath = join(result.dir, profileName);
  renameSync(join(dirname(result.dir), 'stall.cpuprofile'), profilePath);
  const dump = { ...(JSON.parse(readFileSync(dumpPath, 'utf8')) as StallDump), profile: profileName };
  writeFileSync(dumpPath, JSON.stringify(dump, null, 2));
  return { dir: result.dir, dumpPath, dump, profilePath, fixturePath };
}

/** Writes `value` as JSON (or a string as it is) to a new file in `dir`. */
export function writeInput(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

export interface ThreadsStall {
  dumpPath: string;
  dump: StallDump;
  /** The fixture's worker thread ids, as it printed them. */
  spinner: number;
  sleeper: number;
}

/**
 * Runs worker-threads.mjs (a spinning and an idle worker, then a 1.5 s busy loop on the main
 * thread) under the watchdog with its own stall profile: the dump holds both workers' stacks, and
 * the profile, started mid-stall, is marked unreliable (the loop was optimised on stack).
 */
export async function makeThreadsStall(): Promise<ThreadsStall> {
  const result = await runFixture(fixture('worker-threads.mjs'), { env: { BASTION_WATCHDOG_TIMEOUT_MS: '500', BASTION_WATCHDOG_GRACE_MS: '0' } });
  if (result.code !== 0 || result.dumps.length !== 1) throw new Error(`the fixture did not leave one dump:\n${result.stderr}`);
  const dumpName = readdirSync(result.dir).find((name) => name.endsWith('.json'))!;
  const { spinner, sleeper } = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { spinner: number; sleeper: number };
  return { dumpPath: join(result.dir, dumpName), dump: result.dumps[0]!, spinner, sleeper };
}

/**
 * Starts `script` under the watchdog with `tmp` as its TMPDIR (where its dump socket goes), asks
 * it for `bastion dump <pid> --json` once `ready` resolves, and writes the answer to `tmp/<name>`.
 * The process is killed afterwards.
 */
export async function makeOnDemandDump(tmp: string, name: string, script: string, args: string[] = []): Promise<{ path: string; firstLine: string }> {
  const running = startFixture(fixture(script), { env: { TMPDIR: tmp }, args });
  try {
    const firstLine = await lineFrom(running.child.stdout!);
    const pid = running.child.pid!;
    await waitForWatchdog(tmp, pid);
    const { code, stdout, stderr } = bastion(['dump', String(pid), '--json'], { TMPDIR: tmp });
    if (code !== 0) throw new Error(`bastion dump ${pid} --json failed: ${stderr}`);
    return { path: writeInput(tmp, name, stdout), firstLine };
  } finally {
    running.child.kill('SIGKILL');
    await running.result.catch(() => {});
  }
}

/** The first line `stream` gives (a fixture's "ready" or its worker thread ids). */
function lineFrom(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no line from the fixture; so far: ${seen}`)), 30_000);
    stream.on('data', (chunk: Buffer | string) => {
      seen += String(chunk);
      const end = seen.indexOf('\n');
      if (end === -1) return;
      clearTimeout(timer);
      resolve(seen.slice(0, end));
    });
  });
}
