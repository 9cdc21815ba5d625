// The stall dump: the JSON written to `stall-*.json` (documented field by field in docs/watchdog.md),
// and the on-demand dump `bastion dump <pid> --json` prints, which has the same shape.
import type { WatchdogAction } from './options.js';

export const SCHEMA_VERSION = 1;

/** How much of the main thread's stack the dump holds. */
export type StackStatus =
  /** Paused and read through the inspector. */
  | 'captured'
  /** The pause was not taken in time: the main thread is inside a native call. */
  | 'native'
  /** No inspector in this build, or the session failed. */
  | 'unavailable';

export interface SourcePosition {
  url: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface StackFrame extends SourcePosition {
  functionName: string;
  /** The compiled position, present when `url`/`line`/`column` were mapped through a source map. */
  generated?: SourcePosition;
}

export interface NativeState {
  /** The main thread's Linux thread id (the pid). */
  tid: number;
  /** The system call it is blocked in, e.g. `read`, or `running`. */
  syscall?: string;
  /** The file descriptor that system call waits on, when it takes one. */
  blockedFd?: number;
  /** The path that system call names, for `open` and `openat` (read from the process's own memory). */
  blockedPath?: string;
  /** The kernel function it sleeps in (`/proc/.../wchan`). */
  wchan?: string;
  /** Open descriptors and what they point at (the blocked one first). */
  fds: { fd: number; target: string }[];
}

export interface LoopDelay {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface MemoryFacts {
  rss: number;
  heapTotal?: number;
  heapUsed?: number;
  external?: number;
  arrayBuffers?: number;
}

export interface ProcessFacts {
  nodeVersion: string;
  argv: string[];
  execArgv: string[];
  uptimeS: number;
  platform: string;
  arch: string;
}

export interface StallDump {
  kind: 'stall';
  schemaVersion: typeof SCHEMA_VERSION;
  time: string;
  pid: number;
  thresholdMs: number;
  stalledMs: number;
  action: WatchdogAction;
  stackStatus: StackStatus;
  stackError?: string;
  stack: StackFrame[];
  /**
   * For stackStatus 'native': the stack at the first JavaScript that ran once the native call
   * returned (the pending pause lands at V8's next interrupt check, usually in the caller of the
   * blocking function), `delayMs` after the stall was detected. Added by rewriting the dump.
   */
  stackOnReturn?: { delayMs: number; stack: StackFrame[] };
  native?: NativeState;
  eventLoop: { delayMs?: LoopDelay; utilization?: number };
  memory: MemoryFacts;
  activeResources?: string[];
  process: ProcessFacts;
  /**
   * The app's worker threads (the watchdog's own left out), each paused and read the way the
   * main thread is; present whenever they could be listed, `[]` when there are none.
   */
  threads?: ThreadStack[];
  /** Why the worker threads could not be listed (the main thread in native code, say). */
  threadsError?: string;
  /**
   * The stall's CPU profile, `stall-<…>.cpuprofile`, a file name in the dump's directory. Added
   * by rewriting the dump once the profile window is over.
   */
  profile?: string;
  /** How long the profile ran (ms): the window, or less when the loop recovered first. */
  profileMs?: number;
  /** Why there is no profile (the main thread did not answer the profiler, a write failed). */
  profileError?: string;
  /** Set when the profile blames another function than the stack: a busy loop optimised on stack (OSR). */
  profileWarning?: string;
}

/** One worker thread's stack in a dump. */
export interface ThreadStack {
  /** `worker_threads.threadId` of the worker. */
  threadId: number;
  /** The `name` it was given (`new Worker(url, { name })`), `""` when none. */
  name: string;
  stackStatus: 'captured' | 'unavailable';
  /** Why it could not be read (busy in native code, idle, exited), when `unavailable`. */
  stackError?: string;
  /** Innermost first, as `stack`. */
  stack: StackFrame[];
}

/**
 * What `bastion dump <pid> --json` prints: a stall dump's fields, taken on request. `stalledMs` is
 * how long the event loop had not ticked when the request came (a heartbeat interval or less
 * while it turns), and `action` the action configured for stalls (none is taken).
 */
export interface OnDemandDump extends Omit<StallDump, 'kind' | 'stackOnReturn' | 'profile' | 'profileMs' | 'profileError' | 'profileWarning'> {
  kind: 'on-demand';
  /**
   * The main thread was idle, waiting in the event loop: no JavaScript was running, so `stack`
   * is empty (`stackStatus` is `captured`). False when a stack was read or could not be.
   */
  idle: boolean;
}
