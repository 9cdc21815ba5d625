// Follows a value stored where ReferenceTracker stops: on the instance (`private run =
// promisify(exec)`, or `this.run = exec` in a method, then `this.run(cmd)`), and in a local object
// literal (`const tools = { run: exec }; tools.run(cmd)`). TypeScript services often keep their
// helpers in class fields.
import type { Rule } from 'eslint';
import type * as ESTree from 'estree';
import { getChildNodes, getStaticKeyName, iterateReads, resolveVariable } from './ast.js';

type SourceCode = Rule.RuleContext['sourceCode'];
type Node = ESTree.Node & { parent?: Node | null };

/** The member expressions that read `value` back from where it is stored. */
export function findStoredReads(sourceCode: SourceCode, value: ESTree.Node): ESTree.MemberExpression[] {
  return [...findClassFieldReads(sourceCode, value), ...findObjectPropertyReads(sourceCode, value)];
}

/** `tools.run` for `const tools = { run: value }` (a const-like local, read by static names). */
function findObjectPropertyReads(sourceCode: SourceCode, value: ESTree.Node): ESTree.MemberExpression[] {
  const property = (value as Node).parent;
  if (property?.type !== 'Property' || property.value !== value || property.kind !== 'init') return [];
  const name = getStaticKeyName(property.key, property.computed);
  const object = (property as Node).parent;
  const declarator = object && (object as Node).parent;
  if (name === undefined || declarator?.type !== 'VariableDeclarator' || declarator.init !== object) return [];
  if (declarator.id.type !== 'Identifier') return [];
  const reads: ESTree.MemberExpression[] = [];
  for (const read of iterateReads(resolveVariable(sourceCode, declarator.id))) {
    const member = (read as Node).parent;
    if (member?.type === 'MemberExpression' && member.object === read && getStaticKeyName(member.property, member.computed) === name) {
      reads.push(member);
    }
  }
  return reads;
}

/** The `this.<field>` reads, in the same class, of the field that `value` is stored in. */
function findClassFieldReads(sourceCode: SourceCode, value: ESTree.Node): ESTree.MemberExpression[] {
  const field = findFieldStoring(value as Node);
  if (!field) return [];
  const reads: ESTree.MemberExpression[] = [];
  const visit = (node: Node, thisIsInstance: boolean): void => {
    if (node.type === 'MemberExpression' && thisIsInstance && node !== field.target && isThisMember(node, field.name)) {
      reads.push(node);
    }
    for (const child of getChildNodes(sourceCode, node) as Node[]) visit(child, thisIsInstance && keepsThis(node, child));
  };
  visit(field.classBody, true);
  return reads;
}

interface Field {
  readonly name: string;
  readonly classBody: ESTree.ClassBody;
  /** The `this.name` being assigned, which is not a read. */
  readonly target: ESTree.Node | undefined;
}

function findFieldStoring(value: Node): Field | undefined {
  const parent = value.parent;
  if (parent?.type === 'PropertyDefinition' && parent.value === value && !parent.static) {
    const name = getMemberName(parent.key, parent.computed);
    const classBody = (parent as Node).parent;
    return name !== undefined && classBody?.type === 'ClassBody' ? { name, classBody, target: undefined } : undefined;
  }
  if (parent?.type === 'AssignmentExpression' && parent.right === value && parent.left.type === 'MemberExpression') {
    const target = parent.left;
    const name = target.object.type === 'ThisExpression' ? getMemberName(target.property, target.computed) : undefined;
    const classBody = name === undefined ? undefined : findEnclosingClassBody(parent);
    return name !== undefined && classBody ? { name, classBody, target } : undefined;
  }
  return undefined;
}

/** The class whose instance `this` is at `node`: through arrow functions and one method. */
function findEnclosingClassBody(node: Node): ESTree.ClassBody | undefined {
  let current: Node | null | undefined = node;
  while (current) {
    const parent: Node | null | undefined = current.parent;
    if (current.type === 'FunctionExpression' || current.type === 'FunctionDeclaration') {
      // Only a method's own function has the instance as `this`.
      if (parent?.type !== 'MethodDefinition' || parent.static) return undefined;
    }
    if (current.type === 'ClassBody') return current;
    current = parent;
  }
  return undefined;
}

function getMemberName(key: ESTree.Node, computed: boolean): string | undefined {
  return key.type === 'PrivateIdentifier' ? `#${key.name}` : getStaticKeyName(key, computed);
}

function isThisMember(node: ESTree.MemberExpression, name: string): boolean {
  return node.object.type === 'ThisExpression' && getMemberName(node.property, node.computed) === name;
}

/** Whether `this` in `child` is still the instance `this` was in `parent`. */
function keepsThis(parent: Node, child: Node): boolean {
  if (child.type === 'ClassBody' || child.type === 'ClassDeclaration' || child.type === 'ClassExpression') return false;
  if (child.type === 'FunctionExpression' || child.type === 'FunctionDeclaration') {
    return parent.type === 'MethodDefinition' && !parent.static;
  }
  if (parent.type === 'StaticBlock') return false;
  return parent.type !== 'PropertyDefinition' || !parent.static;
}
