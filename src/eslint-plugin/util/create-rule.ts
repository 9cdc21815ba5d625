// Every rule is built through createRule so its metadata has one shape: the docs URL is derived
// from the rule name and points at the rule's page in the docs/ folder this package ships
// (`docs/rules/<name>.md`), so the link always matches the installed version.
import type { JSRuleDefinition } from 'eslint';

/** Where the rule pages live: `<package root>/docs/rules/`, as shipped in the npm package. */
const RULE_DOCS_BASE_URL: string = new URL('../../../docs/rules/', import.meta.url).href;

/** The URL of a rule's documentation page. */
function getRuleDocsUrl(name: string): string {
  return `${RULE_DOCS_BASE_URL}${name}.md`;
}

type Definition<Options extends unknown[], MessageIds extends string> = JSRuleDefinition<{
  RuleOptions: Options;
  MessageIds: MessageIds;
}>;

/** A bastion rule: an ESLint rule definition that also carries its id. */
export type BastionRule<Options extends unknown[], MessageIds extends string> = Definition<Options, MessageIds> & {
  readonly name: string;
};

type Meta<Options extends unknown[], MessageIds extends string> = NonNullable<Definition<Options, MessageIds>['meta']>;

/** A rule as written in rules/: everything but the docs URL, which createRule fills in. */
export interface RuleSource<Options extends unknown[], MessageIds extends string> {
  readonly name: string;
  readonly meta: Omit<Meta<Options, MessageIds>, 'docs'> & {
    readonly docs: { readonly description: string; readonly recommended: boolean };
  };
  readonly create: Definition<Options, MessageIds>['create'];
}

/** Builds a rule definition with its docs URL. */
export function createRule<Options extends unknown[], MessageIds extends string>(
  source: RuleSource<Options, MessageIds>,
): BastionRule<Options, MessageIds> {
  return {
    name: source.name,
    meta: { ...source.meta, docs: { ...source.meta.docs, url: getRuleDocsUrl(source.name) } },
    create: source.create,
  };
}
