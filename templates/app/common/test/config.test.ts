import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';
import { spawnServer } from './helpers.ts';

test('defaults need no environment at all', () => {
  const config = loadConfig({});
  assert.equal(config.PORT, <%= port %>);
  assert.equal(config.LOG_LEVEL, 'info');
});

test('numbers are read from their decimal text', () => {
  assert.equal(loadConfig({ PORT: '8080' }).PORT, 8080);
});

test('a bad PORT is a ConfigError naming the variable, the rule and the value', () => {
  assert.throws(() => loadConfig({ PORT: '99999' }), new ConfigError('invalid configuration: PORT must be <= 65535, got "99999"'));
  assert.throws(() => loadConfig({ PORT: 'http' }), new ConfigError('invalid configuration: PORT must be integer, got "http"'));
});

test('an unknown LOG_LEVEL lists the levels there are', () => {
  assert.throws(
    () => loadConfig({ LOG_LEVEL: 'verbose' }),
    new ConfigError('invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"'),
  );
});

test('every bad variable is named, on one line', () => {
  assert.throws(() => loadConfig({ PORT: '-1', LOG_LEVEL: 'loud' }), (error: Error) => {
    assert.match(error.message, /^invalid configuration: .*PORT must be >= 0, got "-1".*; .*LOG_LEVEL must be one of/);
    assert.doesNotMatch(error.message, /\n/);
    return true;
  });
});

test('the server does not start with a bad PORT, and says why in one line without a stack', async () => {
  const server = await spawnServer({ PORT: '99999' });
  const { code } = await server.exited;
  assert.equal(code, 1);
  assert.equal(server.stderr(), 'invalid configuration: PORT must be <= 65535, got "99999"\n');
  assert.deepEqual(server.logs, []);
});
<% if (kind === 'http') { -%>

test('TRUST_PROXY takes addresses, CIDRs and proxy-addr names, never "true"', () => {
  assert.equal(loadConfig({ TRUST_PROXY: '10.0.0.0/8, ::1,uniquelocal' }).TRUST_PROXY, '10.0.0.0/8, ::1,uniquelocal');
  assert.throws(() => loadConfig({ TRUST_PROXY: 'true' }), /^ConfigError: invalid configuration: TRUST_PROXY must match pattern .*, got "true"$/);
});
<% } -%>
