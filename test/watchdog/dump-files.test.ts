// Dump files on disk: names, modes, atomic publication, retention, and what happens when the
// directory cannot be written. Real child processes with the watchdog preloaded.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pruneDumps } from '../../src/watchdog/dump.ts';
import { fixture, parseDumpName, parseWatchdogReport, readDumps, runFixture } from './harness.ts';

const scratch = mkdtempSync(join(tmpdir(), 'bastion-dump-files-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

// Thresholds and blocks are generous: on a starved machine the loop can lag for a few hundred ms
// on its own, and a stall must last long enough after detection for its stack to be taken.
function stalls(count: number, blockMs: number, env: Record<string, string | undefined> = {}): ReturnType<typeof runFixture> {
  return runFixture(fixture('api/stalls.mjs'), {
    env: {
      BASTION_WATCHDOG_TIMEOUT_MS: '500',
      STALL_COUNT: String(count),
      STALL_MS: String(blockMs),
      ...env,
    },
  });
}

describe('dump files', { concurrency: true }, () => {
  it('are named stall-<time>-<pid>-<seq>.json, mode 0600, in a 0700 directory, with no temp files left', async () => {
    const result = await stalls(2, 3000);
    assert.equal(result.code, 0, result.stderr);
    const files = readdirSync(result.dir).sort();
    // Each dump may have its stall profile beside it (tested in stall-profile.test.ts).
    const names = files.filter((name) => !name.endsWith('.cpuprofile'));
    for (const profile of files.filter((name) => name.endsWith('.cpuprofile'))) {
      assert.ok(names.includes(profile.replace(/\.cpuprofile$/, '.json')), `${profile} has no dump`);
      assert.equal(statSync(join(result.dir, profile)).mode & 0o777, 0o600, profile);
    }
    const report = parseWatchdogReport(result.stderr);
    assert.equal(names.length, report.stalls.length, `${names.join(', ')}\n${result.stderr}`);
    assert.equal(statSync(result.dir).mode & 0o777, 0o700);
    const pids = new Set<number>();
    const seqs: number[] = [];
    for (const name of names) {
      const parsed = parseDumpName(name);
      assert.ok(parsed, `unexpected file ${name}`);
      pids.add(parsed.pid);
      seqs.push(parsed.seq);
      assert.equal(statSync(join(result.dir, name)).mode & 0o777, 0o600, name);
      // The block's dump line names the file, and the file is complete JSON of the documented kind.
      assert.ok(report.stalls.some((stall) => stall.dumpPath === join(result.dir, name)), result.stderr);
      const dump = JSON.parse(readFileSync(join(result.dir, name), 'utf8')) as { kind: string; pid: number; time: string };
      assert.equal(dump.kind, 'stall');
      assert.equal(dump.pid, parsed.pid);
      // The name's timestamp is the dump's time, to the second.
      assert.equal(parsed.time, dump.time.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z'));
    }
    assert.equal(pids.size, 1);
    assert.deepEqual(seqs.sort((a, b) => a - b), seqs.map((_, index) => index + 1));
    const blamed = result.dumps.filter((dump) => dump.stack[0]?.functionName === 'blockEventLoop');
    assert.equal(blamed.length, 2, result.stderr);
    // Each stall is reported once, and its recovery once after it.
    const events = result.stderr
      .split('\n')
      .filter((line) => line.startsWith('bastion watchdog: event loop '))
      .map((line) => line.split(' ')[4]);
    assert.deepEqual(events, events.map((_, index) => (index % 2 === 0 ? 'stalled' : 'recovered')), result.stderr);
  });

  it('keep at most maxDumps files, deleting the oldest and nothing that is not a dump', async () => {
    const dir = join(scratch, 'count');
    mkdirSync(dir, { mode: 0o700 });
    const foreign = ['notes.txt', 'stall-notes.json', 'stall-20200101T000000Z-1-1.json.bak'];
    for (const name of foreign) writeFileSync(join(dir, name), 'not ours');
    const result = await stalls(4, 2000, { BASTION_WATCHDOG_DIR: dir, BASTION_WATCHDOG_MAX_DUMPS: '2' });
    assert.equal(result.code, 0, result.stderr);
    const reported = parseWatchdogReport(result.stderr).stalls.length;
    assert.ok(reported >= 4, result.stderr);
    const names = readdirSync(dir);
    for (const name of foreign) assert.ok(names.includes(name), `${name} was deleted`);
    const seqs = names.flatMap((name) => parseDumpName(name)?.seq ?? []);
    assert.deepEqual(seqs.sort((a, b) => a - b), [reported - 1, reported]);
  });

  it('keep at most maxDumpBytes, but always the dump just written', async () => {
    const dir = join(scratch, 'bytes');
    const result = await stalls(3, 2000, { BASTION_WATCHDOG_DIR: dir, BASTION_WATCHDOG_MAX_DUMP_BYTES: '1' });
    assert.equal(result.code, 0, result.stderr);
    const reported = parseWatchdogReport(result.stderr).stalls.length;
    assert.ok(reported >= 3, result.stderr);
    assert.deepEqual(readdirSync(dir).filter((name) => !name.endsWith('.cpuprofile')).map((name) => parseDumpName(name)?.seq), [reported]);
  });

  it('are not written when the directory cannot be made: one line per stall, and the app keeps running', async () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, '');
    const dir = join(file, 'dumps');
    const result = await stalls(2, 3000, { BASTION_WATCHDOG_DIR: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'stalls done: 2\n');
    const { stalls: blocks } = parseWatchdogReport(result.stderr);
    const reported = blocks.length;
    assert.ok(reported >= 2, result.stderr);
    const failures = result.stderr.split('\n').filter((line) => line.includes('cannot write dump'));
    assert.equal(failures.length, reported, result.stderr);
    for (const line of failures) assert.match(line, new RegExp(`^bastion watchdog: cannot write dump to ${dir}: ENOTDIR\\b`));
    // The stall blocks still went out, with their stacks, but without a dump line.
    assert.equal(blocks.filter((block) => block.frames[0]?.startsWith('blockEventLoop (')).length, 2, result.stderr);
    assert.ok(blocks.every((block) => block.dumpPath === undefined), result.stderr);
  });

  // mkdir under /proc says ENOENT although /proc exists; Node's recursive mkdirSync loops on that for ever.
  it('under /proc, which takes no new directories: one line, and stop() still resolves', { skip: process.platform !== 'linux' }, async () => {
    const dir = '/proc/bastion-test/dumps';
    const result = await runFixture(fixture('api/api-stall.mjs'), {
      preload: false,
      env: { WATCHDOG_OPTIONS: JSON.stringify({ timeoutMs: 500, dir }), STALL_MS: '2000' },
      timeoutMs: 30_000,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'stopped\n');
    const failures = result.stderr.split('\n').filter((line) => line.includes('cannot write dump'));
    assert.deepEqual(failures, [
      `bastion watchdog: cannot write dump to ${dir}: ENOENT: mkdir fails although /proc exists (a file system that takes no new directories, such as /proc)`,
    ]);
    assert.equal(parseWatchdogReport(result.stderr).stalls.length, 1, result.stderr);
  });

  it('go by default to a private <tmpdir>/bastion-watchdog-<uid>, which is refused when others can write it', async () => {
    const temp = join(scratch, 'tmp');
    mkdirSync(temp);
    const uid = process.getuid?.() ?? 'user';
    const fresh = await stalls(1, 3000, { TMPDIR: temp, BASTION_WATCHDOG_DIR: undefined });
    const dir = join(temp, `bastion-watchdog-${uid}`);
    assert.equal(statSync(dir).mode & 0o777, 0o700, fresh.stderr);
    const written = readDumps(dir).length;
    assert.ok(written >= 1, fresh.stderr);

    chmodSync(dir, 0o777);
    const shared = await stalls(1, 3000, { TMPDIR: temp, BASTION_WATCHDOG_DIR: undefined });
    assert.equal(shared.code, 0);
    assert.match(shared.stderr, new RegExp(`bastion watchdog: cannot write dump to ${dir}: .*not a private directory`));
    assert.equal(readDumps(dir).length, written);
  });
});

describe('pruneDumps', () => {
  it('deletes oldest first by modification time, then by name', () => {
    const dir = mkdtempSync(join(scratch, 'prune-'));
    const names = ['stall-20260101T000000Z-9-3.json', 'stall-20260101T000000Z-9-1.json', 'stall-20260101T000000Z-9-2.json'];
    names.forEach((name, index) => {
      writeFileSync(join(dir, name), '{}');
      // Modification order differs from name order: seq 3 is the oldest file.
      utimesSync(join(dir, name), 1_000 + index, 1_000 + index);
    });
    pruneDumps({ dir, mustBePrivate: false, maxDumps: 2, maxDumpBytes: 1_000 }, 'stall-20260101T000000Z-9-2.json');
    assert.deepEqual(readdirSync(dir).sort(), ['stall-20260101T000000Z-9-1.json', 'stall-20260101T000000Z-9-2.json']);
  });

  it('deletes a dump\'s profile with it, and counts its bytes', () => {
    const dir = mkdtempSync(join(scratch, 'prune-'));
    const [old, kept] = ['stall-20260101T000000Z-9-1', 'stall-20260101T000000Z-9-2'];
    writeFileSync(join(dir, `${old}.json`), '{}');
    writeFileSync(join(dir, `${old}.cpuprofile`), 'x'.repeat(600));
    writeFileSync(join(dir, `${kept}.json`), '{}');
    writeFileSync(join(dir, `${kept}.cpuprofile`), 'x'.repeat(600));
    utimesSync(join(dir, `${old}.json`), 1_000, 1_000);
    // Two dumps are within maxDumps, but not within the bytes once their profiles count.
    pruneDumps({ dir, mustBePrivate: false, maxDumps: 20, maxDumpBytes: 1_000 }, `${kept}.json`);
    assert.deepEqual(readdirSync(dir).sort(), [`${kept}.cpuprofile`, `${kept}.json`]);
  });

  it("removes temp files a dead writer left behind, but not a live writer's, nor look-alikes", () => {
    const dir = mkdtempSync(join(scratch, 'prune-'));
    const stale = '.stall-20260101T000000Z-9-1.json.0a1b2c3d4e5f.tmp';
    const fresh = '.stall-20260101T000000Z-9-2.json.0a1b2c3d4e5f.tmp';
    const lookAlike = '.stall-notes.tmp';
    for (const name of [stale, fresh, lookAlike]) writeFileSync(join(dir, name), '{');
    utimesSync(join(dir, stale), 1_000, 1_000);
    utimesSync(join(dir, lookAlike), 1_000, 1_000);
    pruneDumps({ dir, mustBePrivate: false, maxDumps: 20, maxDumpBytes: 1_000 }, 'none');
    assert.deepEqual(readdirSync(dir).sort(), [fresh, lookAlike].sort());
  });
});
