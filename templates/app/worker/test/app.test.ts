// The worker's HTTP port, in process: buildApp() and inject(), no port.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp } from './helpers.ts';

test('metrics are Prometheus text', async (t) => {
  const { app } = await buildTestApp(t);
  const response = await app.inject('/metrics');
  assert.equal(response.statusCode, 200);
  assert.match(response.body, /^process_cpu_user_seconds_total \d/m);
});

test('anything else is a JSON 404', async (t) => {
  const { app } = await buildTestApp(t);
  const response = await app.inject({ method: 'POST', url: '/jobs' });
  assert.equal(response.statusCode, 404);
  assert.deepEqual(response.json(), { statusCode: 404, error: 'Not Found', message: 'Route POST /jobs not found' });
});
