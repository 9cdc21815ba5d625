// Where a new service goes, and what is there already: nothing, a project this generator made
// (regenerated in place, with its stored answers), or anything else (refused without --force).
import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../shared/input.js';
import { CONFIG_KEY } from '../shared/package.js';

export type StoredAnswers = Record<string, unknown>;

/**
 * Checks that `target` can receive a new or regenerated service and returns the answers stored
 * there by an earlier run (empty for a new directory). Throws an InputError otherwise.
 */
export function checkDestination(target: string, force: boolean): StoredAnswers {
  const entries = listDirectory(target);
  if (entries === undefined) {
    checkWritable(dirname(target), `cannot create ${target}`);
    return {};
  }
  checkWritable(target, `cannot write into ${target}`);
  if (entries.length === 0) return {};
  const stored = readStoredAnswers(target);
  if (stored !== undefined) return stored;
  if (force) return {};
  throw new InputError(`${target} exists and is not empty (and not a service made by bastion): choose another name, or pass --force to write into it`);
}

/** The directory's entries; undefined when nothing is there. */
function listDirectory(target: string): string[] | undefined {
  let stats;
  try {
    stats = statSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`cannot use ${target}: ${(error as Error).message}`);
  }
  if (!stats.isDirectory()) throw new InputError(`${target} exists and is not a directory: choose another name`);
  return readdirSync(target);
}

function checkWritable(directory: string, what: string): void {
  try {
    accessSync(directory, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new InputError(`${what}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? `${directory} does not exist` : `${directory} is not writable`}`);
  }
}

/** This generator's answers from `<target>/.yo-rc.json`; undefined when the file is missing or not ours. */
function readStoredAnswers(target: string): StoredAnswers | undefined {
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(join(target, '.yo-rc.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const stored = (config as Record<string, unknown> | null)?.[CONFIG_KEY];
  return typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? (stored as StoredAnswers) : undefined;
}
