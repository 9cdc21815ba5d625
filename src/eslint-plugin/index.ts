// generator-bastion/eslint-plugin: security rules for Node services and the flat configs that
// enable them with a curated set from ESLint core and well-kept plugins.
import { createRequire } from 'node:module';
import type { ESLint, Linter } from 'eslint';
import { createConfigs } from './configs.js';
import { rules } from './rules/index.js';

export type { Options as NoShellExecOptions, MessageIds as NoShellExecMessageIds } from './rules/no-shell-exec.js';
export type {
  Options as NoUnsafeDeserializationOptions,
  MessageIds as NoUnsafeDeserializationMessageIds,
} from './rules/no-unsafe-deserialization.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** The plugin object; register it as `bastion` (the configs do). */
export interface BastionPlugin extends ESLint.Plugin {
  readonly meta: { readonly name: string; readonly version: string };
  readonly rules: typeof rules;
  readonly configs: { readonly recommended: Linter.Config; readonly strict: Linter.Config };
}

const plugin: BastionPlugin = {
  meta: { name: 'generator-bastion/eslint-plugin', version },
  rules,
  configs: { recommended: {}, strict: {} },
};
// The configs register this very object as `bastion` (a user config registering it too must see
// the same object), so they are filled in once it exists.
Object.assign(plugin.configs, createConfigs(plugin));

export default plugin;
