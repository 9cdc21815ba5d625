// Writing stall dumps: a private directory, an atomic publish (temp file + rename, so a reader
// never sees half a dump), and bounded retention that only ever deletes our own dump files.
import { dirname, join } from 'node:path';

// Not `import`: an ES import of node:fs loads fs.promises and ~20 modules into the worker (1 MiB).
const { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } = process.getBuiltinModule('node:fs');

/** `stall-<yyyymmddThhmmssZ>-<pid>-<seq>.json`; nothing else in the directory is ever touched. */
const DUMP_NAME = /^stall-\d{8}T\d{6}Z-\d+-\d+\.json$/;
const PROFILE_NAME = /^stall-\d{8}T\d{6}Z-\d+-\d+\.cpuprofile$/;
/** Node's diagnostic reports, which the preload points at the same directory (reports.ts). */
const REPORT_NAME = /^report\.\d{8}\.\d{6}\.\d+\.\d+\.\d{3}\.json$/;
/** A temporary file of writeDump(), left behind only if its process died while writing. */
const TEMP_NAME = /^\.stall-\d{8}T\d{6}Z-\d+-\d+\.(?:json|cpuprofile)\.[0-9a-f]+\.tmp$/;
// Old enough that no live writer can still be busy with it.
const STALE_TEMP_MS = 60_000;

export interface DumpTarget {
  dir: string;
  /** Refuse a directory we do not own or others can write (the shared-temp default). */
  mustBePrivate: boolean;
  maxDumps: number;
  maxDumpBytes: number;
}

export function dumpFileName(time: Date, pid: number, seq: number): string {
  const stamp = time.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `stall-${stamp}-${pid}-${seq}.json`;
}

/** Writes `content` as `dir/name` and prunes old dumps; returns the path. Throws on failure. */
export function writeDump(target: DumpTarget, name: string, content: string): string {
  const path = writeAtomically(target, name, content);
  pruneDumps(target, name);
  return path;
}

/** The stall profile's name beside its dump's: `stall-….cpuprofile`. */
export function profileFileName(dumpName: string): string {
  return dumpName.replace(/\.json$/, '.cpuprofile');
}

/** Writes `content` as `dir/name` (temp file + rename, mode 0600); returns the path. Throws on failure. */
export function writeAtomically(target: Pick<DumpTarget, 'dir' | 'mustBePrivate'>, name: string, content: string): string {
  ensureDirectory(target);
  const path = join(target.dir, name);
  // Unique within the process; 'wx' (O_EXCL) refuses anything already there, a planted symlink
  // included, so the name need not be unguessable, and node:crypto (1-2 MiB per thread) stays unloaded.
  const temporary = join(target.dir, `.${name}.${process.hrtime.bigint()}.tmp`);
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    try {
      writeFileSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  return path;
}

export function ensureDirectory(target: Pick<DumpTarget, 'dir' | 'mustBePrivate'>): void {
  makeDirectory(target.dir);
  if (!target.mustBePrivate) return;
  // In a shared /tmp another user could have made this path first, or pointed it elsewhere.
  const stats = lstatSync(target.dir);
  const uid = process.getuid?.();
  if (!stats.isDirectory() || (uid !== undefined && stats.uid !== uid) || (stats.mode & 0o022) !== 0) {
    throw new Error(`${target.dir} is not a private directory of this user (expected mode 0700, owner uid ${uid})`);
  }
}

/**
 * mkdir -p, one level at a time: a path is made at most once per level, so it ends. Node's own
 * recursive mkdirSync loops for ever under /proc, where mkdir says ENOENT while the parent exists.
 */
function makeDirectory(dir: string): void {
  const parent = dirname(dir);
  try {
    mkdirSync(dir, { mode: 0o700 });
    return;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return checkIsDirectory(dir, error);
    if (errorCode(error) !== 'ENOENT' || parent === dir) throw error;
    makeDirectory(parent);
  }
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return checkIsDirectory(dir, error); // made meanwhile by another process
    if (errorCode(error) !== 'ENOENT') throw error;
    throw new Error(`ENOENT: mkdir fails although ${parent} exists (a file system that takes no new directories, such as /proc)`, { cause: error });
  }
}

function checkIsDirectory(dir: string, cause: unknown): void {
  // mkdir's own words for a path taken by a file ("EEXIST: file already exists") mislead.
  if (!statSync(dir).isDirectory()) throw new Error('it exists and is not a directory', { cause });
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Deletes the oldest dumps until at most `maxDumps` remain and they total at most `maxDumpBytes`.
 * The dump just written is always kept, even when it alone is over the byte budget. A dump's
 * profile (`stall-….cpuprofile`) counts with it and goes with it. Node's diagnostic reports
 * (`report.<date>.<time>.<pid>.<tid>.<seq>.json`) count as dumps: a crash-looping service writes
 * one per crash.
 */
export function pruneDumps(target: DumpTarget, keep: string): void {
  const names = readdirSync(target.dir);
  const staleBefore = Date.now() - STALE_TEMP_MS;
  for (const temp of statAll(target.dir, names.filter((name) => TEMP_NAME.test(name)))) {
    if (temp.mtimeMs < staleBefore) rmSync(join(target.dir, temp.name), { force: true });
  }
  const dumps = statAll(target.dir, names.filter((name) => DUMP_NAME.test(name) || REPORT_NAME.test(name))).sort(
    (a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name),
  );
  const profiles = new Map(statAll(target.dir, names.filter((name) => PROFILE_NAME.test(name))).map((profile) => [profile.name, profile.size]));
  const sizeOf = (dump: { name: string; size: number }): number => dump.size + (profiles.get(profileFileName(dump.name)) ?? 0);
  let count = dumps.length;
  let bytes = dumps.reduce((total, dump) => total + sizeOf(dump), 0);
  for (const dump of dumps) {
    if (count <= target.maxDumps && bytes <= target.maxDumpBytes) break;
    if (dump.name === keep) continue;
    rmSync(join(target.dir, dump.name), { force: true });
    rmSync(join(target.dir, profileFileName(dump.name)), { force: true });
    count -= 1;
    bytes -= sizeOf(dump);
  }
}

function statAll(dir: string, names: string[]): { name: string; size: number; mtimeMs: number }[] {
  return names.flatMap((name) => {
    try {
      const stats = statSync(join(dir, name));
      return [{ name, size: stats.size, mtimeMs: stats.mtimeMs }];
    } catch {
      return []; // removed meanwhile by another process sharing the directory
    }
  });
}
