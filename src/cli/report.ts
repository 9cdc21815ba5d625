// `bastion report <dump.json>`: shows a stall dump on the terminal, culprit first, or writes it as
// one HTML page with a flame chart of the stall's CPU profile.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderHtml } from '../diagnostics/html.js';
import { loadReport } from '../diagnostics/load.js';
import { oneLine } from '../diagnostics/escape.js';
import { InputError } from '../diagnostics/read-json.js';
import { colourFor, renderText } from '../diagnostics/terminal.js';

export const REPORT_USAGE = `Usage: bastion report <dump.json> [--html <file>] [--profile <file.cpuprofile> | --no-profile]

Shows a stall dump written by the watchdog, or an on-demand one (bastion dump <pid> --json > f):
the culprit (the first frame of the app's own code, not Node's internals or node_modules) with the
source lines around it, the whole stack, what the main thread was doing in native code, the worker
threads' stacks, event-loop and memory figures, and the process.

Options:
  --html <file>       write it as one self-contained HTML page instead, with a flame chart of the
                      stall's CPU profile when there is one
  --profile <file>    the stall's CPU profile (.cpuprofile); by default, the one the dump names
  --no-profile        leave out the profile the dump names (when it is gone or broken)
  -h, --help          show this help

Exit codes: 0 shown or written; 1 a dump or profile that cannot be read (one line on stderr naming
the file), a page that cannot be written, or a usage error.
`;

export function runReport(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    // A plain flag rather than parseArgs' allowNegative, which Node 20 does not have.
    options: { html: { type: 'string' }, profile: { type: 'string' }, 'no-profile': { type: 'boolean' } },
  });
  if (values.profile !== undefined && values['no-profile']) {
    process.stderr.write('bastion report: --profile and --no-profile exclude each other\n');
    return 1;
  }
  if (positionals.length !== 1) {
    process.stderr.write(`bastion report: ${positionals.length === 0 ? 'needs a dump file' : 'takes one dump file'}\n\n${REPORT_USAGE}`);
    return 1;
  }
  try {
    const report = loadReport(positionals[0]!, values['no-profile'] ? false : values.profile);
    if (values.html === undefined) {
      process.stdout.write(renderText(report, colourFor(process.stdout, process.env)));
      return 0;
    }
    // A slip of the keyboard must not replace the evidence with the page.
    if ([report.file, report.profile?.file].some((input) => input !== undefined && resolve(input) === resolve(values.html!))) {
      throw new InputError(oneLine(`${values.html}: is an input of this report; choose another file for the page`));
    }
    writePage(values.html, renderHtml(report));
    process.stdout.write(`bastion report: wrote ${values.html}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    process.stderr.write(`bastion report: ${error.message}\n`);
    return 1;
  }
}

/** Mode 0600 like the dump itself: the page holds the same process data (argv, paths, fds). */
function writePage(file: string, html: string): void {
  try {
    writeFileSync(file, html, { mode: 0o600 });
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new InputError(oneLine(`${file}: cannot write the page: ${code ?? message}`));
  }
}
