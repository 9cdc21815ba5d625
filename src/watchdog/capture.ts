// Captures the main thread's JavaScript stack while it is stuck, with bounds: a thread blocked
// in a native call only takes the pause when the call returns, and the dump cannot wait for that.
import { setTimeout as sleep } from 'node:timers/promises';
import { isThreadRunnable } from './linux.js';
import { MainThreadSession } from './main-thread.js';
import type { PausedFrame, PausedMain } from './main-thread.js';
import type { StackStatus } from './schema.js';

/**
 * How long the main thread may take to answer the inspector before it is taken to be inside
 * native code, and the longer bound for a main thread that Linux reports on a CPU: it may be
 * running JavaScript on a starved machine (a throttled container, an oversubscribed host).
 * Once it has answered, it is in JavaScript, and the pause gets PAUSE_LANDING_MS to land.
 */
export const RESPONSE_BOUND_MS = 200;
const RUNNABLE_RESPONSE_BOUND_MS = 1000;
const PAUSE_LANDING_MS = 2000;
// nextTick recursion can leave only node:internal frames on the stack at the moment of the
// pause (processTicksAndRejections, between two callbacks). Stepping into the next call reaches
// the application's callback within a few statements; the bound keeps a stall that really is
// inside Node's own code from being stepped through forever.
const MAX_INTERNAL_STEPS = 50;
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
): Promise<Capture> {
  if (inspectorBlocked !== undefined) return withoutStack('unavailable', `inspector unavailable: ${inspectorBlocked}`);
  let session: MainThreadSession;
  try {
    session = new MainThreadSession();
  } catch (error) {
    return withoutStack('unavailable', `inspector unavailable: ${errorMessage(error)}`);
  }
  const watcher = new AbortController();
  const recovered = watchRecovery(stillStalled, watcher.signal);
  try {
    return await pauseAndRead(session, factsExpression, stillStalled, recovered);
  } finally {
    watcher.abort();
  }
}

async function pauseAndRead(
  session: MainThreadSession,
  factsExpression: string,
  stillStalled: () => boolean,
  recovered: Promise<typeof RECOVERED>,
): Promise<Capture> {
  const request = session.pause();
  const release = (): void => session.disconnect();
  const give = (status: StackStatus, error: string): Capture => ({ status, error, frames: [], paused: request.paused, release });
  const recoveredError = 'the event loop recovered before the stack could be captured';

  const answer = await answerInTime(request.responsive, recovered);
  if (answer === RECOVERED) return give('unavailable', recoveredError);
  if (answer === TIMED_OUT) return give('native', 'the main thread did not answer the inspector in time (blocked in native code)');

  let main = await waitFor(request.paused, PAUSE_LANDING_MS, recovered);
  for (let step = 0; isPaused(main) && step < MAX_INTERNAL_STEPS && main.frames.every(isInternal); step++) {
    main = await waitFor(main.stepInto(), PAUSE_LANDING_MS, recovered);
  }
  if (main === RECOVERED || (isPaused(main) && !stillStalled())) return give('unavailable', recoveredError);
  if (main === TIMED_OUT) return give('native', `the main thread did not take the pause within ${PAUSE_LANDING_MS} ms (entered native code)`);
  const mainFacts = await main.evaluate(factsExpression);
  // The latest pause: frame ids from an earlier one are no longer valid after a step.
  return { status: 'captured', frames: main.frames, mainFacts, paused: Promise.resolve(main), release };
}

/** Waits for the main thread's first answer: RESPONSE_BOUND_MS, or longer while it is on a CPU. */
async function answerInTime(responsive: Promise<void>, recovered: Promise<typeof RECOVERED>): Promise<Waited<void>> {
  const first = await waitFor(responsive, RESPONSE_BOUND_MS, recovered);
  if (first !== TIMED_OUT || isThreadRunnable() !== true) return first;
  return waitFor(responsive, RUNNABLE_RESPONSE_BOUND_MS - RESPONSE_BOUND_MS, recovered);
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

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
