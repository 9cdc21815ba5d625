// The human-readable stderr lines. The worker writes them with fs.writeSync(2): console output
// from a worker is relayed by the main thread, which is exactly the thread that is stuck.
import type { NativeState, StackFrame, StallDump } from './schema.js';

// Not `import`: an ES import of node:fs loads fs.promises and ~20 modules into the worker (1 MiB).
const { writeSync } = process.getBuiltinModule('node:fs');

const PREFIX = 'bastion watchdog:';
const MAX_FRAMES = 10;

/** Writes to fd 2 synchronously; a closed or broken stderr (EBADF, EPIPE) is not the host's problem. */
export function writeStderr(text: string): void {
  if (text === '') return;
  try {
    writeSync(2, text);
  } catch {
    // Nowhere left to say it.
  }
}

export function formatStall(dump: StallDump, dumpPath: string | undefined): string {
  const lines = [`${PREFIX} event loop stalled for ${dump.stalledMs} ms (threshold ${dump.thresholdMs} ms), pid ${dump.pid}`];
  if (dump.stack.length > 0) {
    lines.push(...formatFrames(dump.stack));
  } else {
    lines.push(`  stack not captured: ${dump.stackError ?? dump.stackStatus}`);
  }
  if (dump.native !== undefined) lines.push(`  main thread: ${describeNative(dump.native)}`);
  if (dumpPath !== undefined) lines.push(`  dump: ${dumpPath}`);
  return lines.join('\n') + '\n';
}

/** The stack of a main thread that was in native code, taken as its call returned. */
export function formatStackOnReturn(dump: StallDump, dumpPath: string | undefined): string {
  const { delayMs, stack } = dump.stackOnReturn ?? { delayMs: 0, stack: [] };
  const lines = [`${PREFIX} native call returned ${delayMs} ms after the stall was detected, pid ${dump.pid}; first JavaScript after it:`];
  lines.push(...formatFrames(stack));
  if (dumpPath !== undefined) lines.push(`  dump updated: ${dumpPath}`);
  return lines.join('\n') + '\n';
}

/** The worker threads' stacks, added to a stall dump: the top frame of each. */
export function formatThreads(dump: StallDump, dumpPath: string | undefined): string {
  const threads = dump.threads ?? [];
  if (threads.length === 0 && dump.threadsError === undefined) return '';
  const lines = [`${PREFIX} worker threads of pid ${dump.pid} during the stall:`];
  if (dump.threadsError !== undefined) lines.push(`  not read: ${dump.threadsError}`);
  for (const thread of threads) {
    const top = thread.stack[0];
    const what = top === undefined ? `stack not captured: ${thread.stackError ?? thread.stackStatus}` : formatFrame(top).trim();
    lines.push(`  thread ${thread.threadId}${thread.name === '' ? '' : ` (${thread.name})`}: ${what}`);
  }
  if (dumpPath !== undefined) lines.push(`  dump updated: ${dumpPath}`);
  return lines.join('\n') + '\n';
}

/** The stall's CPU profile, once written (or why it was not). */
export function formatProfile(dump: StallDump, dumpPath: string | undefined): string {
  if (dump.profileError !== undefined) return `${PREFIX} no CPU profile of the stall (pid ${dump.pid}): ${dump.profileError}\n`;
  const path = dumpPath === undefined || dump.profile === undefined ? dump.profile : `${dumpPath.slice(0, dumpPath.lastIndexOf('/') + 1)}${dump.profile}`;
  const lines = [`${PREFIX} CPU profile of the stall (${dump.profileMs ?? 0} ms, pid ${dump.pid}): ${path ?? ''}`];
  if (dump.profileWarning !== undefined) lines.push(`  ${dump.profileWarning}`);
  if (dumpPath !== undefined) lines.push(`  dump updated: ${dumpPath}`);
  return lines.join('\n') + '\n';
}

export function formatRecovery(totalMs: number, pid: number): string {
  return `${PREFIX} event loop recovered after ${totalMs} ms (pid ${pid})\n`;
}

/** Said just before the watchdog ends the process, so the last line of a crash log explains it. */
export function formatEnding(pid: number, how: string, action: 'exit' | 'abort', why?: string): string {
  return `${PREFIX} ending the process (pid ${pid}) with ${how} (action ${action})${why === undefined ? '' : `: ${why}`}\n`;
}

export function formatDumpError(dir: string, error: unknown): string {
  return `${PREFIX} cannot write dump to ${dir}: ${oneLine(error)}\n`;
}

export function formatNotStarted(error: unknown): string {
  return `${PREFIX} not started: ${oneLine(error)}\n`;
}

export function formatSocketOff(error: unknown): string {
  return `${PREFIX} bastion dump off: ${oneLine(error)}\n`;
}

export function formatShutdownHookOff(error: unknown): string {
  return `${PREFIX} shutdown-hang report off: ${oneLine(error)}\n`;
}

export function formatHeapSnapshotOff(error: unknown): string {
  return `${PREFIX} heap snapshot off: ${oneLine(error)}\n`;
}

export function formatReportsOff(error: unknown): string {
  return `${PREFIX} diagnostic reports off: ${oneLine(error)}\n`;
}

/** `kept alive by: TCPServerWrap, Timeout (2)`: process.getActiveResourcesInfo(), counted by kind. */
/**
 * The shutdown-hang line; with handle tracking, then one line per open handle with the frames
 * where it was created (the app's first), indented.
 */
export function formatShutdownHang(signal: string, timeoutMs: number, pid: number, resources: readonly string[], handles?: readonly { kind: string; frames: readonly string[] }[]): string {
  const counts = new Map<string, number>();
  for (const kind of resources) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  const kinds = [...counts].map(([kind, count]) => (count === 1 ? kind : `${kind} (${count})`)).join(', ');
  const alive = kinds === '' ? "nothing that Node.js lists (a worker thread, or a native addon's handle)" : kinds;
  const line = `${PREFIX} still running ${timeoutMs} ms after ${signal} (pid ${pid}), kept alive by: ${alive}; exiting with code 1\n`;
  if (handles === undefined) return line;
  const created = handles.map(({ kind, frames }) => [`  ${kind} created`, ...frames.map((frame) => `    at ${frame}`)].join('\n'));
  return `${line}${created.length === 0 ? '  handle tracking: none of the open handles was created after the preload started' : created.join('\n')}\n`;
}

export function formatWorkerError(error: unknown): string {
  return `${PREFIX} stopped: ${oneLine(error)}\n`;
}

function formatFrames(stack: readonly StackFrame[]): string[] {
  const lines = stack.slice(0, MAX_FRAMES).map(formatFrame);
  if (stack.length > MAX_FRAMES) lines.push(`    ... ${stack.length - MAX_FRAMES} more frames in the dump`);
  return lines;
}

// Like V8's own traces: `at fn (url:line:column)`, or `at url:line:column` when anonymous.
export function formatFrame(frame: StackFrame): string {
  const where = `${frame.url || '<unknown>'}:${frame.line}:${frame.column}`;
  return frame.functionName ? `    at ${frame.functionName} (${where})` : `    at ${where}`;
}

// "in read() on fd 5 (/run/app.fifo), wchan pipe_read", "in openat() of "/run/app.fifo"", or
// "running, not in a system call". The path is quoted: a file name may hold a newline.
function describeNative(native: NativeState): string {
  const { syscall, blockedFd, blockedPath, wchan, fds } = native;
  if (syscall === undefined) return 'state unknown';
  if (syscall === 'running') return 'running, not in a system call';
  const target = fds.find((entry) => entry.fd === blockedFd)?.target;
  const fd = blockedFd === undefined ? '' : ` on fd ${blockedFd}${target === undefined ? '' : ` (${target})`}`;
  const path = blockedPath === undefined ? '' : ` of ${JSON.stringify(blockedPath)}`;
  const call = /^[a-z_0-9]+$/.test(syscall) ? `${syscall}()` : syscall;
  return `in ${call}${fd}${path}${wchan === undefined ? '' : `, wchan ${wchan}`}`;
}

/** An error's message on one line (stderr lines and dump fields are read line by line). */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ');
}
