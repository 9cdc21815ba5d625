// Node's diagnostic reports (process.report), set up by the preload: when the process dies of a
// fatal error (out of memory, a failed assertion in native code) or of an uncaught exception, Node
// writes a JSON report (JavaScript and native stacks, heap, libuv handles, environment) into the
// watchdog's directory, where the stall dumps are; on request, on a signal the app names.
import { ensureDirectory, pruneDumps } from './dump.js';
import type { ResolvedOptions } from './options.js';

type ReportSettings = Pick<NodeJS.ProcessReport, 'directory' | 'reportOnFatalError' | 'reportOnUncaughtException' | 'reportOnSignal' | 'signal'>;

/** Configures the reports; returns the undo. Throws when the directory cannot be made. */
export function configureReports(options: Pick<ResolvedOptions, 'dir' | 'dirIsDefault' | 'maxDumps' | 'maxDumpBytes'>, signal: NodeJS.Signals | undefined): () => void {
  const report = process.report;
  const previous: ReportSettings = {
    directory: report.directory,
    reportOnFatalError: report.reportOnFatalError,
    reportOnUncaughtException: report.reportOnUncaughtException,
    reportOnSignal: report.reportOnSignal,
    signal: report.signal,
  };
  // Node writes no report into a directory that is not there, and says nothing when it fails.
  ensureDirectory({ dir: options.dir, mustBePrivate: options.dirIsDefault });
  // Reports are written as the process dies, so the next start is when they can be pruned (the
  // watchdog also prunes them with each stall dump it writes), with the dumps' retention.
  pruneDumps({ dir: options.dir, mustBePrivate: options.dirIsDefault, maxDumps: options.maxDumps, maxDumpBytes: options.maxDumpBytes }, '');
  report.directory = options.dir;
  report.reportOnFatalError = true;
  report.reportOnUncaughtException = true;
  if (signal !== undefined) {
    report.signal = signal;
    report.reportOnSignal = true;
  }
  return () => Object.assign(report, previous);
}

/**
 * A heap snapshot when the main thread's heap nears its limit (BASTION_HEAP_SNAPSHOT, opt-in:
 * snapshots hold the app's data). Node writes it to --diagnostic-dir, else the working directory:
 * no API moves it (process.report.directory does not), and Node prints its path on stderr.
 */
export function configureHeapSnapshot(): void {
  process.getBuiltinModule('node:v8').setHeapSnapshotNearHeapLimit(1);
}
