// Tells a constant apart from data, and names the input the data comes from when a short, local
// flow shows it (see find-in-flow.ts): a request (`req.query`), the command line (`process.argv`)
// or the environment (`process.env`).
import type { Rule, Scope } from 'eslint';
import type * as ESTree from 'estree';
import { getStaticValue } from '@eslint-community/eslint-utils';
import { getChildNodes, getSingleInitializer, getStaticKeyName, isFunctionNode, iterateReads, resolveVariable, unwrapExpression } from './ast.js';
import { findInFlow } from './find-in-flow.js';

export type DataClass =
  | { readonly constant: true }
  | { readonly constant: false; readonly source: InputSource | undefined };

/**
 * Where outside data enters a Node process: a request (its query, body, route parameters, URL, or
 * Express's `req.param()`), the command line, the environment.
 */
export type InputSource = `${string}.${'query' | 'body' | 'params' | 'url' | 'param()'}` | 'process.argv' | 'process.env';

/** What kind of input a source is, for messages: a request, the command line, the environment. */
export function describeOrigin(source: InputSource): string {
  if (source === 'process.argv') return 'a command-line argument';
  if (source === 'process.env') return 'an environment variable';
  return 'request input';
}

const MAX_NAMING_DEPTH = 8;
const MAX_CONSTANT_DEPTH = 8;

// `ctx` is Koa's context, whose `query` and `params` (koa-router) are the request's.
export const REQUEST_OBJECTS: ReadonlySet<string> = new Set(['req', 'request', 'ctx']);
// `url` is the request's whole URL (`url.parse(req.url, true).query.cmd` reads it); `param` is
// Express's `req.param(name)`, which reads params, body and query in turn.
const REQUEST_PROPERTIES = new Set(['query', 'body', 'params', 'url', 'param']);
const PROCESS_PROPERTIES = new Set(['argv', 'env']);

type SourceCode = Rule.RuleContext['sourceCode'];

/**
 * Classifies what `nodes` evaluate to together: constant when every one has a static value;
 * otherwise data, with the first request input found in them.
 */
export function classifyData(sourceCode: SourceCode, nodes: readonly ESTree.Node[] | undefined): DataClass {
  if (nodes !== undefined && nodes.every((node) => isConstant(sourceCode, node))) return { constant: true };
  for (const node of nodes ?? []) {
    const source = findInFlow(sourceCode, node, (part) => nameInputSource(sourceCode, part));
    if (source) return { constant: false, source };
  }
  return { constant: false, source: undefined };
}

/**
 * The request input that names a program: `req.query.cmd`, a local destructured from it,
 * `String(req.body.tool)`, or a path or command line built with it: anywhere in a path
 * (`./workers/${req.params.name}` can climb out with `..`), only as the first word of a command
 * line (`${req.query.tool} --help`). A lookup in a table (`TOOLS[req.query.tool]`) is not: the
 * table chooses the value.
 */
export function findRequestInputNaming(
  sourceCode: SourceCode,
  node: ESTree.Node,
  names: 'path' | 'first-word',
  depth = 0,
): InputSource | undefined {
  const target = unwrapExpression(node);
  if (depth > MAX_NAMING_DEPTH) return undefined;
  const next = (child: ESTree.Node | undefined) => (child ? findRequestInputNaming(sourceCode, child, names, depth + 1) : undefined);
  switch (target.type) {
    case 'MemberExpression': {
      const source = nameInputSource(sourceCode, target);
      if (source) return isRequestInput(source) ? source : undefined;
      return target.computed && target.property.type !== 'Literal' ? undefined : next(target.object);
    }
    case 'Identifier': {
      const variable = resolveVariable(sourceCode, target);
      return next((variable && getSingleInitializer(variable)) ?? undefined);
    }
    case 'TemplateLiteral':
      if (names === 'path') return target.expressions.map(next).find(Boolean);
      return target.quasis[0]?.value.cooked?.trim() === '' ? next(target.expressions[0]) : undefined;
    case 'BinaryExpression':
      if (target.operator !== '+' || target.left.type === 'PrivateIdentifier') return undefined;
      return next(target.left) ?? (names === 'path' ? next(target.right) : undefined);
    case 'CallExpression':
      if (target.callee.type === 'Identifier' && target.callee.name === 'String') return next(target.arguments[0]);
      // `url.parse(req.url, true)` and `req.param('cmd')` hand back request input.
      if (isUrlParse(target)) return next(target.arguments[0]);
      return nameInputSource(sourceCode, target.callee);
    default:
      return undefined;
  }
}

/** `url.parse(x)`, `parse(x)` (node:url's, or querystring's): the parts of a URL, from `x`. */
function isUrlParse(call: ESTree.CallExpression): boolean {
  const callee = unwrapExpression(call.callee);
  const name =
    callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? getStaticKeyName(callee.property, callee.computed) : undefined;
  return name === 'parse' && call.arguments.length > 0;
}

export function isRequestInput(source: InputSource): boolean {
  return source !== 'process.argv' && source !== 'process.env';
}

/**
 * Whether every value `node` can take is known without running the program: a static value, or
 * one of a few constants chosen by a condition (`isWindows ? 'dir' : 'ls'`), built from such
 * choices, or returned by a local function whose every `return` is constant.
 */
function isConstant(sourceCode: SourceCode, node: ESTree.Node, depth = 0): boolean {
  if (node.type === 'SpreadElement') return false;
  if (getStaticValue(node as never, sourceCode.getScope(node)) !== null) return true;
  if (depth >= MAX_CONSTANT_DEPTH) return false;
  const constant = (child: ESTree.Node | null | undefined): boolean => !!child && isConstant(sourceCode, child, depth + 1);
  const target = unwrapExpression(node);
  switch (target.type) {
    case 'ConditionalExpression':
      return constant(target.consequent) && constant(target.alternate);
    case 'TemplateLiteral':
      return target.expressions.every(constant);
    case 'BinaryExpression':
      return target.operator === '+' && target.left.type !== 'PrivateIdentifier' && constant(target.left) && constant(target.right);
    case 'ArrayExpression':
      return target.elements.every(constant);
    case 'Identifier': {
      const variable = resolveVariable(sourceCode, target);
      // An array that is filled after it is declared (`arr.push(name)`) holds more than its initialiser.
      if (variable && isMutatedInPlace(variable)) return false;
      return constant(variable && getSingleInitializer(variable));
    }
    case 'CallExpression': {
      const returned = target.callee.type === 'Identifier' ? findLocalReturns(sourceCode, target.callee) : undefined;
      if (returned === undefined || returned.length === 0) return false;
      // A parameter returned as is (`function id(x) { return x }`) is the argument of this call.
      return returned.every((value) => {
        const parameter = value ? findParameterIndex(sourceCode, value) : -1;
        return parameter >= 0 ? constant(target.arguments[parameter]) : constant(value);
      });
    }
    default:
      return false;
  }
}

const MUTATING_METHODS = new Set(['push', 'unshift', 'splice', 'fill', 'concat']);

/** Whether a local is changed through its reads: `arr.push(x)`, `arr[i] = x`. */
export function isMutatedInPlace(variable: Scope.Variable): boolean {
  for (const read of iterateReads(variable)) {
    const member = (read as Rule.Node).parent;
    if (member?.type !== 'MemberExpression' || member.object !== read) continue;
    const parent = (member as Rule.Node).parent;
    if (parent?.type === 'AssignmentExpression' && parent.left === member) return true;
    const method = getStaticKeyName(member.property, member.computed);
    if (method !== undefined && MUTATING_METHODS.has(method) && parent?.type === 'CallExpression' && parent.callee === member) return true;
  }
  return false;
}

/** The index of the parameter `node` names in its enclosing function, or -1. */
function findParameterIndex(sourceCode: SourceCode, node: ESTree.Node): number {
  if (node.type !== 'Identifier') return -1;
  const definition = resolveVariable(sourceCode, node)?.defs[0];
  if (definition?.type !== 'Parameter') return -1;
  const fn = definition.node as ESTree.Function;
  return fn.params.findIndex((param) => param.type === 'Identifier' && param.name === node.name);
}

/**
 * The function a name calls when it is declared once in this file (`function f() {}`, or a
 * `const`/`let`/`var` holding a function expression and never assigned again); undefined for
 * anything else: an import, a parameter, a global.
 */
export function findLocalFunction(sourceCode: SourceCode, callee: ESTree.Identifier): ESTree.Function | undefined {
  const variable = resolveVariable(sourceCode, callee);
  const definition = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  // `function f() {}` then `f = other`: the name no longer calls that body.
  if (definition?.type === 'FunctionName' && variable?.references.some((reference) => reference.isWrite())) return undefined;
  const fn =
    definition?.type === 'FunctionName'
      ? definition.node
      : variable && definition?.type === 'Variable'
        ? getSingleInitializer(variable)
        : undefined;
  if (fn?.type !== 'FunctionDeclaration' && fn?.type !== 'FunctionExpression' && fn?.type !== 'ArrowFunctionExpression') return undefined;
  return fn;
}

/** What a local function can return (its `return` arguments, an arrow's body); undefined when unknown. */
export function findLocalReturns(sourceCode: SourceCode, callee: ESTree.Identifier): (ESTree.Node | null)[] | undefined {
  const fn = findLocalFunction(sourceCode, callee);
  if (fn?.type === 'ArrowFunctionExpression' && fn.body.type !== 'BlockStatement') return [fn.body];
  if (!fn || fn.async || fn.generator) return undefined;
  const returned: (ESTree.Node | null)[] = [];
  const visit = (node: ESTree.Node): void => {
    if (node.type === 'ReturnStatement') returned.push(node.argument ?? null);
    for (const child of getChildNodes(sourceCode, node)) if (!isFunctionNode(child)) visit(child);
  };
  visit(fn.body);
  return returned;
}

/** The input `node` is: `req.query`, `ctx.request.body`, `process.argv`, `process.env`... */
function nameInputSource(sourceCode: SourceCode, node: ESTree.Node): InputSource | undefined {
  const member = unwrapExpression(node);
  if (member.type !== 'MemberExpression') return undefined;
  const property = getStaticKeyName(member.property, member.computed);
  if (property === undefined) return undefined;
  const object = unwrapExpression(member.object);
  const objectName =
    object.type === 'Identifier'
      ? object.name
      : object.type === 'MemberExpression'
        ? getStaticKeyName(object.property, object.computed)
        : undefined;
  if (objectName === undefined) return undefined;
  if (REQUEST_PROPERTIES.has(property) && REQUEST_OBJECTS.has(objectName)) {
    return `${objectName}.${property === 'param' ? 'param()' : property}` as InputSource;
  }
  if (PROCESS_PROPERTIES.has(property) && object.type === 'Identifier' && isGlobalProcess(sourceCode, object)) {
    return `process.${property}` as InputSource;
  }
  return undefined;
}

function isGlobalProcess(sourceCode: SourceCode, identifier: ESTree.Identifier): boolean {
  if (identifier.name !== 'process') return false;
  const variable = resolveVariable(sourceCode, identifier);
  return variable === null || variable.defs.length === 0;
}
