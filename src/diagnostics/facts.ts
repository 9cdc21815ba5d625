// The dump's figures as labelled rows, grouped in sections: one source for the terminal and the
// HTML page, so both show the same facts in the same words.
import type { Dump } from './dump.js';

export interface FactSection {
  title: string;
  rows: [label: string, value: string][];
}

function mib(bytes: number | undefined): string | undefined {
  return bytes === undefined ? undefined : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function ms(value: number): string {
  return `${Number(value.toFixed(1))} ms`;
}

/** Rows whose value is known; facts that could not be read are left out, never shown as blanks. */
function rows(entries: [string, string | undefined][]): [string, string][] {
  return entries.filter((entry): entry is [string, string] => entry[1] !== undefined);
}

export function factSections(dump: Dump): FactSection[] {
  const { delayMs, utilization } = dump.eventLoop;
  const stack = dump.stackStatus + (dump.stackError ? `: ${dump.stackError}` : '');
  const sections: FactSection[] = [
    dump.kind === 'stall'
      ? {
          title: 'Stall',
          rows: rows([
            ['stalled', `${ms(dump.stalledMs)} (threshold ${ms(dump.thresholdMs)})`],
            ['detected', dump.time],
            ['action', dump.action],
            ['stack', stack],
          ]),
        }
      : {
          // Taken on request: `stalledMs` is only how long ago the loop last turned, and the action was not taken.
          title: 'Dump on demand',
          rows: rows([
            ['taken', dump.time],
            ['main thread', dump.idle ? 'idle, waiting in the event loop (no JavaScript running)' : undefined],
            ['loop last turned', `${ms(dump.stalledMs)} before the dump`],
            ['stall threshold', ms(dump.thresholdMs)],
            ['action on a stall', dump.action],
            ['stack', stack],
          ]),
        },
  ];
  if (dump.native) {
    const { native } = dump;
    sections.push({
      title: 'Main thread in native code',
      rows: rows([
        ['thread', String(native.tid)],
        ['system call', native.syscall],
        ['blocked on fd', native.blockedFd === undefined ? undefined : String(native.blockedFd)],
        ['blocked on path', native.blockedPath],
        ['kernel wait', native.wchan],
        ...native.fds.map(({ fd, target }): [string, string] => [`fd ${fd}`, target]),
      ]),
    });
  }
  sections.push(
    {
      title: 'Event loop',
      rows: rows([
        ['delay', delayMs && `p50 ${ms(delayMs.p50)}, p90 ${ms(delayMs.p90)}, p99 ${ms(delayMs.p99)}, max ${ms(delayMs.max)}, mean ${ms(delayMs.mean)}`],
        ['utilization', utilization === undefined ? undefined : `${(utilization * 100).toFixed(1)} %`],
        ['active resources', dump.activeResources && (dump.activeResources.join(', ') || 'none')],
      ]),
    },
    {
      title: 'Memory',
      rows: rows([
        ['rss', mib(dump.memory.rss)],
        ['heap used', mib(dump.memory.heapUsed)],
        ['heap total', mib(dump.memory.heapTotal)],
        ['external', mib(dump.memory.external)],
        ['array buffers', mib(dump.memory.arrayBuffers)],
      ]),
    },
    {
      title: 'Process',
      rows: rows([
        ['pid', String(dump.pid)],
        ['node', dump.process.nodeVersion],
        ['platform', `${dump.process.platform} ${dump.process.arch}`],
        ['uptime', `${dump.process.uptimeS.toFixed(1)} s`],
        ['argv', dump.process.argv.join(' ')],
        ['execArgv', dump.process.execArgv.length > 0 ? dump.process.execArgv.join(' ') : undefined],
      ]),
    },
  );
  return sections;
}
