// The built server as `npm start` runs it: real sockets, signals and the watchdog.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request } from 'node:http';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, waitForLog } from './helpers.ts';

const json = { 'content-type': 'application/json' };

/**
 * Starts a POST and sends half its body once the server has read the headers (its "100
 * Continue"), so the request is in flight when `slowPost` resolves. `finish()` sends the rest;
 * `outcome` is the status code, or the error code if the connection fails first.
 */
async function slowPost(url: string, body: string) {
  const half = Math.floor(body.length / 2);
  const req = request(`${url}/api/checksum`, {
    method: 'POST',
    headers: { ...json, 'content-length': Buffer.byteLength(body), expect: '100-continue' },
  });
  const outcome = new Promise<number | string>((resolve) => {
    req.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
  req.flushHeaders();
  await once(req, 'continue');
  req.write(body.slice(0, half));
  return {
    outcome,
    finish: () => {
      req.end(body.slice(half));
      return outcome;
    },
  };
}

test('serves the probes and the API over HTTP', async (t) => {
  const server = await startServer();
  t.after(() => server.child.kill('SIGKILL'));
  assert.equal((await fetch(`${server.url}/health/live`)).status, 200);
  assert.equal((await fetch(`${server.url}/health/ready`)).status, 200);
  const answer = await fetch(`${server.url}/api/checksum`, { method: 'POST', headers: json, body: '{"data":"abc"}' });
  assert.deepEqual(await answer.json(), { sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' });
  assert.match(await (await fetch(`${server.url}/metrics`)).text(), /http_request_duration_seconds_bucket/);
});

test('SIGTERM: ready turns 503, in-flight requests finish, then the process exits 0', async () => {
  const server = await startServer({ SHUTDOWN_DELAY_MS: '1500' });
  const inFlight = await slowPost(server.url, JSON.stringify({ data: 'in flight' }));
  server.child.kill('SIGTERM');
  await waitForLog(server, (line) => line.msg === 'shutting down');
  assert.equal((await fetch(`${server.url}/health/ready`)).status, 503);
  // Still serving during the delay, for requests the load balancer sent before it saw the 503.
  assert.equal((await fetch(`${server.url}/api/checksum`, { method: 'POST', headers: json, body: '{"data":"late"}' })).status, 200);
  // Past the delay, the server stops accepting connections.
  const refusedBy = Date.now() + 5_000;
  while (await fetch(`${server.url}/health/live`, { headers: { connection: 'close' } }).then(() => Date.now() < refusedBy, () => false)) {
    await sleep(50);
  }
  await assert.rejects(fetch(`${server.url}/health/live`, { headers: { connection: 'close' } }));
  assert.equal(await inFlight.finish(), 200);
  // Its keep-alive connection is closed after the response, so the exit follows at once.
  const finished = performance.now();
  assert.deepEqual(await server.exited, { code: 0, signal: null });
  assert.ok(performance.now() - finished < 1_000);
  assert.ok(server.logs.some((line) => line.msg === 'shutdown complete'));
});

test('past SHUTDOWN_TIMEOUT_MS the process exits 1, naming what was still open', async () => {
  const server = await startServer({ SHUTDOWN_DELAY_MS: '0', SHUTDOWN_TIMEOUT_MS: '500' });
  const stuck = await slowPost(server.url, JSON.stringify({ data: 'never finished' }));
  server.child.kill('SIGTERM');
  assert.deepEqual(await server.exited, { code: 1, signal: null });
  assert.equal(await stuck.outcome, 'ECONNRESET');
  const fatal = server.logs.find((line) => line.level === 'fatal');
  assert.equal(fatal?.msg, 'shutdown deadline of 500 ms passed with http server still open');
  assert.ok(((fatal?.activeResources as Record<string, number>).TCPSocketWrap ?? 0) >= 1);
});
