// Where a process's watchdog serves `bastion dump`: a unix socket named by the pid, in the
// user's private watchdog directory, so the CLI finds it from the pid alone.
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Not `import`: an ES import of node:fs loads fs.promises and ~20 modules into the worker (1 MiB).
const { lstatSync, readdirSync, unlinkSync } = process.getBuiltinModule('node:fs');

// Sockets of dead processes looked at on start-up (the directory is shared by all of a user's processes).
const MAX_STALE_CHECKS = 256;

/** `<tmp>/bastion-watchdog-<uid>`: where the sockets live, and the default dump directory (options.ts). */
export function privateDirectory(tmp: string = tmpdir(), uid: number | string = currentUid()): string {
  return join(tmp, `bastion-watchdog-${uid}`);
}

/** `<dir>/bastion-<pid>.sock`. */
export function socketPath(dir: string, pid: number): string {
  return join(dir, `bastion-${pid}.sock`);
}

/** `<dir>/bastion-<pid>.wake`: `bastion dump` creates it to have the watchdog open its socket. */
export function wakePath(dir: string, pid: number): string {
  return join(dir, `bastion-${pid}.wake`);
}

/** The pid a socket's file name names, if it is one of ours. */
export function socketPid(name: string): number | undefined {
  const match = /^bastion-(\d+)\.sock$/.exec(name);
  return match === null ? undefined : Number(match[1]);
}

// Linux and macOS refuse longer socket paths (sun_path is 108 bytes, NUL included).
export const MAX_SOCKET_PATH_BYTES = 103;

function currentUid(): number | string {
  return typeof process.getuid === 'function' ? process.getuid() : 'user';
}

/** Unlinks `path` if it is a socket (and, given `ino`, that very socket); never throws. */
export function removeSocket(path: string, ino?: bigint): void {
  try {
    const stats = lstatSync(path, { bigint: true });
    if (stats.isSocket() && (ino === undefined || stats.ino === ino)) unlinkSync(path);
  } catch {
    // Gone already, or not ours to remove.
  }
}

/**
 * Removes the sockets of processes that are gone (killed before they could remove their own), and
 * their wake-up files; never throws (a directory not made yet has nothing to remove).
 */
export function removeStaleSockets(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  let checked = 0;
  for (const name of names) {
    const pid = socketPid(name) ?? wakePid(name);
    if (pid === undefined || pid === process.pid) continue;
    if (++checked > MAX_STALE_CHECKS) break;
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') continue;
      if (name.endsWith('.sock')) removeSocket(join(dir, name));
      else removeWakeFile(join(dir, name));
    }
  }
}

function wakePid(name: string): number | undefined {
  const match = /^bastion-(\d+)\.wake$/.exec(name);
  return match === null ? undefined : Number(match[1]);
}

/** Unlinks the wake-up file `path` if it is there; never throws. */
export function removeWakeFile(path: string): void {
  try {
    if (lstatSync(path).isFile()) unlinkSync(path);
  } catch {
    // Gone already.
  }
}
