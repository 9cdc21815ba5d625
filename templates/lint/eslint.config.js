// ESLint (flat config): bastion's security rules (shell execution, unsafe deserialization,
// event-loop blocking)<% if (typescript) { %> on top of typescript-eslint's recommended rules<% } %>.
// What each rule reports, and how to silence one line: https://www.npmjs.com/package/generator-bastion
import { defineConfig, globalIgnores } from 'eslint/config';
import bastion from 'generator-bastion/eslint-plugin';
<% if (typescript) { -%>
import tseslint from 'typescript-eslint';
<% } -%>

export default defineConfig(
  globalIgnores(['dist/', 'coverage/', 'vendor/']),
<% if (typescript) { -%>
  tseslint.configs.recommended,
<% } -%>
  bastion.configs.recommended,
);
