// Precision and recall per class of each linter on the labeled corpus, in one run.
import {
  labelsFor,
  lintCorpus,
  readCorpusLabels,
  scoreFindings,
  type ClassScore,
  type CorpusLabels,
  type FindingClass,
  type Scoring,
} from '../../test/eslint-plugin/helpers/labeled-corpus.ts';
import type { AccuracySubject } from './tools.ts';

export interface ClassResult {
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  /** null when the tool reports nothing for the class (precision undefined). */
  readonly precision: number | null;
  readonly recall: number;
  readonly falsePositiveLines: readonly string[];
  readonly missedLines: readonly string[];
}

export interface AccuracyResult {
  readonly tool: string;
  readonly scoring: Scoring;
  readonly mapping: string;
  readonly classes: Record<FindingClass, ClassResult>;
}

export interface CorpusSummary {
  readonly files: number;
  readonly positives: Record<FindingClass, number>;
  readonly safeLookAlikes: Record<FindingClass, number>;
  /** Constant commands, data in vm contexts: positives for the strict contract, negatives for recommended. */
  readonly strictOnly: Record<FindingClass, number>;
}

function summarizeCorpus(labels: CorpusLabels): CorpusSummary {
  const count = (lines: CorpusLabels['expected'], findingClass: FindingClass) =>
    lines.filter((line) => line.findingClass === findingClass).length;
  return {
    files: labels.files.length,
    positives: { shell: count(labels.expected, 'shell'), deserialize: count(labels.expected, 'deserialize') },
    safeLookAlikes: { shell: count(labels.safe, 'shell'), deserialize: count(labels.safe, 'deserialize') },
    strictOnly: { shell: count(labels.strictOnly, 'shell'), deserialize: count(labels.strictOnly, 'deserialize') },
  };
}

export async function measureAccuracy(
  subjects: readonly AccuracySubject[],
): Promise<{ corpus: CorpusSummary; results: AccuracyResult[] }> {
  const labels = readCorpusLabels();
  const results: AccuracyResult[] = [];
  for (const subject of subjects) {
    const scores = scoreFindings(labelsFor(labels, subject.scoring), await lintCorpus(subject.config, subject.classMap));
    const byClass = Object.fromEntries(scores.map((score) => [score.findingClass, toResult(score)]));
    results.push({ tool: subject.name, scoring: subject.scoring, mapping: subject.mapping, classes: byClass as Record<FindingClass, ClassResult> });
  }
  return { corpus: summarizeCorpus(labels), results };
}

function toResult(score: ClassScore): ClassResult {
  return {
    truePositives: score.truePositives,
    falsePositives: score.falsePositives.length,
    falseNegatives: score.falseNegatives.length,
    precision: Number.isNaN(score.precision) ? null : score.precision,
    recall: score.recall,
    falsePositiveLines: score.falsePositives.map((finding) => `${finding.file}:${finding.line} ${finding.ruleId}`),
    missedLines: score.falseNegatives.map((label) => `${label.file}:${label.line}`),
  };
}
