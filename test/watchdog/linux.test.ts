// What the watchdog reads from Linux about a main thread stuck in native code: the decoding of
// /proc/<pid>/task/<tid>/syscall lines (including malformed ones) and a live read of this process.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { describeSyscall, mayWakeForInterrupt, readThreadActivity } from '../../src/watchdog/linux.ts';
import type { ThreadActivity } from '../../src/watchdog/linux.ts';
import type { NativeState } from '../../src/watchdog/schema.ts';

const onLinux = process.platform === 'linux';

describe('describeSyscall', () => {
  const cases: [string, NodeJS.Architecture, ReturnType<typeof describeSyscall>][] = [
    ['0 0x1a 0x7ffd2c1e8f40 0x10000 0x0 0x0 0x0 0x7ffd2c1e8e18 0x7f3a9c51a7e2', 'x64', { name: 'read', fd: 26 }],
    ['1 0x2 0x55d0 0x40 0x0 0x0 0x0 0x7ffd 0x7f3a', 'x64', { name: 'write', fd: 2 }],
    ['45 0x11 0x7f00 0x10000 0x0 0x0 0x0 0x7ffd 0x7f3a', 'x64', { name: 'recvfrom', fd: 17 }],
    ['257 0xffffff9c 0x7ffd 0x0 0x0 0x0 0x0 0x7ffd 0x7f3a', 'x64', { name: 'openat' }],
    ['2 0x0 0x0 0x0 0x0 0x0 0x0 0x7ffd 0x7f3a', 'x64', { name: 'open' }], // a null path pointer is not read
    ['56 0xffffff9c 0x10 0x0 0x0 0x0 0x0 0xffffd 0xffff8', 'arm64', { name: 'openat' }], // nor an unmapped one
    ['202 0x7f3a 0x80 0x0 0x0 0x0 0x0 0x7ffd 0x7f3a', 'x64', { name: 'futex' }],
    ['63 0x5 0xffff 0x400 0x0 0x0 0x0 0xffffd 0xffff8', 'arm64', { name: 'read', fd: 5 }],
    ['0 0x5 0x0 0x0 0x0 0x0 0x0 0x0 0x0', 'arm64', { name: 'syscall 0' }], // io_setup there, not read
    ['999 0x1 0x0 0x0 0x0 0x0 0x0 0x0 0x0', 'x64', { name: 'syscall 999' }],
    ['0 0x3', 'riscv64', { name: 'syscall 0' }], // no table for this architecture
    ['running', 'x64', { name: 'running' }],
    ['-1 0x7ffd2c1e8e18 0x7f3a9c51a7e2', 'x64', { name: 'none (blocked outside a system call)' }],
    ['0', 'x64', { name: 'read' }], // truncated: no argument to read an fd from
    ['0 zzz', 'x64', { name: 'read' }],
    ['', 'x64', { name: 'unknown' }],
    ['garbage here', 'x64', { name: 'unknown' }],
  ];
  for (const [line, arch, expected] of cases) {
    it(`decodes ${JSON.stringify(line)} on ${arch}`, () => {
      assert.deepEqual(describeSyscall(line, arch), expected);
    });
  }

  it('reads no fd for poll() whose pollfd address cannot be read, and does not throw', { skip: !onLinux }, () => {
    assert.deepEqual(describeSyscall('7 0x0 0x1 0xffffffff 0x0 0x0 0x0 0x0 0x0', 'x64'), { name: 'poll' });
    assert.deepEqual(describeSyscall('7 0xffffffffffffff00 0x1 0x0', 'x64'), { name: 'poll' });
  });
});

describe('mayWakeForInterrupt', () => {
  it('is true for futex, where Atomics.wait sleeps, and false for a read or openat', () => {
    assert.equal(mayWakeForInterrupt('202 0x7f3a 0x80 0x0 0x0 0x0 0x0 0x7ffd 0x7f3a', 'x64'), true);
    assert.equal(mayWakeForInterrupt('98 0xffff 0x80 0x0 0x0 0x0 0x0 0xffffd 0xffff8', 'arm64'), true);
    assert.equal(mayWakeForInterrupt('0 0x1a 0x7ffd2c1e8f40 0x10000 0x0 0x0 0x0 0x7ffd 0x7f3a', 'x64'), false);
    assert.equal(mayWakeForInterrupt('56 0xffffff9c 0xffff 0x0 0x0 0x0 0x0 0xffffd 0xffff8', 'arm64'), false);
  });

  it('is true for any call on an architecture whose futex number it does not know', () => {
    assert.equal(mayWakeForInterrupt('63 0x5 0xffff 0x400 0x0 0x0 0x0 0xffffd 0xffff8', 'riscv64'), true);
  });
});

describe('readNativeState', { skip: !onLinux }, () => {
  it('describes a main thread asleep in a system call, as seen from another thread', async () => {
    // The main thread blocks in Atomics.wait (a futex) while a worker reads its state, then wakes it.
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const linux = new URL('../../src/watchdog/linux.ts', import.meta.url).href;
    const worker = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
      import(workerData.linux).then(({ readNativeState, readThreadActivity }) => {
        const signal = new Int32Array(workerData.buffer);
        while (Atomics.load(signal, 0) === 0);
        setTimeout(() => {
          parentPort.postMessage([readNativeState(workerData.pid), readThreadActivity(workerData.pid)]);
          Atomics.store(signal, 0, 2);
          Atomics.notify(signal, 0);
        }, 200);
      });`,
      { eval: true, workerData: { linux, buffer: signal.buffer, pid: process.pid } },
    );
    const message = once(worker, 'message');
    Atomics.store(signal, 0, 1);
    assert.equal(Atomics.wait(signal, 0, 1, 10_000), 'ok');
    const [[state, activity]] = (await message) as [[NativeState, ThreadActivity]];
    await worker.terminate();
    assert.equal(state.tid, process.pid);
    if (process.arch === 'x64' || process.arch === 'arm64') assert.equal(state.syscall, 'futex');
    assert.equal(state.blockedFd, undefined);
    const fds = new Map(state.fds.map(({ fd, target }) => [fd, target]));
    for (const fd of [0, 1, 2]) assert.equal(typeof fds.get(fd), 'string', `fd ${fd}`);
    assert.ok(state.fds.length <= 64);
    assert.equal(activity.runnable, false);
    const call = activity.sleepingIn ?? assert.fail('asleep in no system call');
    if (process.arch === 'x64' || process.arch === 'arm64') assert.equal(describeSyscall(call, process.arch).name, 'futex');
  });
});

describe('readThreadActivity', { skip: !onLinux }, () => {
  it('sees this thread as runnable, and counts the CPU time it uses', () => {
    const before = readThreadActivity() ?? assert.fail('no activity read');
    assert.equal(before.runnable, true);
    assert.equal(before.sleepingIn, undefined);
    // Spin until the thread has used 200 ms more CPU by its own clock; Linux counts in 10 ms steps.
    const start = process.threadCpuUsage();
    while (usedMs(process.threadCpuUsage(start)) < 200);
    const after = readThreadActivity() ?? assert.fail('no activity read');
    const counted = after.cpuMs - before.cpuMs;
    assert.ok(counted >= 150 && counted <= 400, `counted ${counted} ms for 200 ms of CPU`);
  });

  it('reads nothing for a thread that is not in this process', () => {
    assert.equal(readThreadActivity(2 ** 22 + 1), undefined);
  });
});

function usedMs({ user, system }: NodeJS.CpuUsage): number {
  return (user + system) / 1000;
}
