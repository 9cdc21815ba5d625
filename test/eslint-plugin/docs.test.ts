// The rule docs are tested like code: every "incorrect" block must be reported by the rule it
// documents and every "correct" block must not. A block is fenced as ```js incorrect (or correct;
// js, jsx, ts, tsx), optionally followed by a JSON object of extra config such as settings.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import plugin from 'generator-bastion/eslint-plugin';
import { Linter } from 'eslint';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const DOCS = new URL('../../docs/rules/', import.meta.url);
const BLOCK = /^```(?<language>jsx?|tsx?) (?<kind>correct|incorrect)(?: (?<config>\{.*\}))?\n(?<code>[\s\S]*?)^```$/gmu;

interface Example {
  readonly kind: 'correct' | 'incorrect';
  readonly language: string;
  readonly code: string;
  readonly line: number;
  readonly config: Linter.Config;
}

function readExamples(ruleId: string): Example[] {
  const markdown = readFileSync(new URL(`${ruleId}.md`, DOCS), 'utf8');
  return [...markdown.matchAll(BLOCK)].map((match) => {
    const groups = match.groups as Record<'language' | 'kind' | 'code', string> & { config?: string };
    return {
      kind: groups.kind as Example['kind'],
      language: groups.language,
      code: groups.code,
      line: markdown.slice(0, match.index).split('\n').length,
      config: groups.config ? (JSON.parse(groups.config) as Linter.Config) : {},
    };
  });
}

function lint(ruleId: string, example: Example): Linter.LintMessage[] {
  const typescript = example.language.startsWith('ts');
  return new Linter().verify(
    example.code,
    [
      {
        files: ['**/*.{js,jsx,ts,tsx}'],
        plugins: { bastion: plugin },
        languageOptions: {
          globals: { ...globals.node },
          parserOptions: { ecmaFeatures: { jsx: true } },
          ...(typescript && { parser: tseslint.parser }),
        },
        rules: { [`bastion/${ruleId}`]: 'error' },
      },
      example.config,
    ],
    `example.${example.language}`,
  );
}

for (const ruleId of Object.keys(plugin.rules)) {
  describe(`docs/rules/${ruleId}.md`, () => {
    const examples = readExamples(ruleId);

    it('has incorrect and correct examples', () => {
      assert.ok(examples.some((example) => example.kind === 'incorrect'), 'no incorrect example');
      assert.ok(examples.some((example) => example.kind === 'correct'), 'no correct example');
    });

    it('starts with the rule id and its description', () => {
      const markdown = readFileSync(new URL(`${ruleId}.md`, DOCS), 'utf8');
      const description = plugin.rules[ruleId as keyof typeof plugin.rules].meta?.docs?.description;
      assert.ok(markdown.startsWith(`# bastion/${ruleId}\n\n${description}.\n`), 'title and description');
    });

    for (const example of examples) {
      it(`${example.kind} example at line ${example.line}`, () => {
        const messages = lint(ruleId, example);
        // Parse errors and "no matching configuration" come without a rule id.
        assert.deepEqual(messages.filter((message) => message.ruleId === null), [], 'the example was not linted');
        const reported = messages.filter((message) => message.ruleId === `bastion/${ruleId}`);
        if (example.kind === 'incorrect') assert.notEqual(reported.length, 0, 'not reported');
        else assert.deepEqual(reported, [], 'reported');
      });
    }
  });
}
