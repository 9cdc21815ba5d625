// Maps paused frames from compiled JavaScript back to the original sources (.ts) through the
// scripts' source maps: inline `data:` maps and map files next to the script. Nothing is fetched
// over the network, and maps larger than MAX_MAP_BYTES are skipped (the worker's heap is small).
import { SourceMap } from 'node:module';
import type { SourceMapPayload } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { PausedFrame } from './main-thread.js';
import type { StackFrame } from './schema.js';

// Not `import`: an ES import of node:fs loads fs.promises and ~20 modules into the worker (1 MiB).
const { closeSync, fstatSync, openSync, readFileSync } = process.getBuiltinModule('node:fs');

const MAX_MAP_BYTES = 8 * 1024 * 1024;

/** Resolves frames for one dump; maps are parsed once per script and dropped with the resolver. */
export class SourceMapResolver {
  readonly #maps = new Map<string, SourceMap | undefined>();

  resolve(frame: PausedFrame): StackFrame {
    const generated = {
      url: frame.url,
      line: frame.lineNumber + 1,
      column: frame.columnNumber + 1,
    };
    const plain: StackFrame = { functionName: frame.functionName, ...generated };
    if (frame.sourceMapURL === '' || frame.url === '') return plain;
    const map = this.#load(frame.url, frame.sourceMapURL);
    const entry = map?.findEntry(frame.lineNumber, frame.columnNumber);
    if (entry === undefined || !('originalSource' in entry)) return plain;
    return {
      functionName: frame.functionName,
      url: entry.originalSource,
      line: entry.originalLine + 1,
      column: entry.originalColumn + 1,
      generated,
    };
  }

  #load(scriptUrl: string, sourceMapURL: string): SourceMap | undefined {
    const key = `${scriptUrl}\n${sourceMapURL}`;
    if (!this.#maps.has(key)) this.#maps.set(key, loadSourceMap(scriptUrl, sourceMapURL));
    return this.#maps.get(key);
  }
}

/** The parsed map, or undefined when it is missing, remote, too large or malformed. */
export function loadSourceMap(scriptUrl: string, sourceMapURL: string): SourceMap | undefined {
  try {
    const base = asUrl(scriptUrl);
    const mapUrl = sourceMapURL.startsWith('data:') ? base : new URL(sourceMapURL, base);
    const text = sourceMapURL.startsWith('data:') ? decodeDataUrl(sourceMapURL) : readMapFile(mapUrl);
    if (text === undefined) return undefined;
    const payload = JSON.parse(text) as SourceMapPayload;
    return new SourceMap(withAbsoluteSources(payload, mapUrl));
  } catch {
    return undefined;
  }
}

// CommonJS scripts may be reported by path, ES modules by file: URL.
function asUrl(scriptUrl: string): URL {
  return scriptUrl.startsWith('/') ? pathToFileURL(scriptUrl) : new URL(scriptUrl);
}

/** `data:application/json;base64,...` or a percent-encoded `data:` URL. */
function decodeDataUrl(dataUrl: string): string | undefined {
  const comma = dataUrl.indexOf(',');
  if (comma === -1 || comma > MAX_MAP_BYTES) return undefined;
  const header = dataUrl.slice('data:'.length, comma);
  const body = dataUrl.slice(comma + 1);
  return header.endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
}

function readMapFile(mapUrl: URL): string | undefined {
  if (mapUrl.protocol !== 'file:') return undefined;
  const fd = openSync(mapUrl, 'r');
  try {
    if (fstatSync(fd).size > MAX_MAP_BYTES) return undefined;
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

// module.SourceMap keeps `sources` as written; resolve them (with sourceRoot) against the map's
// own location so frames carry absolute URLs. An index map (Turbopack's, for Next.js) has its
// sources in each section's map: those too.
function withAbsoluteSources(payload: SourceMapPayload, mapUrl: URL): SourceMapPayload {
  const root = payload.sourceRoot ? payload.sourceRoot.replace(/\/?$/, '/') : '';
  const sources = (payload.sources ?? []).map((source) => new URL(root + source, mapUrl).href);
  const { sections } = payload as IndexMapPayload;
  if (!Array.isArray(sections)) return { ...payload, sources, sourceRoot: '' };
  const absolute = sections.map((section) => (section?.map?.sources === undefined ? section : { ...section, map: withAbsoluteSources(section.map, mapUrl) }));
  return { ...payload, sources, sourceRoot: '', sections: absolute } as SourceMapPayload;
}

/** A source map made of sections, each with a map of its own (`url` sections are not supported by Node). */
interface IndexMapPayload {
  sections?: ({ offset?: unknown; map?: SourceMapPayload } | undefined)[];
}
