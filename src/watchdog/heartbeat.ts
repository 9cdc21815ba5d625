// The shared heartbeat: the main thread stores a monotonic timestamp from an unref'd interval,
// the watchdog worker reads it. process.hrtime is one clock for every thread of the process.
// The worker publishes its stall counts in the same buffer, so stats() reads them for free.

/** Slot indices in the heartbeat's BigInt64Array. */
export const HeartbeatSlot = {
  /** process.hrtime.bigint() of the main thread's latest tick (ns). */
  lastTickNs: 0,
  /** Set to 1 by stop() on the main thread: the worker judges no more stalls from then on. */
  stopped: 1,
  /** Written by the worker: stalls detected since start. */
  stalls: 2,
  /** Written by the worker: the longest stall so far (ms), updated while one goes on. */
  longestStallMs: 3,
  /** Written by the worker: 1 from a stall's detection until the worker sees the loop tick again. */
  stalled: 4,
  /** Written by the worker: the inode of the dump socket it listens on (0 while none), for its removal. */
  socketIno: 5,
} as const;

const SLOT_COUNT = Object.keys(HeartbeatSlot).length;

export function createHeartbeat(): SharedArrayBuffer {
  return new SharedArrayBuffer(SLOT_COUNT * BigInt64Array.BYTES_PER_ELEMENT);
}

/**
 * How often the main thread ticks and the worker checks: a tenth of the threshold, within
 * 5..250 ms. A reported stall is measured from the last tick, so it can exceed the real block by
 * up to one interval; the ceiling keeps that error small and the cost at four wake-ups a second.
 */
export function heartbeatIntervalMs(timeoutMs: number): number {
  return Math.min(250, Math.max(5, Math.round(timeoutMs / 10)));
}

/** A difference of two hrtime readings, in whole milliseconds. */
export function elapsedMs(fromNs: bigint, toNs: bigint): number {
  return Math.round(Number(toNs - fromNs) / 1e6);
}
