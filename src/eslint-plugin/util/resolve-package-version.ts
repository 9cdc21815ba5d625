// Finds the version of a package as installed for the file being linted: Node's own resolution
// from the file's directory, so workspaces, nested node_modules and NODE_PATH-free setups all see
// what the program would load. Results are cached per directory and package for the process.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';

const cache = new Map<string, string | undefined>();

/**
 * The installed version of `packageName` seen from `filename` (relative names are taken from
 * `cwd`), or undefined when the package cannot be found or its manifest is unreadable.
 */
export function resolvePackageVersion(packageName: string, filename: string, cwd: string): string | undefined {
  const directory = isAbsolute(filename) ? dirname(filename) : resolve(cwd);
  const key = `${directory}\0${packageName}`;
  if (cache.has(key)) return cache.get(key);
  const version = readInstalledVersion(packageName, directory);
  cache.set(key, version);
  return version;
}

function readInstalledVersion(packageName: string, directory: string): string | undefined {
  // The file need not exist: createRequire only uses its directory as the resolution base. The
  // manifest is looked up in each node_modules folder rather than through `require.resolve`, which
  // fails for packages whose "exports" map does not list package.json.
  const searchPaths = createRequire(join(directory, '__bastion__.js')).resolve.paths(packageName) ?? [];
  for (const nodeModules of searchPaths) {
    const manifest = readTextIfPresent(join(nodeModules, packageName, 'package.json'));
    // Like Node, the first folder that has the package wins, even if its manifest is broken.
    if (manifest !== undefined) return parseVersionField(manifest);
  }
  return undefined;
}

function readTextIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function parseVersionField(manifest: string): string | undefined {
  try {
    const version = (JSON.parse(manifest) as { version?: unknown } | null)?.version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

/** The major version of a semver-like string or number (`'3.14.1'`, `'^4'`, `4`), or undefined. */
export function parseMajorVersion(version: unknown): number | undefined {
  if (typeof version === 'number') return Number.isInteger(version) && version >= 0 ? version : undefined;
  if (typeof version !== 'string') return undefined;
  const match = /^\D*(\d+)/u.exec(version);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
