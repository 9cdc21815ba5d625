// The watchdog's public types, as a user's code sees them. Not a test file: `npm run typecheck`
// checks it, and fails if a type loosens (an @ts-expect-error line then has no error to expect).
import { getWatchdog } from 'generator-bastion/watchdog';
import type { OnDemandDump, StallDump, ThreadStack, Watchdog, WatchdogAction, WatchdogOptions, WatchdogStats } from 'generator-bastion/watchdog';

export const everyOption: WatchdogOptions = {
  timeoutMs: 500,
  action: 'exit',
  dir: '/tmp/d',
  exitCode: 3,
  startupGraceMs: 0,
  maxDumps: 1,
  maxDumpBytes: 1,
  profileMs: 0,
};

// @ts-expect-error -- not an action
export const badAction: WatchdogAction = 'restart';

// @ts-expect-error -- timeoutMs is a number of milliseconds, not a duration string
export const badTimeout: WatchdogOptions = { timeoutMs: '30s' };

export function summary(watchdog: Watchdog, dump: StallDump): string {
  const where = dump.stack[0]?.functionName ?? dump.native?.blockedPath ?? dump.stackStatus;
  return `${watchdog.dir} ${watchdog.timeoutMs} ${watchdog.action}: ${where} ${dump.stackOnReturn?.delayMs ?? ''}`;
}

export function reach(): Watchdog | undefined {
  // @ts-expect-error -- there may be no watchdog running
  const surely: Watchdog = getWatchdog();
  return surely;
}

// The figures a generated service publishes on /metrics: these names are its contract.
export function metrics(watchdog: Watchdog): number[] {
  const stats: WatchdogStats = watchdog.stats();
  const { min, max, mean, p50, p90, p99 } = stats.eventLoopDelayMs;
  return [stats.stalls, stats.longestStallMs, Number(stats.stalled), min, max, mean, p50, p90, p99, stats.eventLoopUtilization];
}

// What `bastion dump --json` prints, and the worker threads of either dump.
export function threadsOf(dump: StallDump | OnDemandDump): string[] {
  const threads: ThreadStack[] = dump.threads ?? [];
  const idle = dump.kind === 'on-demand' && dump.idle;
  // @ts-expect-error -- an on-demand dump has no stackOnReturn
  const onReturn = dump.kind === 'on-demand' && dump.stackOnReturn;
  return [String(idle), String(onReturn), dump.threadsError ?? '', ...threads.map((thread) => `${thread.threadId} ${thread.name} ${thread.stack[0]?.functionName ?? thread.stackError}`)];
}

// The stall profile: a file name beside the dump, and whether it can be trusted.
export function profileOf(dump: StallDump): string {
  return `${dump.profile ?? dump.profileError ?? ''} ${dump.profileMs ?? 0} ${dump.profileWarning ?? ''}`;
}
