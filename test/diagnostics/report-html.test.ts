// `bastion report --html`: one self-contained page with the same content as the terminal and a
// flame chart; the dump's and the profile's strings are text on it, never markup.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { bastion, makeRealStall, writeInput } from './helpers.ts';
import type { RealStall } from './helpers.ts';

// Every element the page may hold: anything else came from the dump.
const ELEMENTS = new Set(['html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'h2', 'h3', 'p', 'code', 'pre', 'span', 'ol', 'li', 'table', 'tr', 'td', 'div', 'svg', 'g', 'rect', 'text']);

let stall: RealStall;
let scratch: string;
before(async () => {
  stall = await makeRealStall();
  scratch = mkdtempSync(join(tmpdir(), 'bastion-report-html-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

function writePage(dumpPath: string, name: string, ...args: string[]): string {
  const page = join(scratch, name);
  const { code, stdout, stderr } = bastion(['report', dumpPath, '--html', page, ...args]);
  assert.equal(code, 0, stderr);
  assert.equal(stdout, `bastion report: wrote ${page}\n`);
  return readFileSync(page, 'utf8');
}

function elements(html: string): Set<string> {
  return new Set([...html.matchAll(/<([a-z][\w-]*)/gi)].map((match) => match[1]!.toLowerCase()));
}

test('one page, readable only by its owner, that fetches nothing and runs no script', () => {
  const html = writePage(stall.dumpPath, 'stall.html');
  assert.equal(statSync(join(scratch, 'stall.html')).mode & 0o777, 0o600);
  assert.match(html, /^<!doctype html>\n/);
  assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`));
  assert.doesNotMatch(html, /\s(src|href|srcset|action|xlink:href)=|url\(|@import|<link|<script/i);
  assert.deepEqual([...elements(html)].filter((name) => !ELEMENTS.has(name)), []);
});

test('the same content as the terminal: culprit and source, stack, facts, and a flame chart', () => {
  const html = writePage(stall.dumpPath, 'content.html');
  const culprit = stall.dump.stack[0]!;
  assert.ok(html.includes(`<p class="culprit-frame" id="culprit">spinForAWhile (${culprit.url}:${culprit.line}:${culprit.column})</p>`));
  assert.match(html, /<span class="target">\s+\d+ \| {3}while \(Date\.now\(\) &lt; end\); \/\/ stall-site<\/span>/);
  assert.equal(html.match(/<ol class="stack" id="stack">(.*?)<\/ol>/)?.[1]?.match(/<li/g)?.length, stall.dump.stack.length);
  for (const title of ['Stall', 'Event loop', 'Memory', 'Process', 'CPU profile', 'Hottest functions (self time)']) {
    assert.ok(html.includes(`<h2>${title}</h2>`), title);
  }
  const svg = html.match(/<svg class="flame"[^>]*viewBox="0 0 1200 (\d+)"[^>]*>(.*?)<\/svg>/s);
  assert.ok(svg, 'an inline SVG flame chart');
  assert.ok(Number(svg[1]) > 0);
  assert.ok((svg[2]!.match(/<rect /g)?.length ?? 0) > 3);
  assert.match(svg[2]!, /<g class="culprit"><title>spinForAWhile file:\S+finite-loop\.mjs:\d+:\d+\n[\d.]+ ms \([\d.]+ %\)/, 'the culprit is outlined');
});

test('without a profile, the page has no flame chart and says nothing of one', (t) => {
  const dir = mkdtempSync(join(scratch, 'no-profile-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dump = structuredClone(stall.dump);
  delete dump.profile;
  const html = writePage(writeInput(dir, 'stall.json', dump), 'no-profile.html');
  assert.ok(!html.includes('<svg') && !html.includes('CPU profile'));
});

test('hostile strings in the dump and the profile are escaped, wherever they are shown', () => {
  const attack = `<script>alert(1)</script><img src=x onerror=alert(2)>"'&`;
  const escaped = '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;';
  const dump = structuredClone(stall.dump);
  const dir = mkdtempSync(join(scratch, 'hostile-'));
  dump.stack[0]!.functionName = attack;
  dump.stack[0]!.url = `file:///app/${attack}.js`;
  dump.stack.push({ functionName: '', url: `node:${attack}`, line: 1, column: 1 });
  dump.stackError = attack;
  dump.time = attack;
  dump.activeResources = [attack];
  dump.process.argv.push(attack);
  dump.process.nodeVersion = `</title>${attack}`;
  dump.profile = 'hostile.cpuprofile';
  const profile = JSON.parse(readFileSync(stall.profilePath, 'utf8')) as { nodes: { callFrame: { functionName: string; url: string } }[] };
  for (const node of profile.nodes) {
    node.callFrame.functionName = `${attack}${node.callFrame.functionName}`;
    node.callFrame.url &&= `${node.callFrame.url}${attack}`;
  }
  writeInput(dir, 'hostile.cpuprofile', profile);
  const html = writePage(writeInput(dir, 'hostile.json', dump), 'hostile.html');

  assert.deepEqual([...elements(html)].filter((name) => !ELEMENTS.has(name)), [], 'no element from the data');
  assert.doesNotMatch(html, /<script|<img/i);
  const handlers = [...html.matchAll(/<[a-z][^>]*>/gi)].filter(([tag]) => /\son\w+=/i.test(tag));
  assert.deepEqual(handlers, [], 'no event handler attribute in any tag');
  assert.ok(html.includes(`<p class="culprit-frame" id="culprit">${escaped} (file:///app/${escaped}.js:`), 'the culprit, escaped');
  // Once in the frame, the error, the time, the resources, argv, the version, the page title, the
  // stack (twice: frame and URL), and in the profile's chart and table.
  assert.ok(html.split(escaped).length - 1 >= 12, `escaped ${html.split(escaped).length - 1} times`);
  assert.ok(html.includes(`<title>Stall: ${stall.dump.stalledMs} ms, pid ${stall.dump.pid}</title>`));
});
