// `bastion new <name>` / `yo bastion <name>`: a production-hardened TypeScript service in ./<name>.
// Each answer comes from its flag, else from the project's .yo-rc.json (when regenerating), else
// from a prompt (on a terminal only), else from its default; all are checked before anything is
// written.
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import Generator from 'yeoman-generator';
import type { BaseOptions } from 'yeoman-generator';
import { checkBastionSpec, checkDescription, checkKind, checkName, checkPackageManager, checkPort, InputError, KINDS, PACKAGE_MANAGERS } from '../shared/input.js';
import type { Kind, PackageManager } from '../shared/input.js';
import { isInteractive } from '../shared/interactive.js';
import { defaultBastionSpec, packageJson } from '../shared/package.js';
import { addLint, BASTION_SPEC_OPTION } from '../lint/add-lint.js';
import { addWatchdog } from '../watchdog/add-watchdog.js';
import { checkDestination } from './destination.js';
import type { StoredAnswers } from './destination.js';
import { templateFiles } from './files.js';

export interface Answers {
  name: string;
  description: string;
  kind: Kind;
  port: number;
  packageManager: PackageManager;
  bastionSpec: string;
}

/** The options, as data: the CLI's --help lists them from here. */
export const APP_OPTIONS = {
  yes: { type: Boolean, description: 'Ask nothing: flags, then stored answers, then defaults' },
  kind: { type: String, description: `Kind of service: ${KINDS.join(' | ')} (default http)` },
  port: { type: String, description: 'Port the service listens on (default 3000)' },
  description: { type: String, description: 'One line for package.json and the README' },
  'package-manager': { type: String, description: `${PACKAGE_MANAGERS.join(' | ')} (default npm)` },
  'bastion-spec': BASTION_SPEC_OPTION,
} as const;

type OptionName = keyof typeof APP_OPTIONS;
type AppOptions = BaseOptions & Record<string, unknown>;

export default class AppGenerator extends Generator<Record<string, unknown>, AppOptions> {
  #answers: Answers | undefined;

  constructor(args: string[], options: AppOptions) {
    super(args, options);
    this.argument('name', { type: String, required: false, description: 'Service name: a valid npm package name, created as ./<name>' });
    for (const [name, spec] of Object.entries(APP_OPTIONS)) this.option(name, spec);
  }

  async prompting(): Promise<void> {
    const interactive = isInteractive(this.options['yes']);
    const given = (name: OptionName): unknown => this.options[name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())] ?? this.options[name];
    // Flags first, so a bad one fails before any question.
    const flags = {
      kind: optional(given('kind'), checkKind),
      port: optional(given('port'), checkPort),
      description: optional(given('description'), checkDescription),
      packageManager: optional(given('package-manager'), checkPackageManager),
      bastionSpec: optional(given('bastion-spec'), (value) => checkBastionSpec(value, this.env.cwd)),
    };

    let name = this.options['name'] as unknown;
    if (name === undefined && interactive) {
      ({ name } = await this.prompt({ type: 'input', name: 'name', message: 'Service name', validate: validator(checkName) }));
    }
    const target = resolve(this.env.cwd, checkName(name));
    const stored = checkDestination(target, this.options.force === true);
    const known = {
      kind: flags.kind ?? optional(stored['kind'], checkKind),
      port: flags.port ?? optional(stored['port'], checkPort),
      description: flags.description ?? optional(stored['description'], checkDescription),
      packageManager: flags.packageManager ?? optional(stored['packageManager'], checkPackageManager),
    };
    const asked = interactive ? await this.#ask(known) : {};
    this.#answers = {
      name: checkName(name),
      kind: known.kind ?? checkKind(asked['kind'] ?? 'http'),
      port: known.port ?? checkPort(asked['port'] ?? 3000),
      description: known.description ?? checkDescription(asked['description'] ?? 'A production-hardened Node.js service'),
      packageManager: known.packageManager ?? checkPackageManager(asked['packageManager'] ?? 'npm'),
      bastionSpec: flags.bastionSpec ?? optional(stored['bastionSpec'], (value) => checkBastionSpec(value, target)) ?? defaultBastionSpec(),
    };
    this.destinationRoot(target);
    // yeoman-environment installs where its cwd's package.json changed: make that the new project.
    this.env.cwd = target;
    (this.env as unknown as { options: Record<string, unknown> }).options['nodePackageManager'] = this.#answers.packageManager;
  }

  /** Asks for what neither a flag nor the stored answers gave. */
  #ask(known: { [K in 'kind' | 'port' | 'description' | 'packageManager']: Answers[K] | undefined }): Promise<StoredAnswers> {
    return this.prompt([
      { type: 'input', name: 'description', message: 'Description', default: 'A production-hardened Node.js service', when: known.description === undefined, validate: validator(checkDescription) },
      { type: 'select', name: 'kind', message: 'Kind of service', choices: [...KINDS], default: 'http', when: known.kind === undefined },
      { type: 'input', name: 'port', message: 'Port', default: '3000', when: known.port === undefined, validate: validator(checkPort) },
      { type: 'select', name: 'packageManager', message: 'Package manager', choices: [...PACKAGE_MANAGERS], default: 'npm', when: known.packageManager === undefined },
    ]);
  }

  configuring(): void {
    const answers = this.#requireAnswers();
    // Only on a change: Yeoman rewrites .yo-rc.json whenever it is set, identical or not.
    const stored = { ...answers, version: packageJson.version };
    if (!isDeepStrictEqual(this.config.getAll(), stored)) this.config.set(stored);
  }

  writing(): void {
    const answers = this.#requireAnswers();
    const context = { ...answers, bastionVersion: packageJson.version };
    for (const file of templateFiles(answers.kind)) {
      this.fs.copyTpl(file.source, this.destinationPath(file.destination), context);
    }
    addWatchdog(this);
    addLint(this, answers.bastionSpec);
  }

  end(): void {
    const { name, kind, packageManager } = this.#requireAnswers();
    if (this.options['dryRun'] === true) {
      this.log('\nDry run: nothing was written.');
      return;
    }
    const run = packageManager === 'npm' ? 'npm run' : packageManager;
    const install = this.options.skipInstall === true ? [`${packageManager} install`] : [];
    this.log(
      `\nCreated ${name}, ${kind === 'http' ? 'an HTTP service' : 'a job worker'}, in ${this.destinationRoot()}. Next:\n` +
        [`cd ${name}`, ...install, `${run} build`, `${packageManager} test`, `${packageManager} start`].map((line) => `  ${line}`).join('\n') +
        `\nWhat each part does and how to configure it: ${name}/README.md\n`,
    );
  }

  #requireAnswers(): Answers {
    if (this.#answers === undefined) throw new Error('the answers are read before the prompting step ran');
    return this.#answers;
  }
}

function optional<T>(value: unknown, check: (value: unknown) => T): T | undefined {
  return value === undefined ? undefined : check(value);
}

/** Adapts a check to inquirer's `validate`: true, or the message to show under the prompt. */
function validator(check: (value: unknown) => unknown): (value: unknown) => true | string {
  return (value) => {
    try {
      check(value);
      return true;
    } catch (error) {
      if (error instanceof InputError) return error.message;
      throw error;
    }
  };
}
