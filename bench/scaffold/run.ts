// `npm run bench:scaffold`: how long `bastion new <name> --yes --skip-install` takes, and where the
// time goes, against two anchors measured in the same interleaved rounds: a bare `node` start, and
// a process that only imports yeoman-environment (the floor any Yeoman-based scaffolder pays).
// Cold runs get an empty compile cache; warm runs reuse the one the previous round left. Prints
// medians and ratios. Environment: BENCH_SCAFFOLD_ROUNDS (default 10).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../shared/stats.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/cli/index.js');
const ROUNDS = Number(process.env['BENCH_SCAFFOLD_ROUNDS'] ?? 10);
const scratch = mkdtempSync(join(tmpdir(), 'bastion-bench-scaffold-'));
const warmCache = join(scratch, 'compile-cache');

interface Subject {
  name: string;
  args: (round: number) => string[];
  cache: (round: number) => string;
}

const subjects: Subject[] = [
  { name: 'node -e 0 (process start)', args: () => ['-e', '0'], cache: () => warmCache },
  {
    name: 'import yeoman-environment only',
    args: () => ['--input-type=module', '-e', `module.enableCompileCache?.(); await import(${JSON.stringify(join(ROOT, 'node_modules/yeoman-environment/dist/index.js'))})`],
    cache: () => warmCache,
  },
  { name: 'bastion new (cold compile cache)', args: (round) => [BIN, 'new', `cold-${round}`, '--yes', '--skip-install'], cache: (round) => join(scratch, `cold-cache-${round}`) },
  { name: 'bastion new (warm compile cache)', args: (round) => [BIN, 'new', `warm-${round}`, '--yes', '--skip-install'], cache: () => warmCache },
];

/** Wall time of one run: what a user waits for. */
function timeOnce(subject: Subject, round: number): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, subject.args(round), {
    cwd: scratch,
    encoding: 'utf8',
    env: { ...process.env, NODE_COMPILE_CACHE: subject.cache(round), CI: '1' },
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${subject.name} failed: ${result.stderr}`);
  return wallMs;
}

try {
  // One untimed round fills the warm cache.
  for (const subject of subjects) timeOnce(subject, -1);
  const wall = new Map(subjects.map((subject) => [subject.name, [] as number[]]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const subject of subjects) wall.get(subject.name)?.push(timeOnce(subject, round));
    process.stdout.write(`\rround ${round + 1}/${ROUNDS}`);
  }
  process.stdout.write('\n\n');
  const bastionWarm = median(wall.get('bastion new (warm compile cache)') ?? []) ?? NaN;
  console.log('| subject | median wall time | ratio to bastion new (warm) |');
  console.log('| --- | --- | --- |');
  for (const subject of subjects) {
    const ms = median(wall.get(subject.name) ?? []) ?? NaN;
    console.log(`| ${subject.name} | ${ms.toFixed(0)} ms | ${(ms / bastionWarm).toFixed(2)} |`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
