#!/usr/bin/env node
// The `bastion` command: one entry point for the toolkit's command-line jobs. Global flags come
// before the command; each command parses its own.
import module from 'node:module';
import { parseArgs } from 'node:util';
import semver from 'semver';
import { DEMO_USAGE, runDemo } from './demo.js';
import { DUMP_USAGE, runDump } from './dump.js';
import { REPORT_USAGE, runReport } from './report.js';

// Yeoman is some 1,700 modules: Node's on-disk compile cache halves every run after the first.
// Looked up on the namespace: Node 20 has no such export, and must still get the version message.
module.enableCompileCache?.();

const pkg = module.createRequire(import.meta.url)('../../package.json') as { version: string; engines: { node: string } };

const USAGE = `Usage: bastion <command> [options]

Commands:
  new <name>      create a production-hardened TypeScript service in ./<name>
  add watchdog    add (or update) the event-loop watchdog in the current project
  add lint        add bastion's ESLint config to the current project
  demo            run a small service that stalls on purpose, under the watchdog,
                  and show the stall dump it leaves behind
  dump <pid>      print the main thread's stack of a running process that has the
                  watchdog, even while its event loop is blocked (--profile: a CPU profile)
  report <dump>   show a stall dump, culprit first; --html writes a page with a flame chart

Options:
  -h, --help     show this help (bastion <command> --help for a command's own)
  -v, --version  print the version
`;

type Command = { usage?: string; run: (argv: string[]) => number | Promise<number> };

/** The generators load Yeoman, which needs a newer Node than the rest: say so in one line. */
async function generate(name: 'app' | 'watchdog' | 'lint', usage: string, argv: string[]): Promise<number> {
  if (!semver.satisfies(process.version, pkg.engines.node)) {
    process.stderr.write(`bastion: ${usage.replace(/ <.*/, '')} needs Node ${pkg.engines.node}; this is Node ${process.version}\n`);
    return 1;
  }
  const { runGenerator } = await import('./generate.js');
  return runGenerator(name, usage.replace(/ <.*/, ''), argv);
}

const ADD_USAGE = `Usage: bastion add <part> [options]

Parts:
  watchdog   copy the watchdog into vendor/watchdog/ and load it in \`npm start\`
  lint       write eslint.config.js with bastion's recommended config, add its devDependencies

bastion add <part> --help lists a part's options.
`;

const COMMANDS: Record<string, Command> = {
  new: { run: (argv) => generate('app', 'bastion new <name>', argv) },
  add: {
    run: (argv) => {
      const [part, ...rest] = argv;
      if (part === 'watchdog' || part === 'lint') return generate(part, `bastion add ${part}`, rest);
      if (part === '--help' || part === '-h') {
        process.stdout.write(ADD_USAGE);
        return 0;
      }
      process.stderr.write(`bastion: ${part === undefined ? 'add needs a part' : `unknown part '${part}'`}\n\n${ADD_USAGE}`);
      return 1;
    },
  },
  demo: { usage: DEMO_USAGE, run: runDemo },
  dump: { usage: DUMP_USAGE, run: runDump },
  report: { usage: REPORT_USAGE, run: runReport },
};

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first !== undefined && !first.startsWith('-')) {
    const command = COMMANDS[first];
    if (command === undefined) {
      process.stderr.write(`bastion: unknown command '${first}'\n\n${USAGE}`);
      return 1;
    }
    // The generators print their own help, with the options they declare.
    if (command.usage !== undefined && (rest.includes('--help') || rest.includes('-h'))) {
      process.stdout.write(command.usage);
      return 0;
    }
    return command.run(rest);
  }
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  if (values.version) {
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  process.stdout.write(USAGE);
  return values.help ? 0 : 1;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.exitCode = reportError(error);
}

/**
 * Mistakes in the input (parseArgs, the generators' checks, commander) are one line without a
 * stack; anything else is a bug or a failed tool, shown with its stack when BASTION_DEBUG is set.
 */
function reportError(error: unknown): number {
  const commander = error as { code?: string; exitCode?: number };
  // Commander has already printed its message, or the help it was asked for.
  if (typeof commander.code === 'string' && commander.code.startsWith('commander.')) return commander.exitCode ?? 1;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`bastion: ${message.split('\n')[0]}\n`);
  if (process.env['BASTION_DEBUG'] && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return 1;
}
