// Option validation, through the public API and through the preload's environment variables:
// bad values are rejected (never clamped) with an error naming the option, the value and its type.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { startWatchdog } from 'generator-bastion/watchdog';
import type { WatchdogOptions } from 'generator-bastion/watchdog';
import { resolveEnabled, resolveHandleTracking, resolveHeapSnapshot, resolveOptions } from '../../src/watchdog/options.ts';
import { fixture, runFixture } from './harness.ts';

const VARIABLES = [
  'BASTION_WATCHDOG',
  'BASTION_WATCHDOG_TIMEOUT_MS',
  'BASTION_WATCHDOG_ACTION',
  'BASTION_WATCHDOG_DIR',
  'BASTION_WATCHDOG_EXIT_CODE',
  'BASTION_WATCHDOG_GRACE_MS',
  'BASTION_WATCHDOG_MAX_DUMPS',
  'BASTION_WATCHDOG_MAX_DUMP_BYTES',
  'BASTION_WATCHDOG_PROFILE_MS',
];

afterEach(() => {
  for (const name of VARIABLES) delete process.env[name];
});

describe('startWatchdog() options', () => {
  const rejected: [string, unknown, ErrorConstructor, RegExp][] = [
    ['timeoutMs', -1, RangeError, /^options\.timeoutMs must be an integer from 50 to 2147483647 \(milliseconds\), got -1 \(number\)$/],
    ['timeoutMs', Number.NaN, RangeError, /options\.timeoutMs .*got NaN \(number\)/],
    ['timeoutMs', Number.POSITIVE_INFINITY, RangeError, /got Infinity \(number\)/],
    ['timeoutMs', 0, RangeError, /got 0 \(number\)/],
    ['timeoutMs', 10, RangeError, /got 10 \(number\)/], // too small: rejected, not clamped to 50
    ['timeoutMs', 1.5, RangeError, /got 1\.5 \(number\)/],
    ['timeoutMs', 2 ** 31, RangeError, /got 2147483648 \(number\)/],
    ['timeoutMs', '30s', TypeError, /^options\.timeoutMs must be an integer \(milliseconds\), got "30s" \(string\)$/],
    ['timeoutMs', '500', TypeError, /got "500" \(string\)/],
    ['timeoutMs', null, TypeError, /got null/],
    ['timeoutMs', 500n, TypeError, /got 500 \(bigint\)/],
    ['action', 'restart', RangeError, /^options\.action must be one of dump, exit, abort, got "restart" \(string\)$/],
    ['action', 'DUMP', RangeError, /got "DUMP" \(string\)/],
    ['action', 1, TypeError, /options\.action .*got 1 \(number\)/],
    ['dir', '', RangeError, /^options\.dir must be a non-empty path without NUL bytes, got "" \(string\)$/],
    ['dir', 'a\0b', RangeError, /options\.dir/],
    ['dir', 42, TypeError, /options\.dir must be a path, got 42 \(number\)/],
    ['exitCode', 0, RangeError, /options\.exitCode must be an integer from 1 to 255/],
    ['exitCode', 256, RangeError, /got 256 \(number\)/],
    ['startupGraceMs', -1, RangeError, /options\.startupGraceMs .*got -1 \(number\)/],
    ['maxDumps', 0, RangeError, /options\.maxDumps .*got 0 \(number\)/],
    ['maxDumpBytes', -1, RangeError, /options\.maxDumpBytes .*got -1 \(number\)/],
    ['profileMs', -1, RangeError, /^options\.profileMs must be an integer from 0 to 60000 \(milliseconds\), got -1 \(number\)$/],
    ['profileMs', 60_001, RangeError, /options\.profileMs .*got 60001 \(number\)/],
  ];
  for (const [name, value, type, message] of rejected) {
    it(`rejects ${name}: ${typeof value === 'bigint' ? `${value}n` : JSON.stringify(value) ?? String(value)}`, () => {
      assert.throws(() => startWatchdog({ [name]: value } as WatchdogOptions), (error: Error) => {
        assert.equal(error.constructor, type);
        assert.match(error.message, message);
        return true;
      });
    });
  }

  it('rejects unknown options, naming them (a typo must not silently fall back to a default)', () => {
    assert.throws(() => startWatchdog({ timeout: 500 } as WatchdogOptions), {
      name: 'TypeError',
      message: /unknown watchdog option 'timeout'/,
    });
  });

  it('rejects options that are not an object', () => {
    for (const value of [null, 'fast', 5, [1]]) {
      assert.throws(() => startWatchdog(value as WatchdogOptions), { name: 'TypeError', message: /options must be an object/ });
    }
  });
});

describe('environment variables (read by the API as defaults)', () => {
  // Not a whole number: TypeError; a number out of range, or a value not among the choices: RangeError.
  const rejected: [string, string, ErrorConstructor, RegExp][] = [
    ['BASTION_WATCHDOG_TIMEOUT_MS', '-5', TypeError, /^BASTION_WATCHDOG_TIMEOUT_MS must be a whole number of milliseconds, got "-5" \(string\)$/],
    ['BASTION_WATCHDOG_TIMEOUT_MS', 'NaN', TypeError, /got "NaN" \(string\)/],
    ['BASTION_WATCHDOG_TIMEOUT_MS', '30s', TypeError, /got "30s" \(string\)/],
    ['BASTION_WATCHDOG_TIMEOUT_MS', '', TypeError, /got "" \(string\)/],
    ['BASTION_WATCHDOG_TIMEOUT_MS', '1e3', TypeError, /got "1e3" \(string\)/],
    ['BASTION_WATCHDOG_TIMEOUT_MS', ' 500', TypeError, /got " 500" \(string\)/],
    ['BASTION_WATCHDOG_TIMEOUT_MS', '99999999999999999999', RangeError, /^BASTION_WATCHDOG_TIMEOUT_MS must be an integer from 50 to 2147483647 .*got "99999999999999999999" \(string\)$/],
    ['BASTION_WATCHDOG_TIMEOUT_MS', '20', RangeError, /from 50 to .*got "20" \(string\)/],
    ['BASTION_WATCHDOG_ACTION', 'restart', RangeError, /^BASTION_WATCHDOG_ACTION must be one of dump, exit, abort, got "restart" \(string\)$/],
    ['BASTION_WATCHDOG_ACTION', '', RangeError, /BASTION_WATCHDOG_ACTION .*got "" \(string\)/],
    ['BASTION_WATCHDOG_DIR', '', RangeError, /^BASTION_WATCHDOG_DIR must be a non-empty path/],
    ['BASTION_WATCHDOG_EXIT_CODE', '0', RangeError, /^BASTION_WATCHDOG_EXIT_CODE must be an integer from 1 to 255/],
    ['BASTION_WATCHDOG_GRACE_MS', '1.5', TypeError, /^BASTION_WATCHDOG_GRACE_MS must be a whole number/],
    ['BASTION_WATCHDOG_MAX_DUMPS', '0', RangeError, /^BASTION_WATCHDOG_MAX_DUMPS must be an integer from 1/],
    ['BASTION_WATCHDOG_MAX_DUMP_BYTES', 'lots', TypeError, /^BASTION_WATCHDOG_MAX_DUMP_BYTES must be a whole number of bytes/],
    ['BASTION_WATCHDOG_PROFILE_MS', '1s', TypeError, /^BASTION_WATCHDOG_PROFILE_MS must be a whole number of milliseconds, got "1s" \(string\)$/],
    ['BASTION_WATCHDOG_PROFILE_MS', '90000', RangeError, /^BASTION_WATCHDOG_PROFILE_MS must be an integer from 0 to 60000/],
    // A long value is cut in the message, which stays one short line.
    ['BASTION_WATCHDOG_ACTION', 'x'.repeat(100_000), RangeError, /^BASTION_WATCHDOG_ACTION must be one of dump, exit, abort, got "x{80}"\.\.\. \(string of 100000 characters\)$/],
    ['BASTION_WATCHDOG_TIMEOUT_MS', `5\n${'0'.repeat(200)}`, TypeError, /got "5\\n0{78}"\.\.\. \(string of 202 characters\)$/],
  ];
  for (const [variable, value, type, message] of rejected) {
    it(`rejects ${variable}=${JSON.stringify(value).slice(0, 40)} with a ${type.name}`, () => {
      process.env[variable] = value;
      assert.throws(() => startWatchdog(), { name: type.name, message });
    });
  }

  it('lets an explicit option win over the variable, and does not validate the variable then', async () => {
    process.env.BASTION_WATCHDOG_TIMEOUT_MS = '30s';
    process.env.BASTION_WATCHDOG_ACTION = 'exit';
    const watchdog = startWatchdog({ timeoutMs: 750, dir: 'relative/dumps' });
    try {
      assert.equal(watchdog.timeoutMs, 750);
      assert.equal(watchdog.action, 'exit'); // not given: taken from the variable
      assert.equal(watchdog.dir, `${process.cwd()}/relative/dumps`); // made absolute
    } finally {
      await watchdog.stop();
    }
  });
});

describe('on/off settings: BASTION_DUMP_SOCKET (dumpSocket), BASTION_HANDLE_TRACKING, BASTION_HEAP_SNAPSHOT', () => {
  it('dumpSocket: on by default; the variable in the usual words; the option, a boolean, wins', () => {
    assert.equal(resolveOptions({}, {}).dumpSocket, true);
    assert.equal(resolveOptions({}, { BASTION_DUMP_SOCKET: 'OFF' }).dumpSocket, false);
    assert.equal(resolveOptions({}, { BASTION_DUMP_SOCKET: 'yes' }).dumpSocket, true);
    assert.equal(resolveOptions({ dumpSocket: true }, { BASTION_DUMP_SOCKET: 'bogus' }).dumpSocket, true);
    assert.throws(() => resolveOptions({}, { BASTION_DUMP_SOCKET: 'disabled' }), { name: 'RangeError', message: /^BASTION_DUMP_SOCKET must be one of .* got "disabled" \(string\)$/ });
    assert.throws(() => resolveOptions({ dumpSocket: 'no' }, {}), { name: 'TypeError', message: 'options.dumpSocket must be a boolean, got "no" (string)' });
  });

  it('handle tracking and the heap snapshot: off by default, on and off in the usual words, anything else a RangeError', () => {
    for (const [resolve, variable] of [[resolveHandleTracking, 'BASTION_HANDLE_TRACKING'], [resolveHeapSnapshot, 'BASTION_HEAP_SNAPSHOT']] as const) {
      assert.equal(resolve({}), false);
      assert.equal(resolve({ [variable]: 'On' }), true);
      assert.equal(resolve({ [variable]: '0' }), false);
      assert.throws(() => resolve({ [variable]: '' }), { name: 'RangeError', message: new RegExp(`^${variable} must be one of`) });
    }
  });
});

describe('BASTION_WATCHDOG', () => {
  it('is on when unset, and for 1, true, on, yes in any case', () => {
    assert.equal(resolveEnabled({}), true);
    for (const value of ['1', 'true', 'TRUE', 'True', 'on', 'ON', 'yes', 'Yes']) assert.equal(resolveEnabled({ BASTION_WATCHDOG: value }), true, value);
  });

  it('is off for 0, false, off, no in any case', () => {
    for (const value of ['0', 'false', 'FALSE', 'off', 'Off', 'no', 'NO']) assert.equal(resolveEnabled({ BASTION_WATCHDOG: value }), false, value);
  });

  it('rejects anything else with a RangeError naming the value', () => {
    for (const value of ['', 'disabled', ' 0', 'n', '2', 'false ']) {
      assert.throws(() => resolveEnabled({ BASTION_WATCHDOG: value }), {
        name: 'RangeError',
        message: `BASTION_WATCHDOG must be one of 1, true, on, yes (on) or 0, false, off, no (off), got ${JSON.stringify(value)} (string)`,
      });
    }
  });

  for (const value of ['false', 'OFF', 'no']) {
    it(`BASTION_WATCHDOG=${value} keeps the preload from starting`, async () => {
      const result = await runFixture(fixture('api/stalls.mjs'), {
        env: { BASTION_WATCHDOG: value, BASTION_WATCHDOG_TIMEOUT_MS: '500', STALL_COUNT: '1', STALL_MS: '1500' },
      });
      assert.equal(result.code, 0);
      assert.equal(result.stdout, 'stalls done: 1\n');
      assert.equal(result.stderr, '');
      assert.deepEqual(result.dumps, []);
    });
  }

  it('BASTION_WATCHDOG=Yes starts it', async () => {
    const result = await runFixture(fixture('api/stalls.mjs'), {
      env: { BASTION_WATCHDOG: 'Yes', BASTION_WATCHDOG_TIMEOUT_MS: '500', STALL_COUNT: '1', STALL_MS: '1500' },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.dumps.length, 1, result.stderr);
  });
});

describe('the preload with invalid variables', () => {
  const cases: [string, string][] = [
    ['BASTION_WATCHDOG', 'disabled'],
    ['BASTION_WATCHDOG', ''],
    ['BASTION_WATCHDOG_TIMEOUT_MS', '-5'],
    ['BASTION_WATCHDOG_TIMEOUT_MS', '30s'],
    ['BASTION_WATCHDOG_TIMEOUT_MS', ''],
    ['BASTION_WATCHDOG_TIMEOUT_MS', '99999999999'],
    ['BASTION_WATCHDOG_ACTION', 'restart'],
  ];
  for (const [variable, value] of cases) {
    it(`prints one line naming ${variable}=${JSON.stringify(value)} and lets the app run unwatched`, async () => {
      const result = await runFixture(fixture('api/stalls.mjs'), { env: { [variable]: value } });
      assert.equal(result.code, 0);
      assert.equal(result.stdout, 'stalls done: 0\n');
      const lines = result.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, result.stderr);
      const line = lines[0] ?? '';
      assert.ok(line.startsWith(`bastion watchdog: not started: ${variable} must be `), line);
      assert.ok(line.endsWith(`got ${JSON.stringify(value)} (string)`), line);
      assert.deepEqual(result.dumps, []);
    });
  }
});
