// The stacks of the app's worker threads, for a dump. The inspector reaches them only through the
// main thread: on a session connected to it, NodeWorker.enable attaches to its workers, and
// Debugger messages sent through NodeWorker.sendMessageToWorker pause a busy worker and return its
// frames. Every message is answered before the next is sent, and every wait is bounded.
import type * as Inspector from 'node:inspector';
import { threadId as ownThreadId } from 'node:worker_threads';
import { locateFrame } from './main-thread.js';
import type { CallFrame, PausedFrame } from './main-thread.js';
import type { StackFrame, ThreadStack } from './schema.js';

// A worker running JavaScript takes the pause within milliseconds of Debugger.enable's answer; one
// that has not after IDLE_MS is idle in its event loop (it answered, so it is not in native code).
const IDLE_MS = 200;
const MAX_STEPS = 50;
const MAX_THREADS = 64;

type Post = (method: string, params: object, callback: (error: Error | null, result?: unknown) => void) => void;


interface WorkerMessage {
  id?: number;
  method?: string;
  params?: { scriptId?: string; url?: string; sourceMapURL?: string; callFrames?: CallFrame[] };
  error?: { message?: string };
}

export interface ThreadsCapture {
  /** The app's worker threads (the watchdog's own left out), when they could be listed. */
  threads?: ThreadStack[];
  /** Why they could not be listed. */
  error?: string;
}

const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Pauses each of the main thread's worker threads in turn (all at once, each on its own
 * session), reads its stack, and lets it go; gives up on each at `deadline` (performance.now()).
 * `resolve` maps frames to sources. Never throws; resolves by the deadline plus a few ms.
 */
export async function captureThreadStacks(boundMs: number, resolve: (frames: readonly PausedFrame[]) => StackFrame[]): Promise<ThreadsCapture> {
  const deadline = performance.now() + boundMs;
  let inspector: typeof Inspector;
  let session: Inspector.Session;
  try {
    inspector = process.getBuiltinModule('node:inspector') as typeof Inspector;
    session = new inspector.Session();
    session.connectToMainThread();
  } catch (error) {
    return { error: `inspector unavailable: ${error instanceof Error ? error.message : String(error)}` };
  }
  const workers = new Map<string, AttachedWorker>();
  session.on('NodeWorker.attachedToWorker', ({ params }) => {
    const thread = parseTitle(params.workerInfo.title);
    if (thread.threadId === ownThreadId || workers.size >= MAX_THREADS) return;
    workers.set(params.sessionId, new AttachedWorker(session, params.sessionId, thread));
  });
  session.on('NodeWorker.receivedMessageFromWorker', ({ params }) => {
    workers.get(params.sessionId)?.receive(params.message);
  });
  session.on('NodeWorker.detachedFromWorker', ({ params }) => {
    workers.get(params.sessionId)?.gone();
  });
  try {
    const enabled = await within(post(session, 'NodeWorker.enable', { waitForDebuggerOnStart: false }), deadline);
    if (enabled === TIMED_OUT) {
      return { error: `the main thread did not answer the inspector within ${boundMs} ms, and worker threads are reached through it` };
    }
    if (enabled instanceof Error) return { error: `NodeWorker.enable failed: ${enabled.message}` };
    const threads = await Promise.all([...workers.values()].map((worker) => worker.capture(deadline, resolve)));
    return { threads: threads.sort((a, b) => a.threadId - b.threadId) };
  } finally {
    // Detaches from every worker: a pause still pending in one is dropped with its session.
    post(session, 'NodeWorker.disable', {}).then(() => {}, () => {});
    session.disconnect();
  }
}

class AttachedWorker {
  readonly #session: Inspector.Session;
  readonly #sessionId: string;
  readonly #thread: { threadId: number; name: string };
  readonly #scripts = new Map<string, { url: string; sourceMapURL: string }>();
  readonly #answers = new Map<number, (message: WorkerMessage) => void>();
  #nextId = 1;
  #onPaused: ((frames: CallFrame[]) => void) | undefined;
  #gone = false;

  constructor(session: Inspector.Session, sessionId: string, thread: { threadId: number; name: string }) {
    this.#session = session;
    this.#sessionId = sessionId;
    this.#thread = thread;
  }

  receive(text: string): void {
    let message: WorkerMessage;
    try {
      message = JSON.parse(text) as WorkerMessage;
    } catch {
      return;
    }
    if (message.id !== undefined) {
      this.#answers.get(message.id)?.(message);
      this.#answers.delete(message.id);
    } else if (message.method === 'Debugger.scriptParsed' && message.params?.scriptId !== undefined) {
      this.#scripts.set(message.params.scriptId, { url: message.params.url ?? '', sourceMapURL: message.params.sourceMapURL ?? '' });
    } else if (message.method === 'Debugger.paused') {
      this.#onPaused?.(message.params?.callFrames ?? []);
    }
  }

  gone(): void {
    this.#gone = true;
  }

  async capture(deadline: number, resolve: (frames: readonly PausedFrame[]) => StackFrame[]): Promise<ThreadStack> {
    const unavailable = (stackError: string): ThreadStack => ({ ...this.#thread, stackStatus: 'unavailable', stackError, stack: [] });
    let paused = false;
    try {
      const enabled = await within(this.#send('Debugger.enable'), deadline);
      if (enabled === TIMED_OUT) return unavailable(this.#gone ? 'it exited' : 'it did not answer the inspector in time (in native code, or starved of CPU)');
      if (enabled.error !== undefined) return unavailable(`Debugger.enable failed: ${enabled.error.message ?? 'unknown error'}`);
      let frames = await within(this.#pause('Debugger.pause'), Math.min(deadline, performance.now() + IDLE_MS));
      for (let step = 0; frames !== TIMED_OUT && step < MAX_STEPS && frames.every(isInternal(this.#scripts)); step++) {
        paused = true;
        frames = await within(this.#pause('Debugger.stepInto'), deadline);
      }
      if (frames === TIMED_OUT) {
        return unavailable(paused ? 'it stopped answering while stepping to its own code' : `idle: no JavaScript ran within ${IDLE_MS} ms (it answered the inspector, so it waits in its event loop)`);
      }
      paused = true;
      return { ...this.#thread, stackStatus: 'captured', stack: resolve(frames.map((frame) => locateFrame(this.#scripts, frame))) };
    } finally {
      // Not awaited beyond the deadline: the session's end (detach) resumes it anyway.
      if (paused) void this.#send('Debugger.resume');
      void this.#send('Debugger.disable');
    }
  }

  #pause(method: 'Debugger.pause' | 'Debugger.stepInto'): Promise<CallFrame[]> {
    const next = new Promise<CallFrame[]>((resolvePause) => {
      this.#onPaused = resolvePause;
    });
    void this.#send(method);
    return next;
  }

  #send(method: string): Promise<WorkerMessage> {
    const id = this.#nextId++;
    const answered = new Promise<WorkerMessage>((resolveAnswer) => this.#answers.set(id, resolveAnswer));
    const message = JSON.stringify({ id, method, params: {} });
    post(this.#session, 'NodeWorker.sendMessageToWorker', { sessionId: this.#sessionId, message }).then(
      () => {},
      () => {},
    );
    return answered;
  }

}

/** `[worker 3] pool` → thread 3, name `pool` (Node's title for a worker, named or not). */
export function parseTitle(title: string): { threadId: number; name: string } {
  const match = /^\[worker (\d+)\] ?(.*)$/s.exec(title);
  return match === null ? { threadId: -1, name: title } : { threadId: Number(match[1]), name: match[2] ?? '' };
}

function isInternal(scripts: Map<string, { url: string }>): (frame: CallFrame) => boolean {
  return (frame) => (scripts.get(frame.location.scriptId)?.url ?? '').startsWith('node:');
}

function post(session: Inspector.Session, method: string, params: object): Promise<unknown> {
  return new Promise((resolvePost) => {
    try {
      (session.post as Post).call(session, method, params, (error, result) => resolvePost(error ?? result));
    } catch (error) {
      resolvePost(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/** `promise`'s value, or TIMED_OUT at `deadline` (performance.now()). */
async function within<T>(promise: Promise<T>, deadline: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout(TIMED_OUT), Math.max(0, deadline - performance.now()));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
