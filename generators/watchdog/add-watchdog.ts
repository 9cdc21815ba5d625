// The watchdog part of a project, shared by `bastion add watchdog` and `bastion new`: the compiled
// watchdog copied into vendor/watchdog/ as a zero-dependency module, loaded before the app in
// `npm start`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type Generator from 'yeoman-generator';
import { packageJson, packagePath } from '../shared/package.js';

export const VENDOR_DIR = 'vendor/watchdog';
export const PRELOAD = `./${VENDOR_DIR}/register.js`;

const COMPILED = packagePath('dist/watchdog/');
// The sources the maps point at stay in this package: a copied map would point at nothing.
const SOURCE_MAP_COMMENT = /^\/\/# sourceMappingURL=.*$/m;

export function addWatchdog(generator: Generator): void {
  // The bundles the preload and the API load (scripts/bundle-watchdog.ts lists them), not the
  // one-file-per-module build beside them; the types of every module.
  const runtime = (JSON.parse(readFileSync(`${COMPILED}runtime-files.json`, 'utf8')) as { files: string[] }).files;
  for (const file of readdirSync(COMPILED).filter((name) => runtime.includes(name) || name.endsWith('.d.ts'))) {
    writeManaged(generator, file, readFileSync(`${COMPILED}${file}`, 'utf8').replace(SOURCE_MAP_COMMENT, '').trimEnd() + '\n');
  }
  writeManaged(
    generator,
    'README.md',
    `# vendor/watchdog\n\nThe event-loop watchdog of ${packageJson.name} ${packageJson.version}, copied here so that the\n` +
      'service has no runtime dependency for it. Do not edit: `npx bastion add watchdog` replaces these\n' +
      'files with the installed version. Configuration and the dump format: the `BASTION_WATCHDOG_*`\n' +
      'environment variables, described in the service README.\n',
  );
  loadBeforeTheApp(generator);
}

/**
 * The copy is managed by this generator, not edited by hand: an update replaces it without
 * asking (an identical file is left alone, as any other).
 */
function writeManaged(generator: Generator, file: string, contents: string): void {
  const target = generator.destinationPath(VENDOR_DIR, file);
  generator.fs.write(target, contents);
  if (existsSync(target) && readFileSync(target, 'utf8') !== contents) {
    Object.assign(generator.fs.store.get(target), { conflicter: 'force' });
  }
}

/** Puts the preload in front of a `node …` start script; says what to do for any other. */
function loadBeforeTheApp(generator: Generator): void {
  const start = generator.packageJson.getPath('scripts.start') as unknown;
  if (typeof start === 'string' && start.includes(PRELOAD)) return;
  if (typeof start === 'string' && /^node\s/.test(start)) {
    generator.packageJson.setPath('scripts.start', start.replace(/^node\s+/, `node --import ${PRELOAD} `));
    return;
  }
  generator.log.info(`Load the watchdog before your app: node --import ${PRELOAD} <your entry point>`);
}
