// The preload's diagnostic reports: Node's own JSON report in the watchdog's directory when the
// process dies of an uncaught exception (or a fatal error), and on a signal the app names.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  const undo = configureReports({ dir: join(tmpdir(), `bastion-reports-${process.pid}`), dirIsDefault: false }, 'SIGUSR2');
  assert.equal(process.report.reportOnUncaughtException, true);
  undo();
  assert.deepEqual(
    [process.report.directory, process.report.reportOnUncaughtException, process.report.reportOnSignal, process.report.signal],
    [before.directory, before.reportOnUncaughtException, before.reportOnSignal, before.signal],
  );
});
