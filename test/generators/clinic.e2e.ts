// End to end: a new http service's `npm run doctor` and `npm run flame` fetch clinic.js and
// autocannon with npx, profile the built service (watchdog preloaded) under load on its routes,
// and each writes a report page that holds the profile.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { readJson } from './helpers.ts';
import { INSTALL_MS, newService, packAndInstall, run } from './packed.ts';

const scratch = mkdtempSync(join(tmpdir(), 'bastion-clinic-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

// Downloads clinic on first use, then 20 s of load, then clinic's analysis.
const PROFILE_MS = 10 * 60_000;

/** Runs `npm run <script>`; returns its output and the one report page it left in .clinic/. */
function profile(t: TestContext, service: string, script: 'doctor' | 'flame'): { output: string; html: string; bytes: number } {
  const started = Date.now();
  const output = run(service, 'npm', ['run', script], PROFILE_MS);
  const seconds = Math.round((Date.now() - started) / 1000);
  const pages = readdirSync(join(service, '.clinic')).filter((name) => name.endsWith(`.clinic-${script}.html`));
  assert.equal(pages.length, 1, `one ${script} page in .clinic/: ${pages.join(', ')}\n${output.slice(-4000)}`);
  const path = join(service, '.clinic', pages[0] ?? '');
  const bytes = statSync(path).size;
  t.diagnostic(`npm run ${script}: ${seconds} s, ${bytes} bytes of HTML`);
  return { output, html: readFileSync(path, 'utf8'), bytes };
}

/** The data Doctor embeds in its page (Flame's is inside its script). */
function clinicData(html: string): Record<string, unknown> {
  const match = /<script type="application\/json" id="clinic-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(match?.[1], 'the page embeds its data');
  return JSON.parse(match[1]) as Record<string, unknown>;
}

/** Both routes were loaded, and every answer was a 2xx: no 429 from the rate limit. */
function assertLoaded(output: string): void {
  assert.match(output, /Running \d+s test @ http:\/\/127\.0\.0\.1:\d+\/api\/checksum/);
  assert.match(output, /Running \d+s test @ http:\/\/127\.0\.0\.1:\d+\/metrics/);
  assert.doesNotMatch(output, /non 2xx responses/);
}

describe('clinic.js in a new http service', { timeout: 2 * INSTALL_MS + 2 * PROFILE_MS }, () => {
  let service = '';
  before(() => {
    service = newService(packAndInstall(scratch), 'svc-clinic', 'http');
  });

  test('clinic and autocannon are fetched on use, not dependencies', () => {
    const pkg = readJson(join(service, 'package.json'));
    const declared = Object.keys({ ...(pkg['dependencies'] as object), ...(pkg['devDependencies'] as object) });
    assert.deepEqual(declared.filter((name) => /clinic|autocannon/.test(name)), []);
  });

  test('npm run doctor writes a Doctor page with samples of the process under load', (t) => {
    const { output, html, bytes } = profile(t, service, 'doctor');
    assertLoaded(output);
    assert.ok(bytes > 100_000, `${bytes} bytes`);
    assert.match(html, /<title>Clinic Doctor<\/title>/);
    assert.match(html, /<!-- \{"tool":"doctor"/);
    const data = clinicData(html);
    // A sample every 10 ms over 20 s of load: thousands. A broken sample file gives none.
    assert.ok(Array.isArray(data['processStat']) && data['processStat'].length > 100, `${(data['processStat'] as unknown[] | undefined)?.length} samples`);
    assert.ok(data['analysis'], 'with an analysis');
  });

  test("npm run flame writes a Flame page whose stacks reach the service's code and the watchdog", (t) => {
    const { output, html, bytes } = profile(t, service, 'flame');
    assertLoaded(output);
    assert.ok(bytes > 100_000, `${bytes} bytes`);
    assert.match(html, /<title>Clinic Flame<\/title>/);
    assert.match(html, /<!-- \{"tool":"flame"/);
    // Frames of the embedded call tree. Flame draws one thread: the main thread's holds the service's
    // compiled code outside its piscina tasks (which files got sampled depends on the machine: a route
    // handler is a few µs of a request) and the watchdog's preload, which no other thread loads.
    const files = new Set(Array.from(html.matchAll(/"fileName":"file:\/\/([^"]*)"/g), (match) => match[1] ?? ''));
    const own = [...files].filter((file) => !file.includes('/node_modules/'));
    const seen = `the service's files in the call tree: ${own.join(', ') || 'none'}`;
    assert.ok(own.some((file) => /\/dist\/(?!workers\/)[\w/-]+\.js$/.test(file)), `the main thread's samples in the service's own code; ${seen}`);
    assert.ok(own.some((file) => file.endsWith('/vendor/watchdog/register.js')), `the watchdog was preloaded; ${seen}`);
  });
});
