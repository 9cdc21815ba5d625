// `bastion new` and `bastion add` as a user runs them: the real bin in a real process, stdin an
// open pipe (where a prompt would hang), one line for each mistake, nothing written after one.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { bastion, listFiles, readJson } from './helpers.ts';

const scratch = mkdtempSync(join(tmpdir(), 'bastion-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let count = 0;
function freshDir(): string {
  const dir = join(scratch, String(++count));
  mkdirSync(dir);
  return dir;
}

const SPEC = 'file:/tmp/generator-bastion.tgz';
const NEW = ['--skip-install', '--bastion-spec', SPEC];

/** Path → [mtime, contents] of every file, to tell whether a run changed anything. */
function snapshot(root: string): Map<string, [number, string]> {
  return new Map(listFiles(root).map((file) => [file, [statSync(join(root, file)).mtimeMs, readFileSync(join(root, file), 'utf8')]]));
}

describe('bastion new', () => {
  test('--help lists every option', async () => {
    const { code, stdout } = await bastion(scratch, ['new', '--help']);
    assert.equal(code, 0);
    assert.match(stdout, /^Usage: bastion new \[options\] \[name\]/);
    for (const option of ['--yes', '--kind', '--port', '--description', '--package-manager', '--bastion-spec', '--skip-install', '--force']) {
      assert.match(stdout, new RegExp(`${option}\\b`), option);
    }
  });

  test('without a terminal it asks nothing, and prints the next commands', async () => {
    const dir = freshDir();
    const run = await bastion(dir, ['new', 'svc', ...NEW]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout + run.stderr, /Created svc, an HTTP service, in .*svc\. Next:\n {2}cd svc\n {2}npm install\n {2}npm run build\n/);
    assert.ok(listFiles(join(dir, 'svc')).includes('vendor/watchdog/register.js'));
  });

  for (const [label, args, message] of [
    ['an invalid name', ['new', 'Bad Name', '--yes'], /^bastion: invalid service name "Bad Name": .+\n$/],
    ['a path as the name', ['new', '../up', '--yes'], /^bastion: invalid service name "\.\.\/up": it must be a plain directory name.*\n$/],
    ['no name', ['new', '--yes'], /^bastion: a service name is required.*\n$/],
    ['an unknown kind', ['new', 'svc', '--kind', 'cron'], /^bastion: unknown --kind "cron": expected one of http, worker\n$/],
    ['a port out of range', ['new', 'svc', '--port', '99999'], /^bastion: invalid --port "99999": expected an integer from 1 to 65535\n$/],
    ['an unknown option', ['new', 'svc', '--colour'], /^bastion: unknown option '--colour'\n/],
  ] as const) {
    test(`${label}: one line, exit 1, nothing written`, async () => {
      const dir = freshDir();
      const run = await bastion(dir, [...args]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, message);
      assert.deepEqual(listFiles(dir), []);
    });
  }

  test('a directory it cannot write to: one line, nothing written', async (t) => {
    const dir = freshDir();
    const isRoot = process.getuid?.() === 0;
    // root may write anywhere: run as nobody (who may enter but not write); anyone else: take the write bit away.
    chmodSync(scratch, 0o755);
    chmodSync(dir, isRoot ? 0o755 : 0o555);
    t.after(() => chmodSync(dir, 0o755));
    const run = await bastion(dir, ['new', 'svc', ...NEW], isRoot ? { uid: 65534, env: { HOME: dir } } : {});
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /^bastion: cannot create .*svc: .* is not writable\n$/);
    assert.deepEqual(listFiles(dir), []);
  });

  test('run again with --yes on unmodified output, it changes no file', async () => {
    const dir = freshDir();
    assert.equal((await bastion(dir, ['new', 'svc', '--port', '4000', ...NEW])).code, 0);
    const before = snapshot(join(dir, 'svc'));
    const again = await bastion(dir, ['new', 'svc', '--yes', '--skip-install']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(snapshot(join(dir, 'svc')), before);
    assert.equal((readJson(join(dir, 'svc', '.yo-rc.json'))['generator-bastion'] as Record<string, unknown>)['port'], 4000);
  });

  test('a file the user edited is kept, and said so; --force overwrites it', async () => {
    const dir = freshDir();
    assert.equal((await bastion(dir, ['new', 'svc', ...NEW])).code, 0);
    const config = join(dir, 'svc', 'package.json');
    const generated = readFileSync(config, 'utf8');
    const edited = generated.replace('"dependencies": {', '"dependencies": {\n    "left-pad": "^1.3.0",');
    assert.notEqual(edited, generated);
    writeFileSync(config, edited);
    const kept = await bastion(dir, ['new', 'svc', '--yes', '--skip-install']);
    assert.equal(kept.code, 0, kept.stderr);
    assert.match(kept.stderr, /bastion: kept your changes to svc\/package\.json \(pass --force to overwrite them\)/);
    assert.equal(readFileSync(config, 'utf8'), edited);
    const forced = await bastion(dir, ['new', 'svc', '--yes', '--skip-install', '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(readFileSync(config, 'utf8'), generated);
  });
});

describe('bastion add', () => {
  function project(pkg: Record<string, unknown>, files: Record<string, string> = {}): string {
    const dir = freshDir();
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
    for (const [name, contents] of Object.entries(files)) writeFileSync(join(dir, name), contents);
    return dir;
  }

  test('watchdog: copies the module and loads it before the app; a second run changes nothing', async () => {
    const dir = project({ name: 'legacy', scripts: { start: 'node server.js --port 80' }, dependencies: { express: '^5.0.0' } });
    const run = await bastion(dir, ['add', 'watchdog', '--skip-install']);
    assert.equal(run.code, 0, run.stderr);
    const pkg = readJson(join(dir, 'package.json'));
    assert.deepEqual(pkg['scripts'], { start: 'node --import ./vendor/watchdog/register.js server.js --port 80' });
    assert.deepEqual(pkg['dependencies'], { express: '^5.0.0' }, 'the rest of package.json is kept');
    assert.ok(listFiles(dir).includes('vendor/watchdog/worker.js'));
    const before = snapshot(dir);
    assert.equal((await bastion(dir, ['add', 'watchdog', '--skip-install'])).code, 0);
    assert.deepEqual(snapshot(dir), before);
  });

  test('watchdog: an older copy is replaced', async () => {
    const dir = project({ name: 'old', scripts: { start: 'node app.js' } });
    mkdirSync(join(dir, 'vendor/watchdog'), { recursive: true });
    writeFileSync(join(dir, 'vendor/watchdog/index.js'), '// an older watchdog\n');
    const run = await bastion(dir, ['add', 'watchdog', '--skip-install']);
    assert.equal(run.code, 0, run.stderr);
    // The API's entry re-exports from the bundle it shares with the preload (scripts/bundle-watchdog.ts).
    assert.match(readFileSync(join(dir, 'vendor/watchdog/index.js'), 'utf8'), /\bstartWatchdog\b[^]*from "\.\/shared\.js"/);
    assert.match(readFileSync(join(dir, 'vendor/watchdog/shared.js'), 'utf8'), /function startWatchdog\(/);
  });

  test('watchdog: a start script that is not `node …` is left alone, with the line to add', async () => {
    const dir = project({ name: 'ts-node-app', scripts: { start: 'tsx src/main.ts' } });
    const run = await bastion(dir, ['add', 'watchdog', '--skip-install']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout + run.stderr, /node --import \.\/vendor\/watchdog\/register\.js <your entry point>/);
    assert.deepEqual(readJson(join(dir, 'package.json'))['scripts'], { start: 'tsx src/main.ts' });
  });

  test('lint: an ES module TypeScript project gets eslint.config.js with typescript-eslint', async () => {
    const dir = project({ name: 'esm', type: 'module', devDependencies: { typescript: '~6.0.3' } }, { 'tsconfig.json': '{}' });
    const run = await bastion(dir, ['add', 'lint', '--skip-install', '--bastion-spec', '^0.2.0']);
    assert.equal(run.code, 0, run.stderr);
    const pkg = readJson(join(dir, 'package.json'));
    assert.deepEqual(Object.keys(pkg['devDependencies'] as object).sort(), ['eslint', 'generator-bastion', 'typescript', 'typescript-eslint']);
    assert.equal((pkg['devDependencies'] as Record<string, string>)['generator-bastion'], '^0.2.0');
    assert.deepEqual(pkg['scripts'], { lint: 'eslint .' });
    assert.match(readFileSync(join(dir, 'eslint.config.js'), 'utf8'), /tseslint\.configs\.recommended,\n {2}bastion\.configs\.recommended/);
  });

  test('lint: a CommonJS project gets eslint.config.mjs, without typescript-eslint, its lint script kept', async () => {
    const dir = project({ name: 'cjs', scripts: { lint: 'eslint src' } });
    const run = await bastion(dir, ['add', 'lint', '--skip-install', '--bastion-spec', SPEC]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(listFiles(dir), ['eslint.config.mjs', 'package.json']);
    assert.doesNotMatch(readFileSync(join(dir, 'eslint.config.mjs'), 'utf8'), /typescript/);
    assert.deepEqual(readJson(join(dir, 'package.json'))['scripts'], { lint: 'eslint src' });
  });

  test("lint: the project's own ESLint config is left alone, with what to add to it", async () => {
    const dir = project({ name: 'own' }, { 'eslint.config.cjs': 'module.exports = [];\n' });
    const run = await bastion(dir, ['add', 'lint', '--skip-install', '--bastion-spec', SPEC]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout + run.stderr, /eslint\.config\.cjs is the project's own and is left as it is/);
    assert.equal(readFileSync(join(dir, 'eslint.config.cjs'), 'utf8'), 'module.exports = [];\n');
  });

  for (const part of ['watchdog', 'lint']) {
    test(`${part}: outside a project, one line and nothing written`, async () => {
      const dir = freshDir();
      const run = await bastion(dir, ['add', part, '--skip-install']);
      assert.equal(run.code, 1);
      assert.match(run.stderr, new RegExp(`^bastion: no package\\.json in .*: run \`bastion add ${part}\` in a project's root\\n$`));
      assert.deepEqual(listFiles(dir), []);
    });
  }

  test('an unknown part prints the usage', async () => {
    const run = await bastion(scratch, ['add', 'docker']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^bastion: unknown part 'docker'\n\nUsage: bastion add <part>/);
  });
});

test('on a Node older than the generators need: one line naming the version', async (t) => {
  // The machine's own Node (CI's is 20), found on PATH behind the project's toolchain.
  const old = (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((dir) => !dir.includes('node_modules'))
    .map((dir) => join(dir, 'node'))
    .find((node) => {
      const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
      const [major = 0, minor = 0] = version.slice(1).split('.').map(Number);
      return version !== '' && (major < 22 || (major === 22 && minor < 18));
    });
  if (old === undefined) return t.skip('no Node older than 22.18 on this machine');
  const run = await bastion(scratch, ['new', 'svc', '--yes'], { node: old });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^bastion: bastion new needs Node \^22\.18\.0 \|\| >=24\.11\.0; this is Node v\d+\.\d+\.\d+\n$/);
});
