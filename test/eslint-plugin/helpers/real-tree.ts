// A large tree of real third-party code (the project's own node_modules): the file list, how each
// file is parsed, and a crash-tolerant lint loop. Shared by the robustness test and bench/lint.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Linter } from 'eslint';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const PROJECT_NODE_MODULES = fileURLToPath(new URL('../../../node_modules/', import.meta.url));

export type SourceType = 'module' | 'commonjs';

export interface TreeFile {
  readonly path: string;
  readonly text: string;
  /** How Node would load it: by extension, else by the nearest package.json `type`. */
  readonly sourceType: SourceType;
  readonly typescript: boolean;
}

// Declaration files (.d.ts) are left out: they hold no statements that run, so no call for the rules
// to inspect, and the large lib .d.ts files of typescript would only measure the parser.
const isLintable = (name: string): boolean =>
  /\.(?:js|cjs|mjs|ts)$/.test(name) && !/\.d\.ts$/.test(name);

/** Every lintable file under `root`, sorted so that samples and benchmark lists are reproducible. */
export function listTreeFiles(root: string = PROJECT_NODE_MODULES): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && isLintable(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Every `step`-th file of a sorted list, starting at the first: a deterministic spread sample. */
export function sampleEvery<T>(items: readonly T[], step: number): T[] {
  if (!Number.isInteger(step) || step < 1) throw new TypeError(`step must be a positive integer, got ${String(step)} (${typeof step})`);
  return items.filter((_, index) => index % step === 0);
}

export function loadTreeFiles(paths: readonly string[]): TreeFile[] {
  const packageTypes = new Map<string, SourceType>();
  return paths.map((path) => ({
    path,
    text: readFileSync(path, 'utf8'),
    sourceType: sourceTypeOf(path, packageTypes),
    typescript: extname(path) === '.ts',
  }));
}

const TYPESCRIPT = /\.(?:[cm]?ts|tsx)$/;

export const isTypeScript = (path: string): boolean => TYPESCRIPT.test(path);

/** How Node would load a file: by its extension, else by the nearest package.json `type`. */
export function sourceTypeOf(path: string, cache: Map<string, SourceType>): SourceType {
  switch (extname(path)) {
    case '.mjs':
    case '.mts':
      return 'module';
    case '.cjs':
    case '.cts':
      return 'commonjs';
    default:
      // TypeScript sources are written as modules whatever the package compiles them to.
      return isTypeScript(path) ? 'module' : packageTypeOf(dirname(path), cache);
  }
}

function packageTypeOf(dir: string, cache: Map<string, SourceType>): SourceType {
  const cached = cache.get(dir);
  if (cached) return cached;
  let type: SourceType;
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { type?: unknown };
    type = manifest.type === 'module' ? 'module' : 'commonjs';
  } catch {
    const parent = dirname(dir);
    type = parent === dir ? 'commonjs' : packageTypeOf(parent, cache);
  }
  cache.set(dir, type);
  return type;
}

/** How a tree file is parsed: one config array per kind. */
export type ParseKind = SourceType | 'typescript';

export const parseKindOf = (file: TreeFile): ParseKind => (file.typescript ? 'typescript' : file.sourceType);

/** The config array for each parse kind, for one set of rules (shared by Linter and ESLint runs). */
export function treeConfigs(rules: readonly Linter.Config[]): Record<ParseKind, Linter.Config[]> {
  const build = (languageOptions: Linter.LanguageOptions): Linter.Config[] => [
    // The tree *is* node_modules, which ESLint ignores by default.
    { ignores: ['!**/node_modules/'] },
    {
      files: ['**/*.{js,cjs,mjs,ts}'],
      languageOptions: { ecmaVersion: 'latest', globals: globals.node, ...languageOptions },
      linterOptions: { reportUnusedDisableDirectives: 'off' },
    },
    ...rules,
  ];
  return {
    module: build({ sourceType: 'module' }),
    commonjs: build({ sourceType: 'commonjs' }),
    typescript: build({ sourceType: 'module', parser: tseslint.parser }),
  };
}

export interface RuleCrash {
  readonly file: string;
  readonly ruleId: string;
  readonly message: string;
  readonly stack: string;
  /** The source line the linter was at, when ESLint says which one. */
  readonly code: string;
}

export interface TreeFinding {
  readonly file: string;
  readonly line: number;
  readonly ruleId: string;
  readonly message: string;
  readonly code: string;
}

export interface TreeLintReport {
  readonly filesLinted: number;
  readonly parseFailures: readonly string[];
  readonly crashes: readonly RuleCrash[];
  readonly findings: readonly TreeFinding[];
}

/**
 * Lints every file with one Linter; a rule that throws is recorded (with its stack and the line it
 * was on) and linting goes on with the next file, a file the parser rejects is counted and skipped.
 */
export function lintTree(files: readonly TreeFile[], rules: readonly Linter.Config[]): TreeLintReport {
  const linter = new Linter({ cwd: '/' });
  const configs = treeConfigs(rules);
  const parseFailures: string[] = [];
  const crashes: RuleCrash[] = [];
  const findings: TreeFinding[] = [];
  for (const file of files) {
    let messages: Linter.LintMessage[];
    try {
      messages = verifyLikeNode(linter, file, configs);
    } catch (error) {
      crashes.push(describeCrash(file, error));
      continue;
    }
    if (messages.some((message) => message.fatal)) {
      parseFailures.push(file.path);
      continue;
    }
    for (const message of messages) {
      // A message without a rule is a problem with the setup itself (e.g. "No matching configuration").
      if (message.ruleId === null) throw new Error(`${file.path}: ${message.message}`);
      findings.push({
        file: file.path,
        line: message.line,
        ruleId: message.ruleId,
        message: message.message,
        code: excerpt(file.text, message.line, message.column),
      });
    }
  }
  return { filesLinted: files.length - parseFailures.length - crashes.length, parseFailures, crashes, findings };
}

/**
 * Verifies a file as Node would load it: like Node's module syntax detection, a .js file of a
 * CommonJS package that only parses as ESM (untranspiled `esm` builds) is linted as a module.
 */
function verifyLikeNode(linter: Linter, file: TreeFile, configs: Record<ParseKind, Linter.Config[]>): Linter.LintMessage[] {
  // Inline config is ignored: third-party files disable rules that are not loaded here.
  const options = { filename: file.path, allowInlineConfig: false };
  const messages = linter.verify(file.text, configs[parseKindOf(file)], options);
  if (parseKindOf(file) !== 'commonjs' || !messages.some((message) => message.fatal)) return messages;
  return linter.verify(file.text, configs.module, options);
}

function describeCrash(file: TreeFile, error: unknown): RuleCrash {
  const err = error instanceof Error ? error : new Error(String(error));
  const ruleId = (err as Error & { ruleId?: unknown }).ruleId;
  // ESLint appends "Occurred while linting <file>:<line>" to errors thrown by rules.
  const line = /Occurred while linting .*:(\d+)/.exec(err.message)?.[1];
  return {
    file: file.path,
    ruleId: typeof ruleId === 'string' ? ruleId : '(unknown)',
    message: err.message,
    stack: err.stack ?? '',
    code: line === undefined ? '' : excerpt(file.text, Number(line), 1),
  };
}

/** Up to 200 characters of a line around a column (lines of minified code run to megabytes). */
function excerpt(text: string, line: number, column: number): string {
  const source = text.split('\n', line)[line - 1] ?? '';
  const start = Math.max(0, column - 1 - 60);
  return source.slice(start, start + 200).trim();
}

/** Findings per rule id, sorted by rule id. */
export function countByRule(findings: readonly TreeFinding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { ruleId } of [...findings].sort((a, b) => a.ruleId.localeCompare(b.ruleId))) {
    counts[ruleId] = (counts[ruleId] ?? 0) + 1;
  }
  return counts;
}
