// bastion/detect-bidi-characters: eslint-plugin-security's reports, the same ones on every case,
// and nothing (not even the upstream's listeners) on a file without a bidi control character.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import plugin from 'generator-bastion/eslint-plugin';
import { Linter } from 'eslint';
import security from 'eslint-plugin-security';
import { createRuleTester, typescript } from './rule-tester.ts';

const rule = plugin.rules['detect-bidi-characters'];
const RLO = '\u202E';
const LRI = '\u2066';
const PDI = '\u2069';
const ALM = '\u061C';

// The Trojan Source paper's "early return" and "commenting out" cases, and one of each character range.
const cases = [
  `const accessLevel = 'user';\nif (accessLevel != 'user${RLO} ${LRI}// Check if admin${PDI} ${LRI}') { grantAdmin(); }\n`,
  `/*${RLO} } ${LRI}if (isAdmin)${PDI} ${LRI} begin admins only */ grantAdmin();\n`,
  `const label = 'a${ALM}b';\n`,
  `const ltr = 'x\u200Ey', rtl = 'x\u200Fy';\n// ${'\u202A'}${'\u202B'}${'\u202C'}${'\u202D'}\n`,
  `const tpl = \`line one\nline ${RLO}two\`;\n`,
];

createRuleTester().run('bastion/detect-bidi-characters', rule, {
  valid: [
    "const s = 'plain text';",
    // Escapes are not the characters: the code reads as it runs.
    "const rlo = '\\u202E', isolate = '\\u2066';",
    { code: "const s: string = 'plain';", ...typescript() },
  ],
  invalid: [
    { code: `const s = 'a${RLO}b';`, errors: [{ messageId: 'inCode', data: { text: `'a${RLO}b'` } }] },
    { code: `// a${RLO}b\nrun();`, errors: [{ messageId: 'inComment', data: { text: ` a${RLO}b` } }] },
    { code: `const s: string = 'a${LRI}b${PDI}';`, ...typescript(), errors: [{ messageId: 'inCode' }, { messageId: 'inCode' }] },
  ],
});

describe('bastion/detect-bidi-characters against the upstream rule', () => {
  const lintWith = (ruleId: string, code: string) =>
    new Linter()
      .verify(code, [{ plugins: { bastion: plugin, security }, rules: { [ruleId]: 'error' } }])
      .map(({ line, column, endLine, endColumn, message, fatal }) => ({ line, column, endLine, endColumn, message, fatal }));

  for (const [index, code] of cases.entries()) {
    it(`reports what security/detect-bidi-characters reports, case ${index}`, () => {
      const upstream = lintWith('security/detect-bidi-characters', code);
      assert.notEqual(upstream.length, 0);
      assert.deepEqual(lintWith('bastion/detect-bidi-characters', code), upstream);
    });
  }

  it('hands the upstream rule no file without such a character', () => {
    // The bastion rule calls create() on the very rule object eslint-plugin-security exports.
    const upstream = security.rules?.['detect-bidi-characters'] as { create: (...args: never[]) => object };
    const upstreamCreate = upstream.create;
    let created = 0;
    try {
      upstream.create = () => (created++, {});
      new Linter().verify("const plain = 'text'; // comment\n", [{ plugins: { bastion: plugin }, rules: { 'bastion/detect-bidi-characters': 'error' } }]);
      assert.equal(created, 0);
      new Linter().verify(`const s = '${RLO}';\n`, [{ plugins: { bastion: plugin }, rules: { 'bastion/detect-bidi-characters': 'error' } }]);
      assert.equal(created, 1);
    } finally {
      upstream.create = upstreamCreate;
    }
  });
});
