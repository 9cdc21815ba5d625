// The worker pool's limits, against a task that never finishes.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { Piscina } from 'piscina';
import { createHttpServer } from '../src/http-server.ts';
import checksumRoutes from '../src/routes/checksum.ts';
import { captureLogs, testConfig } from './helpers.ts';

async function buildStuck(t: TestContext, timeoutMs: number) {
  const pool = new Piscina<string, string>({ filename: new URL('./fixtures/stuck-worker.ts', import.meta.url).href, minThreads: 1, maxThreads: 1, maxQueue: 1 });
  const ready = once(pool, 'workerCreate');
  const app = createHttpServer(testConfig(), captureLogs().logger);
  await app.register(checksumRoutes, { pool, timeoutMs });
  t.after(async () => {
    await app.close();
    await pool.destroy();
  });
  await ready;
  return app;
}

const request = { method: 'POST' as const, url: '/checksum', headers: { 'content-type': 'application/json' }, payload: '{"data":"a"}' };

test('a task past its deadline is cancelled and answers 503', async (t) => {
  const app = await buildStuck(t, 100);
  const started = performance.now();
  const response = await app.inject(request);
  assert.equal(response.statusCode, 503);
  assert.deepEqual(response.json(), { statusCode: 503, error: 'Service Unavailable', message: 'checksum not done within 100 ms' });
  assert.ok(performance.now() - started < 2_000);
});

test('a full queue answers 503 at once instead of queueing more', async (t) => {
  const app = await buildStuck(t, 500); // one thread, a queue of one
  const answers = await Promise.all([app.inject(request), app.inject(request), app.inject(request)]);
  const messages = answers.map((answer) => `${answer.statusCode} ${answer.json<{ message: string }>().message}`).sort();
  assert.deepEqual(messages, ['503 checksum not done within 500 ms', '503 checksum not done within 500 ms', '503 too many checksums in progress; retry later']);
});
