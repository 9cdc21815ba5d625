// The labeled security corpus (test/fixtures/eslint-plugin/corpus/): reading its labels, linting it
// with a given set of rules, and scoring the reports per vulnerability class. Shared by the corpus
// test and by bench/lint, which scores bastion and other plugins on the same files.
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export const CORPUS_DIR = fileURLToPath(new URL('../../fixtures/eslint-plugin/corpus/', import.meta.url));

export const FINDING_CLASSES = ['shell', 'deserialize'] as const;
export type FindingClass = (typeof FINDING_CLASSES)[number];

/** Which vulnerability class each rule's reports count for. Reports of unmapped rules are ignored. */
export type ClassMap = Readonly<Record<string, FindingClass>>;

export const BASTION_CLASS_MAP: ClassMap = {
  'bastion/no-shell-exec': 'shell',
  'bastion/no-unsafe-deserialization': 'deserialize',
};

/** A config enabling every rule of a class map at `error`, with the plugins that define them. */
export function rulesConfigFor(classMap: ClassMap, plugins: Linter.Config['plugins'] = {}): Linter.Config {
  return { plugins, rules: Object.fromEntries(Object.keys(classMap).map((ruleId) => [ruleId, 'error'])) };
}

/** One place that must (or, in `safe`, must not) be reported: a file-relative line and a class. */
export interface LabeledLine {
  readonly file: string;
  readonly line: number;
  readonly findingClass: FindingClass;
}

export interface CorpusLabels {
  readonly files: readonly string[];
  /** Lines ending in `// expect: <class>`. */
  readonly expected: readonly LabeledLine[];
  /** Lines ending in `// safe: <class>`: tempting look-alikes, counted to describe the corpus. */
  readonly safe: readonly LabeledLine[];
  /**
   * Lines ending in `// strict: <class>`: constant commands, which the rules' defaults and
   * `configs.strict` report and `configs.recommended` must not (nothing there to exploit).
   */
  readonly strictOnly: readonly LabeledLine[];
}

/** Which contract a linter is scored against: `strict` expects the `// strict:` lines, `recommended` forbids them. */
export type Scoring = 'strict' | 'recommended';

const SOURCE_EXTENSIONS = new Set(['.js', '.cjs', '.mjs', '.jsx', '.ts', '.tsx']);
const LABEL = /\/\/ (expect|safe|strict): (shell|deserialize)$/;

/** Reads every source file of the corpus (sorted, paths relative to the corpus) and its labels. */
export function readCorpusLabels(dir: string = CORPUS_DIR): CorpusLabels {
  const files = listSourceFiles(dir);
  const byKind: Record<string, LabeledLine[]> = { expect: [], safe: [], strict: [] };
  for (const file of files) {
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .forEach((text, index) => {
        const match = LABEL.exec(text.trimEnd());
        if (!match) return;
        byKind[match[1] as string]?.push({ file, line: index + 1, findingClass: match[2] as FindingClass });
      });
  }
  return { files, expected: byKind['expect'] ?? [], safe: byKind['safe'] ?? [], strictOnly: byKind['strict'] ?? [] };
}

/** The labels as one contract reads them: the `// strict:` lines are positives in one, negatives in the other. */
export function labelsFor(labels: CorpusLabels, scoring: Scoring): CorpusLabels {
  return scoring === 'strict'
    ? { ...labels, expected: [...labels.expected, ...labels.strictOnly], strictOnly: [] }
    : { ...labels, safe: [...labels.safe, ...labels.strictOnly], strictOnly: [] };
}

function listSourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && SOURCE_EXTENSIONS.has(extname(entry.name)))
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    // The js-yaml fixtures' node_modules hold package.json files only; skip them all the same.
    .filter((file) => !file.split(/[\\/]/).includes('node_modules'))
    .sort();
}

/**
 * Parsing for every corpus extension, the way a project would set it up: Node globals (so
 * `require` resolves), JSX in .jsx, typescript-eslint's parser for .ts/.tsx.
 */
const corpusLanguageConfig: Linter.Config[] = [
  {
    files: ['**/*.{js,cjs,mjs,jsx,ts,tsx}'],
    languageOptions: { globals: globals.node },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
  },
  { files: ['**/*.jsx'], languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } } },
  { files: ['**/*.{ts,tsx}'], languageOptions: { parser: tseslint.parser } },
];

/** A report counted for a class: the rule's id is in the class map. */
export interface ClassifiedFinding extends LabeledLine {
  /** Last line of the reported node: a label anywhere inside a multi-line call can be matched. */
  readonly endLine: number;
  readonly ruleId: string;
  readonly message: string;
}

/**
 * Lints the corpus (or the given files of `dir`) with real ESLint and the given rules (`rules`
 * config entries), and returns the reports of mapped rules. A fatal parse error fails loudly: a
 * corpus file that does not parse would silently count as all misses. `languageConfig` comes last,
 * after the rules' configs too (configs.recommended sets a parser), so a caller can parse some files differently.
 */
export async function lintCorpus(
  rulesConfig: Linter.Config[],
  classMap: ClassMap,
  dir: string = CORPUS_DIR,
  files: readonly string[] = readCorpusLabels(dir).files,
  languageConfig: Linter.Config[] = [],
): Promise<ClassifiedFinding[]> {
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [...corpusLanguageConfig, ...rulesConfig, ...languageConfig],
  });
  const results = await eslint.lintFiles([...files]);
  const findings: ClassifiedFinding[] = [];
  for (const result of results) {
    const file = relative(dir, result.filePath);
    for (const message of result.messages) {
      if (message.fatal) throw new Error(`${file}:${message.line}: ${message.message}`);
      const findingClass = message.ruleId === null ? undefined : classMap[message.ruleId];
      if (message.ruleId === null || findingClass === undefined) continue;
      findings.push({
        file,
        line: message.line,
        endLine: message.endLine ?? message.line,
        findingClass,
        ruleId: message.ruleId,
        message: message.message,
      });
    }
  }
  return findings;
}

export interface ClassScore {
  readonly findingClass: FindingClass;
  readonly truePositives: number;
  readonly falsePositives: readonly ClassifiedFinding[];
  readonly falseNegatives: readonly LabeledLine[];
  /** TP / (TP + FP); NaN when the tool reported nothing for the class. */
  readonly precision: number;
  /** TP / (TP + FN). */
  readonly recall: number;
}

const keyOf = ({ file, line, findingClass }: LabeledLine): string => `${file}:${line}:${findingClass}`;

/**
 * Scores findings against the labels, per class, by (file, line, class): several reports on one line
 * count once, a report on an unlabeled line is a false positive, a labeled line without one a miss.
 */
export function scoreFindings(labels: CorpusLabels, findings: readonly ClassifiedFinding[]): ClassScore[] {
  const expectedKeys = new Set(labels.expected.map(keyOf));
  const uniqueFindings = [...new Map(findings.map((finding) => [keyOf(finding), finding])).values()];
  const foundKeys = new Set(uniqueFindings.map(keyOf));
  return FINDING_CLASSES.map((findingClass) => {
    const ofClass = uniqueFindings.filter((finding) => finding.findingClass === findingClass);
    const truePositives = ofClass.filter((finding) => expectedKeys.has(keyOf(finding))).length;
    const falsePositives = ofClass.filter((finding) => !expectedKeys.has(keyOf(finding)));
    const falseNegatives = labels.expected.filter(
      (label) => label.findingClass === findingClass && !foundKeys.has(keyOf(label)),
    );
    return {
      findingClass,
      truePositives,
      falsePositives,
      falseNegatives,
      precision: truePositives / (truePositives + falsePositives.length),
      recall: truePositives / (truePositives + falseNegatives.length),
    };
  });
}

/** `97.3 %`, or `n/a` for a class the tool never reports. */
export function formatPercent(ratio: number): string {
  return Number.isNaN(ratio) ? 'n/a' : `${(ratio * 100).toFixed(1)} %`;
}

/** One line per miss and per false positive, `file:line`, for a failure message that can be acted on. */
export function describeErrors(score: ClassScore): string {
  const misses = score.falseNegatives.map((label) => `  missed ${label.file}:${label.line}`);
  const extras = score.falsePositives.map(
    (finding) => `  false positive ${finding.file}:${finding.line} (${finding.ruleId}: ${finding.message})`,
  );
  return [...misses, ...extras].join('\n');
}
