// Tells whether a value that reaches a shell was made harmless in sight of the call: quoted for a
// POSIX shell (`"'" + s.replace(/'/g, "'\\''") + "'"`), or checked on the way there by a test that
// leaves no room for a shell's special characters (an anchored allow-list regular expression, a
// disallow-list's negation, `typeof x === 'number'`, `!isNaN(x)`), in the branch the test guards or
// after an early exit (`return`, `throw`, `process.exit()`). A function of the same file counts for
// what its body proves: a sanitizer whose every `return` is quoted or checked (`const q = quote(x)`),
// a predicate whose every `return` is such a test (`if (!isSafe(x)) throw ...`). A check by a
// function whose body the rule cannot see (an import, a parameter, a global) is not one.
import type { Rule, Scope } from 'eslint';
import type * as ESTree from 'estree';
import { getStaticValue } from '@eslint-community/eslint-utils';
import { getSingleInitializer, getStaticKeyName, isFunctionNode, resolveVariable, unwrapExpression } from './ast.js';
import { findLocalFunction, findLocalReturns, isMutatedInPlace } from './classify-data.js';

type SourceCode = Rule.RuleContext['sourceCode'];

// Deep enough for a sanitizer called through a local, reassigning its parameter in a branch.
const MAX_DEPTH = 12;
const QUANTIFIER = String.raw`(?:[+*?]|\{\d+(?:,\d*)?\})`;
/** `^[class]+$` or `^\w+$`, perhaps in a group: `^(?:[class]+)$`, `^([class]+)?$`. */
const ALLOW_LIST = new RegExp(
  String.raw`^\^(?<open>\((?:\?:)?)?(?:\[(?<inside>[^\]^]+)\]|(?<shorthand>\\w|\\d))${QUANTIFIER}?(?<close>\)${QUANTIFIER}?)?\$$`,
  'u',
);
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
      return target.quasis.every((quasi) => isPlainText(quasi.value.cooked)) && target.expressions.every(next);
    case 'BinaryExpression':
      if (target.operator !== '+' || target.left.type === 'PrivateIdentifier') return false;
      return isPlainPart(sourceCode, target.left) && isPlainPart(sourceCode, target.right) && next(target.left) && next(target.right);
    case 'Identifier': {
      const variable = resolveVariable(sourceCode, target);
      if (variable && isMutatedInPlace(variable)) return false;
      // A check proves the value a name holds only when nothing assigns the name again.
      if (variable && !isReassigned(variable) && isCheckedAt(sourceCode, target.name, call, depth)) return true;
      const initializer = variable ? getSingleInitializer(variable) : undefined;
      if (initializer) return next(initializer);
      return !!variable && isReachingValueNeutral(sourceCode, variable, target, depth + 1);
    }
    case 'CallExpression':
      // `quoted.replace(/^(?:'')+/g, '')`: tidying that keeps a quoted value quoted.
      if (isQuoteTidying(sourceCode, target)) return next((target.callee as ESTree.MemberExpression).object);
      return isLocalSanitizerCall(sourceCode, target, depth + 1);
    default:
      return false;
  }
}

/**
 * `f(x)` where `f` is a function of this file whose every `return` is quoted or checked in its own
 * body (`return "'" + s.replace(/'/g, ...) + "'"`, or `return s` behind an allow-list test):
 * whatever `x` is, what comes back is harmless.
 */
function isLocalSanitizerCall(sourceCode: SourceCode, call: ESTree.CallExpression, depth: number): boolean {
  const callee = unwrapExpression(call.callee);
  if (callee.type !== 'Identifier' || depth > MAX_DEPTH) return false;
  const fn = findLocalFunction(sourceCode, callee);
  if (!fn || usesArguments(sourceCode, fn)) return false;
  const returned = findLocalReturns(sourceCode, callee);
  if (!returned || returned.length === 0) return false;
  return returned.every((value) => !!value && isNeutralized(sourceCode, value, value, depth));
}

/** `arguments[0] = x` changes a sloppy-mode function's parameter behind its name. */
function usesArguments(sourceCode: SourceCode, fn: ESTree.Function): boolean {
  if (fn.type === 'ArrowFunctionExpression') return false;
  return (sourceCode.getScope(fn).set.get('arguments')?.references.length ?? 0) > 0;
}

/** A write other than the declaration's own initialiser (every write of a parameter counts). */
function isReassigned(variable: Scope.Variable): boolean {
  return variable.references.some((reference) => reference.isWrite() && !reference.init);
}

/**
 * Replacements that tidy the quoting idiom's output, as the shell-escape packages do. Each only
 * deletes an empty quoted string `''`, which joins no word and unquotes nothing: leading ones
 * (`/^(?:'')+/g` by nothing), and one after an escaped quote (`/\\'''/g` by a backslash and a quote).
 */
const QUOTE_TIDYING = new Map([
  ["^(?:'')+", ''],
  [String.raw`\\'''`, String.raw`\'`],
]);

function isQuoteTidying(sourceCode: SourceCode, call: ESTree.CallExpression): boolean {
  if (call.callee.type !== 'MemberExpression' || getStaticKeyName(call.callee.property, call.callee.computed) !== 'replace') return false;
  const [pattern, replacement] = call.arguments;
  if (pattern?.type !== 'Literal' || !('regex' in pattern) || !pattern.regex || !replacement) return false;
  const by = getStaticValue(replacement as never, sourceCode.getScope(replacement))?.value;
  return QUOTE_TIDYING.has(pattern.regex.pattern) && QUOTE_TIDYING.get(pattern.regex.pattern) === by;
}

interface ReachingContext {
  readonly sourceCode: SourceCode;
  readonly name: string;
  readonly writes: readonly ESTree.Node[];
  readonly depth: number;
}

/**
 * For a local assigned more than once (`var q = ...` declared again, a parameter reassigned in a
 * branch): whether the value that reaches `read` is harmless, followed back through the statements
 * of the blocks around it to every assignment that can reach it. Straight-line code and `if`s only:
 * a loop, `switch` or `try` on the way, or a write in another function, and the rule gives up.
 */
function isReachingValueNeutral(sourceCode: SourceCode, variable: Scope.Variable, read: ESTree.Identifier, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const writes = findLocalWrites(variable, read);
  if (!writes) return false;
  const context: ReachingContext = { sourceCode, name: read.name, writes, depth };
  let child: ESTree.Node = read;
  for (let node = (read as Rule.Node).parent; node; child = node, node = node.parent) {
    if (isFunctionNode(node)) return false;
    if (node.type === 'BlockStatement' || node.type === 'Program') {
      // `s = s.replace(...)` reads the value from before its own write.
      const assigned = writesIn(context, child) ? findAssignedValue(context, child as ESTree.Statement) : undefined;
      if (writesIn(context, child) && !(assigned && contains(assigned, read))) return false;
      return isNeutralBefore(context, node, node.body.indexOf(child as never));
    }
  }
  return false;
}

/** The writes of a local, when they all sit in the function (or module) that declares it and reads it here. */
function findLocalWrites(variable: Scope.Variable, read: ESTree.Node): ESTree.Node[] | undefined {
  const declared = variable.defs[0]?.name;
  if (!declared) return undefined;
  const home = findEnclosingFunction(declared);
  if (findEnclosingFunction(read) !== home) return undefined;
  const writes = variable.references.filter((reference) => reference.isWrite()).map((reference) => reference.identifier as ESTree.Node);
  return writes.every((write) => findEnclosingFunction(write) === home) ? writes : undefined;
}

function findEnclosingFunction(node: ESTree.Node): ESTree.Node | null {
  for (let current = (node as Rule.Node).parent; current; current = current.parent) {
    if (isFunctionNode(current)) return current;
  }
  return null;
}

function writesIn(context: ReachingContext, node: ESTree.Node | null | undefined): boolean {
  return !!node && context.writes.some((write) => contains(node, write));
}

function contains(outer: ESTree.Node, inner: ESTree.Node): boolean {
  return !!outer.range && !!inner.range && outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1];
}

/** Whether the local is harmless when statement `index` of `block` starts. */
function isNeutralBefore(context: ReachingContext, block: ESTree.BlockStatement | ESTree.Program, index: number): boolean {
  for (let at = index - 1; at >= 0; at--) {
    const statement = block.body[at] as ESTree.Statement;
    if (writesIn(context, statement)) return isNeutralAfter(context, statement, () => isNeutralBefore(context, block, at));
    // `if (!isSafe(x)) return;` between the last write and here.
    if (isExitGuard(context, statement)) return true;
  }
  return isNeutralAtStart(context, block);
}

function isExitGuard(context: ReachingContext, statement: ESTree.Statement): boolean {
  return (
    statement.type === 'IfStatement' &&
    !statement.alternate &&
    exits(statement.consequent) &&
    proves(context.sourceCode, statement.test, context.name, false, context.depth)
  );
}

/** At the start of an `if`'s branch: proved by the test, or the value from before the `if`. */
function isNeutralAtStart(context: ReachingContext, block: ESTree.BlockStatement | ESTree.Program): boolean {
  const parent = (block as Rule.Node).parent;
  if (parent?.type !== 'IfStatement' || writesIn(context, parent.test)) return false;
  if (proves(context.sourceCode, parent.test, context.name, parent.consequent === block, context.depth)) return true;
  const outer = (parent as Rule.Node).parent;
  if (outer?.type !== 'BlockStatement' && outer?.type !== 'Program') return false;
  return isNeutralBefore(context, outer, outer.body.indexOf(parent as never));
}

/** Whether the local is harmless after `statement`, which writes it; `before` judges it before. */
function isNeutralAfter(context: ReachingContext, statement: ESTree.Statement, before: () => boolean): boolean {
  const { sourceCode, depth } = context;
  const value = findAssignedValue(context, statement);
  if (value) return isNeutralized(sourceCode, value, value, depth);
  if (statement.type !== 'IfStatement' || statement.alternate || writesIn(context, statement.test)) return false;
  // Around the branch, where the test is false; through it, unless it always leaves.
  if (!proves(sourceCode, statement.test, context.name, false, depth) && !before()) return false;
  if (exits(statement.consequent)) return true;
  const branch = statement.consequent;
  return branch.type === 'BlockStatement' && isNeutralBefore(context, branch, branch.body.length);
}

/** `x = value;` or `var x = value;` (one declarator writing the local): the value written. */
function findAssignedValue(context: ReachingContext, statement: ESTree.Statement): ESTree.Node | undefined {
  let target: ESTree.Node | undefined;
  let value: ESTree.Node | null | undefined;
  if (statement.type === 'ExpressionStatement' && statement.expression.type === 'AssignmentExpression' && statement.expression.operator === '=') {
    target = statement.expression.left;
    value = statement.expression.right;
  } else if (statement.type === 'VariableDeclaration') {
    const writing = statement.declarations.filter((declaration) => writesIn(context, declaration));
    if (writing.length !== 1) return undefined;
    target = writing[0]?.id;
    value = writing[0]?.init;
  }
  if (target?.type !== 'Identifier' || target.name !== context.name || !value || writesIn(context, value)) return undefined;
  return value;
}

/**
 * Constant text around data that leaves the shell outside any quote: no double quote, backslash or
 * backtick, and single quotes in pairs. Inside `"..."`, or after an odd `'`, a quoted value's own
 * quotes would open the value to the shell (`'echo "' + quoted + '"'` expands `$(...)`).
 */
function isPlainText(text: string | null | undefined): boolean {
  if (typeof text !== 'string') return false;
  return !/["\\`]/u.test(text) && (text.match(/'/gu)?.length ?? 0) % 2 === 0;
}

function isPlainPart(sourceCode: SourceCode, node: ESTree.Node): boolean {
  const value = getStaticValue(node as never, sourceCode.getScope(node))?.value;
  return typeof value !== 'string' || isPlainText(value);
}

/** `"'" + s.replace(/'/g, "'\\''") + "'"`: a value in single quotes with each quote escaped. */
function isShellQuoted(sourceCode: SourceCode, node: ESTree.Node): boolean {
  if (node.type !== 'BinaryExpression' || node.operator !== '+' || node.left.type !== 'BinaryExpression') return false;
  const { left: open, right: value } = node.left;
  if (node.left.operator !== '+' || open.type === 'PrivateIdentifier') return false;
  const before = getStaticValue(open as never, sourceCode.getScope(open))?.value;
  const after = getStaticValue(node.right as never, sourceCode.getScope(node.right))?.value;
  if (typeof before !== 'string' || !before.endsWith("'") || typeof after !== 'string' || !after.startsWith("'")) return false;
  if (!isPlainText(before.slice(0, -1)) || !isPlainText(after.slice(1))) return false;
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
function isCheckedAt(sourceCode: SourceCode, name: string, call: ESTree.Node, depth: number): boolean {
  let child: ESTree.Node = call;
  for (let node = (call as Rule.Node).parent; node; child = node, node = node.parent) {
    if (isFunctionNode(node)) return false;
    if (node.type === 'IfStatement') {
      if (child === node.consequent && proves(sourceCode, node.test, name, true, depth)) return true;
      if (child === node.alternate && proves(sourceCode, node.test, name, false, depth)) return true;
    }
    if (node.type === 'BlockStatement' || node.type === 'Program') {
      const index = node.body.indexOf(child as never);
      for (const statement of node.body.slice(0, Math.max(index, 0))) {
        if (statement.type === 'IfStatement' && !statement.alternate && exits(statement.consequent) && proves(sourceCode, statement.test, name, false, depth)) {
          return true;
        }
      }
    }
  }
  return false;
}

/** Whether `test` evaluating to `outcome` proves `name` harmless in a command line. */
function proves(sourceCode: SourceCode, test: ESTree.Node, name: string, outcome: boolean, depth: number): boolean {
  const target = unwrapExpression(test);
  if (target.type === 'UnaryExpression' && target.operator === '!') return proves(sourceCode, target.argument, name, !outcome, depth);
  // `a && b` true (or `a || b` false) means both sides were: either one's proof holds.
  if (target.type === 'LogicalExpression' && target.operator === (outcome ? '&&' : '||')) {
    return proves(sourceCode, target.left, name, outcome, depth) || proves(sourceCode, target.right, name, outcome, depth);
  }
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
  if (callee.type === 'Identifier') return provesByLocalPredicate(sourceCode, target, callee, name, outcome, depth + 1);
  if (callee.type !== 'MemberExpression') return false;
  const method = getStaticKeyName(callee.property, callee.computed);
  // RE.test(x) or x.match(RE)
  const [pattern, subject] =
    method === 'test' ? [callee.object, target.arguments[0]] : method === 'match' ? [target.arguments[0], callee.object] : [undefined, undefined];
  if (!pattern || !subject || !isName(subject, name) || pattern.type !== 'Literal' || !('regex' in pattern) || !pattern.regex) return false;
  const source = pattern.regex.pattern;
  // An allow-list, anchored, maybe in a group: /^[a-z0-9_-]+$/, /^\w{1,64}$/, /^([a-z0-9]+)?$/.
  const allow = ALLOW_LIST.exec(source);
  if (allow && !allow.groups?.['open'] !== !allow.groups?.['close']) return false;
  if (allow && outcome) return HARMLESS_CLASS.test(allow.groups?.['inside'] ?? allow.groups?.['shorthand'] ?? '');
  // A disallow-list of everything else, not found: /[^a-z0-9_-]/.
  const deny = /^\[\^(?<inside>[^\]]+)\]$/u.exec(source);
  return !!deny && !outcome && HARMLESS_CLASS.test(deny.groups?.['inside'] ?? '');
}

/**
 * `isSafe(x)` where `isSafe` is a function of this file that leaves its parameter alone and whose
 * every `return` that can give `outcome` is itself a test proving the parameter harmless
 * (`return /^[a-z0-9-]+$/.test(s)`); a `return` of a constant of the other truth value cannot give it.
 */
function provesByLocalPredicate(
  sourceCode: SourceCode,
  call: ESTree.CallExpression,
  callee: ESTree.Identifier,
  name: string,
  outcome: boolean,
  depth: number,
): boolean {
  if (depth > MAX_DEPTH) return false;
  const index = call.arguments.findIndex((argument) => isName(argument, name));
  const fn = index >= 0 ? findLocalFunction(sourceCode, callee) : undefined;
  const parameter = fn?.params[index];
  if (!fn || parameter?.type !== 'Identifier' || usesArguments(sourceCode, fn)) return false;
  const variable = sourceCode.getScope(fn).set.get(parameter.name);
  if (!variable || isReassigned(variable)) return false;
  const returned = findLocalReturns(sourceCode, callee);
  if (!returned || returned.length === 0) return false;
  return returned.every((value) => {
    if (!value) return !outcome;
    const constant = getStaticValue(value as never, sourceCode.getScope(value));
    if (constant !== null) return Boolean(constant.value) !== outcome;
    return proves(sourceCode, value, parameter.name, outcome, depth);
  });
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
