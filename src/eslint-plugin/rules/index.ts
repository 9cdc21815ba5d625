// The rule registry: every rule in this folder, by id (the file name).
import detectBidiCharacters from './detect-bidi-characters.js';
import noShellExec from './no-shell-exec.js';
import noSync from './no-sync.js';
import noUnsafeDeserialization from './no-unsafe-deserialization.js';

export const rules: {
  readonly 'detect-bidi-characters': typeof detectBidiCharacters;
  readonly 'no-shell-exec': typeof noShellExec;
  readonly 'no-unsafe-deserialization': typeof noUnsafeDeserialization;
  readonly 'no-sync': typeof noSync;
} = {
  'detect-bidi-characters': detectBidiCharacters,
  'no-shell-exec': noShellExec,
  'no-unsafe-deserialization': noUnsafeDeserialization,
  'no-sync': noSync,
};
