// The flame chart of a CPU profile as inline SVG, laid out here rather than in the browser: the
// page needs no script, and the chart is the same wherever it is opened.
import { escapeHtml } from './escape.js';
import { isAppFrame } from './frames.js';
import type { CallNode, CallTree } from './profile.js';

const WIDTH = 1200;
const ROW = 18;
// Narrower boxes (an eighth of a percent) are barely visible and would only bloat the page.
const MIN_BOX = 1.5;
const CHAR_WIDTH = 6.6;
// Runaway recursion makes call trees thousands of frames deep: past this, rows say nothing more.
const MAX_DEPTH = 300;

export interface FlameOptions {
  /** Boxes of this function (same name and URL) are outlined: the dump's culprit. */
  highlight?: { functionName: string; url: string };
}

function colour(node: CallNode): string {
  if (node.url === '') return '#b8b8b8'; // (program), (garbage collector), (idle)
  if (node.url.startsWith('node:')) return '#8fb3d9';
  if (!isAppFrame(node)) return '#d9c36c';
  // App code in warm hues, steady per function so the same function looks the same everywhere.
  let hash = 0;
  for (const char of node.functionName) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `hsl(${(hash % 40) + 5}, 85%, ${60 + (hash % 15)}%)`;
}

function label(node: CallNode): string {
  return node.functionName || (node.url ? '(anonymous)' : '(root)');
}

/** An `<svg>` element: the root spans the width, callees stacked below their callers. */
export function renderFlameChart(tree: CallTree, options: FlameOptions = {}): string {
  const total = tree.root.totalMs;
  if (total <= 0) return '<p class="empty">The profile holds no samples.</p>';
  const scale = WIDTH / total;
  const boxes: string[] = [];
  let depthMax = 0;
  let cut = false;
  const pending: { node: CallNode; x: number; depth: number }[] = [{ node: tree.root, x: 0, depth: 0 }];
  while (pending.length > 0) {
    const { node, x, depth } = pending.pop()!;
    const width = node.totalMs * scale;
    if (width < MIN_BOX) continue;
    if (depth > MAX_DEPTH) {
      cut = true;
      continue;
    }
    depthMax = Math.max(depthMax, depth);
    boxes.push(box(node, x, depth, width, total, options));
    let childX = x;
    for (const child of [...node.children].sort((a, b) => b.totalMs - a.totalMs)) {
      pending.push({ node: child, x: childX, depth: depth + 1 });
      childX += child.totalMs * scale;
    }
  }
  const height = (depthMax + 1) * ROW;
  return (
    `<svg class="flame" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="flame chart">` +
    boxes.join('') +
    '</svg>' +
    (cut ? `<p class="note">Calls deeper than ${MAX_DEPTH} frames are not drawn.</p>` : '')
  );
}

function box(node: CallNode, x: number, depth: number, width: number, total: number, options: FlameOptions): string {
  const name = label(node);
  const where = node.url ? ` ${node.url}:${node.line}:${node.column}` : '';
  const share = ((node.totalMs / total) * 100).toFixed(1);
  const tip = `${name}${where}\n${node.totalMs.toFixed(1)} ms (${share} %), self ${node.selfMs.toFixed(1)} ms`;
  const { highlight } = options;
  const marked = highlight !== undefined && node.functionName === highlight.functionName && node.url === highlight.url;
  const chars = Math.floor((width - 6) / CHAR_WIDTH);
  const text = chars >= 3 ? `<text x="${(x + 3).toFixed(2)}" y="${depth * ROW + 13}">${escapeHtml(chars < name.length ? `${name.slice(0, chars - 1)}…` : name)}</text>` : '';
  return (
    `<g${marked ? ' class="culprit"' : ''}><title>${escapeHtml(tip)}</title>` +
    `<rect x="${x.toFixed(2)}" y="${depth * ROW}" width="${width.toFixed(2)}" height="${ROW - 1}" fill="${colour(node)}"/>` +
    `${text}</g>`
  );
}
