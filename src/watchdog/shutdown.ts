// The shutdown-hang report (a built-in why-is-node-running): when an app that handles SIGTERM or
// SIGINT itself is still alive some time after the signal, say what keeps it alive and exit 1.
// The preload's only; it runs on the main thread (a loop that blocks during shutdown is the
// watchdog's to report).
import { formatShutdownHang, writeStderr } from './format.js';
import type { HandleTracker } from './handles.js';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type Signal = (typeof SIGNALS)[number];

/**
 * Installs the hook; returns its uninstall. Any listener for a signal replaces the signal's
 * default action (ending the process), so ours is attached only while the app has a listener of
 * its own, and taken off when the app removes its last one. At the signal, it takes itself off
 * before the app's listeners run, so that one which counts listeners (signal-exit re-raises the
 * signal when it finds itself alone) sees what it would see without the preload.
 */
export function installShutdownHook(timeoutMs: number, tracker?: HandleTracker): () => void {
  let timer: NodeJS.Timeout | undefined;
  const ours = new Map<Signal, () => void>(SIGNALS.map((signal) => [signal, () => onSignal(signal)]));
  const attached = new Set<Signal>();

  const attach = (signal: Signal): void => {
    if (attached.has(signal)) return;
    attached.add(signal);
    // First in line, so that it is off again before any of the app's listeners runs.
    process.prependListener(signal, ours.get(signal)!);
  };
  const detach = (signal: Signal): void => {
    if (attached.delete(signal)) process.removeListener(signal, ours.get(signal)!);
  };
  const appListeners = (signal: Signal): number => process.listeners(signal).filter((listener) => listener !== ours.get(signal)).length;

  // 'newListener' comes before the listener is added, 'removeListener' after it is gone.
  const onNewListener = (event: string | symbol, listener: unknown): void => {
    if (isSignal(event) && listener !== ours.get(event)) attach(event);
  };
  const onRemoveListener = (event: string | symbol, listener: unknown): void => {
    if (isSignal(event) && listener !== ours.get(event) && appListeners(event) === 0) detach(event);
  };
  const unwatch = (): void => {
    process.removeListener('newListener', onNewListener);
    process.removeListener('removeListener', onRemoveListener);
    for (const signal of SIGNALS) detach(signal);
  };
  // Called only while attached, i.e. while the app has a listener of its own for this signal.
  function onSignal(signal: Signal): void {
    unwatch();
    // Unref'd: the countdown never keeps the process alive by itself.
    timer = setTimeout(() => {
      writeStderr(formatShutdownHang(signal, timeoutMs, process.pid, process.getActiveResourcesInfo(), tracker?.openHandles()));
      process.exit(1);
    }, timeoutMs).unref();
  }

  process.on('newListener', onNewListener);
  process.on('removeListener', onRemoveListener);
  for (const signal of SIGNALS) if (appListeners(signal) > 0) attach(signal);
  return () => {
    unwatch();
    clearTimeout(timer);
    tracker?.uninstall();
  };
}

function isSignal(event: string | symbol): event is Signal {
  return (SIGNALS as readonly (string | symbol)[]).includes(event);
}
