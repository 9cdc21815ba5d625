// The preload: `node --import generator-bastion/watchdog/register app.js`. Configured only by
// environment variables; an invalid one is reported on one stderr line and the app runs unwatched.
import { isMainThread } from 'node:worker_threads';
import { formatNotStarted, writeStderr } from './format.js';
import { startWatchdog } from './index.js';
import { resolveEnabled } from './options.js';
import { markPreloaded } from './registry.js';

// isMainThread: worker threads inherit --import, and each would otherwise start its own watchdog.
if (isMainThread) {
  try {
    // Marked, so that an app's own startWatchdog() replaces it instead of failing.
    if (resolveEnabled()) markPreloaded(startWatchdog());
  } catch (error) {
    writeStderr(formatNotStarted(error));
  }
}
