// Frames in the dump point at the original TypeScript when the compiled script has a source map:
// a map file next to the script, an inline data: map, a sourceRoot, CommonJS and ES modules, with
// and without --enable-source-maps. The fixture is compiled here by the project's TypeScript.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { loadSourceMap, SourceMapResolver } from '../../src/watchdog/source-maps.ts';
import { fixture, runFixture } from './harness.ts';

const source = readFileSync(fixture('api/invoice-job.ts'), 'utf8');
const sourceLines = source.split('\n');
// The pause lands somewhere in the busy loop of checksumInvoices: its while or for line (1-based).
const loopLines = [sourceLines.findIndex((line) => line.includes('while (Date.now()')) + 1, sourceLines.findIndex((line) => line.includes('for (const invoice')) + 1];
const scratch = mkdtempSync(join(tmpdir(), 'bastion-source-maps-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Build {
  name: string;
  module: 'esm' | 'cjs';
  inline?: boolean;
  /** Put the .ts in src/ and the .js in dist/, linked by the map's sourceRoot. */
  sourceRoot?: boolean;
}

/** Compiles the fixture into its own directory; returns the script to run and the .ts path. */
function build({ name, module, inline = false, sourceRoot = false }: Build): { script: string; original: string } {
  const root = join(scratch, name);
  const outDir = sourceRoot ? join(root, 'dist') : root;
  const srcDir = sourceRoot ? join(root, 'src') : root;
  mkdirSync(outDir, { recursive: true });
  mkdirSync(srcDir, { recursive: true });
  const original = join(srcDir, 'invoice-job.ts');
  writeFileSync(original, source);
  writeFileSync(join(outDir, 'package.json'), JSON.stringify({ type: module === 'esm' ? 'module' : 'commonjs' }));
  const output = ts.transpileModule(source, {
    fileName: 'invoice-job.ts',
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: module === 'esm' ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS,
      sourceMap: !inline,
      inlineSourceMap: inline,
      ...(sourceRoot ? { sourceRoot: '../src/' } : {}),
    },
  });
  const script = join(outDir, 'invoice-job.js');
  writeFileSync(script, output.outputText);
  if (output.sourceMapText !== undefined) writeFileSync(`${script}.map`, output.sourceMapText);
  return { script, original };
}

const builds: (Build & { nodeArgs?: string[] })[] = [
  { name: 'esm-map-file', module: 'esm' },
  { name: 'cjs-inline', module: 'cjs', inline: true },
  { name: 'esm-inline-enable-source-maps', module: 'esm', inline: true, nodeArgs: ['--enable-source-maps'] },
  { name: 'cjs-source-root', module: 'cjs', sourceRoot: true },
];

describe('dump frames through source maps', { concurrency: true }, () => {
  for (const { nodeArgs = [], ...options } of builds) {
    it(`point at the .ts file and line (${options.name}${nodeArgs.length > 0 ? `, ${nodeArgs.join(' ')}` : ''})`, async () => {
      const { script, original } = build(options);
      const result = await runFixture(script, { nodeArgs, env: { BASTION_WATCHDOG_TIMEOUT_MS: '500' } });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^checksum \d+\n$/);
      const dump = result.dumps.find((candidate) => candidate.stack[0]?.functionName === 'checksumInvoices');
      assert.ok(dump, result.stderr);
      const [top, caller] = dump.stack;
      const originalUrl = pathToFileURL(original).href;
      assert.equal(top?.url, originalUrl);
      assert.ok(loopLines.includes(top.line), `line ${top.line}, expected one of ${loopLines.join(', ')}`);
      assert.ok(top.column >= 1);
      assert.equal(top.generated?.url, pathToFileURL(script).href);
      // The caller is the setTimeout callback at the bottom of the .ts file.
      assert.equal(caller?.url, originalUrl);
      assert.equal(sourceLines[caller.line - 1]?.includes('checksumInvoices(invoices'), true, `caller line ${caller.line}`);
      // The stderr block shows the same, mapped positions.
      assert.ok(result.stderr.includes(`    at checksumInvoices (${originalUrl}:${top.line}:${top.column})\n`), result.stderr);
    });
  }
});

describe('loadSourceMap (hostile and unusual maps)', () => {
  const script = pathToFileURL(join(scratch, 'app.js')).href;
  const map = { version: 3, file: 'app.js', sources: ['app.ts'], names: [], mappings: 'AAAA' };

  it('reads base64 and percent-encoded data: URLs', () => {
    const base64 = `data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`;
    const encoded = `data:application/json,${encodeURIComponent(JSON.stringify(map))}`;
    for (const url of [base64, encoded]) {
      const entry = loadSourceMap(script, url)?.findEntry(0, 0);
      assert.ok(entry && 'originalSource' in entry);
      assert.equal(entry.originalSource, pathToFileURL(join(scratch, 'app.ts')).href);
    }
  });

  it("resolves the sources in an index map's sections (Turbopack's maps, for Next.js)", () => {
    const index = {
      version: 3,
      sources: [],
      sections: [
        { offset: { line: 0, column: 0 }, map: { version: 3, sources: ['../src/route.js'], names: [], mappings: 'AAAA' } },
        { offset: { line: 2, column: 0 }, map: { version: 3, sourceRoot: 'lib', sources: ['tracer.ts'], names: [], mappings: 'AAAA' } },
      ],
    };
    const chunk = pathToFileURL(join(scratch, 'chunks', 'app.js')).href;
    for (const url of [`data:application/json,${encodeURIComponent(JSON.stringify(index))}`, 'app.js.map']) {
      mkdirSync(join(scratch, 'chunks'), { recursive: true });
      writeFileSync(join(scratch, 'chunks', 'app.js.map'), JSON.stringify(index));
      const map = loadSourceMap(chunk, url);
      const first = map?.findEntry(0, 0);
      const second = map?.findEntry(2, 0);
      assert.ok(first && 'originalSource' in first && second && 'originalSource' in second, url);
      assert.equal(first.originalSource, pathToFileURL(join(scratch, 'src', 'route.js')).href);
      assert.equal(second.originalSource, pathToFileURL(join(scratch, 'chunks', 'lib', 'tracer.ts')).href);
    }
  });

  it('returns undefined, never throws, for broken or unreachable maps', () => {
    writeFileSync(join(scratch, 'broken.js.map'), '{"version": 3, "sources": [');
    const cases = [
      'data:application/json;base64,!!!not-json!!!',
      'data:application/json,%E0%A4%A', // malformed percent-encoding
      'data:,',
      'broken.js.map',
      'missing.js.map',
      'https://example.com/app.js.map', // never fetched
      '../../../../../../../../proc/self/nonexistent.map',
    ];
    for (const url of cases) assert.equal(loadSourceMap(script, url), undefined, url);
    assert.equal(loadSourceMap('not a url', 'app.js.map'), undefined);
  });

  it('skips map files larger than the worker should hold', () => {
    writeFileSync(join(scratch, 'huge.js.map'), `{"version":3,"sources":[],"names":[],"mappings":"${'A'.repeat(9 * 1024 * 1024)}"}`);
    assert.equal(loadSourceMap(script, 'huge.js.map'), undefined);
  });

  it('leaves frames without a map (or outside it) at their generated position', () => {
    const resolver = new SourceMapResolver();
    const frame = { functionName: 'f', url: script, sourceMapURL: '', lineNumber: 4, columnNumber: 2 };
    assert.deepEqual(resolver.resolve(frame), { functionName: 'f', url: script, line: 5, column: 3 });
    const internal = { functionName: 'listOnTimeout', url: 'node:internal/timers', sourceMapURL: '', lineNumber: 0, columnNumber: 0 };
    assert.deepEqual(resolver.resolve(internal), { functionName: 'listOnTimeout', url: 'node:internal/timers', line: 1, column: 1 });
  });
});
