// The watchdog thread's work, loaded by worker.ts on the first stall or `bastion dump` wake-up: on
// a stall, capture the main thread's stack, write the dump and the stderr block, then apply the
// configured action; on request, serve `bastion dump` on the unix socket.
// Everything here must work while the main thread is stuck, so nothing goes through it.
import { setTimeout as sleep } from 'node:timers/promises';
import { workerData } from 'node:worker_threads';
import { awaitLatePause, captureMainStack } from './capture.js';
import type { Capture } from './capture.js';
import type { PausedFrame, PausedMain } from './main-thread.js';
import { dumpFileName, profileFileName, writeAtomically, writeDump } from './dump.js';
import { serveDumps } from './dump-server.js';
import type { DumpRequest, DumpResponse } from './dump-server.js';
import { collectFacts, MAIN_FACTS_EXPRESSION } from './facts.js';
import { formatDumpError, formatEnding, formatSocketOff, formatStackOnReturn, formatRecovery, formatProfile, formatStall, formatThreads, formatWorkerError, writeStderr } from './format.js';
import { elapsedMs, HeartbeatSlot } from './heartbeat.js';
import { currentStall } from './worker.js';
import type { Stall } from './worker.js';
import { readNativeState, readThreadActivity, syscallName } from './linux.js';
import type { WorkerData } from './protocol.js';
import { SCHEMA_VERSION } from './schema.js';
import { profileMainThread, samplesIn } from './profiler.js';
import type { CpuProfile } from './profiler.js';
import { captureThreadStacks } from './threads.js';
import type { ThreadsCapture } from './threads.js';
import type { NativeState, OnDemandDump, StackFrame, StallDump } from './schema.js';
import { SourceMapResolver } from './source-maps.js';

// After the dump, 'exit' waits this long for process.exit() to take (or, for a main thread in
// native code, for the pending pause to land so it can be asked to exit) before SIGKILL.
const EXIT_FALLBACK_MS = 2000;

// Deep recursion can put tens of thousands of frames on the stack; the innermost ones matter.
const MAX_STACK_FRAMES = 200;

// `bastion dump` answers within 2 s: the pause gets this long to land (an idle loop takes it at its
// next heartbeat, within 250 ms), and a stall being handled this long to finish first.
const ON_DEMAND_PAUSE_MS = 1000;
// An on-demand dump looks this many times for a loop asleep in its poll (mainIsPolling).
const POLL_LOOKS = 5;
const ON_DEMAND_WAIT_MS = 500;
// The worker threads get this long, all at once (each is paused on its own session).
const STALL_THREADS_MS = 1500;
const ON_DEMAND_THREADS_MS = 800;
// How often a stall profile looks at the heartbeat, to stop at the recovery.
const RECOVERY_POLL_MS = 10;

// Not `import`: as everywhere in the watchdog, built-ins through getBuiltinModule (see dump.ts).
const { rmSync } = process.getBuiltinModule('node:fs');

const data = workerData as WorkerData;
const { options } = data;
const heartbeat = new BigInt64Array(data.heartbeat);
const dumpTarget = { dir: options.dir, mustBePrivate: options.dirIsDefault, maxDumps: options.maxDumps, maxDumpBytes: options.maxDumpBytes };

// One inspector capture at a time: a stall's (the whole of its handling) or an on-demand one.
let capturing: Promise<void> | undefined;
// The latest stall dump published, for an on-demand request that comes while it is handled.
let published: { seq: number; dump: StallDump; path: string | undefined } | undefined;
let profiling = false;

function lastTick(): bigint {
  return Atomics.load(heartbeat, HeartbeatSlot.lastTickNs);
}

/** Listens on the dump socket (after a wake-up), or says on stderr why it cannot; never throws. */
export function serve(): void {
  rmSync(data.socket.wake, { force: true });
  serveDumps(data.socket.dir, data.socket.path, answerRequest).then(
    (server) => Atomics.store(heartbeat, HeartbeatSlot.socketIno, BigInt.asIntN(64, server.ino)),
    (error: unknown) => writeStderr(formatSocketOff(error)),
  );
}

/** The loop ran again after a stall of `totalMs`. */
export function reportRecovery(totalMs: number): void {
  writeStderr(formatRecovery(totalMs, process.pid));
}

/** A failure of the watchdog's own, in one line. */
export function reportError(error: unknown): void {
  writeStderr(formatWorkerError(error));
}

/** Runs `task` once no other capture is running; the next waits for it. */
async function exclusive<T>(task: () => Promise<T>): Promise<T> {
  while (capturing !== undefined) await capturing;
  const run = task();
  const done = run.then(
    () => {},
    () => {},
  );
  capturing = done;
  try {
    return await run;
  } finally {
    if (capturing === done) capturing = undefined;
  }
}

/** Handles a stall: one inspector capture at a time (an on-demand dump waits for it). */
export function handleStall(stall: Stall): Promise<void> {
  return exclusive(() => dumpStall(stall));
}

async function dumpStall(stall: Stall): Promise<void> {
  const stillStalled = (): boolean => lastTick() === stall.lastTickNs;
  const capture = await captureMainStack(MAIN_FACTS_EXPRESSION, stillStalled, data.inspectorBlocked);
  // Let the main thread go before the slower work (source maps, disk), unless it must exit or
  // its pause is still pending (native code).
  if (options.action === 'dump' && capture.status !== 'native') capture.release();
  const name = dumpFileName(stall.detectedAt, process.pid, stall.seq);
  const captured = capture.status === 'captured';
  // The main thread's stack goes out at once; the worker threads' (which can take a while, up to
  // STALL_THREADS_MS) are added by rewriting the dump.
  const dump = buildDump(stall, capture, captured ? undefined : readNativeState(), captured ? {} : threadsNotRead());
  const written = publish(dump, name, formatStall);
  // Only a main thread left to run can be profiled ('exit' and 'abort' hold it paused).
  const profiling = captured && options.action === 'dump' && options.profileMs > 0 ? profileStall(stillStalled) : undefined;
  // A dump that could not be written is not tried again (its failure is said once per stall).
  const update = (next: StallDump, describe: (dump: StallDump, path: string | undefined) => string): void => {
    if (written) publish(next, name, describe);
    else writeStderr(describe(next, undefined));
  };
  let latest = dump;
  if (captured) {
    latest = { ...latest, ...threadFields(await captureThreadStacks(STALL_THREADS_MS, resolveStack)) };
    update(latest, formatThreads);
  }
  if (profiling !== undefined) update({ ...latest, ...profileFields(await profiling, latest, profileFileName(name), written) }, formatProfile);
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

function buildDump(stall: Stall, capture: Capture, native: NativeState | undefined, threads: ThreadsCapture): StallDump {
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
    ...processFacts(capture),
    ...threadFields(threads),
  };
}

interface StallProfile {
  profile?: CpuProfile;
  error?: string;
  ms: number;
}

/** Profiles the stuck main thread for `profileMs`, or until the loop recovers. */
async function profileStall(stillStalled: () => boolean): Promise<StallProfile> {
  const recovered = new AbortController();
  const watcher = setInterval(() => {
    if (!stillStalled()) recovered.abort();
  }, RECOVERY_POLL_MS);
  const started = performance.now();
  try {
    const profile = await profileMainThread(options.profileMs, recovered.signal);
    return { profile, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error), ms: Math.round(performance.now() - started) };
  } finally {
    clearInterval(watcher);
  }
}

/**
 * Writes the profile beside the dump and says in the dump whether it can be trusted: a busy loop
 * that V8 optimised on stack (OSR) before the profile started has its samples counted to its
 * caller, so a profile without a sample in the dump's culprit blames the wrong function.
 */
function profileFields(taken: StallProfile, dump: StallDump, fileName: string, dirUsable: boolean): Pick<StallDump, 'profile' | 'profileMs' | 'profileError' | 'profileWarning'> {
  if (taken.profile === undefined) return { profileError: taken.error ?? 'unknown error' };
  if (!dirUsable) return { profileError: 'not written: the dump directory cannot be used' };
  try {
    writeAtomically(dumpTarget, fileName, JSON.stringify(taken.profile));
  } catch (error) {
    return { profileError: `not written: ${error instanceof Error ? error.message : String(error)}` };
  }
  const culprit = dump.stack.find((frame) => !frame.url.startsWith('node:'));
  const samples = taken.profile.samples?.length ?? 0;
  const inCulprit = culprit === undefined ? samples : samplesIn(taken.profile, culprit.functionName, culprit.generated?.url ?? culprit.url);
  const name = culprit?.functionName || '(anonymous)';
  return {
    profile: fileName,
    profileMs: taken.ms,
    ...(inCulprit > 0 || samples === 0
      ? {}
      : {
          profileWarning: `unreliable for this stall: none of its ${samples} samples is in ${name}, where the stack shows the main thread; V8 had most likely optimised that loop on stack (OSR) before the profile started, and counts its samples to a caller`,
        }),
  };
}

/**
 * Worker threads are reached through the main thread, which must answer the inspector: one in
 * native code cannot, and the dump must not wait for it.
 */
/** The loop, memory and process facts of a dump, stall or on-demand. */
function processFacts(capture: Capture): ReturnType<typeof collectFacts> {
  return collectFacts({
    mainFacts: capture.mainFacts,
    loopDelay: data.loopDelay,
    loopDelayResolutionMs: data.intervalMs,
    argv: data.argv,
    execArgv: data.execArgv,
  });
}

function threadsNotRead(): ThreadsCapture {
  return { error: "not read: the main thread's stack was not captured, and worker threads are reached through it" };
}

function threadFields({ threads, error }: ThreadsCapture): Pick<StallDump, 'threads' | 'threadsError'> {
  return { ...(threads === undefined ? {} : { threads }), ...(error === undefined ? {} : { threadsError: error }) };
}

/**
 * Writes the dump file, then its stderr block, which goes out even when the file could not.
 * Returns whether the file was written.
 */
function publish(dump: StallDump, name: string, describe: (dump: StallDump, path: string | undefined) => string): boolean {
  let path: string | undefined;
  let failure: unknown;
  try {
    path = writeDump(dumpTarget, name, JSON.stringify(dump, null, 2) + '\n');
  } catch (error) {
    failure = error ?? new Error('unknown error');
  }
  const current = currentStall();
  if (current !== undefined) published = { seq: current.seq, dump, path };
  writeStderr(describe(dump, path));
  if (failure !== undefined) writeStderr(formatDumpError(options.dir, failure));
  return path !== undefined;
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

/** Answers a `bastion dump` request (see dump-server.ts); never throws. */
async function answerRequest(request: DumpRequest): Promise<DumpResponse> {
  if (request.op === 'profile') return answerProfile(request.ms);
  const stall = currentStall();
  // A stall being handled holds the main thread (or waits for it to leave native code): its dump is the answer.
  if (capturing !== undefined && stall !== undefined && published?.seq === stall.seq) return { ok: true, dump: published.dump, path: published.path };
  if (capturing !== undefined) {
    await Promise.race([capturing, sleep(ON_DEMAND_WAIT_MS)]);
    if (capturing !== undefined) {
      const now = currentStall();
      const latest = now !== undefined && published?.seq === now.seq ? published : undefined;
      if (latest !== undefined) return { ok: true, dump: latest.dump, path: latest.path };
      return { ok: false, error: `the watchdog is busy dumping a stall; see its dump in ${options.dir}` };
    }
  }
  return { ok: true, dump: await exclusive(onDemandDump) };
}

async function onDemandDump(): Promise<OnDemandDump> {
  const requestedAt = new Date();
  const stalledMs = elapsedMs(lastTick(), process.hrtime.bigint());
  // Asleep in the event loop's poll: nothing to pause, and nothing to disturb.
  const waiting = await mainIsPolling();
  const capture = waiting ? IDLE : await captureMainStack(MAIN_FACTS_EXPRESSION, () => true, data.inspectorBlocked, ON_DEMAND_PAUSE_MS);
  // Dropping the session resumes the main thread, and drops a pause still pending (native code).
  capture.release();
  const threads = capture.status === 'captured' ? await captureThreadStacks(ON_DEMAND_THREADS_MS, resolveStack) : threadsNotRead();
  // Elsewhere than Linux, an idle loop takes the pause at its next heartbeat.
  const idle = waiting || (capture.status === 'captured' && capture.frames[0]?.url === data.heartbeatUrl);
  const native = capture.status === 'captured' ? undefined : readNativeState();
  return {
    kind: 'on-demand',
    schemaVersion: SCHEMA_VERSION,
    time: requestedAt.toISOString(),
    pid: process.pid,
    thresholdMs: options.timeoutMs,
    stalledMs,
    action: options.action,
    stackStatus: capture.status,
    ...(capture.error === undefined ? {} : { stackError: capture.error }),
    stack: idle ? [] : resolveStack(capture.frames),
    idle,
    ...(native === undefined ? {} : { native }),
    ...processFacts(capture),
    ...threadFields(threads),
  };
}

const IDLE: Capture = { status: 'captured', frames: [], paused: new Promise(() => {}), release: () => {} };

/** Linux: the main thread is asleep in epoll, i.e. its event loop waits for something to do. */
/**
 * Whether the main thread waits in the event loop's poll. Looked at a few times, 2 ms apart: an
 * idle loop still wakes for its timers (the heartbeat among them), and on a busy machine may sit
 * runnable for a moment; a loop stuck in JavaScript or a native call never shows epoll.
 */
async function mainIsPolling(): Promise<boolean> {
  for (let look = 0; look < POLL_LOOKS; look++) {
    if (look > 0) await sleep(2);
    const call = readThreadActivity()?.sleepingIn;
    if (call !== undefined && syscallName(call, process.arch).startsWith('epoll_')) return true;
  }
  return false;
}

async function answerProfile(ms: number): Promise<DumpResponse> {
  if (data.inspectorBlocked !== undefined) return { ok: false, error: `inspector unavailable: ${data.inspectorBlocked}` };
  if (profiling) return { ok: false, error: 'a profile is being taken already' };
  profiling = true;
  try {
    return { ok: true, profile: await profileMainThread(ms) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    profiling = false;
  }
}
