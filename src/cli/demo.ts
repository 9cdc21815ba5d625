// `bastion demo`: runs demo-app under the watchdog preload with a 1 s threshold, then reads
// back the stall dump it wrote, so a first-time user sees the whole loop in a few seconds.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { StallDump } from '../watchdog/schema.js';

export const DEMO_USAGE = `Usage: bastion demo [--dir <path>]

Runs a small service under the watchdog preload (threshold 1000 ms); the service blocks its event
loop for 3 s, the watchdog dumps its stack while it is stuck, and the dump is summarised here.

Options:
  --dir <path>  where the watchdog writes its dump (default: a new temporary directory)
  -h, --help    show this help
`;

export function runDemo(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { dir: { type: 'string' } },
  });
  const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'bastion-demo-'));
  const register = fileURLToPath(new URL('../watchdog/register.js', import.meta.url));
  const app = fileURLToPath(new URL('./demo-app.js', import.meta.url));
  process.stdout.write(`bastion demo: node --import ${register} demo-app.js (watchdog threshold 1000 ms)\n\n`);
  const child = spawnSync(process.execPath, ['--enable-source-maps', '--import', register, app], {
    stdio: 'inherit',
    env: {
      ...process.env,
      BASTION_WATCHDOG_TIMEOUT_MS: '1000',
      BASTION_WATCHDOG_ACTION: 'dump',
      BASTION_WATCHDOG_DIR: dir,
    },
  });
  if (child.status !== 0) {
    process.stderr.write(`bastion demo: the demo service failed (${child.status ?? child.signal})\n`);
    return 1;
  }
  const first = listDumps(dir).sort()[0];
  if (first === undefined) {
    process.stderr.write(`bastion demo: no stall dump was written in ${dir}\n`);
    return 1;
  }
  const dump = JSON.parse(readFileSync(join(dir, first), 'utf8')) as StallDump;
  const top = dump.stack[0];
  process.stdout.write(
    `\nThe watchdog wrote ${join(dir, first)}:\n` +
      `  the event loop had not ticked for ${dump.stalledMs} ms (threshold ${dump.thresholdMs} ms)\n` +
      (top ? `  culprit: ${top.functionName || '(anonymous)'} at ${top.url}:${top.line}:${top.column}\n` : '') +
      `\nUse it in your own service: node --import generator-bastion/watchdog/register app.js\n`,
  );
  return 0;
}

/** The stall dumps in `dir`; none when the watchdog could not create or write it. */
function listDumps(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => name.startsWith('stall-') && name.endsWith('.json'));
  } catch {
    return [];
  }
}
