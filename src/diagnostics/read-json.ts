// Reads a JSON document from a file the user named, turning every way it can be wrong into one
// InputError whose message names the file and the problem, on one line.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { oneLine } from './escape.js';
import { ShapeError } from './shape.js';
import type { Check } from './shape.js';

export class InputError extends Error {
  override name = 'InputError';
}

const MESSAGES: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ELOOP: 'too many symbolic links',
  ENOTDIR: 'a parent of it is not a directory',
};

/** An InputError for `file`, on one line. */
export function fileError(file: string, problem: string): InputError {
  return new InputError(oneLine(`${file}: ${problem}`));
}

/** The file's text; `what` names the kind of document in messages ("stall dump"). */
export function readText(file: string, what: string, maxBytes: number): string {
  let fd: number;
  try {
    // Non-blocking, or opening a FIFO would wait for a writer; regular files read the same.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw fileError(file, `cannot read the ${what}: ${MESSAGES[code] ?? code}`);
  }
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) throw fileError(file, `is a directory, not a ${what}`);
    // A FIFO or a device could block or never end: only regular files are read.
    if (!stats.isFile()) throw fileError(file, `is not a regular file, so not a ${what}`);
    if (stats.size === 0) throw fileError(file, `is empty, not a ${what}`);
    if (stats.size > maxBytes) {
      throw fileError(file, `is ${formatMiB(stats.size)}, more than a ${what} can be (${formatMiB(maxBytes)})`);
    }
    const buffer = Buffer.alloc(stats.size);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

/** The file parsed as JSON and checked against `check`. */
export function readJson<T>(file: string, what: string, maxBytes: number, check: Check<T>): T {
  const text = readText(file, what, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the input: keep only its first clause, which says where parsing failed.
    const reason = (error as Error).message.split(/,? "/)[0];
    throw fileError(file, `is not valid JSON (truncated or corrupt?): ${reason}`);
  }
  try {
    return check(value);
  } catch (error) {
    if (error instanceof ShapeError) throw fileError(file, `is not a ${what}: ${error.message}`);
    throw error;
  }
}

function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
