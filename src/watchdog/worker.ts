// The watchdog thread's entry: what stays loaded for the life of the process. It watches the
// heartbeat and, for `bastion dump`, a wake-up file; everything that handles a stall or a request
// (the inspector, dump writing, source maps, the unix socket and node:net) is in worker-tasks.ts,
// loaded on the first stall or wake-up. Measured (docs/watchdog.md, "Memory"): loaded at start,
// those modules and a listening socket cost the idle process ~2.5 MiB private.
import { workerData } from 'node:worker_threads';
import { elapsedMs, HeartbeatSlot } from './heartbeat.js';
import type { WorkerData } from './protocol.js';
import type * as WorkerTasks from './worker-tasks.js';
import { removeSocket, removeStaleSockets } from './socket-path.js';

// Not `import`: as everywhere in the watchdog, built-ins through getBuiltinModule (see dump.ts).
const { lstatSync, mkdirSync, writeSync } = process.getBuiltinModule('node:fs');

/** A stall in progress, as this thread detected it. */
export interface Stall {
  /** The last tick before the stall; any other value in the slot means the loop ran again. */
  lastTickNs: bigint;
  seq: number;
  detectedAt: Date;
  /** How long the loop had not ticked when the stall was detected: the dump's clock. */
  stalledMs: number;
}

type Tasks = typeof WorkerTasks;

const data = workerData as WorkerData;
const { options } = data;
const heartbeat = new BigInt64Array(data.heartbeat);
const graceNs = BigInt(options.startupGraceMs) * 1_000_000n;
const thresholdNs = BigInt(options.timeoutMs) * 1_000_000n;
const uid = process.getuid?.();

let armed = false;
let seq = 0;
let current: Stall | undefined;
// Stalls are handled one after another, and a recovery is reported after its stall's dump.
let queue: Promise<void> = Promise.resolve();
let tasks: Promise<Tasks> | undefined;
// Set once a wake-up was seen: from then on the socket serves (or has said why it cannot).
let woken = false;

/** The stall being handled, for worker-tasks.ts: undefined once the loop has ticked again. */
export function currentStall(): Stall | undefined {
  return current;
}

function loadTasks(): Promise<Tasks> {
  tasks ??= import('./worker-tasks.js');
  return tasks;
}

// Also what keeps this thread alive: the worker's loop would otherwise end at once.
setInterval(check, data.intervalMs);

if (data.socket.enabled) prepareSocketDirectory();

/**
 * The private directory must be there for `bastion dump` to leave its wake-up file. Sockets left
 * by killed processes of this user go (a few syscalls, node:fs only), and one of this pid's, left
 * by an earlier process that had it. Whether the directory is private is checked at the wake-up.
 */
function prepareSocketDirectory(): void {
  try {
    mkdirSync(data.socket.dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      writeSync(2, `bastion watchdog: bastion dump off: ${error instanceof Error ? error.message : String(error)}\n`);
      woken = true;
      return;
    }
  }
  removeStaleSockets(data.socket.dir);
  removeSocket(data.socket.path);
}

function check(): void {
  if (Atomics.load(heartbeat, HeartbeatSlot.stopped) !== 0n) return;
  if (data.socket.enabled && !woken) lookForWakeUp();
  const lastTickNs = lastTick();
  if (current !== undefined) {
    if (lastTickNs === current.lastTickNs) {
      // Still stalled: reported once already; only its length so far goes on growing.
      recordLength(elapsedMs(lastTickNs, process.hrtime.bigint()));
      return;
    }
    const totalMs = elapsedMs(current.lastTickNs, lastTickNs);
    current = undefined;
    recordLength(totalMs);
    Atomics.store(heartbeat, HeartbeatSlot.stalled, 0n);
    enqueue((loaded) => loaded.reportRecovery(totalMs));
    return;
  }
  // Start-up: wait for the loop's first turn after startWatchdog() (the app's own modules load
  // before it) and for the grace period, so early JIT compilation is not mistaken for a stall.
  // A loop that never turns at all (a start-up stuck at top level) is judged once the grace
  // period and a whole threshold have passed: that hang is what a supervisor most needs to hear.
  const now = process.hrtime.bigint();
  if (!armed) {
    const sinceStartNs = now - data.startedNs;
    armed = (lastTickNs > data.startedNs && sinceStartNs >= graceNs) || sinceStartNs > graceNs + thresholdNs;
  }
  if (!armed) return;
  // Half the threshold without a tick: the stall path starts loading now, so that a stall that
  // reaches the threshold does not wait for its modules to compile (on a starved CPU, long enough
  // for a short stall to end before its stack is taken). A loop that late is worth the bytes.
  if (now - lastTickNs > thresholdNs / 2n) void loadTasks().catch(() => {});
  if (now - lastTickNs <= thresholdNs) return;
  const stall: Stall = { lastTickNs, seq: ++seq, detectedAt: new Date(), stalledMs: elapsedMs(lastTickNs, now) };
  current = stall;
  Atomics.add(heartbeat, HeartbeatSlot.stalls, 1n);
  Atomics.store(heartbeat, HeartbeatSlot.stalled, 1n);
  recordLength(stall.stalledMs);
  enqueue((loaded) => loaded.handleStall(stall));
}

/**
 * `bastion dump` asks for the socket by creating `bastion-<pid>.wake` in the private directory:
 * one lstat per heartbeat interval (at most 250 ms) until then. Only a file of this user's counts.
 */
function lookForWakeUp(): void {
  const wake = lstatSync(data.socket.wake, { throwIfNoEntry: false });
  if (wake === undefined || !wake.isFile() || (uid !== undefined && wake.uid !== uid)) return;
  woken = true;
  loadTasks().then(
    (loaded) => loaded.serve(),
    (error: unknown) => enqueue((loaded) => loaded.reportError(error)),
  );
}

function lastTick(): bigint {
  return Atomics.load(heartbeat, HeartbeatSlot.lastTickNs);
}

/** Publishes a stall's length for stats() if it is the longest yet (only this thread writes it). */
function recordLength(ms: number): void {
  if (BigInt(ms) > Atomics.load(heartbeat, HeartbeatSlot.longestStallMs)) Atomics.store(heartbeat, HeartbeatSlot.longestStallMs, BigInt(ms));
}

function enqueue(task: (loaded: Tasks) => unknown): void {
  queue = queue
    .then(async () => {
      await task(await loadTasks());
    })
    .catch(async (error: unknown) => {
      // Loading itself may have failed: then nothing can be formatted, and one plain line goes out.
      const loaded = await loadTasks().catch(() => undefined);
      if (loaded === undefined) writeSync(2, `bastion watchdog: stopped: ${String(error)}\n`);
      else loaded.reportError(error);
    });
}
