// Validation of what a user types: each check returns the clean value or throws an InputError whose
// message is one line, fit to print as is (the CLI prints it without a stack).
import { isAbsolute, resolve } from 'node:path';
import validateNpmName from 'validate-npm-package-name';

/** A mistake in the user's input (as opposed to a bug): reported as one line, exit code 1. */
export class InputError extends Error {
  override name = 'InputError';
}

export const KINDS = ['http', 'worker'] as const;
export type Kind = (typeof KINDS)[number];

export const PACKAGE_MANAGERS = ['npm', 'pnpm', 'yarn'] as const;
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

/** Quotes a value for an error message, cut short so a hostile value cannot flood the terminal. */
export function quote(value: unknown): string {
  const text = JSON.stringify(String(value));
  return text.length > 60 ? `${text.slice(0, 57)}…"` : text;
}

/**
 * The service's name: a valid name for a new npm package that is also a plain directory name
 * (no scope, since `@scope/name` holds a path separator), because the project is created in
 * `./<name>`.
 */
export function checkName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError('a service name is required, e.g. `bastion new my-service`');
  }
  if (/[/\\]/.test(value) || value.split('.').every((part) => part === '')) {
    throw new InputError(`invalid service name ${quote(value)}: it must be a plain directory name, without a path separator or dots only`);
  }
  const { validForNewPackages, errors = [], warnings = [] } = validateNpmName(value);
  if (!validForNewPackages) {
    throw new InputError(`invalid service name ${quote(value)}: ${[...errors, ...warnings][0] ?? 'not a valid npm package name'}`);
  }
  return value;
}

export function checkKind(value: unknown): Kind {
  const kind = KINDS.find((known) => known === value);
  if (kind === undefined) throw new InputError(`unknown --kind ${quote(value)}: expected one of ${KINDS.join(', ')}`);
  return kind;
}

export function checkPackageManager(value: unknown): PackageManager {
  const manager = PACKAGE_MANAGERS.find((known) => known === value);
  if (manager === undefined) {
    throw new InputError(`unknown --package-manager ${quote(value)}: expected one of ${PACKAGE_MANAGERS.join(', ')}`);
  }
  return manager;
}

/** A TCP port the service can listen on: a decimal integer in 1..65535 (commander gives strings). */
export function checkPort(value: unknown): number {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,5}$/.test(text.trim()) || Number(text) < 1 || Number(text) > 65_535) {
    throw new InputError(`invalid --port ${quote(value)}: expected an integer from 1 to 65535`);
  }
  return Number(text);
}

/** One line of free text for package.json and the README. */
export function checkDescription(value: unknown): string {
  if (typeof value !== 'string') throw new InputError(`invalid --description ${quote(value)}: expected text`);
  const text = value.trim();
  if (/\p{Cc}/u.test(text)) {
    throw new InputError(`invalid --description ${quote(value)}: control characters and line breaks are not allowed`);
  }
  if (text.length > 200) throw new InputError('invalid --description: longer than 200 characters');
  return text;
}

/**
 * The npm spec by which the generated project depends on this package. A relative `file:` spec is
 * made absolute against `cwd` (where the user typed it), so it still points at the same place
 * from inside the new project's directory.
 */
export function checkBastionSpec(value: unknown, cwd: string): string {
  if (typeof value !== 'string' || value.trim() === '' || /\s/.test(value.trim())) {
    throw new InputError(`invalid --bastion-spec ${quote(value)}: expected an npm spec such as ^0.2.0 or file:./generator-bastion-0.2.0.tgz`);
  }
  const spec = value.trim();
  if (!spec.startsWith('file:')) return spec;
  const path = spec.slice('file:'.length);
  if (path === '') throw new InputError(`invalid --bastion-spec ${quote(value)}: file: needs a path`);
  return isAbsolute(path) ? spec : `file:${resolve(cwd, path)}`;
}
