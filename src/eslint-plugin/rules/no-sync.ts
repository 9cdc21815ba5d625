// bastion/no-sync: eslint-plugin-n's `no-sync`, guarded so it runs on TypeScript without type
// information. n/no-sync 18.5 throws ("requires type information") on every `*Sync` call it
// checks in a file parsed by typescript-eslint without a program, which is how most projects lint
// TypeScript. The guard hands it parser services without the TypeScript node maps in that case,
// which n reads as "no type information", as it does for plain JavaScript. The detection itself,
// its options and messages are n's. See docs/rules/no-sync.md.
import type { Rule } from 'eslint';
import n from 'eslint-plugin-n';
import { createRule, type BastionRule } from '../util/create-rule.js';

export type Options = [{ allowAtRootLevel?: boolean; ignores?: unknown[] }];
export type MessageIds = 'noSync';

const upstream = n.rules?.['no-sync'] as Rule.RuleModule;

/**
 * `Sync` as it can be written in an identifier: each letter as itself or as a `\u` escape
 * (`readFile\u0053ync`). Source text without it has no identifier ending in `Sync`.
 */
const WRITTEN_SYNC = /(?:S|\\u(?:0053|\{0*53\}))(?:y|\\u(?:0079|\{0*79\}))(?:n|\\u(?:006[Ee]|\{0*6[Ee]\}))(?:c|\\u(?:0063|\{0*63\}))/u;

const rule: BastionRule<Options, MessageIds> = createRule<Options, MessageIds>({
  name: 'no-sync',
  meta: {
    type: 'suggestion',
    docs: {
      description: 'Disallow synchronous methods where they block the event loop (eslint-plugin-n no-sync)',
      recommended: true,
    },
    schema: upstream.meta?.schema ?? false,
    defaultOptions: [{ allowAtRootLevel: true }],
    messages: { noSync: "Unexpected sync method: '{{propertyName}}'." },
  },
  create(context) {
    const listeners = upstream.create(hasUntypedTypeScriptServices(context) ? withoutTypeScriptServices(context) : context);
    // n's selectors end in `Identifier[name=/Sync$/]`, which ESLint tests on every identifier of the
    // file (time its per-rule stats do not show); a file that cannot name a `*Sync` function gets no
    // listeners, so nothing is tested. create() still runs, so option errors are thrown as before.
    return (WRITTEN_SYNC.test(context.sourceCode.text) ? listeners : {}) as never;
  },
});

/** typescript-eslint's parser ran without a TypeScript program (no type information). */
function hasUntypedTypeScriptServices(context: Rule.RuleContext): boolean {
  const services = context.sourceCode.parserServices as { program?: unknown; esTreeNodeToTSNodeMap?: unknown } | undefined;
  return services?.esTreeNodeToTSNodeMap != null && services.program == null;
}

/** The same context, whose source code reports no parser services. */
function withoutTypeScriptServices(context: Rule.RuleContext): Rule.RuleContext {
  const original = context.sourceCode;
  // The real SourceCode is frozen (a proxy of it may not change a property) and keeps private
  // fields (its methods must run with it as `this`), so the proxy wraps a blank stand-in.
  const sourceCode = new Proxy(Object.create(null) as typeof original, {
    get(_standIn, key) {
      if (key === 'parserServices') return {};
      const value: unknown = Reflect.get(original, key, original);
      return typeof value === 'function' ? value.bind(original) : value;
    },
  });
  return Object.create(context, { sourceCode: { value: sourceCode } }) as Rule.RuleContext;
}

export default rule;
