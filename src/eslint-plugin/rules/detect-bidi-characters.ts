// bastion/detect-bidi-characters: eslint-plugin-security's `detect-bidi-characters` (Trojan Source),
// run only on files whose text holds a bidirectional control character. The upstream rule splits
// every token and every comment into lines and runs a regex on each: on a real tree that cost more
// than all of bastion's own rules together (docs/eslint-plugin.md#speed), to find nothing in
// almost every file. A character it reports is in a token or a comment, so it is in the text: one
// search of the text tells which files can have a report, and those get the upstream rule itself.
// Detection and messages are the upstream's.
// See docs/rules/detect-bidi-characters.md.
import type { Rule } from 'eslint';
import security from 'eslint-plugin-security';
import { createRule, type BastionRule } from '../util/create-rule.js';

export type Options = [Record<string, never>?];
export type MessageIds = 'inCode' | 'inComment';

const upstream = security.rules?.['detect-bidi-characters'] as Rule.RuleModule;

/** The characters the upstream rule reports (its own list: ALM, LRM, RLM, LRE to RLO, LRI to PDI). */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

const MESSAGES: Record<MessageIds, string> = {
  inCode: "Detected potential trojan source attack with unicode bidi introduced in this code: '{{text}}'.",
  inComment: "Detected potential trojan source attack with unicode bidi introduced in this comment: '{{text}}'.",
};

const rule: BastionRule<Options, MessageIds> = createRule<Options, MessageIds>({
  name: 'detect-bidi-characters',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow bidirectional control characters in code and comments (eslint-plugin-security detect-bidi-characters)',
      recommended: true,
    },
    schema: [{ type: 'object', additionalProperties: false }],
    messages: MESSAGES,
  },
  create(context) {
    if (!BIDI.test(context.sourceCode.text)) return {};
    return upstream.create(withMessageIds(context)) as never;
  },
});

/** The same context, whose report() turns the upstream's message texts into this rule's message ids. */
function withMessageIds(context: Rule.RuleContext): Rule.RuleContext {
  const report = (descriptor: Rule.ReportDescriptor): void => {
    if (!('message' in descriptor)) return context.report(descriptor);
    const { message, ...rest } = descriptor;
    const messageId: MessageIds = message === MESSAGES.inComment ? 'inComment' : 'inCode';
    context.report({ ...rest, messageId } as Rule.ReportDescriptor);
  };
  return Object.create(context, { report: { value: report } }) as Rule.RuleContext;
}

export default rule;
