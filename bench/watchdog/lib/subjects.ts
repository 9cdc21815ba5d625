// What is compared: bastion against each anchor, and how the harness sees each one's report.
import { access } from 'node:fs/promises';

/**
 * How a subject's stall report reaches the harness:
 * - dump-dir: bastion's stall-*.json files (time = file mtime);
 * - sink: a Sentry envelope posted to the loopback sink (time = arrival);
 * - stdout: the app's own callback prints a DETECTED line (time = taken in the callback);
 * - sigint: the harness sends SIGINT at threshold, Node prints the stack (time = stderr arrival);
 * - none: the subject has no stall detection.
 */
export type ReportChannel = 'dump-dir' | 'sink' | 'stdout' | 'sigint' | 'none';

export interface Subject {
  id: string;
  label: string;
  /** The subject the overhead ratio is taken against (same server framework; bastion for an opt-in hook's own cost). */
  baseline: 'baseline' | 'fastify' | 'bastion';
  channel: ReportChannel;
  /** Extra node flags (bastion's preload, --trace-sigint). */
  nodeArgs: (context: SubjectContext) => string[];
  /** Extra environment (an opt-in bastion setting). */
  env?: Record<string, string>;
  /** The package versions under test, for the report. */
  packages: string[];
  /** Include in the valgrind instruction-count pass (slow: only the headline pair). */
  countInstructions?: boolean;
}

export interface SubjectContext {
  bastionRegister: string;
}

const noArgs = (): string[] => [];

export const SUBJECTS: readonly Subject[] = [
  { id: 'baseline', label: 'node:http, nothing', baseline: 'baseline', channel: 'none', nodeArgs: noArgs, packages: [], countInstructions: true },
  {
    id: 'bastion',
    label: 'bastion watchdog',
    baseline: 'baseline',
    channel: 'dump-dir',
    nodeArgs: ({ bastionRegister }) => ['--import', bastionRegister],
    packages: [],
    countInstructions: true,
  },
  {
    id: 'bastion-tracking',
    label: 'bastion, BASTION_HANDLE_TRACKING=on',
    baseline: 'bastion',
    channel: 'dump-dir',
    nodeArgs: ({ bastionRegister }) => ['--import', bastionRegister],
    env: { BASTION_HANDLE_TRACKING: 'on' },
    packages: [],
    countInstructions: true,
  },
  { id: 'sentry-anr', label: 'Sentry anrIntegration', baseline: 'baseline', channel: 'sink', nodeArgs: noArgs, packages: ['@sentry/node'] },
  {
    id: 'sentry-native',
    label: 'Sentry eventLoopBlockIntegration',
    baseline: 'baseline',
    channel: 'sink',
    nodeArgs: noArgs,
    packages: ['@sentry/node-native', '@sentry/node-native-stacktrace'],
  },
  { id: 'trace-sigint', label: 'node --trace-sigint', baseline: 'baseline', channel: 'sigint', nodeArgs: () => ['--trace-sigint'], packages: [] },
  { id: 'blocked-at', label: 'blocked-at', baseline: 'baseline', channel: 'stdout', nodeArgs: noArgs, packages: ['blocked-at'] },
  { id: 'native-watchdog', label: '@vscode/native-watchdog', baseline: 'baseline', channel: 'none', nodeArgs: noArgs, packages: ['@vscode/native-watchdog'] },
  { id: 'fastify', label: 'Fastify, nothing', baseline: 'fastify', channel: 'none', nodeArgs: noArgs, packages: ['fastify'] },
  { id: 'under-pressure', label: '@fastify/under-pressure', baseline: 'fastify', channel: 'stdout', nodeArgs: noArgs, packages: ['@fastify/under-pressure', 'fastify'] },
];

export function isBaseline(subject: Subject): boolean {
  return subject.id === subject.baseline;
}

/** bastion's preload, or undefined while dist/watchdog has not been built. */
export async function findBastionRegister(repoRoot: string): Promise<string | undefined> {
  const path = `${repoRoot}/dist/watchdog/register.js`;
  return access(path).then(
    () => path,
    () => undefined,
  );
}
