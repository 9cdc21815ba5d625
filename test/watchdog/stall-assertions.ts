// Assertions shared by the fault-matrix and behaviour tests: what every stall report must say.
import assert from 'node:assert/strict';
import { basename, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { markedLine, parseDumpName, parseWatchdogReport } from './harness.ts';
import type { RunResult, StallBlock, StallDump, StackFrame } from './harness.ts';

/** The threshold the matrix runs at, and the environment that sets it with no start-up grace. */
export const THRESHOLD_MS = 500;
export const stallEnv = {
  BASTION_WATCHDOG_TIMEOUT_MS: String(THRESHOLD_MS),
  BASTION_WATCHDOG_GRACE_MS: '0',
} as const;

/** The fixture function a dump must name, and the marked line it must point at. */
export interface Culprit {
  file: string;
  functionName: string;
  /** Marker comment on the culprit line; default `stall-site`. */
  marker?: string;
  /** Expected frame URL; default the file's `file:` URL. */
  url?: string;
}

/** Checks the fields every dump carries, whatever the fault. */
export function assertStallDump(dump: StallDump, expected: { pid: number; action?: StallDump['action'] }): void {
  assert.equal(dump.kind, 'stall');
  assert.equal(dump.schemaVersion, 1);
  assert.equal(dump.pid, expected.pid, 'dump pid');
  assert.equal(dump.thresholdMs, THRESHOLD_MS);
  assert.ok(dump.stalledMs >= dump.thresholdMs, `stalledMs ${dump.stalledMs} < thresholdMs ${dump.thresholdMs}`);
  assert.equal(dump.action, expected.action ?? 'dump');
  assert.ok(!Number.isNaN(Date.parse(dump.time)), `time is not ISO-8601: ${dump.time}`);
  assert.ok(Array.isArray(dump.stack), 'stack is an array');
  // The children run on this very binary.
  assert.equal(dump.process?.nodeVersion, process.version);
  assert.ok((dump.memory?.rss ?? 0) > 0, 'memory.rss');
}

/** Checks that the captured stack names the culprit at its marked line; returns that frame. */
export function assertNamesCulprit(dump: StallDump, culprit: Culprit): StackFrame {
  assert.equal(dump.stackStatus, 'captured', `stack not captured: ${dump.stackError ?? '(no stackError)'}`);
  assert.equal(dump.stackError, undefined);
  const frame = dump.stack.find((candidate) => candidate.functionName === culprit.functionName);
  assert.ok(frame, `no ${culprit.functionName} frame in ${formatStack(dump.stack)}`);
  const site = markedLine(culprit.file, culprit.marker);
  assert.equal(frame.url, culprit.url ?? pathToFileURL(culprit.file).href);
  assert.equal(frame.line, site.line, `${culprit.functionName} line (site: ${site.text.trim()})`);
  assert.ok(frame.column >= 1 && frame.column <= site.text.length, `column ${frame.column} outside the site line`);
  return frame;
}

/** Checks the n-th stall block on stderr against its dump; returns the block. */
export function assertStallReported(result: RunResult, dump: StallDump, index = 0): StallBlock {
  const block = parseWatchdogReport(result.stderr).stalls[index];
  assert.ok(block, `no stall block #${index + 1} on stderr:\n${result.stderr}`);
  assert.equal(block.pid, dump.pid);
  assert.equal(block.thresholdMs, dump.thresholdMs);
  assert.ok(block.stalledMs >= block.thresholdMs, `stderr says stalled ${block.stalledMs} ms`);
  assert.ok(block.dumpPath, `no dump line in the stall block:\n${result.stderr}`);
  assert.equal(dirname(block.dumpPath), result.dir);
  const name = parseDumpName(basename(block.dumpPath));
  assert.ok(name, `unexpected dump file name ${block.dumpPath}`);
  assert.equal(name.pid, dump.pid);
  if (dump.stackStatus === 'captured') {
    assert.equal(block.notCapturedReason, undefined);
    assert.ok(block.frames.length > 0 && block.frames.length <= 10, `${block.frames.length} frames on stderr`);
    assert.deepEqual(block.frames, dump.stack.slice(0, block.frames.length).map(formatFrame));
  } else {
    assert.deepEqual(block.frames, []);
    assert.ok(block.notCapturedReason, `no "stack not captured" line:\n${result.stderr}`);
  }
  return block;
}

/**
 * The common case: exactly one stall, dumped and reported on stderr, naming the culprit; with
 * action 'dump' the app then recovered (one recovery line), otherwise it was ended (none).
 */
export function assertOneCapturedStall(
  result: RunResult,
  expected: { culprit: Culprit; action?: StallDump['action']; pid?: number },
): StallDump {
  assert.equal(result.dumps.length, 1, describeRun(result));
  const dump = result.dumps[0]!;
  const action = expected.action ?? 'dump';
  const pid = expected.pid ?? result.pid;
  assertStallDump(dump, { pid, action });
  assertNamesCulprit(dump, expected.culprit);
  assertStallReported(result, dump);
  assert.deepEqual(
    recoveries(result).map((recovery) => recovery.pid),
    action === 'dump' ? [pid] : [],
    result.stderr,
  );
  if (action !== 'dump') assertEnding(result, { pid, action, how: action === 'exit' ? /exit code \d+/ : /SIGABRT/ });
  return dump;
}

/**
 * The line the watchdog prints as it ends the process: after the stall block, and before Node's
 * own "Waiting for the debugger to disconnect..." (which the still-attached session causes).
 */
export function assertEnding(result: RunResult, expected: { pid: number; action: 'exit' | 'abort'; how: RegExp; why?: RegExp }): void {
  const lines = result.stderr.split('\n');
  const prefix = `bastion watchdog: ending the process (pid ${expected.pid}) with `;
  const endings = lines.flatMap((line, index) => (line.startsWith(prefix) ? [{ line, index }] : []));
  assert.equal(endings.length, 1, result.stderr);
  const { line, index } = endings[0]!;
  const [how = '', why] = line.slice(prefix.length).split(` (action ${expected.action})`);
  assert.match(how, new RegExp(`^(?:${expected.how.source})$`), line);
  if (expected.why === undefined) assert.equal(why, '', line);
  else assert.match(why ?? '', expected.why, line);
  const stalled = lines.findIndex((text) => text.startsWith('bastion watchdog: event loop stalled for '));
  assert.ok(stalled >= 0 && stalled < index, `the ending line comes before the stall block:\n${result.stderr}`);
  const waiting = lines.indexOf('Waiting for the debugger to disconnect...');
  assert.ok(waiting === -1 || waiting > index, `Node's debugger line comes first:\n${result.stderr}`);
}

/** The recovery lines on stderr. */
export function recoveries(result: RunResult): { totalMs: number; pid: number }[] {
  return parseWatchdogReport(result.stderr).recoveries;
}

/** The last JSON line a fixture printed on stdout. */
export function fixtureOutput<T>(result: RunResult): T {
  const line = result.stdout.trim().split('\n').at(-1);
  assert.ok(line, `fixture printed nothing on stdout; stderr:\n${result.stderr}`);
  return JSON.parse(line) as T;
}

/** A one-line summary of a run, for assertion messages. */
export function describeRun(result: RunResult): string {
  return `code ${result.code}, signal ${result.signal}, ${result.dumps.length} dump(s), stderr:\n${result.stderr}`;
}

// As V8 prints stacks: `fn (url:line:column)`, or bare `url:line:column` for an anonymous frame.
function formatFrame({ functionName, url, line, column }: StackFrame): string {
  return functionName ? `${functionName} (${url}:${line}:${column})` : `${url}:${line}:${column}`;
}

function formatStack(stack: StackFrame[]): string {
  return stack.length ? stack.map(formatFrame).join(' <- ') : '[]';
}
