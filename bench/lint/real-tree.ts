// `node bench/lint/real-tree.ts <check|speed|stats|share|count> ...`: bastion's configs.recommended
// on a real tree of popular packages (bench/lint/real-tree/package.json, installed from its lockfile
// into a scratch directory, BENCH_REAL_TREE_DIR or <tmpdir>/bastion-real-tree).
// docs/eslint-plugin.md#speed has the figures and how to read them.
//
//   check [seed] [per-rule]   lint every file: crashes, parse failures, reports per rule, the
//                             packages that use the process wrappers, and a seeded sample of reports
//                             (per-rule of each rule, default 25) written to bench/results/ to be
//                             checked by hand. Exit code 1 on any rule crash.
//   speed [step] [rounds]     CPU and wall time of ESLint's recommended alone and with bastion's
//                             recommended (and its variants) on every step-th file <= 1 MB (default
//                             12, 3 rounds), each subject in a process of its own, taking turns;
//                             medians; then ESLint's per-rule times (stats).
//   stats [step]              ESLint's per-rule times alone (the end of `speed`).
//   share [step] [subject]    the plugins' share of one process's V8 CPU profile of two passes over
//                             the same timed files (default core + recommended): samples with a frame
//                             of one of recommended's plugins in their stack (of its parser wrapper,
//                             only its own frames) over the other non-GC samples; a ratio within one
//                             run, which the machine's load does not move much. The profile is
//                             written to bench/results/. Subject `calibration` adds a rule that parses
//                             each JavaScript file again with espree: its share must match ESLint's
//                             own espree samples. Then, for core + recommended, one stats pass with
//                             no-op copies of its rules (what ESLint's timing and dispatch add).
//   count [step] [subject...] instructions per subject (or only the ones named), each in its own
//                             process under valgrind's callgrind with node --predictable,
//                             counting the linting only (not start-up, not the warm-up pass): the
//                             figure that does not depend on what else the machine runs.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Session, type HeapProfiler, type Profiler } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import js from '@eslint/js';
import { Linter, type ESLint, type Rule } from 'eslint';
import tseslint from 'typescript-eslint';
// bench/lint has a package.json of its own, so the package's self-reference does not resolve here.
import bastion from '../../dist/eslint-plugin/index.js';
import { isTypeScript } from '../../test/eslint-plugin/helpers/real-tree.ts';
import { median } from '../shared/stats.ts';
import {
  configsFor,
  dependentsOf,
  ensureTree,
  excerpt,
  listFiles,
  loadFiles,
  packageOf,
  sampleOf,
  seededRandom,
  treeDir,
  verifyLikeNode,
  type TreeFile,
} from './tree.ts';

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));
const MAX_TIMED_FILE_BYTES = 1_000_000;
const SECURITY_RULES = new Set(['bastion/no-shell-exec', 'bastion/no-unsafe-deserialization']);
const WRAPPERS = ['execa', 'shelljs', 'cross-spawn', 'zx', 'ssh2'];

const recommended = bastion.configs.recommended;
const { parser: recommendedParser, ...recommendedWithoutParser } = recommended.languageOptions ?? {};
if (!(recommendedParser as Linter.Parser | undefined)?.meta?.name?.includes('typescript-eslint')) {
  throw new Error('configs.recommended does not parse TypeScript with typescript-eslint: is it installed?');
}
// configs.recommended with the two eslint-plugin-security rules it had until session 6.
const previous: Linter.Config = {
  ...recommended,
  rules: { ...recommended.rules, 'security/detect-buffer-noassert': 'error', 'security/detect-no-csrf-before-method-override': 'error' },
};
// configs.recommended before issue #10's speed work: that, typescript-eslint's parser for every file,
// and eslint-plugin-security's own detect-bidi-characters in place of bastion's guarded run of it.
const first: Linter.Config = {
  ...previous,
  languageOptions: { ...recommendedWithoutParser, parser: tseslint.parser },
  rules: {
    ...Object.fromEntries(Object.entries(previous.rules ?? {}).filter(([id]) => id !== 'bastion/detect-bidi-characters')),
    'security/detect-bidi-characters': 'error',
  },
};

/** The configurations timed, after ESLint's own recommended rules. */
export const SUBJECTS: Readonly<Record<string, readonly Linter.Config[]>> = {
  core: [js.configs.recommended],
  'core + recommended': [js.configs.recommended, recommended],
  'core + recommended, previous (2 more security rules)': [js.configs.recommended, previous],
  'core + recommended, first (ts parser for .js, security bidi)': [js.configs.recommended, first],
};

const STATS_SUBJECTS = new Set(['core + recommended', 'core + recommended, previous (2 more security rules)']);

const percent = (ratio: number): string => `${(ratio * 100).toFixed(2)} %`;
const stamp = (): string => new Date().toISOString().replace(/[:.]/g, '-');

function intArg(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new TypeError(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return parsed;
}

interface Finding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly ruleId: string;
  readonly message: string;
}

function check(seed: number, perRule: number): void {
  const root = treeDir();
  const paths = listFiles(join(root, 'node_modules'));
  const packages = new Set(paths.map(packageOf));
  console.log(`${paths.length} files of ${packages.size} packages under ${root}/node_modules`);
  const files = loadFiles(paths);
  const linter = new Linter({ cwd: '/' });
  const configs = configsFor([recommended]);
  const crashes: { file: string; message: string; stack: string }[] = [];
  const parseFailures: string[] = [];
  const findings: Finding[] = [];
  const started = process.cpuUsage();
  for (const file of files) {
    let messages: Linter.LintMessage[];
    try {
      messages = verifyLikeNode(linter, file, configs);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      crashes.push({ file: file.path, message: err.message, stack: err.stack ?? '' });
      continue;
    }
    if (messages.some((message) => message.fatal)) {
      parseFailures.push(file.path);
      continue;
    }
    for (const { line, column, ruleId, message } of messages) {
      if (ruleId === null) throw new Error(`${file.path}: ${message}`);
      findings.push({ file: file.path, line, column, ruleId, message });
    }
  }
  const cpu = process.cpuUsage(started);
  const perRuleCount: Record<string, number> = {};
  for (const { ruleId } of findings) perRuleCount[ruleId] = (perRuleCount[ruleId] ?? 0) + 1;
  const sortedCounts = Object.fromEntries(Object.entries(perRuleCount).sort(([a], [b]) => a.localeCompare(b)));
  const dependents = dependentsOf(join(root, 'node_modules'), WRAPPERS);
  const findingsIn = (pkg: string) => findings.filter((finding) => SECURITY_RULES.has(finding.ruleId) && packageOf(finding.file) === pkg).length;

  console.log(`linted in ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s CPU: ${files.length - crashes.length - parseFailures.length} files, ${parseFailures.length} not parseable, ${crashes.length} rule crashes`);
  for (const crash of crashes) console.log(`  CRASH in ${crash.file}:\n${crash.stack}`);
  console.log('reports per rule:');
  console.table(sortedCounts);
  console.log('packages that depend on the process wrappers (bastion security reports in their own files):');
  for (const [wrapper, users] of Object.entries(dependents)) {
    console.log(`  ${wrapper} (${users.length}): ${users.map((pkg) => `${pkg} (${findingsIn(pkg)})`).join(', ')}`);
  }

  // The sample: `perRule` reports of each rule, each with its context, drawn with a generator seeded
  // by the seed and the rule id, so that a rule's sample stays the same when other rules change.
  const texts = new Map(files.map((file) => [file.path, file.text]));
  const lines: string[] = [
    `# Hand-check sample: configs.recommended on the real tree (seed ${seed}, up to ${perRule} per rule)`,
    '',
    `${files.length} files of ${packages.size} packages; ${crashes.length} crashes; reports per rule: ${JSON.stringify(sortedCounts)}`,
    '',
  ];
  const sample: (Finding & { verdict: string })[] = [];
  for (const ruleId of Object.keys(sortedCounts)) {
    const ofRule = findings.filter((finding) => finding.ruleId === ruleId);
    lines.push(`## ${ruleId}: ${ofRule.length} reports, ${Math.min(perRule, ofRule.length)} drawn`, '');
    for (const finding of sampleOf(ofRule, perRule, seededRandom(hashOf(`${seed}:${ruleId}`)))) {
      const text = texts.get(finding.file) ?? '';
      const where = `${relative(root, finding.file)}:${finding.line}:${finding.column}`;
      const context = [-2, -1, 0, 1, 2]
        .map((offset) => finding.line + offset)
        .filter((line) => line >= 1)
        .map((line) => `${line === finding.line ? '>' : ' '} ${String(line).padStart(5)} | ${excerpt(text, line, line === finding.line ? finding.column : 1, 160)}`);
      lines.push(`### ${where}`, '', finding.message, '', '```', ...context, '```', '', 'verdict: ', '');
      sample.push({ ...finding, file: where, verdict: '' });
    }
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const base = join(RESULTS_DIR, `real-tree-${stamp()}`);
  writeFileSync(`${base}-sample.md`, `${lines.join('\n')}\n`);
  writeFileSync(
    `${base}.json`,
    `${JSON.stringify({ files: files.length, packages: packages.size, parseFailures, crashes, perRule: sortedCounts, dependents, sample }, null, 2)}\n`,
  );
  console.log(`wrote ${base}-sample.md and ${base}.json`);
  if (crashes.length > 0) process.exitCode = 1;
}

/** FNV-1a: a 32-bit seed from a string. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** The timed files: every step-th lintable file up to 1 MB (bundles would time mostly the parser). */
function timedFiles(step: number): TreeFile[] {
  const paths = listFiles(join(treeDir(), 'node_modules')).filter((path) => statSync(path).size <= MAX_TIMED_FILE_BYTES);
  return loadFiles(paths.filter((_, index) => index % step === 0));
}

function lintAll(linter: Linter, configs: ReturnType<typeof configsFor>, files: readonly TreeFile[], stats = false): void {
  for (const file of files) verifyLikeNode(linter, file, configs, { stats });
}

/** A few files of each kind, linted untimed first: the JIT, both parsers and the config caches warm up. */
const warmUp = (files: readonly TreeFile[]): TreeFile[] => [
  ...files.filter((file) => !isTypeScript(file.path)).slice(0, 50),
  ...files.filter((file) => isTypeScript(file.path)).slice(0, 20),
];

const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * Each subject in a process of its own, the subjects taking turns within each round (rotating the
 * order): a process's garbage collector bills each configuration for its own allocations, which one
 * process linting all of them in turn would spread over them all. Medians over the rounds.
 */
async function speed(step: number, rounds: number): Promise<void> {
  const names = Object.keys(SUBJECTS);
  const cpu = names.map(() => [] as number[]);
  const wall = names.map(() => [] as number[]);
  let described = '';
  for (let round = 0; round < rounds; round++) {
    for (let offset = 0; offset < names.length; offset++) {
      const index = (round + offset) % names.length;
      const output = execFileSync(process.execPath, [fileURLToPath(import.meta.url), 'speed-child', names[index] ?? '', String(step)], { encoding: 'utf8' });
      const result = JSON.parse(output.trim().split('\n').at(-1) ?? '') as { cpuMs: number; wallMs: number; described: string };
      cpu[index]?.push(result.cpuMs);
      wall[index]?.push(result.wallMs);
      described = result.described;
    }
    console.log(`  round ${round + 1}/${rounds} done`);
  }
  console.log(described);
  const cpuMedians = cpu.map((values) => median(values) ?? NaN);
  const wallMedians = wall.map((values) => median(values) ?? NaN);
  const [coreCpu = NaN, coreWall = NaN] = [cpuMedians[0], wallMedians[0]];
  console.table(
    names.map((name, index) => ({
      config: name,
      'CPU s (median)': ((cpuMedians[index] ?? NaN) / 1000).toFixed(2),
      'added CPU': index === 0 ? '' : percent((cpuMedians[index] ?? NaN) / coreCpu - 1),
      'CPU s per round': (cpu[index] ?? []).map((ms) => (ms / 1000).toFixed(2)).join(' '),
      'median wall s': ((wallMedians[index] ?? NaN) / 1000).toFixed(2),
      'added wall': index === 0 ? '' : percent((wallMedians[index] ?? NaN) / coreWall - 1),
    })),
  );
}

/** A subject's linter and configs in this process, warmed up on a few of the timed files. */
function warmedUp(
  name: string,
  step: number,
  extra: readonly Linter.Config[] = [],
): { files: TreeFile[]; linter: Linter; configs: ReturnType<typeof configsFor> } {
  const subject = SUBJECTS[name];
  if (!subject) throw new TypeError(`no subject ${JSON.stringify(name)}`);
  const files = timedFiles(step);
  const linter = new Linter({ cwd: '/' });
  const configs = configsFor([...subject, ...extra]);
  lintAll(linter, configs, warmUp(files));
  return { files, linter, configs };
}

/** One subject's timed pass, in this process: CPU and wall time of linting every timed file once. */
function speedChild(name: string, step: number): void {
  const { files, linter, configs } = warmedUp(name, step);
  const [cpu0, wall0] = [cpuMs(), performance.now()];
  lintAll(linter, configs, files);
  const [cpuSpent, wallSpent] = [cpuMs() - cpu0, performance.now() - wall0];
  const typescript = files.filter((file) => isTypeScript(file.path)).length;
  const described = `${files.length} files (every ${step}. file <= ${MAX_TIMED_FILE_BYTES} bytes; ${typescript} TypeScript)`;
  console.log(JSON.stringify({ cpuMs: cpuSpent, wallMs: wallSpent, described }));
}

/**
 * ESLint's own per-rule and parse times (stats: true), one pass each of STATS_SUBJECTS: bastion's
 * recommended as it is and as it was.
 */
function ruleStats(files: readonly TreeFile[]): void {
  const names = Object.keys(SUBJECTS);
  const configs = names.map((name) => configsFor(SUBJECTS[name] ?? []));
  console.log(`\nESLint stats, one pass over ${files.length} files: parse and per-rule times, ms`);
  for (const [index, name] of names.entries()) {
    if (!STATS_SUBJECTS.has(name)) continue;
    const { parseMs, rulesMs } = statsOf(files, configs[index] as ReturnType<typeof configsFor>);
    const core = Object.entries(rulesMs).filter(([id]) => !id.includes('/')).reduce((sum, [, ms]) => sum + ms, 0);
    const plugins = Object.entries(rulesMs).filter(([id]) => id.includes('/')).sort(([, a], [, b]) => b - a);
    console.log(`  ${name}: parse ${parseMs.toFixed(0)}, core rules ${core.toFixed(0)}; ${plugins.map(([id, ms]) => `${id} ${ms.toFixed(0)}`).join(', ')}`);
  }
}

/** ESLint's parse and per-rule times (stats: true) of one pass over the files, ms. */
function statsOf(files: readonly TreeFile[], configs: ReturnType<typeof configsFor>): { parseMs: number; rulesMs: Record<string, number> } {
  const linter = new Linter({ cwd: '/' });
  let parseMs = 0;
  const rulesMs: Record<string, number> = {};
  for (const file of files) {
    verifyLikeNode(linter, file, configs, { stats: true });
    for (const pass of linter.getTimes().passes) {
      parseMs += pass.parse?.total ?? 0;
      for (const [ruleId, time] of Object.entries(pass.rules ?? {})) rulesMs[ruleId] = (rulesMs[ruleId] ?? 0) + time.total;
    }
  }
  return { parseMs, rulesMs };
}

/**
 * One subject's linting in this process, for callgrind: after the warm-up it prints `ready <pid>`
 * and waits for the file named by argv to exist (the parent turns instrumentation on in between).
 */
async function countChild(name: string, step: number, go: string): Promise<void> {
  const { files, linter, configs } = warmedUp(name, step);
  console.log(`ready ${process.pid}`);
  while (!existsSync(go)) await sleep(50);
  lintAll(linter, configs, files);
  console.log(`done ${files.length}`);
}

/** Instructions for the linting of each subject, each run in a child process under callgrind. */
async function count(step: number, only: readonly string[]): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bastion-callgrind-'));
  const totals: Record<string, number> = {};
  for (const name of Object.keys(SUBJECTS).filter((subject) => only.length === 0 || only.includes(subject))) {
    const out = join(work, `${name.replace(/\W+/g, '-')}.out`);
    const go = join(work, 'go');
    rmSync(go, { force: true });
    const child = spawn(
      'valgrind',
      [
        '--tool=callgrind',
        '--instr-atstart=no',
        `--callgrind-out-file=${out}`,
        process.execPath,
        // One thread for V8's compiler and GC, and no randomness: the same count for the same work.
        '--predictable',
        fileURLToPath(import.meta.url),
        'count-child',
        name,
        String(step),
        go,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const ready = new Promise<string>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        const pid = /ready (\d+)/.exec(chunk.toString())?.[1];
        if (pid) resolve(pid);
      }),
    );
    const pid = await ready;
    execFileSync('callgrind_control', ['-i', 'on', pid], { stdio: 'ignore' });
    writeFileSync(go, '');
    const code = await exited;
    if (code !== 0) throw new Error(`callgrind run of ${name} exited ${code}:\n${stderr.slice(-2000)}`);
    const summary = /^(?:summary|totals): (\d+)/m.exec(readFileSync(out, 'utf8'));
    totals[name] = Number(summary?.[1] ?? NaN);
    console.log(`  ${name}: ${totals[name]?.toLocaleString('en')} instructions`);
  }
  const core = totals['core'] ?? NaN;
  console.table(Object.entries(totals).map(([name, instructions]) => ({ config: name, 'G instructions': (instructions / 1e9).toFixed(2), added: name === 'core' ? '' : percent(instructions / core - 1) })));
  rmSync(work, { recursive: true, force: true });
}

// `share`: the plugins' share of one process's CPU profile. A ratio of samples within one run, so
// the machine's load (which slows all the code alike) cancels out.
//
// Sampling every 1 ms (V8's default for --cpu-prof): two passes over the 3,033 files of step 12 give
// 44,000-55,000 samples here (the sampler falls behind on a loaded machine: 1.3-1.9 ms apart), so a
// 3 % share has a binomial error of about ±0.1 points, below the spread between runs; a shorter
// interval would not change that and adds interrupts, on a machine of 2 cores, to a thread it slows.
const SHARE_SAMPLING_US = 1000;
const SHARE_PASSES = 2;
const DIST_PLUGIN = fileURLToPath(new URL('../../dist/eslint-plugin/', import.meta.url));
// The parser configs.recommended sets: what runs under it is parsing, which core pays too.
const PARSER_WRAPPER = join(DIST_PLUGIN, 'parser.js');
const PARSER_SELF = 'bastion parser.js (self)';
const PLUGIN_PACKAGES = ['eslint-plugin-regexp', 'eslint-plugin-security', 'eslint-plugin-n'];
const THIS_FILE = fileURLToPath(import.meta.url);
const CALIBRATION = 'calibration: espree again';
const ESPREE = 'ESLint: espree parse';
// The profile's pseudo-frames: V8's own work outside JavaScript, and the profile's root.
const GC = '(garbage collector)';
const UNATTRIBUTED = new Set(['(idle)', '(program)', '(root)']);

// espree as ESLint loads it (the parser wrapper uses the same).
const espree = createRequire(createRequire(import.meta.url).resolve('eslint'))('espree') as { parse(text: string, options: Linter.ParserOptions): unknown };
const ESPREE_DIRS = ['espree', 'acorn', 'acorn-jsx'].map((name) => `${sep}node_modules${sep}${name}${sep}`);

// The calibration rule parses each JavaScript file again, as ESLint's parse did (its options, without
// the shebang handling): an amount of work known within the same profile, which the estimator must
// attribute to the rule, library frames and all, as it attributes regexpp to eslint-plugin-regexp.
// It times itself too, for the record (process.cpuUsage() counts other threads, wall time counts
// waiting for the CPU: on a loaded 2-core machine neither is the main thread's CPU time).
const CALIBRATION_LISTENER = 'parseAgain';
let [calibrationUs, calibrationWallMs] = [0, 0];
const parseAgainRule: Rule.RuleModule = {
  create: (context) =>
    isTypeScript(context.filename)
      ? {}
      : {
          Program: function parseAgain() {
            const [cpu, wall] = [process.cpuUsage(), performance.now()];
            const { ecmaVersion, sourceType, parserOptions } = context.languageOptions;
            espree.parse(context.sourceCode.text, { ecmaVersion, sourceType, ...parserOptions, loc: true, range: true, raw: true, tokens: true, comment: true });
            const { user, system } = process.cpuUsage(cpu);
            calibrationUs += user + system;
            calibrationWallMs += performance.now() - wall;
          },
        },
};
const calibration: Linter.Config = { plugins: { calibration: { rules: { 'parse-again': parseAgainRule } } }, rules: { 'calibration/parse-again': 'error' } };

const pathOf = (url: string): string => (url.startsWith('file:') ? fileURLToPath(url) : url);

/** Which plugin of recommended (or the calibration rule) a frame's code belongs to, by its file. */
function pluginOf({ url, functionName }: Profiler.ProfileNode['callFrame']): string | undefined {
  const path = pathOf(url);
  if (path === THIS_FILE) return functionName === CALIBRATION_LISTENER ? CALIBRATION : undefined;
  if (path.startsWith(DIST_PLUGIN)) return path === PARSER_WRAPPER ? undefined : `bastion ${relative(DIST_PLUGIN, path)}`;
  const plugin = PLUGIN_PACKAGES.find((name) => path.includes(`${sep}node_modules${sep}${name}${sep}`));
  return plugin?.slice('eslint-plugin-'.length);
}

/**
 * Samples per owner: a pseudo-frame's name; else the outermost plugin frame of the sample's stack
 * (the libraries a plugin calls, and ESLint's scope lookups, count as that plugin's, while core's
 * rules use the same libraries); else the parser wrapper's own frames; else ESLint's parsing with
 * espree (the calibration's yardstick); else `rest` (the rest of ESLint, its core rules,
 * typescript-eslint's parser).
 */
function samplesByOwner(profile: Profiler.Profile): Map<string, number> {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const ownerOf = (id: number): string => {
    const frame = nodes.get(id)?.callFrame;
    if (!frame) throw new Error(`profile node ${id} is missing`);
    if (frame.functionName === GC || UNATTRIBUTED.has(frame.functionName)) return frame.functionName;
    let [outermost, parsing]: [string | undefined, boolean] = [undefined, false];
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const ancestor = nodes.get(at)?.callFrame;
      if (!ancestor) continue;
      outermost = pluginOf(ancestor) ?? outermost;
      parsing ||= ESPREE_DIRS.some((dir) => ancestor.url.includes(dir));
    }
    return outermost ?? (pathOf(frame.url) === PARSER_WRAPPER ? PARSER_SELF : parsing ? ESPREE : 'rest');
  };
  const owners = new Map<number, string>();
  const samples = new Map<string, number>();
  for (const id of profile.samples ?? []) {
    let owner = owners.get(id);
    if (owner === undefined) owners.set(id, (owner = ownerOf(id)));
    samples.set(owner, (samples.get(owner) ?? 0) + 1);
  }
  return samples;
}

/** Bytes allocated per owner in a sampling heap profile, owned as samplesByOwner() owns CPU samples. */
function bytesByOwner(head: HeapProfiler.SamplingHeapProfileNode): Map<string, number> {
  const bytes = new Map<string, number>();
  const visit = (node: HeapProfiler.SamplingHeapProfileNode, outer: string | undefined): void => {
    const owner = outer ?? pluginOf(node.callFrame);
    const key = owner ?? (pathOf(node.callFrame.url) === PARSER_WRAPPER ? PARSER_SELF : 'rest');
    bytes.set(key, (bytes.get(key) ?? 0) + node.selfSize);
    for (const child of node.children) visit(child, owner);
  };
  visit(head, undefined);
  return bytes;
}

/**
 * `config` with a no-op copy of each of its plugin rules: the rule itself records the listener keys
 * its create() returned for the file (eslint-plugin-regexp's rules share one visitor per file, so a
 * second create() of them would add work rather than copy it), and its copy, created after it for
 * the same file, listens to the same keys with a listener that only counts its calls.
 */
function withNoOpCopies(config: Linter.Config): { config: Linter.Config; calls: () => number } {
  let calls = 0;
  const noOp = (): void => void calls++;
  const plugins: Record<string, ESLint.Plugin> = { ...config.plugins };
  const copies: Record<string, Rule.RuleModule> = {};
  const rules: NonNullable<Linter.Config['rules']> = { ...config.rules };
  for (const [id, setting] of Object.entries(config.rules ?? {})) {
    const [prefix = '', name = ''] = id.split('/');
    const plugin = plugins[prefix];
    const rule = plugin?.rules?.[name] as Rule.RuleModule | undefined;
    if (!plugin || !rule || setting === undefined) continue;
    let last: { ast: unknown; keys: string[] } | undefined;
    const recording: Rule.RuleModule = {
      ...rule,
      create(context) {
        const listeners = rule.create(context);
        last = { ast: context.sourceCode.ast, keys: Object.keys(listeners) };
        return listeners;
      },
    };
    plugins[prefix] = { ...plugin, rules: { ...plugin.rules, [name]: recording } };
    const copy = `${prefix}-${name}`;
    copies[copy] = {
      ...(rule.meta && { meta: rule.meta }),
      create(context) {
        if (last?.ast !== context.sourceCode.ast) throw new Error(`no-op/${copy} was created before ${id} for ${context.filename}`);
        return Object.fromEntries(last.keys.map((key) => [key, noOp]));
      },
    };
    rules[`no-op/${copy}`] = setting;
  }
  return { config: { ...config, plugins: { ...plugins, 'no-op': { rules: copies } }, rules }, calls: () => calls };
}

/**
 * The plugins' share of `name` (a subject, or `calibration`: core + recommended + a rule that parses
 * each JavaScript file again) in one process's CPU profile of two passes over the timed files; then,
 * for core + recommended, one pass of ESLint's stats with no-op copies of its rules: what timing and
 * dispatching its listeners cost without their work.
 */
async function share(step: number, name: string): Promise<void> {
  const calibrating = name === 'calibration';
  const subject = calibrating ? 'core + recommended' : name;
  const { files, linter, configs } = warmedUp(subject, step, calibrating ? [calibration] : []);
  [calibrationUs, calibrationWallMs] = [0, 0];
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: SHARE_SAMPLING_US });
  await session.post('Profiler.start');
  const [cpu0, wall0] = [process.threadCpuUsage(), performance.now()];
  for (let pass = 0; pass < SHARE_PASSES; pass++) lintAll(linter, configs, files);
  const { user, system } = process.threadCpuUsage(cpu0);
  const wallMs = performance.now() - wall0;
  const { profile } = await session.post('Profiler.stop');
  // Then one pass under the sampling heap profiler, counting the objects the GC has since collected
  // too (V8 leaves those out by default): what each owner allocated, i.e. what it gives the GC to do.
  await session.post('HeapProfiler.startSampling', { includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as HeapProfiler.StartSamplingParameterType);
  lintAll(linter, configs, files);
  const { profile: allocations } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  // For checking the attribution by hand (Chrome DevTools, or any .cpuprofile viewer).
  mkdirSync(RESULTS_DIR, { recursive: true });
  const saved = join(RESULTS_DIR, `real-tree-share-${stamp()}.cpuprofile`);
  writeFileSync(saved, JSON.stringify(profile));

  const samples = samplesByOwner(profile);
  const count = (owner: string): number => samples.get(owner) ?? 0;
  const total = [...samples.values()].reduce((sum, value) => sum + value, 0);
  const plugins = [...samples].filter(([owner]) => owner !== GC && owner !== ESPREE && owner !== 'rest' && !UNATTRIBUTED.has(owner)).sort(([, a], [, b]) => b - a);
  const plugin = plugins.reduce((sum, [, value]) => sum + value, 0);
  const [gc, idle, calibrated] = [count(GC), count('(idle)'), count(CALIBRATION)];
  const base = total - plugin - gc - idle;
  const threadMs = (user + system) / 1000;
  console.log(
    `${name}: ${files.length} files x ${SHARE_PASSES} passes, main thread ${(threadMs / 1000).toFixed(1)} s CPU, ${(wallMs / 1000).toFixed(1)} s wall; ` +
      `${total} samples (every ${SHARE_SAMPLING_US} µs asked, ${((wallMs * 1000) / total).toFixed(0)} µs on average), written to ${relative(process.cwd(), saved)}`,
  );
  console.table(
    [GC, '(program)', '(root)', '(idle)', 'plugins', ESPREE, 'rest'].map((owner) => {
      const value = owner === 'plugins' ? plugin : count(owner);
      return { samples: owner === 'rest' ? 'rest: ESLint, core rules, typescript-eslint' : owner, count: value, 'of all': percent(value / total) };
    }),
  );
  console.table(plugins.map(([owner, value]) => ({ plugin: owner, samples: value, 'added share': percent(value / base) })));
  const bytes = bytesByOwner(allocations.head);
  const allBytes = [...bytes.values()].reduce((sum, value) => sum + value, 0);
  const pluginBytes = [...bytes].reduce((sum, [owner, value]) => (owner === 'rest' || owner === CALIBRATION ? sum : sum + value), 0) / allBytes;
  console.log(
    `added share of recommended: ${percent((plugin - calibrated) / base)} of the rest less GC (GC split in proportion gives the same ratio); ` +
      `${percent((plugin - calibrated) / (base + gc))} with all GC billed to the rest; ` +
      `its plugins allocate ${percent(pluginBytes)} of the bytes (one pass, ${(allBytes / 2 ** 30).toFixed(1)} GiB sampled), ` +
      `so with GC split by bytes allocated: ${percent((plugin - calibrated + gc * pluginBytes) / (base + gc * (1 - pluginBytes)))}`,
  );
  if (calibrating) {
    console.log(
      `calibration: espree again on the JavaScript files: ${calibrated} samples, ${percent(calibrated / count(ESPREE))} of ESLint's own espree parsing of them ` +
        `(${count(ESPREE)} samples; that parse also fails on some CommonJS files first); ` +
        `self-timed ${(calibrationUs / 1000).toFixed(0)} ms process CPU = ${percent(calibrationUs / 1000 / threadMs)} of the main thread's CPU, ` +
        `${calibrationWallMs.toFixed(0)} ms wall = ${percent(calibrationWallMs / wallMs)} of the wall time; profile: ${percent(calibrated / (total - idle))} of the busy samples`,
    );
  }
  if (name !== 'core + recommended') return;
  const copied = withNoOpCopies(recommended);
  const stats = statsOf(files, configsFor([js.configs.recommended, copied.config]));
  const sum = (keep: (id: string) => boolean): number => Object.entries(stats.rulesMs).reduce((total, [id, ms]) => total + (keep(id) ? ms : 0), 0);
  const parseAndCore = stats.parseMs + sum((id) => !id.includes('/'));
  const noOps = sum((id) => id.startsWith('no-op/'));
  const rules = sum((id) => id.includes('/') && !id.startsWith('no-op/'));
  console.log(
    `ESLint stats, one pass: parse + core rules ${parseAndCore.toFixed(0)} ms; recommended's rules ${rules.toFixed(0)} ms (${percent(rules / parseAndCore)}); ` +
      `no-op copies of them ${noOps.toFixed(0)} ms (${percent(noOps / parseAndCore)}) over ${copied.calls()} listener calls, ${((noOps * 1e6) / copied.calls()).toFixed(0)} ns a call`,
  );
}

const [command = '', ...args] = process.argv.slice(2);
switch (command) {
  case 'check':
    ensureTree();
    check(intArg(args[0], 10, 'seed'), intArg(args[1], 25, 'per-rule'));
    break;
  case 'speed':
    ensureTree();
    await speed(intArg(args[0], 12, 'step'), intArg(args[1], 3, 'rounds'));
    ruleStats(timedFiles(intArg(args[0], 12, 'step')));
    break;
  case 'speed-child':
    speedChild(args[0] ?? '', intArg(args[1], 12, 'step'));
    break;
  case 'stats':
    ensureTree();
    ruleStats(timedFiles(intArg(args[0], 12, 'step')));
    break;
  case 'share':
    ensureTree();
    await share(intArg(args[0], 12, 'step'), args[1] ?? 'core + recommended');
    break;
  case 'count':
    ensureTree();
    await count(intArg(args[0], 30, 'step'), args.slice(1));
    break;
  case 'count-child':
    await countChild(args[0] ?? '', intArg(args[1], 30, 'step'), args[2] ?? '');
    break;
  default: {
    const usage = 'usage: node bench/lint/real-tree.ts <check [seed] [per-rule] | speed [step] [rounds] | stats [step] | share [step] [subject | calibration] | count [step] [subject...]>';
    const help = command === '--help' || command === '-h';
    (help ? console.log : console.error)(help ? usage : `bench/lint/real-tree.ts: unknown command ${JSON.stringify(command)}\n${usage}`);
    process.exitCode = help ? 0 : 2;
  }
}
