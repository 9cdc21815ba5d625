// ESLint's and typescript-eslint's recommended rules, with type information (floating promises are
// how a service loses errors), and bastion's security rules: shell execution, unsafe
// deserialization, catastrophic regular expressions, sync I/O outside start-up.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import bastion from 'generator-bastion/eslint-plugin';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'vendor/', 'coverage/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Fastify's handlers and plugins are async functions by contract, with or without an await.
      '@typescript-eslint/require-await': 'off',
      // node:test's test() and describe() return promises the runner awaits itself.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] }],
    },
  },
  { files: ['**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
  bastion.configs.recommended,
);
