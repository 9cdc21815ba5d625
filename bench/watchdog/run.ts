// bastion's watchdog against its anchors: overhead (throughput, CPU/request, instructions), memory,
// stall-detection latency and stack coverage. `npm run bench:watchdog -- --help` lists the options.
// Everything runs on loopback; results go to bench/results/watchdog-<time>.json.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureBenchDependencies } from '../shared/deps.ts';
import { measureDetection, STALL_KINDS, type DetectionResult } from './lib/detection.ts';
import { EnvelopeSink } from './lib/envelope-sink.ts';
import { countInstructions, type InstructionResult } from './lib/instructions.ts';
import { measureOverhead, type OverheadResult } from './lib/overhead.ts';
import { printReport } from './lib/report.ts';
import { findBastionRegister, SUBJECTS, type Subject } from './lib/subjects.ts';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(benchDir, '..', '..');
const appsDir = join(benchDir, 'apps');

const USAGE = `usage: npm run bench:watchdog -- [options]
  --only <ids>          comma-separated subjects (default: all): ${SUBJECTS.map((subject) => subject.id).join(', ')}
  --skip <parts>        comma-separated: overhead, detection, instructions
  --rounds <n>          overhead rounds; each measures every subject next to its baseline (default 5)
  --duration <s>        measured seconds per window (default 3)
  --stalls-per-kind <n> injected stalls per fault kind for bastion (default 8; 4 kinds)
  --anchor-stalls-per-kind <n>  the same for each anchor (default 5)
  --threshold <ms>      stall threshold given to every detector (default 500)
  --quick               2 rounds of 2 s, 2 stalls per kind, no valgrind: a smoke run`;

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    skip: { type: 'string', default: '' },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    'stalls-per-kind': { type: 'string' },
    'anchor-stalls-per-kind': { type: 'string' },
    threshold: { type: 'string', default: '500' },
    quick: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`--${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

const SKIPPABLE = ['overhead', 'detection', 'instructions'];
const skip = new Set(args.skip.split(',').filter(Boolean));
for (const part of skip) {
  if (!SKIPPABLE.includes(part)) throw new TypeError(`--skip: unknown part ${JSON.stringify(part)}; known: ${SKIPPABLE.join(', ')}`);
}
const quick = args.quick;
const thresholdMs = positiveInteger('threshold', args.threshold, 500);
const settings = {
  thresholdMs,
  rounds: positiveInteger('rounds', args.rounds, quick ? 2 : 5),
  warmupS: 1,
  durationS: positiveInteger('duration', args.duration, quick ? 2 : 3),
  connections: 10,
  stallsPerKind: positiveInteger('stalls-per-kind', args['stalls-per-kind'], quick ? 2 : 8),
  anchorStallsPerKind: positiveInteger('anchor-stalls-per-kind', args['anchor-stalls-per-kind'], quick ? 2 : 5),
  stallMs: thresholdMs * 3,
  gapMs: Math.max(800, thresholdMs),
  warmupMs: 2000,
};

function log(message: string): void {
  console.log(`[bench:watchdog ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function selectSubjects(bastionBuilt: boolean): Subject[] {
  const only = args.only?.split(',').filter(Boolean);
  const unknown = only?.filter((id) => !SUBJECTS.some((subject) => subject.id === id)) ?? [];
  if (unknown.length > 0) throw new TypeError(`unknown subject(s) ${unknown.join(', ')}; known: ${SUBJECTS.map((s) => s.id).join(', ')}`);
  return SUBJECTS.filter((subject) => {
    if (only !== undefined && !only.includes(subject.id)) return false;
    if (subject.id.startsWith('bastion') && !bastionBuilt) {
      log('bastion skipped: dist/watchdog/register.js not found (run `npm run build` first)');
      return false;
    }
    return true;
  });
}

/** Overhead ratios need each subject's baseline in the same rounds. */
function withBaselines(subjects: Subject[]): Subject[] {
  const ids = new Set(subjects.flatMap((subject) => [subject.id, subject.baseline]));
  return SUBJECTS.filter((subject) => ids.has(subject.id));
}

async function readManifest(path: string): Promise<{ name: string; version: string }> {
  return JSON.parse(await readFile(path, 'utf8')) as { name: string; version: string };
}

async function installedVersions(subjects: readonly Subject[]): Promise<Record<string, string>> {
  const ownManifest = await readManifest(join(repoRoot, 'package.json'));
  const versions: Record<string, string> = { node: process.version, [ownManifest.name]: `${ownManifest.version} (dist/)` };
  for (const name of new Set(subjects.flatMap((subject) => subject.packages))) {
    try {
      versions[name] = (await readManifest(join(benchDir, 'node_modules', name, 'package.json'))).version;
    } catch {
      versions[name] = 'n/a';
    }
  }
  return versions;
}

ensureBenchDependencies(benchDir);
const bastionRegister = await findBastionRegister(repoRoot);
const subjects = selectSubjects(bastionRegister !== undefined);
const context = { bastionRegister: bastionRegister ?? '' };
const sink = await EnvelopeSink.start();
const startedAt = new Date();
log(`subjects: ${subjects.map((subject) => subject.id).join(', ')}; threshold ${thresholdMs} ms`);

let overhead: OverheadResult[] = [];
let stallDumpsDuringLoad: number | undefined;
const detection: DetectionResult[] = [];
let instructions: InstructionResult[] = [];
try {
  if (!skip.has('overhead')) {
    log(`overhead: ${settings.rounds} rounds of ${settings.durationS} s windows, each subject back to back with its baseline`);
    ({ results: overhead, stallDumpsDuringLoad } = await measureOverhead(withBaselines(subjects), {
      ...settings,
      appsDir,
      sinkDsn: sink.dsn,
      context,
      log,
    }));
  }
  if (!skip.has('detection')) {
    for (const subject of subjects.filter((candidate) => candidate.channel !== 'none' || candidate.id === 'native-watchdog')) {
      // native-watchdog has no stall detection at all: one stall per kind is enough to show it.
      const stallsPerKind =
        subject.channel === 'none' ? 1 : subject.id === 'bastion' ? settings.stallsPerKind : settings.anchorStallsPerKind;
      // --trace-sigint runs one process per stall and has nothing to warm up.
      const warmupMs = subject.channel === 'sigint' ? 300 : settings.warmupMs;
      log(`detection: ${subject.id}, ${stallsPerKind * STALL_KINDS.length} stalls of ${settings.stallMs} ms`);
      detection.push(await measureDetection(subject, { ...settings, stallsPerKind, warmupMs, appsDir, sink, context }));
    }
  }
  if (!skip.has('instructions') && !quick) {
    instructions = await countInstructions(
      withBaselines(subjects).filter((subject) => subject.countInstructions === true),
      { appsDir, context, log },
    );
  }
} finally {
  await sink.close();
}

const results = {
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  settings,
  versions: await installedVersions(subjects),
  machine: { cpus: (await import('node:os')).availableParallelism(), platform: process.platform, arch: process.arch },
  overhead,
  stallDumpsDuringLoad,
  detection,
  instructions,
};
printReport(results);
const resultsDir = join(repoRoot, 'bench', 'results');
await mkdir(resultsDir, { recursive: true });
const resultsFile = join(resultsDir, `watchdog-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
log(`results written to ${resultsFile}`);
