// Instruction counts, which do not swing with the machine's load the way req/s does.
// `perf stat -e instructions` reports "<not supported>" on this VM, so this uses valgrind's
// callgrind: the server starts uninstrumented (fast), then `callgrind_control -i on` switches counting
// on for two windows, each closed by a dump: 5 s idle (the watchdog's time-based cost: heartbeat,
// worker polling) and a fixed request count (per-request cost). Valgrind runs the process ~50x
// slower and serialises its threads, so time-based costs weigh more here than in real life: compare
// subjects with each other, not with the wall-clock figures.
// The threshold here is the production default (30 s): under valgrind the loop really does stall for
// > 500 ms now and then, and a watchdog that fires (pausing the main thread through the inspector)
// would be measuring its stall path, not its steady state.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppProcess } from './app-process.ts';
import type { Subject, SubjectContext } from './subjects.ts';

const run = promisify(execFile);

export interface InstructionOptions {
  appsDir: string;
  context: SubjectContext;
  log: (message: string) => void;
}

export interface InstructionResult {
  subject: string;
  /** Every thread of the server (main, watchdog worker, V8's compiler and GC helpers). */
  idleInstructionsPerSecond?: number;
  idleMainThreadInstructionsPerSecond?: number;
  instructionsPerRequest?: number;
  mainThreadInstructionsPerRequest?: number;
  requests?: number;
  thresholdMs?: number;
  /** Wall time of the measured requests under valgrind. */
  loadWindowS?: number;
  note?: string;
}

const IDLE_WINDOW_MS = 5000;
const STEADY_STATE_THRESHOLD_MS = 30_000;
const WARMUP_REQUESTS = 2000;
const MEASURED_REQUESTS = 5000;

async function valgrindUsable(): Promise<string | undefined> {
  try {
    await run('valgrind', ['--version']);
    await run('callgrind_control', ['--version']);
    return undefined;
  } catch (error) {
    return `valgrind/callgrind_control not usable: ${String(error)}`;
  }
}

interface DumpTotals {
  allThreads: number;
  mainThread: number;
}

/**
 * Instructions in dump number `dumpNumber`: with --separate-threads=yes callgrind writes one file
 * per thread, `<out>.<dump>-<thread>`, thread 01 being the main thread.
 */
async function dumpTotals(dir: string, dumpNumber: number): Promise<DumpTotals> {
  const totals = { allThreads: 0, mainThread: 0 };
  const files = (await readdir(dir)).filter((name) => name.includes(`.out.${dumpNumber}-`));
  if (files.length === 0) throw new Error(`callgrind dump ${dumpNumber} not found in ${dir}`);
  for (const file of files) {
    const match = /^(?:summary|totals): (\d+)/m.exec(await readFile(join(dir, file), 'utf8'));
    const count = Number(match?.[1] ?? 0);
    totals.allThreads += count;
    if (file.endsWith(`.${dumpNumber}-01`)) totals.mainThread += count;
  }
  return totals;
}

interface ServerSample {
  requestsServed: number;
}

async function countOne(subject: Subject, load: AppProcess, options: InstructionOptions): Promise<InstructionResult> {
  const dir = await mkdtemp(join(tmpdir(), `bastion-bench-cg-${subject.id}-`));
  const server = new AppProcess({
    script: join(options.appsDir, 'server.mjs'),
    wrapper: ['valgrind', '--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', `--callgrind-out-file=${join(dir, 'cg.out')}`],
    nodeArgs: subject.nodeArgs(options.context),
    env: {
      BENCH_SUBJECT: subject.id,
      BENCH_THRESHOLD_MS: String(STEADY_STATE_THRESHOLD_MS),
      BASTION_WATCHDOG_TIMEOUT_MS: String(STEADY_STATE_THRESHOLD_MS),
      BASTION_WATCHDOG_DIR: dir,
      ...subject.env,
    },
    ipc: true,
  });
  try {
    const ready = await server.waitFor('READY', 180_000);
    const url = `http://127.0.0.1:${String(ready.payload.port)}/`;
    const pid = String(server.child.pid);
    await load.request({ url, amount: WARMUP_REQUESTS, connections: 10 }, 300_000);

    await run('callgrind_control', ['-i', 'on', pid]);
    await new Promise((resolve) => setTimeout(resolve, IDLE_WINDOW_MS));
    await run('callgrind_control', ['-d', pid]);
    const idle = await dumpTotals(dir, 1);

    const before = await server.request<ServerSample>('sample', 60_000);
    const loadStarted = Date.now();
    await load.request({ url, amount: MEASURED_REQUESTS, connections: 10 }, 600_000);
    const loadEnded = Date.now();
    const after = await server.request<ServerSample>('sample', 60_000);
    await run('callgrind_control', ['-d', pid]);
    const requests = after.requestsServed - before.requestsServed;
    const loaded = await dumpTotals(dir, 2);
    return {
      subject: subject.id,
      idleInstructionsPerSecond: idle.allThreads / (IDLE_WINDOW_MS / 1000),
      idleMainThreadInstructionsPerSecond: idle.mainThread / (IDLE_WINDOW_MS / 1000),
      instructionsPerRequest: loaded.allThreads / requests,
      mainThreadInstructionsPerRequest: loaded.mainThread / requests,
      requests,
      thresholdMs: STEADY_STATE_THRESHOLD_MS,
      loadWindowS: (loadEnded - loadStarted) / 1000,
    };
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function countInstructions(subjects: readonly Subject[], options: InstructionOptions): Promise<InstructionResult[]> {
  const unusable = await valgrindUsable();
  if (unusable !== undefined) return subjects.map((subject) => ({ subject: subject.id, note: unusable }));
  const load = new AppProcess({ script: join(options.appsDir, 'load.mjs'), nodeArgs: [], env: {}, ipc: true });
  try {
    await new Promise((resolve) => load.child.once('message', resolve));
    const results: InstructionResult[] = [];
    for (const subject of subjects) {
      options.log(`instructions: ${subject.id} under callgrind (idle ${IDLE_WINDOW_MS / 1000} s, then ${MEASURED_REQUESTS} requests)`);
      try {
        results.push(await countOne(subject, load, options));
      } catch (error) {
        results.push({ subject: subject.id, note: `callgrind run failed: ${String(error)}` });
      }
    }
    return results;
  } finally {
    await load.stop();
  }
}
