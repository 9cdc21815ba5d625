// What the `bastion add …` generators need of the project they are run in.
import { existsSync, readFileSync } from 'node:fs';
import type Generator from 'yeoman-generator';
import { InputError } from './input.js';

export function requirePackageJson(generator: Generator, command: string): void {
  if (!existsSync(generator.destinationPath('package.json'))) {
    throw new InputError(`no package.json in ${generator.destinationRoot()}: run \`${command}\` in a project's root`);
  }
}

/**
 * The `add` generators change package.json by merging into the project's own (a script, some
 * devDependencies), keeping everything else: that is not the clobbering the conflicter guards
 * against, so it goes through without asking.
 */
export function acceptPackageJsonMerge(generator: Generator): void {
  const path = generator.destinationPath('package.json');
  const file = generator.fs.store.get(path);
  if (file.contents !== null && file.contents.toString() !== readFileSync(path, 'utf8')) {
    Object.assign(file, { conflicter: 'force' });
  }
}
