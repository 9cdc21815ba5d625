// Captures the main thread's JavaScript stack while it is stuck, with bounds: a thread blocked
// in a native call only takes the pause when the call returns, and the dump cannot wait for that.
import { setTimeout as sleep } from 'node:timers/promises';
import { oneLine } from './format.js';
import { mayWakeForInterrupt, readThreadActivity, syscallName } from './linux.js';
import type { ThreadActivity } from './linux.js';
import { MainThreadSession } from './main-thread.js';
import type { PausedFrame, PausedMain } from './main-thread.js';
import type { StackStatus } from './schema.js';

/**
 * How soon an unanswered main thread is taken to be inside native code. JavaScript answers the
 * inspector within milliseconds, since V8 checks for interrupts at every call and loop back edge.
 * So a main thread that has used NATIVE_CPU_MS of CPU without answering is running code without
 * such checks (JSON.parse, a sync zlib or crypto call, a long garbage collection), and one asleep
 * in the same system call for NATIVE_SLEEP_MS cannot answer before the call returns. Futex is the
 * exception: Atomics.wait sleeps there, and V8 wakes it for the inspector.
 * Where Linux tells nothing (another OS, /proc unreadable), RESPONSE_BOUND_MS decides; a main
 * thread that waits for a CPU without getting one (a throttled container, an oversubscribed
 * host) may be in JavaScript, and gets RUNNABLE_RESPONSE_BOUND_MS.
 * Once it has answered, it is in JavaScript, and the pause gets PAUSE_LANDING_MS to land.
 */
const NATIVE_CPU_MS = 50;
const NATIVE_SLEEP_MS = 50;
const RESPONSE_BOUND_MS = 200;
const RUNNABLE_RESPONSE_BOUND_MS = 1000;
const PAUSE_LANDING_MS = 2000;
// How often to look at the main thread while it has not answered; /proc counts CPU time in 10 ms.
const NATIVE_POLL_MS = 10;
// nextTick recursion can leave only node:internal frames on the stack at the moment of the
// pause (processTicksAndRejections, between two callbacks). Stepping into the next call reaches
// the application's callback: 27-65 statements measured on Node 22 and 24 with an
// AsyncLocalStorage in use (its hooks run between callbacks), at 0.3-1 ms a step. The bound is in
// time, not steps, so that more hooks still get through, while a stall that really is inside
// Node's own code is not stepped through forever.
const INTERNAL_STEPPING_MS = 1000;
// How often to look at the heartbeat while waiting on the inspector.
const RECOVERY_POLL_MS = 5;

export interface Capture {
  status: StackStatus;
  /** Why the stack is not there, when status is not 'captured'. */
  error?: string;
  frames: readonly PausedFrame[];
  /** What `factsExpression` evaluated to on the paused main thread, when it could be evaluated. */
  mainFacts?: unknown;
  /**
   * The main thread, paused: at once when captured, when its native call returns for 'native',
   * never otherwise. The capture holds it until `release()` or until the caller ends the process.
   */
  paused: Promise<PausedMain>;
  /**
   * Closes the session: a paused main thread resumes, and a pause still pending is dropped, so a
   * main thread in native code just carries on when its call returns.
   */
  release(): void;
}

const RECOVERED: unique symbol = Symbol('recovered');
const TIMED_OUT: unique symbol = Symbol('timed out');
type Waited<T> = T | typeof RECOVERED | typeof TIMED_OUT;

/**
 * Pauses the main thread and reads its stack. `stillStalled` tells whether the loop is still
 * stuck: a stall that ends while the inspector is being waited on gets no stack, since a pause
 * landing after the recovery would blame whatever code happens to run next.
 */
export async function captureMainStack(
  factsExpression: string,
  stillStalled: () => boolean,
  inspectorBlocked: string | undefined,
  pauseLandingMs = PAUSE_LANDING_MS,
): Promise<Capture> {
  if (inspectorBlocked !== undefined) return withoutStack('unavailable', `inspector unavailable: ${inspectorBlocked}`);
  let session: MainThreadSession;
  try {
    session = new MainThreadSession();
  } catch (error) {
    return withoutStack('unavailable', `inspector unavailable: ${oneLine(error)}`);
  }
  const watcher = new AbortController();
  const recovered = watchRecovery(stillStalled, watcher.signal);
  try {
    return await pauseAndRead(session, factsExpression, stillStalled, recovered, pauseLandingMs);
  } finally {
    watcher.abort();
  }
}

async function pauseAndRead(
  session: MainThreadSession,
  factsExpression: string,
  stillStalled: () => boolean,
  recovered: Promise<typeof RECOVERED>,
  pauseLandingMs: number,
): Promise<Capture> {
  const request = session.pause();
  const release = (): void => session.disconnect();
  const give = (status: StackStatus, error: string): Capture => ({ status, error, frames: [], paused: request.paused, release });
  const recoveredError = 'the event loop recovered before the stack could be captured';

  const answer = await answerInTime(request.responsive, recovered);
  if (answer === RECOVERED) return give('unavailable', recoveredError);
  if (typeof answer === 'string') return give('native', `the main thread did not answer the inspector: ${answer}`);

  let main = await waitFor(request.paused, pauseLandingMs, recovered);
  const stopStepping = performance.now() + INTERNAL_STEPPING_MS;
  while (isPaused(main) && main.frames.every(isInternal) && performance.now() < stopStepping) {
    main = await waitFor(main.stepInto(), pauseLandingMs, recovered);
  }
  if (main === RECOVERED || (isPaused(main) && !stillStalled())) return give('unavailable', recoveredError);
  if (main === TIMED_OUT) return give('native', `the main thread did not take the pause within ${pauseLandingMs} ms (entered native code)`);
  const mainFacts = await main.evaluate(factsExpression);
  // The latest pause: frame ids from an earlier one are no longer valid after a step.
  return { status: 'captured', frames: main.frames, mainFacts, paused: Promise.resolve(main), release };
}

/**
 * Waits for the main thread's first answer. Resolves with why it is taken to be in native code
 * when it does not answer in time.
 */
async function answerInTime(responsive: Promise<void>, recovered: Promise<typeof RECOVERED>): Promise<Waited<void> | string> {
  const judge = new NativeJudge();
  for (;;) {
    const answer = await waitFor(responsive, NATIVE_POLL_MS, recovered);
    if (answer !== TIMED_OUT) return answer;
    const verdict = judge.verdict();
    if (verdict !== undefined) return verdict;
  }
}

/** Tells, from what Linux shows of the main thread at each look, when it is in native code. */
class NativeJudge {
  readonly #startedAt = performance.now();
  readonly #startCpuMs: number | undefined;
  #asleep: { call: string; since: number } | undefined;

  constructor() {
    const thread = readThreadActivity();
    this.#startCpuMs = thread?.cpuMs;
    this.#trackSleep(thread, this.#startedAt);
  }

  /** Why the main thread is taken to be in native code, or undefined while it may yet answer. */
  verdict(): string | undefined {
    const now = performance.now();
    const thread = readThreadActivity();
    const ranMs = thread === undefined || this.#startCpuMs === undefined ? 0 : thread.cpuMs - this.#startCpuMs;
    if (ranMs >= NATIVE_CPU_MS) return `it ran ${ranMs} ms on a CPU without taking an interrupt (native code or garbage collection)`;
    const asleep = this.#trackSleep(thread, now);
    if (asleep !== undefined && now - asleep.since >= NATIVE_SLEEP_MS) {
      return `it has been asleep in the ${syscallName(asleep.call, process.arch)} system call for ${Math.round(now - asleep.since)} ms`;
    }
    const boundMs = thread?.runnable === true ? RUNNABLE_RESPONSE_BOUND_MS : RESPONSE_BOUND_MS;
    return now - this.#startedAt >= boundMs ? `no answer within ${boundMs} ms (blocked in native code)` : undefined;
  }

  /** The system call the thread has slept in since the last look, unless V8 can wake it there. */
  #trackSleep(thread: ThreadActivity | undefined, now: number): { call: string; since: number } | undefined {
    const call = thread?.sleepingIn;
    if (call !== this.#asleep?.call) this.#asleep = call === undefined ? undefined : { call, since: now };
    return this.#asleep === undefined || mayWakeForInterrupt(this.#asleep.call, process.arch) ? undefined : this.#asleep;
  }
}

/**
 * For a 'native' capture: the pause still pending lands as soon as the native call returns, still
 * inside the stall and on the culprit's own frame. Resolves with the paused main thread then, or
 * with undefined if the loop recovers first.
 */
export async function awaitLatePause(capture: Capture, stillStalled: () => boolean): Promise<PausedMain | undefined> {
  const watcher = new AbortController();
  try {
    const landed = await Promise.race([capture.paused, watchRecovery(stillStalled, watcher.signal)]);
    // Checked while the main thread is still paused: once released, the loop may turn at once.
    return landed === RECOVERED || !stillStalled() ? undefined : landed;
  } finally {
    watcher.abort();
  }
}

async function waitFor<T>(promise: Promise<T>, ms: number, recovered: Promise<typeof RECOVERED>): Promise<Waited<T>> {
  const timer = new AbortController();
  const timeout = sleep<typeof TIMED_OUT>(ms, TIMED_OUT, { signal: timer.signal }).catch((): typeof TIMED_OUT => TIMED_OUT);
  try {
    return await Promise.race([promise, recovered, timeout]);
  } finally {
    timer.abort();
  }
}

/** Resolves once `stillStalled()` turns false; never, if `signal` aborts first. */
function watchRecovery(stillStalled: () => boolean, signal: AbortSignal): Promise<typeof RECOVERED> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (stillStalled()) return;
      clearInterval(timer);
      resolve(RECOVERED);
    }, RECOVERY_POLL_MS);
    signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  });
}

function withoutStack(status: StackStatus, error: string): Capture {
  return { status, error, frames: [], paused: new Promise(() => {}), release: () => {} };
}

function isPaused(waited: Waited<PausedMain>): waited is PausedMain {
  return typeof waited === 'object';
}

function isInternal(frame: PausedFrame): boolean {
  return frame.url.startsWith('node:');
}
