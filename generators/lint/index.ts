// `bastion add lint` / `yo bastion:lint`: adds bastion's ESLint config to an existing project.
import Generator from 'yeoman-generator';
import type { BaseOptions } from 'yeoman-generator';
import { acceptPackageJsonMerge, requirePackageJson } from '../shared/existing-project.js';
import { checkBastionSpec } from '../shared/input.js';
import { defaultBastionSpec } from '../shared/package.js';
import { addLint, BASTION_SPEC_OPTION } from './add-lint.js';

type LintOptions = BaseOptions & Record<string, unknown>;

export default class LintGenerator extends Generator<Record<string, unknown>, LintOptions> {
  constructor(args: string[], options: LintOptions) {
    super(args, options);
    this.option('bastion-spec', BASTION_SPEC_OPTION);
  }

  #bastionSpec = '';

  initializing(): void {
    requirePackageJson(this, 'bastion add lint');
    const given = this.options['bastionSpec'] ?? this.options['bastion-spec'];
    this.#bastionSpec = given === undefined ? defaultBastionSpec() : checkBastionSpec(given, this.env.cwd);
  }

  writing(): void {
    addLint(this, this.#bastionSpec);
    acceptPackageJsonMerge(this);
  }
}
