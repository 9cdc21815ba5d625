// `npm run bench:lint`: accuracy of bastion vs eslint-plugin-security vs @microsoft/eslint-plugin-sdl
// on the labeled corpus, a crash check of the bastion rules over the whole node_modules tree, and the
// lint time bastion adds to ESLint's recommended rules on real code. Prints tables and writes JSON to
// bench/results/. Environment: BENCH_LINT_ROUNDS (timed rounds, default 5), BENCH_LINT_SAMPLE_STEP
// (time every n-th file of the tree, default 4).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// bench/lint has a package.json of its own, so the package's self-reference does not resolve here.
import bastion from '../../dist/eslint-plugin/index.js';
import { BASTION_CLASS_MAP, formatPercent } from '../../test/eslint-plugin/helpers/labeled-corpus.ts';
import { countByRule, lintTree, listTreeFiles, loadTreeFiles, type TreeFile } from '../../test/eslint-plugin/helpers/real-tree.ts';
import { ensureBenchDependencies } from '../shared/deps.ts';
import { median } from '../shared/stats.ts';
import { measureAccuracy } from './accuracy.ts';
import { MAX_TIMED_FILE_BYTES, addedToCore, loadTimedFiles, measureRuleTimes, measureSpeed, pluginShareOfCore } from './speed.ts';
import { BENCH_DIR, bastionAllRules, bastionRecommendedSubject, bastionSubject, loadSdlSubject, securitySubject, speedSubjects, type SpeedSubject } from './tools.ts';

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));
const ADDED_TIME_BAR = 0.05;
const STATS_PASSES = 3;

const percent = (ratio: number): string => `${(ratio * 100).toFixed(2)} %`;
const seconds = (ms: number): string => (ms / 1000).toFixed(2);

function positiveIntegerFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

async function runAccuracy() {
  console.log('\n== Accuracy on the labeled corpus (test/fixtures/eslint-plugin/corpus) ==');
  const sdl = await loadSdlSubject();
  const { corpus, results } = await measureAccuracy([bastionSubject, bastionRecommendedSubject, securitySubject, sdl]);
  console.log(
    `${corpus.files} files; positives: shell ${corpus.positives.shell}, deserialize ${corpus.positives.deserialize}; ` +
      `strict only (positives for strict, negatives for recommended): shell ${corpus.strictOnly.shell}, deserialize ${corpus.strictOnly.deserialize}; ` +
      `labeled look-alikes: shell ${corpus.safeLookAlikes.shell}, deserialize ${corpus.safeLookAlikes.deserialize}`,
  );
  console.table(
    results.map(({ tool, scoring, classes }) => ({
      tool,
      scoring,
      'shell precision': formatPercent(classes.shell.precision ?? NaN),
      'shell recall': formatPercent(classes.shell.recall),
      'deserialize precision': formatPercent(classes.deserialize.precision ?? NaN),
      'deserialize recall': formatPercent(classes.deserialize.recall),
    })),
  );
  for (const { tool, mapping } of results) console.log(`  ${tool}: ${mapping}`);
  return { sdlVersion: sdl.version, corpus, results };
}

function runCrashCheck(paths: readonly string[]) {
  console.log('\n== Crash check: every bastion rule over the whole node_modules tree ==');
  const tree = lintTree(loadTreeFiles(paths), [bastionAllRules]);
  const findingsPerRule = countByRule(tree.findings);
  console.log(
    `${paths.length} files: ${tree.filesLinted} linted, ${tree.parseFailures.length} not parseable, ` +
      `${tree.crashes.length} rule crashes; findings ${JSON.stringify(findingsPerRule)}`,
  );
  for (const crash of tree.crashes) console.log(`  CRASH ${crash.ruleId} in ${crash.file}: ${crash.code}\n${crash.stack}`);
  // The security findings are few and worth a look; the rest (no-sync) are only counted here.
  for (const finding of tree.findings.filter(({ ruleId }) => ruleId in BASTION_CLASS_MAP)) {
    console.log(`  ${finding.file}:${finding.line} ${finding.ruleId}: ${finding.code}`);
  }
  return { files: paths.length, ...tree, findingsPerRule };
}

async function shareOfCoreOverPasses(subject: SpeedSubject, files: readonly TreeFile[], prefix: string) {
  const passes = [];
  for (let pass = 0; pass < STATS_PASSES; pass++) passes.push(pluginShareOfCore(await measureRuleTimes(subject, files), prefix));
  return { medianRatioToCore: median(passes.map((pass) => pass.ratioToCore)) ?? NaN, passes };
}

async function runSpeed(paths: readonly string[], sampleStep: number, rounds: number) {
  console.log('\n== Speed: ESLint recommended alone, + bastion, + eslint-plugin-security ==');
  const files = loadTimedFiles(paths, sampleStep);
  const bytes = files.reduce((sum, file) => sum + Buffer.byteLength(file.text), 0);
  const selection = `every ${sampleStep}. lintable file <= ${MAX_TIMED_FILE_BYTES} bytes under node_modules, sorted by path`;
  console.log(`${files.length} files (${selection}), ${(bytes / 1e6).toFixed(1)} MB, ${rounds} rounds`);
  const results = await measureSpeed(speedSubjects, files, rounds, (round) => console.log(`  round ${round}/${rounds} done`));
  console.table(
    results.map((result) => ({
      config: result.subject,
      'CPU s (best round per chunk)': seconds(result.minChunksCpuMs),
      'median CPU s': seconds(result.medianCpuMs),
      'CPU s per round': result.roundsCpuMs.map(seconds).join(' '),
      'median wall s': seconds(result.medianWallMs),
    })),
  );
  const added = { bastion: addedToCore(results, 'core + bastion'), security: addedToCore(results, 'core + security') };
  for (const [name, share] of Object.entries(added)) {
    console.log(
      `${name} adds ${percent(share.ratioToCoreCpu)} to core CPU time (best round per chunk); per-round paired ` +
        `ratios ${share.pairedRatiosCpu.map(percent).join(', ')} (median ${percent(share.medianPairedRatioCpu)}); ` +
        `difference of medians: ${percent(share.ratioOfMediansCpu)} CPU, ${percent(share.ratioOfMediansWall)} wall`,
    );
  }

  // ESLint times each rule (its create() and listeners) and the parser on every file, so load from
  // other work falls on core and plugin rules alike: on a shared machine this is the steadier figure.
  console.log(`\n== ESLint per-rule times (stats: true), ${STATS_PASSES} passes each ==`);
  const [, withBastion, withSecurity] = speedSubjects;
  if (!withBastion || !withSecurity) throw new Error('speed subjects changed');
  const ruleTimes = {
    bastion: await shareOfCoreOverPasses(withBastion, files, 'bastion/'),
    security: await shareOfCoreOverPasses(withSecurity, files, 'security/'),
  };
  for (const [name, { passes, medianRatioToCore }] of Object.entries(ruleTimes)) {
    console.log(`${name}: ${percent(medianRatioToCore)} of parse + core rules (median; passes ${passes.map((pass) => percent(pass.ratioToCore)).join(', ')})`);
    for (const pass of passes) {
      const perRule = Object.entries(pass.perRuleMs).map(([ruleId, ms]) => `${ruleId} ${ms.toFixed(0)}`);
      console.log(`  parse ${pass.parseMs.toFixed(0)} ms, core rules ${pass.coreRulesMs.toFixed(0)} ms, ${name} ${pass.pluginRulesMs.toFixed(0)} ms (${perRule.join(', ')})`);
    }
  }
  return { files: files.length, bytes, selection, rounds, results, added, ruleTimes };
}

async function main(): Promise<void> {
  const rounds = positiveIntegerFromEnv('BENCH_LINT_ROUNDS', 5);
  const sampleStep = positiveIntegerFromEnv('BENCH_LINT_SAMPLE_STEP', 4);
  ensureBenchDependencies(BENCH_DIR);
  const startedAt = new Date();
  const accuracy = await runAccuracy();
  const treePaths = listTreeFiles();
  const crashCheck = runCrashCheck(treePaths);
  const speed = await runSpeed(treePaths, sampleStep, rounds);

  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `lint-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const report = { startedAt: startedAt.toISOString(), node: process.version, bastionVersion: bastion.meta.version, accuracy, crashCheck, speed };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nWrote ${file} (bench took ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s)`);
  const overBar = speed.ruleTimes.bastion.medianRatioToCore > ADDED_TIME_BAR;
  console.log(`bastion's rules: ${percent(speed.ruleTimes.bastion.medianRatioToCore)} of core time by ESLint's stats (bar: <= ${percent(ADDED_TIME_BAR)})${overBar ? ': OVER THE BAR' : ''}`);
  if (crashCheck.crashes.length > 0 || overBar) process.exitCode = 1;
}

await main();
