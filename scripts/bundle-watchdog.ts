// Replaces the watchdog's entry points in dist/watchdog/ (emitted by tsc, one file per module) with
// bundles, so that each thread loads few ES modules: the loader's bookkeeping costs ~30 KiB of
// young-generation memory per module, whatever its size, and on the main thread of a small app
// a dozen modules were enough to make V8 grow its new space (docs/watchdog.md, "Memory").
//
//   main thread: register.js (the preload) and index.js (the API), sharing shared.js, so that an
//                app that imports the API under the preload runs the very module the preload started
//   worker:      worker.js (loaded at start), worker-tasks.js (the stall path, loaded on the first
//                stall or `bastion dump`); each imports the other by its own name, once.
//
// The other modules' files stay in dist/ as tsc wrote them: the CLI and the tests import some.
// runtime-files.json lists the bundles, for `bastion add watchdog` to copy those and no others.
// Run after `tsc -p tsconfig.build.json` (npm run build does).
import { build } from 'esbuild';
import type { BuildOptions, BuildResult } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src/watchdog/', import.meta.url));
const OUT = fileURLToPath(new URL('../dist/watchdog/', import.meta.url));

const common: BuildOptions = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22.18',
  outdir: OUT,
  // Like tsc's maps: they point at src/, which the package ships, without a copy of it.
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
  metafile: true,
};

const results: BuildResult[] = [
  await build({
    ...common,
    entryPoints: [`${SRC}register.ts`, `${SRC}index.ts`],
    splitting: true,
    // One chunk: everything register.ts and index.ts share. A second would collide on this name and fail the build.
    chunkNames: 'shared',
  }),
  // Each worker module leaves the other out: worker-tasks.js must reach the running entry's state,
  // and worker.js must not load the stall path before it is needed.
  await build({ ...common, entryPoints: [`${SRC}worker.ts`], external: ['./worker-tasks.js'] }),
  await build({ ...common, entryPoints: [`${SRC}worker-tasks.ts`], external: ['./worker.js'] }),
];
const files = results.flatMap((result) => Object.keys(result.metafile?.outputs ?? {})).filter((path) => path.endsWith('.js'));
writeFileSync(`${OUT}runtime-files.json`, `${JSON.stringify({ files: files.map((path) => basename(path)).sort() }, null, 2)}\n`);
