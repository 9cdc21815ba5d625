// Shared by the end-to-end tests: this package packed and installed from its tarball, as a new
// user gets it, and services made from it with `npx bastion new`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const INSTALL_MS = 10 * 60_000;

/** Runs a command to completion; fails the test with its output when it does not exit 0. */
export function run(cwd: string, command: string, args: string[], timeout = INSTALL_MS, env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, CI: '1', ...env } });
  const output = `${result.stdout}\n${result.stderr}`;
  assert.equal(result.status, 0, `\`${command} ${args.join(' ')}\` in ${cwd} ended with ${result.status ?? result.signal}:\n${output.slice(-4000)}`);
  return output;
}

export interface Consumer {
  /** The packed tarball of this package. */
  tarball: string;
  /** A project with the tarball installed, where `npx bastion` runs. */
  dir: string;
}

/** Packs this package into `scratch` and installs the tarball in a new project there. */
export function packAndInstall(scratch: string): Consumer {
  run(ROOT, 'npm', ['pack', '--pack-destination', scratch], 120_000);
  const tarball = join(scratch, readdirSync(scratch).find((name) => name.endsWith('.tgz')) ?? '');
  const dir = join(scratch, 'consumer');
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), '{ "name": "consumer", "private": true }\n');
  run(dir, 'npm', ['install', '--no-audit', '--no-fund', tarball]);
  return { tarball, dir };
}

/**
 * `npx bastion new <name>` in the consumer, installed from the registry; returns its directory.
 * No --bastion-spec: the default must be the tarball the consumer installed bastion from, since
 * the registry does not have this version.
 */
export function newService(consumer: Consumer, name: string, kind: 'http' | 'worker'): string {
  run(consumer.dir, 'npx', ['--no-install', 'bastion', 'new', name, '--yes', '--kind', kind]);
  const dir = join(consumer.dir, name);
  const { devDependencies } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  assert.equal(devDependencies['generator-bastion'], `file:${consumer.tarball}`);
  return dir;
}
