// The `bastion` command line, run as a real process from dist/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../dist/cli/index.js', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

function bastion(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('--help prints the usage and exits 0', () => {
  const { code, stdout } = bastion('--help');
  assert.equal(code, 0);
  assert.match(stdout, /^Usage: bastion <command>/);
  assert.match(stdout, /demo/);
});

test('a command has its own --help', () => {
  const { code, stdout } = bastion('demo', '--help');
  assert.equal(code, 0);
  assert.match(stdout, /^Usage: bastion demo \[--dir <path>\]/);
});

test('no command prints the usage and exits 1', () => {
  const { code, stdout } = bastion();
  assert.equal(code, 1);
  assert.match(stdout, /^Usage: bastion/);
});

test('--version prints the package version', () => {
  const { code, stdout } = bastion('--version');
  assert.equal(code, 0);
  assert.equal(stdout.trim(), pkg.version);
});

test('an unknown command is named in a one-line error, with the usage', () => {
  const { code, stderr } = bastion('deploy');
  assert.equal(code, 1);
  assert.match(stderr, /^bastion: unknown command 'deploy'\n/);
});

test('an unknown or malformed option is a clear error, not a stack trace', () => {
  for (const args of [['--frobnicate'], ['demo', '--dir'], ['demo', '--nope=1'], ['demo', 'extra'], ['-x'], ['--version=2']]) {
    const { code, stderr } = bastion(...args);
    assert.equal(code, 1, `bastion ${args.join(' ')}`);
    assert.match(stderr, /^bastion: /, `bastion ${args.join(' ')}`);
    assert.doesNotMatch(stderr, /\n\s+at /, `no stack trace for bastion ${args.join(' ')}`);
  }
});

test('demo runs a stalling service under the watchdog and names the culprit in its .ts source', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bastion-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { code, stdout, stderr } = bastion('demo', '--dir', dir);
  assert.equal(code, 0, stderr);
  assert.match(stderr, /bastion watchdog: event loop stalled for \d+ ms \(threshold 1000 ms\)/);
  assert.match(stderr, /bastion watchdog: event loop recovered after \d+ ms/);
  assert.match(stdout, /culprit: checksumInvoices at \S*demo-app\.ts:\d+:\d+/);
  const dumps = readdirSync(dir).filter((name) => /^stall-.*\.json$/.test(name));
  assert.equal(dumps.length, 1);
});

test('demo reports a dump directory it cannot use, and fails', (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'bastion-cli-'));
  t.after(() => rmSync(scratch, { recursive: true, force: true }));
  const file = join(scratch, 'not-a-dir');
  writeFileSync(file, '');
  const { code, stderr } = bastion('demo', '--dir', file);
  assert.equal(code, 1);
  assert.match(stderr, /bastion watchdog: cannot write dump to \S+not-a-dir: it exists and is not a directory\n/);
  assert.match(stderr, /bastion demo: no stall dump was written/);
});

test('demo with a dump directory under /proc ends with an error instead of hanging', { skip: process.platform !== 'linux' }, () => {
  const { code, stderr } = bastion('demo', '--dir', '/proc/bastion-demo');
  assert.equal(code, 1, stderr);
  assert.match(stderr, /bastion watchdog: cannot write dump to \/proc\/bastion-demo: ENOENT: mkdir fails although \/proc exists/);
  assert.match(stderr, /bastion demo: no stall dump was written in \/proc\/bastion-demo\n/);
});
