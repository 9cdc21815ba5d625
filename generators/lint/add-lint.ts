// The lint part of a project, shared by `bastion add lint` and `bastion new`: bastion's ESLint
// config and the devDependencies it needs (typescript-eslint only where there is TypeScript).
import type Generator from 'yeoman-generator';
import { packagePath } from '../shared/package.js';

export const LINT_DEPENDENCIES = { eslint: '^10.15.0' };
export const TYPESCRIPT_LINT_DEPENDENCIES = { 'typescript-eslint': '^8.74.0' };

export const BASTION_SPEC_OPTION = {
  type: String,
  description: 'npm spec for generator-bastion in devDependencies (default: this version)',
} as const;

const PLUGIN = 'generator-bastion/eslint-plugin';
const CONFIG_NAMES = ['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.ts', 'eslint.config.mts', 'eslint.config.cts'];

export function addLint(generator: Generator, bastionSpec: string): void {
  const typescript = generator.fs.exists(generator.destinationPath('tsconfig.json'));
  const devDependencies = {
    ...(generator.packageJson.get('devDependencies') as Record<string, string> | undefined),
    'generator-bastion': bastionSpec,
    ...LINT_DEPENDENCIES,
    ...(typescript && TYPESCRIPT_LINT_DEPENDENCIES),
  };
  // Sorted, as npm writes them.
  generator.packageJson.set('devDependencies', Object.fromEntries(Object.entries(devDependencies).sort(([a], [b]) => a.localeCompare(b))));
  if (generator.packageJson.getPath('scripts.lint') === undefined) generator.packageJson.setPath('scripts.lint', 'eslint .');

  // A config that loads bastion's plugin already (a new service's own, or one from an earlier run)
  // is kept as it is; so is any other, with what to add to it.
  const existing = CONFIG_NAMES.find((name) => generator.fs.exists(generator.destinationPath(name)));
  if (existing !== undefined) {
    if (!generator.fs.read(generator.destinationPath(existing)).includes(PLUGIN)) {
      generator.log.info(
        `${existing} is the project's own and is left as it is; add bastion's config to it:\n` +
          `  import bastion from '${PLUGIN}';\n` +
          `  // then bastion.configs.recommended in the exported array`,
      );
    }
    return;
  }
  // A CommonJS project reads eslint.config.js as CommonJS: an .mjs file is ESM everywhere.
  const target = generator.packageJson.get('type') === 'module' ? 'eslint.config.js' : 'eslint.config.mjs';
  generator.fs.copyTpl(packagePath('templates/lint/eslint.config.js'), generator.destinationPath(target), { typescript });
}
