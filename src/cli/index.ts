#!/usr/bin/env node
// The `bastion` command: one entry point for the toolkit's command-line jobs.
import { parseArgs } from 'node:util';
import { runDemo } from './demo.js';

const USAGE = `Usage: bastion <command> [options]

Commands:
  demo        run a small service that stalls on purpose, under the watchdog,
              and show the stall dump it leaves behind

Options:
  -h, --help     show this help
  -v, --version  print the version
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  if (values.version) {
    const { createRequire } = await import('node:module');
    const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(USAGE);
    return command === undefined && !values.help ? 1 : 0;
  }
  switch (command) {
    case 'demo':
      return runDemo(rest);
    default:
      process.stderr.write(`bastion: unknown command '${command}'\n\n${USAGE}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // parseArgs rejects unknown flags with a clear message; show it without a stack.
    process.stderr.write(`bastion: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
