// Overhead and memory: every subject's hello-world server runs at once (idle ones cost ~nothing),
// loaded one at a time from a separate autocannon process. Throughput swings on a shared machine,
// so each round measures every subject back to back with its baseline (alternating which goes
// first) and the figures are medians over rounds of those pairwise ratios: throughput, and server
// CPU time per request (process.cpuUsage covers every thread of the server, the watchdog's worker
// included).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess } from './app-process.ts';
import { median } from '../../shared/stats.ts';
import { isBaseline, type Subject, type SubjectContext } from './subjects.ts';

export interface OverheadOptions {
  appsDir: string;
  rounds: number;
  warmupS: number;
  durationS: number;
  connections: number;
  thresholdMs: number;
  sinkDsn: string;
  context: SubjectContext;
  log: (message: string) => void;
}

interface ServerSample {
  cpuMicros: number;
  requestsServed: number;
  rssBytes: number;
  /** Anonymous memory (RSS less mapped files such as the node binary's code). */
  privateBytes: number;
}

interface LoadReply {
  ok: boolean;
  message?: string;
  requests: number;
  requestsPerSecond: number;
  errors: number;
}

export interface RoundSample {
  requestsPerSecond: number;
  cpuMicrosPerRequest: number;
  rssBytes: number;
  privateBytes: number;
  errors: number;
}

export interface OverheadResult {
  subject: string;
  baseline: string;
  rounds: RoundSample[];
  medianRequestsPerSecond: number | undefined;
  medianCpuMicrosPerRequest: number | undefined;
  medianRssMiB: number | undefined;
  /** Median over rounds of (subject req/s ÷ baseline req/s measured right next to it). */
  throughputRatio: number | undefined;
  /** Median over rounds of (subject CPU/request ÷ baseline CPU/request measured right next to it). */
  cpuPerRequestRatio: number | undefined;
  /** Every pair's ratios, to show the spread behind the medians. */
  pairRatios: { throughput: number[]; cpuPerRequest: number[] };
  /** Median RSS minus the baseline's median RSS. */
  addedRssMiB: number | undefined;
  /** RSS after start-up and a quiet settle period, before any load. */
  idleRssMiB: number | undefined;
  idleAddedRssMiB: number | undefined;
  /** The same two differences for private (anonymous) memory only. */
  idleAddedPrivateMiB: number | undefined;
  addedPrivateMiB: number | undefined;
}

const MIB = 1024 * 1024;
const IDLE_SETTLE_MS = 3000;

async function startServer(subject: Subject, options: OverheadOptions, dumpDir: string) {
  const server = new AppProcess({
    script: join(options.appsDir, 'server.mjs'),
    nodeArgs: subject.nodeArgs(options.context),
    env: {
      BENCH_SUBJECT: subject.id,
      BENCH_THRESHOLD_MS: String(options.thresholdMs),
      BENCH_SINK_URL: options.sinkDsn,
      BASTION_WATCHDOG_TIMEOUT_MS: String(options.thresholdMs),
      BASTION_WATCHDOG_DIR: dumpDir,
      ...subject.env,
    },
    ipc: true,
  });
  const ready = await server.waitFor('READY', 30_000);
  return { server, url: `http://127.0.0.1:${String(ready.payload.port)}/` };
}

async function measureWindow(target: RunningServer, load: AppProcess, durationS: number, connections: number): Promise<RoundSample> {
  const before = await target.server.request<ServerSample>('sample', 10_000);
  const reply = await load.request<LoadReply>({ url: target.url, durationS, connections }, 60_000);
  const after = await target.server.request<ServerSample>('sample', 10_000);
  if (!reply.ok) throw new Error(`autocannon failed: ${String(reply.message)}`);
  const served = after.requestsServed - before.requestsServed;
  return {
    requestsPerSecond: reply.requestsPerSecond,
    cpuMicrosPerRequest: served > 0 ? (after.cpuMicros - before.cpuMicros) / served : Number.NaN,
    rssBytes: after.rssBytes,
    privateBytes: after.privateBytes,
    errors: reply.errors,
  };
}

interface RunningServer {
  server: AppProcess;
  url: string;
}

/** A subject's window and its baseline's, measured back to back. */
interface Pair {
  subject: RoundSample;
  baseline: RoundSample;
}

function ratios(pairs: readonly Pair[], pick: (sample: RoundSample) => number): number[] {
  return pairs.map((pair) => pick(pair.subject) / pick(pair.baseline));
}

export interface OverheadRun {
  results: OverheadResult[];
  /** bastion dumps written while serving load: each one is a stall it saw (expected: none). */
  stallDumpsDuringLoad: number;
}

export async function measureOverhead(subjects: readonly Subject[], options: OverheadOptions): Promise<OverheadRun> {
  const dumpDir = await mkdtemp(join(tmpdir(), 'bastion-bench-overhead-'));
  const load = new AppProcess({ script: join(options.appsDir, 'load.mjs'), nodeArgs: [], env: {}, ipc: true });
  const servers = new Map<string, RunningServer>();
  try {
    await new Promise((resolve) => load.child.once('message', resolve));
    for (const subject of subjects) servers.set(subject.id, await startServer(subject, options, dumpDir));
    await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
    const idle = new Map<string, ServerSample>();
    for (const [id, { server }] of servers) idle.set(id, await server.request<ServerSample>('sample', 10_000));
    const { connections, durationS } = options;
    for (const target of servers.values()) await load.request<LoadReply>({ url: target.url, durationS: options.warmupS, connections }, 60_000);

    const samples = new Map<string, RoundSample[]>(subjects.map((subject) => [subject.id, []]));
    const pairs = new Map<string, Pair[]>(subjects.map((subject) => [subject.id, []]));
    const serverOf = (id: string): RunningServer => {
      const target = servers.get(id);
      if (target === undefined) throw new Error(`no server for ${id}`);
      return target;
    };
    for (let round = 0; round < options.rounds; round += 1) {
      for (const subject of subjects.filter((candidate) => !isBaseline(candidate))) {
        // Alternate which of the two goes first, so neither always gets the quieter slot.
        const baselineFirst = round % 2 === 0;
        const first = await measureWindow(serverOf(baselineFirst ? subject.baseline : subject.id), load, durationS, connections);
        const second = await measureWindow(serverOf(baselineFirst ? subject.id : subject.baseline), load, durationS, connections);
        const pair = baselineFirst ? { baseline: first, subject: second } : { baseline: second, subject: first };
        pairs.get(subject.id)?.push(pair);
        samples.get(subject.id)?.push(pair.subject);
        samples.get(subject.baseline)?.push(pair.baseline);
      }
      options.log(`overhead round ${round + 1}/${options.rounds} done`);
    }
    const results = subjects.map((subject) => {
      const own = samples.get(subject.id) ?? [];
      const base = samples.get(subject.baseline) ?? [];
      const subjectPairs = pairs.get(subject.id) ?? [];
      const pairRatios = {
        throughput: ratios(subjectPairs, (sample) => sample.requestsPerSecond),
        cpuPerRequest: ratios(subjectPairs, (sample) => sample.cpuMicrosPerRequest),
      };
      const idleAdded = (pick: (sample: ServerSample) => number): number | undefined => {
        const [mine, theirs] = [idle.get(subject.id), idle.get(subject.baseline)];
        return mine === undefined || theirs === undefined ? undefined : (pick(mine) - pick(theirs)) / MIB;
      };
      const loadAdded = (pick: (sample: RoundSample) => number): number | undefined => {
        const [mine, theirs] = [median(own.map(pick)), median(base.map(pick))];
        return mine === undefined || theirs === undefined ? undefined : (mine - theirs) / MIB;
      };
      const idleRss = idle.get(subject.id)?.rssBytes;
      return {
        subject: subject.id,
        baseline: subject.baseline,
        rounds: own,
        medianRequestsPerSecond: median(own.map((sample) => sample.requestsPerSecond)),
        medianCpuMicrosPerRequest: median(own.map((sample) => sample.cpuMicrosPerRequest)),
        medianRssMiB: median(own.map((sample) => sample.rssBytes / MIB)),
        throughputRatio: isBaseline(subject) ? 1 : median(pairRatios.throughput),
        cpuPerRequestRatio: isBaseline(subject) ? 1 : median(pairRatios.cpuPerRequest),
        pairRatios,
        addedRssMiB: loadAdded((sample) => sample.rssBytes),
        idleRssMiB: idleRss === undefined ? undefined : idleRss / MIB,
        idleAddedRssMiB: idleAdded((sample) => sample.rssBytes),
        idleAddedPrivateMiB: idleAdded((sample) => sample.privateBytes),
        addedPrivateMiB: loadAdded((sample) => sample.privateBytes),
      };
    });
    const stallDumpsDuringLoad = (await readdir(dumpDir)).filter((name) => name.startsWith('stall-')).length;
    return { results, stallDumpsDuringLoad };
  } finally {
    await Promise.all([...servers.values()].map(({ server }) => server.stop()));
    await load.stop();
    await rm(dumpDir, { recursive: true, force: true });
  }
}
