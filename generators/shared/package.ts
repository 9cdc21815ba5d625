// Where this package's own files are, seen from the compiled generators (dist/generators/<name>/).
import { readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
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
 * The npm spec a generated project uses for this package by default: this very checkout when it
 * runs from a source tree (whose version is not published), the file npm installed it from when
 * that was a local tarball or directory (as a user trying a packed build has it), and the matching
 * release range when it came from a registry.
 */
export function defaultBastionSpec(): string {
  return bastionSpecFor(packagePath('.').replace(/[/\\]$/, ''), packageJson.version);
}

/** defaultBastionSpec() for a copy of this package in `dir`; exported for tests. */
export function bastionSpecFor(dir: string, version: string): string {
  const parts = dir.split(sep);
  const first = parts.indexOf('node_modules');
  if (first === -1) return `file:${dir}`;
  const projectRoot = parts.slice(0, first).join(sep) || sep;
  return installedFromFile(projectRoot, parts.slice(first).join('/')) ?? `^${version}`;
}

// npm's hidden lockfile in the installing project's node_modules records where each package came
// from; other package managers do not write it, and get the registry range.
function installedFromFile(projectRoot: string, key: string): string | undefined {
  let resolved: unknown;
  try {
    const lock = JSON.parse(readFileSync(join(projectRoot, 'node_modules', '.package-lock.json'), 'utf8')) as { packages?: Record<string, { resolved?: unknown }> };
    resolved = lock.packages?.[key]?.resolved;
  } catch {
    return undefined;
  }
  return typeof resolved === 'string' && resolved.startsWith('file:') ? `file:${resolve(projectRoot, resolved.slice('file:'.length))}` : undefined;
}
