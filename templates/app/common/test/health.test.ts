// The probes, in process: buildApp() and inject(), no port.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp } from './helpers.ts';

test('live answers 200', async (t) => {
  const { app } = await buildTestApp(t);
  const response = await app.inject('/health/live');
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.json(), { status: 'ok' });
});

test('ready answers 200, then 503 once draining has begun', async (t) => {
  const { app, readiness } = await buildTestApp(t);
  assert.equal((await app.inject('/health/ready')).statusCode, 200);
  readiness.draining = true;
  const response = await app.inject('/health/ready');
  assert.equal(response.statusCode, 503);
  assert.deepEqual(response.json(), { status: 'draining' });
});
