// Which watchdog runs in this process, and whether the preload started it. Kept on globalThis
// under registered symbols, not in module state: the preload and the app may load the watchdog
// under two URLs (the package's dist/ and a copy vendored into the app), i.e. as two module instances.
import type { Watchdog } from './index.js';
import type { ResolvedOptions } from './options.js';

const RUNNING = Symbol.for('generator-bastion.watchdog.running');
const PRELOADED = Symbol.for('generator-bastion.watchdog.preloaded');
type Registry = { [RUNNING]?: Watchdog; [PRELOADED]?: Watchdog };

const registry = globalThis as Registry;

export function runningWatchdog(): Watchdog | undefined {
  return registry[RUNNING];
}

/** True when the running watchdog is the one the preload started. */
export function runningIsPreloaded(): boolean {
  return registry[RUNNING] !== undefined && registry[RUNNING] === registry[PRELOADED];
}

export function registerWatchdog(watchdog: Watchdog): void {
  registry[RUNNING] = watchdog;
}

/** Called by the preload on the watchdog it started: an app's own startWatchdog() may replace it. */
export function markPreloaded(watchdog: Watchdog): void {
  registry[PRELOADED] = watchdog;
}

export function unregisterWatchdog(watchdog: Watchdog): void {
  if (registry[RUNNING] === watchdog) delete registry[RUNNING];
  if (registry[PRELOADED] === watchdog) delete registry[PRELOADED];
}

// The options each watchdog was started with, resolved once: the preload's reports use them too.
const resolved = new WeakMap<Watchdog, ResolvedOptions>();

export function rememberOptions(watchdog: Watchdog, options: ResolvedOptions): void {
  resolved.set(watchdog, options);
}

export function optionsOf(watchdog: Watchdog): ResolvedOptions | undefined {
  return resolved.get(watchdog);
}
