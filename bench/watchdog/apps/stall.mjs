// The stalling app for the detection runs: installs one subject, lets it warm up, then blocks the
// main thread on purpose, once per kind listed in BENCH_STALLS, with a quiet gap after each.
// Before each stall it writes `STALL {seq, kind, startedAt}` to stdout (synchronously, so the line
// is out while the loop is stuck) and `END {seq, endedAt}` afterwards.
//
// The culprit functions have distinct names so lib/detection.ts can tell whether a detector named them.
import { readFileSync } from 'node:fs';
import { createFastifyApp, emit, installSubject, subject, usesFastify, wallNow } from './subjects.mjs';

const kinds = JSON.parse(process.env.BENCH_STALLS ?? '["busy"]');
const stallMs = Number(process.env.BENCH_STALL_MS ?? 1500);
const gapMs = Number(process.env.BENCH_GAP_MS ?? 800);
const warmupMs = Number(process.env.BENCH_WARMUP_MS ?? 2000);
const firstSeq = Number(process.env.BENCH_SEQ_START ?? 0);
const fifoPath = process.env.BENCH_FIFO;

function spinBusyLoop(deadline) {
  let spins = 0;
  while (wallNow() < deadline) spins += 1;
  return spins;
}

// Nested quantifier: exponential backtracking on a non-matching tail. The input length is calibrated
// at start-up so one test takes >= 20 ms; the loop repeats it until the deadline.
const EVIL_PATTERN = /^(a+)+$/;
let evilInput = 'a'.repeat(16) + '!';
function calibrateRegex() {
  for (let length = 16; length < 40; length += 1) {
    evilInput = 'a'.repeat(length) + '!';
    const started = performance.now();
    EVIL_PATTERN.test(evilInput);
    if (performance.now() - started >= 20) return;
  }
}
function backtrackRegex(deadline) {
  let matches = 0;
  while (wallNow() < deadline) if (EVIL_PATTERN.test(evilInput)) matches += 1;
  return matches;
}

function waitOnAtomics(deadline) {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  return Atomics.wait(cell, 0, 0, Math.max(0, deadline - wallNow()));
}

// Blocks in open()/read() of a FIFO until lib/detection.ts writes to it after stallMs: a native call.
function readFifoSync() {
  return readFileSync(fifoPath, 'utf8');
}

const culprits = {
  busy: spinBusyLoop,
  regex: backtrackRegex,
  atomics: waitOnAtomics,
  fifo: readFifoSync,
};

function runStall(seq, kind) {
  const culprit = culprits[kind];
  if (culprit === undefined) throw new TypeError(`unknown stall kind ${JSON.stringify(kind)}`);
  if (kind === 'fifo' && fifoPath === undefined) throw new TypeError('BENCH_FIFO is required for fifo stalls');
  const startedAt = wallNow();
  emit('STALL', { seq, kind, startedAt, culprit: culprit.name });
  culprit(startedAt + stallMs);
  emit('END', { seq, endedAt: wallNow() });
}

// under-pressure can only answer when asked, and only once the loop runs again: poll its verdict
// right after each stall and report the first moment it says "under pressure". When it never does,
// say what the largest event-loop delay it computed was (it averages over each sample window).
function watchUnderPressure(app, seq) {
  const giveUpAt = wallNow() + gapMs * 0.8;
  let largestDelayMs = 0;
  const check = () => {
    largestDelayMs = Math.max(largestDelayMs, app.memoryUsage().eventLoopDelay);
    if (app.isUnderPressure()) emit('DETECTED', { at: wallNow(), seq, frames: [] });
    else if (wallNow() < giveUpAt) setTimeout(check, 2);
    else emit('NOTE', { seq, underPressure: false, largestEventLoopDelayMs: Math.round(largestDelayMs) });
  };
  setImmediate(check);
}

await installSubject();
const fastifyApp = usesFastify ? await createFastifyApp() : undefined;
await fastifyApp?.ready();
if (kinds.includes('regex')) calibrateRegex();

const keepAlive = setInterval(() => {}, 100);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

await sleep(warmupMs);
for (const [index, kind] of kinds.entries()) {
  const seq = firstSeq + index;
  runStall(seq, kind);
  if (subject === 'under-pressure') watchUnderPressure(fastifyApp, seq);
  await sleep(gapMs);
}
clearInterval(keepAlive);
// Sentry's and bastion's workers are unref'd; anything else left would be a finding, not a hang.
setTimeout(() => process.exit(0), 200).unref();
await fastifyApp?.close();
