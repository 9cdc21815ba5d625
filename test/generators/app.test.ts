// The app generator in a real Yeoman environment (yeoman-test): answers from flags, prompts and
// stored config; the files it writes; and every bad input refused before anything is written.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import helpers from 'yeoman-test';
import { listFiles, readJson } from './helpers.ts';

const APP = new URL('../../dist/generators/app/index.js', import.meta.url).pathname;
const SPEC = 'file:/tmp/generator-bastion.tgz';

const ci = process.env['CI'];
const stdin: { isTTY?: boolean } = process.stdin;
afterEach(() => {
  delete stdin.isTTY;
  if (ci !== undefined) process.env['CI'] = ci;
});

/** As on a developer's terminal: the generator may prompt. */
function onTerminal(): void {
  stdin.isTTY = true;
  delete process.env['CI'];
}

/**
 * Runs the app generator without prompts (the tests' stdin is not a terminal). yeoman-test
 * forces overwrites by default; a user does not.
 */
function runApp(args: string[], options: Record<string, unknown> = {}) {
  return helpers.run(APP).withArguments(args).withOptions({ skipInstall: true, force: false, bastionSpec: SPEC, ...options } as Record<string, unknown>);
}

describe('bastion new: answers', () => {
  test('defaults: an http service on port 3000, with the watchdog and the lint config', async () => {
    const result = await runApp(['orders']);
    const root = join(result.cwd, 'orders');
    const pkg = readJson(join(root, 'package.json'));
    assert.equal(pkg['name'], 'orders');
    assert.deepEqual((pkg['devDependencies'] as Record<string, string>)['generator-bastion'], SPEC);
    assert.match((pkg['scripts'] as Record<string, string>)['start'] ?? '', /--import \.\/vendor\/watchdog\/register\.js/);
    assert.deepEqual(readJson(join(root, '.yo-rc.json'))['generator-bastion'], {
      name: 'orders',
      kind: 'http',
      port: 3000,
      description: 'A production-hardened Node.js service',
      packageManager: 'npm',
      bastionSpec: SPEC,
      version: readJson(new URL('../../package.json', import.meta.url).pathname)['version'],
    });
    const files = listFiles(root);
    for (const expected of ['vendor/watchdog/register.js', 'vendor/watchdog/shared.js', 'vendor/watchdog/worker.js', 'vendor/watchdog/worker-tasks.js', 'vendor/watchdog/index.d.ts', 'eslint.config.js', '.gitignore']) {
      assert.ok(files.includes(expected), `${expected} is written`);
    }
    assert.ok(!files.some((file) => file.endsWith('.map') || file.startsWith('_') || file.includes('/_')), 'no source maps, no undotted dotfiles');
    // The bundles only: the modules they were made of are not loaded.
    assert.ok(!files.includes('vendor/watchdog/options.js'), 'no unbundled module');
    assert.doesNotMatch(readFileSync(join(root, 'vendor/watchdog/index.js'), 'utf8'), /sourceMappingURL/);
  });

  test('flags set the kind, port, description and package manager', async () => {
    const result = await runApp(['jobs'], { kind: 'worker', port: '4100', description: 'Nightly "jobs"', packageManager: 'pnpm' });
    const stored = readJson(join(result.cwd, 'jobs', '.yo-rc.json'))['generator-bastion'] as Record<string, unknown>;
    assert.deepEqual([stored['kind'], stored['port'], stored['description'], stored['packageManager']], ['worker', 4100, 'Nightly "jobs"', 'pnpm']);
    assert.equal(readJson(join(result.cwd, 'jobs', 'package.json'))['description'], 'Nightly "jobs"');
  });

  test('the clinic.js scripts: an http service has them, a worker has not; clinic is never a dependency', async () => {
    for (const [kind, expected] of [['http', true], ['worker', false]] as const) {
      const root = join((await runApp([`svc-${kind}`], { kind })).cwd, `svc-${kind}`);
      const pkg = readJson(join(root, 'package.json'));
      const scripts = pkg['scripts'] as Record<string, string>;
      assert.equal(listFiles(root).includes('scripts/clinic.ts'), expected, kind);
      assert.deepEqual([scripts['doctor'], scripts['flame']], expected ? ['npm run build && node scripts/clinic.ts doctor', 'npm run build && node scripts/clinic.ts flame'] : [undefined, undefined]);
      const declared = Object.keys({ ...(pkg['dependencies'] as object), ...(pkg['devDependencies'] as object) });
      assert.deepEqual(declared.filter((name) => /clinic|autocannon/.test(name)), [], kind);
    }
  });

  test('a relative file: spec is made absolute against where the command ran', async () => {
    const result = await runApp(['rel'], { bastionSpec: 'file:../dist/pkg.tgz' });
    const pkg = readJson(join(result.cwd, 'rel', 'package.json'));
    assert.equal((pkg['devDependencies'] as Record<string, string>)['generator-bastion'], `file:${join(result.cwd, '../dist/pkg.tgz')}`);
  });

  test('on a terminal, it asks for what the flags did not give', async () => {
    onTerminal();
    const result = await runApp([], { port: '8080' }).withAnswers({ name: 'asked', description: 'Asked for', kind: 'worker', packageManager: 'yarn' });
    const stored = readJson(join(result.cwd, 'asked', '.yo-rc.json'))['generator-bastion'] as Record<string, unknown>;
    assert.deepEqual([stored['name'], stored['description'], stored['kind'], stored['port'], stored['packageManager']], ['asked', 'Asked for', 'worker', 8080, 'yarn']);
  });

  test('in CI it asks nothing, even on a terminal', async () => {
    stdin.isTTY = true;
    process.env['CI'] = 'true';
    const result = await runApp(['in-ci']).withAnswers({}, { throwOnMissingAnswer: true });
    assert.equal((readJson(join(result.cwd, 'in-ci', '.yo-rc.json'))['generator-bastion'] as Record<string, unknown>)['port'], 3000);
  });

  test('with --yes it asks nothing, even on a terminal', async () => {
    onTerminal();
    const result = await runApp(['quiet'], { yes: true }).withAnswers({}, { throwOnMissingAnswer: true });
    assert.equal((readJson(join(result.cwd, 'quiet', '.yo-rc.json'))['generator-bastion'] as Record<string, unknown>)['kind'], 'http');
  });
});

describe('bastion new: bad input writes nothing', () => {
  const badNames: [string, unknown, RegExp][] = [
    ['no name', undefined, /a service name is required/],
    ['an empty name', '', /a service name is required/],
    ['blank', '   ', /a service name is required/],
    ['a space', 'my service', /invalid service name "my service"/],
    ['upper case', 'MyService', /invalid service name "MyService"/],
    ['a path', '../escape', /plain directory name/],
    ['a nested path', 'a/b', /plain directory name/],
    ['a backslash', 'a\\b', /plain directory name/],
    ['dot-dot', '..', /plain directory name/],
    ['a scope', '@acme/orders', /plain directory name/],
    ['a leading dot', '.hidden', /invalid service name ".hidden"/],
    ['a reserved name', 'node_modules', /invalid service name "node_modules"/],
    ['a core module', 'http', /invalid service name "http"/],
    ['too long', 'x'.repeat(215), /invalid service name "x{10,}…"/],
  ];
  for (const [label, name, message] of badNames) {
    test(`name: ${label}`, async () => {
      const context = runApp(name === undefined ? [] : [name as string]);
      await assert.rejects(context, message);
      assert.deepEqual(readdirSync(context.targetDirectory ?? ''), []);
    });
  }

  const badOptions: [string, Record<string, unknown>, RegExp][] = [
    ['an unknown kind', { kind: 'lambda' }, /unknown --kind "lambda": expected one of http, worker/],
    ['port 0', { port: '0' }, /invalid --port "0"/],
    ['port 65536', { port: '65536' }, /invalid --port "65536"/],
    ['a fractional port', { port: '80.5' }, /invalid --port "80.5"/],
    ['a port that is not a number', { port: 'http' }, /invalid --port "http"/],
    ['a negative port', { port: '-1' }, /invalid --port "-1"/],
    ['a multi-line description', { description: 'one\ntwo' }, /control characters and line breaks/],
    ['an unknown package manager', { packageManager: 'bun' }, /unknown --package-manager "bun"/],
    ['an empty spec', { bastionSpec: '' }, /invalid --bastion-spec ""/],
    ['a spec with spaces', { bastionSpec: '^1 || rm -rf' }, /invalid --bastion-spec/],
  ];
  for (const [label, options, message] of badOptions) {
    test(`option: ${label}`, async () => {
      const context = runApp(['fine'], options);
      await assert.rejects(context, message);
      assert.deepEqual(readdirSync(context.targetDirectory ?? ''), []);
    });
  }

  test('a non-empty directory that bastion did not make is refused without --force', async () => {
    const context = runApp(['taken']).withFiles({ 'taken/notes.txt': 'mine' }).commitFiles();
    await assert.rejects(context, /taken exists and is not empty \(and not a service made by bastion\).*--force/);
    assert.deepEqual(listFiles(join(context.targetDirectory ?? '', 'taken')), ['notes.txt']);
  });

  test('with --force it writes into that directory and keeps the files it does not generate', async () => {
    const result = await runApp(['taken'], { force: true }).withFiles({ 'taken/notes.txt': 'mine' }).commitFiles();
    const files = listFiles(join(result.cwd, 'taken'));
    assert.ok(files.includes('notes.txt') && files.includes('package.json'));
  });

  test('a file where the directory would go is refused', async () => {
    const context = runApp(['occupied']).withFiles({ occupied: 'a file' }).commitFiles();
    await assert.rejects(context, /occupied exists and is not a directory/);
  });

  test('stored answers are checked like flags', async () => {
    const context = runApp(['stored']).withFiles({ 'stored/.yo-rc.json': { 'generator-bastion': { kind: 'lambda' } } }).commitFiles();
    await assert.rejects(context, /unknown --kind "lambda"/);
  });
});
