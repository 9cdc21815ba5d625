// Where this package's own files are, seen from the compiled generators (dist/generators/<name>/).
import { readFileSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = new URL('../../../', import.meta.url);

/** An absolute path inside this package. */
export function packagePath(relative: string): string {
  return fileURLToPath(new URL(relative, root));
}

export const packageJson = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as {
  name: string;
  version: string;
  engines: { node: string };
};

/** The name under which generators store their answers in a project's .yo-rc.json. */
export const CONFIG_KEY = packageJson.name;

/**
 * The npm spec a generated project uses for this package by default: the matching release range
 * when this package was installed from a registry, and this very checkout when it runs from a
 * source tree (whose version is not published), so a quick start from a clone installs.
 */
export function defaultBastionSpec(): string {
  const installed = packagePath('.').split(sep).includes('node_modules');
  return installed ? `^${packageJson.version}` : `file:${packagePath('.').replace(/[/\\]$/, '')}`;
}
