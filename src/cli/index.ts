#!/usr/bin/env node
// The `bastion` command: one entry point for the toolkit's command-line jobs. Global flags come
// before the command; each command parses its own.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { DEMO_USAGE, runDemo } from './demo.js';

const USAGE = `Usage: bastion <command> [options]

Commands:
  demo        run a small service that stalls on purpose, under the watchdog,
              and show the stall dump it leaves behind

Options:
  -h, --help     show this help (bastion <command> --help for a command's own)
  -v, --version  print the version
`;

const COMMANDS: Record<string, { usage: string; run: (argv: string[]) => number }> = {
  demo: { usage: DEMO_USAGE, run: runDemo },
};

function main(argv: string[]): number {
  const [first, ...rest] = argv;
  if (first !== undefined && !first.startsWith('-')) {
    const command = COMMANDS[first];
    if (command === undefined) {
      process.stderr.write(`bastion: unknown command '${first}'\n\n${USAGE}`);
      return 1;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
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
    const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  process.stdout.write(USAGE);
  return values.help ? 0 : 1;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  // parseArgs rejects unknown or malformed flags with a clear message: show it without a stack.
  process.stderr.write(`bastion: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
