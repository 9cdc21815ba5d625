// Watchdog options: one validator for the programmatic API and the preload's environment
// variables, so both reject the same values with the same kind of message.
import { constants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export type WatchdogAction = 'dump' | 'exit' | 'abort';

export interface WatchdogOptions {
  /** Stall threshold: how long the event loop may go without ticking (ms). Default 30000. */
  timeoutMs?: number;
  /** What to do after the dump: keep running, exit with `exitCode`, or abort (SIGABRT). */
  action?: WatchdogAction;
  /** Where dumps go. Default `<os.tmpdir()>/bastion-watchdog-<uid>`. */
  dir?: string;
  /** Exit code for the 'exit' action (1-255). Default 70. */
  exitCode?: number;
  /** No stall is reported during this long after start-up (ms). Default 1000. */
  startupGraceMs?: number;
  /** Retention: keep at most this many dumps in `dir`. Default 20. */
  maxDumps?: number;
  /** Retention: keep at most this many bytes of dumps in `dir`. Default 50 MiB. */
  maxDumpBytes?: number;
  /** How long a CPU profile of a stall runs (ms), written next to its dump; 0 turns it off. Default 1000. */
  profileMs?: number;
  /** Serve `bastion dump` on a unix socket in the user's private directory. Default true. */
  dumpSocket?: boolean;
}

export interface ResolvedOptions {
  readonly timeoutMs: number;
  readonly action: WatchdogAction;
  readonly dir: string;
  /** True when `dir` is the shared-temp default, which must be a private directory of ours. */
  readonly dirIsDefault: boolean;
  readonly exitCode: number;
  readonly startupGraceMs: number;
  readonly maxDumps: number;
  readonly maxDumpBytes: number;
  readonly profileMs: number;
  readonly dumpSocket: boolean;
}

/** `0`, `false`, `off` or `no` in this variable keeps the preload from starting the watchdog. */
const ENABLE_VARIABLE = 'BASTION_WATCHDOG';
const ENABLE_WORDS = ['1', 'true', 'on', 'yes'];
const DISABLE_WORDS = ['0', 'false', 'off', 'no'];

// setTimeout's own ceiling; a longer threshold could never fire as configured.
const MAX_DELAY_MS = 2_147_483_647;

interface IntegerSpec {
  readonly variable: string;
  readonly min: number;
  readonly max: number;
  readonly fallback: number;
  readonly meaning: string;
}

const integerSpecs = {
  // Below ~50 ms the heartbeat itself would have to tick too often to tell a stall from jitter.
  timeoutMs: { variable: 'BASTION_WATCHDOG_TIMEOUT_MS', min: 50, max: MAX_DELAY_MS, fallback: 30_000, meaning: 'milliseconds' },
  exitCode: { variable: 'BASTION_WATCHDOG_EXIT_CODE', min: 1, max: 255, fallback: 70, meaning: 'exit code' },
  startupGraceMs: { variable: 'BASTION_WATCHDOG_GRACE_MS', min: 0, max: MAX_DELAY_MS, fallback: 1000, meaning: 'milliseconds' },
  maxDumps: { variable: 'BASTION_WATCHDOG_MAX_DUMPS', min: 1, max: 1_000_000, fallback: 20, meaning: 'count' },
  maxDumpBytes: {
    variable: 'BASTION_WATCHDOG_MAX_DUMP_BYTES',
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    fallback: 50 * 1024 * 1024,
    meaning: 'bytes',
  },
  // A profile is held in the worker's small heap until written: a minute at 1 ms is ~60,000 samples.
  profileMs: { variable: 'BASTION_WATCHDOG_PROFILE_MS', min: 0, max: 60_000, fallback: 1000, meaning: 'milliseconds' },
} as const satisfies Record<string, IntegerSpec>;

type IntegerOption = keyof typeof integerSpecs;

const ACTIONS: readonly WatchdogAction[] = ['dump', 'exit', 'abort'];
const ACTION_VARIABLE = 'BASTION_WATCHDOG_ACTION';
const DIR_VARIABLE = 'BASTION_WATCHDOG_DIR';
const DUMP_SOCKET_VARIABLE = 'BASTION_DUMP_SOCKET';
const KNOWN_OPTIONS = new Set<string>([...Object.keys(integerSpecs), 'action', 'dir', 'dumpSocket']);

/**
 * Merges explicit options over the environment over the defaults, validating each value.
 * Throws a TypeError (wrong type) or RangeError (out of range) naming the option or variable,
 * the rejected value and its type. Values are never clamped.
 */
export function resolveOptions(options: unknown = {}, env: NodeJS.ProcessEnv = process.env): ResolvedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`watchdog options must be an object, got ${describe(options)}`);
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new TypeError(`unknown watchdog option '${key}' (known: ${[...KNOWN_OPTIONS].join(', ')})`);
    }
  }
  const integer = (name: IntegerOption): number => resolveInteger(name, given[name], env);
  const dir = resolveDir(given.dir, env);
  return {
    timeoutMs: integer('timeoutMs'),
    action: resolveAction(given.action, env),
    dir: dir ?? defaultDir(),
    dirIsDefault: dir === undefined,
    exitCode: integer('exitCode'),
    startupGraceMs: integer('startupGraceMs'),
    maxDumps: integer('maxDumps'),
    maxDumpBytes: integer('maxDumpBytes'),
    profileMs: integer('profileMs'),
    dumpSocket: resolveSwitch('options.dumpSocket', given.dumpSocket, DUMP_SOCKET_VARIABLE, env, true),
  };
}

/**
 * An on/off setting: the option when given (a boolean), else its variable (the usual words, in
 * any case), else `fallback`. Anything else is a TypeError or RangeError naming it.
 */
function resolveSwitch(label: string, value: unknown, variable: string, env: NodeJS.ProcessEnv, fallback: boolean): boolean {
  if (value !== undefined) {
    if (typeof value !== 'boolean') throw new TypeError(`${label} must be a boolean, got ${describe(value)}`);
    return value;
  }
  return switchFromEnv(variable, env, fallback);
}

function switchFromEnv(variable: string, env: NodeJS.ProcessEnv, fallback: boolean): boolean {
  const text = env[variable];
  if (text === undefined) return fallback;
  const word = text.toLowerCase();
  if (ENABLE_WORDS.includes(word)) return true;
  if (DISABLE_WORDS.includes(word)) return false;
  throw new RangeError(`${variable} must be one of ${ENABLE_WORDS.join(', ')} (on) or ${DISABLE_WORDS.join(', ')} (off), got ${describe(text)}`);
}

/**
 * Whether the preload starts the watchdog: yes when BASTION_WATCHDOG is unset or one of the usual
 * words for on, in any case; no for the words for off. Anything else is a RangeError naming it,
 * like any other invalid variable: `BASTION_WATCHDOG=disabled` must not quietly leave it running.
 */
export function resolveEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const text = env[ENABLE_VARIABLE];
  if (text === undefined) return true;
  const word = text.toLowerCase();
  if (ENABLE_WORDS.includes(word)) return true;
  if (DISABLE_WORDS.includes(word)) return false;
  throw new RangeError(
    `${ENABLE_VARIABLE} must be one of ${ENABLE_WORDS.join(', ')} (on) or ${DISABLE_WORDS.join(', ')} (off), got ${describe(text)}`,
  );
}

const REPORTS_VARIABLE = 'BASTION_REPORTS';
const REPORT_SIGNAL_VARIABLE = 'BASTION_REPORT_SIGNAL';
// Signals that already mean something: ending the process (the shutdown's, the watchdog's abort),
// the inspector's, or none that a handler can take.
const RESERVED_SIGNALS = new Set(['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGABRT', 'SIGKILL', 'SIGSTOP', 'SIGUSR1', 'SIGSEGV', 'SIGBUS', 'SIGFPE', 'SIGILL']);

/**
 * Whether the preload sets up Node's diagnostic reports (BASTION_REPORTS, on by default, the same
 * words as BASTION_WATCHDOG), and on which signal a report is written on request
 * (BASTION_REPORT_SIGNAL, none by default: a handler would change what that signal does).
 */
export function resolveReports(env: NodeJS.ProcessEnv = process.env): { enabled: boolean; signal?: NodeJS.Signals } {
  const text = env[REPORTS_VARIABLE];
  const word = text?.toLowerCase();
  if (word !== undefined && !ENABLE_WORDS.includes(word) && !DISABLE_WORDS.includes(word)) {
    throw new RangeError(`${REPORTS_VARIABLE} must be one of ${ENABLE_WORDS.join(', ')} (on) or ${DISABLE_WORDS.join(', ')} (off), got ${describe(text)}`);
  }
  if (word !== undefined && DISABLE_WORDS.includes(word)) return { enabled: false };
  const signal = env[REPORT_SIGNAL_VARIABLE];
  if (signal === undefined || signal === '') return { enabled: true };
  if (!(signal in constants.signals) || RESERVED_SIGNALS.has(signal)) {
    throw new RangeError(`${REPORT_SIGNAL_VARIABLE} must name a signal that is free for reports, such as SIGUSR2 (not ${[...RESERVED_SIGNALS].join(', ')}), got ${describe(signal)}`);
  }
  return { enabled: true, signal: signal as NodeJS.Signals };
}

const shutdownTimeoutSpec: IntegerSpec = {
  variable: 'BASTION_SHUTDOWN_TIMEOUT_MS',
  min: 0,
  max: MAX_DELAY_MS,
  fallback: 10_000,
  meaning: 'milliseconds',
};

/**
 * How long the preload lets an app that handles SIGTERM or SIGINT itself take to end after the
 * signal: BASTION_SHUTDOWN_TIMEOUT_MS, default 10000; 0 turns the shutdown-hang report off.
 */
export function resolveShutdownTimeout(env: NodeJS.ProcessEnv = process.env): number {
  return integerFromEnv(shutdownTimeoutSpec, env);
}

const HANDLE_TRACKING_VARIABLE = 'BASTION_HANDLE_TRACKING';
const HEAP_SNAPSHOT_VARIABLE = 'BASTION_HEAP_SNAPSHOT';

/**
 * Whether the preload asks V8 for a heap snapshot when the heap nears its limit
 * (BASTION_HEAP_SNAPSHOT, off by default: a snapshot holds the app's data).
 */
export function resolveHeapSnapshot(env: NodeJS.ProcessEnv = process.env): boolean {
  return switchFromEnv(HEAP_SNAPSHOT_VARIABLE, env, false);
}

/**
 * Whether the preload records where each handle was created, for the shutdown-hang report
 * (BASTION_HANDLE_TRACKING, off by default: async_hooks cost throughput).
 */
export function resolveHandleTracking(env: NodeJS.ProcessEnv = process.env): boolean {
  return switchFromEnv(HANDLE_TRACKING_VARIABLE, env, false);
}

function resolveInteger(name: IntegerOption, value: unknown, env: NodeJS.ProcessEnv): number {
  const spec: IntegerSpec = integerSpecs[name];
  if (value !== undefined) return checkInteger(`options.${name}`, value, spec);
  return integerFromEnv(spec, env);
}

function integerFromEnv(spec: IntegerSpec, env: NodeJS.ProcessEnv): number {
  const text = env[spec.variable];
  if (text === undefined) return spec.fallback;
  // Only plain decimal digits: '30s', '1e3', ' 5', '0x10' and '' are all mistakes worth reporting.
  if (!/^\d+$/.test(text)) {
    throw new TypeError(`${spec.variable} must be a whole number of ${spec.meaning}, got ${describe(text)}`);
  }
  return checkInteger(spec.variable, Number(text), spec, text);
}

function checkInteger(label: string, value: unknown, spec: IntegerSpec, shown: unknown = value): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${label} must be an integer (${spec.meaning}), got ${describe(shown)}`);
  }
  if (!Number.isInteger(value) || value < spec.min || value > spec.max) {
    throw new RangeError(`${label} must be an integer from ${spec.min} to ${spec.max} (${spec.meaning}), got ${describe(shown)}`);
  }
  return value;
}

function resolveAction(value: unknown, env: NodeJS.ProcessEnv): WatchdogAction {
  const [label, candidate] = value === undefined ? [ACTION_VARIABLE, env[ACTION_VARIABLE]] : ['options.action', value];
  if (candidate === undefined) return 'dump';
  if (typeof candidate !== 'string') {
    throw new TypeError(`${label} must be one of ${ACTIONS.join(', ')}, got ${describe(candidate)}`);
  }
  const action = ACTIONS.find((known) => known === candidate);
  if (action === undefined) {
    throw new RangeError(`${label} must be one of ${ACTIONS.join(', ')}, got ${describe(candidate)}`);
  }
  return action;
}

/** The configured directory, made absolute, or undefined when neither option nor variable is set. */
function resolveDir(value: unknown, env: NodeJS.ProcessEnv): string | undefined {
  const [label, candidate] = value === undefined ? [DIR_VARIABLE, env[DIR_VARIABLE]] : ['options.dir', value];
  if (candidate === undefined) return undefined;
  if (typeof candidate !== 'string') throw new TypeError(`${label} must be a path, got ${describe(candidate)}`);
  if (candidate === '' || candidate.includes('\0')) {
    throw new RangeError(`${label} must be a non-empty path without NUL bytes, got ${describe(candidate)}`);
  }
  return resolve(candidate);
}

function defaultDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return join(tmpdir(), `bastion-watchdog-${uid}`);
}

// A hostile or mistaken value (a whole file pasted into a variable) must not flood stderr.
const MAX_SHOWN_CHARS = 80;

/** `"30s" (string)`, `-5 (number)`, `null`: the value and its type, for error messages. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string' && value.length > MAX_SHOWN_CHARS) {
    return `${JSON.stringify(value.slice(0, MAX_SHOWN_CHARS))}... (string of ${value.length} characters)`;
  }
  if (typeof value === 'string') return `${JSON.stringify(value)} (string)`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${String(value)} (${typeof value})`;
  }
  return `a value of type ${Array.isArray(value) ? 'array' : typeof value}`;
}
