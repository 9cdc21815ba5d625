// `npm run bench:service`: what the hardening of a generated http service costs per request, layer
// by layer. Scaffolds a service from this checkout into a scratch directory, installs and builds
// it, then serves the same requests from bare Fastify (the anchor: the service's own Fastify, the
// same two routes, no hardening), from the service as generated, and from the service with one
// layer turned off through its own environment. Figures are server CPU time per request (every
// thread of the process: the watchdog's and the pool's included) and throughput, in interleaved
// rounds; ratios are medians of per-round ratios to the service measured in the same round.
// Linux only (CPU time from /proc). Results go to bench/results/service-<time>.json.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureBenchDependencies } from '../shared/deps.ts';
import { freePort } from '../shared/net.ts';
import { median } from '../shared/stats.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));

const USAGE = `usage: npm run bench:service -- [options]
  --rounds <n>        interleaved rounds (default 5)
  --duration <s>      measured seconds per subject, route and round (default 5)
  --connections <n>   autocannon connections (default 10)
  --service <dir>     measure a service already generated, installed and built there
  --keep              keep the scratch directory (its path is printed)`;

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    service: { type: 'string' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

function positiveInteger(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`bench:service: --${name} must be a positive integer, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return value;
}
const rounds = positiveInteger('rounds', args.rounds);
const durationS = positiveInteger('duration', args.duration);
const connections = positiveInteger('connections', args.connections);

interface Route {
  name: string;
  path: string;
  method: 'GET' | 'POST';
  body?: string;
}
const ROUTES: Route[] = [
  { name: 'GET /health/live', path: '/health/live', method: 'GET' },
  { name: 'POST /api/checksum', path: '/api/checksum', method: 'POST', body: JSON.stringify({ data: 'a'.repeat(1024) }) },
];

// The service's own start command (package.json "start"), run without npm so that the pid is the server's.
const START = ['--enable-source-maps', '--import', './vendor/watchdog/register.js', 'dist/server.js'];

interface Subject {
  name: string;
  nodeArgs: string[];
  env: Record<string, string>;
}
const SUBJECTS: Subject[] = [
  { name: 'bare Fastify', nodeArgs: ['bench-bare.mjs'], env: {} },
  { name: 'service', nodeArgs: START, env: {} },
  { name: 'without watchdog', nodeArgs: START, env: { BASTION_WATCHDOG: 'off' } },
  { name: 'without security headers', nodeArgs: START, env: { SECURITY_HEADERS: 'false' } },
  { name: 'without rate limit', nodeArgs: START, env: { RATE_LIMIT_MAX: '0' } },
  { name: 'without load shedding', nodeArgs: START, env: { MAX_EVENT_LOOP_DELAY_MS: '0' } },
  { name: 'without request log', nodeArgs: START, env: { LOG_LEVEL: 'warn' } },
];
const SERVICE = 'service';

// The anchor: the same routes on the service's own Fastify, nothing else (hashing inline).
const BARE_SERVER = `import { createHash } from 'node:crypto';
import Fastify from 'fastify';
const app = Fastify();
app.get('/health/live', async () => ({ status: 'ok' }));
app.post('/api/checksum', async (request) => ({ sha256: createHash('sha256').update(request.body.data).digest('hex') }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
`;

function run(command: string, commandArgs: string[], cwd: string): void {
  console.log(`$ ${command} ${commandArgs.join(' ')}`);
  const result = spawnSync(command, commandArgs, { cwd, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(' ')} failed in ${cwd} (exit ${String(result.status)})`);
}

function prepareService(scratch: string): string {
  run(process.execPath, [join(ROOT, 'dist/cli/index.js'), 'new', 'bench-service', '--yes', '--skip-install', '--bastion-spec', `file:${ROOT}`], scratch);
  const dir = join(scratch, 'bench-service');
  run('npm', ['install', '--no-audit', '--no-fund'], dir);
  run('npm', ['run', 'build'], dir);
  return dir;
}


/** CPU time of every thread of a process, in microseconds (utime + stime from /proc). */
const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
}

interface Running {
  subject: Subject;
  child: ChildProcess;
  url: string;
}

async function startServer(subject: Subject, cwd: string): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, subject.nodeArgs, {
    cwd,
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', RATE_LIMIT_MAX: '1000000000', ...subject.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${subject.name} exited at start (${child.exitCode}): ${stderr}`);
    try {
      if ((await fetch(`${url}/health/live`)).ok) return { subject, child, url };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${subject.name} did not answer within 30 s: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Sample {
  cpuMicrosPerRequest: number;
  requestsPerSecond: number;
  failed: number;
}

interface AutocannonResult {
  requests: { total: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: object) => Promise<AutocannonResult>;

async function measure(autocannon: Autocannon, target: Running, route: Route, seconds: number): Promise<Sample> {
  const pid = target.child.pid!;
  const before = cpuMicros(pid);
  const result = await autocannon({
    url: target.url + route.path,
    method: route.method,
    connections,
    duration: seconds,
    ...(route.body === undefined ? {} : { body: route.body, headers: { 'content-type': 'application/json' } }),
  });
  const after = cpuMicros(pid);
  return {
    cpuMicrosPerRequest: (after - before) / Math.max(1, result.requests.total),
    requestsPerSecond: result.requests.average,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

const format = (value: number | undefined, digits = 2): string => (value === undefined ? '–' : value.toFixed(digits));

async function main(): Promise<void> {
  ensureBenchDependencies(BENCH_DIR);
  const { default: autocannon } = (await import(join(BENCH_DIR, 'node_modules/autocannon/autocannon.js'))) as { default: Autocannon };
  const scratch = args.service === undefined ? mkdtempSync(join(tmpdir(), 'bastion-bench-service-')) : undefined;
  const serviceDir = args.service ?? prepareService(scratch!);
  writeFileSync(join(serviceDir, 'bench-bare.mjs'), BARE_SERVER);
  const servers: Running[] = [];
  try {
    // Every subject runs at once (an idle server costs next to nothing); load goes to one at a time.
    for (const subject of SUBJECTS) servers.push(await startServer(subject, serviceDir));
    console.log(`${servers.length} servers up; warming up`);
    for (const target of servers) for (const route of ROUTES) await measure(autocannon, target, route, 2);

    const samples = new Map<string, Sample[]>();
    const key = (subject: string, route: string): string => `${subject}\u0000${route}`;
    for (let round = 0; round < rounds; round++) {
      // Rotate the order, so that no subject always gets the same slot of a noisy machine.
      const order = servers.map((_, index) => servers[(index + round) % servers.length]!);
      for (const route of ROUTES) {
        for (const target of order) {
          const sample = await measure(autocannon, target, route, durationS);
          const list = samples.get(key(target.subject.name, route.name)) ?? [];
          list.push(sample);
          samples.set(key(target.subject.name, route.name), list);
        }
      }
      console.log(`round ${round + 1}/${rounds} done`);
    }

    const results = ROUTES.map((route) => {
      const service = samples.get(key(SERVICE, route.name))!;
      return {
        route: route.name,
        subjects: SUBJECTS.map((subject) => {
          const own = samples.get(key(subject.name, route.name))!;
          const perRound = (pick: (sample: Sample) => number): number | undefined =>
            median(own.map((sample, round) => pick(sample) / pick(service[round]!)));
          return {
            subject: subject.name,
            cpuMicrosPerRequest: median(own.map((sample) => sample.cpuMicrosPerRequest)),
            requestsPerSecond: median(own.map((sample) => sample.requestsPerSecond)),
            cpuPerRequestVsService: perRound((sample) => sample.cpuMicrosPerRequest),
            throughputVsService: perRound((sample) => sample.requestsPerSecond),
            failed: own.reduce((sum, sample) => sum + sample.failed, 0),
          };
        }),
      };
    });

    for (const { route, subjects } of results) {
      console.log(`\n${route}  (${rounds} rounds of ${durationS} s, ${connections} connections; medians)`);
      console.log('subject                    µs CPU/req   req/s   CPU/req ÷ service   req/s ÷ service   failed');
      for (const row of subjects) {
        console.log(
          `${row.subject.padEnd(26)} ${format(row.cpuMicrosPerRequest, 1).padStart(10)} ${format(row.requestsPerSecond, 0).padStart(7)} ${format(row.cpuPerRequestVsService).padStart(19)} ${format(row.throughputVsService).padStart(17)} ${String(row.failed).padStart(8)}`,
        );
      }
    }
    const resultsDir = join(ROOT, 'bench/results');
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `service-${new Date().toISOString().replaceAll(':', '-')}.json`);
    writeFileSync(file, JSON.stringify({ rounds, durationS, connections, node: process.version, results }, null, 2));
    console.log(`\nresults: ${file}`);
  } finally {
    for (const { child } of servers) child.kill('SIGTERM');
    if (scratch !== undefined) {
      if (args.keep) console.log(`kept ${scratch}`);
      else rmSync(scratch, { recursive: true, force: true });
    }
  }
}

await main();
