// Small AST helpers shared by the rules and the tracking utilities. Nodes come from espree or from
// typescript-eslint's parser, so TypeScript-only node types are matched by their `type` string.
import type { Rule, Scope } from 'eslint';
import type * as ESTree from 'estree';
import { findVariable } from '@eslint-community/eslint-utils';

export type Node = Rule.Node;
export type CallArgument = ESTree.Expression | ESTree.SpreadElement;

/** Wrappers that hand their operand's value through unchanged (`x as T`, `x!`, `(0, x)`...). */
const TRANSPARENT_WRAPPERS = new Set([
  'TSAsExpression',
  'TSSatisfiesExpression',
  'TSTypeAssertion',
  'TSNonNullExpression',
  'TSInstantiationExpression',
  'ChainExpression',
]);

/** Strips TypeScript casts, `!`, optional-chain wrappers and `(0, x)` sequences off `node`. */
export function unwrapExpression(node: ESTree.Node): ESTree.Node {
  let current = node;
  for (;;) {
    if (TRANSPARENT_WRAPPERS.has(current.type)) {
      current = (current as unknown as { expression: ESTree.Node }).expression;
    } else if (current.type === 'SequenceExpression' && current.expressions.length > 0) {
      current = current.expressions.at(-1) as ESTree.Node;
    } else {
      return current;
    }
  }
}

/** The variable an identifier refers to, searched from the identifier's own scope outwards. */
export function resolveVariable(
  sourceCode: { getScope(node: ESTree.Node): Scope.Scope },
  identifier: ESTree.Identifier,
): Scope.Variable | null {
  return findVariable(sourceCode.getScope(identifier), identifier);
}

/** The identifiers that read `variable` (none for an unresolved one). */
export function* iterateReads(variable: Scope.Variable | null): Generator<ESTree.Identifier> {
  for (const reference of variable?.references ?? []) {
    if (reference.isRead()) yield reference.identifier as ESTree.Identifier;
  }
}

/**
 * The one expression a variable is known to hold: the initialiser of a `const`, or of a `let`/`var`
 * that is never assigned again. Returns undefined when the value can change or is not local.
 */
export function getSingleInitializer(variable: Scope.Variable): ESTree.Expression | undefined {
  if (variable.defs.length !== 1) return undefined;
  const [definition] = variable.defs;
  if (definition?.type !== 'Variable') return undefined;
  const declarator = definition.node;
  if (!declarator.init) return undefined;
  const reassigned = variable.references.some(
    (reference) => reference.isWrite() && reference.identifier !== declarator.id && !reference.init,
  );
  return reassigned ? undefined : declarator.init;
}

/** The statically known name of a property key or member (`a.b`, `a['b']`, `{ b: 1 }`). */
export function getStaticKeyName(
  key: ESTree.Node,
  computed: boolean,
): string | undefined {
  if (!computed && key.type === 'Identifier') return key.name;
  if (key.type === 'Literal' && (typeof key.value === 'string' || typeof key.value === 'number')) {
    return String(key.value);
  }
  if (key.type === 'TemplateLiteral' && key.expressions.length === 0) {
    return key.quasis[0]?.value.cooked ?? undefined;
  }
  return undefined;
}

/** Whether `node` is a function whose body runs later (its inner values are not "this" value). */
export function isFunctionNode(node: ESTree.Node): boolean {
  return (
    node.type === 'FunctionExpression' ||
    node.type === 'ArrowFunctionExpression' ||
    node.type === 'FunctionDeclaration'
  );
}

/** A node's children, by the parser's visitor keys (so TypeScript and JSX nodes are covered). */
export function getChildNodes(
  sourceCode: { visitorKeys: Record<string, readonly string[] | undefined> },
  node: ESTree.Node,
  skipKey: (key: string) => boolean = () => false,
): ESTree.Node[] {
  const children: ESTree.Node[] = [];
  for (const key of sourceCode.visitorKeys[node.type] ?? []) {
    if (skipKey(key)) continue;
    const value: unknown = (node as unknown as Record<string, unknown>)[key];
    for (const child of Array.isArray(value) ? value : [value]) {
      if (typeof child === 'object' && child !== null && typeof (child as { type?: unknown }).type === 'string') {
        children.push(child as ESTree.Node);
      }
    }
  }
  return children;
}
