// Which frame to blame, how a frame is written, and the source lines around it.
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackFrame } from '../watchdog/schema.js';
import type { Dump } from './dump.js';
import { readText } from './read-json.js';

/** The app's own code: not Node's internals, not a dependency, not a frame without a script. */
export function isAppFrame(frame: { url: string }): boolean {
  return frame.url !== '' && !frame.url.startsWith('node:') && !/[\\/]node_modules[\\/]/.test(frame.url);
}

export interface Culprit {
  frame: StackFrame;
  /** Where it was found: the stack captured during the stall, or the one after a native call returned. */
  from: 'stack' | 'stackOnReturn';
}

/** The first frame of the app's own code, from the dump's stack or else from a stall's `stackOnReturn`. */
export function findCulprit(dump: Dump): Culprit | undefined {
  const inStack = dump.stack.find(isAppFrame);
  if (inStack) return { frame: inStack, from: 'stack' };
  const onReturn = dump.kind === 'stall' ? dump.stackOnReturn?.stack.find(isAppFrame) : undefined;
  return onReturn && { frame: onReturn, from: 'stackOnReturn' };
}

/** `fn (url:line:column)`, or `url:line:column` for an anonymous function, as Node writes stacks. */
export function formatFrame(frame: StackFrame): string {
  const where = `${frame.url}:${frame.line}:${frame.column}`;
  return frame.functionName ? `${frame.functionName} (${where})` : where;
}

export interface SourceLine {
  number: number;
  text: string;
  isTarget: boolean;
}

// Source files bigger than this are not read: a minified bundle would print one enormous line.
const MAX_SOURCE_BYTES = 4 * 1024 * 1024;
const MAX_LINE_CHARS = 200;

/**
 * Up to `context` lines either side of the frame's line, from its file (`file://` URL or absolute
 * path); none when the file cannot be read here or no longer has that line.
 */
export function sourceLines(frame: StackFrame, context = 2): SourceLine[] {
  let text: string;
  try {
    const path = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
    if (!isAbsolute(path)) return [];
    text = readText(path, 'source file', MAX_SOURCE_BYTES);
  } catch {
    return [];
  }
  const lines = text.split(/\r?\n/);
  if (frame.line < 1 || frame.line > lines.length) return [];
  const first = Math.max(1, frame.line - context);
  const last = Math.min(lines.length, frame.line + context);
  return lines.slice(first - 1, last).map((line, index) => ({
    number: first + index,
    text: line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line,
    isTarget: first + index === frame.line,
  }));
}
