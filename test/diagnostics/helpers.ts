// Real stall dumps and CPU profiles for the viewer's tests: the watchdog preloaded into a fixture
// that stalls, with `node --cpu-prof`, and the `bastion` command run as a process from dist/.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fixture, runFixture } from '../watchdog/harness.ts';
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
  dump: StallDump & { profile?: string };
  profilePath: string;
  /** The fixture's source and the line the watchdog must blame in it. */
  fixturePath: string;
}

/**
 * Runs finite-loop.mjs (a 2 s busy loop, 500 ms threshold) under the watchdog and `--cpu-prof`,
 * then puts the profile next to the dump and names it in the dump's `profile` field, as the
 * watchdog's own stall profile does.
 */
export async function makeRealStall(): Promise<RealStall> {
  const fixturePath = fixture('finite-loop.mjs');
  const result = await runFixture(fixturePath, {
    env: { BASTION_WATCHDOG_TIMEOUT_MS: '500' },
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
