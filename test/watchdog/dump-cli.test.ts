// `bastion dump <pid>` against real processes: the real CLI (dist/cli/index.js) asks the watchdog
// of a forked fixture, over its unix socket, for the main thread's stack; and every way it can fail
// is one line on stderr that names the pid, with a non-zero exit code.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { OnDemandDump } from 'generator-bastion/watchdog';
import { fixture, markedLine, runFixture, startFixture, waitFor, waitForDumps, waitForWatchdog } from './harness.ts';
import type { RunningFixture } from './harness.ts';


const bin = fileURLToPath(new URL('../../dist/cli/index.js', import.meta.url));
const uid = process.getuid?.() ?? 0;
// The contract: the stack within 2 s, CLI start-up included.
const DUMP_WITHIN_MS = 2000;

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Runs `bastion ...` with the given temp directory (where it looks for sockets). */
async function bastion(tmp: string, args: string[], cwd = tmp): Promise<CliResult> {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...cliEnv(), TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr, elapsedMs: performance.now() - started };
}

function cliEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_OPTIONS;
  return env;
}

/** A temp directory of the test's own: the fixtures' and the CLI's TMPDIR. */
function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'bastion-dump-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function socketOf(tmp: string, pid: number): string {
  return join(tmp, `bastion-watchdog-${uid}`, `bastion-${pid}.sock`);
}

/** Starts a fixture with TMPDIR=tmp; kills it when the test ends. */
function start(t: TestContext, tmp: string, script: string, options: Parameters<typeof startFixture>[1] = {}): RunningFixture {
  const running = startFixture(script, { ...options, env: { TMPDIR: tmp, ...options.env } });
  t.after(async () => {
    running.child.kill('SIGKILL');
    await running.result.catch(() => {});
  });
  return running;
}

async function waitForLine(child: ChildProcess, line: string): Promise<void> {
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${line}' from the fixture`)), 15_000);
    child.stdout?.on('data', (chunk: Buffer | string) => {
      seen += String(chunk);
      if (seen.includes(`${line}\n`)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/** The first line the fixture prints on stdout. */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no line from the fixture; stdout so far: ${seen}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer | string) => {
      seen += String(chunk);
      const end = seen.indexOf('\n');
      if (end === -1) return;
      clearTimeout(timer);
      resolve(seen.slice(0, end));
    });
  });
}

/** Exactly one line on stderr, naming the pid, and a non-zero exit code. */
function assertOneLineError(result: CliResult, pid: number, pattern: RegExp): void {
  assert.notEqual(result.code, 0, `exit code ${result.code}; stdout: ${result.stdout}`);
  assert.equal(result.stdout, '');
  const lines = result.stderr.split('\n');
  assert.equal(lines.length, 2, `not one line:\n${result.stderr}`);
  assert.equal(lines[1], '');
  assert.match(lines[0] ?? '', /^bastion dump: /);
  assert.ok(lines[0]?.includes(String(pid)), `the line does not name pid ${pid}: ${lines[0]}`);
  assert.match(lines[0] ?? '', pattern);
}

describe('bastion dump <pid>', { concurrency: 1 }, () => {
  it('prints the stack of a main thread stuck in a busy loop, within 2 s, over a private socket', async (t) => {
    const tmp = scratch(t);
    const busy = fixture('busy-loop.mjs');
    const { child } = start(t, tmp, busy);
    const pid = child.pid!;
    const socket = socketOf(tmp, pid);
    await waitForWatchdog(tmp, pid);
    // Stuck by now: the loop starts 200 ms after start-up.
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Opened only when asked for: the first request wakes the watchdog, within the same 2 s.
    assert.equal(existsSync(socket), false, 'socket opened before any request');

    const text = await bastion(tmp, ['dump', String(pid)]);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stderr, '');
    assert.ok(text.elapsedMs < DUMP_WITHIN_MS, `took ${Math.round(text.elapsedMs)} ms`);
    assert.equal(statSync(join(tmp, `bastion-watchdog-${uid}`)).mode & 0o777, 0o700);
    assert.equal(statSync(socket).mode & 0o777, 0o600);
    assert.ok(statSync(socket).isSocket());
    assert.equal(existsSync(join(tmp, `bastion-watchdog-${uid}`, `bastion-${pid}.wake`)), false, 'wake-up file left behind');
    const site = markedLine(busy);
    assert.match(text.stdout, new RegExp(`^pid ${pid}, main thread \\(event loop last turned \\d+ ms ago\\):\n`));
    assert.match(text.stdout, new RegExp(`\n {4}at spinForever \\(${pathToFileURL(busy).href}:${site.line}:\\d+\\)\n`));

    const json = await bastion(tmp, ['dump', String(pid), '--json']);
    assert.equal(json.code, 0, json.stderr);
    const dump = JSON.parse(json.stdout) as OnDemandDump;
    assert.equal(dump.kind, 'on-demand');
    assert.equal(dump.schemaVersion, 1);
    assert.equal(dump.pid, pid);
    assert.equal(dump.idle, false);
    assert.equal(dump.stackStatus, 'captured');
    assert.equal(dump.thresholdMs, 30_000);
    assert.ok(dump.stalledMs >= 500, `stalledMs ${dump.stalledMs}`);
    assert.equal(dump.stack[0]?.functionName, 'spinForever');
    assert.equal(dump.stack[0]?.line, site.line);
    assert.equal(dump.process.nodeVersion, process.version);
    assert.ok((dump.memory.heapUsed ?? 0) > 0, 'main-thread facts');
    // A dump on demand is not a stall: nothing written in the dump directory.
    assert.deepEqual(readdirSync(tmp).filter((name) => name.startsWith('stall-')), []);
  });

  it('--profile writes a CPU profile of the stuck main thread, where --output says or in the working directory', async (t) => {
    const tmp = scratch(t);
    const { child } = start(t, tmp, fixture('busy-loop.mjs'));
    const pid = child.pid!;
    await waitForWatchdog(tmp, pid);
    const output = join(tmp, 'stuck.cpuprofile');
    const named = await bastion(tmp, ['dump', String(pid), '--profile', '0.5', '--output', output]);
    assert.equal(named.code, 0, named.stderr);
    assert.match(named.stdout, new RegExp(`^CPU profile of pid ${pid}'s main thread \\(0\\.5 s, \\d+ samples\\) written to ${output}\n$`));
    const profile = JSON.parse(readFileSync(output, 'utf8')) as { nodes: { callFrame: { functionName: string } }[]; samples: number[]; startTime: number; endTime: number };
    assert.ok(profile.samples.length > 0, 'no samples');
    assert.ok(profile.nodes.length > 0 && profile.endTime > profile.startTime);

    const cwd = join(tmp, 'cwd');
    mkdirSync(cwd);
    const unnamed = await bastion(tmp, ['dump', String(pid), '--profile', '0.2'], cwd);
    assert.equal(unnamed.code, 0, unnamed.stderr);
    const [file, ...others] = readdirSync(cwd);
    assert.deepEqual(others, []);
    assert.match(file ?? '', new RegExp(`^bastion-${pid}-\\d{8}T\\d{6}Z\\.cpuprofile$`));
    assert.ok(unnamed.stdout.endsWith(` written to ${join(cwd, file!)}\n`), unnamed.stdout);
  });

  it("prints the app's worker threads too: a busy one's stack, an idle one said to be idle", async (t) => {
    const tmp = scratch(t);
    const running = start(t, tmp, fixture('worker-threads.mjs'), { args: ['forever'] });
    const pid = running.child.pid!;
    // Listened for from the start: the line may come before the socket is seen.
    const ids = firstLine(running.child);
    await waitForWatchdog(tmp, pid);
    const { spinner, sleeper } = JSON.parse(await ids) as { spinner: number; sleeper: number };
    const spinning = fixture('lib/spinning-worker.mjs');
    const text = await bastion(tmp, ['dump', String(pid)]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^pid \d+, main thread \(event loop last turned \d+ ms ago\):\n {4}at blockMain /);
    const site = markedLine(spinning, 'worker-site').line;
    assert.match(text.stdout, new RegExp(`\nthread ${spinner} \\(spinner\\):\n {4}at spinInWorker \\(${pathToFileURL(spinning).href}:${site}:\\d+\\)\n`));
    assert.match(text.stdout, new RegExp(`\nthread ${sleeper} \\(sleeper\\):\n {2}stack not captured: idle: no JavaScript ran within \\d+ ms`));
    const dump = JSON.parse((await bastion(tmp, ['dump', String(pid), '--json'])).stdout) as OnDemandDump;
    assert.deepEqual(
      dump.threads?.map(({ threadId, name, stackStatus }) => ({ threadId, name, stackStatus })),
      [
        { threadId: spinner, name: 'spinner', stackStatus: 'captured' },
        { threadId: sleeper, name: 'sleeper', stackStatus: 'unavailable' },
      ].sort((a, b) => a.threadId - b.threadId),
    );
  });

  it('says an idle main thread is waiting in the event loop', async (t) => {
    const tmp = scratch(t);
    const { child } = start(t, tmp, fixture('idle.mjs'));
    const pid = child.pid!;
    await waitForWatchdog(tmp, pid);
    const text = await bastion(tmp, ['dump', String(pid)]);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, `pid ${pid}, main thread: idle, waiting in the event loop (no JavaScript running)\n`);
    const dump = JSON.parse((await bastion(tmp, ['dump', String(pid), '--json'])).stdout) as OnDemandDump;
    assert.equal(dump.idle, true);
    assert.deepEqual(dump.stack, []);
    assert.deepEqual(dump.threads, []);
  });

  it('says what Linux shows of a main thread blocked in native code (a FIFO read)', async (t) => {
    const tmp = scratch(t);
    const fifo = join(tmp, 'nobody-writes');
    execFileSync('mkfifo', [fifo]);
    const running = start(t, tmp, fixture('fifo-read.mjs'), { args: [fifo, 'read'] });
    const pid = running.child.pid!;
    await waitForWatchdog(tmp, pid);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const text = await bastion(tmp, ['dump', String(pid)]);
    assert.equal(text.code, 0, text.stderr);
    assert.ok(text.elapsedMs < DUMP_WITHIN_MS, `took ${Math.round(text.elapsedMs)} ms`);
    assert.match(text.stdout, /\n {2}stack not captured: the main thread did not answer the inspector: it has been asleep in the read system call for \d+ ms\n/);
    assert.match(text.stdout, /\n {2}in system call: read/);
    assert.match(text.stdout, /\nworker threads: not read: the main thread's stack was not captured, and worker threads are reached through it\n/);
    // The pending pause was dropped: once the read returns, the app runs on undisturbed.
    execFileSync('sh', ['-c', 'echo hi > "$0"', fifo]);
    const result = await running.result;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${JSON.stringify({ read: 'hi\n' })}\n`);
  });

  it('answers with the stall dump while a stall is being handled (a main thread held in native code)', async (t) => {
    const tmp = scratch(t);
    const fifo = join(tmp, 'nobody-writes');
    execFileSync('mkfifo', [fifo]);
    const env = { BASTION_WATCHDOG_TIMEOUT_MS: '500', BASTION_WATCHDOG_GRACE_MS: '0' };
    const running = start(t, tmp, fixture('fifo-read.mjs'), { args: [fifo, 'read'], env });
    const pid = running.child.pid!;
    const [stall] = await waitForDumps(running.dir, 1, 15_000);
    assert.equal(stall?.stackStatus, 'native');
    const text = await bastion(tmp, ['dump', String(pid)]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^pid ${pid} is in a stall \\(event loop blocked \\d+ ms when detected\\), dump ${running.dir}/stall-\\S+\\.json; main thread:\n {2}stack not captured: `));
    const json = JSON.parse((await bastion(tmp, ['dump', String(pid), '--json'])).stdout) as { kind: string; time: string };
    assert.equal(json.kind, 'stall');
    assert.equal(json.time, stall.time);
    execFileSync('sh', ['-c', 'echo hi > "$0"', fifo]);
    assert.equal((await running.result).code, 0);
  });

  it('removes the socket when the process exits or stop() is called; a new watchdog removes those of dead processes', async (t) => {
    const tmp = scratch(t);
    const exited = await runFixture(fixture('exit-once-listening.mjs'), { env: { TMPDIR: tmp } });
    assert.equal(exited.code, 0, exited.stderr);
    const { socket, listening } = JSON.parse(exited.stdout) as { socket: string; listening: boolean };
    assert.equal(socket, socketOf(tmp, exited.pid));
    assert.equal(listening, true);
    assert.equal(existsSync(socket), false, 'socket left behind by process.exit()');

    const stopped = await runFixture(fixture('api/dump-socket-stop.mjs'), { env: { TMPDIR: tmp }, preload: false });
    assert.equal(stopped.code, 0, stopped.stderr);
    const report = JSON.parse(stopped.stdout) as Record<string, number | boolean>;
    assert.equal(report.listening, true);
    assert.equal(report.goneAfterStop, true);
    assert.equal(report.exitListenersRunning, (report.exitListenersBefore as number) + 1);
    assert.equal(report.exitListenersAfter, report.exitListenersBefore);

    // Killed by a signal it does not handle: nothing runs, and the socket stays...
    const killed = start(t, tmp, fixture('idle.mjs'));
    const killedSocket = socketOf(tmp, killed.child.pid!);
    await waitForWatchdog(tmp, killed.child.pid!);
    assert.equal((await bastion(tmp, ['dump', String(killed.child.pid)])).code, 0);
    assert.equal(existsSync(killedSocket), true);
    killed.child.kill('SIGTERM');
    await killed.result;
    assert.equal(existsSync(killedSocket), true);
    // ...until the next watchdog of this user starts.
    const next = start(t, tmp, fixture('idle.mjs'));
    await waitForWatchdog(tmp, next.child.pid!);
    await waitFor('the stale socket removed', () => !existsSync(killedSocket));
  });

  describe('errors: one line naming the pid, exit code not 0', () => {
    it('a pid that is not a process id, or no pid at all', async (t) => {
      const tmp = scratch(t);
      const notPid = await bastion(tmp, ['dump', '12ab']);
      assert.equal(notPid.code, 1);
      assert.equal(notPid.stderr, "bastion dump: '12ab' is not a process id\n");
      const none = await bastion(tmp, ['dump']);
      assert.equal(none.code, 1);
      assert.equal(none.stderr, 'bastion dump: needs a pid (bastion dump <pid>)\n');
    });

    it('no such process', async (t) => {
      const tmp = scratch(t);
      const gone = await runFixture(fixture('quick-exit.mjs'), { preload: false });
      const result = await bastion(tmp, ['dump', String(gone.pid)]);
      assertOneLineError(result, gone.pid, /^bastion dump: no process with pid \d+$/m);
    });

    it('a process without the watchdog (no socket)', async (t) => {
      const tmp = scratch(t);
      const { child } = start(t, tmp, fixture('idle.mjs'), { preload: false });
      await waitForLine(child, 'ready');
      const result = await bastion(tmp, ['dump', String(child.pid)]);
      assertOneLineError(result, child.pid!, /has no bastion watchdog \(no socket at .*bastion-\d+\.sock\)/);
    });

    it('a watchdog whose dump socket is off (BASTION_DUMP_SOCKET=0): a wake-up goes unanswered', async (t) => {
      const tmp = scratch(t);
      const { child } = start(t, tmp, fixture('idle.mjs'), { env: { BASTION_DUMP_SOCKET: '0' } });
      const pid = child.pid!;
      // As another watchdog of this user would have made it (this one, its socket off, makes none):
      // the CLI leaves its wake-up file there.
      mkdirSync(join(tmp, `bastion-watchdog-${uid}`), { mode: 0o700, recursive: true });
      await waitForWatchdog(tmp, pid);
      const result = await bastion(tmp, ['dump', String(pid)]);
      assertOneLineError(result, pid, /has no bastion watchdog \(no socket at .*bastion-\d+\.sock\); none appeared within 1500 ms of a wake-up request/);
      assert.equal(existsSync(socketOf(tmp, pid)), false);
      assert.equal(existsSync(join(tmp, `bastion-watchdog-${uid}`, `bastion-${pid}.wake`)), false, 'wake-up file left behind');
    });

    it("another user's process", async (t) => {
      const tmp = scratch(t);
      let pid = 1;
      if (uid === 0) {
        // As root, a process of its own for another user (nobody).
        const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60000)'], { uid: 65534, gid: 65534, stdio: 'ignore' });
        t.after(() => other.kill('SIGKILL'));
        pid = other.pid!;
      }
      const result = await bastion(tmp, ['dump', String(pid)]);
      assertOneLineError(result, pid, /belongs to another user.*: run bastion dump as that user$/m);
    });

    it('a stale socket (nothing listens on it)', async (t) => {
      const tmp = scratch(t);
      const { child } = start(t, tmp, fixture('idle.mjs'), { preload: false });
      await waitForLine(child, 'ready');
      const dir = join(tmp, `bastion-watchdog-${uid}`);
      mkdirSync(dir, { mode: 0o700 });
      chmodSync(dir, 0o700);
      const socket = socketOf(tmp, child.pid!);
      const holder = spawn(process.execPath, [fixture('stale-socket.mjs'), socket], { stdio: ['ignore', 'pipe', 'inherit'] });
      await waitForLine(holder, 'listening');
      holder.kill('SIGKILL');
      await once(holder, 'close');
      assert.ok(statSync(socket).isSocket());
      const result = await bastion(tmp, ['dump', String(child.pid)]);
      assertOneLineError(result, child.pid!, /stale socket .*: nothing listens on it/);
    });

    it('a process that does not answer (stopped with SIGSTOP): a timeout', async (t) => {
      const tmp = scratch(t);
      const { child } = start(t, tmp, fixture('idle.mjs'));
      const pid = child.pid!;
      await waitForWatchdog(tmp, pid);
      // Woken while it runs: a stopped process could not open its socket.
      assert.equal((await bastion(tmp, ['dump', String(pid)])).code, 0);
      child.kill('SIGSTOP');
      t.after(() => child.kill('SIGCONT'));
      const result = await bastion(tmp, ['dump', String(pid)]);
      assertOneLineError(result, pid, /no answer from its watchdog within 3000 ms/);
      assert.ok(result.elapsedMs < 6000, `took ${Math.round(result.elapsedMs)} ms`);
    });

    it('a socket directory that others can reach is not used', async (t) => {
      const tmp = scratch(t);
      const { child } = start(t, tmp, fixture('idle.mjs'));
      const pid = child.pid!;
      await waitForWatchdog(tmp, pid);
      assert.equal((await bastion(tmp, ['dump', String(pid)])).code, 0);
      chmodSync(join(tmp, `bastion-watchdog-${uid}`), 0o755);
      const result = await bastion(tmp, ['dump', String(pid)]);
      assertOneLineError(result, pid, /is not a private directory of this user/);
    });
  });
});
