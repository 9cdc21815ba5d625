// What Linux can tell about a main thread blocked in a native call, read from /proc: the system
// call it sits in, the kernel wait channel, and where its file descriptors point.
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import type { NativeState } from './schema.js';

// Enough descriptors to show the interesting ones without bloating a dump of a busy server.
const MAX_FDS = 64;

// System calls whose first argument is the descriptor they wait on, by number, per architecture.
const FD_SYSCALLS: Partial<Record<NodeJS.Architecture, Record<number, string>>> = {
  x64: {
    0: 'read', 1: 'write', 3: 'close', 16: 'ioctl', 17: 'pread64', 18: 'pwrite64', 19: 'readv', 20: 'writev',
    42: 'connect', 43: 'accept', 44: 'sendto', 45: 'recvfrom', 46: 'sendmsg', 47: 'recvmsg', 72: 'fcntl',
    73: 'flock', 74: 'fsync', 75: 'fdatasync', 232: 'epoll_wait', 281: 'epoll_pwait', 288: 'accept4',
    295: 'preadv', 296: 'pwritev',
  },
  arm64: {
    22: 'epoll_pwait', 25: 'fcntl', 29: 'ioctl', 32: 'flock', 57: 'close', 63: 'read', 64: 'write',
    65: 'readv', 66: 'writev', 67: 'pread64', 68: 'pwrite64', 69: 'preadv', 70: 'pwritev', 82: 'fsync',
    83: 'fdatasync', 202: 'accept', 203: 'connect', 206: 'sendto', 207: 'recvfrom', 211: 'sendmsg',
    212: 'recvmsg', 242: 'accept4',
  },
};

// Other calls worth naming; poll/ppoll take an array of struct pollfd, whose first member is the fd.
const OTHER_SYSCALLS: Partial<Record<NodeJS.Architecture, Record<number, string>>> = {
  x64: {
    7: 'poll', 23: 'select', 35: 'nanosleep', 61: 'wait4', 202: 'futex', 230: 'clock_nanosleep',
    257: 'openat', 270: 'pselect6', 271: 'ppoll', 318: 'getrandom',
  },
  arm64: { 56: 'openat', 72: 'pselect6', 73: 'ppoll', 98: 'futex', 101: 'nanosleep', 115: 'clock_nanosleep', 260: 'wait4', 278: 'getrandom' },
};
const POLL_SYSCALLS = new Set(['poll', 'ppoll']);

/** The main thread's state, or undefined off Linux or when /proc cannot be read. */
export function readNativeState(pid: number = process.pid): NativeState | undefined {
  if (process.platform !== 'linux') return undefined;
  const task = `/proc/self/task/${pid}`;
  const line = readOptional(`${task}/syscall`);
  const call = line === undefined ? undefined : describeSyscall(line, process.arch);
  // wchan reads "0" where the kernel hides it (no CAP_SYS_ADMIN in many containers).
  const wchan = readOptional(`${task}/wchan`);
  return {
    tid: pid,
    ...(call === undefined ? {} : { syscall: call.name }),
    ...(call?.fd === undefined ? {} : { blockedFd: call.fd }),
    ...(wchan === undefined || wchan === '' || wchan === '0' ? {} : { wchan }),
    fds: readFdTargets(call?.fd),
  };
}

/**
 * True when the main thread is on a CPU or waiting for one (state R), false when it sleeps in
 * the kernel, undefined off Linux. A thread in state R that does not answer the inspector may
 * just be starved of CPU; one asleep in a system call cannot answer until the call returns.
 */
export function isThreadRunnable(pid: number = process.pid): boolean | undefined {
  if (process.platform !== 'linux') return undefined;
  const stat = readOptional(`/proc/self/task/${pid}/stat`);
  // "<tid> (<comm>) <state> ...": comm may contain spaces and parentheses, so cut at the last ')'.
  const state = stat?.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === undefined || state === '' ? undefined : state === 'R';
}

/**
 * Decodes a `/proc/<pid>/task/<tid>/syscall` line: `<nr> <arg1>..<arg6> <sp> <pc>` while in a
 * system call, `running`, or `-1 <sp> <pc>` when blocked outside one.
 */
export function describeSyscall(line: string, arch: NodeJS.Architecture): { name: string; fd?: number } {
  const [nrText = '', ...args] = line.trim().split(/\s+/);
  if (nrText === 'running') return { name: 'running' };
  if (!/^-?\d+$/.test(nrText)) return { name: 'unknown' };
  const nr = Number(nrText);
  if (nr === -1) return { name: 'none (blocked outside a system call)' };
  const fdCall = FD_SYSCALLS[arch]?.[nr];
  const firstArg = args[0] === undefined ? undefined : Number.parseInt(args[0], 16);
  if (fdCall !== undefined) {
    return firstArg === undefined || Number.isNaN(firstArg) ? { name: fdCall } : { name: fdCall, fd: firstArg };
  }
  const other = OTHER_SYSCALLS[arch]?.[nr];
  if (other === undefined) return { name: `syscall ${nr}` };
  const fd = POLL_SYSCALLS.has(other) && args[0] !== undefined ? readFirstPollFd(args[0]) : undefined;
  return fd === undefined ? { name: other } : { name: other, fd };
}

// The pollfd array lives in our own address space: read its first int through /proc/self/mem.
function readFirstPollFd(addressHex: string): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync('/proc/self/mem', 'r');
    const buffer = Buffer.alloc(4);
    if (readSync(fd, buffer, 0, 4, BigInt(addressHex)) !== 4) return undefined;
    return buffer.readInt32LE(0);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function readFdTargets(blockedFd: number | undefined): { fd: number; target: string }[] {
  let names: string[];
  try {
    names = readdirSync('/proc/self/fd');
  } catch {
    return [];
  }
  const fds = names.map(Number).filter(Number.isInteger).sort((a, b) => a - b);
  if (blockedFd !== undefined && fds.includes(blockedFd)) fds.unshift(...fds.splice(fds.indexOf(blockedFd), 1));
  const targets: { fd: number; target: string }[] = [];
  for (const fd of fds) {
    if (targets.length === MAX_FDS) break;
    try {
      targets.push({ fd, target: readlinkSync(`/proc/self/fd/${fd}`) });
    } catch {
      // Closed between the listing and the readlink (e.g. the listing's own directory handle).
    }
  }
  return targets;
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}
