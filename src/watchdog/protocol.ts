// What the main thread hands the watchdog worker at start-up (structured-cloned workerData).
import type { Histogram } from 'node:perf_hooks';
import type { ResolvedOptions } from './options.js';

export interface WorkerData {
  readonly options: ResolvedOptions;
  readonly heartbeat: SharedArrayBuffer;
  /** The heartbeat's first value, stored by startWatchdog() itself: later values are loop turns. */
  readonly startedNs: bigint;
  readonly intervalMs: number;
  /**
   * The URL of the module whose timer ticks the heartbeat: a pause that lands there found the main
   * thread idle. Passed, not derived from a file name: the build bundles that module (index.ts).
   */
  readonly heartbeatUrl: string;
  /**
   * The main thread's event-loop delay histogram. Histograms clone by reference to the same
   * native counters, so the worker reads live percentiles without running code on the main thread.
   */
  readonly loopDelay: Histogram;
  /** Why the inspector must not be used in this process, if it must not (see inspectorBlocker). */
  readonly inspectorBlocked: string | undefined;
  /** Main-thread facts the worker cannot see for itself (its own argv/execArgv differ). */
  readonly argv: readonly string[];
  readonly execArgv: readonly string[];
  /**
   * Where to serve `bastion dump`: a private directory, the socket named by the pid in it, and the
   * file whose appearance asks the worker to open that socket (see worker.ts).
   */
  readonly socket: { readonly enabled: boolean; readonly dir: string; readonly path: string; readonly wake: string };
}

/**
 * Why this process cannot lend its main thread to an inspector session, or undefined if it can.
 * Asked on the main thread: the worker runs without the process's flags. Under the permission
 * model without --allow-inspector, connectToMainThread() would not throw but fail a native
 * assertion and abort the whole process.
 */
export function inspectorBlocker(): string | undefined {
  if (!process.features.inspector) return 'this Node.js build has no inspector';
  if (process.permission?.has('inspector') === false) return 'the permission model denies it (run with --allow-inspector)';
  return undefined;
}
