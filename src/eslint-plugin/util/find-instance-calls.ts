// Follows an instance from its `new` to the calls of one of its methods: `const conn = new
// Client(); conn.exec(cmd)`, also when the instance is kept in a class field or an object literal
// (`this.conn.exec(cmd)`). ReferenceTracker stops at the `new`.
import type { Rule } from 'eslint';
import type * as ESTree from 'estree';
import { getStaticKeyName, iterateReads, resolveVariable } from './ast.js';
import { findStoredReads } from './find-stored-reads.js';

type SourceCode = Rule.RuleContext['sourceCode'];

/** The calls of `method` on the instance that `construct` (a `new` expression, or a factory call) creates. */
export function findInstanceMethodCalls(sourceCode: SourceCode, construct: ESTree.Node, method: string): ESTree.CallExpression[] {
  const parent = (construct as Rule.Node).parent;
  // The instance itself (`new Client().exec(cmd)`), the places it is kept, and its local's reads.
  const holders: ESTree.Node[] = [construct, ...findStoredReads(sourceCode, construct)];
  if (parent?.type === 'VariableDeclarator' && parent.init === construct && parent.id.type === 'Identifier') {
    holders.push(...iterateReads(resolveVariable(sourceCode, parent.id)));
  }
  const calls: ESTree.CallExpression[] = [];
  for (const holder of holders) {
    const member = (holder as Rule.Node).parent;
    if (member?.type !== 'MemberExpression' || member.object !== holder || getStaticKeyName(member.property, member.computed) !== method) continue;
    const call = (member as Rule.Node).parent;
    if (call?.type === 'CallExpression' && call.callee === member) calls.push(call);
  }
  return calls;
}
