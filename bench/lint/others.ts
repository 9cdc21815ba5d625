// `npm run bench:lint:others [dir]`: recall and precision of bastion's configs.recommended,
// eslint-plugin-security and @microsoft/eslint-plugin-sdl on test files that other projects labelled
// (semgrep-rules, CodeQL, njsscan, NodeGoat), in one run. The files are listed, with the commit each
// was labelled at, in bench/lint/others-manifest.json; they are fetched outside the repository
// (default /tmp/others-labels, or the directory given, or BENCH_LINT_OTHERS_DIR) and never committed.
// Prints a table per class and tool, the misses and false positives of each, and writes JSON to
// bench/results/lint-others.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Linter } from 'eslint';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { formatPercent, lintCorpus } from '../../test/eslint-plugin/helpers/labeled-corpus.ts';
import { ensureBenchDependencies } from '../shared/deps.ts';
import { readOthersLabels, scoreOthers, type OthersClassScore } from './others-labels.ts';
import { BENCH_DIR, bastionRecommendedSubject, bastionSubject, loadSdlSubject, securitySubject, type AccuracySubject } from './tools.ts';

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));
const DEFAULT_DIR = '/tmp/others-labels';

const dir = process.argv[2] ?? process.env['BENCH_LINT_OTHERS_DIR'] ?? DEFAULT_DIR;

async function main(): Promise<void> {
  ensureBenchDependencies(BENCH_DIR);
  const others = readOthersLabels(dir);
  for (const problem of others.problems) console.log(`  ! ${problem}`);
  if (others.files.length === 0) throw new Error(`no labelled file under ${dir}: fetch those of bench/lint/others-manifest.json first`);
  const languageConfig: Linter.Config[] = [];
  if (others.typescriptParsed.length > 0) languageConfig.push({ files: [...others.typescriptParsed], languageOptions: { parser: tseslint.parser } });
  if (others.browser.length > 0) languageConfig.push({ files: [...others.browser], languageOptions: { globals: globals.browser } });

  const sdl = await loadSdlSubject();
  const subjects: AccuracySubject[] = [bastionRecommendedSubject, bastionSubject, securitySubject, sdl];
  const results: { tool: string; scoring: string; scores: OthersClassScore[] }[] = [];
  for (const subject of subjects) {
    const findings = await lintCorpus(subject.config, subject.classMap, dir, others.files, languageConfig);
    // The others report constant commands, so they are held to the strict reading, as on our corpus.
    const scores = scoreOthers(others.labels, findings, subject.scoring);
    results.push({ tool: subject.name, scoring: subject.scoring, scores });
  }

  const count = (findingClass: string, key: 'positives' | 'negatives') =>
    results[0]?.scores.find((score) => score.findingClass === findingClass)?.[key] ?? 0;
  console.log(
    `\n== Others' labels: ${others.files.length} files under ${dir} ==\n` +
      `recommended reading: shell ${count('shell', 'positives')} positives / ${count('shell', 'negatives')} labelled negatives; ` +
      `deserialize ${count('deserialize', 'positives')} / ${count('deserialize', 'negatives')} (every unlabelled line is a negative too)`,
  );
  console.table(
    results.flatMap(({ tool, scoring, scores }) =>
      scores.map((score) => ({
        tool,
        scoring,
        class: score.findingClass,
        positives: score.positives,
        TP: score.truePositives,
        FP: score.falsePositives.length,
        'FP data-flow': score.dataflowFalsePositives.length,
        'FP sanitized': score.sanitizedFalsePositives.length,
        recall: formatPercent(score.recall),
        'recall, lint-visible': formatPercent(score.lintVisibleRecall),
        precision: formatPercent(score.precision),
        'precision, lint-visible': formatPercent(score.lintVisiblePrecision),
      })),
    ),
  );
  for (const { tool, scores } of results) {
    for (const score of scores) {
      for (const miss of score.misses) {
        const dataflow = miss.verdict === 'dataflow' ? ' [data-flow positive]' : '';
        console.log(`  ${tool} ${score.findingClass} missed ${miss.file}:${miss.line}${dataflow}`);
      }
      for (const finding of score.falsePositives) {
        const dataflow = score.dataflowFalsePositives.includes(finding)
          ? ' [negative beyond a lint]'
          : score.sanitizedFalsePositives.includes(finding)
            ? ' [sanitized before the call]'
            : '';
        console.log(`  ${tool} ${score.findingClass} false positive ${finding.file}:${finding.line}${dataflow} ${finding.ruleId}: ${finding.message}`);
      }
    }
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const out = join(RESULTS_DIR, 'lint-others.json');
  writeFileSync(out, `${JSON.stringify({ dir, files: others.files, problems: others.problems, sdlVersion: sdl.version, results }, null, 2)}\n`);
  console.log(`\nwritten ${out}`);
}

await main();
