// The parser the configs set when typescript-eslint is installed: typescript-eslint's for TypeScript
// files, ESLint's own (espree) for JavaScript. typescript-eslint parses JavaScript too, but at about
// twice the cost of espree, and on a real tree parsing is most of the lint time
// (docs/eslint-plugin.md#speed). Each parser is loaded on the first file it parses: loading
// typescript-eslint pulls in the TypeScript compiler (most of a second), which a run that lints no
// TypeScript should not pay, nor should `import bastion from ...` in a config file.
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import type { Linter } from 'eslint';

const TYPESCRIPT_PARSER = '@typescript-eslint/parser';
const require = createRequire(import.meta.url);

/** The extensions typescript-eslint's parser gets; every other file goes to espree. */
export const TYPESCRIPT_EXTENSIONS: ReadonlySet<string> = new Set(['.ts', '.mts', '.cts', '.tsx']);

type ParseForESLint = (code: string, options?: Linter.ParserOptions) => Linter.ESLintParseResult;
type Parse = (code: string, options?: Linter.ParserOptions) => Linter.ESLintParseResult['ast'];

/** Whether a file is parsed as TypeScript, by its extension (ESLint passes the path as `filePath`). */
export function isTypeScriptFile(filePath: unknown): boolean {
  return typeof filePath === 'string' && TYPESCRIPT_EXTENSIONS.has(extname(filePath));
}

/**
 * Whether the config asks typescript-eslint for type information (typed linting): its type-aware
 * rules then run on whatever files the user gave them, JavaScript included, and need its parser there.
 */
function wantsTypeInformation(options: Linter.ParserOptions | undefined): boolean {
  return Boolean(options?.['project'] ?? options?.['projectService']);
}

/**
 * espree as the running ESLint has it (its default parser, the same version ESLint would use),
 * else as this package resolves it; undefined when neither resolves.
 */
function loadEspree(): Parse | undefined {
  const from = (resolveFrom: NodeJS.Require): Parse | undefined => {
    try {
      return (resolveFrom('espree') as { parse: Parse }).parse;
    } catch {
      return undefined;
    }
  };
  let eslintRequire: NodeJS.Require | undefined;
  try {
    eslintRequire = createRequire(require.resolve('eslint'));
  } catch {
    eslintRequire = undefined;
  }
  return (eslintRequire && from(eslintRequire)) ?? from(require);
}

/**
 * A parser that sends TypeScript files to typescript-eslint's parser and JavaScript files to
 * espree, or undefined when typescript-eslint is not installed (the configs then keep ESLint's
 * default parser). For JavaScript it returns espree's AST alone, so ESLint builds the scope with
 * eslint-scope exactly as it does with its default parser.
 */
export function findParser(): Linter.Parser | undefined {
  let version: string;
  try {
    ({ version } = require(`${TYPESCRIPT_PARSER}/package.json`) as { version: string });
  } catch {
    return undefined;
  }
  let parseTypeScript: ParseForESLint | undefined;
  let parseJavaScript: Parse | null | undefined;
  const typescript = (code: string, options?: Linter.ParserOptions): Linter.ESLintParseResult => {
    parseTypeScript ??= (require(TYPESCRIPT_PARSER) as { parseForESLint: ParseForESLint }).parseForESLint;
    return parseTypeScript(code, options);
  };
  return {
    meta: { name: `bastion/espree+${TYPESCRIPT_PARSER}`, version },
    parseForESLint(code: string, options?: Linter.ParserOptions) {
      if (isTypeScriptFile(options?.['filePath']) || wantsTypeInformation(options)) return typescript(code, options);
      // null: espree could not be loaded (an unusual layout); typescript-eslint parses JavaScript too.
      if (parseJavaScript === undefined) parseJavaScript = loadEspree() ?? null;
      if (parseJavaScript === null) return typescript(code, options);
      return { ast: parseJavaScript(code, options) };
    },
  };
}
