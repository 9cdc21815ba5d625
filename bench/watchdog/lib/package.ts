// The package as users get it: `npm pack` of the built repo (dist/ must be current: `npm run build`),
// into a scratch directory under the OS tmpdir, never inside the repo.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../..', import.meta.url));

/** A fresh directory under the OS tmpdir, named `<prefix>-XXXXXX`. */
export function scratchDirectory(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

/** Packs the repo into `destination`; returns the tarball's path. */
export function packPackage(destination: string): string {
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', destination], { cwd: REPO, encoding: 'utf8' }).trim().split('\n').at(-1) ?? '';
  return join(destination, tarball);
}
