// Finds a shell named as the program: `spawn('sh', ['-c', cmd])`, `execFile('/bin/bash', ['-lc',
// cmd])`, `spawn(process.env.ComSpec, ['/d', '/s', '/c', cmd])`, `spawn('pwsh', ['-Command', cmd])`.
// No `shell` option is set, yet the command line after the flag is parsed by a shell all the same.
// The program, the flag and the argument list are followed through local constants, conditionals
// (`isWindows ? 'cmd.exe' : '/bin/sh'`) and arrays built before the call (`args.push('-c', cmd)`).
import type { Rule } from 'eslint';
import type * as ESTree from 'estree';
import { getStaticValue } from '@eslint-community/eslint-utils';
import type { Scope } from 'eslint';
import {
  getChildNodes,
  getSingleInitializer,
  getStaticKeyName,
  isFunctionNode,
  iterateReads,
  resolveVariable,
  unwrapExpression,
  type CallArgument,
} from './ast.js';
import { resolveObjectExpression } from './find-option.js';

type SourceCode = Rule.RuleContext['sourceCode'];

/** A shell run by name, and the command line it is given. */
export interface ShellInvocation {
  /** How the shell is invoked, for messages: `` `/bin/bash -c` ``, `` `process.env.SHELL` ``. */
  readonly through: string;
  /** The arguments after the command flag; undefined when the argument list is not visible. */
  readonly command: readonly ESTree.Node[] | undefined;
  /** The command is JavaScript (`node -e`), where a `JSON.stringify()`ed value is a string literal. */
  readonly javascript?: boolean;
}

/** Shells, and the interpreters that take a line of code after a flag (`node -e`, `python -c`). */
type ShellFamily = 'posix' | 'cmd' | 'powershell' | 'node' | 'python' | 'perl' | 'ruby';

const SHELLS = new Map<string, ShellFamily>([
  ...['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh', 'busybox'].map(
    (name) => [name, 'posix'] as const,
  ),
  ['cmd', 'cmd'],
  ['powershell', 'powershell'],
  ['pwsh', 'powershell'],
  ['node', 'node'],
  ['nodejs', 'node'],
  ['python', 'python'],
  ['python3', 'python'],
  ['perl', 'perl'],
  ['ruby', 'ruby'],
]);

/** The flag after which a shell takes a command line (`-c`, `-lc`, `/c`, `-Command`...), an interpreter code. */
const COMMAND_FLAGS: Record<ShellFamily, RegExp> = {
  posix: /^-[abd-z]*c[a-z]*$/iu,
  cmd: /^\/[ck]$/iu,
  powershell: /^-(?:c|command|e|ec|encodedcommand)$/iu,
  node: /^(?:-e|--eval|-p|--print)$/u,
  python: /^-c$/u,
  perl: /^-[Ee]$/u,
  ruby: /^-e$/u,
};

/** Families whose flag takes one argument, the rest becoming the program's own arguments. */
const ONE_ARGUMENT_FAMILIES = new Set<ShellFamily>(['posix', 'node', 'python', 'perl', 'ruby']);
/** Families that are shells (an interactive one reads command lines from its terminal). */
const SHELL_FAMILIES = new Set<ShellFamily>(['posix', 'cmd', 'powershell']);

/** The environment variables that name the user's shell. */
const SHELL_VARIABLES = new Map<string, readonly ShellFamily[]>([
  ['SHELL', ['posix']],
  ['ComSpec', ['cmd']],
  ['COMSPEC', ['cmd']],
]);

const MAX_DEPTH = 8;

/**
 * The shell invocation of a call that runs `args[0]` with the argument list `args[1]`, or
 * undefined when the program is not a shell or the shell runs a script rather than a command line.
 * With `terminal`, a shell given no script (an interactive one, as in a pseudo-terminal) counts too.
 */
export function findShellInvocation(
  sourceCode: SourceCode,
  args: readonly CallArgument[],
  { terminal = false }: { readonly terminal?: boolean } = {},
): ShellInvocation | undefined {
  const [program, list] = args;
  if (!program || program.type === 'SpreadElement') return undefined;
  const all =
    list && list.type !== 'SpreadElement' && !isOptionsOrCallback(sourceCode, list)
      ? collectElements(sourceCode, list, 0)
      : { nodes: [], complete: true };
  const shell = findShell(sourceCode, program, all.nodes);
  if (!shell) return undefined;
  const { families, name } = shell;
  const elements = { nodes: all.nodes.slice(shell.argumentsFrom), complete: all.complete };
  for (const [index, element] of elements.nodes.entries()) {
    const values = listPossibleStrings(sourceCode, element, 0);
    const flagFamilies = [...families].filter((family) => values?.some((value) => COMMAND_FLAGS[family].test(value)));
    if (flagFamilies.length > 0) {
      // `sh -c line a b` parses only `line` (a and b become $0, $1); cmd.exe and PowerShell join
      // every argument after the flag into the command line.
      const end = flagFamilies.every((family) => ONE_ARGUMENT_FAMILIES.has(family)) ? index + 2 : undefined;
      const javascript = flagFamilies.every((family) => family === 'node');
      return {
        through: `\`${name} ${describeValue(sourceCode, element)}\``,
        command: elements.nodes.slice(index + 1, end),
        ...(javascript ? { javascript } : {}),
      };
    }
    // The first word that is not a switch is a script to run and the rest are its arguments; so is
    // a value unknown at lint time (a path, far more often than a `-c` from elsewhere).
    if (!values || values.some((value) => !isSwitch(value, families))) return undefined;
  }
  // Only switches in sight, and more arguments from where the rule cannot see: a shell given an
  // argument list built elsewhere runs whatever command line that list holds. In a terminal, a
  // shell without a script reads its command lines from what is typed.
  if (terminal && [...families].some((family) => SHELL_FAMILIES.has(family))) return { through: `\`${name}\``, command: undefined };
  const isShell = [...families].some((family) => SHELL_FAMILIES.has(family));
  return elements.complete || !isShell ? undefined : { through: `\`${name}\``, command: undefined };
}

/**
 * The shell a call runs: its program, or the program `env` starts (`/usr/bin/env bash -c ...`,
 * after env's own switches and `NAME=value` assignments); and where the shell's arguments begin.
 */
function findShell(
  sourceCode: SourceCode,
  program: ESTree.Node,
  elements: readonly ESTree.Node[],
): { families: Set<ShellFamily>; name: string; argumentsFrom: number } | undefined {
  const families = findShellFamilies(sourceCode, program);
  if (families.size > 0) return { families, name: describeValue(sourceCode, program), argumentsFrom: 0 };
  const value = getStaticValue(program as never, sourceCode.getScope(program));
  if (typeof value?.value !== 'string' || getProgramName(value.value) !== 'env') return undefined;
  for (const [index, element] of elements.entries()) {
    const values = listPossibleStrings(sourceCode, element, 0);
    if (values?.every((word) => word.startsWith('-') || /^\w+=/u.test(word))) continue;
    const shellFamilies = findShellFamilies(sourceCode, element);
    if (shellFamilies.size === 0) return undefined;
    const name = `${value.value} ${describeValue(sourceCode, element)}`;
    return { families: shellFamilies, name, argumentsFrom: index + 1 };
  }
  return undefined;
}

/** `-l`, `--login`, `-NoProfile`; for cmd.exe also `/d`, `/s` (a path such as `/opt/x.sh` is not). */
function isSwitch(value: string, families: ReadonlySet<ShellFamily>): boolean {
  return value.startsWith('-') || (families.has('cmd') && /^\/[a-z]$/iu.test(value));
}

/** The shell families `node` may name: by its static value(s), or `process.env.SHELL`/`ComSpec`. */
function findShellFamilies(sourceCode: SourceCode, node: ESTree.Node): Set<ShellFamily> {
  const families = new Set<ShellFamily>();
  const visit = (current: ESTree.Node, depth: number): void => {
    const target = unwrapExpression(current);
    for (const family of getShellVariableFamilies(sourceCode, target)) families.add(family);
    const value = getStaticValue(target as never, sourceCode.getScope(target));
    if (value !== null) {
      const family = typeof value.value === 'string' ? SHELLS.get(getProgramName(value.value)) : undefined;
      if (family) families.add(family);
      return;
    }
    if (depth >= MAX_DEPTH) return;
    for (const branch of getBranches(sourceCode, target)) visit(branch, depth + 1);
  };
  visit(node, 0);
  return families;
}

/** `sh` for `/bin/sh`, `C:\Windows\System32\cmd.exe` gives `cmd`. */
function getProgramName(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1).toLowerCase();
  return base.endsWith('.exe') ? base.slice(0, -'.exe'.length) : base;
}

function getShellVariableFamilies(sourceCode: SourceCode, node: ESTree.Node): readonly ShellFamily[] {
  if (node.type !== 'MemberExpression') return [];
  // `process.execPath` is the running Node binary.
  if (getStaticKeyName(node.property, node.computed) === 'execPath' && isGlobalProcess(sourceCode, node.object)) return ['node'];
  const variable = getStaticKeyName(node.property, node.computed);
  const env = unwrapExpression(node.object);
  if (variable === undefined || env.type !== 'MemberExpression' || getStaticKeyName(env.property, env.computed) !== 'env') return [];
  if (!isGlobalProcess(sourceCode, env.object)) return [];
  return SHELL_VARIABLES.get(variable) ?? [];
}

function isGlobalProcess(sourceCode: SourceCode, node: ESTree.Node): boolean {
  const process = unwrapExpression(node);
  if (process.type !== 'Identifier' || process.name !== 'process') return false;
  const resolved = resolveVariable(sourceCode, process);
  return !resolved || resolved.defs.length === 0;
}

/**
 * The values `node` may take: both arms of `a ? b : c` and `a || b`; a local's initialiser, or every
 * value assigned to it (`let sh; if (win) sh = 'cmd.exe'; else sh = '/bin/sh'`); a property of a
 * local object literal, or of each object a local function returns (`getShell().cmd`).
 */
function getBranches(sourceCode: SourceCode, node: ESTree.Node): ESTree.Node[] {
  if (node.type === 'ConditionalExpression') return [node.consequent, node.alternate];
  if (node.type === 'LogicalExpression') return [node.left, node.right];
  if (node.type === 'MemberExpression') return getPropertyBranches(sourceCode, node);
  if (node.type !== 'Identifier') return [];
  const variable = resolveVariable(sourceCode, node);
  if (!variable) return [];
  const initializer = getSingleInitializer(variable);
  if (initializer) return [initializer];
  return getAssignedValues(variable) ?? [];
}

/**
 * Every value a local declared once is given: its initialiser and each plain assignment; undefined
 * when it is changed any other way (`+=`, `++`, destructuring) or never given one.
 */
function getAssignedValues(variable: Scope.Variable): ESTree.Node[] | undefined {
  if (variable.defs.length !== 1 || variable.defs[0]?.type !== 'Variable') return undefined;
  const values: ESTree.Node[] = [];
  const init = variable.defs[0].node.init;
  if (init) values.push(init);
  for (const reference of variable.references) {
    if (!reference.isWrite() || reference.init) continue;
    const parent = (reference.identifier as Rule.Node).parent;
    if (parent?.type !== 'AssignmentExpression' || parent.operator !== '=' || parent.left !== reference.identifier) return undefined;
    values.push(parent.right);
  }
  return values.length > 0 ? values : undefined;
}

/** `shell.cmd` where `shell` is a local object literal, or what a local function returns. */
function getPropertyBranches(sourceCode: SourceCode, member: ESTree.MemberExpression): ESTree.Node[] {
  const key = getStaticKeyName(member.property, member.computed);
  const object = unwrapExpression(member.object);
  if (key === undefined || object.type !== 'Identifier') return [];
  const variable = resolveVariable(sourceCode, object);
  const initializer = variable && getSingleInitializer(variable);
  if (!initializer) return [];
  const objects = initializer.type === 'CallExpression' ? findReturnedObjects(sourceCode, initializer) : [initializer];
  const values: ESTree.Node[] = [];
  for (const candidate of objects) {
    if (candidate.type !== 'ObjectExpression') return [];
    const property = candidate.properties.find(
      (entry): entry is ESTree.Property => entry.type === 'Property' && getStaticKeyName(entry.key, entry.computed) === key,
    );
    if (!property) return [];
    values.push(property.value);
  }
  return values;
}

/** What a local function declared once returns: every `return` argument (not those of nested functions). */
function findReturnedObjects(sourceCode: SourceCode, call: ESTree.CallExpression): ESTree.Node[] {
  const callee = unwrapExpression(call.callee);
  if (callee.type !== 'Identifier') return [];
  const definition = resolveVariable(sourceCode, callee)?.defs;
  const fn = definition?.length === 1 && definition[0]?.type === 'FunctionName' ? definition[0].node : undefined;
  if (fn?.type !== 'FunctionDeclaration' || fn.async || fn.generator) return [];
  const returned: ESTree.Node[] = [];
  const visit = (node: ESTree.Node): void => {
    if (node.type === 'ReturnStatement' && node.argument) returned.push(unwrapExpression(node.argument));
    for (const child of getChildNodes(sourceCode, node)) if (!isFunctionNode(child)) visit(child);
  };
  visit(fn.body);
  return returned;
}

/** Every string `node` may be, or undefined when one of its values is not known at lint time. */
function listPossibleStrings(sourceCode: SourceCode, node: ESTree.Node, depth: number): string[] | undefined {
  const target = unwrapExpression(node);
  const value = getStaticValue(target as never, sourceCode.getScope(target));
  if (value !== null) return [String(value.value)];
  const branches = depth < MAX_DEPTH ? getBranches(sourceCode, target) : [];
  if (branches.length === 0) return undefined;
  const values: string[] = [];
  for (const branch of branches) {
    const branchValues = listPossibleStrings(sourceCode, branch, depth + 1);
    if (branchValues === undefined) return undefined;
    values.push(...branchValues);
  }
  return values;
}

/** A program or flag as written, for messages: its static value, else its source text. */
function describeValue(sourceCode: SourceCode, node: ESTree.Node): string {
  const value = getStaticValue(node as never, sourceCode.getScope(node));
  if (typeof value?.value === 'string') return value.value;
  const text = sourceCode.getText(node).replace(/\s+/gu, ' ');
  return text.length <= 40 ? text : `${text.slice(0, 39)}…`;
}

function isOptionsOrCallback(sourceCode: SourceCode, node: ESTree.Node): boolean {
  return isFunctionNode(node) || resolveObjectExpression(sourceCode, node) !== undefined;
}

/** The elements an argument list may hold, in source order; `complete` when none is hidden. */
interface Elements {
  readonly nodes: ESTree.Node[];
  readonly complete: boolean;
}

/**
 * The elements of an array argument: an array literal and its spreads, both arms of a conditional,
 * `a.concat(b)`, and a local array with what `push`/`unshift` and assignments add to it.
 */
function collectElements(sourceCode: SourceCode, node: ESTree.Node, depth: number): Elements {
  const target = unwrapExpression(node);
  if (depth >= MAX_DEPTH) return { nodes: [], complete: false };
  const merge = (parts: readonly ESTree.Node[]): Elements => {
    const collected = parts.map((part) => collectElements(sourceCode, part, depth + 1));
    return { nodes: collected.flatMap((part) => part.nodes), complete: collected.every((part) => part.complete) };
  };
  switch (target.type) {
    case 'ArrayExpression': {
      const nodes: ESTree.Node[] = [];
      let complete = true;
      for (const element of target.elements) {
        if (!element) continue;
        if (element.type !== 'SpreadElement') {
          nodes.push(element);
          continue;
        }
        const spread = collectElements(sourceCode, element.argument, depth + 1);
        nodes.push(...spread.nodes);
        complete &&= spread.complete;
      }
      return { nodes, complete };
    }
    case 'ConditionalExpression':
      return merge([target.consequent, target.alternate]);
    case 'CallExpression': {
      const callee = unwrapExpression(target.callee);
      if (callee.type === 'MemberExpression' && getStaticKeyName(callee.property, callee.computed) === 'concat') {
        // `concat` adds an array's elements, and any other value as one element: a value whose
        // arrays the rule cannot see is kept whole, as the element it may be.
        const parts = [callee.object, ...target.arguments].map((argument) => {
          const inner = argument.type === 'SpreadElement' ? argument.argument : argument;
          const collected = collectElements(sourceCode, inner, depth + 1);
          return argument === callee.object || collected.nodes.length > 0 || collected.complete ? collected : { nodes: [inner], complete: true };
        });
        return { nodes: parts.flatMap((part) => part.nodes), complete: parts.every((part) => part.complete) };
      }
      return { nodes: [], complete: false };
    }
    case 'Identifier':
      return collectVariableElements(sourceCode, target, depth);
    default:
      return { nodes: [], complete: false };
  }
}

/** A local array: its initialiser, what is assigned to it, and what `push`/`unshift` add. */
function collectVariableElements(sourceCode: SourceCode, identifier: ESTree.Identifier, depth: number): Elements {
  const variable = resolveVariable(sourceCode, identifier);
  const definition = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (!variable || definition?.type !== 'Variable') return { nodes: [], complete: false };
  // Arrays the variable holds, and single elements added to it.
  const arrays: ESTree.Node[] = [];
  const added: ESTree.Node[] = [];
  if (definition.node.init) arrays.push(definition.node.init);
  for (const reference of variable.references) {
    const parent = (reference.identifier as Rule.Node).parent;
    if (reference.isWrite() && !reference.init && parent?.type === 'AssignmentExpression' && parent.operator === '=') {
      arrays.push(parent.right);
    }
  }
  for (const read of iterateReads(variable)) {
    const member = (read as Rule.Node).parent;
    if (member?.type !== 'MemberExpression' || member.object !== read) continue;
    const method = getStaticKeyName(member.property, member.computed);
    const call = (member as Rule.Node).parent;
    if ((method !== 'push' && method !== 'unshift') || call?.type !== 'CallExpression' || call.callee !== member) continue;
    for (const argument of call.arguments) {
      if (argument.type === 'SpreadElement') arrays.push(argument.argument);
      else added.push(argument);
    }
  }
  const collected = arrays.map((array) => collectElements(sourceCode, array, depth + 1));
  return {
    nodes: [...collected.flatMap((part) => part.nodes), ...added],
    complete: arrays.length > 0 && collected.every((part) => part.complete),
  };
}
