// typescript-eslint's parser for the configs, when the project has it (every TypeScript project
// linting with typescript-eslint does). It is loaded on the first file it parses: loading it pulls
// in the TypeScript compiler (most of a second), which a run that never parses a file should not
// pay, nor should `import bastion from ...` in a config file.
import { createRequire } from 'node:module';
import type { Linter } from 'eslint';

const PARSER = '@typescript-eslint/parser';
const require = createRequire(import.meta.url);

type ParseForESLint = (code: string, options?: Linter.ParserOptions) => Linter.ESLintParseResult;

/** A parser that delegates to typescript-eslint's, or undefined when that is not installed. */
export function findTypeScriptParser(): Linter.Parser | undefined {
  let version: string;
  try {
    ({ version } = require(`${PARSER}/package.json`) as { version: string });
  } catch {
    return undefined;
  }
  let parseForESLint: ParseForESLint | undefined;
  return {
    meta: { name: `bastion/${PARSER}`, version },
    parseForESLint(code: string, options?: Linter.ParserOptions) {
      parseForESLint ??= (require(PARSER) as { parseForESLint: ParseForESLint }).parseForESLint;
      return parseForESLint(code, options);
    },
  };
}
