// Public API: startWatchdog() starts the heartbeat on the calling (main) thread and the watchdog
// worker that watches it; stop() undoes both. getWatchdog() reaches the one running (the preload's too).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ELDHistogram, EventLoopUtilization } from 'node:perf_hooks';
import { isMainThread, Worker } from 'node:worker_threads';
import { readLoopDelay } from './facts.js';
import { formatWorkerError, writeStderr } from './format.js';
import { createHeartbeat, HeartbeatSlot, heartbeatIntervalMs } from './heartbeat.js';
import { resolveOptions } from './options.js';
import type { ResolvedOptions, WatchdogAction, WatchdogOptions } from './options.js';
import { inspectorBlocker } from './protocol.js';
import type { WorkerData } from './protocol.js';
import type { LoopDelay } from './schema.js';
import { registerWatchdog, rememberOptions, runningIsPreloaded, runningWatchdog, unregisterWatchdog } from './registry.js';
import { privateDirectory, removeSocket, removeWakeFile, socketPath, wakePath } from './socket-path.js';

export type { WatchdogAction, WatchdogOptions } from './options.js';
export type { LoopDelay, MemoryFacts, NativeState, OnDemandDump, ProcessFacts, SourcePosition, StackFrame, StackStatus, StallDump, ThreadStack } from './schema.js';

/** What the watchdog has seen, for the app to publish (on /metrics, say). */
export interface WatchdogStats {
  /** Stalls detected since this watchdog started. */
  stalls: number;
  /** The longest of them (ms), measured from the last heartbeat like `stalledMs`; 0 when none. */
  longestStallMs: number;
  /**
   * A stall is in progress: the watchdog has detected one and not yet seen the loop tick again.
   * The main thread cannot run while it is stalled, so there it reads true only right after a
   * stall, until its next heartbeat and the worker's next look (two heartbeat intervals, at most 500 ms).
   */
  stalled: boolean;
  /** How late the main loop ran a timer, since start (the dump's `eventLoop.delayMs`); 0s before any sample. */
  eventLoopDelayMs: LoopDelay;
  /** Event-loop utilization of the main thread (0 … 1) since the previous stats() call, or since start. */
  eventLoopUtilization: number;
}

export interface Watchdog {
  /** Stops watching at once and terminates the worker; resolves once the worker is gone. Idempotent. */
  stop(): Promise<void>;
  readonly dir: string;
  readonly timeoutMs: number;
  readonly action: WatchdogAction;
  /** Its figures so far; costs a few reads of shared memory and of the delay histogram. */
  stats(): WatchdogStats;
}

const NO_DELAY: LoopDelay = { min: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };

// Small: the worker holds a few source maps at most while writing a dump. A young generation of
// 3 MB rather than 8 keeps V8 from growing the worker's new space: measured, 0.7 MiB less private
// memory for the idle process (docs/watchdog.md, "Memory"), for more scavenges while a dump is written.
const WORKER_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 3, codeRangeSizeMb: 16, stackSizeMb: 4 };

/**
 * Starts watching the event loop of the calling thread (the main thread). Options default to
 * the BASTION_WATCHDOG_* environment variables, then to the documented defaults; an invalid
 * value throws a TypeError or RangeError that names it. One watchdog per process.
 *
 * If the preload's watchdog is running, it is stopped and replaced by one with these options
 * (over the same environment): the app then runs the same with or without the preload, and
 * adding the preload to a service that starts its own watchdog cannot crash it. Returning the
 * running one when the options agree and throwing when they differ would do exactly that as soon
 * as the environment and the app's code disagree on any option. A watchdog started by an earlier
 * startWatchdog() is not replaced: two owners in one app is a mistake, and the first holds stop().
 */
export function startWatchdog(options?: WatchdogOptions): Watchdog {
  if (!isMainThread) throw new Error('startWatchdog() must be called on the main thread');
  const resolved = resolveOptions(options);
  const running = runningWatchdog();
  if (running !== undefined && !runningIsPreloaded()) {
    throw new Error(`a bastion watchdog is already running in this process (dumps to ${running.dir}); stop() it first, or use getWatchdog()`);
  }
  // The new one first, since it can throw (and the preload's then keeps watching); the old one
  // stops judging at once, and its worker ends in the background.
  const watchdog = new RunningWatchdog(resolved);
  rememberOptions(watchdog, resolved);
  void running?.stop();
  registerWatchdog(watchdog);
  return watchdog;
}

/** The watchdog running in this process (started by the preload or by startWatchdog()), if any. */
export function getWatchdog(): Watchdog | undefined {
  return runningWatchdog();
}

class RunningWatchdog implements Watchdog {
  readonly dir: string;
  readonly timeoutMs: number;
  readonly action: WatchdogAction;
  readonly #timer: NodeJS.Timeout;
  readonly #loopDelay: ELDHistogram;
  readonly #worker: Worker;
  readonly #slots: BigInt64Array;
  readonly #intervalMs: number;
  readonly #removeSocket: () => void;
  #utilization: EventLoopUtilization;
  #stopped: Promise<void> | undefined;

  constructor(options: ResolvedOptions) {
    this.dir = options.dir;
    this.timeoutMs = options.timeoutMs;
    this.action = options.action;
    const intervalMs = heartbeatIntervalMs(options.timeoutMs);
    this.#intervalMs = intervalMs;
    this.#utilization = performance.eventLoopUtilization();
    const heartbeat = createHeartbeat();
    const slots = new BigInt64Array(heartbeat);
    this.#slots = slots;
    const tick = (): void => {
      Atomics.store(slots, HeartbeatSlot.lastTickNs, process.hrtime.bigint());
    };
    tick();
    this.#loopDelay = monitorEventLoopDelay({ resolution: intervalMs });
    const socketDir = privateDirectory();
    const socket = { enabled: options.dumpSocket, dir: socketDir, path: socketPath(socketDir, process.pid), wake: wakePath(socketDir, process.pid) };
    const workerData: WorkerData = {
      options,
      heartbeat,
      startedNs: Atomics.load(slots, HeartbeatSlot.lastTickNs),
      intervalMs,
      heartbeatUrl: import.meta.url,
      loopDelay: this.#loopDelay,
      inspectorBlocked: inspectorBlocker(),
      argv: process.argv,
      execArgv: process.execArgv,
      socket,
    };
    // No execArgv and no NODE_OPTIONS: a preload in either would start a watchdog inside the watchdog.
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    // First, since it can throw (e.g. the permission model without --allow-worker): nothing to undo yet.
    this.#worker = new Worker(new URL('./worker.js', import.meta.url), {
      name: 'bastion-watchdog',
      workerData,
      execArgv: [],
      env,
      resourceLimits: WORKER_LIMITS,
    });
    this.#worker.unref();
    // Never throw into the host: a failed watchdog says so once and stops watching.
    this.#worker.on('error', (error) => writeStderr(formatWorkerError(error)));
    this.#worker.once('exit', () => this.#release());
    // The worker cannot clean up after itself when it is terminated, nor when the process exits:
    // the socket it made (that very file, by inode: a successor may have made its own) goes here.
    // A wake-up file that came too late to be read goes too (ours by name: it names this pid).
    this.#removeSocket = () => {
      const ino = Atomics.load(slots, HeartbeatSlot.socketIno);
      if (ino !== 0n) removeSocket(socket.path, BigInt.asUintN(64, ino));
      if (socket.enabled) removeWakeFile(socket.wake);
    };
    process.on('exit', this.#removeSocket);

    // The whole steady-state cost: one store per interval, from a timer that keeps nothing alive,
    // and the delay histogram, sampled by a native unref'd timer at the same pace (no JavaScript).
    this.#timer = setInterval(tick, intervalMs).unref();
    this.#loopDelay.enable();
  }

  stats(): WatchdogStats {
    const now = performance.eventLoopUtilization();
    // NaN when no time has passed since the previous call.
    const { utilization } = performance.eventLoopUtilization(now, this.#utilization);
    this.#utilization = now;
    return {
      stalls: Number(Atomics.load(this.#slots, HeartbeatSlot.stalls)),
      longestStallMs: Number(Atomics.load(this.#slots, HeartbeatSlot.longestStallMs)),
      stalled: Atomics.load(this.#slots, HeartbeatSlot.stalled) !== 0n,
      eventLoopDelayMs: readLoopDelay(this.#loopDelay, this.#intervalMs) ?? { ...NO_DELAY },
      eventLoopUtilization: Number.isFinite(utilization) ? utilization : 0,
    };
  }

  stop(): Promise<void> {
    if (this.#stopped === undefined) {
      // At once, not when the worker is gone: a watchdog started next must be the only one judging.
      // The heartbeat keeps ticking until then, so a stall the worker is handling still sees the recovery.
      Atomics.store(this.#slots, HeartbeatSlot.stopped, 1n);
      unregisterWatchdog(this);
      this.#stopped = this.#worker.terminate().then(
        () => this.#release(),
        () => this.#release(),
      );
    }
    return this.#stopped;
  }

  #release(): void {
    process.off('exit', this.#removeSocket);
    this.#removeSocket();
    clearInterval(this.#timer);
    this.#loopDelay.disable();
    unregisterWatchdog(this);
  }
}
