// The no-shell-exec suggestion: `exec('git status --short', cb)` becomes
// `execFile('git', ['status', '--short'], cb)`. Offered only where the two calls behave the same:
// a constant command made of plain words (nothing a shell would expand, quote, redirect or
// chain), a program that is not a shell builtin, a direct call on the module or an import of it
// (not promisified, not .call/.apply, not read back from an object or a class field) and a callee
// that can be renamed without a name clash.
import type { Rule, Scope } from 'eslint';
import type * as ESTree from 'estree';
import { findVariable } from '@eslint-community/eslint-utils';
import { resolveVariable, type CallArgument } from '../util/ast.js';
import { findOption } from '../util/find-option.js';
import type { TrackedCall } from '../util/track-module-calls.js';
import type { ShellUse } from '../rules/no-shell-exec.js';

type SourceCode = Rule.RuleContext['sourceCode'];
type ExecFileSuggestion = Rule.SuggestionReportDescriptor & { messageId: 'useExecFile' };

/** Characters that mean nothing to a POSIX shell or cmd.exe inside a word. */
const PLAIN_WORD = /^[\w@%+=:,./-]+$/u;
/** Commands that only exist inside a shell, so execFile() cannot run them. */
const SHELL_BUILTINS = new Set([
  '.', ':', 'alias', 'bg', 'break', 'cd', 'command', 'continue', 'dir', 'echo', 'eval', 'exec', 'exit',
  'export', 'fg', 'hash', 'jobs', 'read', 'readonly', 'return', 'set', 'shift', 'source', 'trap',
  'type', 'ulimit', 'umask', 'unalias', 'unset', 'wait',
]);

/** Suggestions for a constant-command call; empty where the rewrite would change behaviour. */
export function suggestExecFile(
  sourceCode: SourceCode,
  call: TrackedCall<ShellUse>,
): ExecFileSuggestion[] {
  const { info, node } = call;
  if (info.shell !== 'always' || !info.rewritesTo) return [];
  if (call.style !== 'call' || call.promisified || call.stored || node.type !== 'CallExpression') return [];
  const [command, ...rest] = node.arguments;
  if (!command || rest.length > 2 || rest.some((argument) => argument.type === 'SpreadElement')) return [];
  // `exec(cmd, { shell: '/bin/bash' })` picks a shell; execFile() would honour it too, but then
  // the rewrite no longer removes the shell.
  const shell = findOption(sourceCode, rest, 0, 'shell');
  if (shell.found || shell.unknownSpread) return [];
  const words = splitPlainCommand(command);
  if (!words) return [];
  const [file, ...fileArgs] = words;
  const renameCallee = planCalleeRename(sourceCode, node.callee, info.rewritesTo);
  if (!file || !renameCallee) return [];
  const quote = command.type === 'Literal' && sourceCode.getText(command).startsWith('"') ? '"' : "'";
  const quoted = (word: string) => `${quote}${word}${quote}`;
  const replacement = `${quoted(file)}, [${fileArgs.map(quoted).join(', ')}]`;
  return [
    {
      messageId: 'useExecFile',
      data: { file, replacement: info.rewritesTo },
      fix: (fixer) => [...renameCallee(fixer), fixer.replaceText(command, replacement)],
    },
  ];
}

/** The words of a constant command made only of plain words, or undefined. */
function splitPlainCommand(node: CallArgument): string[] | undefined {
  let text: string | undefined;
  if (node.type === 'Literal' && typeof node.value === 'string') text = node.value;
  else if (node.type === 'TemplateLiteral' && node.expressions.length === 0) text = node.quasis[0]?.value.cooked ?? undefined;
  if (text === undefined) return undefined;
  const words = text.trim().split(/ +/u);
  const [file] = words;
  if (!file || file.includes('=') || SHELL_BUILTINS.has(file)) return undefined;
  return words.every((word) => PLAIN_WORD.test(word)) ? words : undefined;
}

type Rename = (fixer: Rule.RuleFixer) => Rule.Fix[];

/**
 * How to make the callee name the execFile function: rename `cp.exec`'s property, or, for a bare
 * `exec` bound by an import or a destructuring, add `execFile` to that same binding.
 */
function planCalleeRename(sourceCode: SourceCode, callee: ESTree.Node, target: string): Rename | undefined {
  if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier') {
    const property = callee.property;
    return (fixer) => [fixer.replaceText(property, target)];
  }
  if (callee.type !== 'Identifier') return undefined;
  const binding = findBindingSite(resolveVariable(sourceCode, callee));
  if (!binding) return undefined;
  const existing = findVariable(sourceCode.getScope(callee), target);
  if (existing) {
    // Reuse a same-named binding only when it comes from the very same import or destructuring.
    const reusable = findBindingSite(existing)?.container === binding.container && bindsName(binding.container, target);
    return reusable ? (fixer) => [fixer.replaceText(callee, target)] : undefined;
  }
  if (isDeclaredAnywhere(sourceCode, target)) return undefined;
  return (fixer) => [fixer.insertTextAfter(binding.site, `, ${target}`), fixer.replaceText(callee, target)];
}

interface BindingSite {
  /** The specifier or pattern property that binds the callee. */
  readonly site: ESTree.Node;
  /** The import declaration or object pattern holding it. */
  readonly container: ESTree.ImportDeclaration | ESTree.ObjectPattern;
}

function findBindingSite(variable: Scope.Variable | null): BindingSite | undefined {
  const [definition, ...others] = variable?.defs ?? [];
  if (!definition || others.length > 0) return undefined;
  if (definition.type === 'ImportBinding' && definition.node.type === 'ImportSpecifier') {
    return { site: definition.node, container: definition.parent };
  }
  if (definition.type !== 'Variable' || definition.node.id.type !== 'ObjectPattern') return undefined;
  const pattern = definition.node.id;
  const site = pattern.properties.find(
    (property) => property.type === 'Property' && property.value === definition.name,
  );
  return site ? { site, container: pattern } : undefined;
}

function bindsName(container: BindingSite['container'], name: string): boolean {
  if (container.type === 'ImportDeclaration') {
    return container.specifiers.some(
      (specifier) =>
        specifier.type === 'ImportSpecifier' &&
        specifier.imported.type === 'Identifier' &&
        specifier.imported.name === name &&
        specifier.local.name === name,
    );
  }
  return container.properties.some(
    (property) =>
      property.type === 'Property' &&
      property.key.type === 'Identifier' &&
      property.key.name === name &&
      property.value.type === 'Identifier' &&
      property.value.name === name,
  );
}

/** Whether any scope of the file declares `name` (a new binding could clash or be shadowed). */
function isDeclaredAnywhere(sourceCode: SourceCode, name: string): boolean {
  return sourceCode.scopeManager.scopes.some((scope) => scope.set.has(name));
}
