// The preload: `node --import generator-bastion/watchdog/register app.js`. Configured only by
// environment variables; an invalid one is reported on one stderr line and the app runs unwatched.
import { isMainThread } from 'node:worker_threads';
import { formatHeapSnapshotOff, formatNotStarted, formatReportsOff, formatShutdownHookOff, writeStderr } from './format.js';
import { startWatchdog } from './index.js';
import { resolveEnabled, resolveHandleTracking, resolveHeapSnapshot, resolveReports, resolveShutdownTimeout } from './options.js';
import { configureHeapSnapshot, configureReports } from './reports.js';
import { markPreloaded, optionsOf } from './registry.js';
import { trackHandles } from './handles.js';
import { installShutdownHook } from './shutdown.js';

// isMainThread: worker threads inherit --import, and each would otherwise start its own watchdog.
if (isMainThread) start();

function start(): void {
  try {
    if (!resolveEnabled()) return;
  } catch (error) {
    writeStderr(formatNotStarted(error));
    return;
  }
  let started: ReturnType<typeof optionsOf>;
  try {
    const watchdog = startWatchdog();
    // Marked, so that an app's own startWatchdog() replaces it instead of failing.
    markPreloaded(watchdog);
    // Resolved once, by startWatchdog(): the reports go where the dumps go.
    started = optionsOf(watchdog);
  } catch (error) {
    writeStderr(formatNotStarted(error));
  }
  // Apart from the watchdog: either one works without the other.
  try {
    const timeoutMs = resolveShutdownTimeout();
    // Only when asked for (async_hooks cost throughput), and before the app's own code runs. Not
    // loaded with import(): top-level await would keep the preload from being require()d (-r).
    const tracker = timeoutMs > 0 && resolveHandleTracking() ? trackHandles() : undefined;
    if (timeoutMs > 0) installShutdownHook(timeoutMs, tracker);
  } catch (error) {
    writeStderr(formatShutdownHookOff(error));
  }
  // Into the watchdog's directory: only when its options were good (one line has said so otherwise).
  if (started === undefined) return;
  try {
    const reports = resolveReports();
    if (reports.enabled) configureReports(started, reports.signal);
  } catch (error) {
    writeStderr(formatReportsOff(error));
  }
  try {
    if (resolveHeapSnapshot()) configureHeapSnapshot();
  } catch (error) {
    writeStderr(formatHeapSnapshotOff(error));
  }
}
