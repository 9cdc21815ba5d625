// The shareable flat configs. Each is one config object that registers every plugin it uses, so
// `export default [bastion.configs.recommended]` works on its own. docs/eslint-plugin.md explains
// every rule that is in, and every one left out.
import type { ESLint, Linter } from 'eslint';
import n from 'eslint-plugin-n';
import regexp from 'eslint-plugin-regexp';
import security from 'eslint-plugin-security';
import globals from 'globals';
import { findParser } from './parser.js';

/** The files the configs apply to: JavaScript and TypeScript, with or without JSX. */
const LINTED_FILES = ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}'];

// recommended reports what can be exploited: a constant command or constant code is left to strict,
// and so are core's eval rules, which report constants too (bastion/no-unsafe-deserialization
// covers eval, Function and string timers fed data).
const RECOMMENDED_RULES: Linter.RulesRecord = {
  'bastion/no-shell-exec': ['error', { allowConstantCommands: true }],
  // Also data put in the context of constant vm code (allowDataInVmContext: false, the default).
  'bastion/no-unsafe-deserialization': 'error',
  'regexp/no-super-linear-backtracking': 'error',
  // eslint-plugin-security's detect-bidi-characters, run only where the text has such a character (rules/detect-bidi-characters.ts).
  'bastion/detect-bidi-characters': 'error',
  'security/detect-new-buffer': 'error',
  'security/detect-pseudoRandomBytes': 'error',
  'security/detect-disable-mustache-escape': 'error',
  // n/no-sync, guarded against its crash on TypeScript without type information (rules/no-sync.ts).
  'bastion/no-sync': ['error', { allowAtRootLevel: true }],
};

const STRICT_RULES: Linter.RulesRecord = {
  ...RECOMMENDED_RULES,
  'bastion/no-shell-exec': 'error',
  'no-eval': 'error',
  'no-implied-eval': 'error',
  'no-new-func': 'error',
  'regexp/no-super-linear-move': 'error',
  'security/detect-non-literal-require': 'error',
  'security/detect-non-literal-regexp': 'error',
  'security/detect-possible-timing-attacks': 'error',
  'security/detect-invisible-characters': 'error',
  'bastion/no-sync': ['error', { allowAtRootLevel: false }],
  'n/no-deprecated-api': 'error',
};

/** The recommended and strict configs, registering `bastion` as the plugin. */
export function createConfigs(bastion: ESLint.Plugin): { recommended: Linter.Config; strict: Linter.Config } {
  // With typescript-eslint installed: its parser for TypeScript, espree for JavaScript (parser.ts).
  // Without it, ESLint's default parser handles .js/.jsx and TypeScript users add
  // `tseslint.configs.base` (docs/eslint-plugin.md).
  const parser = findParser();
  const base = (name: string, rules: Linter.RulesRecord): Linter.Config => ({
    name: `bastion/${name}`,
    files: LINTED_FILES,
    plugins: { bastion, security, regexp, n: n as ESLint.Plugin },
    languageOptions: {
      // ReferenceTracker sees CommonJS `require()` only when `require` is a known global.
      globals: { ...globals.node },
      parserOptions: { ecmaFeatures: { jsx: true } },
      ...(parser && { parser }),
    },
    rules,
  });
  return { recommended: base('recommended', RECOMMENDED_RULES), strict: base('strict', STRICT_RULES) };
}
