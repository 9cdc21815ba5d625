import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureLogs } from './helpers.ts';

test('credentials are redacted wherever a logged object carries them', () => {
  const { logger, lines } = captureLogs();
  logger.info({
    req: { headers: { authorization: 'Bearer abc', cookie: 'session=abc', 'x-api-key': 'abc', accept: 'application/json' } },
    headers: { 'set-cookie': 'session=abc' },
    user: { name: 'ada', password: 'abc' },
    token: 'abc',
  }, 'hello');
  const text = JSON.stringify(lines);
  assert.doesNotMatch(text, /abc/);
  assert.equal(lines[0]?.msg, 'hello');
  assert.deepEqual(lines[0]?.req, { headers: { authorization: '[redacted]', cookie: '[redacted]', 'x-api-key': '[redacted]', accept: 'application/json' } });
});

test('levels are written as names', () => {
  const { logger, lines } = captureLogs();
  logger.warn('careful');
  assert.equal(lines[0]?.level, 'warn');
});
