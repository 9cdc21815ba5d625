// The watchdog thread's end of `bastion dump <pid>`: a unix socket in the user's private
// directory, served here because the main thread may be the one that is stuck. One request line
// in (at most REQUEST_MAX_BYTES, within REQUEST_TIMEOUT_MS), one JSON line out, then close.
import type * as Net from 'node:net';
import { ensureDirectory } from './dump.js';
import { MAX_SOCKET_PATH_BYTES, removeSocket, removeStaleSockets } from './socket-path.js';

// Not `import`: as for node:fs, the watchdog takes built-ins through getBuiltinModule.
const net = process.getBuiltinModule('node:net');
const { chmodSync, lstatSync, renameSync } = process.getBuiltinModule('node:fs');

export const REQUEST_MAX_BYTES = 128;
const REQUEST_TIMEOUT_MS = 1000;
const MAX_CONNECTIONS = 4;

/** `dump`, or `profile <ms>`. */
export type DumpRequest = { op: 'dump' } | { op: 'profile'; ms: number };

/** One JSON line: the answer, or why there is none. */
export type DumpResponse = ({ ok: true } & Record<string, unknown>) | { ok: false; error: string };

export const MAX_PROFILE_MS = 60_000;

/** Parses a request line; a string is the reason it was refused. */
export function parseRequest(line: string): DumpRequest | string {
  if (line === 'dump') return { op: 'dump' };
  const profile = /^profile (\d{1,9})$/.exec(line);
  if (profile !== null) {
    const ms = Number(profile[1]);
    if (ms >= 1 && ms <= MAX_PROFILE_MS) return { op: 'profile', ms };
    return `profile length must be 1 to ${MAX_PROFILE_MS} ms, got ${ms}`;
  }
  return `unknown request ${JSON.stringify(line.slice(0, 40))} (expected 'dump' or 'profile <ms>')`;
}

export interface DumpServer {
  /** The socket file's inode, so the main thread removes only the file this server made. */
  readonly ino: bigint;
  close(): void;
}

/**
 * Listens on `path` (in `dir`, which must be private to this user), answering each request with
 * `handle`. Resolves once listening; rejects with the reason it cannot serve.
 */
export async function serveDumps(dir: string, path: string, handle: (request: DumpRequest) => Promise<DumpResponse>): Promise<DumpServer> {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) throw new Error(`socket path too long (${Buffer.byteLength(path)} bytes, at most ${MAX_SOCKET_PATH_BYTES}): ${path}`);
  ensureDirectory({ dir, mustBePrivate: true });
  // Stricter than for dumps: no one else may even list it.
  if ((lstatSync(dir).mode & 0o077) !== 0) throw new Error(`${dir} is open to other users (expected mode 0700)`);
  removeStaleSockets(dir);
  // Ours by name: a socket left by an earlier process that had this pid.
  removeSocket(path);
  // Listened on under another name, then renamed into place: a client that sees the socket there
  // (bastion dump polls for it after a wake-up) must not find it bound but not yet listening.
  const temporary = path.replace(/\.sock$/, '.new');
  removeSocket(temporary);
  const server = net.createServer((socket) => answer(socket, handle));
  server.maxConnections = MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(temporary, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Unreachable for others already (the directory is 0700); the mode says so too.
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
  server.unref();
  server.on('error', () => {});
  const ino = lstatSync(path, { bigint: true }).ino;
  return {
    ino,
    close: () => {
      server.close();
      removeSocket(path);
    },
  };
}

function answer(socket: Net.Socket, handle: (request: DumpRequest) => Promise<DumpResponse>): void {
  let buffered = '';
  let answered = false;
  const reply = (response: DumpResponse): void => {
    if (answered) return;
    answered = true;
    socket.setTimeout(0);
    socket.end(`${JSON.stringify(response)}\n`);
  };
  socket.on('error', () => socket.destroy());
  socket.setEncoding('utf8');
  socket.setTimeout(REQUEST_TIMEOUT_MS, () => {
    reply({ ok: false, error: `no request line within ${REQUEST_TIMEOUT_MS} ms` });
    socket.destroy();
  });
  socket.on('data', (chunk: string) => {
    if (answered) return;
    buffered += chunk;
    const end = buffered.indexOf('\n');
    if (end === -1 && buffered.length <= REQUEST_MAX_BYTES) return;
    if (end === -1 || end > REQUEST_MAX_BYTES) return reply({ ok: false, error: `request line longer than ${REQUEST_MAX_BYTES} bytes` });
    socket.pause();
    socket.setTimeout(0);
    const request = parseRequest(buffered.slice(0, end).trim());
    if (typeof request === 'string') return reply({ ok: false, error: request });
    handle(request).then(reply, (error: unknown) => reply({ ok: false, error: error instanceof Error ? error.message : String(error) }));
  });
}
