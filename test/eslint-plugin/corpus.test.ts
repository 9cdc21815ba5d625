// Precision and recall of the bastion rules on the labeled corpus, per vulnerability class.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import bastion from 'generator-bastion/eslint-plugin';
import {
  BASTION_CLASS_MAP,
  CORPUS_DIR,
  describeErrors,
  FINDING_CLASSES,
  formatPercent,
  labelsFor,
  lintCorpus,
  readCorpusLabels,
  rulesConfigFor,
  scoreFindings,
  type ClassScore,
  type FindingClass,
  type LabeledLine,
  type Scoring,
} from './helpers/labeled-corpus.ts';
import type { Linter } from 'eslint';

const MIN_PRECISION = 0.95;
const MIN_RECALL = 0.95;

// The rules' defaults are the strict contract (constant commands reported); configs.recommended
// must leave constant commands alone and still find everything else.
const SUBJECTS: { name: string; config: Linter.Config; scoring: Scoring }[] = [
  { name: 'rule defaults', config: rulesConfigFor(BASTION_CLASS_MAP, { bastion }), scoring: 'strict' },
  { name: 'configs.recommended', config: bastion.configs.recommended, scoring: 'recommended' },
];

describe('the labeled corpus', () => {
  const labels = readCorpusLabels();

  test('is large enough to measure both classes', () => {
    for (const findingClass of FINDING_CLASSES) {
      const count = (lines: readonly LabeledLine[]) => lines.filter((label) => label.findingClass === findingClass).length;
      const expected = count(labels.expected) + count(labels.strictOnly);
      assert.ok(expected >= 60, `${findingClass}: only ${expected} labeled positives`);
      assert.ok(count(labels.safe) >= 60, `${findingClass}: only ${count(labels.safe)} labeled look-alikes`);
    }
    assert.ok(labels.expected.length >= 150 && labels.safe.length >= 150);
  });
});

for (const subject of SUBJECTS) {
  describe(`bastion rules on the labeled corpus, ${subject.name}`, () => {
    const labels = labelsFor(readCorpusLabels(), subject.scoring);
    let scores: Map<FindingClass, ClassScore>;

    before(async () => {
      const findings = await lintCorpus([subject.config], BASTION_CLASS_MAP);
      scores = new Map(scoreFindings(labels, findings).map((score) => [score.findingClass, score]));
      for (const score of scores.values()) {
        console.log(
          `${subject.name}, ${score.findingClass}: TP ${score.truePositives}, FP ${score.falsePositives.length}, ` +
            `FN ${score.falseNegatives.length}, precision ${formatPercent(score.precision)}, ` +
            `recall ${formatPercent(score.recall)}`,
        );
        const errors = describeErrors(score);
        if (errors) console.log(errors);
      }
    });

    for (const findingClass of FINDING_CLASSES) {
      test(`${findingClass}: precision >= ${MIN_PRECISION * 100} % and recall >= ${MIN_RECALL * 100} %`, () => {
        const score = scores.get(findingClass);
        assert.ok(score);
        const summary = `precision ${formatPercent(score.precision)}, recall ${formatPercent(score.recall)}\n${describeErrors(score)}`;
        assert.ok(score.precision >= MIN_PRECISION, summary);
        assert.ok(score.recall >= MIN_RECALL, summary);
      });
    }
  });
}

describe('corpus scoring', () => {
  const labels = {
    files: ['a.js'],
    expected: [
      { file: 'a.js', line: 1, findingClass: 'shell' },
      { file: 'a.js', line: 2, findingClass: 'shell' },
    ],
    safe: [],
    strictOnly: [],
  } as const;
  const finding = (line: number, findingClass: FindingClass) =>
    ({ file: 'a.js', line, endLine: line, findingClass, ruleId: 'r', message: 'm' }) as const;

  test('counts a line once however many reports it gets, and keys on the class', () => {
    const [shell, deserialize] = scoreFindings(labels, [
      finding(1, 'shell'),
      finding(1, 'shell'),
      finding(2, 'deserialize'),
      finding(3, 'shell'),
    ]);
    assert.equal(shell?.truePositives, 1);
    assert.deepEqual(shell?.falsePositives.map((f) => f.line), [3]);
    assert.deepEqual(shell?.falseNegatives.map((l) => l.line), [2]);
    assert.equal(shell?.precision, 0.5);
    assert.equal(shell?.recall, 0.5);
    assert.deepEqual(deserialize?.falsePositives.map((f) => f.line), [2]);
  });

  test('a strict-only line is a positive for the strict contract and a negative for recommended', () => {
    const withConstant = { ...labels, strictOnly: [{ file: 'a.js', line: 5, findingClass: 'shell' }] } as const;
    const reports = [finding(1, 'shell'), finding(2, 'shell'), finding(5, 'shell')];
    const [strict] = scoreFindings(labelsFor(withConstant, 'strict'), reports);
    const [recommended] = scoreFindings(labelsFor(withConstant, 'recommended'), reports);
    assert.equal(strict?.truePositives, 3);
    assert.deepEqual(recommended?.falsePositives.map((f) => f.line), [5]);
    assert.deepEqual(labelsFor(withConstant, 'recommended').safe.map((l) => l.line), [5]);
  });

  test('a tool that never reports a class has no precision to speak of', () => {
    const [shell] = scoreFindings(labels, []);
    assert.ok(Number.isNaN(shell?.precision));
    assert.equal(shell?.recall, 0);
    assert.equal(formatPercent(shell?.precision ?? 0), 'n/a');
  });

  test('every label sits on a line of code, not on a comment of its own', () => {
    const corpus = readCorpusLabels();
    const commentOnly = [...corpus.expected, ...corpus.safe, ...corpus.strictOnly].filter(({ file, line }) =>
      /^\s*\/\//.test(readFileSync(join(CORPUS_DIR, file), 'utf8').split('\n')[line - 1] ?? ''),
    );
    assert.deepEqual(commentOnly, []);
  });
});
