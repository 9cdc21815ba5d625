// Detection runs: inject stalls of each kind into apps/stall.mjs with one subject installed, and
// measure, per stall, how long after the threshold the subject's report existed, whether it came
// while the loop was still stuck, and whether it named the culprit function.
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdtemp, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppProcess, wallNow, type ProtocolLine } from './app-process.ts';
import type { EnvelopeSink } from './envelope-sink.ts';
import { spreadOf, type Spread } from '../../shared/stats.ts';
import type { ReportChannel, Subject, SubjectContext } from './subjects.ts';

export const STALL_KINDS = ['busy', 'regex', 'atomics', 'fifo'] as const;
export type StallKind = (typeof STALL_KINDS)[number];

export interface DetectionOptions {
  appsDir: string;
  thresholdMs: number;
  stallMs: number;
  gapMs: number;
  warmupMs: number;
  stallsPerKind: number;
  sink: EnvelopeSink;
  context: SubjectContext;
}

/** One report, whatever the channel: when it existed and the blocked thread's frames. */
interface Report {
  at: number;
  frames: string[];
  /** bastion only: captured | native | unavailable. */
  stackStatus?: string;
  /** bastion only, when the stack could not be taken: the syscall Linux says the thread is in. */
  syscall?: string;
}

export interface StallRecord {
  seq: number;
  kind: StallKind;
  culprit: string;
  startedAt: number;
  endedAt: number | undefined;
  detected: boolean;
  /** Report time minus (stall start + threshold), in ms. */
  latencyMs?: number;
  whileStuck?: boolean;
  culpritNamed?: boolean;
  topFrames?: string[];
  stackStatus?: string;
  syscall?: string;
}

export interface KindCoverage {
  stalls: number;
  detected: number;
  whileStuck: number;
  culpritNamed: number;
  culpritNamedWhileStuck: number;
  /** Reports made while stuck that name the blocking syscall instead of a JS stack. */
  syscallWhileStuck: number;
}

export interface DetectionResult {
  subject: string;
  stalls: StallRecord[];
  latencyMs: Spread;
  latencyByKindMs: Record<StallKind, Spread>;
  coverage: Record<StallKind, KindCoverage>;
  notes: string[];
}

/** NOTE lines from the apps, worded for the report (several identical ones collapse into one). */
function describeNote(payload: Record<string, unknown>): string {
  if (typeof payload.inspectorPort === 'string') return 'opened an inspector (debugger) TCP port on 127.0.0.1';
  return JSON.stringify(payload);
}

// --trace-sigint ends the process at each report: one process per stall.
function stallsPerProcess(channel: ReportChannel): number {
  return channel === 'sigint' ? 1 : Infinity;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

function stallPlan(stallsPerKind: number): StallKind[] {
  return Array.from({ length: stallsPerKind }, () => [...STALL_KINDS]).flat();
}

async function makeFifo(dir: string): Promise<string> {
  const path = join(dir, 'stall.fifo');
  await promisify(execFile)('mkfifo', ['-m', '0600', path]);
  return path;
}

/** Ends a FIFO stall: a writer opens, writes, closes. Non-blocking so a dead reader cannot hang us. */
async function releaseFifo(path: string): Promise<void> {
  try {
    const handle = await open(path, constants.O_WRONLY | constants.O_NONBLOCK);
    await handle.write('released\n');
    await handle.close();
  } catch {
    // ENXIO: the reader is gone (e.g. --trace-sigint ended the process). Nothing to release.
  }
}

function scheduleFifoReleases(app: AppProcess, fifo: string, stallMs: number): void {
  app.onLine(({ tag, payload }) => {
    if (tag !== 'STALL' || payload.kind !== 'fifo') return;
    const releaseAt = (payload.startedAt as number) + stallMs;
    setTimeout(() => void releaseFifo(fifo), Math.max(0, releaseAt - wallNow()));
  });
}

/** The parts of bastion's stall dump (docs/watchdog.md) that the benchmark reads. */
interface BastionDump {
  stack?: { functionName?: string }[];
  stackStatus?: string;
  native?: { syscall?: string };
}

/**
 * A dump is reported when its stall block reaches stderr (`  dump: <path>`, printed right after the
 * file is written). Not the file's mtime: a native-blocked stall's dump is rewritten later, when
 * the call returns, to add `stackOnReturn`.
 */
async function bastionReports(dumpDir: string, app: AppProcess): Promise<Report[]> {
  const names = (await readdir(dumpDir)).filter((name) => name.startsWith('stall-') && name.endsWith('.json'));
  return Promise.all(
    names.map(async (name) => {
      const path = join(dumpDir, name);
      const dump = JSON.parse(await readFile(path, 'utf8')) as BastionDump;
      const frames = (dump.stack ?? []).map((frame) => frame.functionName ?? '');
      const printed = app.stderr.find((chunk) => chunk.text.includes(`  dump: ${path}\n`));
      const report: Report = { at: printed?.receivedAt ?? (await stat(path)).mtimeMs, frames };
      if (dump.stackStatus !== undefined) report.stackStatus = dump.stackStatus;
      if (dump.native?.syscall !== undefined) report.syscall = dump.native.syscall;
      return report;
    }),
  );
}

function stdoutReports(lines: readonly ProtocolLine[]): Report[] {
  return lines
    .filter((line) => line.tag === 'DETECTED')
    .map(({ payload }) => ({ at: payload.at as number, frames: (payload.frames as string[] | undefined) ?? [] }));
}

/** `--trace-sigint` prints KEYBOARD_INTERRUPT and the JS stack on stderr, then the process ends. */
function sigintReports(app: AppProcess): Report[] {
  const first = app.stderr.find((chunk) => chunk.text.includes('KEYBOARD_INTERRUPT'));
  if (first === undefined) return [];
  const frames = [...app.stderrText().matchAll(/^\s+at (?:async )?(\S+) \(/gm)].map((match) => match[1] ?? '');
  return [{ at: first.receivedAt, frames }];
}

/** The first report inside each stall's window [its start, the next stall's start). */
function matchReports(stalls: StallRecord[], reports: Report[], thresholdMs: number, stallMs: number): void {
  const sorted = [...reports].sort((a, b) => a.at - b.at);
  stalls.forEach((stall, index) => {
    const windowEnd = stalls[index + 1]?.startedAt ?? Infinity;
    const report = sorted.find((candidate) => candidate.at >= stall.startedAt && candidate.at < windowEnd);
    if (report === undefined) return;
    stall.detected = true;
    stall.latencyMs = report.at - (stall.startedAt + thresholdMs);
    // No END line when the report ended the process (--trace-sigint): the stall would have lasted stallMs.
    stall.whileStuck = report.at <= (stall.endedAt ?? stall.startedAt + stallMs);
    stall.culpritNamed = report.frames.includes(stall.culprit);
    stall.topFrames = report.frames.slice(0, 4);
    if (report.stackStatus !== undefined) stall.stackStatus = report.stackStatus;
    if (report.syscall !== undefined) stall.syscall = report.syscall;
  });
}

function stallsFromLines(lines: readonly ProtocolLine[]): StallRecord[] {
  const ends = new Map(lines.filter((line) => line.tag === 'END').map(({ payload }) => [payload.seq, payload.endedAt as number]));
  return lines
    .filter((line) => line.tag === 'STALL')
    .map(({ payload }) => ({
      seq: payload.seq as number,
      kind: payload.kind as StallKind,
      culprit: payload.culprit as string,
      startedAt: payload.startedAt as number,
      endedAt: ends.get(payload.seq),
      detected: false,
    }));
}

async function runStallApp(subject: Subject, kinds: StallKind[], firstSeq: number, options: DetectionOptions, workDir: string, fifo: string) {
  const dumpDir = await mkdtemp(join(workDir, 'dumps-'));
  const app = new AppProcess({
    script: join(options.appsDir, 'stall.mjs'),
    nodeArgs: subject.nodeArgs(options.context),
    env: {
      BENCH_SUBJECT: subject.id,
      BENCH_THRESHOLD_MS: String(options.thresholdMs),
      BENCH_SINK_URL: options.sink.dsn,
      BENCH_STALLS: JSON.stringify(kinds),
      BENCH_STALL_MS: String(options.stallMs),
      BENCH_GAP_MS: String(options.gapMs),
      BENCH_WARMUP_MS: String(options.warmupMs),
      BENCH_SEQ_START: String(firstSeq),
      BENCH_FIFO: fifo,
      BASTION_WATCHDOG_TIMEOUT_MS: String(options.thresholdMs),
      BASTION_WATCHDOG_DIR: dumpDir,
      // Retention would delete the oldest dumps (default: keep 20) before they are read.
      BASTION_WATCHDOG_MAX_DUMPS: String(kinds.length + 1),
    },
  });
  scheduleFifoReleases(app, fifo, options.stallMs);
  if (subject.channel === 'sigint') {
    app.onLine(({ tag, payload }) => {
      if (tag !== 'STALL') return;
      const sendAt = (payload.startedAt as number) + options.thresholdMs;
      setTimeout(() => app.child.kill('SIGINT'), Math.max(0, sendAt - wallNow()));
    });
  }
  const budgetMs = options.warmupMs + kinds.length * (options.stallMs + options.gapMs) + 15_000;
  const timer = setTimeout(() => app.child.kill('SIGKILL'), budgetMs);
  await app.exited;
  clearTimeout(timer);
  return { app, dumpDir };
}

function coverageOf(stalls: readonly StallRecord[]): Record<StallKind, KindCoverage> {
  const entries = STALL_KINDS.map((kind) => {
    const ofKind = stalls.filter((stall) => stall.kind === kind);
    const count = (keep: (stall: StallRecord) => boolean | undefined) => ofKind.filter((stall) => keep(stall) === true).length;
    return [
      kind,
      {
        stalls: ofKind.length,
        detected: count((stall) => stall.detected),
        whileStuck: count((stall) => stall.whileStuck),
        culpritNamed: count((stall) => stall.culpritNamed),
        culpritNamedWhileStuck: count((stall) => stall.culpritNamed && stall.whileStuck),
        syscallWhileStuck: count((stall) => stall.syscall !== undefined && stall.whileStuck),
      },
    ] as const;
  });
  return Object.fromEntries(entries) as Record<StallKind, KindCoverage>;
}

export async function measureDetection(subject: Subject, options: DetectionOptions): Promise<DetectionResult> {
  const workDir = await mkdtemp(join(tmpdir(), `bastion-bench-${subject.id}-`));
  const notes = new Set<string>();
  const missedDelays: number[] = [];
  try {
    const fifo = await makeFifo(workDir);
    const plan = stallPlan(options.stallsPerKind);
    const batches = chunk(plan, stallsPerProcess(subject.channel));
    const stalls: StallRecord[] = [];
    let firstSeq = 0;
    for (const kinds of batches) {
      options.sink.events.length = 0;
      const { app, dumpDir } = await runStallApp(subject, kinds, firstSeq, options, workDir, fifo);
      firstSeq += kinds.length;
      const batchStalls = stallsFromLines(app.lines);
      const reports =
        subject.channel === 'dump-dir' ? await bastionReports(dumpDir, app)
        : subject.channel === 'sink' ? options.sink.events.map(({ receivedAt, frames }) => ({ at: receivedAt, frames }))
        : subject.channel === 'stdout' ? stdoutReports(app.lines)
        : subject.channel === 'sigint' ? sigintReports(app)
        : [];
      matchReports(batchStalls, reports, options.thresholdMs, options.stallMs);
      stalls.push(...batchStalls);
      for (const { tag, payload } of app.lines) {
        if (tag !== 'NOTE') continue;
        if (payload.underPressure === false) missedDelays.push(payload.largestEventLoopDelayMs as number);
        else notes.add(describeNote(payload));
      }
      if (batchStalls.length < kinds.length && subject.channel !== 'sigint') {
        notes.add(`only ${batchStalls.length}/${kinds.length} stalls ran; stderr tail: ${app.stderrText().slice(-300)}`);
      }
    }
    if (missedDelays.length > 0) {
      notes.add(
        `isUnderPressure() stayed false after ${missedDelays.length} stalls of ${options.stallMs} ms: it compares the mean ` +
          `delay of each sample window, whose largest value was ${Math.max(...missedDelays)} ms (threshold ${options.thresholdMs} ms)`,
      );
    }
    const latencies = (kinds: readonly StallKind[]) =>
      stalls.flatMap((stall) => (stall.latencyMs === undefined || !kinds.includes(stall.kind) ? [] : [stall.latencyMs]));
    const latencyByKindMs = Object.fromEntries(STALL_KINDS.map((kind) => [kind, spreadOf(latencies([kind]))]));
    return {
      subject: subject.id,
      stalls,
      latencyMs: spreadOf(latencies(STALL_KINDS)),
      latencyByKindMs: latencyByKindMs as Record<StallKind, Spread>,
      coverage: coverageOf(stalls),
      notes: [...notes],
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
