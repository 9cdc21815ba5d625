// The preload: `node --import generator-bastion/watchdog/register app.js`. Configured only by
// environment variables; an invalid one is reported on one stderr line and the app runs unwatched.
import { isMainThread } from 'node:worker_threads';
import { formatNotStarted, formatShutdownHookOff, writeStderr } from './format.js';
import { startWatchdog } from './index.js';
import { resolveEnabled, resolveShutdownTimeout } from './options.js';
import { markPreloaded } from './registry.js';
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
  try {
    // Marked, so that an app's own startWatchdog() replaces it instead of failing.
    markPreloaded(startWatchdog());
  } catch (error) {
    writeStderr(formatNotStarted(error));
  }
  // Apart from the watchdog: either one works without the other.
  try {
    const timeoutMs = resolveShutdownTimeout();
    if (timeoutMs > 0) installShutdownHook(timeoutMs);
  } catch (error) {
    writeStderr(formatShutdownHookOff(error));
  }
}
