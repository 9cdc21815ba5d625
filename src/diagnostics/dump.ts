// The dump as the viewer reads it: the watchdog's schema, checked field by field. Two kinds share
// it: a stall dump (`stall-*.json`) and an on-demand dump (`bastion dump <pid> --json`).
import type { OnDemandDump, StallDump } from '../watchdog/schema.js';
import { array, boolean, integer, literal, number, object, optional, string } from './shape.js';
import type { Check } from './shape.js';

export type Dump = StallDump | OnDemandDump;

// Typed against the schema, so a new schema version fails the type check here until the viewer reads it.
const SCHEMA_VERSION: StallDump['schemaVersion'] = 1;

const position = { url: string, line: integer, column: integer };
const frame = object({ functionName: string, ...position, generated: optional(object(position)) });
const delay = object({ min: number, mean: number, p50: number, p90: number, p99: number, max: number });

const thread = object({
  threadId: integer,
  name: string,
  stackStatus: literal('captured', 'unavailable'),
  stackError: optional(string),
  stack: array(frame),
});

// The fields both kinds have, in the order the watchdog writes them (errors name the first bad one).
const common = {
  schemaVersion: literal(SCHEMA_VERSION),
  time: string,
  pid: integer,
  thresholdMs: number,
  stalledMs: number,
  action: literal('dump', 'exit', 'abort'),
  stackStatus: literal('captured', 'native', 'unavailable'),
  stackError: optional(string),
  stack: array(frame),
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
  threads: optional(array(thread)),
  threadsError: optional(string),
};

const checkStall: Check<StallDump> = object({
  kind: literal('stall'),
  ...common,
  stackOnReturn: optional(object({ delayMs: number, stack: array(frame) })),
  profile: optional(string),
  profileMs: optional(number),
  profileError: optional(string),
  profileWarning: optional(string),
});

const checkOnDemand: Check<OnDemandDump> = object({ kind: literal('on-demand'), ...common, idle: boolean });

const checkKind = object({ kind: literal('stall', 'on-demand') });

export const checkDump: Check<Dump> = (value) => (checkKind(value).kind === 'stall' ? checkStall(value) : checkOnDemand(value));
