// The report as text for a terminal: culprit first, with its source, then the stacks (the main
// thread's, then the worker threads'), the facts and the profile's hottest functions. Everything
// from the dump goes through `oneLine`, so an app's strings cannot move the cursor or recolour the
// terminal.
import { oneLine } from './escape.js';
import { factSections } from './facts.js';
import { formatFrame, isAppFrame } from './frames.js';
import type { SourceLine } from './frames.js';
import type { Dump } from './dump.js';
import type { Report } from './load.js';
import { hottestFunctions } from './profile.js';
import type { CallNode } from './profile.js';
import type { StackFrame } from '../watchdog/schema.js';

type Style = 'bold' | 'dim' | 'red' | 'yellow' | 'cyan';

const SGR: Record<Style, [number, number]> = { bold: [1, 22], dim: [2, 22], red: [31, 39], yellow: [33, 39], cyan: [36, 39] };

export type Paint = (style: Style, text: string) => string;

const plain: Paint = (_style, text) => text;
const ansi: Paint = (style, text) => `\u001b[${SGR[style][0]}m${text}\u001b[${SGR[style][1]}m`;

/**
 * Colour on a terminal that takes it (tty's `hasColors()` reads NO_COLOR, FORCE_COLOR and TERM);
 * through a pipe only when FORCE_COLOR asks for it, as Node itself does.
 */
export function colourFor(stream: { isTTY?: boolean; hasColors?: () => boolean }, env: NodeJS.ProcessEnv): Paint {
  if (stream.isTTY && stream.hasColors) return stream.hasColors() ? ansi : plain;
  const force = env['FORCE_COLOR'];
  return force !== undefined && force !== '0' && force !== 'false' ? ansi : plain;
}

const HOT_FUNCTIONS = 10;

export function renderText(report: Report, paint: Paint = plain): string {
  const { dump, culprit } = report;
  const out: string[] = [];
  if (dump.kind === 'stall') {
    out.push(paint('bold', `Stall dump ${oneLine(report.file)}`));
    out.push(`event loop stalled for ${dump.stalledMs} ms (threshold ${dump.thresholdMs} ms), pid ${dump.pid}, ${oneLine(dump.time)}`, '');
  } else {
    out.push(paint('bold', `On-demand dump ${oneLine(report.file)}`));
    out.push(`taken on request (bastion dump), not a stall: pid ${dump.pid}, ${oneLine(dump.time)}, event loop last turned ${dump.stalledMs} ms before the dump`, '');
  }

  if (dump.kind === 'on-demand' && dump.idle) {
    out.push(`${paint('bold', 'Idle')}  the main thread was waiting in the event loop: no JavaScript was running`);
  } else if (culprit) {
    const { frame } = culprit;
    const where = culprit.from === 'stack' ? '' : ' (first app frame after the native call returned)';
    out.push(`${paint('bold', paint('red', 'Culprit'))}  ${paint('bold', oneLine(formatFrame(frame)))}${where}`);
    if (frame.generated) {
      const { url, line, column } = frame.generated;
      out.push(paint('dim', `         compiled: ${oneLine(`${url}:${line}:${column}`)}`));
    }
    out.push(...sourceBlock(culprit.source, frame, paint));
  } else {
    out.push(`${paint('bold', 'Culprit')}  none found: no frame of the app's own code in the stack`);
  }
  if (dump.stackError) out.push(paint('yellow', `stack not captured: ${oneLine(dump.stackError)}`));
  out.push('');

  out.push(paint('bold', `Stack (${dump.stackStatus}, ${dump.stack.length} frames)`), ...stackLines(dump.stack, culprit?.frame, paint), '');
  if (dump.kind === 'stall' && dump.stackOnReturn) {
    const { delayMs, stack } = dump.stackOnReturn;
    out.push(paint('bold', `Stack when the native call returned, ${delayMs} ms after detection`));
    out.push(...stackLines(stack, culprit?.frame, paint), '');
  }
  out.push(...threadLines(dump, paint));

  for (const section of factSections(dump)) {
    if (section.rows.length === 0) continue;
    const width = Math.max(...section.rows.map(([label]) => label.length));
    out.push(paint('bold', section.title));
    for (const [label, value] of section.rows) out.push(`  ${paint('dim', label.padEnd(width))}  ${oneLine(value)}`);
    out.push('');
  }

  if (report.profile) {
    const { file, tree } = report.profile;
    out.push(paint('bold', `CPU profile ${oneLine(file)}`));
    if (report.profile.warning) out.push(paint('bold', paint('red', `  ! ${oneLine(report.profile.warning)}`)));
    out.push(`  ${tree.sampleCount} samples over ${tree.durationMs.toFixed(0)} ms; hottest functions (self time):`);
    for (const { node, selfMs } of hottestFunctions(tree, HOT_FUNCTIONS)) {
      const share = tree.durationMs > 0 ? ` ${((selfMs / tree.durationMs) * 100).toFixed(1).padStart(5)} %` : '';
      out.push(`  ${selfMs.toFixed(1).padStart(9)} ms${share}  ${oneLine(describeNode(node))}`);
    }
    out.push('');
  } else if (dump.kind === 'stall' && dump.profileError) {
    out.push(paint('bold', 'CPU profile'), paint('yellow', `  none: ${oneLine(dump.profileError)}`), '');
  }
  return out.join('\n');
}

/** The worker threads, each with its culprit first, or why it was not read; nothing for an older dump without them. */
function threadLines(dump: Dump, paint: Paint): string[] {
  const { threads, threadsError } = dump;
  if (threads === undefined && threadsError === undefined) return [];
  const out = [paint('bold', `Worker threads ${threads ? `(${threads.length})` : 'not listed'}`)];
  if (threadsError) out.push(paint('yellow', `  ${oneLine(threadsError)}`));
  else if (threads?.length === 0) out.push('  none');
  for (const thread of threads ?? []) {
    const title = `thread ${thread.threadId}${thread.name ? ` (${oneLine(thread.name)})` : ''}`;
    if (thread.stackStatus !== 'captured') {
      out.push(`  ${paint('bold', title)}: ${paint('yellow', `stack not captured: ${oneLine(thread.stackError ?? thread.stackStatus)}`)}`);
      continue;
    }
    const culprit = thread.stack.find(isAppFrame);
    out.push(`  ${paint('bold', title)}: ${thread.stack.length} frames`);
    out.push(`    ${paint('bold', 'culprit')}  ${culprit ? paint('red', oneLine(formatFrame(culprit))) : "none found: no frame of the app's own code"}`);
    out.push(...stackLines(thread.stack, culprit, paint).map((line) => `  ${line}`));
  }
  out.push('');
  return out;
}

function describeNode(node: CallNode): string {
  const name = node.functionName || '(anonymous)';
  return node.url ? `${name} (${node.url}:${node.line}:${node.column})` : name;
}

function stackLines(stack: StackFrame[], culprit: StackFrame | undefined, paint: Paint): string[] {
  if (stack.length === 0) return ['  (no frames)'];
  return stack.map((frame) => {
    const text = `at ${oneLine(formatFrame(frame))}`;
    if (frame === culprit) return paint('red', `> ${text}`);
    return isAppFrame(frame) ? `  ${text}` : paint('dim', `  ${text}`);
  });
}

function sourceBlock(lines: SourceLine[], frame: StackFrame, paint: Paint): string[] {
  if (lines.length === 0) return [];
  const width = String(lines.at(-1)!.number).length;
  const block = [''];
  for (const line of lines) {
    const text = oneLine(line.text.replace(/\t/g, '  '));
    const gutter = `${line.isTarget ? '>' : ' '} ${String(line.number).padStart(width)} | `;
    block.push(line.isTarget ? paint('bold', `  ${gutter}${text}`) : paint('dim', `  ${gutter}`) + text);
    if (line.isTarget) {
      // The caret lines up with the column only when tabs were widened the same way as above.
      const before = oneLine(line.text.slice(0, Math.max(0, frame.column - 1)).replace(/\t/g, '  '));
      block.push(`  ${' '.repeat(width + 2)} | ${' '.repeat(before.length)}${paint('red', '^')}`);
    }
  }
  return block;
}
