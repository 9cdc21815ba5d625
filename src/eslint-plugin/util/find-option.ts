// Reads one property of an options object passed to a call, through local constants and spreads:
// `spawn(cmd, args, { shell: true })`, `const opts = { ...base, shell }; spawn(cmd, opts)`.
import type { Rule } from 'eslint';
import type * as ESTree from 'estree';
import { getStaticValue } from '@eslint-community/eslint-utils';
import { getSingleInitializer, getStaticKeyName, resolveVariable, unwrapExpression, type CallArgument } from './ast.js';

type SourceCode = Rule.RuleContext['sourceCode'];

/** What an options argument says about one property. */
export type OptionValue =
  /** Not set; `unknownSpread` is the last spread (`...x`) whose object is not visible: it may set it. */
  | { readonly found: false; readonly unknownSpread?: ESTree.Node }
  | { readonly found: true; readonly node: ESTree.Node; readonly value: { value: unknown } | null };

const NOT_FOUND: OptionValue = { found: false };
const MAX_DEPTH = 8;

/** The options object literal `node` holds, looking through local constants. */
export function resolveObjectExpression(
  sourceCode: SourceCode,
  node: ESTree.Node,
  depth = 0,
): ESTree.ObjectExpression | undefined {
  const target = unwrapExpression(node);
  if (target.type === 'ObjectExpression') return target;
  if (target.type !== 'Identifier' || depth >= MAX_DEPTH) return undefined;
  const variable = resolveVariable(sourceCode, target);
  const initializer = variable && getSingleInitializer(variable);
  return initializer ? resolveObjectExpression(sourceCode, initializer, depth + 1) : undefined;
}

/**
 * The value of property `name` in the first object-literal argument at or after `from`, with its
 * static value when known (null when it is not). Later properties and spreads win, as at runtime.
 */
export function findOption(
  sourceCode: SourceCode,
  args: readonly CallArgument[],
  from: number,
  name: string,
): OptionValue {
  for (const argument of args.slice(from)) {
    if (argument.type === 'SpreadElement') return NOT_FOUND;
    const object = resolveObjectExpression(sourceCode, argument);
    if (object) return findProperty(sourceCode, object, name, 0);
  }
  return NOT_FOUND;
}

function findProperty(
  sourceCode: SourceCode,
  object: ESTree.ObjectExpression,
  name: string,
  depth: number,
): OptionValue {
  let result: OptionValue = NOT_FOUND;
  for (const property of object.properties) {
    if (property.type === 'SpreadElement') {
      const inner = findInSpread(sourceCode, property, name, depth);
      if (inner.found || inner.unknownSpread) result = inner;
      continue;
    }
    if (getStaticKeyName(property.key, property.computed) !== name) continue;
    const value = property.value;
    result = {
      found: true,
      node: value,
      value: getStaticValue(value as never, sourceCode.getScope(value)),
    };
  }
  return result;
}

/**
 * What a spread may add. `...(cond && { uid })` adds nothing or the literal (a falsy value has no
 * properties), `...(cond ? a : b)` either branch: each is looked into; a set property wins over
 * an unknown object, which wins over nothing.
 */
function findInSpread(sourceCode: SourceCode, spread: ESTree.SpreadElement, name: string, depth: number): OptionValue {
  const argument = unwrapExpression(spread.argument);
  const candidates =
    argument.type === 'LogicalExpression' && argument.operator === '&&'
      ? [argument.right]
      : argument.type === 'ConditionalExpression'
        ? [argument.consequent, argument.alternate]
        : [argument];
  let result: OptionValue = NOT_FOUND;
  for (const candidate of candidates) {
    const object = depth < MAX_DEPTH ? resolveObjectExpression(sourceCode, candidate) : undefined;
    const inner: OptionValue = object
      ? findProperty(sourceCode, object, name, depth + 1)
      : isStaticNonObject(sourceCode, candidate)
        ? NOT_FOUND
        : { found: false, unknownSpread: spread };
    if (inner.found || (inner.unknownSpread && !result.found)) result = inner;
  }
  return result;
}

/** `...undefined`, `...null`, `...false`: spreads that add no property. */
function isStaticNonObject(sourceCode: SourceCode, node: ESTree.Node): boolean {
  const value = getStaticValue(node as never, sourceCode.getScope(node));
  return value !== null && (typeof value.value !== 'object' || value.value === null);
}

/** Whether an options argument sets `name` to a value known to be truthy. */
export function isOptionTruthy(sourceCode: SourceCode, args: readonly CallArgument[], from: number, name: string): boolean {
  const option = findOption(sourceCode, args, from, name);
  return option.found && option.value !== null && Boolean(option.value.value);
}
