// The stall profile's design question, measured (docs/watchdog.md, "Stall profile"): does a CPU
// profile name the function of a busy loop, and what would a profiler kept running cost?
//
//   node bench/watchdog/stall-profile.ts [--rounds 7] [--runs 5]
//
// Attribution: apps/profile-case.mjs blocks its main thread in spinBusyLoop for 2.5 s; the
// profile blames the function with the most samples. 'mid' is the watchdog's design (started
// 800 ms into the stall), 'kept-<µs>' a profiler kept running from start-up at that interval.
// Cost: small CPU tasks for 4 s per process; tasks per CPU second and private memory against
// 'none' (the same profiler thread, idle), in rounds that alternate the order; medians.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from '../shared/stats.ts';

const CASE = fileURLToPath(new URL('apps/profile-case.mjs', import.meta.url));
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' }, runs: { type: 'string', default: '5' } } });
const rounds = Number(values.rounds);
const runs = Number(values.runs);

function run<T>(setup: string, job: string): T {
  return JSON.parse(execFileSync(process.execPath, [CASE, setup, job], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as T;
}

console.log(`${process.version}, ${runs} stalls per design`);
console.log('design           culprit named   blamed instead');
for (const setup of ['mid', 'kept-100000', 'kept-1000000']) {
  const blamed = Array.from({ length: runs }, () => run<{ blamed: string }>(setup, 'stall').blamed);
  const named = blamed.filter((name) => name === 'spinBusyLoop').length;
  const others = [...new Set(blamed.filter((name) => name !== 'spinBusyLoop'))].join(', ');
  console.log(`${setup.padEnd(16)} ${`${named}/${runs}`.padEnd(15)} ${others}`);
}

interface Work {
  tasks: number;
  cpuMs: number;
  anonMiB: number;
}
const setups = ['none', 'kept-100000', 'kept-1000000'];
const ratios = new Map<string, number[]>(setups.map((setup) => [setup, []]));
const extraMiB = new Map<string, number[]>(setups.map((setup) => [setup, []]));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? setups : [...setups].reverse();
  const results = new Map(order.map((setup) => [setup, run<Work>(setup, 'work')]));
  const base = results.get('none')!;
  for (const [setup, work] of results) {
    ratios.get(setup)!.push(work.tasks / work.cpuMs / (base.tasks / base.cpuMs));
    extraMiB.get(setup)!.push(work.anonMiB - base.anonMiB);
  }
}
console.log(`\ncost, median of ${rounds} rounds (tasks per CPU second against 'none'; private MiB added)`);
for (const setup of setups) {
  console.log(`${setup.padEnd(16)} ${median(ratios.get(setup)!)?.toFixed(3)}   +${median(extraMiB.get(setup)!)?.toFixed(2)} MiB`);
}
