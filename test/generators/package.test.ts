// The default npm spec of generator-bastion in a generated project, for each way this package can
// have been installed: read from npm's hidden lockfile in a real directory layout.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type * as PackageModule from '../../generators/shared/package.ts';

// The compiled module (its paths are relative to dist/generators/shared/), typed by its source.
const { bastionSpecFor } = (await import(new URL('../../dist/generators/shared/package.js', import.meta.url).href)) as typeof PackageModule;

const scratch = mkdtempSync(join(tmpdir(), 'bastion-spec-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A project at `scratch/<name>` with this package installed, and `lock` as its hidden lockfile. */
function installedCopy(name: string, lock: string | undefined): string {
  const dir = join(scratch, name, 'node_modules', 'generator-bastion');
  mkdirSync(dir, { recursive: true });
  if (lock !== undefined) writeFileSync(join(scratch, name, 'node_modules', '.package-lock.json'), lock);
  return dir;
}

const lockResolving = (resolved: string): string =>
  JSON.stringify({ name: 'consumer', lockfileVersion: 3, packages: { 'node_modules/generator-bastion': { version: '0.2.0', resolved } } });

describe('the default bastion spec', () => {
  it('is the checkout itself when bastion runs from a source tree', () => {
    assert.equal(bastionSpecFor('/src/bastion', '0.2.0'), 'file:/src/bastion');
  });

  it('is the tarball npm installed it from, made absolute against the installing project', () => {
    const dir = installedCopy('from-tarball', lockResolving('file:../generator-bastion-0.2.0.tgz'));
    assert.equal(bastionSpecFor(dir, '0.2.0'), `file:${join(scratch, 'generator-bastion-0.2.0.tgz')}`);
  });

  it('keeps an absolute file: path (npx --package=<tarball> records one)', () => {
    const dir = installedCopy('npx-cache', lockResolving('file:/home/me/dist/generator-bastion-0.2.0.tgz'));
    assert.equal(bastionSpecFor(dir, '0.2.0'), 'file:/home/me/dist/generator-bastion-0.2.0.tgz');
  });

  it('is the release range after a registry install', () => {
    const dir = installedCopy('from-registry', lockResolving('https://registry.npmjs.org/generator-bastion/-/generator-bastion-0.2.0.tgz'));
    assert.equal(bastionSpecFor(dir, '0.2.0'), '^0.2.0');
  });

  for (const [title, lock] of [
    ['no hidden lockfile (another package manager)', undefined],
    ['a truncated lockfile', '{"packages": {"node_modules/gen'],
    ['a lockfile without this package', JSON.stringify({ packages: {} })],
    ['a lockfile whose entry has no string resolved', JSON.stringify({ packages: { 'node_modules/generator-bastion': { resolved: 42 } } })],
  ] as const) {
    it(`is the release range with ${title}`, () => {
      assert.equal(bastionSpecFor(installedCopy(title.replaceAll(' ', '-'), lock), '0.2.0'), '^0.2.0');
    });
  }
});
