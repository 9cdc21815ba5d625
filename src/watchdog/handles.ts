// Handle tracking for the shutdown-hang report (opt-in: BASTION_HANDLE_TRACKING): where each handle
// that can keep the process alive was created. A small async_hooks tracker of our own rather than
// why-is-node-running: the preload has no runtime dependency (an app would have to install it, and
// load it before its own code), and why-is-node-running 3 enables its hook as soon as it is imported
// and captures a stack for every async resource but promises and three other kinds, then prints
// its own report through a logger. This one keeps a stack only for the kinds below, leaves V8 to
// format it only if the report needs it, drops it at the destroy event, and its lines go into the
// report's block. Its cost (async_hooks' promise hooks above all) is measured in docs/watchdog.md.
import type { AsyncHook } from 'node:async_hooks';

/**
 * async_hooks' names of the resources that keep a process alive while referenced (servers,
 * sockets, timers, child processes, watchers), as getActiveResourcesInfo() would list them.
 */
const KEEPS_ALIVE: ReadonlyMap<string, string> = new Map([
  ['TCPSERVERWRAP', 'TCPServerWrap'],
  ['TCPWRAP', 'TCPSocketWrap'],
  ['PIPESERVERWRAP', 'PipeServerWrap'],
  ['PIPEWRAP', 'PipeWrap'],
  ['UDPWRAP', 'UDPWrap'],
  ['Timeout', 'Timeout'],
  ['Immediate', 'Immediate'],
  ['PROCESSWRAP', 'ProcessWrap'],
  ['FSEVENTWRAP', 'FSEventWrap'],
  ['STATWATCHER', 'StatWatcher'],
  ['SIGNALWRAP', 'SignalWrap'],
  ['TTYWRAP', 'TTYWrap'],
]);

// Enough to get past Node's own frames (net, http, timers) to the app's call.
const STACK_FRAMES = 12;
// The report shows this many frames of each handle, the app's first.
const SHOWN_FRAMES = 4;

interface Tracked {
  kind: string;
  resource: { hasRef?: () => boolean };
  /** Formatted by V8 only when read (the report): capturing is the cost paid per handle. */
  trace: { stack?: string };
}

/** A handle still open, and where it was created (innermost frame first). */
export interface OpenHandle {
  kind: string;
  frames: string[];
}

export interface HandleTracker {
  /** The tracked handles that are still open and referenced (would keep the process alive). */
  openHandles(): OpenHandle[];
  uninstall(): void;
}

/** Starts recording the creation stack of each handle that can keep the process alive. */
export function trackHandles(): HandleTracker {
  // Not `import`: as everywhere in the preload, built-ins through getBuiltinModule, and only here.
  const { createHook } = process.getBuiltinModule('node:async_hooks');
  const { Server } = process.getBuiltinModule('node:net');
  const tracked = new Map<number, Tracked>();
  const init = (asyncId: number, type: string, _triggerId: number, resource: object): void => {
    const kind = KEEPS_ALIVE.get(type);
    if (kind === undefined) return;
    // Timers made unref'd (a socket's idle timeout, re-armed with each HTTP response) keep
    // nothing alive, and a stack for each cost an HTTP server half its throughput (measured).
    // The Timeout constructor sets its ref state before this event; a timer ref()ed later is missed.
    if (type === 'Timeout' && (resource as Tracked['resource']).hasRef?.() === false) return;
    tracked.set(asyncId, { kind, resource: resource as Tracked['resource'], trace: captureTrace(init) });
  };
  const hook: AsyncHook = createHook({
    init,
    destroy(asyncId) {
      tracked.delete(asyncId);
    },
  });
  // A server given a host name creates its handle in a callback of the address lookup, where no
  // frame of the app is on the stack: the listen() call is where the app made it.
  const listens = new WeakMap<object, Tracked['trace']>();
  const listen = Object.getOwnPropertyDescriptor(Server.prototype, 'listen');
  const original = Server.prototype.listen;
  Server.prototype.listen = function listenTracked(this: object, ...args: unknown[]) {
    listens.set(this, captureTrace(listenTracked));
    return (original as (...values: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  hook.enable();
  return {
    openHandles: () =>
      [...tracked.values()]
        .filter(({ resource }) => typeof resource.hasRef !== 'function' || resource.hasRef())
        .map(({ kind, resource, trace }) => {
          const owner = ownerOf(resource);
          const frames = appFrames(trace.stack ?? '') ?? appFrames((owner === undefined ? undefined : listens.get(owner))?.stack ?? '');
          return { kind, frames: frames ?? internalFrames(trace.stack ?? '') };
        }),
    uninstall: () => {
      hook.disable();
      tracked.clear();
      if (listen !== undefined) Object.defineProperty(Server.prototype, 'listen', listen);
    },
  };
}

/**
 * A stack trace from the caller of `hook` (our frames left out by reference, not by file name: the
 * build bundles this module into the preload's file), formatted by V8 only when read.
 */
function captureTrace(hook: (...args: never[]) => unknown): Tracked['trace'] {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = STACK_FRAMES;
  const trace: Tracked['trace'] = {};
  Error.captureStackTrace(trace, hook);
  Error.stackTraceLimit = limit;
  return trace;
}

/** The object a native handle belongs to (a net.Server, a Socket), which Node keeps under a symbol. */
function ownerOf(resource: object): object | undefined {
  const symbol = Object.getOwnPropertySymbols(resource).find((candidate) => candidate.description === 'owner_symbol');
  const owner: unknown = symbol === undefined ? undefined : (resource as Record<symbol, unknown>)[symbol];
  return typeof owner === 'object' && owner !== null ? owner : undefined;
}

function frameLines(stack: string): string[] {
  return stack
    .split('\n')
    .slice(1)
    .map((line) => line.trim().replace(/^at /, ''));
}

/**
 * The stack's frames from the first of the app's own (not Node's, not the watchdog's): where the
 * app's code created the handle. Undefined when no frame of the app is on the stack.
 */
function appFrames(stack: string): string[] | undefined {
  const frames = frameLines(stack);
  const first = frames.findIndex((frame) => !frame.includes('node:'));
  return first === -1 ? undefined : frames.slice(first, first + SHOWN_FRAMES);
}

function internalFrames(stack: string): string[] {
  return frameLines(stack).slice(0, SHOWN_FRAMES);
}
