// The HTML report in a real browser: Debian's Chromium, headless, driven by playwright-core. The
// page is opened from file://, every request it makes is checked, and the flame chart must paint.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { bastion, makeRealStall, makeThreadsStall, writeInput } from './helpers.ts';
import type { RealStall } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

let browser: Browser;
let stall: RealStall;
let scratch: string;

before(async () => {
  if (!existsSync(CHROMIUM)) {
    assert.fail(`Chromium is not installed at ${CHROMIUM}: install it with \`DEBIAN_FRONTEND=noninteractive apt-get install -y chromium\` (as root) and run the test again`);
  }
  [browser, stall] = await Promise.all([chromium.launch({ executablePath: CHROMIUM, args: ARGS }), makeRealStall()]);
  scratch = mkdtempSync(join(tmpdir(), 'bastion-report-browser-'));
});
after(async () => {
  await browser?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function writePage(dumpPath: string, name: string): string {
  const page = join(scratch, name);
  const { code, stderr } = bastion(['report', dumpPath, '--html', page]);
  assert.equal(code, 0, stderr);
  return page;
}

/** Opens `file` in a fresh context that fails every request not for a file: URL, and any dialog. */
async function open(file: string): Promise<{ page: Page; offPage: string[]; dialogs: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const offPage: string[] = [];
  const dialogs: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    offPage.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) offPage.push(request.url());
  });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, offPage, dialogs };
}

// Runs in the browser (the project's types have no DOM): the number of distinct colours in a PNG.
const COUNT_COLOURS = `async (base64) => {
  const image = new Image();
  image.src = 'data:image/png;base64,' + base64;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const { data } = context.getImageData(0, 0, image.width, image.height);
  const colours = new Set();
  for (let i = 0; i < data.length; i += 4) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  return colours.size;
}`;

/** How many distinct colours a PNG holds, counted by a canvas in a page of its own. */
async function countColours(png: Buffer): Promise<number> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    return await page.evaluate<number>(`(${COUNT_COLOURS})(${JSON.stringify(png.toString('base64'))})`);
  } finally {
    await context.close();
  }
}

test('the page shows the culprit and the stack, makes no request, and paints its flame chart', { timeout: 60_000 }, async () => {
  const { page, offPage, dialogs } = await open(writePage(stall.dumpPath, 'stall.html'));
  const culprit = stall.dump.stack[0]!;
  assert.equal(await page.locator('#culprit').innerText(), `spinForAWhile (${culprit.url}:${culprit.line}:${culprit.column})`);
  assert.equal(await page.locator('#stack li').count(), stall.dump.stack.length);
  assert.match(await page.locator('#stack li').first().innerText(), /^spinForAWhile \(/);
  assert.match(await page.locator('pre.source .target').innerText(), /while \(Date\.now\(\) < end\); \/\/ stall-site/);

  const chart = page.locator('#flame svg');
  const box = await chart.boundingBox();
  assert.ok(box && box.width > 600 && box.height > 50, `flame chart box ${JSON.stringify(box)}`);
  assert.ok((await chart.locator('rect').count()) > 3);
  const screenshot = await chart.screenshot({ path: join(scratch, 'flame.png') });
  const colours = await countColours(screenshot);
  assert.ok(colours > 4, `the flame chart painted ${colours} colour(s)`);

  assert.deepEqual(offPage, [], 'requests that left the page');
  assert.deepEqual(dialogs, []);
  await page.context().close();
});

test('a hostile dump opens as text: no script runs, no element is injected, nothing is fetched', { timeout: 60_000 }, async () => {
  const attack = `<img src="https://example.invalid/x.png" onerror="alert(1)"><script>alert(2)</script><iframe src="https://example.invalid/"></iframe>`;
  const dir = mkdtempSync(join(scratch, 'hostile-'));
  const dump = structuredClone(stall.dump);
  dump.stack[0]!.functionName = attack;
  dump.process.argv.push(attack);
  dump.profile = 'hostile.cpuprofile';
  const profile = JSON.parse(readFileSync(stall.profilePath, 'utf8')) as { nodes: { callFrame: { functionName: string } }[] };
  for (const node of profile.nodes) node.callFrame.functionName = attack;
  writeInput(dir, 'hostile.cpuprofile', profile);

  const { page, offPage, dialogs } = await open(writePage(writeInput(dir, 'hostile.json', dump), 'hostile.html'));
  assert.equal(await page.locator('script, img, iframe, object, embed').count(), 0);
  assert.ok((await page.locator('#culprit').innerText()).startsWith(attack), 'shown as text');
  assert.deepEqual(offPage, []);
  assert.deepEqual(dialogs, []);
  await page.context().close();
});

test("an unreliable profile's warning is in plain sight, right above its flame chart", { timeout: 60_000 }, async () => {
  const threads = await makeThreadsStall();
  assert.ok(threads.dump.profileWarning, 'the watchdog did not mark the profile of this busy loop unreliable');
  const { page, offPage } = await open(writePage(threads.dumpPath, 'unreliable.html'));
  const warning = page.locator('#profile-warning');
  assert.equal(await warning.innerText(), threads.dump.profileWarning);
  const [note, chart] = await Promise.all([warning.boundingBox(), page.locator('#flame svg').boundingBox()]);
  assert.ok(note && chart, 'both drawn');
  // Above the chart with only the profile's one-line summary between them.
  assert.ok(note.y + note.height <= chart.y && chart.y - (note.y + note.height) < 80, `warning ${JSON.stringify(note)}, chart ${JSON.stringify(chart)}`);
  assert.match(await page.evaluate<string>("getComputedStyle(document.getElementById('profile-warning')).borderTopColor"), /^rgb\(179, 38, 30\)$/, 'outlined in red');
  assert.equal(await page.locator('#thread-' + threads.spinner).innerText(), `Thread ${threads.spinner} (spinner)`);
  assert.deepEqual(offPage, []);
  await page.context().close();
});
