// The report as one self-contained HTML page: inline CSS, no script, and a Content-Security-Policy
// that forbids every fetch, so opening it reaches nothing and the dump's strings cannot run.
import { escapeHtml as e } from './escape.js';
import { factSections } from './facts.js';
import { renderFlameChart } from './flame.js';
import { formatFrame, isAppFrame } from './frames.js';
import type { Report } from './load.js';
import { hottestFunctions } from './profile.js';
import type { StackFrame } from '../watchdog/schema.js';

const HOT_FUNCTIONS = 15;

const CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1240px; padding: 0 16px; color: #1d1d1f; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; }
code, pre, .stack, td.value { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
.summary { color: #555; margin: 0; }
.culprit-frame { font-size: 16px; font-weight: 600; color: #b3261e; }
.compiled, .note { color: #666; }
pre.source { background: #f6f6f6; padding: 8px 0; overflow-x: auto; }
pre.source span { display: block; padding: 0 12px; } pre.source .target { background: #fde2e0; font-weight: 600; }
ol.stack { margin: 0; padding-left: 2.5em; } ol.stack li.lib { color: #888; } ol.stack li.culprit { color: #b3261e; font-weight: 600; }
table { border-collapse: collapse; } td { padding: 2px 16px 2px 0; vertical-align: top; } td.label { color: #666; white-space: nowrap; }
td.value { word-break: break-all; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
svg.flame { display: block; border: 1px solid #ddd; } svg.flame text { font: 11px ui-monospace, monospace; fill: #222; pointer-events: none; }
svg.flame rect { stroke: #fff; stroke-width: 0.5; } svg.flame g.culprit rect { stroke: #b3261e; stroke-width: 2; }
`;

export function renderHtml(report: Report): string {
  const { dump, culprit } = report;
  const title = `Stall: ${dump.stalledMs} ms, pid ${dump.pid}`;
  const body: string[] = [
    `<h1>${e(title)}</h1>`,
    `<p class="summary">Event loop stalled for ${e(String(dump.stalledMs))} ms (threshold ${e(String(dump.thresholdMs))} ms), pid ${e(String(dump.pid))}, ${e(dump.time)}. Dump: <code>${e(report.file)}</code></p>`,
    '<h2>Culprit</h2>',
  ];
  if (culprit) {
    const { frame } = culprit;
    body.push(`<p class="culprit-frame" id="culprit">${e(formatFrame(frame))}</p>`);
    if (culprit.from === 'stackOnReturn') body.push('<p class="note">The first frame of the app after the native call returned.</p>');
    if (frame.generated) body.push(`<p class="compiled">compiled: <code>${e(`${frame.generated.url}:${frame.generated.line}:${frame.generated.column}`)}</code></p>`);
    if (culprit.source.length > 0) {
      const lines = culprit.source.map(
        (line) => `<span${line.isTarget ? ' class="target"' : ''}>${e(String(line.number).padStart(5))} | ${e(line.text)}</span>`,
      );
      body.push(`<pre class="source">${lines.join('')}</pre>`);
    }
  } else {
    body.push('<p class="culprit-frame" id="culprit">None found: no frame of the app\'s own code in the stack.</p>');
  }
  if (dump.stackError) body.push(`<p class="note">Stack not captured: ${e(dump.stackError)}</p>`);

  body.push(`<h2>Stack (${e(dump.stackStatus)}, ${dump.stack.length} frames)</h2>`, stackList(dump.stack, culprit?.frame, 'stack'));
  if (dump.stackOnReturn) {
    body.push(`<h2>Stack when the native call returned, ${e(String(dump.stackOnReturn.delayMs))} ms after detection</h2>`);
    body.push(stackList(dump.stackOnReturn.stack, culprit?.frame, 'stack-on-return'));
  }

  for (const section of factSections(dump)) {
    if (section.rows.length === 0) continue;
    const rows = section.rows.map(([label, value]) => `<tr><td class="label">${e(label)}</td><td class="value">${e(value)}</td></tr>`);
    body.push(`<h2>${e(section.title)}</h2><table>${rows.join('')}</table>`);
  }

  if (report.profile) {
    const { file, tree } = report.profile;
    const highlight = culprit && { functionName: culprit.frame.functionName, url: culprit.frame.url };
    body.push(
      '<h2>CPU profile</h2>',
      `<p class="summary">${tree.sampleCount} samples over ${tree.durationMs.toFixed(0)} ms from <code>${e(file)}</code>. Width is time; callees below their callers; hover a box for its figures.</p>`,
      `<div id="flame">${renderFlameChart(tree, highlight ? { highlight } : {})}</div>`,
      '<h2>Hottest functions (self time)</h2>',
      `<table>${hottestFunctions(tree, HOT_FUNCTIONS)
        .map(({ node, selfMs }) => {
          const where = node.url ? ` (${node.url}:${node.line}:${node.column})` : '';
          return `<tr><td class="num">${selfMs.toFixed(1)} ms</td><td class="value">${e((node.functionName || '(anonymous)') + where)}</td></tr>`;
        })
        .join('')}</table>`,
    );
  }

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}

function stackList(stack: StackFrame[], culprit: StackFrame | undefined, id: string): string {
  if (stack.length === 0) return `<p class="note" id="${id}">No frames.</p>`;
  const items = stack.map((frame) => {
    const kind = frame === culprit ? ' class="culprit"' : isAppFrame(frame) ? '' : ' class="lib"';
    return `<li${kind}>${e(formatFrame(frame))}</li>`;
  });
  return `<ol class="stack" id="${id}">${items.join('')}</ol>`;
}
