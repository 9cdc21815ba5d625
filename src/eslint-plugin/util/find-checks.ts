// Tells whether a value that reaches a shell was made harmless in sight of the call: quoted for a
// POSIX shell (`"'" + s.replace(/'/g, "'\\''") + "'"`), or checked on the way there by a test that
// leaves no room for a shell's special characters (an anchored allow-list regular expression, a
// disallow-list's negation, `typeof x === 'number'`, `!isNaN(x)`), in the branch the test guards or
// after an early exit. A check by a function whose meaning the rule cannot see (`isSafeName(x)`) is
// not one.
import type { Rule } from 'eslint';
import type * as ESTree from 'estree';
import { getStaticValue } from '@eslint-community/eslint-utils';
import { getSingleInitializer, getStaticKeyName, isFunctionNode, resolveVariable, unwrapExpression } from './ast.js';
import { isMutatedInPlace } from './classify-data.js';

type SourceCode = Rule.RuleContext['sourceCode'];

const MAX_DEPTH = 6;
/** What an allow-list may let through: letters, digits and `_ . / : = , + @ % -`, no space. */
const HARMLESS_CLASS = /^(?:[A-Za-z0-9_./:=,+@%-]|\\[wd/.-]|[A-Za-z0-9]-[A-Za-z0-9])+$/u;

/**
 * Whether every part of `node` that is not a constant is quoted or checked in sight of `call`:
 * the parts of a concatenation or template, followed through locals assigned once.
 */
export function isNeutralized(sourceCode: SourceCode, node: ESTree.Node, call: ESTree.Node, depth = 0): boolean {
  const target = unwrapExpression(node);
  if (getStaticValue(target as never, sourceCode.getScope(target)) !== null) return true;
  if (depth > MAX_DEPTH) return false;
  const next = (part: ESTree.Node) => isNeutralized(sourceCode, part, call, depth + 1);
  if (isShellQuoted(sourceCode, target)) return true;
  switch (target.type) {
    case 'TemplateLiteral':
      return target.expressions.every(next);
    case 'BinaryExpression':
      return target.operator === '+' && target.left.type !== 'PrivateIdentifier' && next(target.left) && next(target.right);
    case 'Identifier': {
      if (isCheckedAt(sourceCode, target.name, call)) return true;
      const variable = resolveVariable(sourceCode, target);
      if (variable && isMutatedInPlace(variable)) return false;
      const initializer = variable ? getSingleInitializer(variable) : undefined;
      return initializer ? next(initializer) : false;
    }
    default:
      return false;
  }
}

/** `"'" + s.replace(/'/g, "'\\''") + "'"`: a value in single quotes with each quote escaped. */
function isShellQuoted(sourceCode: SourceCode, node: ESTree.Node): boolean {
  if (node.type !== 'BinaryExpression' || node.operator !== '+' || node.left.type !== 'BinaryExpression') return false;
  const { left: open, right: value } = node.left;
  if (node.left.operator !== '+' || open.type === 'PrivateIdentifier') return false;
  const before = getStaticValue(open as never, sourceCode.getScope(open))?.value;
  const after = getStaticValue(node.right as never, sourceCode.getScope(node.right))?.value;
  if (typeof before !== 'string' || !before.endsWith("'") || typeof after !== 'string' || !after.startsWith("'")) return false;
  const replace = unwrapExpression(value);
  if (replace.type !== 'CallExpression' || replace.callee.type !== 'MemberExpression') return false;
  if (getStaticKeyName(replace.callee.property, replace.callee.computed) !== 'replace') return false;
  const [pattern, replacement] = replace.arguments;
  const by = replacement && getStaticValue(replacement as never, sourceCode.getScope(replacement))?.value;
  return by === "'\\''" && !!pattern && isGlobalQuotePattern(sourceCode, pattern);
}

/** `/'/g`, or `new RegExp("'", 'g')`. */
function isGlobalQuotePattern(sourceCode: SourceCode, node: ESTree.Node): boolean {
  if (node.type === 'Literal' && 'regex' in node && node.regex) return node.regex.pattern === "'" && node.regex.flags.includes('g');
  if (node.type !== 'NewExpression' || node.callee.type !== 'Identifier' || node.callee.name !== 'RegExp') return false;
  const [source, flags] = node.arguments.map((argument) => getStaticValue(argument as never, sourceCode.getScope(argument))?.value);
  return source === "'" && typeof flags === 'string' && flags.includes('g');
}

/**
 * Whether `name` is checked on every path to `call`: `call` sits in the branch of an `if` whose
 * test (or its negation, in the `else`) proves it harmless, or follows an `if` in the same block
 * whose branch proving the opposite ends in `return`, `throw` or `process.exit()`.
 */
function isCheckedAt(sourceCode: SourceCode, name: string, call: ESTree.Node): boolean {
  let child: ESTree.Node = call;
  for (let node = (call as Rule.Node).parent; node; child = node, node = node.parent) {
    if (isFunctionNode(node)) return false;
    if (node.type === 'IfStatement') {
      if (child === node.consequent && proves(sourceCode, node.test, name, true)) return true;
      if (child === node.alternate && proves(sourceCode, node.test, name, false)) return true;
    }
    if (node.type === 'BlockStatement' || node.type === 'Program') {
      const index = node.body.indexOf(child as never);
      for (const statement of node.body.slice(0, Math.max(index, 0))) {
        if (statement.type === 'IfStatement' && !statement.alternate && exits(statement.consequent) && proves(sourceCode, statement.test, name, false)) {
          return true;
        }
      }
    }
  }
  return false;
}

/** Whether `test` evaluating to `outcome` proves `name` harmless in a command line. */
function proves(sourceCode: SourceCode, test: ESTree.Node, name: string, outcome: boolean): boolean {
  const target = unwrapExpression(test);
  if (target.type === 'UnaryExpression' && target.operator === '!') return proves(sourceCode, target.argument, name, !outcome);
  if (target.type === 'BinaryExpression' && (target.operator === '===' || target.operator === '==')) {
    // typeof x === 'number' | 'boolean' | 'undefined'
    const { left, right } = target;
    const type = getStaticValue(right as never, sourceCode.getScope(right))?.value;
    return (
      outcome &&
      left.type === 'UnaryExpression' &&
      left.operator === 'typeof' &&
      isName(left.argument, name) &&
      (type === 'number' || type === 'boolean' || type === 'undefined')
    );
  }
  if (target.type !== 'CallExpression') return false;
  const callee = unwrapExpression(target.callee);
  // isNaN(x), isNaN(+x), isNaN(Number(x)): false means x reads as a number.
  if (callee.type === 'Identifier' && callee.name === 'isNaN') return !outcome && !!target.arguments[0] && isNumberOf(target.arguments[0], name);
  if (callee.type !== 'MemberExpression') return false;
  const method = getStaticKeyName(callee.property, callee.computed);
  // RE.test(x) or x.match(RE)
  const [pattern, subject] =
    method === 'test' ? [callee.object, target.arguments[0]] : method === 'match' ? [target.arguments[0], callee.object] : [undefined, undefined];
  if (!pattern || !subject || !isName(subject, name) || pattern.type !== 'Literal' || !('regex' in pattern) || !pattern.regex) return false;
  const source = pattern.regex.pattern;
  // An allow-list, anchored: /^[a-z0-9_-]+$/, /^\w{1,64}$/.
  const allow = /^\^(?:\[(?<inside>[^\]^]+)\]|(?<shorthand>\\w|\\d))(?:[+*]|\{\d+(?:,\d*)?\})?\$$/u.exec(source);
  if (allow && outcome) return HARMLESS_CLASS.test(allow.groups?.['inside'] ?? allow.groups?.['shorthand'] ?? '');
  // A disallow-list of everything else, not found: /[^a-z0-9_-]/.
  const deny = /^\[\^(?<inside>[^\]]+)\]$/u.exec(source);
  return !!deny && !outcome && HARMLESS_CLASS.test(deny.groups?.['inside'] ?? '');
}

function isNumberOf(node: ESTree.Node, name: string): boolean {
  const target = unwrapExpression(node);
  if (isName(target, name)) return true;
  if (target.type === 'UnaryExpression' && target.operator === '+') return isName(target.argument, name);
  if (target.type === 'BinaryExpression' && target.operator === '-') return isName(target.left, name);
  return target.type === 'CallExpression' && target.callee.type === 'Identifier' && target.callee.name === 'Number' && !!target.arguments[0] && isName(target.arguments[0], name);
}

function isName(node: ESTree.Node, name: string): boolean {
  const target = unwrapExpression(node);
  return target.type === 'Identifier' && target.name === name;
}

/** A branch that always leaves: it ends in `return`, `throw` or `process.exit()`. */
function exits(statement: ESTree.Statement): boolean {
  const last = statement.type === 'BlockStatement' ? statement.body.at(-1) : statement;
  if (!last) return false;
  if (last.type === 'ReturnStatement' || last.type === 'ThrowStatement') return true;
  if (last.type !== 'ExpressionStatement' || last.expression.type !== 'CallExpression') return false;
  const callee = last.expression.callee;
  return (
    callee.type === 'MemberExpression' &&
    callee.object.type === 'Identifier' &&
    callee.object.name === 'process' &&
    getStaticKeyName(callee.property, callee.computed) === 'exit'
  );
}
