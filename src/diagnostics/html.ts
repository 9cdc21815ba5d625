// The report as one self-contained HTML page: inline CSS, no script, and a Content-Security-Policy
// that forbids every fetch, so opening it reaches nothing and the dump's strings cannot run.
import { escapeHtml as e } from './escape.js';
import { factSections } from './facts.js';
import { renderFlameChart } from './flame.js';
import type { Dump } from './dump.js';
import { formatFrame, isAppFrame } from './frames.js';
import type { Report } from './load.js';
import { hottestFunctions } from './profile.js';
import type { StackFrame } from '../watchdog/schema.js';

const HOT_FUNCTIONS = 15;

const CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1240px; padding: 0 16px; color: #1d1d1f; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; } h3 { font-size: 14px; margin: 16px 0 4px; }
code, pre, .stack, td.value { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
.summary { color: #555; margin: 0; }
.culprit-frame { font-size: 16px; font-weight: 600; color: #b3261e; }
.compiled, .note { color: #666; }
pre.source { background: #f6f6f6; padding: 8px 0; overflow-x: auto; }
pre.source span { display: block; padding: 0 12px; } pre.source .target { background: #fde2e0; font-weight: 600; }
ol.stack { margin: 0; padding-left: 2.5em; } ol.stack li.lib { color: #888; } ol.stack li.culprit { color: #b3261e; font-weight: 600; }
table { border-collapse: collapse; } td { padding: 2px 16px 2px 0; vertical-align: top; } td.label { color: #666; white-space: nowrap; }
td.value { word-break: break-all; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
p.warning { background: #fff4e5; border: 2px solid #b3261e; border-radius: 4px; padding: 8px 12px; color: #8c1d18; font-weight: 600; }
.thread-culprit { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-weight: 600; color: #b3261e; }
svg.flame { display: block; border: 1px solid #ddd; } svg.flame text { font: 11px ui-monospace, monospace; fill: #222; pointer-events: none; }
svg.flame rect { stroke: #fff; stroke-width: 0.5; } svg.flame g.culprit rect { stroke: #b3261e; stroke-width: 2; }
`;

export function renderHtml(report: Report): string {
  const { dump, culprit } = report;
  const title = dump.kind === 'stall' ? `Stall: ${dump.stalledMs} ms, pid ${dump.pid}` : `On-demand dump: pid ${dump.pid}`;
  const summary =
    dump.kind === 'stall'
      ? `Event loop stalled for ${e(String(dump.stalledMs))} ms (threshold ${e(String(dump.thresholdMs))} ms), pid ${e(String(dump.pid))}, ${e(dump.time)}.`
      : `Taken on request (<code>bastion dump</code>), not a stall: pid ${e(String(dump.pid))}, ${e(dump.time)}, event loop last turned ${e(String(dump.stalledMs))} ms before the dump.`;
  const body: string[] = [`<h1>${e(title)}</h1>`, `<p class="summary">${summary} Dump: <code>${e(report.file)}</code></p>`];
  if (dump.kind === 'on-demand' && dump.idle) {
    body.push('<h2>Idle</h2>', '<p class="culprit-frame" id="culprit">The main thread was waiting in the event loop: no JavaScript was running.</p>');
  } else if (culprit) {
    const { frame } = culprit;
    body.push('<h2>Culprit</h2>', `<p class="culprit-frame" id="culprit">${e(formatFrame(frame))}</p>`);
    if (culprit.from === 'stackOnReturn') body.push('<p class="note">The first frame of the app after the native call returned.</p>');
    if (frame.generated) body.push(`<p class="compiled">compiled: <code>${e(`${frame.generated.url}:${frame.generated.line}:${frame.generated.column}`)}</code></p>`);
    if (culprit.source.length > 0) {
      const lines = culprit.source.map(
        (line) => `<span${line.isTarget ? ' class="target"' : ''}>${e(String(line.number).padStart(5))} | ${e(line.text)}</span>`,
      );
      body.push(`<pre class="source">${lines.join('')}</pre>`);
    }
  } else {
    body.push('<h2>Culprit</h2>', '<p class="culprit-frame" id="culprit">None found: no frame of the app\'s own code in the stack.</p>');
  }
  if (dump.stackError) body.push(`<p class="note">Stack not captured: ${e(dump.stackError)}</p>`);

  body.push(`<h2>Stack (${e(dump.stackStatus)}, ${dump.stack.length} frames)</h2>`, stackList(dump.stack, culprit?.frame, 'stack'));
  if (dump.kind === 'stall' && dump.stackOnReturn) {
    body.push(`<h2>Stack when the native call returned, ${e(String(dump.stackOnReturn.delayMs))} ms after detection</h2>`);
    body.push(stackList(dump.stackOnReturn.stack, culprit?.frame, 'stack-on-return'));
  }
  body.push(...threadSections(dump));

  for (const section of factSections(dump)) {
    if (section.rows.length === 0) continue;
    const rows = section.rows.map(([label, value]) => `<tr><td class="label">${e(label)}</td><td class="value">${e(value)}</td></tr>`);
    body.push(`<h2>${e(section.title)}</h2><table>${rows.join('')}</table>`);
  }

  if (report.profile) {
    const { file, tree } = report.profile;
    const highlight = culprit && { functionName: culprit.frame.functionName, url: culprit.frame.url };
    body.push('<h2>CPU profile</h2>');
    // Above the chart, not in a footnote: a reader of the chart would blame the wrong function.
    if (report.profile.warning) body.push(`<p class="warning" id="profile-warning">${e(report.profile.warning)}</p>`);
    body.push(
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
  } else if (dump.kind === 'stall' && dump.profileError) {
    body.push('<h2>CPU profile</h2>', `<p class="note" id="profile-error">None: ${e(dump.profileError)}</p>`);
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

/** The worker threads, each with its culprit first, or why it was not read; nothing for an older dump without them. */
function threadSections(dump: Dump): string[] {
  const { threads, threadsError } = dump;
  if (threads === undefined && threadsError === undefined) return [];
  const out = [`<h2>Worker threads ${threads ? `(${threads.length})` : 'not listed'}</h2>`];
  if (threadsError) out.push(`<p class="note" id="threads-error">${e(threadsError)}</p>`);
  else if (threads?.length === 0) out.push('<p class="note">None.</p>');
  for (const thread of threads ?? []) {
    // threadId is a checked integer: safe in an id.
    const id = `thread-${thread.threadId}`;
    out.push(`<h3 id="${id}">Thread ${thread.threadId}${thread.name ? ` (${e(thread.name)})` : ''}</h3>`);
    if (thread.stackStatus !== 'captured') {
      out.push(`<p class="note">Stack not captured: ${e(thread.stackError ?? thread.stackStatus)}</p>`);
      continue;
    }
    const culprit = thread.stack.find(isAppFrame);
    out.push(`<p class="thread-culprit">${culprit ? `Culprit: ${e(formatFrame(culprit))}` : "Culprit: none found, no frame of the app's own code"}</p>`);
    out.push(stackList(thread.stack, culprit, `${id}-stack`));
  }
  return out;
}

function stackList(stack: StackFrame[], culprit: StackFrame | undefined, id: string): string {
  if (stack.length === 0) return `<p class="note" id="${id}">No frames.</p>`;
  const items = stack.map((frame) => {
    const kind = frame === culprit ? ' class="culprit"' : isAppFrame(frame) ? '' : ' class="lib"';
    return `<li${kind}>${e(formatFrame(frame))}</li>`;
  });
  return `<ol class="stack" id="${id}">${items.join('')}</ol>`;
}
