// The profile's call tree and its flame chart, on small hand-made profiles whose figures are known.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { oneLine } from '../../dist/diagnostics/escape.js';
import { renderFlameChart } from '../../dist/diagnostics/flame.js';
import { checkCallTree, hottestFunctions } from '../../dist/diagnostics/profile.js';

function frame(functionName: string, url = 'file:///app/main.js', lineNumber = 0) {
  return { functionName, url, lineNumber, columnNumber: 0 };
}

// root -> main -> { spin, parse }, and a second call site of spin under root. Samples every 1 ms
// but for a 5 ms gap; each lasts until the next one, the last until endTime (2 ms later).
const profile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 5] },
    { id: 2, callFrame: frame('main'), children: [3, 4] },
    { id: 3, callFrame: frame('spin', 'file:///app/main.js', 9) },
    { id: 4, callFrame: frame('parse', 'file:///app/node_modules/lib/index.js') },
    { id: 5, callFrame: frame('spin', 'file:///app/main.js', 9) },
  ],
  startTime: 1_000_000,
  endTime: 1_010_000,
  samples: [3, 3, 4, 5, 2],
  timeDeltas: [0, 1000, 1000, 1000, 5000],
};

test('samples last until the next one, and totals include the callees', () => {
  const tree = checkCallTree(profile);
  assert.equal(tree.durationMs, 10);
  assert.equal(tree.sampleCount, 5);
  const [main, spinAtRoot] = tree.root.children;
  assert.deepEqual([main?.functionName, main?.selfMs, main?.totalMs], ['main', 2, 5]);
  assert.deepEqual(main?.children.map((node) => [node.functionName, node.selfMs]), [['spin', 2], ['parse', 1]]);
  assert.deepEqual([spinAtRoot?.selfMs, spinAtRoot?.line], [5, 10], '1-based line');
  assert.equal(tree.root.totalMs, 10);
});

test('the hottest functions merge their call sites', () => {
  const hottest = hottestFunctions(checkCallTree(profile), 2);
  assert.deepEqual(hottest.map(({ node, selfMs }) => [node.functionName, selfMs]), [['spin', 7], ['main', 2]]);
});

test('the flame chart outlines the culprit and colours dependencies apart', () => {
  const svg = renderFlameChart(checkCallTree(profile), { highlight: { functionName: 'spin', url: 'file:///app/main.js' } });
  assert.equal(svg.match(/<g class="culprit">/g)?.length, 2, 'both call sites of spin');
  assert.match(svg, /<title>parse file:\/\/\/app\/node_modules\/lib\/index\.js:1:1\n1\.0 ms \(10\.0 %\), self 1\.0 ms<\/title><rect [^>]*fill="#d9c36c"/);
});

test('runaway recursion is drawn 300 frames deep, and says so', () => {
  const depth = 2000;
  const nodes = Array.from({ length: depth }, (_, index) => ({
    id: index + 1,
    callFrame: frame(`f${index}`),
    ...(index + 1 < depth ? { children: [index + 2] } : {}),
  }));
  const tree = checkCallTree({ nodes, startTime: 0, endTime: 1000, samples: [depth], timeDeltas: [0] });
  const svg = renderFlameChart(tree);
  assert.equal(svg.match(/<rect /g)?.length, 301);
  assert.match(svg, /Calls deeper than 300 frames are not drawn/);
});

test('oneLine shows control characters and bidirectional marks as escapes', () => {
  assert.equal(oneLine('a\nb\u001b[2Jc\u202Ed\u2066e\u0085'), 'a\\u000ab\\u001b[2Jc\\u202ed\\u2066e\\u0085');
  assert.equal(oneLine('plain ünïcode → ok'), 'plain ünïcode → ok');
});
