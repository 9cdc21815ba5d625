// Installs the anchors and the load generator into bench/watchdog/node_modules on first use.
// They are not root dependencies: CI and `npm test` never need them.
import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export async function ensureBenchDependencies(benchDir: string): Promise<void> {
  if (await exists(join(benchDir, 'node_modules'))) return;
  console.log(`installing benchmark dependencies: npm ci --prefix ${benchDir} (first run only) ...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const child = spawn(npm, ['ci', '--prefix', benchDir, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve, reject) => child.once('error', reject).once('exit', resolve));
  if (code !== 0) throw new Error(`npm ci --prefix ${benchDir} failed (exit ${String(code)}); see the output above`);
  console.log('benchmark dependencies installed.');
}
