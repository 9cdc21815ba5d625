// Plain-text tables for the terminal; the JSON file keeps every round and every stall.
import { STALL_KINDS, type DetectionResult } from './detection.ts';
import type { InstructionResult } from './instructions.ts';
import type { OverheadResult } from './overhead.ts';

export interface BenchResults {
  settings: { thresholdMs: number; stallMs: number };
  versions: Record<string, string>;
  overhead: OverheadResult[];
  stallDumpsDuringLoad: number | undefined;
  detection: DetectionResult[];
  instructions: InstructionResult[];
}

function fixed(value: number | undefined, digits: number): string {
  return value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

function overheadTable(overhead: OverheadResult[]): string {
  const rows = overhead.map((result) => {
    return [
      result.subject,
      result.baseline,
      fixed(result.medianRequestsPerSecond, 0),
      fixed(result.throughputRatio, 3),
      fixed(result.medianCpuMicrosPerRequest, 1),
      fixed(result.cpuPerRequestRatio, 3),
      fixed(result.idleRssMiB, 1),
      fixed(result.idleAddedRssMiB, 1),
      fixed(result.idleAddedPrivateMiB, 1),
      fixed(result.medianRssMiB, 1),
      fixed(result.addedRssMiB, 1),
      fixed(result.addedPrivateMiB, 1),
    ];
  });
  const header = ['subject', 'vs', 'req/s', 'tput ratio', 'CPU us/req', 'CPU ratio', 'idle RSS', '+idle', '+idle private', 'load RSS', '+load', '+load private'];
  return table(header, rows);
}

function instructionTable(instructions: InstructionResult[]): string {
  const rows = instructions.map((result) => [
    result.subject,
    fixed(result.instructionsPerRequest, 0),
    fixed(result.mainThreadInstructionsPerRequest, 0),
    fixed(result.idleInstructionsPerSecond, 0),
    fixed(result.idleMainThreadInstructionsPerSecond, 0),
  ]);
  return table(['subject', 'instr/request', 'main-thread instr/request', 'idle instr/s', 'main-thread idle instr/s'], rows);
}

function detectionTable(detection: DetectionResult[]): string {
  const rows = detection.map((result) => {
    const total = result.stalls.length;
    const detected = result.stalls.filter((stall) => stall.detected).length;
    const whileStuck = result.stalls.filter((stall) => stall.whileStuck === true).length;
    const perKind = STALL_KINDS.map((kind) => {
      const coverage = result.coverage[kind];
      const syscalls = coverage.syscallWhileStuck > 0 ? ` +${coverage.syscallWhileStuck} syscall` : '';
      return `${coverage.culpritNamedWhileStuck}/${coverage.stalls}${syscalls}`;
    });
    return [
      result.subject,
      `${detected}/${total}`,
      `${whileStuck}/${total}`,
      fixed(result.latencyMs.p50, 0),
      fixed(result.latencyMs.p90, 0),
      fixed(result.latencyMs.p99, 0),
      fixed(result.latencyMs.max, 0),
      ...perKind,
    ];
  });
  const kindHeaders = STALL_KINDS.map((kind) => `${kind}*`);
  return table(['subject', 'detected', 'while stuck', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', ...kindHeaders], rows);
}

function latencyByKindTable(detection: DetectionResult[]): string {
  const rows = detection.map((result) => [
    result.subject,
    ...STALL_KINDS.flatMap((kind) => {
      const spread = result.latencyByKindMs[kind];
      return [fixed(spread.p50, 0), fixed(spread.p99, 0)];
    }),
  ]);
  return table(['subject', ...STALL_KINDS.flatMap((kind) => [`${kind} p50`, `${kind} p99`])], rows);
}

export function printReport(results: BenchResults): void {
  const { thresholdMs, stallMs } = results.settings;
  console.log(`\nversions: ${Object.entries(results.versions).map(([name, version]) => `${name} ${version}`).join(', ')}`);
  if (results.overhead.length > 0) {
    console.log('\nOverhead and memory (medians over rounds; ratios are against "vs" measured back to back; RSS and private (anonymous) memory in MiB):\n');
    console.log(overheadTable(results.overhead));
    if (results.stallDumpsDuringLoad !== undefined) console.log(`  bastion stall dumps written under load: ${results.stallDumpsDuringLoad}`);
  }
  if (results.detection.length > 0) {
    console.log(`\nDetection (threshold ${thresholdMs} ms, stalls of ${stallMs} ms; latency = report time - (stall start + threshold)):\n`);
    console.log(detectionTable(results.detection));
    console.log('  * culprit function named in a report made while the loop was still stuck, per fault kind;');
    console.log('    "+n syscall": reports made while stuck that name the blocking syscall instead (no JS stack)');
    console.log('\nLatency by fault kind (ms after the threshold; negative: the report came before the stall was threshold old):\n');
    console.log(latencyByKindTable(results.detection));
    for (const result of results.detection) for (const note of result.notes) console.log(`  note (${result.subject}): ${note}`);
  }
  if (results.instructions.length > 0) {
    console.log('\nInstructions (valgrind callgrind; watchdog threshold 30 s; all threads include the watchdog worker):\n');
    console.log(instructionTable(results.instructions));
  }
  for (const result of results.instructions) if (result.note !== undefined) console.log(`  instructions (${result.subject}): ${result.note}`);
}
