// `bastion report` on real stall dumps: the culprit and its source come first, then the stacks,
// the facts and the profile; colour only when asked for; the app's strings cannot drive the terminal.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { markedLine, fixture, startFixture, waitForDumps } from '../watchdog/harness.ts';
import { colourFor } from '../../dist/diagnostics/terminal.js';
import { bastion, makeRealStall, writeInput } from './helpers.ts';
import type { RealStall } from './helpers.ts';

const ESC = '\u001b';
// Our own colour codes (SGR), the only escape sequences the report may write.
const SGR = new RegExp(`${ESC}\\[\\d+m`, 'g');

describe('bastion report on a busy-loop stall', () => {
  let stall: RealStall;
  before(async () => {
    stall = await makeRealStall();
  });

  test('shows the culprit first, with the source lines around it and a caret under its column', () => {
    const { code, stdout, stderr } = bastion(['report', stall.dumpPath]);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    const site = markedLine(stall.fixturePath);
    const lines = stdout.split('\n');
    const culprit = lines.findIndex((line) => line.startsWith('Culprit'));
    assert.match(lines[culprit] ?? '', new RegExp(`^Culprit {2}spinForAWhile \\(file://\\S+finite-loop\\.mjs:${site.line}:\\d+\\)$`));
    // Nothing but the header comes before it: not the stack, not the facts.
    assert.ok(culprit < lines.findIndex((line) => line.startsWith('Stack (')), stdout);
    assert.ok(lines.slice(0, culprit).every((line) => !/^\s+at /.test(line)), stdout);

    const target = lines.findIndex((line) => line.startsWith(`  > ${site.line} | `));
    assert.ok(target > culprit, `no marked source line ${site.line}:\n${stdout}`);
    assert.equal(lines[target], `  > ${site.line} | ${site.text}`);
    assert.equal(lines[target - 1], `    ${site.line - 1} | ${markedLine(stall.fixturePath, 'const end = Date.now()').text}`);
    const column = stall.dump.stack[0]!.column;
    assert.equal(lines[target + 1]!.indexOf('^') - lines[target]!.indexOf(' | ') - 3, column - 1, 'caret under the column');
  });

  test('then the whole stack, the loop, memory and process facts, and the profile', () => {
    const { stdout } = bastion(['report', stall.dumpPath]);
    const { dump } = stall;
    assert.match(stdout, new RegExp(`^Stack \\(captured, ${dump.stack.length} frames\\)$`, 'm'));
    for (const frame of dump.stack) assert.ok(stdout.includes(`at ${frame.functionName ? `${frame.functionName} (` : ''}${frame.url}:${frame.line}:${frame.column}`), `frame missing: ${JSON.stringify(frame)}`);
    assert.match(stdout, /^> at spinForAWhile /m, 'the culprit is marked in the stack');
    assert.match(stdout, new RegExp(`^  stalled +${dump.stalledMs} ms \\(threshold 500 ms\\)$`, 'm'));
    assert.match(stdout, /^Event loop\n {2}delay +p50 [\d.]+ ms, p90 /m);
    assert.match(stdout, /^ {2}utilization +[\d.]+ %$/m);
    assert.match(stdout, /^Memory\n {2}rss +[\d.]+ MiB$/m);
    assert.match(stdout, new RegExp(`^ {2}pid +${dump.pid}$`, 'm'));
    assert.match(stdout, new RegExp(`^ {2}node +${process.version.replace(/\./g, '\\.')}$`, 'm'));
    // The profile the dump names, found beside it; the busy loop is where the time went.
    assert.ok(stdout.includes(`CPU profile ${stall.profilePath}`), stdout);
    const hottest = stdout.split('hottest functions (self time):\n')[1]?.split('\n') ?? [];
    assert.ok(hottest.slice(0, 3).some((line) => / spinForAWhile \(file:\S+finite-loop\.mjs:/.test(line)), stdout);
  });

  test('--profile names the profile explicitly', (t) => {
    const scratch = mkdtempSync(join(tmpdir(), 'bastion-report-'));
    t.after(() => rmSync(scratch, { recursive: true, force: true }));
    const withoutProfile = structuredClone(stall.dump);
    delete withoutProfile.profile;
    const dumpPath = writeInput(scratch, 'stall.json', withoutProfile);
    assert.doesNotMatch(bastion(['report', dumpPath]).stdout, /CPU profile/);
    const { code, stdout } = bastion(['report', dumpPath, '--profile', stall.profilePath]);
    assert.equal(code, 0);
    assert.ok(stdout.includes(`CPU profile ${stall.profilePath}`), stdout);
  });

  test('colour only when asked: none through a pipe or with NO_COLOR, some with FORCE_COLOR', () => {
    assert.ok(!bastion(['report', stall.dumpPath]).stdout.includes(ESC));
    assert.ok(!bastion(['report', stall.dumpPath], { NO_COLOR: '1' }).stdout.includes(ESC));
    assert.ok(!bastion(['report', stall.dumpPath], { FORCE_COLOR: '0' }).stdout.includes(ESC));
    const forced = bastion(['report', stall.dumpPath], { FORCE_COLOR: '1' }).stdout;
    assert.ok(forced.includes(`${ESC}[31m`), 'red culprit');
    assert.equal(forced.replace(SGR, ''), bastion(['report', stall.dumpPath]).stdout, 'same text, coloured');
  });

  test('no culprit without a frame of the app: Node internals and dependencies are never blamed', (t) => {
    const scratch = mkdtempSync(join(tmpdir(), 'bastion-report-'));
    t.after(() => rmSync(scratch, { recursive: true, force: true }));
    const dump = structuredClone(stall.dump);
    delete dump.profile;
    dump.stack = [
      { functionName: 'parse', url: 'file:///srv/app/node_modules/yaml/dist/index.js', line: 3, column: 1 },
      { functionName: 'processTicksAndRejections', url: 'node:internal/process/task_queues', line: 105, column: 5 },
    ];
    const dependencies = bastion(['report', writeInput(scratch, 'deps.json', dump)]);
    assert.match(dependencies.stdout, /^Culprit {2}none found: no frame of the app's own code in the stack$/m);
    dump.stack = [];
    dump.stackStatus = 'unavailable';
    dump.stackError = 'the event loop recovered before the stack could be captured';
    const { code, stdout } = bastion(['report', writeInput(scratch, 'none.json', dump)]);
    assert.equal(code, 0);
    assert.match(stdout, /^Culprit {2}none found: .*\nstack not captured: the event loop recovered before the stack could be captured$/m);
    assert.match(stdout, /^Stack \(unavailable, 0 frames\)\n {2}\(no frames\)$/m);
  });

  test('control characters from the dump are shown as escapes, never sent to the terminal', (t) => {
    const scratch = mkdtempSync(join(tmpdir(), 'bastion-report-'));
    t.after(() => rmSync(scratch, { recursive: true, force: true }));
    const hostile = `${ESC}[2J${ESC}]0;pwned\u0007`;
    const dump = structuredClone(stall.dump);
    delete dump.profile;
    dump.stack[0]!.functionName = `spin${hostile}`;
    dump.process.argv.push(`--x=${hostile}\nforged line`);
    dump.stackError = hostile;
    const { code, stdout } = bastion(['report', writeInput(scratch, 'hostile.json', dump)], { FORCE_COLOR: '1' });
    assert.equal(code, 0);
    assert.ok(!stdout.replace(SGR, '').includes(ESC), 'only our own colour codes');
    assert.ok(!stdout.includes('\u0007') && !stdout.includes('\nforged line'));
    assert.ok(stdout.includes('spin\\u001b[2J\\u001b]0;pwned\\u0007'), stdout);
  });
});

describe('colourFor', () => {
  const env = {};
  test('follows the terminal, which reads NO_COLOR, FORCE_COLOR and TERM', () => {
    assert.notEqual(colourFor({ isTTY: true, hasColors: () => true }, env)('red', 'x'), 'x');
    assert.equal(colourFor({ isTTY: true, hasColors: () => false }, env)('red', 'x'), 'x');
  });
  test('off through a pipe unless FORCE_COLOR is set to something other than 0 or false', () => {
    assert.equal(colourFor({}, env)('red', 'x'), 'x');
    for (const value of ['', '1', '3', 'true']) assert.notEqual(colourFor({}, { FORCE_COLOR: value })('red', 'x'), 'x', value);
    for (const value of ['0', 'false']) assert.equal(colourFor({}, { FORCE_COLOR: value })('red', 'x'), 'x', value);
  });
});

test('a main thread blocked in native code: the native facts, and the culprit from the stack once it returned', async (t) => {
  const fifoDir = mkdtempSync(join(tmpdir(), 'bastion-report-fifo-'));
  t.after(() => rmSync(fifoDir, { recursive: true, force: true }));
  const fifo = join(fifoDir, 'nobody-writes');
  execFileSync('mkfifo', [fifo]);
  const running = startFixture(fixture('fifo-read.mjs'), { env: { BASTION_WATCHDOG_TIMEOUT_MS: '500' }, args: [fifo, 'read'] });
  t.after(() => running.child.kill('SIGKILL'));
  await waitForDumps(running.dir, 1, 8000);
  // Non-blocking: the fixture is the FIFO's reader, so this opens at once.
  const fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  writeSync(fd, 'unblocked');
  closeSync(fd);
  const result = await running.result;
  assert.equal(result.code, 0, result.stderr);
  assert.ok(result.dumps[0]?.stackOnReturn, `the dump was not updated on return:\n${result.stderr}`);

  const dumpPath = join(running.dir, readdirSync(running.dir).find((name) => name.endsWith('.json'))!);
  const { code, stdout } = bastion(['report', dumpPath]);
  assert.equal(code, 0);
  assert.match(stdout, /^Culprit {2}\S+ \(file:\S+fifo-read\.mjs:\d+:\d+\) \(first app frame after the native call returned\)$/m);
  assert.match(stdout, /^stack not captured: /m);
  assert.match(stdout, /^Stack \(native, 0 frames\)\n {2}\(no frames\)$/m);
  assert.match(stdout, /^Stack when the native call returned, \d+ ms after detection$/m);
  assert.match(stdout, /^Main thread in native code\n {2}thread +\d+\n {2}system call +read$/m);
  // Worker threads are reached through the main thread, which did not answer: the dump says so.
  assert.ok(result.dumps[0]?.threadsError, 'no threadsError in the dump');
  assert.ok(stdout.includes(`\nWorker threads not listed\n  ${result.dumps[0].threadsError}\n`), stdout);
  assert.ok(stdout.includes(fifo), 'the FIFO among the open descriptors');
});

test('a TypeScript app: the culprit and its source lines come from the .ts, the compiled position below', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bastion-report-demo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // `bastion demo` runs dist/cli/demo-app.js, compiled with a source map, under the watchdog.
  assert.equal(bastion(['demo', '--dir', dir]).code, 0);
  const dumpPath = join(dir, readdirSync(dir).find((name) => name.endsWith('.json'))!);
  const { code, stdout } = bastion(['report', dumpPath]);
  assert.equal(code, 0);
  const source = new URL('../../src/cli/demo-app.ts', import.meta.url).pathname;
  const site = markedLine(source, 'while (Date.now() < until)');
  assert.match(stdout, new RegExp(`^Culprit {2}checksumInvoices \\(file://${source}:${site.line}:\\d+\\)\\n {9}compiled: file://\\S+/dist/cli/demo-app\\.js:\\d+:\\d+\\n`, 'm'));
  assert.ok(stdout.includes(`  > ${site.line} | ${site.text}\n`), stdout);
});
