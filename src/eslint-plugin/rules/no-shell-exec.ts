// bastion/no-shell-exec: commands run through a shell (`/bin/sh -c`, `cmd.exe /c`), where one
// unescaped value turns into command injection. See docs/rules/no-shell-exec.md.
import type { Rule } from 'eslint';
import { CALL, CONSTRUCT, type TraceMap } from '@eslint-community/eslint-utils';
import type * as ESTree from 'estree';
import { getStaticKeyName, isFunctionNode, iterateReads, resolveVariable, type CallArgument } from '../util/ast.js';
import { classifyData, describeOrigin, findRequestInputNaming, type DataClass } from '../util/classify-data.js';
import { createRule, type BastionRule } from '../util/create-rule.js';
import { findOption, resolveObjectExpression } from '../util/find-option.js';
import { isNeutralized } from '../util/find-checks.js';
import { findShellInvocation } from '../util/find-shell-invocation.js';
import { findInstanceMethodCalls } from '../util/find-instance-calls.js';
import { trackModuleCalls, type TrackedCall, type TrackingSpec } from '../util/track-module-calls.js';
import { suggestExecFile } from '../suggestions/exec-file.js';

export type Options = [{ allowConstantCommands?: boolean }];
export type MessageIds = 'constantCommand' | 'dataCommand' | 'requestInputCommand' | 'programFromRequestInput' | 'useExecFile';

/** How a tracked function reaches a shell. */
export type ShellUse =
  /**
   * Always through a shell: argument `commandAt` (default 0) is a command line (`exec`,
   * `shelljs.exec`; remote-exec's `(hosts, command)`).
   */
  | { readonly shell: 'always'; readonly rewritesTo?: string; readonly commandAt?: number }
  /**
   * With a `shell` option that may be truthy, searched from argument `optionsFrom` on; the command
   * is the file plus its argument array (or, for execa's `$(options)`, the template it is then
   * tagged to). Without a shell, `program` says where the call names what it runs.
   */
  | { readonly shell: 'option'; readonly optionsFrom: number; readonly program?: ProgramAt }
  /** A shell that quotes every interpolated value (zx's `$`): only the program is open to data. */
  | { readonly shell: 'quoted'; readonly program: ProgramAt }
  /**
   * A client (`new`) whose `method` runs its argument `commandAt` (default 0) as a command line in
   * another host's shell (ssh2's `Client#exec`, ssh2-streams' `SSH2Stream#exec(wantReply, cmd)`).
   */
  | { readonly shell: 'remote'; readonly method: string; readonly commandAt?: number }
  /**
   * A pseudo-terminal (node-pty's `spawn`): when its program is a shell, what is written to it
   * (`method`) is typed at the shell's prompt and runs as a command line.
   */
  | { readonly shell: 'terminal'; readonly method: string }
  /** No shell, but option `option` (from argument 1 on) names the program to run (opener's `command`). */
  | { readonly shell: 'never'; readonly programOption: string };

/**
 * Where a call names the program it runs: `file`, the first argument, with the second its argument
 * list (so a shell named there, `spawn('sh', ['-c', cmd])`, runs a command line); `module`, the
 * first argument is a module path (`fork`); `first-word`, the first word of a command string that
 * is split without a shell (`execaCommand`); `template`, the first word of a tagged template.
 */
export type ProgramAt = 'file' | 'module' | 'first-word' | 'template';

type SourceCode = Rule.RuleContext['sourceCode'];

const callable = (use: ShellUse) => ({ [CALL]: use });
const ALWAYS: ShellUse = { shell: 'always' };
const PROGRAM: ShellUse = { shell: 'option', optionsFrom: 1, program: 'file' };
const COMMAND_STRING: ShellUse = { shell: 'option', optionsFrom: 1, program: 'first-word' };
const TEMPLATE: ShellUse = { shell: 'option', optionsFrom: 0, program: 'template' };
/** child_process and the modules that re-export or promisify its functions. */
const CHILD_PROCESS = {
  exec: callable({ shell: 'always', rewritesTo: 'execFile' }),
  execSync: callable({ shell: 'always', rewritesTo: 'execFileSync' }),
  spawn: callable(PROGRAM),
  spawnSync: callable(PROGRAM),
  execFile: callable(PROGRAM),
  execFileSync: callable(PROGRAM),
  fork: callable({ shell: 'option', optionsFrom: 1, program: 'module' }),
};
const CROSS_SPAWN = { ...callable(PROGRAM), spawn: callable(PROGRAM), sync: callable(PROGRAM) };
const SSH_CLIENT: ShellUse = { shell: 'remote', method: 'exec' };
const THROUGH_A_SHELL = 'through a shell';
const MAX_CONDITION_LENGTH = 50;

/** The functions that run commands, by module. Built-ins also match their `node:` form. */
const SHELL_FUNCTIONS: TraceMap<ShellUse> = {
  child_process: CHILD_PROCESS,
  'mz/child_process': CHILD_PROCESS,
  'child-process-promise': {
    exec: callable(ALWAYS),
    spawn: callable(PROGRAM),
    execFile: callable(PROGRAM),
    fork: CHILD_PROCESS.fork,
  },
  execa: {
    ...callable(PROGRAM),
    execa: callable(PROGRAM),
    execaSync: callable(PROGRAM),
    execaCommand: callable(COMMAND_STRING),
    execaCommandSync: callable(COMMAND_STRING),
    // execa < 2: always through a shell.
    shell: callable(ALWAYS),
    shellSync: callable(ALWAYS),
    $: { ...callable(TEMPLATE), sync: callable(TEMPLATE) },
    sync: callable(PROGRAM),
    // execa < 1: the output of a program run without a shell; `node(script)` runs a Node script.
    stdout: callable(PROGRAM),
    stderr: callable(PROGRAM),
    node: callable({ shell: 'option', optionsFrom: 1, program: 'module' }),
    command: callable(COMMAND_STRING),
    commandSync: callable(COMMAND_STRING),
  },
  zx: { $: { ...callable({ shell: 'quoted', program: 'template' }), sync: callable({ shell: 'quoted', program: 'template' }) } },
  shelljs: { exec: callable(ALWAYS) },
  'cross-spawn': CROSS_SPAWN,
  'cross-spawn-async': CROSS_SPAWN,
  'foreground-child': { ...callable(PROGRAM), foregroundChild: callable(PROGRAM) },
  'exec-async': callable(PROGRAM),
  // The `exec` package runs its command line with `/bin/sh -c`; so does async-execute.
  exec: callable(ALWAYS),
  'async-execute': callable(ALWAYS),
  // remote-exec runs a command line over ssh on each host: `remoteExec(hosts, command, ...)`.
  'remote-exec': callable({ shell: 'always', commandAt: 1 }),
  // ssh2 before 1.0 exported the client class itself.
  ssh2: { [CONSTRUCT]: SSH_CLIENT, Client: { [CONSTRUCT]: SSH_CLIENT } },
  'ssh2-streams': { SSH2Stream: { [CONSTRUCT]: { shell: 'remote', method: 'exec', commandAt: 1 } } },
  'node-pty': { spawn: callable({ shell: 'terminal', method: 'write' }) },
  // opener(url, { command }) runs `command` with the URL as its argument.
  opener: callable({ shell: 'never', programOption: 'command' }),
};

const TRACKED: TrackingSpec<ShellUse> = { modules: SHELL_FUNCTIONS, taggedTemplates: true };

const rule: BastionRule<Options, MessageIds> = createRule<Options, MessageIds>({
  name: 'no-shell-exec',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow running commands through a shell, or a program named by request input (command injection)',
      recommended: true,
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        properties: {
          allowConstantCommands: {
            type: 'boolean',
            description: 'Do not report commands that are fully constant (no data can reach the shell).',
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ allowConstantCommands: false }],
    messages: {
      constantCommand:
        '{{callee}}() runs a constant command {{through}}. Low risk today, but the next edit that adds a value makes it command injection: use execFile()/spawn() with an argument array.',
      dataCommand:
        'Command injection risk: {{callee}}() runs a command built from data {{through}}. Run the program itself with an argument array: execFile()/spawn() without a shell.',
      requestInputCommand:
        'Command injection: {{callee}}() runs a command built from {{origin}} ({{source}}) {{through}}. Run the program itself with an argument array (execFile()/spawn() without a shell), and validate the input against an allow-list.',
      programFromRequestInput:
        'Command injection: {{callee}}() runs a program named by request input ({{source}}), so whoever sends the request chooses what runs. Pick the program from a fixed table of allowed ones.',
      useExecFile: "Run '{{file}}' with {{replacement}}() and an argument array, without a shell.",
    },
  },
  create(context) {
    const [{ allowConstantCommands = false } = {}] = context.options;
    const { sourceCode } = context;
    return trackModuleCalls(context, TRACKED, ({ calls }) => {
      for (const call of calls) {
        const runs = [...iterateCommandRuns(sourceCode, call)];
        // A local wrapper passing its parameters on (`function run(f, a) { spawn(f, a) }`): the
        // shell is named where it is called (`run('sh', ['-c', cmd])`), so look there.
        if (runs.length === 0 && call.info.shell === 'option') {
          for (const wrapped of iterateWrapperCalls(sourceCode, call)) runs.push(...iterateCommandRuns(sourceCode, wrapped));
        }
        // Without a shell, what is left to choose is the program.
        const program = runs.length === 0 ? findProgramFromRequestInput(sourceCode, call) : undefined;
        if (program) {
          context.report({ node: call.node, messageId: 'programFromRequestInput', data: { callee: call.name, source: program } });
        }
        for (const run of runs) {
          const data = run.javascript && run.command?.every((node) => isJsonEmbedded(sourceCode, node))
            ? ({ constant: true } as const)
            : classifyData(sourceCode, run.command);
          if (data.constant && allowConstantCommands) continue;
          // Data quoted for the shell, or checked by an allow-list on the way: nothing left to inject.
          if (allowConstantCommands && run.command?.every((node) => isNeutralized(sourceCode, node, run.node))) continue;
          context.report({
            node: run.node,
            ...describe(run.callee ?? call.name, data, run.through),
            suggest: data.constant && run.node === call.node ? suggestExecFile(sourceCode, call) : [],
          });
        }
      }
    });
  },
});

function describe(
  callee: string,
  data: DataClass,
  through: string,
): Pick<Rule.ReportDescriptorOptions, 'data'> & { messageId: MessageIds } {
  if (data.constant) return { messageId: 'constantCommand', data: { callee, through } };
  if (!data.source) return { messageId: 'dataCommand', data: { callee, through } };
  return { messageId: 'requestInputCommand', data: { callee, through, source: data.source, origin: describeOrigin(data.source) } };
}

/** Where a command runs, the nodes its command line is made of (undefined: unknown), and how. */
interface CommandRun {
  readonly node: ESTree.Node;
  readonly command: readonly ESTree.Node[] | undefined;
  /** How the command reaches a shell, for the message: `through a shell if ...`. */
  readonly through: string;
  /** The function named in the message, when it is not the tracked one (a client's method). */
  readonly callee?: string;
  /** The command is JavaScript code (`node -e`). */
  readonly javascript?: boolean;
}

/**
 * The command lines a call runs: the command string for `exec`; with a `shell` option that may be
 * truthy, the file and its argument array (the shell gets them joined); with a shell as the
 * program, what follows its `-c`. execa's `$(options)` runs nothing itself: the commands run where
 * the `$` it returns is used as a template tag or called.
 */
function* iterateCommandRuns(sourceCode: SourceCode, call: TrackedCall<ShellUse>): Generator<CommandRun> {
  const args = call.arguments;
  const { info } = call;
  if (info.shell === 'always') {
    const at = info.commandAt ?? 0;
    yield { node: call.node, command: args?.slice(at, at + 1), through: THROUGH_A_SHELL };
    return;
  }
  if (info.shell === 'remote') {
    yield* iterateRemoteRuns(sourceCode, call, info.method, info.commandAt ?? 0);
    return;
  }
  if (info.shell === 'never') return;
  if (info.shell === 'terminal') {
    const shell = args ? findShellInvocation(sourceCode, args, { terminal: true }) : undefined;
    if (shell) yield* iterateTerminalRuns(sourceCode, call, info.method, shell.through);
    return;
  }
  if (!args || info.shell === 'quoted') return;
  const through = describeShellOption(sourceCode, args, info.optionsFrom);
  if (through) {
    const parts = getCommandParts(sourceCode, args);
    if (parts.length > 0) yield { node: call.node, command: parts, through };
    else yield* iterateBoundCommandRuns(sourceCode, call.node, through);
    return;
  }
  const invocation = info.program === 'file' ? findShellInvocation(sourceCode, args) : undefined;
  if (invocation) {
    const through = `through ${invocation.through}`;
    yield { node: call.node, command: invocation.command, through, ...(invocation.javascript ? { javascript: true } : {}) };
  }
}

/**
 * The calls of the local function that `call` sits in, when `call` passes on that function's own
 * parameters: each as if the tracked function were called there, with the caller's arguments in
 * place of the parameters. Only a function declared once in this file and called by name.
 */
function* iterateWrapperCalls(sourceCode: SourceCode, call: TrackedCall<ShellUse>): Generator<TrackedCall<ShellUse>> {
  const args = call.arguments;
  if (!args) return;
  let fn: ESTree.Node | null | undefined = (call.node as Rule.Node).parent;
  while (fn && !isFunctionNode(fn)) fn = (fn as Rule.Node).parent;
  if (!fn) return;
  const wrapper = fn as ESTree.Function;
  const parameterIndex = (node: CallArgument): number =>
    node.type === 'Identifier' ? wrapper.params.findIndex((param) => param.type === 'Identifier' && param.name === node.name) : -1;
  if (!args.some((node) => parameterIndex(node) >= 0)) return;
  const name =
    wrapper.type === 'FunctionDeclaration'
      ? wrapper.id
      : (wrapper as Rule.Node).parent?.type === 'VariableDeclarator'
        ? ((wrapper as Rule.Node).parent as ESTree.VariableDeclarator).id
        : undefined;
  if (name?.type !== 'Identifier') return;
  const variable = resolveVariable(sourceCode, name);
  if (!variable || variable.defs.length !== 1) return;
  for (const read of iterateReads(variable)) {
    const caller = (read as Rule.Node).parent;
    if (caller?.type !== 'CallExpression' || caller.callee !== read) continue;
    const substituted = args.map((node) => {
      const index = parameterIndex(node);
      return index >= 0 ? caller.arguments[index] : node;
    });
    if (substituted.some((node) => node === undefined)) continue;
    yield { ...call, node: caller, arguments: substituted as CallArgument[] };
  }
}

/**
 * JavaScript code whose every value is a constant or goes through `JSON.stringify()`, which turns
 * it into a literal (`` `console.log(${JSON.stringify(name)})` ``): data, never code.
 */
function isJsonEmbedded(sourceCode: SourceCode, node: ESTree.Node): boolean {
  if (classifyData(sourceCode, [node]).constant) return true;
  const target = node;
  if (target.type === 'TemplateLiteral') return target.expressions.every((part) => isJsonEmbedded(sourceCode, part));
  if (target.type === 'BinaryExpression' && target.operator === '+' && target.left.type !== 'PrivateIdentifier') {
    return isJsonEmbedded(sourceCode, target.left) && isJsonEmbedded(sourceCode, target.right);
  }
  if (target.type !== 'CallExpression' || target.callee.type !== 'MemberExpression') return false;
  const { object, property } = target.callee;
  return object.type === 'Identifier' && object.name === 'JSON' && getStaticKeyName(property, target.callee.computed) === 'stringify';
}

/**
 * The request input that names the program a call runs without a shell (`spawn(req.query.cmd)`,
 * `` $`${req.body.tool} --version` ``).
 */
function findProgramFromRequestInput(sourceCode: SourceCode, call: TrackedCall<ShellUse>): string | undefined {
  const { info } = call;
  const [first] = call.arguments ?? [];
  if (info.shell === 'never') {
    const option = call.arguments ? findOption(sourceCode, call.arguments, 1, info.programOption) : undefined;
    return option?.found ? findRequestInputNaming(sourceCode, option.node, 'path') : undefined;
  }
  if (info.shell === 'always' || info.shell === 'remote' || info.shell === 'terminal' || !info.program) return undefined;
  if (!first || first.type === 'SpreadElement') return undefined;
  const names = info.program === 'file' || info.program === 'module' ? 'path' : 'first-word';
  if (info.program === 'template' && call.style !== 'tag') {
    // execa's `$(options)`: the program is named where the `$` it returns is used.
    for (const run of iterateBoundCommandRuns(sourceCode, call.node, '')) {
      const [named] = run.command ?? [];
      const source = named ? findRequestInputNaming(sourceCode, named, names) : undefined;
      if (source) return source;
    }
    return undefined;
  }
  return findRequestInputNaming(sourceCode, first, names);
}

/** Each `method` call on a client made by `new` runs its argument `at` in the remote host's shell. */
function* iterateRemoteRuns(sourceCode: SourceCode, call: TrackedCall<ShellUse>, method: string, at: number): Generator<CommandRun> {
  for (const methodCall of findInstanceMethodCalls(sourceCode, call.node, method)) {
    yield {
      node: methodCall,
      command: methodCall.arguments.slice(at, at + 1),
      through: 'through a shell on the remote host',
      callee: `${call.name}#${method}`,
    };
  }
}

/** What is written to a terminal whose program is a shell runs at that shell's prompt. */
function* iterateTerminalRuns(sourceCode: SourceCode, call: TrackedCall<ShellUse>, method: string, shell: string): Generator<CommandRun> {
  for (const methodCall of findInstanceMethodCalls(sourceCode, call.node, method)) {
    yield {
      node: methodCall,
      command: methodCall.arguments.slice(0, 1),
      through: `at the prompt of a terminal running ${shell}`,
      callee: `${call.name}()#${method}`,
    };
  }
}

/**
 * How the `shell` option may start a shell, or undefined when it provably does not: a truthy
 * constant always does; a value unknown at lint time (`process.platform === 'win32'`, a parameter)
 * or a spread of an object the rule cannot see may, and the message says on which condition.
 */
function describeShellOption(sourceCode: SourceCode, args: readonly CallArgument[], from: number): string | undefined {
  const option = findOption(sourceCode, args, from, 'shell');
  if (option.found) {
    if (option.value !== null) return option.value.value ? THROUGH_A_SHELL : undefined;
    return `through a shell when \`shell: ${shorten(sourceCode.getText(option.node))}\` is truthy`;
  }
  if (option.unknownSpread) {
    return `through a shell if \`${shorten(sourceCode.getText(option.unknownSpread))}\` sets \`shell\``;
  }
  return undefined;
}

function shorten(text: string): string {
  const line = text.replace(/\s+/gu, ' ');
  return line.length <= MAX_CONDITION_LENGTH ? line : `${line.slice(0, MAX_CONDITION_LENGTH - 1)}…`;
}

/**
 * Runs of a `$` bound by `$(options)`: `$(o)\`cmd\``, `$(o)(file, args)`, `$(o).sync\`cmd\``,
 * `const $$ = $(o); $$\`cmd\``.
 */
function* iterateBoundCommandRuns(sourceCode: SourceCode, bound: ESTree.Node, through: string): Generator<CommandRun> {
  const parent = (bound as Rule.Node).parent;
  if (parent?.type === 'MemberExpression' && parent.object === bound && getStaticKeyName(parent.property, parent.computed) === 'sync') {
    yield* iterateBoundCommandRuns(sourceCode, parent, through);
  } else if (parent?.type === 'TaggedTemplateExpression' && parent.tag === bound) {
    yield { node: parent, command: [parent.quasi], through };
  } else if (parent?.type === 'CallExpression' && parent.callee === bound) {
    yield { node: parent, command: getCommandParts(sourceCode, parent.arguments), through };
  } else if (parent?.type === 'VariableDeclarator' && parent.init === bound && parent.id.type === 'Identifier') {
    for (const read of iterateReads(resolveVariable(sourceCode, parent.id))) {
      yield* iterateBoundCommandRuns(sourceCode, read, through);
    }
  }
}

function getCommandParts(sourceCode: SourceCode, args: readonly CallArgument[]): CallArgument[] {
  return args.slice(0, 2).filter((node) => isCommandPart(sourceCode, node));
}

/** The command and its argument list are; an options object or a callback is not. */
function isCommandPart(sourceCode: SourceCode, node: CallArgument): boolean {
  return !isFunctionNode(node) && resolveObjectExpression(sourceCode, node) === undefined;
}

export default rule;
