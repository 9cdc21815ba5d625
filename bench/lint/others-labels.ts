// Labels that other projects wrote for their own test files (bench/lint/others-manifest.json), read
// per line and per class, and the scoring of a linter's reports against them. The files themselves
// stay outside the repository; only where they come from and how their labels read is kept here.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FINDING_CLASSES, type ClassifiedFinding, type FindingClass } from '../../test/eslint-plugin/helpers/labeled-corpus.ts';

export const MANIFEST_PATH = new URL('others-manifest.json', import.meta.url);

export type LabelStyle = 'semgrep' | 'codeql' | 'listed';

/** Why a line is not scored as the suite's label alone says (see the manifest's `about`). */
export type Verdict = 'constant' | 'dataflow' | 'sanitized' | 'version' | 'unjudged' | FindingClass;

export interface ManifestEntry {
  readonly repo: string;
  readonly path: string;
  readonly commit: string;
  readonly chars: number;
  readonly sha256: string;
  readonly style: LabelStyle;
  readonly class: FindingClass;
  readonly parser?: 'typescript';
  /** Browser code, linted with a browser's globals instead of Node's. */
  readonly globals?: 'browser';
  readonly positives?: readonly number[];
  readonly negatives?: readonly number[];
  readonly moved?: Readonly<Record<string, number>>;
  readonly verdicts?: Readonly<Record<string, Verdict>>;
}

export interface OthersLabel {
  /** `repo/path`, relative to the labels directory. */
  readonly file: string;
  readonly line: number;
  readonly findingClass: FindingClass;
  readonly positive: boolean;
  readonly verdict?: Verdict;
}

export interface OthersLabels {
  readonly files: readonly string[];
  /** Files that ESLint's default parser refuses, parsed with typescript-eslint's instead. */
  readonly typescriptParsed: readonly string[];
  /** Browser code, linted with a browser's globals. */
  readonly browser: readonly string[];
  readonly labels: readonly OthersLabel[];
  /** Files of the manifest missing from the directory, or not the version labelled. */
  readonly problems: readonly string[];
}

export function readManifest(): ManifestEntry[] {
  return (JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as { files: ManifestEntry[] }).files;
}

// A label comment, the rule or query it names ignored: `ruleid:` marks a line semgrep must report,
// `ok:` one it must not (their `todo` forms are the same verdicts, not yet met by semgrep itself).
const SEMGREP_LABEL = /\/\/\s*(todoruleid|ruleid|todook|ok)\s*:/;
// CodeQL's inline expectations (`$ Alert`, `$ MISSING: Alert`, older `NOT OK` / `OK`); `$ Source`
// marks where data enters, not a sink.
const CODEQL_POSITIVE = /\/\/.*(\$\s*(MISSING:\s*)?Alert|\bNOT OK\b)/;
const CODEQL_NEGATIVE = /\/\/\s*OK\b/;
const COMMENT_ONLY = /^\s*\/\//;

/** The first line at or after `from` (1-based) that holds code rather than only a comment or nothing. */
function nextCodeLine(lines: readonly string[], from: number): number {
  let index = from - 1;
  while (index < lines.length && (COMMENT_ONLY.test(lines[index] ?? '') || (lines[index] ?? '').trim() === '')) index++;
  return index + 1;
}

/** The suite's own labels of one file, as (line, positive) pairs, before the manifest's overrides. */
function suiteLabels(entry: ManifestEntry, lines: readonly string[]): Map<number, boolean> {
  const labels = new Map<number, boolean>();
  if (entry.style === 'listed') {
    for (const line of entry.positives ?? []) labels.set(line, true);
    for (const line of entry.negatives ?? []) labels.set(line, false);
    return labels;
  }
  lines.forEach((text, index) => {
    const lineNumber = index + 1;
    if (entry.style === 'semgrep') {
      const match = SEMGREP_LABEL.exec(text);
      if (match) labels.set(nextCodeLine(lines, lineNumber + 1), match[1]?.endsWith('ruleid') ?? false);
      return;
    }
    const positive = CODEQL_POSITIVE.test(text);
    if (!positive && !CODEQL_NEGATIVE.test(text)) return;
    // A label alone on its line speaks of the next statement.
    labels.set(COMMENT_ONLY.test(text) ? nextCodeLine(lines, lineNumber + 1) : lineNumber, positive);
  });
  return labels;
}

function checkVersion(entry: ManifestEntry, text: string): string | undefined {
  const digest = createHash('sha256').update(text).digest('hex').slice(0, entry.sha256.length);
  if (text.length === entry.chars && digest === entry.sha256) return undefined;
  return `${entry.repo}/${entry.path}: ${text.length} chars, sha256 ${digest}; labelled: ${entry.chars} chars, ${entry.sha256}`;
}

/** Reads every manifest file present under `dir` and its labels, with the manifest's overrides applied. */
export function readOthersLabels(dir: string, manifest: readonly ManifestEntry[] = readManifest()): OthersLabels {
  const files: string[] = [];
  const typescriptParsed: string[] = [];
  const browser: string[] = [];
  const labels: OthersLabel[] = [];
  const problems: string[] = [];
  for (const entry of manifest) {
    const file = `${entry.repo}/${entry.path}`;
    const absolute = join(dir, file);
    if (!existsSync(absolute)) {
      problems.push(`${file}: missing (fetch it at ${entry.commit})`);
      continue;
    }
    const text = readFileSync(absolute, 'utf8');
    const mismatch = checkVersion(entry, text);
    if (mismatch) problems.push(mismatch);
    files.push(file);
    if (entry.parser === 'typescript') typescriptParsed.push(file);
    if (entry.globals === 'browser') browser.push(file);
    const lines = text.split('\n');
    for (const [suiteLine, positive] of suiteLabels(entry, lines)) {
      const line = entry.moved?.[String(suiteLine)] ?? suiteLine;
      const verdict = entry.verdicts?.[String(line)];
      const findingClass = verdict === 'shell' || verdict === 'deserialize' ? verdict : entry.class;
      labels.push({ file, line, findingClass, positive, ...(verdict && verdict !== findingClass ? { verdict } : {}) });
    }
    // Verdicts on lines the suite leaves unlabelled (an implicit negative it calls uncertain).
    for (const [line, verdict] of Object.entries(entry.verdicts ?? {})) {
      if (labels.some((label) => label.file === file && label.line === Number(line))) continue;
      labels.push({ file, line: Number(line), findingClass: entry.class, positive: false, verdict });
    }
  }
  return { files, typescriptParsed, browser, labels, problems };
}

/** How a contract reads a label: scored as positive, as negative, or left out. */
function scoredAs(label: OthersLabel, contract: 'strict' | 'recommended'): 'positive' | 'negative' | 'skip' {
  if (label.verdict === 'unjudged') return 'skip';
  if (label.verdict === 'constant') return contract === 'strict' ? 'positive' : 'skip';
  return label.positive ? 'positive' : 'negative';
}

export interface OthersClassScore {
  readonly findingClass: FindingClass;
  readonly positives: number;
  /** Labelled negatives (explicit ones; every unlabelled line is an implicit negative too). */
  readonly negatives: number;
  readonly truePositives: number;
  readonly misses: readonly OthersLabel[];
  /** Reports on no positive line of any class. */
  readonly falsePositives: readonly ClassifiedFinding[];
  /** Those of the false positives that sit on a `dataflow` or `version` negative: what a lint cannot tell. */
  readonly dataflowFalsePositives: readonly ClassifiedFinding[];
  readonly recall: number;
  /** Recall over the positives a lint can judge: without the `dataflow` ones. */
  readonly lintVisibleRecall: number;
  /** TP / (TP + FP); NaN when the tool reports nothing for the class. */
  readonly precision: number;
  /** Those of the false positives that sit on a `sanitized` negative (lint-visible, counted apart). */
  readonly sanitizedFalsePositives: readonly ClassifiedFinding[];
  /** The same, without those negatives: the precision the labels can judge a lint by. */
  readonly lintVisiblePrecision: number;
}

const covers = (finding: ClassifiedFinding, label: OthersLabel): boolean =>
  finding.file === label.file && label.line >= finding.line && label.line <= finding.endLine;

/**
 * Scores a linter's reports against the labels, per class. A report matches a label when the label's
 * line lies within the reported node (suites label the first line of a statement, a lint may report
 * a call that spans several). A report that matches a positive of the other class is a correct
 * report (not a false positive) but no hit of this class; one on a skipped line is ignored. Several
 * reports on one line count once, as in the corpus scorer.
 */
export function scoreOthers(
  labels: readonly OthersLabel[],
  findings: readonly ClassifiedFinding[],
  contract: 'strict' | 'recommended',
): OthersClassScore[] {
  const scored = labels.map((label) => ({ label, as: scoredAs(label, contract) }));
  const unique = [...new Map(findings.map((finding) => [`${finding.file}:${finding.line}:${finding.findingClass}`, finding])).values()];
  return FINDING_CLASSES.map((findingClass) => {
    const positives = scored.filter(({ label, as }) => as === 'positive' && label.findingClass === findingClass).map(({ label }) => label);
    const negatives = scored.filter(({ label, as }) => as === 'negative' && label.findingClass === findingClass).length;
    const ofClass = unique.filter((finding) => finding.findingClass === findingClass);
    const misses = positives.filter((label) => !ofClass.some((finding) => covers(finding, label)));
    const falsePositives = ofClass.filter(
      (finding) => !scored.some(({ label, as }) => (as === 'positive' || as === 'skip') && covers(finding, label)),
    );
    const dataflowFalsePositives = falsePositives.filter((finding) =>
      labels.some((label) => (label.verdict === 'dataflow' || label.verdict === 'version') && covers(finding, label)),
    );
    const sanitizedFalsePositives = falsePositives.filter((finding) =>
      labels.some((label) => label.verdict === 'sanitized' && covers(finding, label)),
    );
    const truePositives = positives.length - misses.length;
    const visible = positives.filter((label) => label.verdict !== 'dataflow');
    const visibleMisses = misses.filter((label) => label.verdict !== 'dataflow');
    const hitsOfClass = ofClass.length - falsePositives.length;
    return {
      findingClass,
      positives: positives.length,
      negatives,
      truePositives,
      misses,
      falsePositives,
      dataflowFalsePositives,
      sanitizedFalsePositives,
      recall: truePositives / positives.length,
      lintVisibleRecall: (visible.length - visibleMisses.length) / visible.length,
      precision: hitsOfClass / (hitsOfClass + falsePositives.length),
      lintVisiblePrecision: hitsOfClass / (hitsOfClass + falsePositives.length - dataflowFalsePositives.length),
    };
  });
}
