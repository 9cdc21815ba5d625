// The stall dump as the viewer reads it: the watchdog's schema, checked field by field, plus the
// optional `profile` field that names the stall's CPU profile (written by newer watchdogs).
import type { StallDump } from '../watchdog/schema.js';
import { array, integer, literal, number, object, optional, string } from './shape.js';
import type { Check } from './shape.js';

/** A stall dump, and the name of its `.cpuprofile` in the same directory when there is one. */
export type ViewedDump = StallDump & { profile?: string };

// Typed against the schema, so a new schema version fails the type check here until the viewer reads it.
const SCHEMA_VERSION: StallDump['schemaVersion'] = 1;

const position = { url: string, line: integer, column: integer };
const frame = object({ functionName: string, ...position, generated: optional(object(position)) });
const delay = object({ min: number, mean: number, p50: number, p90: number, p99: number, max: number });

export const checkDump: Check<ViewedDump> = object({
  kind: literal('stall'),
  schemaVersion: literal(SCHEMA_VERSION),
  time: string,
  pid: integer,
  thresholdMs: number,
  stalledMs: number,
  action: literal('dump', 'exit', 'abort'),
  stackStatus: literal('captured', 'native', 'unavailable'),
  stackError: optional(string),
  stack: array(frame),
  stackOnReturn: optional(object({ delayMs: number, stack: array(frame) })),
  native: optional(
    object({
      tid: integer,
      syscall: optional(string),
      blockedFd: optional(integer),
      blockedPath: optional(string),
      wchan: optional(string),
      fds: array(object({ fd: integer, target: string })),
    }),
  ),
  eventLoop: object({ delayMs: optional(delay), utilization: optional(number) }),
  memory: object({
    rss: number,
    heapTotal: optional(number),
    heapUsed: optional(number),
    external: optional(number),
    arrayBuffers: optional(number),
  }),
  activeResources: optional(array(string)),
  process: object({
    nodeVersion: string,
    argv: array(string),
    execArgv: array(string),
    uptimeS: number,
    platform: string,
    arch: string,
  }),
  profile: optional(string),
});
