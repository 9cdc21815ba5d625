// The linters compared by the benchmark, each with the rules it brings to the two classes of bugs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ESLint, Linter } from 'eslint';
import js from '@eslint/js';
import security from 'eslint-plugin-security';
// bench/lint has a package.json of its own, so the package's self-reference does not resolve here.
import bastion from '../../dist/eslint-plugin/index.js';
import { BASTION_CLASS_MAP, rulesConfigFor, type ClassMap, type Scoring } from '../../test/eslint-plugin/helpers/labeled-corpus.ts';

export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));

/** A linter as scored on the corpus: which rules it runs, and the class each rule's reports count for. */
export interface AccuracySubject {
  readonly name: string;
  readonly config: Linter.Config[];
  readonly classMap: ClassMap;
  /** The contract it is held to: the others report constant commands too, so they are scored as strict. */
  readonly scoring: Scoring;
  /** Why the rules are mapped as they are, for the report. */
  readonly mapping: string;
}

export const bastionSubject: AccuracySubject = {
  name: 'bastion (rule defaults)',
  config: [rulesConfigFor(BASTION_CLASS_MAP, { bastion })],
  classMap: BASTION_CLASS_MAP,
  scoring: 'strict',
  mapping: 'no-shell-exec -> shell, no-unsafe-deserialization -> deserialize',
};

/** What a user gets: constant commands and data in the context of constant vm code must not be reported. */
export const bastionRecommendedSubject: AccuracySubject = {
  name: 'bastion configs.recommended',
  config: [bastion.configs.recommended],
  classMap: BASTION_CLASS_MAP,
  scoring: 'recommended',
  mapping: 'as above, with the options the config sets; constant commands count as negatives',
};

// eslint-plugin-security has no deserialization rule as such; the two that flag code built from
// data at run time count for that class. Its other rules (fs paths, object injection, regexes,
// timing, buffers) are about other bugs and are not run.
const SECURITY_CLASS_MAP: ClassMap = {
  'security/detect-child-process': 'shell',
  'security/detect-eval-with-expression': 'deserialize',
  'security/detect-non-literal-require': 'deserialize',
};

export const securitySubject: AccuracySubject = {
  name: 'eslint-plugin-security',
  config: [rulesConfigFor(SECURITY_CLASS_MAP, { security })],
  classMap: SECURITY_CLASS_MAP,
  scoring: 'strict',
  mapping: 'detect-child-process -> shell; detect-eval-with-expression, detect-non-literal-require -> deserialize',
};

// @microsoft/eslint-plugin-sdl has no rule of its own for either class (its rules target browsers,
// Angular, Electron and Buffer allocation). For code evaluation its `common` config enables ESLint
// core's no-eval, no-implied-eval and no-new-func: those are what it brings, counted as deserialize.
const SDL_CLASS_MAP: ClassMap = {
  'no-eval': 'deserialize',
  'no-implied-eval': 'deserialize',
  'no-new-func': 'deserialize',
};

interface SdlPlugin extends ESLint.Plugin {
  readonly configs: { readonly common: Linter.Config[]; readonly node: Linter.Config[] };
}

/**
 * @microsoft/eslint-plugin-sdl, installed in bench/lint/node_modules only. Loaded by a path resolved
 * at run time so that typechecking (and CI, which does not install bench dependencies) never needs it.
 * Runs the plugin's `common` and `node` configs as shipped: what a Node service adopting it gets.
 */
export async function loadSdlSubject(): Promise<AccuracySubject & { readonly version: string }> {
  const requireFromBench = createRequire(new URL('package.json', import.meta.url));
  const entry = requireFromBench.resolve('@microsoft/eslint-plugin-sdl');
  const plugin = ((await import(pathToFileURL(entry).href)) as { default: SdlPlugin }).default;
  const manifest = requireFromBench.resolve('@microsoft/eslint-plugin-sdl/package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const shipped = [...plugin.configs.common, ...plugin.configs.node];
  const enabled = new Set(shipped.flatMap((config) => Object.keys(config.rules ?? {})));
  const missing = Object.keys(SDL_CLASS_MAP).filter((ruleId) => !enabled.has(ruleId));
  if (missing.length > 0) throw new Error(`@microsoft/eslint-plugin-sdl ${version} no longer enables ${missing.join(', ')}`);
  return {
    name: '@microsoft/eslint-plugin-sdl',
    version,
    config: shipped,
    classMap: SDL_CLASS_MAP,
    scoring: 'strict',
    mapping: 'no rule for shell; its configs enable core no-eval, no-implied-eval, no-new-func -> deserialize',
  };
}

/** Every rule the plugin has (more than the two scored on the corpus), at `error`. */
export const bastionAllRules: Linter.Config = {
  plugins: { bastion },
  rules: Object.fromEntries(Object.keys(bastion.rules).map((name) => [`bastion/${name}`, 'error'])),
};

/** A configuration timed on the real tree. */
export interface SpeedSubject {
  readonly name: string;
  readonly config: Linter.Config[];
}

const coreRecommended: Linter.Config = js.configs.recommended;
const securityRecommended = security.configs?.['recommended'] as Linter.Config | undefined;
if (!securityRecommended) throw new Error('eslint-plugin-security has no recommended config');

export const speedSubjects: readonly SpeedSubject[] = [
  { name: 'core', config: [coreRecommended] },
  { name: 'core + bastion', config: [coreRecommended, bastionAllRules] },
  { name: 'core + security', config: [coreRecommended, securityRecommended] },
];
