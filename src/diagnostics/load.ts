// Loads what a report shows: the dump, its culprit and source lines, and the stall's CPU profile,
// either named on the command line or by the dump's `profile` field.
import { basename, dirname, join } from 'node:path';
import { checkDump } from './dump.js';
import type { Dump } from './dump.js';
import { findCulprit, sourceLines } from './frames.js';
import type { Culprit, SourceLine } from './frames.js';
import { checkCallTree } from './profile.js';
import type { CallTree } from './profile.js';
import { fileError, readJson } from './read-json.js';

// A dump holds at most 200 frames per stack and 64 descriptors: a few hundred KiB at most. A
// profile grows with the window and the app's size; DevTools itself struggles past this.
const MAX_DUMP_BYTES = 16 * 1024 * 1024;
const MAX_PROFILE_BYTES = 256 * 1024 * 1024;

export interface Report {
  file: string;
  dump: Dump;
  culprit?: Culprit & { source: SourceLine[] };
  /** `warning`: the dump's `profileWarning`, kept only when the profile shown is the dump's own. */
  profile?: { file: string; tree: CallTree; warning?: string };
}

/**
 * `profileFile`: a path, `undefined` for the one the dump names, `false` for none. Throws an
 * InputError naming the file when the dump or the profile cannot be used.
 */
export function loadReport(file: string, profileFile?: string | false): Report {
  const dump = readJson(file, 'stall dump', MAX_DUMP_BYTES, checkDump);
  const report: Report = { file, dump };
  const culprit = findCulprit(dump);
  if (culprit) report.culprit = { ...culprit, source: sourceLines(culprit.frame) };
  const named = dump.kind === 'stall' && dump.profile !== undefined ? profileBeside(file, dump.profile) : undefined;
  const profilePath = profileFile === false ? undefined : (profileFile ?? named);
  if (profilePath !== undefined) {
    report.profile = { file: profilePath, tree: readJson(profilePath, 'CPU profile', MAX_PROFILE_BYTES, checkCallTree) };
    if (profileFile === undefined && dump.kind === 'stall' && dump.profileWarning !== undefined) report.profile.warning = dump.profileWarning;
  }
  return report;
}

/** The dump comes from elsewhere: its `profile` may only name a file next to it, never a path. */
function profileBeside(file: string, name: string): string {
  if (name !== basename(name) || name === '.' || name === '..' || name.includes('\\')) {
    throw fileError(file, "is not a stall dump: profile must be a file name in the dump's directory");
  }
  return join(dirname(file), name);
}
