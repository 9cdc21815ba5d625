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
  lintCorpus,
  readCorpusLabels,
  rulesConfigFor,
  scoreFindings,
  type ClassScore,
  type FindingClass,
} from './helpers/labeled-corpus.ts';

const MIN_PRECISION = 0.95;
const MIN_RECALL = 0.95;

describe('bastion rules on the labeled corpus', () => {
  const labels = readCorpusLabels();
  let scores: Map<FindingClass, ClassScore>;

  before(async () => {
    const findings = await lintCorpus([rulesConfigFor(BASTION_CLASS_MAP, { bastion })], BASTION_CLASS_MAP);
    scores = new Map(scoreFindings(labels, findings).map((score) => [score.findingClass, score]));
    for (const score of scores.values()) {
      console.log(
        `${score.findingClass}: TP ${score.truePositives}, FP ${score.falsePositives.length}, ` +
          `FN ${score.falseNegatives.length}, precision ${formatPercent(score.precision)}, ` +
          `recall ${formatPercent(score.recall)}`,
      );
      const errors = describeErrors(score);
      if (errors) console.log(errors);
    }
  });

  test('the corpus is large enough to measure both classes', () => {
    for (const findingClass of FINDING_CLASSES) {
      const expected = labels.expected.filter((label) => label.findingClass === findingClass).length;
      const safe = labels.safe.filter((label) => label.findingClass === findingClass).length;
      assert.ok(expected >= 60, `${findingClass}: only ${expected} labeled positives`);
      assert.ok(safe >= 60, `${findingClass}: only ${safe} labeled look-alikes`);
    }
    assert.ok(labels.expected.length >= 150 && labels.safe.length >= 150);
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

describe('corpus scoring', () => {
  const labels = {
    files: ['a.js'],
    expected: [
      { file: 'a.js', line: 1, findingClass: 'shell' },
      { file: 'a.js', line: 2, findingClass: 'shell' },
    ],
    safe: [],
  } as const;
  const finding = (line: number, findingClass: FindingClass) =>
    ({ file: 'a.js', line, findingClass, ruleId: 'r', message: 'm' }) as const;

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

  test('a tool that never reports a class has no precision to speak of', () => {
    const [shell] = scoreFindings(labels, []);
    assert.ok(Number.isNaN(shell?.precision));
    assert.equal(shell?.recall, 0);
    assert.equal(formatPercent(shell?.precision ?? 0), 'n/a');
  });

  test('every label sits on a line of code, not on a comment of its own', () => {
    const corpus = readCorpusLabels();
    const commentOnly = [...corpus.expected, ...corpus.safe].filter(({ file, line }) =>
      /^\s*\/\//.test(readFileSync(join(CORPUS_DIR, file), 'utf8').split('\n')[line - 1] ?? ''),
    );
    assert.deepEqual(commentOnly, []);
  });
});
