// Lint time of a fixed list of real files (the project's node_modules) per configuration:
// interleaved rounds, medians, and ESLint's per-rule times as a cross-check.
import { statSync } from 'node:fs';
import { ESLint } from 'eslint';
import { median } from '../shared/stats.ts';
import { loadTreeFiles, parseKindOf, sampleEvery, treeConfigs, type ParseKind, type TreeFile } from '../../test/eslint-plugin/helpers/real-tree.ts';
import type { SpeedSubject } from './tools.ts';

// Bundles over 1 MB (typescript's compiler alone is 15 MB) would make the timing mostly parser time.
export const MAX_TIMED_FILE_BYTES = 1_000_000;

/** The timed files: every `step`-th file of the tree up to MAX_TIMED_FILE_BYTES. */
export function loadTimedFiles(paths: readonly string[], step: number): TreeFile[] {
  return loadTreeFiles(sampleEvery(paths.filter((path) => statSync(path).size <= MAX_TIMED_FILE_BYTES), step));
}

/** One ESLint instance per parse kind, so configs are resolved once and cached like in a CLI run. */
type Linters = Record<ParseKind, ESLint>;

export function createLinters(subject: SpeedSubject, stats: boolean): Linters {
  const configs = treeConfigs(subject.config);
  const create = (kind: ParseKind) =>
    new ESLint({ cwd: '/', overrideConfigFile: true, overrideConfig: configs[kind], allowInlineConfig: false, stats });
  return { module: create('module'), commonjs: create('commonjs'), typescript: create('typescript') };
}

export async function lintAll(linters: Linters, files: readonly TreeFile[]): Promise<ESLint.LintResult[]> {
  const results: ESLint.LintResult[] = [];
  for (const file of files) {
    const [result] = await linters[parseKindOf(file)].lintText(file.text, { filePath: file.path });
    // A message without a rule is a problem with the setup (an ignored file, no matching config).
    const setupProblem = result?.messages.find((message) => message.ruleId === null && !message.fatal);
    if (!result || setupProblem) throw new Error(`${file.path}: ${setupProblem?.message ?? 'no lint result'}`);
    results.push(result);
  }
  return results;
}

export interface SpeedResult {
  readonly subject: string;
  /**
   * Sum over chunks of each chunk's smallest CPU time across rounds, ms. Interference from other
   * work only ever adds time, so the minimum is the least disturbed measurement of each chunk.
   */
  readonly minChunksCpuMs: number;
  /** CPU time (user + system) of this process per round, ms, in round order. */
  readonly roundsCpuMs: readonly number[];
  readonly medianCpuMs: number;
  /** Wall time per round, ms: inflated by whatever else the machine runs. */
  readonly roundsWallMs: readonly number[];
  readonly medianWallMs: number;
}

const medianOrNaN = (values: readonly number[]): number => median(values) ?? NaN;

const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** A few files of each parse kind: loading typescript-eslint's parser alone takes a second or more. */
export function warmUpFiles(files: readonly TreeFile[]): TreeFile[] {
  const kinds: ParseKind[] = ['module', 'commonjs', 'typescript'];
  return kinds.flatMap((kind) => files.filter((file) => parseKindOf(file) === kind).slice(0, 10));
}

const CHUNK_FILES = 16;

/**
 * Times `rounds` passes of every subject over the files. The subjects take turns on each chunk of
 * 16 files, in an order that rotates from chunk to chunk, so that changes in machine load (the
 * cores are shared) fall on all of them alike; CPU time is measured for the same reason, and each
 * chunk's best round is kept. A first, untimed pass over files of every kind warms up the JIT, the
 * parsers and the config caches.
 */
export async function measureSpeed(
  subjects: readonly SpeedSubject[],
  files: readonly TreeFile[],
  rounds: number,
  onRound: (round: number) => void = () => {},
): Promise<SpeedResult[]> {
  const linters = subjects.map((subject) => createLinters(subject, false));
  for (const subjectLinters of linters) await lintAll(subjectLinters, warmUpFiles(files));
  const cpu: number[][] = subjects.map(() => []);
  const wall: number[][] = subjects.map(() => []);
  // Per subject, per chunk: the smallest CPU time seen over the rounds.
  const chunkCount = Math.ceil(files.length / CHUNK_FILES);
  const chunkMinCpu: number[][] = subjects.map(() => new Array<number>(chunkCount).fill(Infinity));
  for (let round = 0; round < rounds; round++) {
    const roundCpu = subjects.map(() => 0);
    const roundWall = subjects.map(() => 0);
    for (let chunkIndex = 0; chunkIndex < chunkCount; chunkIndex++) {
      const chunk = files.slice(chunkIndex * CHUNK_FILES, (chunkIndex + 1) * CHUNK_FILES);
      for (let offset = 0; offset < subjects.length; offset++) {
        const index = (round + chunkIndex + offset) % subjects.length;
        const [cpuStart, wallStart] = [cpuMs(), performance.now()];
        await lintAll(linters[index] as Linters, chunk);
        const chunkCpu = cpuMs() - cpuStart;
        roundCpu[index] = (roundCpu[index] ?? 0) + chunkCpu;
        roundWall[index] = (roundWall[index] ?? 0) + performance.now() - wallStart;
        const minima = chunkMinCpu[index];
        if (minima) minima[chunkIndex] = Math.min(minima[chunkIndex] ?? Infinity, chunkCpu);
      }
    }
    subjects.forEach((_, index) => {
      cpu[index]?.push(roundCpu[index] ?? NaN);
      wall[index]?.push(roundWall[index] ?? NaN);
    });
    onRound(round + 1);
  }
  return subjects.map((subject, index) => ({
    subject: subject.name,
    minChunksCpuMs: (chunkMinCpu[index] ?? []).reduce((sum, ms) => sum + ms, 0),
    roundsCpuMs: cpu[index] ?? [],
    medianCpuMs: medianOrNaN(cpu[index] ?? []),
    roundsWallMs: wall[index] ?? [],
    medianWallMs: medianOrNaN(wall[index] ?? []),
  }));
}

export interface RuleTimes {
  readonly subject: string;
  readonly parseMs: number;
  /** Total time per rule id over all files, ms. */
  readonly rulesMs: Readonly<Record<string, number>>;
}

/** One pass with ESLint's `stats` on: time spent parsing and in each rule, summed over the files. */
export async function measureRuleTimes(subject: SpeedSubject, files: readonly TreeFile[]): Promise<RuleTimes> {
  const results = await lintAll(createLinters(subject, true), files);
  let parseMs = 0;
  const rulesMs: Record<string, number> = {};
  for (const result of results) {
    for (const pass of result.stats?.times.passes ?? []) {
      parseMs += pass.parse?.total ?? 0;
      for (const [ruleId, time] of Object.entries(pass.rules ?? {})) rulesMs[ruleId] = (rulesMs[ruleId] ?? 0) + time.total;
    }
  }
  return { subject: subject.name, parseMs, rulesMs };
}

const sumRuleTimes = (times: RuleTimes, select: (ruleId: string) => boolean): number =>
  Object.entries(times.rulesMs)
    .filter(([ruleId]) => select(ruleId))
    .reduce((sum, [, ms]) => sum + ms, 0);

/** A plugin's rule time (ids starting with `prefix`) against "core time" as ESLint measures it: parsing plus the core rules. */
export function pluginShareOfCore(times: RuleTimes, prefix: string) {
  const coreRulesMs = sumRuleTimes(times, (ruleId) => !ruleId.includes('/'));
  const pluginRulesMs = sumRuleTimes(times, (ruleId) => ruleId.startsWith(prefix));
  const perRuleMs = Object.fromEntries(Object.entries(times.rulesMs).filter(([ruleId]) => ruleId.startsWith(prefix)));
  return { parseMs: times.parseMs, coreRulesMs, pluginRulesMs, ratioToCore: pluginRulesMs / (times.parseMs + coreRulesMs), perRuleMs };
}

/**
 * What a configuration adds to the `core` one. Primary: the ratio of the sums of per-chunk minimum
 * CPU times. Also the paired per-round ratios (both ran on the same chunks, turn about, within the
 * round) and their median, and the difference of the round medians, in CPU and in wall time.
 */
export function addedToCore(speed: readonly SpeedResult[], name: string) {
  const core = speed.find((result) => result.subject === 'core');
  const subject = speed.find((result) => result.subject === name);
  if (!core || !subject) throw new Error(`no timing for ${name}`);
  const pairedRatiosCpu = subject.roundsCpuMs.map((ms, round) => ms / (core.roundsCpuMs[round] ?? NaN) - 1);
  return {
    ratioToCoreCpu: subject.minChunksCpuMs / core.minChunksCpuMs - 1,
    medianPairedRatioCpu: medianOrNaN(pairedRatiosCpu),
    pairedRatiosCpu,
    addedCpuMs: subject.medianCpuMs - core.medianCpuMs,
    ratioOfMediansCpu: subject.medianCpuMs / core.medianCpuMs - 1,
    addedWallMs: subject.medianWallMs - core.medianWallMs,
    ratioOfMediansWall: subject.medianWallMs / core.medianWallMs - 1,
  };
}
