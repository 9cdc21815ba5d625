// `node bench/lint/profile.ts <core|bastion|security> [passes] [step]`: lints the timed files (every
// step-th, default 4, as `npm run bench:lint` picks them) with one configuration, after a warm-up
// pass, `passes` times (default 3), for a profiler: `node --cpu-prof`, or valgrind's callgrind. With
// BENCH_PROFILE_GO=<file>, it prints its pid after the warm-up and waits for <file> to exist, so that
// a callgrind run started with --instr-atstart=no counts the linting only (`callgrind_control -i on`).
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { listTreeFiles } from '../../test/eslint-plugin/helpers/real-tree.ts';
import { createLinters, lintAll, loadTimedFiles, warmUpFiles } from './speed.ts';
import { speedSubjects } from './tools.ts';

const [name = '', passesArg = '3', stepArg = '4'] = process.argv.slice(2);
const subject = speedSubjects.find((candidate) => candidate.name === (name === 'core' ? name : `core + ${name}`));
const [passes, step] = [Number(passesArg), Number(stepArg)];
if (!subject || ![passes, step].every((value) => Number.isInteger(value) && value >= 1)) {
  throw new TypeError('usage: node bench/lint/profile.ts <core|bastion|security> [passes] [step]');
}

const files = loadTimedFiles(listTreeFiles(), step);
const linters = createLinters(subject, false);
await lintAll(linters, warmUpFiles(files));
await lintAll(linters, files);
const go = process.env['BENCH_PROFILE_GO'];
if (go) {
  console.log(`pid ${process.pid}: waiting for ${go}`);
  while (!existsSync(go)) await sleep(100);
}
const start = process.cpuUsage();
for (let pass = 0; pass < passes; pass++) await lintAll(linters, files);
const { user, system } = process.cpuUsage(start);
console.log(`${subject.name}: ${files.length} files, ${passes} passes, ${((user + system) / 1000).toFixed(0)} ms CPU`);
