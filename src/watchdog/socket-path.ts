// Where a process's watchdog serves `bastion dump`: a unix socket named by the pid, in the
// user's private watchdog directory, so the CLI finds it from the pid alone.
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Not `import`: an ES import of node:fs loads fs.promises and ~20 modules into the worker (1 MiB).
const { lstatSync, unlinkSync } = process.getBuiltinModule('node:fs');

/** `<tmp>/bastion-watchdog-<uid>`: where the sockets live, and the default dump directory (options.ts). */
export function privateDirectory(tmp: string = tmpdir(), uid: number | string = currentUid()): string {
  return join(tmp, `bastion-watchdog-${uid}`);
}

/** `<dir>/bastion-<pid>.sock`. */
export function socketPath(dir: string, pid: number): string {
  return join(dir, `bastion-${pid}.sock`);
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
