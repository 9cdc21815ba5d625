// The probes, in process: buildApp() and inject(), no port.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { buildApp } from '../src/app.ts';
import type { Readiness } from '../src/plugins/health.ts';
import { createMetricsRegistry } from '../src/plugins/metrics.ts';
import { captureLogs, testConfig } from './helpers.ts';

async function build(t: TestContext) {
  const readiness: Readiness = { draining: false };
  const app = await buildApp({ config: testConfig(), logger: captureLogs().logger, readiness, registry: createMetricsRegistry() });
  t.after(() => app.close());
  return { app, readiness };
}

test('live answers 200', async (t) => {
  const { app } = await build(t);
  const response = await app.inject('/health/live');
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.json(), { status: 'ok' });
});

test('ready answers 200, then 503 once draining has begun', async (t) => {
  const { app, readiness } = await build(t);
  assert.equal((await app.inject('/health/ready')).statusCode, 200);
  readiness.draining = true;
  const response = await app.inject('/health/ready');
  assert.equal(response.statusCode, 503);
  assert.deepEqual(response.json(), { status: 'draining' });
});
