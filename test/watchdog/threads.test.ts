// Worker threads in a stall dump: the app's workers are paused and read through the main thread's
// inspector (the watchdog's own worker left out), a busy one with its frames, an idle one said to
// be idle; every worker runs on afterwards.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { fixture, markedLine, runFixture } from './harness.ts';
import { assertNamesCulprit, describeRun, fixtureOutput, stallEnv } from './stall-assertions.ts';

interface ThreadsOutput {
  spinner: number;
  sleeper: number;
  turnsAfter: number;
}

describe('worker threads in a stall dump', () => {
  it("holds the stack of a busy worker, says an idle one is idle, leaves out the watchdog's own, and lets them all run on", async () => {
    const main = fixture('worker-threads.mjs');
    const spinning = fixture('lib/spinning-worker.mjs');
    const result = await runFixture(main, { env: { ...stallEnv, BASTION_WATCHDOG_ACTION: 'dump' } });
    assert.equal(result.code, 0, describeRun(result));
    const output = fixtureOutput<ThreadsOutput>(result);
    assert.equal(result.dumps.length, 1, describeRun(result));
    const dump = result.dumps[0]!;
    assertNamesCulprit(dump, { file: main, functionName: 'blockMain', marker: 'main-site' });

    assert.equal(dump.threadsError, undefined);
    const threads = dump.threads ?? assert.fail(`no threads in the dump: ${describeRun(result)}`);
    // Exactly the app's two: the watchdog's own thread is not among them.
    assert.deepEqual(
      threads.map(({ threadId, name }) => ({ threadId, name })),
      [
        { threadId: output.spinner, name: 'spinner' },
        { threadId: output.sleeper, name: 'sleeper' },
      ].sort((a, b) => a.threadId - b.threadId),
    );
    const spinner = threads.find((thread) => thread.name === 'spinner')!;
    assert.equal(spinner.stackStatus, 'captured', spinner.stackError);
    assert.equal(spinner.stack[0]?.functionName, 'spinInWorker');
    assert.equal(spinner.stack[0]?.url, pathToFileURL(spinning).href);
    assert.equal(spinner.stack[0]?.line, markedLine(spinning, 'worker-site').line);
    const sleeper = threads.find((thread) => thread.name === 'sleeper')!;
    assert.equal(sleeper.stackStatus, 'unavailable');
    assert.match(sleeper.stackError ?? '', /^idle: no JavaScript ran within \d+ ms/);
    assert.deepEqual(sleeper.stack, []);

    // The spinning worker was resumed: it counted on after the stall.
    assert.ok(output.turnsAfter > 0, `the spinning worker did not run after the dump: ${output.turnsAfter}`);
    // stderr names each thread's top frame, after the stall block.
    assert.match(result.stderr, new RegExp(`\nbastion watchdog: worker threads of pid ${result.pid} during the stall:\n`));
    assert.match(result.stderr, new RegExp(`\n {2}thread ${output.spinner} \\(spinner\\): at spinInWorker \\(${pathToFileURL(spinning).href}:\\d+:\\d+\\)\n`));
    assert.match(result.stderr, new RegExp(`\n {2}thread ${output.sleeper} \\(sleeper\\): stack not captured: idle: `));
  });

  it('holds an empty list when the app has no worker threads', async () => {
    const result = await runFixture(fixture('finite-loop.mjs'), { env: stallEnv, args: ['1000'] });
    assert.equal(result.dumps.length, 1, describeRun(result));
    assert.deepEqual(result.dumps[0]!.threads, []);
    assert.doesNotMatch(result.stderr, /worker threads of pid/);
  });
});
