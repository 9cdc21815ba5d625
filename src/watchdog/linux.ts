// What Linux can tell about a main thread blocked in a native call, read from /proc: the system
// call it sits in, the kernel wait channel, and where its file descriptors point.
import type { NativeState } from './schema.js';

// Not `import`: an ES import of node:fs loads fs.promises and ~20 modules into the worker (1 MiB).
const { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } = process.getBuiltinModule('node:fs');

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
    2: 'open', 7: 'poll', 23: 'select', 35: 'nanosleep', 61: 'wait4', 202: 'futex', 230: 'clock_nanosleep',
    257: 'openat', 270: 'pselect6', 271: 'ppoll', 318: 'getrandom',
  },
  arm64: { 56: 'openat', 72: 'pselect6', 73: 'ppoll', 98: 'futex', 101: 'nanosleep', 115: 'clock_nanosleep', 260: 'wait4', 278: 'getrandom' },
};
const FD_SYSCALL_NAMES = new Set(Object.values(FD_SYSCALLS).flatMap((table) => Object.values(table)));
const POLL_SYSCALLS = new Set(['poll', 'ppoll']);
// Calls that name a file, by the index of their path argument: a blocked open(2) says what it opens.
const PATH_ARGUMENTS: Record<string, number> = { open: 0, openat: 1 };
// Linux's longest path, terminating NUL included.
const PATH_MAX = 4096;

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
    ...(call?.path === undefined ? {} : { blockedPath: call.path }),
    ...(wchan === undefined || wchan === '' || wchan === '0' ? {} : { wchan }),
    fds: readFdTargets(call?.fd),
  };
}

/** What the kernel shows of a thread from moment to moment. */
export interface ThreadActivity {
  /** On a CPU or waiting for one (state R), rather than asleep in the kernel. */
  runnable: boolean;
  /** User plus system CPU time used so far, in ms; Linux counts it in hundredths of a second. */
  cpuMs: number;
  /** While asleep in a system call: its raw line (number and arguments), the same while the call lasts. */
  sleepingIn?: string;
}

// USER_HZ, the unit of the CPU times in /proc/<pid>/stat: 100 on every architecture Node runs on.
const MS_PER_CLOCK_TICK = 10;

/** The main thread's activity, or undefined off Linux or when /proc cannot be read. */
export function readThreadActivity(pid: number = process.pid): ThreadActivity | undefined {
  if (process.platform !== 'linux') return undefined;
  const stat = readOptional(`/proc/self/task/${pid}/stat`);
  if (stat === undefined) return undefined;
  // "<tid> (<comm>) <state> <ppid> ...": comm may hold spaces and parentheses, so cut at the last
  // ')'. utime and stime are the 14th and 15th fields, the 12th and 13th after the state.
  const [state = '', ...rest] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMs = (Number(rest[10]) + Number(rest[11])) * MS_PER_CLOCK_TICK;
  if (state === '' || !Number.isFinite(cpuMs)) return undefined;
  const runnable = state === 'R';
  const call = runnable ? undefined : readOptional(`/proc/self/task/${pid}/syscall`);
  // Only a line that starts with a call's number: "-1 <sp> <pc>" is a thread asleep outside any
  // system call, and "running" one that woke up between the two reads.
  return call !== undefined && /^\d/.test(call) ? { runnable, cpuMs, sleepingIn: call } : { runnable, cpuMs };
}

/**
 * Whether a thread asleep in this system call may still wake for V8's interrupts: in futex, where
 * Atomics.wait sleeps, it does; on an architecture without a syscall table, futex cannot be told.
 */
export function mayWakeForInterrupt(syscallLine: string, arch: NodeJS.Architecture): boolean {
  return OTHER_SYSCALLS[arch] === undefined || syscallName(syscallLine, arch) === 'futex';
}

/**
 * Names the call on a `/proc/<pid>/task/<tid>/syscall` line: `<nr> <arg1>..<arg6> <sp> <pc>`
 * while in a system call, `running`, or `-1 <sp> <pc>` when blocked outside one.
 */
export function syscallName(line: string, arch: NodeJS.Architecture): string {
  const [nrText = ''] = line.trim().split(/\s+/);
  if (nrText === 'running') return 'running';
  if (!/^-?\d+$/.test(nrText)) return 'unknown';
  const nr = Number(nrText);
  if (nr === -1) return 'none (blocked outside a system call)';
  return FD_SYSCALLS[arch]?.[nr] ?? OTHER_SYSCALLS[arch]?.[nr] ?? `syscall ${nr}`;
}

/**
 * Decodes a syscall line: the call's name and, read from its arguments, the descriptor it waits
 * on or the path it opens.
 */
export function describeSyscall(line: string, arch: NodeJS.Architecture): { name: string; fd?: number; path?: string } {
  const name = syscallName(line, arch);
  const args = line.trim().split(/\s+/).slice(1);
  if (FD_SYSCALL_NAMES.has(name)) {
    const fd = args[0] === undefined ? Number.NaN : Number.parseInt(args[0], 16);
    return Number.isNaN(fd) ? { name } : { name, fd };
  }
  const fd = POLL_SYSCALLS.has(name) && args[0] !== undefined ? readFirstPollFd(args[0]) : undefined;
  const pathAddress = args[PATH_ARGUMENTS[name] ?? -1];
  const path = pathAddress === undefined ? undefined : readPath(pathAddress);
  return { name, ...(fd === undefined ? {} : { fd }), ...(path === undefined ? {} : { path }) };
}

// The arguments point into our own address space, which /proc/self/mem reads like a file.
function readFirstPollFd(addressHex: string): number | undefined {
  const bytes = readOwnMemory(addressHex, 4);
  return bytes?.length === 4 ? bytes.readInt32LE(0) : undefined;
}

function readPath(addressHex: string): string | undefined {
  const bytes = readOwnMemory(addressHex, PATH_MAX);
  const end = bytes?.indexOf(0) ?? -1;
  return bytes === undefined || end <= 0 ? undefined : bytes.toString('utf8', 0, end);
}

/** Up to `length` bytes at an address of this process; fewer where the mapping ends. */
function readOwnMemory(addressHex: string, length: number): Buffer | undefined {
  let fd: number | undefined;
  try {
    const address = BigInt(addressHex);
    if (address === 0n) return undefined;
    fd = openSync('/proc/self/mem', 'r');
    const buffer = Buffer.alloc(length);
    return buffer.subarray(0, readSync(fd, buffer, 0, length, address));
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
