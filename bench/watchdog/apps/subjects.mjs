// Installs one benchmark subject (bastion or an anchor) inside the current process.
// Plain JS on purpose: anchors are bench-only dependencies that the root typecheck never sees.
//
// Environment (set by run.ts):
//   BENCH_SUBJECT      subject id (see SUBJECTS in ../lib/subjects.ts)
//   BENCH_THRESHOLD_MS stall threshold given to every detector
//   BENCH_SINK_URL     loopback sink that plays the Sentry ingest endpoint (no real network)
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import inspector from 'node:inspector';

const require = createRequire(import.meta.url);

export const subject = process.env.BENCH_SUBJECT ?? 'baseline';
const thresholdMs = Number(process.env.BENCH_THRESHOLD_MS ?? 500);

/** Wall-clock time with sub-millisecond resolution, comparable across processes. */
export function wallNow() {
  return performance.timeOrigin + performance.now();
}

/** One protocol line on stdout, written synchronously so it is out before any stall begins. */
export function emit(tag, payload) {
  writeSync(1, `${tag} ${JSON.stringify(payload)}\n`);
}

/** Function names from a V8 `Error.stack`-style string or array of "at ..." lines. */
function functionNamesOf(stackLines) {
  const names = [];
  for (const line of stackLines) {
    const match = /^\s*at (?:async )?([^\s(]+) \(/.exec(line);
    names.push(match?.[1] ?? '<anonymous>');
  }
  return names;
}

// Sentry's own transport on the main thread never sends; its watchdog workers build their own
// HTTP transport from the DSN, so the DSN points at the harness's loopback sink.
async function initSentry(integration) {
  const Sentry = require('@sentry/node');
  Sentry.init({
    dsn: process.env.BENCH_SINK_URL,
    defaultIntegrations: false,
    integrations: [integration(Sentry)],
    transport: (options) => Sentry.createTransport(options, async () => ({})),
  });
}

const installers = {
  // bastion is preloaded by run.ts with --import; the baselines install nothing.
  baseline: () => {},
  bastion: () => {},
  'bastion-tracking': () => {},
  fastify: () => {},
  'trace-sigint': () => {},

  'sentry-anr': () =>
    initSentry((Sentry) =>
      Sentry.anrIntegration({ anrThreshold: thresholdMs, captureStackTrace: true, maxAnrEvents: 1e6 }),
    ),

  'sentry-native': () =>
    initSentry(() => {
      const { eventLoopBlockIntegration } = require('@sentry/node-native');
      return eventLoopBlockIntegration({ threshold: thresholdMs, maxEventsPerHour: 1e6 });
    }),

  'blocked-at': () => {
    const blocked = require('blocked-at');
    blocked(
      (blockedMs, stack) => {
        emit('DETECTED', { at: wallNow(), blockedMs, frames: functionNamesOf(stack) });
      },
      { threshold: thresholdMs },
    );
  },

  // Only exits the process when a *parent pid* disappears: the event-loop check was removed after
  // native-watchdog 0.3.0. Installed here for its overhead; it cannot report a stall.
  'native-watchdog': () => {
    require('@vscode/native-watchdog').start(process.ppid);
  },

  // under-pressure is a Fastify plugin: the server/stall apps register it through
  // `createFastifyApp`; nothing to do at process level.
  'under-pressure': () => {},
};

/** Installs the subject named by BENCH_SUBJECT; resolves once it is running. */
export async function installSubject() {
  const install = installers[subject];
  if (install === undefined) throw new TypeError(`unknown BENCH_SUBJECT ${JSON.stringify(subject)}`);
  await install();
  // Sentry's ANR integration opens the inspector on a TCP port when it captures stacks: report it.
  setTimeout(() => {
    const url = inspector.url();
    if (url !== undefined) emit('NOTE', { inspectorPort: url });
  }, 500).unref();
}

export const usesFastify = subject === 'fastify' || subject === 'under-pressure';

/** Builds the Fastify app used by the `fastify` baseline and by under-pressure. */
export async function createFastifyApp() {
  const Fastify = require('fastify');
  const app = Fastify({ logger: false });
  if (subject === 'under-pressure') {
    await app.register(require('@fastify/under-pressure'), {
      maxEventLoopDelay: thresholdMs,
      // 50 ms sampling, like Sentry ANR's poll: tighter than the 1 s default so detection is fair.
      sampleInterval: 50,
    });
  }
  return app;
}
