// The files a new service is made of, as data: templates/app/common/ plus the kind's own folder.
// `npm pack` leaves out dotfiles such as .gitignore and .npmrc, so the templates store them with a
// leading `_` (`_gitignore`, `_github/`), turned back into a dot here.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Kind } from '../shared/input.js';
import { packagePath } from '../shared/package.js';

export interface TemplateFile {
  /** Absolute path of the template. */
  readonly source: string;
  /** Path in the new project, relative to its root, with `/` separators. */
  readonly destination: string;
}

export function templateFiles(kind: Kind): TemplateFile[] {
  return ['common', kind].flatMap((folder) => {
    const root = packagePath(`templates/app/${folder}`);
    return readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const relative = join(entry.parentPath, entry.name).slice(root.length).replace(/^[/\\]/, '');
        return { source: join(entry.parentPath, entry.name), destination: toDestination(relative) };
      });
  }).sort((a, b) => a.destination.localeCompare(b.destination));
}

function toDestination(relative: string): string {
  return relative
    .split(/[/\\]/)
    .map((segment) => segment.replace(/^_/, '.'))
    .join('/');
}
