// `bastion new` and `bastion add <part>`: run this package's Yeoman generators through
// yeoman-environment, the way `yo` would, with the generator's own options on the command line.
import { QueuedAdapter, TerminalAdapter } from '@yeoman/adapter';
import type { PromptAnswers, PromptQuestions } from '@yeoman/types';
import { fileURLToPath } from 'node:url';
import { addEnvironmentOptions, createEnv } from 'yeoman-environment';
import type { EnvironmentOptions } from 'yeoman-environment';

export type GeneratorName = 'app' | 'watchdog' | 'lint';

/** Where the compiled generators are (dist/generators/; a separate TypeScript project). */
function generatorPath(name: GeneratorName): string {
  return fileURLToPath(new URL(`../generators/${name}/index.js`, import.meta.url));
}

// The generators' own rule (they ask nothing off a terminal), so `bastion` and `yo` agree.
const { isInteractive } = (await import(new URL('../generators/shared/interactive.js', import.meta.url).href)) as {
  isInteractive: (yes: unknown) => boolean;
};

/**
 * Without a terminal, a question can never be answered. The only one a generator asks then is
 * the conflicter's "Overwrite <file>?" (a file the user changed since it was generated): keep the
 * user's version, and remember it to say so at the end.
 */
class NonInteractiveTerminal extends TerminalAdapter {
  readonly kept: string[] = [];

  override async prompt<A extends PromptAnswers = PromptAnswers>(questions: PromptQuestions<A>): Promise<A> {
    const answers: PromptAnswers = {};
    for (const question of [questions].flat() as { name: string; message?: unknown }[]) {
      const overwrite = /^Overwrite (.+)\?$/.exec(String(question.message));
      if (question.name !== 'action' || overwrite === null) {
        throw new Error(`cannot ask "${String(question.message)}" without a terminal`);
      }
      this.kept.push(overwrite[1] ?? '');
      answers[question.name] = 'skip';
    }
    return answers as A;
  }
}

// Of Yeoman's own options, those that mean something for these generators; the others (caches,
// global config, .yo-resolve files) still parse but stay out of --help.
const SHOWN_YEOMAN_OPTIONS = new Set(['--skip-install', '--force', '--dry-run']);

/** yeoman-generator logs which task failed before it rethrows; the CLI says what failed, in one line. */
function quietTaskFailures(log: { error: (message: string, ...rest: unknown[]) => unknown }): void {
  const error = log.error.bind(log);
  log.error = (message, ...rest) => (message.startsWith('An error occured while running ') ? log : error(message, ...rest));
}

/** The package manager's own output is above; say where the project is and what is left to do. */
function describeInstallFailure(error: unknown, cwd: string): unknown {
  const failed = error as { command?: unknown; exitCode?: unknown };
  if (typeof failed.command !== 'string' || !/ install$/.test(failed.command)) return error;
  return new Error(`\`${failed.command}\` failed (exit ${String(failed.exitCode)}) in ${cwd}: the files are written; fix what it printed above, then run it again there`);
}

/** Runs one generator with the command-line arguments that follow its command; the exit code. */
export async function runGenerator(name: GeneratorName, usage: string, argv: string[]): Promise<number> {
  const namespace = `bastion:${name}`;
  const command = addEnvironmentOptions().name(usage) as ReturnType<typeof addEnvironmentOptions>;
  const yeomanOptions = new Set([...command.options.map((option) => option.long), '--force-install']);
  const helpEnv = createEnv();
  command.registerGenerator(await helpEnv.register(generatorPath(name), { namespace }).instantiateHelp());
  for (const option of command.options) {
    if (yeomanOptions.has(option.long) && !SHOWN_YEOMAN_OPTIONS.has(option.long ?? '')) option.hideHelp();
  }
  command.exitOverride().configureOutput({ writeErr: (text) => process.stderr.write(text.replace(/^error: /, 'bastion: ')) });
  command.parse(argv, { from: 'user' });
  const options = command.opts();

  const terminal = isInteractive(options['yes']) ? undefined : new NonInteractiveTerminal();
  // The environment's option is typed as the inner adapter but used as the queued one it wraps.
  const adapter = terminal && (new QueuedAdapter({ adapter: terminal }) as unknown as EnvironmentOptions['adapter']);
  const env = createEnv(adapter === undefined ? {} : { adapter });
  quietTaskFailures(env.adapter.log);
  const meta = env.register(generatorPath(name), { namespace });
  try {
    await env.runGenerator(await meta.instantiate(command.args, options));
  } catch (error) {
    throw describeInstallFailure(error, env.cwd);
  }
  if (terminal !== undefined && terminal.kept.length > 0) {
    process.stderr.write(`bastion: kept your changes to ${terminal.kept.join(', ')} (pass --force to overwrite them)\n`);
  }
  return 0;
}
