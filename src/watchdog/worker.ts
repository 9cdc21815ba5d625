// The watchdog thread: watches the main thread's heartbeat and, on a stall, captures the main
// thread's stack, writes the dump and the stderr block, then applies the configured action.
// Everything here must work while the main thread is stuck, so nothing goes through it.
import { workerData } from 'node:worker_threads';
import { awaitLatePause, captureMainStack } from './capture.js';
import type { Capture } from './capture.js';
import type { PausedFrame, PausedMain } from './main-thread.js';
import { dumpFileName, writeDump } from './dump.js';
import { collectFacts, MAIN_FACTS_EXPRESSION } from './facts.js';
import { formatDumpError, formatEnding, formatStackOnReturn, formatRecovery, formatStall, formatWorkerError, writeStderr } from './format.js';
import { elapsedMs, HeartbeatSlot } from './heartbeat.js';
import { readNativeState } from './linux.js';
import type { WorkerData } from './protocol.js';
import { SCHEMA_VERSION } from './schema.js';
import type { NativeState, StackFrame, StallDump } from './schema.js';
import { SourceMapResolver } from './source-maps.js';

// After the dump, 'exit' waits this long for process.exit() to take (or, for a main thread in
// native code, for the pending pause to land so it can be asked to exit) before SIGKILL.
const EXIT_FALLBACK_MS = 2000;

// Deep recursion can put tens of thousands of frames on the stack; the innermost ones matter.
const MAX_STACK_FRAMES = 200;

const data = workerData as WorkerData;
const { options } = data;
const heartbeat = new BigInt64Array(data.heartbeat);
const graceNs = BigInt(options.startupGraceMs) * 1_000_000n;
const thresholdNs = BigInt(options.timeoutMs) * 1_000_000n;
const dumpTarget = { dir: options.dir, mustBePrivate: options.dirIsDefault, maxDumps: options.maxDumps, maxDumpBytes: options.maxDumpBytes };

interface Stall {
  /** The last tick before the stall; any other value in the slot means the loop ran again. */
  lastTickNs: bigint;
  seq: number;
  detectedAt: Date;
  /** How long the loop had not ticked when the stall was detected: the dump's clock. */
  stalledMs: number;
}

let armed = false;
let seq = 0;
let current: Stall | undefined;
// Stalls are handled one after another, and a recovery is reported after its stall's dump.
let queue: Promise<void> = Promise.resolve();

// Also what keeps this thread alive: the worker's loop would otherwise end at once.
setInterval(check, data.intervalMs);

function check(): void {
  if (Atomics.load(heartbeat, HeartbeatSlot.stopped) !== 0n) return;
  const lastTickNs = lastTick();
  if (current !== undefined) {
    if (lastTickNs === current.lastTickNs) {
      // Still stalled: reported once already; only its length so far goes on growing.
      recordLength(elapsedMs(lastTickNs, process.hrtime.bigint()));
      return;
    }
    const totalMs = elapsedMs(current.lastTickNs, lastTickNs);
    current = undefined;
    recordLength(totalMs);
    Atomics.store(heartbeat, HeartbeatSlot.stalled, 0n);
    enqueue(() => writeStderr(formatRecovery(totalMs, process.pid)));
    return;
  }
  // Start-up: wait for the loop's first turn after startWatchdog() (the app's own modules load
  // before it) and for the grace period, so early JIT compilation is not mistaken for a stall.
  // A loop that never turns at all (a start-up stuck at top level) is judged once the grace
  // period and a whole threshold have passed: that hang is what a supervisor most needs to hear.
  const now = process.hrtime.bigint();
  if (!armed) {
    const sinceStartNs = now - data.startedNs;
    armed = (lastTickNs > data.startedNs && sinceStartNs >= graceNs) || sinceStartNs > graceNs + thresholdNs;
  }
  if (!armed || now - lastTickNs <= thresholdNs) return;
  const stall: Stall = { lastTickNs, seq: ++seq, detectedAt: new Date(), stalledMs: elapsedMs(lastTickNs, now) };
  current = stall;
  Atomics.add(heartbeat, HeartbeatSlot.stalls, 1n);
  Atomics.store(heartbeat, HeartbeatSlot.stalled, 1n);
  recordLength(stall.stalledMs);
  enqueue(() => handleStall(stall));
}

function lastTick(): bigint {
  return Atomics.load(heartbeat, HeartbeatSlot.lastTickNs);
}

/** Publishes a stall's length for stats() if it is the longest yet (only this thread writes it). */
function recordLength(ms: number): void {
  if (BigInt(ms) > Atomics.load(heartbeat, HeartbeatSlot.longestStallMs)) Atomics.store(heartbeat, HeartbeatSlot.longestStallMs, BigInt(ms));
}

function enqueue(task: () => unknown): void {
  queue = queue.then(async () => {
    await task();
  }).catch((error: unknown) => {
    writeStderr(formatWorkerError(error));
  });
}

async function handleStall(stall: Stall): Promise<void> {
  const stillStalled = (): boolean => lastTick() === stall.lastTickNs;
  const capture = await captureMainStack(MAIN_FACTS_EXPRESSION, stillStalled, data.inspectorBlocked);
  // Let the main thread go before the slower work (source maps, disk), unless it must exit or
  // its pause is still pending (native code).
  if (options.action === 'dump' && capture.status !== 'native') capture.release();
  const name = dumpFileName(stall.detectedAt, process.pid, stall.seq);
  const dump = buildDump(stall, capture, capture.status === 'captured' ? undefined : readNativeState());
  publish(dump, name, formatStall);
  if (options.action === 'exit') {
    // A native capture's pause lands when the call returns: its stack goes into the dump first.
    exitProcess(capture, (main) => {
      if (capture.status === 'native' && stillStalled()) addStackOnReturn(stall, dump, name, main);
    });
  } else if (options.action === 'abort') {
    writeStderr(formatEnding(process.pid, 'SIGABRT', 'abort'));
    process.kill(process.pid, 'SIGABRT');
  } else if (capture.status === 'native') {
    const main = await awaitLatePause(capture, stillStalled);
    capture.release();
    if (main !== undefined) addStackOnReturn(stall, dump, name, main);
  }
}

/**
 * The dump of a main thread in native code went out on time without a stack. The pause still
 * pending lands once the native call returns, at the first JavaScript that runs after it, still
 * inside the stalled task: that stack (usually the blocking function's caller) is added to the
 * same dump, and stderr says so.
 */
function addStackOnReturn(stall: Stall, dump: StallDump, name: string, main: PausedMain): void {
  const delayMs = Date.now() - stall.detectedAt.getTime();
  const updated: StallDump = { ...dump, stackOnReturn: { delayMs, stack: resolveStack(main.frames) } };
  publish(updated, name, formatStackOnReturn);
}

/** Innermost frames first, mapped to their original sources where a source map exists. */
function resolveStack(frames: readonly PausedFrame[]): StackFrame[] {
  const resolver = new SourceMapResolver();
  return frames.slice(0, MAX_STACK_FRAMES).map((frame) => resolver.resolve(frame));
}

function buildDump(stall: Stall, capture: Capture, native: NativeState | undefined): StallDump {
  return {
    kind: 'stall',
    schemaVersion: SCHEMA_VERSION,
    time: stall.detectedAt.toISOString(),
    pid: process.pid,
    thresholdMs: options.timeoutMs,
    stalledMs: stall.stalledMs,
    action: options.action,
    stackStatus: capture.status,
    ...(capture.error === undefined ? {} : { stackError: capture.error }),
    stack: resolveStack(capture.frames),
    ...(native === undefined ? {} : { native }),
    ...collectFacts({
      mainFacts: capture.mainFacts,
      loopDelay: data.loopDelay,
      loopDelayResolutionMs: data.intervalMs,
      argv: data.argv,
      execArgv: data.execArgv,
    }),
  };
}

/** Writes the dump file, then its stderr block, which goes out even when the file could not. */
function publish(dump: StallDump, name: string, describe: (dump: StallDump, path: string | undefined) => string): void {
  let path: string | undefined;
  let failure: unknown;
  try {
    path = writeDump(dumpTarget, name, JSON.stringify(dump, null, 2) + '\n');
  } catch (error) {
    failure = error ?? new Error('unknown error');
  }
  writeStderr(describe(dump, path));
  if (failure !== undefined) writeStderr(formatDumpError(options.dir, failure));
}

/**
 * Ends the whole process with the configured code. process.exit() here would end only this
 * worker, so it is evaluated on the paused main thread instead, once `beforeExit` has seen it
 * (a main thread that was in native code is paused only now: its stack goes into the dump).
 * A main thread that stays in native code cannot run it: after EXIT_FALLBACK_MS it gets SIGKILL,
 * which no handler can delay and which supervisors count as a failure (a shell reports 137).
 */
function exitProcess(capture: Capture, beforeExit: (main: PausedMain) => void): void {
  void capture.paused.then((main) => {
    try {
      beforeExit(main);
    } finally {
      // Before the exit: Node's "Waiting for the debugger to disconnect..." comes after it.
      writeStderr(formatEnding(process.pid, `exit code ${options.exitCode}`, 'exit'));
      main.evaluateAndForget(`globalThis.process.exit(${options.exitCode})`);
    }
  });
  setTimeout(() => {
    const why = `it had not ended ${EXIT_FALLBACK_MS} ms after the dump (main thread in native code, or 'exit' listeners that hang)`;
    writeStderr(formatEnding(process.pid, 'SIGKILL', 'exit', why));
    process.kill(process.pid, 'SIGKILL');
  }, EXIT_FALLBACK_MS);
}
