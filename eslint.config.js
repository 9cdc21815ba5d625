// The project's own lint: typescript-eslint on top of ESLint's recommended rules, plus bastion's
// own recommended security config (from dist/: `npm run build` before linting a fresh checkout).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import bastion from './dist/eslint-plugin/index.js';

export default tseslint.config(
  // The Nest app of bench/watchdog/frameworks.ts needs value imports for dependency injection.
  { ignores: ['dist/', 'coverage/', 'bench/results/', 'test/fixtures/', '**/node_modules/', 'templates/', 'bench/watchdog/apps/frameworks/nest/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  bastion.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Needs typescript-eslint's parser services, and bastion's config parses JavaScript with espree.
    files: ['**/*.{ts,mts,cts,tsx}'],
    rules: { '@typescript-eslint/consistent-type-imports': 'error' },
  },
  {
    // Sync I/O is the right tool where nothing else waits on the thread: tests, benchmarks and
    // scripts; CLI commands and the generators, which run once; the watchdog, which writes from its own worker thread
    // or while the process is going down; and the lint rules, which ESLint runs synchronously.
    // Services' request paths (the demo app included) stay checked.
    files: ['test/**', 'bench/**', 'scripts/**', 'src/cli/demo.ts', 'src/cli/dump.ts', 'src/cli/report.ts', 'src/diagnostics/read-json.ts', 'generators/**', 'src/watchdog/**', 'src/eslint-plugin/**'],
    rules: { 'bastion/no-sync': 'off' },
  },
  {
    // The stall benchmark's app blocks its event loop with a catastrophic regex on purpose.
    files: ['bench/watchdog/apps/**'],
    rules: { 'regexp/no-super-linear-backtracking': 'off' },
  },
);
