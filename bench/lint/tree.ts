// The real tree of bench/lint/real-tree.ts: popular packages installed from the registry into a
// scratch directory (never the repository), the lintable files in it, how each is parsed, and a
// crash-tolerant lint loop over them.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Linter } from 'eslint';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { sourceTypeOf } from '../../test/eslint-plugin/helpers/real-tree.ts';
import type { SourceType } from '../../test/eslint-plugin/helpers/real-tree.ts';

/** Where the tree's package.json and package-lock.json are kept (the lockfile pins every version). */
export const TREE_MANIFEST_DIR = fileURLToPath(new URL('real-tree/', import.meta.url));

/** The scratch directory the tree is installed into: BENCH_REAL_TREE_DIR, else <tmpdir>/bastion-real-tree. */
export const treeDir = (): string => process.env['BENCH_REAL_TREE_DIR'] || join(tmpdir(), 'bastion-real-tree');

/**
 * Installs the tree from its lockfile unless it is there already. `--ignore-scripts`: the tree is
 * only read, and install scripts would download binaries the machine cannot reach.
 */
export function ensureTree(dir: string = treeDir()): void {
  if (existsSync(join(dir, 'node_modules', '.package-lock.json'))) return;
  mkdirSync(dir, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(TREE_MANIFEST_DIR, file), join(dir, file));
  console.log(`installing the real tree: npm ci --ignore-scripts in ${dir} (first run only, a few minutes) ...`);
  execFileSync('npm', ['ci', '--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
}

export interface TreeFile {
  readonly path: string;
  readonly text: string;
  /** How Node would load it: by extension, else by the nearest package.json `type`. */
  readonly sourceType: SourceType;
}

// What bastion's configs lint, less declaration files (no statement in them runs).
const LINTABLE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const DECLARATION = /\.d\.[cm]?ts$/;
/** Every lintable file under `root`, sorted, so that samples and timed lists are reproducible. */
export function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && LINTABLE.test(entry.name) && !DECLARATION.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

export function loadFiles(paths: readonly string[]): TreeFile[] {
  const packageTypes = new Map<string, SourceType>();
  return paths.map((path) => ({ path, text: readFileSync(path, 'utf8'), sourceType: sourceTypeOf(path, packageTypes) }));
}

/** The package a file belongs to: the path after its last `node_modules/` (scope included). */
export function packageOf(path: string): string {
  const parts = path.split(sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return '(root)';
  const name = parts[at + 1] ?? '';
  return name.startsWith('@') ? `${name}/${parts[at + 2] ?? ''}` : name;
}

// ESLint's config array class, as its CLI builds it once per run. Linter#verify() given a plain
// array builds and normalises a new one for every call, then merges the file's config again (every
// rule's options cloned): a cost per file that grows with the config, which `eslint .` does not pay
// (it caches the merged config per set of matching config objects). Not exported by the package.
const { FlatConfigArray } = createRequire(createRequire(import.meta.url).resolve('eslint'))('./config/flat-config-array.js') as {
  FlatConfigArray: new (configs: Linter.Config[], options: { basePath: string }) => Linter.Config[] & { normalizeSync(): void };
};

/**
 * The config arrays for one subject, per source type, each built once as ESLint's CLI does (for a
 * Linter whose cwd is `/`). The base is what a project of that package would have without bastion:
 * ESLint's default parser for JavaScript, typescript-eslint's for TypeScript (as
 * `tseslint.configs.base` sets it), Node's globals; the subject's configs follow.
 */
export function configsFor(subject: readonly Linter.Config[]): Record<SourceType, Linter.Config[]> {
  const build = (sourceType: SourceType): Linter.Config[] => {
    const configs = new FlatConfigArray(baseConfigs(sourceType, subject), { basePath: '/' });
    configs.normalizeSync();
    return configs;
  };
  return { module: build('module'), commonjs: build('commonjs') };
}

function baseConfigs(sourceType: SourceType, subject: readonly Linter.Config[]): Linter.Config[] {
  return [
    // The tree *is* node_modules, which ESLint ignores by default.
    { ignores: ['!**/node_modules/'] },
    {
      files: ['**/*'],
      languageOptions: { ecmaVersion: 'latest', sourceType, globals: globals.node },
      linterOptions: { reportUnusedDisableDirectives: 'off' },
    },
    { files: ['**/*.{ts,mts,cts,tsx}'], languageOptions: { parser: tseslint.parser } },
    ...subject,
  ];
}

export interface VerifyOptions {
  readonly stats?: boolean;
}

/**
 * Lints a file as Node would load it: like Node's module syntax detection, a .js file of a CommonJS
 * package that only parses as ESM (an untranspiled ESM build) is linted as a module. Inline config
 * is ignored: third-party files disable rules that are not loaded here. Throws what a rule throws.
 */
export function verifyLikeNode(
  linter: Linter,
  file: TreeFile,
  configs: Record<SourceType, Linter.Config[]>,
  { stats = false }: VerifyOptions = {},
): Linter.LintMessage[] {
  const options = { filename: file.path, allowInlineConfig: false, stats, fix: false };
  // ESLint records stats in verifyAndFix() only (verify() with stats throws); without fixes it is one verify().
  const verify = (config: Linter.Config[]) => (stats ? linter.verifyAndFix(file.text, config, options).messages : linter.verify(file.text, config, options));
  const messages = verify(configs[file.sourceType]);
  if (file.sourceType !== 'commonjs' || !messages.some((message) => message.fatal)) return messages;
  return verify(configs.module);
}

/** A line of context, at most `width` characters around a column (minified lines run to megabytes). */
export function excerpt(text: string, line: number, column: number, width = 200): string {
  const source = text.split('\n', line)[line - 1] ?? '';
  const start = Math.max(0, column - 1 - Math.floor(width / 3));
  return source.slice(start, start + width).trim();
}

/** The packages of the tree that depend on each of `names` (from their package.json). */
export function dependentsOf(root: string, names: readonly string[]): Record<string, string[]> {
  const found: Record<string, Set<string>> = Object.fromEntries(names.map((name) => [name, new Set<string>()]));
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name !== 'package.json') continue;
    const path = join(entry.parentPath, entry.name);
    const name = packageOf(path);
    // Only a package's own manifest: node_modules/<name>/package.json or node_modules/@s/<name>/package.json.
    if (!path.endsWith(`node_modules${sep}${name.split('/').join(sep)}${sep}package.json`)) continue;
    let manifest: { dependencies?: Record<string, string> };
    try {
      manifest = JSON.parse(readFileSync(path, 'utf8')) as typeof manifest;
    } catch {
      continue;
    }
    for (const dependency of Object.keys(manifest.dependencies ?? {})) found[dependency]?.add(name);
  }
  return Object.fromEntries(Object.entries(found).map(([name, users]) => [name, [...users].sort()]));
}

/** mulberry32: a small seeded PRNG, so that the hand-checked sample can be drawn again. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` items drawn without replacement, in their original order. */
export function sampleOf<T>(items: readonly T[], count: number, random: () => number): T[] {
  const indices = items.map((_, index) => index);
  for (let i = indices.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [indices[i], indices[j]] = [indices[j] as number, indices[i] as number];
  }
  return indices
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((index) => items[index] as T);
}
