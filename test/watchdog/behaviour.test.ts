// How the preloaded watchdog behaves around the faults: its actions, its silence when the app is
// healthy, and the kinds of app it must cope with (CJS, --inspect, cluster, compiled TypeScript).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { fixture, runFixture, startFixture } from './harness.ts';
import {
  assertNamesCulprit,
  assertOneCapturedStall,
  assertStallDump,
  assertStallReported,
  describeRun,
  fixtureOutput,
  recoveries,
  stallEnv,
} from './stall-assertions.ts';

const TEST_TIMEOUT_MS = 120_000;

describe('watchdog behaviour', { timeout: TEST_TIMEOUT_MS }, () => {
  test("action 'abort' ends the process with SIGABRT after the dump, leaving no core file", async () => {
    const file = fixture('busy-loop.mjs');
    const result = await runFixture(file, { env: { ...stallEnv, BASTION_WATCHDOG_ACTION: 'abort' } });

    assert.equal(result.signal, 'SIGABRT', describeRun(result));
    assertOneCapturedStall(result, { culprit: { file, functionName: 'spinForever' }, action: 'abort' });
    // The child ran in the run's temp dir under `ulimit -c 0`: nothing but the dump dir there.
    assert.deepEqual(readdirSync(dirname(result.dir)), ['dumps']);
  });

  test('a stall that begins while the watchdog is still starting is reported', async () => {
    const file = fixture('early-stall.mjs');
    const result = await runFixture(file, {
      env: { ...stallEnv, BASTION_WATCHDOG_ACTION: 'exit' },
      timeoutMs: 15_000,
    });

    assert.equal(result.code, 70, describeRun(result));
    assertOneCapturedStall(result, { culprit: { file, functionName: 'spinSoonAfterStart' }, action: 'exit' });
  });

  test('two separate stalls give two dumps with increasing seq and two recovery lines', async () => {
    const file = fixture('finite-loop.mjs');
    const result = await runFixture(file, { env: stallEnv, args: ['1200', '2'] });

    assert.equal(result.code, 0, describeRun(result));
    assert.equal(result.dumps.length, 2, describeRun(result));
    result.dumps.forEach((dump, index) => {
      assertStallDump(dump, { pid: result.pid });
      assertNamesCulprit(dump, { file, functionName: 'spinForAWhile' });
      assertStallReported(result, dump, index);
    });
    // Each dump has its stall profile beside it (stall-profile.test.ts).
    const names = readdirSync(result.dir).filter((name) => name.endsWith('.json'));
    const seqs = names.map((name) => Number(/-(\d+)\.json$/.exec(name)?.[1])).sort((a, b) => a - b);
    assert.deepEqual(seqs, [1, 2], `dump names: ${names.join(', ')}`);
    // result.dumps come sorted by seq.
    const [first, second] = result.dumps;
    assert.ok(Date.parse(first!.time) < Date.parse(second!.time), 'the higher seq is the later stall');
    assert.equal(recoveries(result).length, 2, result.stderr);
  });

  test('a healthy app that finishes its work exits at once, silently', async () => {
    const result = await runFixture(fixture('quick-exit.mjs'), { env: { BASTION_WATCHDOG_TIMEOUT_MS: '30000' } });

    assert.equal(result.code, 0, describeRun(result));
    assert.ok(result.elapsedMs < 3000, `took ${Math.round(result.elapsedMs)} ms to exit`);
    assert.equal(result.stderr, '');
    assert.deepEqual(result.dumps, []);
  });

  test('a busy but healthy HTTP server under load is never reported (1 s threshold)', async (t) => {
    const running = startFixture(fixture('http-server.mjs'), { env: { BASTION_WATCHDOG_TIMEOUT_MS: '1000' } });
    t.after(() => running.child.kill('SIGKILL')); // a no-op once it has exited
    const { port } = await firstJsonLine<{ port: number }>(running.child.stdout!);
    const completed = await loadServer(port, { concurrency: 64, durationMs: 5000 });
    await get(port, '/shutdown', new Agent());
    const result = await running.result;

    assert.equal(result.code, 0, describeRun(result));
    assert.ok(completed > 500, `only ${completed} requests completed: the load did not happen`);
    assert.deepEqual(result.dumps, [], describeRun(result));
    assert.equal(result.stderr, '');
  });

  test('a CommonJS app', async () => {
    const file = fixture('finite-loop.cjs');
    const result = await runFixture(file, { env: stallEnv });

    assert.equal(result.code, 0, describeRun(result));
    assertOneCapturedStall(result, { culprit: { file, functionName: 'spinInCommonJs' } });
  });

  test('an app started with --inspect=0: still captured, no port besides the inspector', async () => {
    const file = fixture('finite-loop.mjs');
    const result = await runFixture(file, { env: stallEnv, nodeArgs: ['--inspect=0'], args: ['1200'] });

    assert.equal(result.code, 0, describeRun(result));
    assertOneCapturedStall(result, { culprit: { file, functionName: 'spinForAWhile' } });
    assert.deepEqual(fixtureOutput(result), { listeningSockets: 1 });
    assert.equal(result.stderr.match(/Debugger listening on /g)?.length, 1, result.stderr);
  });

  test('a stall in a cluster worker is dumped with the worker pid', async () => {
    const file = fixture('cluster-stall.mjs');
    const result = await runFixture(file, { env: stallEnv });

    assert.equal(result.code, 0, describeRun(result));
    const { primaryPid, workerPid } = fixtureOutput<{ primaryPid: number; workerPid: number }>(result);
    assert.equal(primaryPid, result.pid);
    assert.notEqual(workerPid, primaryPid);
    assertOneCapturedStall(result, { culprit: { file, functionName: 'spinInClusterWorker' }, pid: workerPid });
  });

  test('compiled TypeScript run with --enable-source-maps: frames point at the .mts source', async (t) => {
    const app = mkdtempSync(join(tmpdir(), 'bastion-ts-app-'));
    t.after(() => rmSync(app, { recursive: true, force: true }));
    const { source, compiled } = compileLikeTsc(fixture('ts-app/stall.mts'), app);
    const result = await runFixture(compiled, { env: stallEnv, nodeArgs: ['--enable-source-maps'] });

    assert.equal(result.code, 0, describeRun(result));
    const dump = assertOneCapturedStall(result, { culprit: { file: source, functionName: 'spinInTypeScript' } });
    const frame = dump.stack.find(({ functionName }) => functionName === 'spinInTypeScript')!;
    assert.ok(frame.generated, 'a mapped frame keeps its generated position');
    assert.equal(frame.generated.url, pathToFileURL(compiled).href);
    assert.notEqual(frame.generated.line, frame.line, 'type declarations shift the compiled lines');
  });
});

// Emits `<root>/src/stall.mts` -> `<root>/dist/stall.mjs` + `.mjs.map` the way `tsc --sourceMap`
// does with rootDir src and outDir dist: the map names its source as `../src/stall.mts`.
function compileLikeTsc(file: string, root: string): { source: string; compiled: string } {
  const text = readFileSync(file, 'utf8');
  const { outputText, sourceMapText } = ts.transpileModule(text, {
    fileName: 'stall.mts',
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: true },
  });
  assert.ok(sourceMapText, 'TypeScript emitted no source map');
  const map = JSON.parse(sourceMapText) as { sources: string[] };
  map.sources = ['../src/stall.mts'];
  const source = join(root, 'src', 'stall.mts');
  const compiled = join(root, 'dist', 'stall.mjs');
  mkdirSync(dirname(source));
  mkdirSync(dirname(compiled));
  writeFileSync(source, text);
  writeFileSync(compiled, outputText);
  writeFileSync(`${compiled}.map`, JSON.stringify(map));
  return { source, compiled };
}

function firstJsonLine<T>(stream: NodeJS.ReadableStream): Promise<T> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer | string) => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline === -1) return;
      stream.off('data', onData);
      try {
        resolve(JSON.parse(buffered.slice(0, newline)) as T);
      } catch (error) {
        reject(error);
      }
    };
    stream.on('data', onData);
    stream.once('end', () => reject(new Error(`stream ended before a line: ${buffered}`)));
  });
}

function get(port: number, path: string, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (response) => {
      response.resume();
      response.once('end', () =>
        response.statusCode === 200 ? resolve() : reject(new Error(`GET ${path}: ${response.statusCode}`)),
      );
    });
    req.once('error', reject);
    req.end();
  });
}

// Keeps `concurrency` keep-alive requests in flight on loopback until `durationMs` has passed;
// resolves with how many completed.
async function loadServer(port: number, { concurrency, durationMs }: { concurrency: number; durationMs: number }) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const deadline = Date.now() + durationMs;
  let completed = 0;
  const client = async () => {
    while (Date.now() < deadline) {
      await get(port, '/inventory', agent);
      completed++;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, client));
  } finally {
    agent.destroy();
  }
  return completed;
}
