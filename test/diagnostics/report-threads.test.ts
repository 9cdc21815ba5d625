// `bastion report` on what newer dumps hold: the worker threads' stacks, a stall profile the
// watchdog marked unreliable, and dumps taken on demand (`bastion dump <pid> --json`), busy and idle.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { fixture, markedLine } from '../watchdog/harness.ts';
import { bastion, makeOnDemandDump, makeThreadsStall, writeInput } from './helpers.ts';
import type { ThreadsStall } from './helpers.ts';

const ESC = '\u001b';
const SGR = new RegExp(`${ESC}\\[\\d+m`, 'g');
const spinning = fixture('lib/spinning-worker.mjs');
const workerSite = () => `spinInWorker \\(${pathToFileURL(spinning).href}:${markedLine(spinning, 'worker-site').line}:\\d+\\)`;

let scratch: string;
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'bastion-report-threads-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

function page(dumpPath: string, name: string, ...args: string[]): string {
  const file = join(scratch, name);
  const { code, stderr } = bastion(['report', dumpPath, '--html', file, ...args]);
  assert.equal(code, 0, stderr);
  return readFileSync(file, 'utf8');
}

describe('a stall with worker threads and an unreliable profile', () => {
  let stall: ThreadsStall;
  before(async () => {
    stall = await makeThreadsStall();
  });

  test('the terminal shows each thread after the main stack, culprit first, or why it was not read', () => {
    const { spinner, sleeper, dump } = stall;
    assert.equal(dump.threads?.length, 2, 'the watchdog read both workers');
    const { code, stdout, stderr } = bastion(['report', stall.dumpPath]);
    assert.equal(code, 0, stderr);
    const section = stdout.slice(stdout.indexOf('\nWorker threads (2)\n'), stdout.indexOf('\nStall\n'));
    assert.ok(stdout.indexOf('\nStack (captured') < stdout.indexOf('\nWorker threads (2)\n'), stdout);
    assert.match(section, new RegExp(`\n {2}thread ${spinner} \\(spinner\\): \\d+ frames\n {4}culprit {2}${workerSite()}\n {2}> at ${workerSite()}\n`));
    assert.match(section, new RegExp(`\n {2}thread ${sleeper} \\(sleeper\\): stack not captured: idle: no JavaScript ran within \\d+ ms`));
  });

  test('the profile warning, prominent in both outputs; gone when another profile is given', () => {
    const warning = stall.dump.profileWarning;
    assert.ok(warning, `the watchdog did not mark the profile of this busy loop unreliable (no OSR this time?): ${JSON.stringify(stall.dump)}`);
    assert.match(warning, /^unreliable for this stall: none of its \d+ samples is in blockMain/);

    const { stdout } = bastion(['report', stall.dumpPath]);
    const profile = stdout.slice(stdout.indexOf('\nCPU profile '));
    assert.match(profile, new RegExp(`^\nCPU profile \\S+\\.cpuprofile\n {2}! ${warning.replace(/[()]/g, '\\$&')}\n {2}\\d+ samples over`));
    const coloured = bastion(['report', stall.dumpPath], { FORCE_COLOR: '1' }).stdout;
    assert.ok(coloured.includes(`${ESC}[1m${ESC}[31m  ! unreliable for this stall`), 'bold red');

    const html = page(stall.dumpPath, 'threads.html');
    const heading = html.indexOf('<h2>CPU profile</h2>');
    const shown = html.indexOf(`<p class="warning" id="profile-warning">${warning}</p>`);
    assert.ok(heading >= 0 && shown > heading && shown < html.indexOf('<svg class="flame"'), 'between the heading and the flame chart');

    // Another profile than the dump's own: the dump's warning does not speak of it.
    const other = bastion(['report', stall.dumpPath, '--profile', stall.dumpPath.replace(/\.json$/, '.cpuprofile')]).stdout;
    assert.doesNotMatch(other, /unreliable/);
  });

  test('a profile that could not be taken: why, in place of the profile', () => {
    // Edited: the watchdog writes profileError when the profiler fails, which a test cannot cause.
    const dump = structuredClone(stall.dump);
    delete dump.profile;
    delete dump.profileMs;
    delete dump.profileWarning;
    dump.profileError = 'the main thread did not answer the profiler';
    const file = writeInput(scratch, 'profile-error.json', dump);
    assert.match(bastion(['report', file]).stdout, /\nCPU profile\n {2}none: the main thread did not answer the profiler\n/);
    assert.ok(page(file, 'profile-error.html').includes('<h2>CPU profile</h2>\n<p class="note" id="profile-error">None: the main thread did not answer the profiler</p>'));
  });

  test('the page shows each thread, its culprit first, and why the idle one was not read', () => {
    const { spinner, sleeper } = stall;
    const html = page(stall.dumpPath, 'threads-page.html');
    assert.match(html, /<h2>Worker threads \(2\)<\/h2>/);
    assert.match(
      html,
      new RegExp(`<h3 id="thread-${spinner}">Thread ${spinner} \\(spinner\\)</h3>\n<p class="thread-culprit">Culprit: ${workerSite()}</p>\n<ol class="stack" id="thread-${spinner}-stack"><li class="culprit">${workerSite()}</li>`),
    );
    assert.match(html, new RegExp(`<h3 id="thread-${sleeper}">Thread ${sleeper} \\(sleeper\\)</h3>\n<p class="note">Stack not captured: idle: no JavaScript ran within \\d+ ms`));
    assert.ok(html.indexOf('<h2>Worker threads') > html.indexOf('<ol class="stack" id="stack">') && html.indexOf('<h2>Worker threads') < html.indexOf('<h2>Stall</h2>'));
  });

  test("hostile thread names and errors are escaped: text on the page, no control sequence on the terminal", () => {
    const dump = structuredClone(stall.dump);
    const attack = `<script>alert(1)</script><img src=x onerror=alert(2)>${ESC}[2J${ESC}]0;pwned\u0007\nforged`;
    delete dump.profile;
    delete dump.profileWarning;
    for (const thread of dump.threads!) {
      thread.name = attack;
      if (thread.stackError !== undefined) thread.stackError = attack;
      for (const frame of thread.stack) frame.functionName = attack;
    }
    dump.threadsError = attack;
    const file = writeInput(scratch, 'hostile-threads.json', dump);

    const { code, stdout } = bastion(['report', file], { FORCE_COLOR: '1' });
    assert.equal(code, 0);
    const text = stdout.replace(SGR, '');
    assert.ok(!text.includes(ESC) && !text.includes('\u0007') && !text.includes('\nforged'), 'no control character from the dump');
    assert.ok(text.includes(`thread ${stall.sleeper} (<script>alert(1)</script><img src=x onerror=alert(2)>\\u001b[2J\\u001b]0;pwned\\u0007\\u000aforged): stack not captured: <script>`), text);

    const html = page(file, 'hostile-threads.html');
    assert.doesNotMatch(html, /<script|<img/i);
    const escaped = '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;';
    assert.ok(html.includes(`<h3 id="thread-${stall.spinner}">Thread ${stall.spinner} (${escaped}`), 'the name');
    assert.ok(html.includes(`<p class="thread-culprit">Culprit: ${escaped}`), 'the frame');
    assert.ok(html.includes(`<p class="note" id="threads-error">${escaped}`), 'threadsError');
    assert.ok(html.includes(`<p class="note">Stack not captured: ${escaped}`), 'stackError');
  });
});

describe('dumps taken on demand with bastion dump <pid> --json', () => {
  test('a busy main thread with workers: titled as taken on request, the culprit, the threads', async () => {
    const dumped = await makeOnDemandDump(scratch, 'on-demand.json', 'worker-threads.mjs', ['forever']);
    const { spinner } = JSON.parse(dumped.firstLine) as { spinner: number };
    const { code, stdout, stderr } = bastion(['report', dumped.path]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^On-demand dump \S+on-demand\.json\ntaken on request \(bastion dump\), not a stall: pid \d+, \S+, event loop last turned \d+ ms before the dump\n/);
    assert.doesNotMatch(stdout, /Stall dump|stalled for|^Stall$/m);
    assert.match(stdout, /^Culprit {2}blockMain \(file:\S+worker-threads\.mjs:\d+:\d+\)$/m);
    assert.match(stdout, new RegExp(`^ {2}thread ${spinner} \\(spinner\\): \\d+ frames\n {4}culprit {2}${workerSite()}$`, 'm'));
    assert.match(stdout, /^Dump on demand\n {2}taken +\S+\n {2}loop last turned +[\d.]+ ms before the dump\n/m);

    const html = page(dumped.path, 'on-demand.html');
    assert.match(html, /<title>On-demand dump: pid \d+<\/title>/);
    assert.match(html, /<h1>On-demand dump: pid \d+<\/h1>\n<p class="summary">Taken on request \(<code>bastion dump<\/code>\), not a stall: /);
    assert.doesNotMatch(html, /Stall:|stalled for/);
    assert.match(html, new RegExp(`<h3 id="thread-${spinner}">Thread ${spinner} \\(spinner\\)</h3>`));
  });

  test('an idle main thread is said to be idle, not blamed', async () => {
    const dumped = await makeOnDemandDump(scratch, 'idle.json', 'idle.mjs');
    const { code, stdout, stderr } = bastion(['report', dumped.path]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^On-demand dump /);
    assert.match(stdout, /\n\nIdle {2}the main thread was waiting in the event loop: no JavaScript was running\n/);
    assert.doesNotMatch(stdout, /^Culprit/m);
    assert.match(stdout, /^Worker threads \(0\)\n {2}none$/m);
    assert.match(stdout, /^ {2}main thread +idle, waiting in the event loop \(no JavaScript running\)$/m);
    const html = page(dumped.path, 'idle.html');
    assert.ok(html.includes('<h2>Idle</h2>\n<p class="culprit-frame" id="culprit">The main thread was waiting in the event loop: no JavaScript was running.</p>'), html);
  });
});
