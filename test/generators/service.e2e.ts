// End to end, as a new user: this package packed and installed from its tarball, `bastion new`
// run through npx, the service installed from the registry, built, linted, type-checked and
// tested with its own scripts, then booted and probed over HTTP: health, checksum, metrics, a stall
// dump from the watchdog, and SIGTERM in the middle of an autocannon load.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import autocannon from 'autocannon';
import { freePort } from '../../bench/shared/net.ts';
import type { StallDump } from '../../src/watchdog/schema.ts';
import { listFiles, readJson } from './helpers.ts';
import { INSTALL_MS, newService, packAndInstall, run } from './packed.ts';
import type { Consumer } from './packed.ts';

const scratch = mkdtempSync(join(tmpdir(), 'bastion-e2e-'));
after(() => rmSync(scratch, { recursive: true, force: true }));


interface Service {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The service's start script, run as a supervisor runs it: the command itself, on the service's
 * own Node (npm would not pass a SIGTERM on to it). Resolves once /health/live answers.
 */
async function start(cwd: string, env: NodeJS.ProcessEnv): Promise<Service> {
  const port = await freePort();
  const [program, ...args] = String((readJson(join(cwd, 'package.json'))['scripts'] as Record<string, string>)['start']).split(' ');
  assert.equal(program, 'node');
  const child = spawn(join(cwd, 'node_modules/.bin/node'), args, { cwd, env: { ...process.env, PORT: String(port), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(5_000) })).ok) break;
    } catch {
      // Not listening yet.
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      assert.fail(`the service did not start (pid ${child.pid}, exit ${child.exitCode}, ${url}):\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { child, url, output: () => output, exited };
}

function post(url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return fetch(url, { method: 'POST', body, headers });
}

let consumer: Consumer;
before(() => (consumer = packAndInstall(scratch)));

test('yo finds the generators in the installed package', async () => {
  // yo's own lookup, on the package as npm installed it (yo itself refuses to run as root).
  const { createEnv } = await import('yeoman-environment');
  const found = await createEnv().lookup({ packagePaths: [join(consumer.dir, 'node_modules', 'generator-bastion')] });
  assert.deepEqual(found.map((meta) => meta.namespace).sort(), ['bastion:app', 'bastion:lint', 'bastion:watchdog']);
  assert.ok(found.every((meta) => meta.resolved.includes('/dist/generators/')), 'only the compiled generators');
});

for (const kind of ['http', 'worker'] as const) {
  describe(`a new ${kind} service`, { timeout: 2 * INSTALL_MS }, () => {
    let service = '';
    before(() => (service = newService(consumer, `svc-${kind}`, kind)));

    test('installs, builds, lints with zero problems, type-checks and passes its own tests', () => {
      assert.ok(listFiles(service).includes('node_modules/.package-lock.json'), 'the generator ran npm install');
      run(service, 'npm', ['run', 'build'], 120_000);
      run(service, 'npm', ['run', 'lint'], 120_000);
      run(service, 'npm', ['run', 'typecheck'], 120_000);
      run(service, 'npm', ['test'], 300_000);
    });

    test('serves the health probes and Prometheus metrics', async () => {
      const app = await start(service, {});
      try {
        assert.equal((await fetch(`${app.url}/health/live`)).status, 200);
        assert.equal((await fetch(`${app.url}/health/ready`)).status, 200);
        const metrics = await fetch(`${app.url}/metrics`);
        assert.equal(metrics.status, 200);
        assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
        assert.match(await metrics.text(), /^# TYPE process_cpu_user_seconds_total counter$/m);
      } finally {
        app.child.kill('SIGTERM');
        assert.deepEqual(await app.exited, { code: 0, signal: null }, app.output());
      }
    });

    test('the watchdog dumps a stall of the running service', async () => {
      const dumps = join(scratch, `dumps-${kind}`);
      const stall = join(scratch, 'stall-once.mjs');
      // Blocks the main thread for 1.5 s once the service is up, as a stuck handler would.
      writeFileSync(stall, 'setTimeout(function stallOnce() { const end = Date.now() + 1500; while (Date.now() < end); }, 2000).unref();\n');
      const app = await start(service, {
        BASTION_WATCHDOG_TIMEOUT_MS: '500',
        BASTION_WATCHDOG_DIR: dumps,
        NODE_OPTIONS: `--import ${stall}`,
      });
      try {
        // A loaded machine can stall start-up past 500 ms too (each stall has its own dump): find ours.
        const deadline = Date.now() + 30_000;
        let found: StallDump | undefined;
        while (found === undefined && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          found = listDumps(dumps)
            .filter((name) => /^stall-.*\.json$/.test(name))
            .map((name) => JSON.parse(readFileSync(join(dumps, name), 'utf8')) as StallDump)
            .find((dump) => dump.stack[0]?.functionName === 'stallOnce');
        }
        assert.ok(found, `no stall dump in ${dumps} names stallOnce:\n${app.output()}`);
        assert.equal(found.kind, 'stall');
        assert.equal(found.thresholdMs, 500);
      } finally {
        app.child.kill('SIGTERM');
        await app.exited;
      }
    });
  });
}

function listDumps(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

describe('the http service over HTTP', { timeout: 2 * INSTALL_MS }, () => {
  let app: Service;
  before(async () => {
    // One client sends all the load: without this, the per-IP rate limit answers 429.
    app = await start(join(consumer.dir, 'svc-http'), { RATE_LIMIT_MAX: '0' });
  });
  after(() => app.child.kill('SIGKILL'));

  test('POST /api/checksum answers the SHA-256 of the UTF-8 data', async () => {
    for (const data of ['', 'hello', 'héllo wörld ✓', 'x'.repeat(100_000)]) {
      const response = await post(`${app.url}/api/checksum`, JSON.stringify({ data }));
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { sha256: createHash('sha256').update(data, 'utf8').digest('hex') });
    }
  });

  const bad: [string, string, Record<string, string> | undefined, number][] = [
    ['malformed JSON', '{"data": "unterminated', undefined, 400],
    ['a number as data', '{"data": 42}', undefined, 400],
    ['no data', '{}', undefined, 400],
    ['an array', '["data"]', undefined, 400],
    ['a body over 1 MiB', JSON.stringify({ data: 'x'.repeat(1024 * 1024 + 1) }), undefined, 413],
  ];
  for (const [label, body, headers, status] of bad) {
    test(`POST /api/checksum with ${label}: ${status}, and no stack trace`, async () => {
      const response = await post(`${app.url}/api/checksum`, body, headers);
      assert.equal(response.status, status);
      const text = await response.text();
      assert.doesNotMatch(text, /\bat \S+ \(|"stack"|\.ts:\d+/);
    });
  }

  test('an unknown route: 404 JSON', async () => {
    const response = await fetch(`${app.url}/no/such/route`);
    assert.equal(response.status, 404);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  });

  test('SIGTERM under load: ready turns 503, every request is answered, exit 0', async () => {
    const results: number[] = [];
    const failures: string[] = [];
    let finished: (value?: unknown) => void = () => {};
    const done = new Promise((resolve) => (finished = resolve));
    const load = autocannon({
      url: `${app.url}/api/checksum`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: 'under load' }),
      // A steady load, not an overload: what is tested is the shutdown, not load shedding.
      connections: 8,
      duration: 4,
    }, finished);
    load.on('response', (_client, status) => results.push(status));
    // Refused connections after the listener closed were never accepted; anything else failed.
    load.on('reqError', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNREFUSED') failures.push(error.code ?? error.message);
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    app.child.kill('SIGTERM');
    // The signal is handled on the service's loop, a moment later: ask until it has been.
    let ready = 0;
    for (const deadline = Date.now() + 2_000; ready !== 503 && Date.now() < deadline; ) {
      ready = (await fetch(`${app.url}/health/ready`)).status;
    }
    const exit = await app.exited;
    load.stop();
    await done;
    assert.deepEqual(exit, { code: 0, signal: null }, app.output());
    assert.ok(results.length > 0, 'the load reached the service');
    assert.deepEqual(failures, []);
    assert.deepEqual([...new Set(results)], [200], 'every answered request succeeded');
    assert.equal(ready, 503, 'ready answers 503 once draining has begun');
  });
});
