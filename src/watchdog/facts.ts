// The non-stack parts of a dump. Main-thread facts (heap, active resources, loop utilization) are
// evaluated on the paused main thread, so the steady state pays nothing for them; when the main
// thread cannot run code (native block), the dump keeps what the worker can read on its own.
import type { Histogram } from 'node:perf_hooks';
import type { LoopDelay, MemoryFacts, ProcessFacts, StallDump } from './schema.js';

/** Evaluated on the paused main thread; returns plain JSON values. */
export const MAIN_FACTS_EXPRESSION = `(() => {
  const { process, performance } = globalThis;
  const memory = process.memoryUsage();
  return {
    memory: { rss: memory.rss, heapTotal: memory.heapTotal, heapUsed: memory.heapUsed,
      external: memory.external, arrayBuffers: memory.arrayBuffers },
    activeResources: process.getActiveResourcesInfo(),
    utilization: performance.eventLoopUtilization().utilization,
  };
})()`;

interface MainFacts {
  memory: Required<MemoryFacts>;
  activeResources: string[];
  utilization: number;
}

export interface FactSources {
  /** What MAIN_FACTS_EXPRESSION returned, if it ran. */
  mainFacts: unknown;
  loopDelay: Histogram;
  /** The histogram's sampling interval, which its raw values include. */
  loopDelayResolutionMs: number;
  argv: readonly string[];
  execArgv: readonly string[];
}

export function collectFacts(sources: FactSources): Pick<StallDump, 'eventLoop' | 'memory' | 'activeResources' | 'process'> {
  const main = isMainFacts(sources.mainFacts) ? sources.mainFacts : undefined;
  const delayMs = readLoopDelay(sources.loopDelay, sources.loopDelayResolutionMs);
  const eventLoop: StallDump['eventLoop'] = {};
  if (delayMs !== undefined) eventLoop.delayMs = delayMs;
  if (main !== undefined) eventLoop.utilization = round(main.utilization, 4);
  return {
    eventLoop,
    // The resident set is process-wide, so the worker's own reading is the main thread's too.
    memory: main?.memory ?? { rss: process.memoryUsage.rss() },
    ...(main === undefined ? {} : { activeResources: main.activeResources }),
    process: processFacts(sources),
  };
}

function processFacts({ argv, execArgv }: FactSources): ProcessFacts {
  return {
    nodeVersion: process.version,
    argv: [...argv],
    execArgv: [...execArgv],
    // process.uptime() counts from process start in every thread.
    uptimeS: round(process.uptime(), 3),
    platform: process.platform,
    arch: process.arch,
  };
}

/**
 * Percentiles of the main thread's loop delay so far, in ms, or undefined before any sample.
 * The histogram records whole timer intervals; the dump reports how late each one was.
 */
export function readLoopDelay(histogram: Histogram, resolutionMs: number): LoopDelay | undefined {
  if (histogram.count === 0) return undefined;
  const ms = (nanos: number): number => round(Math.max(0, nanos / 1e6 - resolutionMs), 3);
  return {
    min: ms(histogram.min),
    mean: ms(histogram.mean),
    p50: ms(histogram.percentile(50)),
    p90: ms(histogram.percentile(90)),
    p99: ms(histogram.percentile(99)),
    max: ms(histogram.max),
  };
}

// The evaluation runs in whatever realm the main thread stopped in; trust nothing about its shape.
function isMainFacts(value: unknown): value is MainFacts {
  if (typeof value !== 'object' || value === null) return false;
  const facts = value as Partial<Record<keyof MainFacts, unknown>>;
  const memory = facts.memory as Record<string, unknown> | undefined;
  return (
    typeof facts.utilization === 'number' &&
    Array.isArray(facts.activeResources) &&
    facts.activeResources.every((item) => typeof item === 'string') &&
    typeof memory === 'object' &&
    memory !== null &&
    ['rss', 'heapTotal', 'heapUsed', 'external', 'arrayBuffers'].every((key) => typeof memory[key] === 'number')
  );
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
