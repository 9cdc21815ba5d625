// ESLint's RuleTester driven by node:test, with the language options the recommended config sets
// (Node globals, ES modules, JSX), plus a TypeScript variant using typescript-eslint's parser.
import { describe, it } from 'node:test';
import { RuleTester, type Linter } from 'eslint';
import globals from 'globals';
import tseslint from 'typescript-eslint';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

export function createRuleTester(): RuleTester {
  return new RuleTester({
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: { ...globals.node },
      parserOptions: { ecmaFeatures: { jsx: true } },
    },
  });
}

/** Per-case options that parse the case as TypeScript (`.ts`, or `.tsx` with `jsx: true`). */
export function typescript(options: { jsx?: boolean } = {}): { filename: string; languageOptions: Linter.LanguageOptions } {
  return {
    filename: options.jsx ? 'file.tsx' : 'file.ts',
    languageOptions: { parser: tseslint.parser as Linter.Parser },
  };
}
