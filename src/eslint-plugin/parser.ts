// The parser the configs set: typescript-eslint's for TypeScript files (when it is installed),
// ESLint's own (espree) for JavaScript. typescript-eslint parses JavaScript too, but at about twice
// the cost of espree, and on a real tree parsing is most of the lint time
// (docs/eslint-plugin.md#speed). typescript-eslint is loaded on the first file it parses: it pulls in
// the TypeScript compiler (most of a second), which a run that lints no TypeScript should not pay,
// nor should `import bastion from ...` in a config file. espree is ESLint's own, already loaded.
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import type { Linter } from 'eslint';

const TYPESCRIPT_PARSER = '@typescript-eslint/parser';
const require = createRequire(import.meta.url);

/** The extensions typescript-eslint's parser gets; every other file goes to espree. */
export const TYPESCRIPT_EXTENSIONS: ReadonlySet<string> = new Set(['.ts', '.mts', '.cts', '.tsx']);
const JSX_EXTENSION = '.jsx';

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
 * A parser that sends TypeScript files to typescript-eslint's parser (when it is installed) and
 * JavaScript files to espree, or undefined when espree cannot be loaded (the configs then keep
 * ESLint's default parser). For JavaScript it returns espree's AST alone, so ESLint builds the scope
 * with eslint-scope exactly as it does with its default parser.
 */
export function findParser(): Linter.Parser | undefined {
  const parseJavaScript = loadEspree();
  if (!parseJavaScript) return undefined;
  let version: string | undefined;
  try {
    ({ version } = require(`${TYPESCRIPT_PARSER}/package.json`) as { version: string });
  } catch {
    version = undefined;
  }
  let parseTypeScript: ParseForESLint | undefined;
  const typescript = version
    ? (code: string, options?: Linter.ParserOptions): Linter.ESLintParseResult => {
        parseTypeScript ??= (require(TYPESCRIPT_PARSER) as { parseForESLint: ParseForESLint }).parseForESLint;
        return parseTypeScript(code, options);
      }
    : undefined;
  return {
    meta: version ? { name: `bastion/espree+${TYPESCRIPT_PARSER}`, version } : { name: 'bastion/espree' },
    parseForESLint(code: string, options?: Linter.ParserOptions) {
      if (typescript && (isTypeScriptFile(options?.['filePath']) || wantsTypeInformation(options))) return typescript(code, options);
      return { ast: parseWithJsxOnlyWhereUsed(parseJavaScript, code, options) };
    },
  };
}

/**
 * espree's parse of JavaScript, with JSX enabled (as the configs ask) only for `.jsx` files and the
 * `.js` files that need it. JSX in the grammar costs about 10 % of espree's parse time (measured on
 * the real tree's JavaScript), and most JavaScript has none: a file is parsed without it first, and
 * again with it when that fails. Code without JSX gets the same AST and tokens either way (an
 * expression cannot begin with `<` in plain JavaScript), which the parser's tests check.
 */
function parseWithJsxOnlyWhereUsed(parse: Parse, code: string, options: Linter.ParserOptions | undefined): Linter.ESLintParseResult['ast'] {
  const features = options?.ecmaFeatures;
  const filePath = options?.['filePath'];
  if (!features?.jsx || (typeof filePath === 'string' && extname(filePath) === JSX_EXTENSION)) return parse(code, options);
  try {
    return parse(code, { ...options, ecmaFeatures: { ...features, jsx: false } });
  } catch {
    return parse(code, options);
  }
}
