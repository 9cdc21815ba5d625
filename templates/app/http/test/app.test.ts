// The HTTP behaviour, in process: buildApp() and inject(), no port.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { buildTestApp } from './helpers.ts';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const checksum = (payload: string) => ({ method: 'POST' as const, url: '/api/checksum', headers: { 'content-type': 'application/json' }, payload });

test('checksum answers the SHA-256 of the UTF-8 data, hashed on the pool', async (t) => {
  const { app } = await buildTestApp(t);
  for (const data of ['', 'hello', 'héllo wörld ✓ 🎉', 'x'.repeat(500_000)]) {
    const response = await app.inject(checksum(JSON.stringify({ data })));
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { sha256: sha256(data) });
  }
});

test('malformed JSON is a 400', async (t) => {
  const { app } = await buildTestApp(t);
  const response = await app.inject(checksum('{"data": "abc"'));
  assert.equal(response.statusCode, 400);
  assert.equal(response.json<{ error: string }>().error, 'Bad Request');
});

test('a body without a string `data` is a 400, never coerced', async (t) => {
  const { app } = await buildTestApp(t);
  for (const payload of ['{}', '{"data": 42}', '{"data": null}', '{"data": true}', '{"data": ["a"]}', '"data"', '[]']) {
    const response = await app.inject(checksum(payload));
    assert.equal(response.statusCode, 400, payload);
  }
});

test('a body over the limit is a 413: 1 MiB by default, BODY_LIMIT_BYTES otherwise', async (t) => {
  const { app } = await buildTestApp(t);
  const justOver = JSON.stringify({ data: 'x'.repeat(1_048_576 - 11 + 1) });
  assert.equal(Buffer.byteLength(justOver), 1_048_577);
  assert.equal((await app.inject(checksum(justOver))).statusCode, 413);

  const { app: small } = await buildTestApp(t, { BODY_LIMIT_BYTES: '100' });
  assert.equal((await small.inject(checksum(JSON.stringify({ data: 'x'.repeat(100) })))).statusCode, 413);
  assert.equal((await small.inject(checksum(JSON.stringify({ data: 'x'.repeat(50) })))).statusCode, 200);
});

test('an unknown route is a JSON 404', async (t) => {
  const { app } = await buildTestApp(t);
  const response = await app.inject('/nowhere');
  assert.equal(response.statusCode, 404);
  assert.match(response.headers['content-type'] ?? '', /^application\/json/);
  assert.deepEqual(response.json(), { statusCode: 404, error: 'Not Found', message: 'Route GET /nowhere not found' });
});

test('a failure answers a bare 500 and is logged with its stack', async (t) => {
  const { app, lines } = await buildTestApp(t);
  app.get('/fails', async () => {
    throw new Error('database password is hunter2');
  });
  const response = await app.inject('/fails');
  assert.equal(response.statusCode, 500);
  assert.deepEqual(response.json(), { statusCode: 500, error: 'Internal Server Error', message: 'Internal Server Error' });
  assert.doesNotMatch(response.body, /hunter2|at |\.ts/);
  const logged = lines.find((line) => line.msg === 'request failed');
  assert.match((logged?.err as { stack: string }).stack, /hunter2[\s\S]*app\.test\.ts/);
});

test('no error answer carries a stack trace', async (t) => {
  const { app } = await buildTestApp(t);
  const answers = await Promise.all([app.inject(checksum('{')), app.inject(checksum('{}')), app.inject('/nowhere'), app.inject({ method: 'POST', url: '/api/checksum', headers: { 'content-type': 'text/plain' }, payload: 'x' })]);
  for (const answer of answers) {
    assert.ok(answer.statusCode >= 400);
    assert.doesNotMatch(answer.body, /\bat .*:\d+|node_modules|stack/);
  }
});

test('every answer carries a request id, the caller\'s when it is a plain token', async (t) => {
  const { app } = await buildTestApp(t);
  assert.match(String((await app.inject('/health/live')).headers['x-request-id']), /^[\da-f-]{36}$/);
  assert.equal((await app.inject({ url: '/health/live', headers: { 'x-request-id': 'edge-42' } })).headers['x-request-id'], 'edge-42');
  assert.notEqual((await app.inject({ url: '/health/live', headers: { 'x-request-id': 'a b\u0000' } })).headers['x-request-id'], 'a b\u0000');
});

test('one log line per request, with its id, status and time', async (t) => {
  const { app, lines } = await buildTestApp(t);
  await app.inject({ url: '/nowhere', headers: { 'x-request-id': 'trace-1', authorization: 'Bearer secret' } });
  const logged = lines.filter((line) => line.requestId === 'trace-1');
  assert.equal(logged.length, 1);
  assert.equal(logged[0]?.msg, 'request completed');
  assert.deepEqual(logged[0]?.res, { statusCode: 404 });
  assert.equal(typeof logged[0]?.responseTime, 'number');
  assert.doesNotMatch(JSON.stringify(lines), /secret/);
});

test('security headers are set on every answer, and SECURITY_HEADERS=false leaves them out', async (t) => {
  const { app } = await buildTestApp(t);
  for (const answer of [await app.inject('/health/live'), await app.inject('/nowhere'), await app.inject(checksum('{'))]) {
    const { headers } = answer;
    assert.equal(headers['x-content-type-options'], 'nosniff', `on a ${answer.statusCode}`);
    assert.equal(headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'");
    assert.match(String(headers['strict-transport-security']), /^max-age=\d+/);
    assert.equal(headers['x-frame-options'], 'SAMEORIGIN');
  }
  const { app: bare } = await buildTestApp(t, { SECURITY_HEADERS: 'false' });
  assert.equal((await bare.inject('/health/live')).headers['x-content-type-options'], undefined);
});

test('the rate limit answers 429 past RATE_LIMIT_MAX per minute, on the API and 404s but not the probes', async (t) => {
  const { app } = await buildTestApp(t, { RATE_LIMIT_MAX: '2' });
  const body = JSON.stringify({ data: 'a' });
  assert.equal((await app.inject(checksum(body))).statusCode, 200);
  assert.equal((await app.inject('/nowhere')).statusCode, 404);
  const limited = await app.inject(checksum(body));
  assert.equal(limited.statusCode, 429);
  assert.ok(Number(limited.headers['retry-after']) > 0);
  assert.equal((await app.inject('/nowhere')).statusCode, 429);
  for (let i = 0; i < 5; i++) assert.equal((await app.inject('/health/ready')).statusCode, 200);
  assert.equal((await app.inject('/metrics')).statusCode, 200);
});

test('a saturated event loop makes the API answer 503 with Retry-After, while live still answers', async (t) => {
  const { app } = await buildTestApp(t, { MAX_EVENT_LOOP_DELAY_MS: '5' });
  const end = Date.now() + 1_200;
  while (Date.now() < end); // a stall, as a runaway loop in a handler would cause
  const deadline = Date.now() + 5_000;
  let answer = await app.inject(checksum('{"data":"a"}'));
  while (answer.statusCode !== 503 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    answer = await app.inject(checksum('{"data":"a"}'));
  }
  assert.equal(answer.statusCode, 503);
  assert.equal(answer.headers['retry-after'], '10');
  assert.equal((await app.inject('/health/live')).statusCode, 200);
});

test('metrics are Prometheus text with the default metrics and the request histogram', async (t) => {
  const { app } = await buildTestApp(t);
  await app.inject('/health/live');
  const response = await app.inject('/metrics');
  assert.equal(response.statusCode, 200);
  assert.match(response.headers['content-type'] ?? '', /^text\/plain; version=0\.0\.4/);
  assert.match(response.body, /^process_cpu_user_seconds_total \d/m);
  assert.match(response.body, /^nodejs_eventloop_lag_p99_seconds /m);
  assert.match(response.body, /^http_request_duration_seconds_count\{method="GET",route="\/health\/live",status_code="200"\} 1$/m);
});
