#!/usr/bin/env node
// Makes a fresh clone usable with nothing but the machine's npm (whatever Node it has):
// installs the locked dependencies, which include the project's own Node toolchain (the
// `node` devDependency, put first on PATH by npm scripts), then builds dist/.
// Plain JavaScript on purpose: it runs before TypeScript and the pinned Node exist.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (path) => new URL(`../${path}`, import.meta.url);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(args) {
  const result = spawnSync(npm, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`provision: \`npm ${args.join(' ')}\` failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

// npm records what it installed in node_modules/.package-lock.json; reinstall when the
// lockfile is newer than that record (a pull, a branch switch) or the toolchain is missing.
const installed = at('node_modules/.package-lock.json');
const stale =
  !existsSync(installed) ||
  !existsSync(at('node_modules/.bin/node')) ||
  statSync(at('package-lock.json')).mtimeMs > statSync(installed).mtimeMs;
if (stale) {
  console.error('provision: installing dependencies and the Node toolchain (npm ci)…');
  run(['ci', '--no-audit', '--no-fund']);
}
run(['run', '-s', 'build']);
