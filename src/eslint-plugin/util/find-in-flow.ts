// Walks the expressions a value is built from, through a short local flow: operands, call
// arguments, template parts, and the initialiser of each local variable assigned once. Function
// bodies are not entered (their values come later, from elsewhere).
import type { Rule } from 'eslint';
import type * as ESTree from 'estree';
import { getChildNodes, getSingleInitializer, isFunctionNode, resolveVariable } from './ast.js';

type SourceCode = Rule.RuleContext['sourceCode'];

const MAX_DEPTH = 12;
/** Keys holding TypeScript types, which carry no runtime data. */
const TYPE_KEYS = new Set(['typeAnnotation', 'typeArguments', 'typeParameters', 'returnType']);

/** The first non-undefined result of `visit` over the nodes `root`'s value flows from. */
export function findInFlow<R>(
  sourceCode: SourceCode,
  root: ESTree.Node,
  visit: (node: ESTree.Node) => R | undefined,
): R | undefined {
  const visited = new Set<ESTree.Node>();
  const walk = (node: ESTree.Node, depth: number): R | undefined => {
    if (depth > MAX_DEPTH || visited.has(node) || isFunctionNode(node)) return undefined;
    visited.add(node);
    const found = visit(node);
    if (found !== undefined) return found;
    if (node.type === 'Identifier') {
      const variable = resolveVariable(sourceCode, node);
      const initializer = variable && getSingleInitializer(variable);
      return initializer ? walk(initializer, depth + 1) : undefined;
    }
    for (const child of getValueChildren(sourceCode, node)) {
      const result = walk(child, depth + 1);
      if (result !== undefined) return result;
    }
    return undefined;
  };
  return walk(root, 0);
}

/** Child expressions that contribute to a node's value (not property names or types). */
function getValueChildren(sourceCode: SourceCode, node: ESTree.Node): ESTree.Node[] {
  return getChildNodes(sourceCode, node, (key) => TYPE_KEYS.has(key) || isStaticName(node, key));
}

/** `b` in `a.b` and `{ b: 1 }` is a name, not a variable reference. */
function isStaticName(node: ESTree.Node, key: string): boolean {
  if (node.type === 'MemberExpression') return key === 'property' && !node.computed;
  if (node.type === 'Property') return key === 'key' && !node.computed;
  return false;
}
