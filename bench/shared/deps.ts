// Each benchmark keeps its tools (anchors, load generator, other lint plugins) in a package of its
// own under bench/, installed from that package's lockfile on first use: CI and `npm test` never
// need them.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function ensureBenchDependencies(benchDir: string): void {
  // npm writes this file last, so a half-finished install is retried.
  if (existsSync(join(benchDir, 'node_modules', '.package-lock.json'))) return;
  console.log(`installing benchmark dependencies: npm ci --prefix ${benchDir} (first run only) ...`);
  execFileSync('npm', ['ci', '--prefix', benchDir, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  console.log('benchmark dependencies installed.');
}
