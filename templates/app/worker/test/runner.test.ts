import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { checksumJob } from '../src/jobs/checksum-job.ts';
import type { ChecksumPayload } from '../src/jobs/checksum-job.ts';
import { MemoryJobSource } from '../src/jobs/memory-source.ts';
import { JobRunner } from '../src/jobs/runner.ts';
import type { JobHandler } from '../src/jobs/runner.ts';
import { captureLogs } from './helpers.ts';

function setUp<Payload>(t: TestContext, handle: JobHandler<Payload>, timeoutMs = 1_000) {
  const { logger, lines } = captureLogs();
  const source = new MemoryJobSource<Payload>();
  const registry = new Registry();
  const runner = new JobRunner({ source, handle, logger, registry, timeoutMs });
  t.after(() => runner.stop());
  runner.start();
  return { source, runner, lines, registry };
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await sleep(5);
  }
}

test('runs the jobs in order and completes each', async (t) => {
  const { source, lines } = setUp<ChecksumPayload>(t, checksumJob);
  source.push({ id: '1', payload: { text: 'abc' } });
  source.push({ id: '2', payload: { text: 'héllo' } });
  await until(() => source.completed.length === 2);
  assert.deepEqual(source.completed.map((job) => job.id), ['1', '2']);
  const computed = lines.filter((line) => line.msg === 'checksum computed').map((line) => [line.jobId, line.sha256]);
  assert.deepEqual(computed, [
    ['1', createHash('sha256').update('abc').digest('hex')],
    ['2', createHash('sha256').update('héllo', 'utf8').digest('hex')],
  ]);
});

test('a job that throws is failed, logged with its stack, and the loop goes on', async (t) => {
  const { source, lines } = setUp<string>(t, async (job) => {
    if (job.payload === 'bad') throw new Error('cannot process bad');
  });
  source.push({ id: 'a', payload: 'bad' });
  source.push({ id: 'b', payload: 'good' });
  await until(() => source.completed.length === 1);
  assert.equal(source.failed[0]?.job.id, 'a');
  const failure = lines.find((line) => line.msg === 'job failed');
  assert.equal(failure?.jobId, 'a');
  assert.match((failure?.err as { stack: string }).stack, /cannot process bad/);
});

test('a job past its deadline is failed and the loop goes on, even if the handler ignores the signal', async (t) => {
  const { source } = setUp<string>(t, async (job) => {
    if (job.payload === 'slow') await sleep(60_000, undefined, { ref: false });
  }, 100);
  source.push({ id: 'slow', payload: 'slow' });
  source.push({ id: 'quick', payload: 'quick' });
  await until(() => source.completed.length === 1);
  assert.equal(source.failed[0]?.job.id, 'slow');
  assert.match(String(source.failed[0]?.error), /job not done within 100 ms/);
});

test('stop() takes no new job and resolves once the current one has finished', async (t) => {
  const { promise: released, resolve: release } = Promise.withResolvers<void>();
  let started = 0;
  const { source, runner } = setUp<string>(t, async () => {
    started++;
    await released;
  });
  source.push({ id: 'current', payload: '' });
  source.push({ id: 'next', payload: '' });
  await until(() => started === 1);
  let stopped = false;
  const stopping = runner.stop().then(() => (stopped = true));
  await sleep(50);
  assert.equal(stopped, false, 'stop() waits for the current job');
  release();
  await stopping;
  assert.deepEqual(source.completed.map((job) => job.id), ['current']);
  assert.equal(started, 1);
});

test('outcomes and durations are metrics', async (t) => {
  const { source, registry } = setUp<string>(t, async (job) => {
    if (job.payload === 'bad') throw new Error('bad');
  });
  source.push({ id: '1', payload: 'good' });
  source.push({ id: '2', payload: 'bad' });
  await until(() => source.completed.length + source.failed.length === 2);
  const text = await registry.metrics();
  assert.match(text, /^jobs_total\{outcome="completed"\} 1$/m);
  assert.match(text, /^jobs_total\{outcome="failed"\} 1$/m);
  assert.match(text, /^job_duration_seconds_count\{outcome="completed"\} 1$/m);
});
