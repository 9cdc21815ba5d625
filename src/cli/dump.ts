// `bastion dump <pid>`: asks a running process's watchdog, over its unix socket, for the main
// thread's stack right now (even while the event loop is blocked), or for a CPU profile.
import { connect } from 'node:net';
import { closeSync, lstatSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { OnDemandDump, StackFrame, StallDump } from '../watchdog/schema.js';
import { privateDirectory, socketPath, wakePath } from '../watchdog/socket-path.js';

export const DUMP_USAGE = `Usage: bastion dump <pid> [--json] [--profile <seconds> [--output <file>]]

Prints the main thread's JavaScript stack of a running Node.js process that has the bastion
watchdog, even while its event loop is blocked. Same user only: the watchdog answers on a unix
socket in <tmpdir>/bastion-watchdog-<uid>/ (mode 0700), never on a network port; it opens that
socket when asked to, through a wake-up file in the same directory.

Options:
  --json               print the dump document (JSON, as a stall dump with "kind": "on-demand")
  --profile <seconds>  take a CPU profile of the main thread for that long (at most 60) and write it
                       as a .cpuprofile (Chrome DevTools, speedscope)
  --output <file>      where --profile writes (default ./bastion-<pid>-<time>.cpuprofile)
  -h, --help           show this help
`;

// The watchdog answers within about a second (it bounds its own pause at 1 s); this leaves room
// for a starved machine before the process is reported as not answering.
const ANSWER_TIMEOUT_MS = 3000;
const CONNECT_TIMEOUT_MS = 1000;
// The watchdog looks for the wake-up file every heartbeat interval (at most 250 ms), then loads
// its dump code and listens: well under this on an idle machine.
const WAKE_TIMEOUT_MS = 1500;
const WAKE_POLL_MS = 20;
const MAX_PROFILE_SECONDS = 60;
// A dump is kilobytes; a minute's profile a few megabytes.
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/** A failure reported as one line, `bastion dump: <message>`. */
class DumpError extends Error {}

export async function runDump(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, profile: { type: 'string' }, output: { type: 'string' } },
  });
  try {
    if (positionals.length !== 1) throw new DumpError(positionals.length === 0 ? 'needs a pid (bastion dump <pid>)' : `takes one pid, got ${positionals.length}`);
    const pid = parsePid(positionals[0] ?? '');
    if (values.profile === undefined && values.output !== undefined) throw new DumpError('--output goes with --profile');
    if (values.profile !== undefined && values.json) throw new DumpError('--json and --profile do not go together');
    const seconds = values.profile === undefined ? undefined : parseSeconds(values.profile);
    const path = await findSocket(pid);
    if (seconds === undefined) {
      const answer = await ask(pid, path, 'dump', ANSWER_TIMEOUT_MS);
      const dump = answer.dump as OnDemandDump | StallDump;
      process.stdout.write(values.json ? `${JSON.stringify(dump, null, 2)}\n` : formatDump(dump, answer.path as string | undefined));
      return 0;
    }
    const answer = await ask(pid, path, `profile ${Math.round(seconds * 1000)}`, seconds * 1000 + ANSWER_TIMEOUT_MS + 5000);
    const file = resolve(values.output ?? `bastion-${pid}-${stamp(new Date())}.cpuprofile`);
    const profile = answer.profile as { samples?: unknown[] };
    writeFileSync(file, JSON.stringify(profile));
    process.stdout.write(`CPU profile of pid ${pid}'s main thread (${seconds} s, ${profile.samples?.length ?? 0} samples) written to ${file}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof DumpError)) throw error;
    process.stderr.write(`bastion dump: ${error.message}\n`);
    return 1;
  }
}

function parsePid(text: string): number {
  const pid = Number(text);
  if (!/^\d{1,10}$/.test(text) || pid < 1 || pid > 2 ** 31 - 1) throw new DumpError(`'${text.slice(0, 40)}' is not a process id`);
  return pid;
}

function parseSeconds(text: string): number {
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || seconds <= 0 || seconds > MAX_PROFILE_SECONDS) {
    throw new DumpError(`--profile takes seconds, more than 0 and at most ${MAX_PROFILE_SECONDS}, got '${text.slice(0, 40)}'`);
  }
  return seconds;
}

/**
 * The socket of `pid`'s watchdog, after checking that the process exists, is this user's, and
 * serves from a directory only this user can reach. A watchdog opens its socket only when asked:
 * without one, this leaves a wake-up file beside where it would be and waits for it to appear.
 * Throws a DumpError saying which of these failed.
 */
async function findSocket(pid: number): Promise<string> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') throw new DumpError(`no process with pid ${pid}`);
    if (code === 'EPERM') throw new DumpError(`pid ${pid} belongs to another user: run bastion dump as that user`);
    throw error;
  }
  const uid = process.getuid?.();
  const owner = processOwner(pid);
  // Root may signal anyone: the owner decides, since the socket is in the owner's directory.
  if (uid !== undefined && owner !== undefined && owner !== uid) {
    throw new DumpError(`pid ${pid} belongs to another user (uid ${owner}): run bastion dump as that user`);
  }
  const candidates = [...new Set([privateDirectory(tmpdir()), ...targetTmpdirs(pid).map((dir) => privateDirectory(dir))])];
  const found = socketIn(pid, candidates, uid);
  if (found !== undefined) return found;
  const left = candidates.filter((dir) => privateDirectoryOf(dir, uid)).map((dir) => ({ path: wakePath(dir, pid), made: leaveWakeFile(wakePath(dir, pid)) }));
  const waiting = left.filter((wake) => wake.made !== 'failed');
  const wakes = left.filter((wake) => wake.made === 'made').map((wake) => wake.path);
  try {
    const deadline = Date.now() + WAKE_TIMEOUT_MS;
    while (waiting.length > 0 && Date.now() < deadline) {
      await new Promise((resolveWait) => setTimeout(resolveWait, WAKE_POLL_MS));
      const appeared = socketIn(pid, candidates, uid);
      if (appeared !== undefined) return appeared;
    }
  } finally {
    for (const wake of wakes) rmSync(wake, { force: true });
  }
  const sockets = candidates.map((dir) => socketPath(dir, pid)).join(' or ');
  const waited = waiting.length > 0 ? `; none appeared within ${WAKE_TIMEOUT_MS} ms of a wake-up request` : '';
  throw new DumpError(`pid ${pid} has no bastion watchdog (no socket at ${sockets})${waited}; start it with node --import generator-bastion/watchdog/register`);
}

/** The first candidate directory's socket for `pid`, checked; undefined where there is none. */
function socketIn(pid: number, candidates: readonly string[], uid: number | undefined): string | undefined {
  for (const dir of candidates) {
    const path = socketPath(dir, pid);
    const socket = lstatOrUndefined(path);
    if (socket === undefined) continue;
    if (!privateDirectoryOf(dir, uid)) {
      throw new DumpError(`pid ${pid}: ${dir} is not a private directory of this user (mode 0700, owner uid ${uid}); not using its socket`);
    }
    if (!socket.isSocket() || (uid !== undefined && socket.uid !== uid)) throw new DumpError(`pid ${pid}: ${path} is not a socket of this user`);
    return path;
  }
  return undefined;
}

function privateDirectoryOf(dir: string, uid: number | undefined): boolean {
  const directory = lstatOrUndefined(dir);
  return directory !== undefined && directory.isDirectory() && (uid === undefined || directory.uid === uid) && (directory.mode & 0o077) === 0;
}

/** Creates the (empty, 0600) wake-up file; 'exists' when another `bastion dump` left one already. */
function leaveWakeFile(path: string): 'made' | 'exists' | 'failed' {
  try {
    closeSync(openSync(path, 'wx', 0o600));
    return 'made';
  } catch (error) {
    // Another `bastion dump` of the same pid is waking it already: wait too, and leave theirs alone.
    return (error as NodeJS.ErrnoException).code === 'EEXIST' ? 'exists' : 'failed';
  }
}

function processOwner(pid: number): number | undefined {
  try {
    return statSync(`/proc/${pid}`).uid;
  } catch {
    return undefined;
  }
}

/** The target's own temp directory, when it differs from ours (Linux: its environment). */
function targetTmpdirs(pid: number): string[] {
  let environ: string;
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return ['/tmp'];
  }
  const tmp = environ.split('\0').find((entry) => entry.startsWith('TMPDIR='));
  // os.tmpdir()'s rule: TMPDIR (then TMP, TEMP), trailing slash removed, else /tmp.
  const value = tmp?.slice('TMPDIR='.length).replace(/(.)\/$/, '$1');
  return value ? [value] : ['/tmp'];
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Sends one request line and reads the one JSON line that answers it. */
function ask(pid: number, path: string, request: string, timeoutMs: number): Promise<Record<string, unknown>> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let connected = false;
    const socket = connect(path);
    const fail = (message: string): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(new DumpError(message));
    };
    const timer = setTimeout(() => {
      if (connected) fail(`pid ${pid}: no answer from its watchdog within ${timeoutMs} ms (the process may be stopped, or its watchdog stuck)`);
      else fail(`pid ${pid}: could not connect to ${path} within ${CONNECT_TIMEOUT_MS} ms`);
    }, timeoutMs);
    setTimeout(() => {
      if (!connected) fail(`pid ${pid}: could not connect to ${path} within ${CONNECT_TIMEOUT_MS} ms`);
    }, CONNECT_TIMEOUT_MS).unref();
    socket.on('connect', () => {
      connected = true;
      socket.write(`${request}\n`);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') fail(`pid ${pid}: stale socket ${path}: nothing listens on it (its watchdog has stopped, or the pid was reused)`);
      else if (error.code === 'EACCES') fail(`pid ${pid}: no permission to connect to ${path}`);
      else if (error.code === 'ENOENT') fail(`pid ${pid} has no bastion watchdog (its socket ${path} went away)`);
      else fail(`pid ${pid}: ${error.message}`);
    });
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_RESPONSE_BYTES) return fail(`pid ${pid}: answer larger than ${MAX_RESPONSE_BYTES} bytes`);
      chunks.push(chunk);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      let answer: Record<string, unknown>;
      try {
        answer = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return reject(new DumpError(`pid ${pid}: its watchdog gave a malformed answer (${bytes} bytes)`));
      }
      if (answer.ok !== true) return reject(new DumpError(`pid ${pid}: ${String(answer.error)}`));
      resolvePromise(answer);
    });
  });
}

/** The dump as text: what the main thread is doing, then its whole stack. */
export function formatDump(dump: OnDemandDump | StallDump, path?: string): string {
  const lines = [`pid ${dump.pid}, main thread:`];
  if (dump.kind === 'stall') {
    lines[0] = `pid ${dump.pid} is in a stall (event loop blocked ${dump.stalledMs} ms when detected)${path === undefined ? '' : `, dump ${path}`}; main thread:`;
  } else if (dump.idle) {
    lines[0] = `pid ${dump.pid}, main thread: idle, waiting in the event loop (no JavaScript running)`;
  } else {
    lines[0] = `pid ${dump.pid}, main thread (event loop last turned ${dump.stalledMs} ms ago):`;
  }
  if (dump.stack.length > 0) lines.push(...dump.stack.map(formatFrame));
  else if (dump.kind === 'stall' || !dump.idle) lines.push(`  stack not captured: ${dump.stackError ?? dump.stackStatus}`);
  if (dump.native?.syscall !== undefined) lines.push(`  in system call: ${dump.native.syscall}${dump.native.wchan === undefined ? '' : ` (wchan ${dump.native.wchan})`}`);
  if (dump.threadsError !== undefined) lines.push(`worker threads: ${dump.threadsError}`);
  for (const thread of dump.threads ?? []) {
    lines.push(`thread ${thread.threadId}${thread.name === '' ? '' : ` (${thread.name})`}:`);
    if (thread.stack.length > 0) lines.push(...thread.stack.map(formatFrame));
    else lines.push(`  stack not captured: ${thread.stackError ?? thread.stackStatus}`);
  }
  return `${lines.join('\n')}\n`;
}

function formatFrame(frame: StackFrame): string {
  const where = `${frame.url || '<unknown>'}:${frame.line}:${frame.column}`;
  return frame.functionName ? `    at ${frame.functionName} (${where})` : `    at ${where}`;
}

function stamp(time: Date): string {
  return time.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}
