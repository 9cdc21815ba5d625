// The built worker as `npm start` runs it: its HTTP port and its signals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer, waitForLog } from './helpers.ts';

test('serves the probes and the metrics, and waits for jobs', async (t) => {
  const server = await startServer();
  t.after(() => server.child.kill('SIGKILL'));
  assert.equal((await fetch(`${server.url}/health/live`)).status, 200);
  assert.equal((await fetch(`${server.url}/health/ready`)).status, 200);
  assert.match(await (await fetch(`${server.url}/metrics`)).text(), /^# TYPE jobs_total counter$/m);
  await waitForLog(server, (line) => line.msg === 'waiting for jobs');
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal}: the runner stops, the port closes, the process exits 0`, async () => {
    const server = await startServer();
    await waitForLog(server, (line) => line.msg === 'waiting for jobs');
    server.child.kill(signal);
    assert.deepEqual(await server.exited, { code: 0, signal: null });
    assert.deepEqual(server.logs.filter((line) => /shut/.test(line.msg)).map((line) => line.msg), ['shutting down', 'shutdown complete']);
  });
}
