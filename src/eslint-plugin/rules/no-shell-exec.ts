// bastion/no-shell-exec: commands run through a shell (`/bin/sh -c`, `cmd.exe /c`), where one
// unescaped value turns into command injection. See docs/rules/no-shell-exec.md.
import type { Rule } from 'eslint';
import { CALL, type TraceMap } from '@eslint-community/eslint-utils';
import type * as ESTree from 'estree';
import { isFunctionNode, iterateReads, resolveVariable, type CallArgument } from '../util/ast.js';
import { classifyData, type DataClass } from '../util/classify-data.js';
import { createRule, type BastionRule } from '../util/create-rule.js';
import { isOptionTruthy, resolveObjectExpression } from '../util/find-option.js';
import { trackModuleCalls, type TrackedCall } from '../util/track-module-calls.js';
import { suggestExecFile } from '../suggestions/exec-file.js';

export type Options = [{ allowConstantCommands?: boolean }];
export type MessageIds = 'constantCommand' | 'dataCommand' | 'requestInputCommand' | 'useExecFile';

/** How a tracked function reaches a shell. */
export type ShellUse =
  /** Always through a shell: the first argument is a command line (`exec`, `shelljs.exec`). */
  | { readonly shell: 'always'; readonly rewritesTo?: string }
  /**
   * Only with a truthy `shell` option, searched from argument `optionsFrom` on; the command is the
   * file plus its argument array (or, for execa's `$(options)`, the template it is then tagged to).
   */
  | { readonly shell: 'option'; readonly optionsFrom: number };

type SourceCode = Rule.RuleContext['sourceCode'];

const ALWAYS: ShellUse = { shell: 'always' };
const OPTION: ShellUse = { shell: 'option', optionsFrom: 1 };
const callable = (use: ShellUse) => ({ [CALL]: use });

/** The functions that run commands, by module. Built-ins also match their `node:` form. */
const SHELL_FUNCTIONS: TraceMap<ShellUse> = {
  child_process: {
    exec: callable({ shell: 'always', rewritesTo: 'execFile' }),
    execSync: callable({ shell: 'always', rewritesTo: 'execFileSync' }),
    spawn: callable(OPTION),
    spawnSync: callable(OPTION),
    execFile: callable(OPTION),
    execFileSync: callable(OPTION),
    fork: callable(OPTION),
  },
  execa: {
    ...callable(OPTION),
    execa: callable(OPTION),
    execaSync: callable(OPTION),
    execaCommand: callable(OPTION),
    execaCommandSync: callable(OPTION),
    $: callable({ shell: 'option', optionsFrom: 0 }),
    sync: callable(OPTION),
    command: callable(OPTION),
    commandSync: callable(OPTION),
  },
  shelljs: { exec: callable(ALWAYS) },
  'cross-spawn': { ...callable(OPTION), spawn: callable(OPTION), sync: callable(OPTION) },
};

const rule: BastionRule<Options, MessageIds> = createRule<Options, MessageIds>({
  name: 'no-shell-exec',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow running commands through a shell (command injection)',
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
        '{{callee}}() runs a constant command through a shell. Low risk today, but the next edit that adds a value makes it command injection: use execFile()/spawn() with an argument array.',
      dataCommand:
        'Command injection risk: {{callee}}() runs a command built from data through a shell. Use execFile()/spawn() with an argument array and no `shell` option.',
      requestInputCommand:
        'Command injection: {{callee}}() runs a command built from request input ({{source}}) through a shell. Use execFile()/spawn() with an argument array, and validate the input against an allow-list.',
      useExecFile: "Run '{{file}}' with {{replacement}}() and an argument array, without a shell.",
    },
  },
  create(context) {
    const [{ allowConstantCommands = false } = {}] = context.options;
    const { sourceCode } = context;
    return trackModuleCalls(context, { modules: SHELL_FUNCTIONS }, ({ calls }) => {
      for (const call of calls) {
        const args = call.arguments;
        const { info } = call;
        if (info.shell === 'option' && !(args && isOptionTruthy(sourceCode, args, info.optionsFrom, 'shell'))) continue;
        for (const run of iterateCommandRuns(sourceCode, call)) {
          const data = classifyData(sourceCode, run.command);
          if (data.constant && allowConstantCommands) continue;
          context.report({
            node: run.node,
            ...describe(call, data),
            suggest: data.constant && run.node === call.node ? suggestExecFile(sourceCode, call) : [],
          });
        }
      }
    });
  },
});

function describe(
  call: TrackedCall<ShellUse>,
  data: DataClass,
): Pick<Rule.ReportDescriptorOptions, 'data'> & { messageId: MessageIds } {
  if (data.constant) return { messageId: 'constantCommand', data: { callee: call.name } };
  if (data.source) return { messageId: 'requestInputCommand', data: { callee: call.name, source: data.source } };
  return { messageId: 'dataCommand', data: { callee: call.name } };
}

/** Where a command runs, and the nodes its command line is made of (undefined: unknown). */
interface CommandRun {
  readonly node: ESTree.Node;
  readonly command: readonly ESTree.Node[] | undefined;
}

/**
 * The command lines a call runs: the command string for `exec`; with `shell: true`, the file and
 * its argument array (the shell gets them joined). execa's `$(options)` runs nothing itself: the
 * commands run where the `$` it returns is used as a template tag or called.
 */
function* iterateCommandRuns(sourceCode: SourceCode, call: TrackedCall<ShellUse>): Generator<CommandRun> {
  const args = call.arguments;
  if (!args || call.info.shell === 'always') {
    yield { node: call.node, command: args?.slice(0, 1) };
    return;
  }
  const parts = getCommandParts(sourceCode, args);
  if (parts.length > 0) yield { node: call.node, command: parts };
  else yield* iterateBoundCommandRuns(sourceCode, call.node);
}

/** Runs of a `$` bound by `$(options)`: `$(o)\`cmd\``, `$(o)(file, args)`, `const $$ = $(o); $$\`cmd\``. */
function* iterateBoundCommandRuns(sourceCode: SourceCode, bound: ESTree.Node): Generator<CommandRun> {
  const parent = (bound as Rule.Node).parent;
  if (parent?.type === 'TaggedTemplateExpression' && parent.tag === bound) {
    yield { node: parent, command: [parent.quasi] };
  } else if (parent?.type === 'CallExpression' && parent.callee === bound) {
    yield { node: parent, command: getCommandParts(sourceCode, parent.arguments) };
  } else if (parent?.type === 'VariableDeclarator' && parent.init === bound && parent.id.type === 'Identifier') {
    for (const read of iterateReads(resolveVariable(sourceCode, parent.id))) yield* iterateBoundCommandRuns(sourceCode, read);
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
