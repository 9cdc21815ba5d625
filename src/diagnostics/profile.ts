// A V8 CPU profile (`.cpuprofile`, the Chrome DevTools format) checked and turned into a call tree
// whose nodes carry the time sampled in them, for the flame chart and the "hottest functions" list.
import { array, integer, number, object, optional, string } from './shape.js';
import type { Check } from './shape.js';
import { ShapeError } from './shape.js';

const checkProfile = object({
  nodes: array(
    object({
      id: integer,
      callFrame: object({ functionName: string, url: string, lineNumber: integer, columnNumber: integer }),
      children: optional(array(integer)),
    }),
  ),
  startTime: number,
  endTime: number,
  samples: array(integer),
  timeDeltas: array(number),
});

export interface CallNode {
  functionName: string;
  url: string;
  /** 1-based, as in the dump; 0 when V8 gave none (`(program)`, `(garbage collector)`). */
  line: number;
  column: number;
  /** Time sampled in this function itself, and in it and its callees, in ms. */
  selfMs: number;
  totalMs: number;
  children: CallNode[];
}

export interface CallTree {
  root: CallNode;
  durationMs: number;
  sampleCount: number;
}

/** Checks a parsed `.cpuprofile` and builds its call tree; a ShapeError says what is wrong. */
export const checkCallTree: Check<CallTree> = (value) => {
  const profile = checkProfile(value);
  if (profile.samples.length !== profile.timeDeltas.length) {
    throw new ShapeError(`samples has ${profile.samples.length} entries but timeDeltas has ${profile.timeDeltas.length}`);
  }
  const byId = new Map<number, CallNode>();
  for (const [index, node] of profile.nodes.entries()) {
    if (byId.has(node.id)) throw new ShapeError(`nodes[${index}].id ${node.id} is used twice`);
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    // V8 counts lines and columns from 0 and says -1 for none.
    byId.set(node.id, { functionName, url, line: lineNumber + 1, column: columnNumber + 1, selfMs: 0, totalMs: 0, children: [] });
  }
  const hasParent = new Set<number>();
  for (const node of profile.nodes) {
    for (const childId of node.children ?? []) {
      const child = byId.get(childId);
      if (child === undefined) throw new ShapeError(`node ${node.id} has child ${childId}, which is not in nodes`);
      // One parent per node also rules out cycles below the root.
      if (hasParent.has(childId)) throw new ShapeError(`node ${childId} has more than one parent`);
      hasParent.add(childId);
      byId.get(node.id)?.children.push(child);
    }
  }
  const roots = profile.nodes.filter((node) => !hasParent.has(node.id));
  if (roots.length !== 1) throw new ShapeError(`the call tree must have one root, found ${roots.length}`);

  addSampleTimes(profile, byId);
  const root = byId.get(roots[0]!.id)!;
  sumTotals(root);
  return { root, durationMs: (profile.endTime - profile.startTime) / 1000, sampleCount: profile.samples.length };
};

/** A sample lasts until the next one (the last until endTime): timestamps are in µs. */
function addSampleTimes(profile: ReturnType<typeof checkProfile>, byId: Map<number, CallNode>): void {
  const { samples, timeDeltas, endTime } = profile;
  let time = profile.startTime + (timeDeltas[0] ?? 0);
  for (let index = 0; index < samples.length; index++) {
    const node = byId.get(samples[index]!);
    if (node === undefined) throw new ShapeError(`samples[${index}] names node ${samples[index]}, which is not in nodes`);
    const next = index + 1 < samples.length ? time + timeDeltas[index + 1]! : endTime;
    node.selfMs += Math.max(0, next - time) / 1000;
    time = next;
  }
}

/** Totals bottom-up without recursion: deep recursion in the app makes deep trees. */
function sumTotals(root: CallNode): void {
  const order: CallNode[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    order.push(node);
    pending.push(...node.children);
  }
  for (const node of order.reverse()) {
    node.totalMs = node.selfMs + node.children.reduce((sum, child) => sum + child.totalMs, 0);
  }
}

/** The functions with the most self time, merged across call sites, heaviest first. */
export function hottestFunctions(tree: CallTree, count: number): { node: CallNode; selfMs: number }[] {
  const merged = new Map<string, { node: CallNode; selfMs: number }>();
  const pending = [tree.root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    pending.push(...node.children);
    if (node.selfMs === 0) continue;
    const key = `${node.functionName}\0${node.url}\0${node.line}\0${node.column}`;
    const entry = merged.get(key) ?? { node, selfMs: 0 };
    entry.selfMs += node.selfMs;
    merged.set(key, entry);
  }
  return [...merged.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, count);
}
