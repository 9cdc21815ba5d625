// `npm run doctor` and `npm run flame`: clinic.js runs the built service as `npm start` runs it
// (watchdog preloaded) while autocannon loads its routes, then writes its HTML report to .clinic/.
// Neither tool is a dependency (clinic is unmaintained and heavy): npx fetches each on first use.
// Usage: node scripts/clinic.ts doctor|flame; clinic runs `node scripts/clinic.ts load` itself.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';

const CLINIC = 'clinic@13';
const AUTOCANNON = 'autocannon@8';
// One autocannon run per route, in turn. Add your own routes here.
const ROUTES: { method: 'GET' | 'POST'; path: string; body?: string }[] = [
  { method: 'POST', path: '/api/checksum', body: JSON.stringify({ data: 'a string to hash' }) },
  { method: 'GET', path: '/metrics' },
];
const SECONDS_PER_ROUTE = 10;

async function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const [code] = (await once(child, 'exit')) as [number | null];
  return code ?? 1;
}

/** Loads the service that clinic started; clinic passes its port in PORT. */
async function load(port: string): Promise<number> {
  for (const { method, path, body } of ROUTES) {
    const json = body === undefined ? [] : ['--headers', 'content-type=application/json', '--body', body];
    const code = await run('npx', ['--yes', AUTOCANNON, '--duration', String(SECONDS_PER_ROUTE), '--method', method, ...json, `http://127.0.0.1:${port}${path}`]);
    if (code !== 0) return code;
  }
  return 0;
}

async function profile(tool: 'doctor' | 'flame'): Promise<number> {
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  const start = (pkg.scripts['start'] ?? '').split(/\s+/);
  if (start[0] !== 'node') throw new Error(`scripts/clinic.ts runs the start script's node command; package.json has start: ${pkg.scripts['start']}`);
  return run('npx', [
    '--yes', CLINIC, tool,
    // The report opens in a browser only on a terminal.
    ...(process.stdout.isTTY ? [] : ['--no-open']),
    '--on-port', 'node scripts/clinic.ts load',
    // Flame draws one thread's profile: see scripts/flame-main-thread.ts.
    '--', ...(tool === 'flame' ? ['node', '--import', './scripts/flame-main-thread.ts', ...start.slice(1)] : start),
  ], {
    // clinic 13 does nothing at all without it.
    NO_INSIGHT: '1',
    // One client sends all the load: the per-IP limit would answer 429s instead of profiling.
    RATE_LIMIT_MAX: '0',
    // Any free port, on loopback only; clinic finds the port and passes it to the load.
    PORT: '0',
    HOST: '127.0.0.1',
    // Per-request log lines would flood the terminal; set LOG_LEVEL to profile with them.
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
  });
}

const [command] = process.argv.slice(2);
if (command === 'load') {
  process.exitCode = await load(process.env['PORT'] ?? '');
} else if (command === 'doctor' || command === 'flame') {
  process.exitCode = await profile(command);
} else {
  console.error('usage: node scripts/clinic.ts doctor|flame');
  process.exitCode = 2;
}
