// An in-process inspector session on the main thread, opened from the watchdog worker only while
// a stall is being handled. No port is opened (never inspector.open()), and no session stays
// connected in steady state: a connected session makes Node print "Waiting for the debugger to
// disconnect..." when the app calls process.exit(), and keeps debugger bookkeeping alive.
import type * as Inspector from 'node:inspector';

/** A main-thread frame as the inspector reports it (0-based line and column). */
export interface PausedFrame {
  functionName: string;
  url: string;
  sourceMapURL: string;
  lineNumber: number;
  columnNumber: number;
}

/** The main thread, held paused by the watchdog. */
export interface PausedMain {
  readonly frames: readonly PausedFrame[];
  /** Evaluates `expression` on the outermost frame and returns its value (undefined if it threw). */
  evaluate(expression: string): Promise<unknown>;
  /** Evaluates without waiting for an answer (for `process.exit()`, which never answers). */
  evaluateAndForget(expression: string): void;
  /** Runs the main thread to the next statement, stepping into calls: the next pause. */
  stepInto(): Promise<PausedMain>;
}

export interface PauseRequest {
  /** Settles once the main thread has answered the inspector at all (it is in JavaScript). */
  responsive: Promise<void>;
  /** Settles when the main thread has paused (never, while it stays in native code). */
  paused: Promise<PausedMain>;
}

interface ScriptInfo {
  url: string;
  sourceMapURL: string;
}

/** A frame of a `Debugger.paused` event, as far as the watchdog reads it. */
export interface CallFrame {
  functionName: string;
  location: { scriptId: string; lineNumber: number; columnNumber?: number };
}

/** The main thread's frames also carry the id that evaluateOnCallFrame takes. */
interface MainCallFrame extends CallFrame {
  callFrameId: string;
}

/**
 * Where a paused frame is: its script's URL and source map, from the `Debugger.scriptParsed`
 * events (`CallFrame.url` is empty on current Node versions).
 */
export function locateFrame(scripts: ReadonlyMap<string, { url: string; sourceMapURL: string }>, frame: CallFrame): PausedFrame {
  const script = scripts.get(frame.location.scriptId);
  return {
    functionName: frame.functionName,
    url: script?.url ?? '',
    sourceMapURL: script?.sourceMapURL ?? '',
    lineNumber: frame.location.lineNumber,
    columnNumber: frame.location.columnNumber ?? 0,
  };
}

type Post = (method: string, params: object, callback: (error: Error | null, result?: unknown) => void) => void;

// Imported synchronously rather than with `import`: builds without the inspector throw
// ERR_INSPECTOR_NOT_AVAILABLE on load, and the watchdog must then degrade rather than die.
// (A dynamic import() is not an option: with it, the session's callbacks never fire in a worker.)
function loadInspector(): typeof Inspector | Error {
  try {
    return process.getBuiltinModule('node:inspector');
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

const inspector = loadInspector();

export class MainThreadSession {
  readonly #session: Inspector.Session;
  readonly #scripts = new Map<string, ScriptInfo>();

  /** Connects to the main thread; throws when this build or process has no inspector. */
  constructor() {
    if (inspector instanceof Error) throw inspector;
    this.#session = new inspector.Session();
    this.#session.connectToMainThread();
    // Debugger.enable replays every script parsed so far: the only source of frame URLs,
    // since CallFrame.url is empty on current Node versions.
    this.#session.on('Debugger.scriptParsed', ({ params }) => {
      this.#scripts.set(params.scriptId, { url: params.url, sourceMapURL: params.sourceMapURL ?? '' });
    });
  }

  /**
   * Asks the main thread to pause (once per session: a capture opens a session of its own).
   * `Debugger.enable` and `Debugger.pause` are posted back to back, so the pause is already
   * pending when a native call returns. `responsive` settles as soon as the main thread handles
   * any inspector message: it can only do so while running JavaScript.
   */
  pause(): PauseRequest {
    const paused = this.#nextPause();
    // A trivial request first: its answer comes back before Debugger.enable has replayed every
    // script (tens of ms, far more on a starved CPU), which says nothing about native code.
    const responsive = new Promise<void>((resolve) => this.#post('Runtime.getIsolateId', {}, () => resolve()));
    this.#send('Debugger.enable');
    this.#send('Debugger.pause');
    return { responsive, paused };
  }

  disconnect(): void {
    this.#session.disconnect();
  }

  #nextPause(): Promise<PausedMain> {
    return new Promise((resolve) => {
      this.#session.once('Debugger.paused', ({ params }) => {
        resolve(this.#pausedMain(params.callFrames as MainCallFrame[]));
      });
    });
  }

  #pausedMain(callFrames: MainCallFrame[]): PausedMain {
    // The outermost frame is the loop's entry into JavaScript: in the main realm, with no
    // application locals that could shadow `process` (the top frame may be inside a vm context).
    const frameId = callFrames.at(-1)?.callFrameId;
    const evaluate = (expression: string, callback: (error: Error | null, result?: unknown) => void): void => {
      if (frameId === undefined) return callback(new Error('no frame to evaluate on'));
      const params = { callFrameId: frameId, expression, returnByValue: true, silent: true };
      this.#post('Debugger.evaluateOnCallFrame', params, callback);
    };
    return {
      frames: callFrames.map((frame) => locateFrame(this.#scripts, frame)),
      evaluate: (expression) =>
        new Promise((resolve) => {
          evaluate(expression, (error, result) => {
            const answer = result as { result?: { value?: unknown }; exceptionDetails?: unknown } | undefined;
            resolve(error || answer?.exceptionDetails ? undefined : answer?.result?.value);
          });
        }),
      evaluateAndForget: (expression) => evaluate(expression, ignore),
      stepInto: () => {
        const next = this.#nextPause();
        this.#send('Debugger.stepInto');
        return next;
      },
    };
  }


  #send(method: string): void {
    this.#post(method, {}, ignore);
  }

  #post(method: string, params: object, callback: (error: Error | null, result?: unknown) => void): void {
    try {
      (this.#session.post as Post).call(this.#session, method, params, callback);
    } catch (error) {
      // post() throws synchronously once the session is gone (e.g. after disconnect()).
      callback(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

function ignore(): void {}
