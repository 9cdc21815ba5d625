// The preload's diagnostic reports: Node's own JSON report in the watchdog's directory when the
// process dies of an uncaught exception (or a fatal error), and on a signal the app names.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
// Built: the module's own imports name .js files.
import { resolveReports } from '../../dist/watchdog/options.js';
import { configureReports } from '../../dist/watchdog/reports.js';
import { fixture, runFixture, startFixture } from './harness.ts';

interface Report {
  header: { event: string; trigger: string; processId: number };
  javascriptStack: { message: string; stack: string[] };
}

function reportsIn(dir: string): Report[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => /^report\..*\.json$/.test(name));
  } catch {
    return [];
  }
  return names.map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Report);
}

describe('diagnostic reports', { concurrency: true }, () => {
  it('BASTION_HEAP_SNAPSHOT=on: a heap snapshot near the heap limit (in the working directory), and the fatal report in the dump directory', async () => {
    const result = await runFixture(fixture('heap-exhaust.mjs'), { nodeArgs: ['--max-old-space-size=24'], env: { BASTION_HEAP_SNAPSHOT: 'on' }, timeoutMs: 120_000 });
    assert.notEqual(result.code, 0, result.stderr.slice(0, 2000));
    const cwd = dirname(result.dir);
    const snapshots = readdirSync(cwd).filter((name) => /^Heap\.\d{8}\.\d{6}\.\d+\.0\.\d{3}\.heapsnapshot$/.test(name));
    assert.equal(snapshots.length, 1, `in ${cwd}: ${readdirSync(cwd).join(', ')}`);
    // Node says where it wrote it (on stderr); the file is in the DevTools JSON format.
    assert.ok(result.stderr.includes(`Wrote snapshot to ${join(cwd, snapshots[0]!)}`), result.stderr.slice(0, 2000));
    const fd = openSync(join(cwd, snapshots[0]!), 'r');
    const head = Buffer.alloc(32);
    readSync(fd, head, 0, 32, 0);
    closeSync(fd);
    assert.match(head.toString('utf8'), /^\{"snapshot":\{/);
    const [report] = reportsIn(result.dir);
    assert.ok(report, `no fatal report in ${result.dir}`);
    assert.equal(report.header.processId, result.pid);
    assert.match((report.header as unknown as { event: string }).event, /heap out of memory/);
  });

  it('without it, no heap snapshot when the heap runs out', async () => {
    const result = await runFixture(fixture('heap-exhaust.mjs'), { nodeArgs: ['--max-old-space-size=24'], timeoutMs: 120_000 });
    assert.notEqual(result.code, 0);
    assert.deepEqual(readdirSync(dirname(result.dir)).filter((name) => name.endsWith('.heapsnapshot')), []);
    assert.equal(reportsIn(result.dir).length, 1);
  });

  it('reports in the dump directory are pruned with the dumps (at start): the oldest go, nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bastion-reports-prune-'));
    try {
      const names = Array.from({ length: 25 }, (_, i) => `report.20261129.1200${String(i).padStart(2, '0')}.${1000 + i}.0.001.json`);
      names.forEach((name, i) => {
        writeFileSync(join(dir, name), '{}');
        utimesSync(join(dir, name), 1_700_000_000 + i, 1_700_000_000 + i);
      });
      writeFileSync(join(dir, 'notes.json'), 'not ours');
      const undo = configureReports({ dir, dirIsDefault: false, maxDumps: 20, maxDumpBytes: 1024 * 1024 }, undefined);
      undo();
      const left = readdirSync(dir).sort();
      assert.deepEqual(left, [...names.slice(5), 'notes.json'].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an uncaught exception leaves Node\'s report, with its stack, beside the stall dumps', async () => {
    const result = await runFixture(fixture('report-trigger.mjs'), { args: ['throw'] });
    assert.equal(result.code, 1, result.stderr);
    const [report, ...more] = reportsIn(result.dir);
    assert.ok(report, `no report in ${result.dir}: ${result.stderr}`);
    assert.deepEqual(more, []);
    assert.equal(report.header.trigger, 'Exception');
    assert.equal(report.header.processId, result.pid);
    assert.match(report.javascriptStack.message, /nobody catches this/);
    assert.ok(report.javascriptStack.stack.some((line) => line.includes('failsUncaught')), JSON.stringify(report.javascriptStack.stack));
  });

  it('BASTION_REPORTS=off leaves them out', async () => {
    const result = await runFixture(fixture('report-trigger.mjs'), { args: ['throw'], env: { BASTION_REPORTS: 'off' } });
    assert.equal(result.code, 1);
    assert.deepEqual(reportsIn(result.dir), []);
  });

  it('BASTION_REPORT_SIGNAL writes one on that signal, and the process goes on', async () => {
    const running = startFixture(fixture('report-trigger.mjs'), { args: ['wait'], env: { BASTION_REPORT_SIGNAL: 'SIGUSR2' } });
    // The preload has run once the app prints; before that, SIGUSR2 would still end the process.
    await once(running.child.stdout!, 'data');
    running.child.kill('SIGUSR2');
    for (let waited = 0; reportsIn(running.dir).length === 0 && waited < 20_000; waited += 100) await sleep(100);
    const [report] = reportsIn(running.dir);
    assert.equal(report?.header.trigger, 'Signal');
    assert.equal(running.child.exitCode, null, 'still running after the report');
    running.child.kill('SIGTERM');
    assert.equal((await running.result).code, 0);
  });

  it('a bad setting is one line, and the app runs on', async () => {
    const result = await runFixture(fixture('report-trigger.mjs'), { args: ['throw'], env: { BASTION_REPORT_SIGNAL: 'SIGTERM' } });
    assert.match(result.stderr, /^bastion watchdog: diagnostic reports off: BASTION_REPORT_SIGNAL must name a signal that is free for reports, such as SIGUSR2 .*got "SIGTERM" \(string\)$/m);
    assert.deepEqual(reportsIn(result.dir), []);
  });
});

describe('resolveReports', () => {
  for (const [env, expected] of [
    [{}, { enabled: true }],
    [{ BASTION_REPORTS: 'NO' }, { enabled: false }],
    [{ BASTION_REPORTS: '1', BASTION_REPORT_SIGNAL: 'SIGUSR2' }, { enabled: true, signal: 'SIGUSR2' }],
    [{ BASTION_REPORT_SIGNAL: '' }, { enabled: true }],
  ] as const) {
    it(`reads ${JSON.stringify(env)}`, () => assert.deepEqual(resolveReports(env), expected));
  }
  for (const env of [{ BASTION_REPORTS: 'maybe' }, { BASTION_REPORT_SIGNAL: 'SIGUSR1' }, { BASTION_REPORT_SIGNAL: 'USR2' }, { BASTION_REPORT_SIGNAL: 'SIGKILL' }]) {
    it(`rejects ${JSON.stringify(env)}`, () => assert.throws(() => resolveReports(env), RangeError));
  }
});

it('configureReports undoes what it set', () => {
  const before = { ...process.report };
  const undo = configureReports({ dir: join(tmpdir(), `bastion-reports-${process.pid}`), dirIsDefault: false, maxDumps: 20, maxDumpBytes: 50 * 1024 * 1024 }, 'SIGUSR2');
  assert.equal(process.report.reportOnUncaughtException, true);
  undo();
  assert.deepEqual(
    [process.report.directory, process.report.reportOnUncaughtException, process.report.reportOnSignal, process.report.signal],
    [before.directory, before.reportOnUncaughtException, before.reportOnSignal, before.signal],
  );
});
