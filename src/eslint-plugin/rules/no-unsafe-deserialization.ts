// bastion/no-unsafe-deserialization: data turned into code, or into objects with behaviour, by a
// deserializer that revives functions or by eval-like sinks. See docs/rules/no-unsafe-deserialization.md.
import type { Rule } from 'eslint';
import type * as ESTree from 'estree';
import { CALL, CONSTRUCT, READ, getStaticValue, type TraceMap } from '@eslint-community/eslint-utils';
import { getChildNodes, getSingleInitializer, getStaticKeyName, resolveVariable, unwrapExpression } from '../util/ast.js';
import { classifyData, describeOrigin, findLocalFunction, isRequestInput, REQUEST_OBJECTS } from '../util/classify-data.js';
import { createRule, type BastionRule } from '../util/create-rule.js';
import { findInFlow } from '../util/find-in-flow.js';
import { findInstanceMethodCalls } from '../util/find-instance-calls.js';
import { findOption, isOptionTruthy } from '../util/find-option.js';
import { parseMajorVersion, resolvePackageVersion } from '../util/resolve-package-version.js';
import { trackModuleCalls, type ModuleReferences, type TrackedCall, type TrackingSpec } from '../util/track-module-calls.js';

export type Options = [{ jsYamlVersion?: string | number; allowDataInVmContext?: boolean }];
export type MessageIds =
  | 'functionReviver'
  | 'unsafeYamlSchema'
  | 'unknownYamlVersion'
  | 'bsonEvalFunctions'
  | 'codeFromData'
  | 'generatedCode'
  | 'codeFromParameter'
  | 'codeFromRequestInput'
  | 'dataInVmContext';

/** What makes a tracked function or value dangerous. */
export type Sink =
  /** A deserializer that revives functions from its input, whatever the input. */
  | { readonly check: 'reviver' }
  /**
   * js-yaml `load`/`loadAll` (unsafe without a schema in js-yaml 3) and 3.x `safeLoad`/`safeLoadAll`
   * (safe without one); both unsafe with a schema that has function types.
   */
  | { readonly check: 'yaml'; readonly safeWithoutSchema: 'in-js-yaml-4' | 'always' }
  /** A js-yaml schema or type (READ), safe or not. */
  | { readonly check: 'yaml-schema'; readonly safe: boolean; readonly name: string }
  /** BSON deserialization, unsafe with `evalFunctions: true` in the options at `optionsIndex`. */
  | { readonly check: 'bson'; readonly optionsIndex: number }
  /** The bson or mongodb module itself (READ): `evalFunctions` options are BSON's in its files. */
  | { readonly check: 'bson-module' }
  /**
   * eval-like sinks: unsafe when the code arguments are not constant. `'first-if-string'`: a timer,
   * which evaluates its first argument only when that is a string (browsers; Node throws). `context`:
   * where a vm function takes the context its (constant) code runs in.
   */
  | { readonly check: 'code'; readonly codeArguments: 'first' | 'all' | 'first-if-string'; readonly context?: VmContext }
  /** A vm.Script's run methods: the code is the Script's (checked at its `new`), the context is theirs. */
  | { readonly check: 'context'; readonly context: VmContext }
  /**
   * A constructor whose instances' methods are sinks (`new Module(f)._compile(code, f)`), and the
   * sink `construct` when the `new` is one itself (`new vm.Script(code)`).
   */
  | { readonly check: 'instance'; readonly methods: Readonly<Record<string, Sink>>; readonly construct?: Sink };

/** The context of a vm call: an argument, or properties of an options argument. */
type VmContext = { readonly argument: number } | { readonly optionsIndex: number; readonly names: readonly string[] };

const REVIVER: Sink = { check: 'reviver' };
const FIRST_IS_CODE: Sink = { check: 'code', codeArguments: 'first' };
const ALL_ARE_CODE: Sink = { check: 'code', codeArguments: 'all' };
const STRING_TIMER: Sink = { check: 'code', codeArguments: 'first-if-string' };
/** A vm function whose first argument is code, run in the context `context` says. */
const codeInContext = (context: VmContext): Sink => ({ check: 'code', codeArguments: 'first', context });
/** `vm.runInNewContext(code, context)`, `vm.runInContext(code, context)`. */
const CODE_IN_CONTEXT_ARGUMENT = codeInContext({ argument: 1 });
/** `script.runInNewContext(context)`, `script.runInContext(context)`. */
const SCRIPT_CONTEXT: Sink = { check: 'context', context: { argument: 0 } };
/** node:module's Module: `_compile(code, filename)` runs code as a module ("require from string"). */
const COMPILED_MODULE = {
  [CONSTRUCT]: { check: 'instance', methods: { _compile: FIRST_IS_CODE } } as Sink,
  prototype: { _compile: { [CALL]: FIRST_IS_CODE } },
};
const BSON_MODULE: Sink = { check: 'bson-module' };
/** js-yaml-js-types' `function` type, alone or in its `all` list: it builds `!!js/function`. */
const JS_FUNCTION_TYPE: Sink = { check: 'yaml-schema', safe: false, name: 'the js/function type of js-yaml-js-types' };
const callable = (sink: Sink) => ({ [CALL]: sink });
const schema = (name: string, safe: boolean) => ({ [READ]: { check: 'yaml-schema', safe, name } as Sink });
const yamlLoader = (safeWithoutSchema: 'in-js-yaml-4' | 'always') => callable({ check: 'yaml', safeWithoutSchema });

const bsonFunctions = {
  deserialize: callable({ check: 'bson', optionsIndex: 1 }),
  deserializeStream: callable({ check: 'bson', optionsIndex: 5 }),
};

/** Deserializers and code sinks, by module. Built-ins also match their `node:` form. */
const DESERIALIZERS: TraceMap<Sink> = {
  'node-serialize': { unserialize: callable(REVIVER) },
  'serialize-to-js': { deserialize: callable(REVIVER) },
  funcster: { deepDeserialize: callable(REVIVER) },
  cryo: { parse: callable(REVIVER) },
  'js-yaml': {
    load: yamlLoader('in-js-yaml-4'),
    loadAll: yamlLoader('in-js-yaml-4'),
    safeLoad: yamlLoader('always'),
    safeLoadAll: yamlLoader('always'),
    DEFAULT_FULL_SCHEMA: schema('DEFAULT_FULL_SCHEMA', false),
    FAILSAFE_SCHEMA: schema('FAILSAFE_SCHEMA', true),
    JSON_SCHEMA: schema('JSON_SCHEMA', true),
    CORE_SCHEMA: schema('CORE_SCHEMA', true),
    DEFAULT_SAFE_SCHEMA: schema('DEFAULT_SAFE_SCHEMA', true),
    DEFAULT_SCHEMA: schema('DEFAULT_SCHEMA', true),
  },
  'js-yaml-js-types': { function: { [READ]: JS_FUNCTION_TYPE }, all: { [READ]: JS_FUNCTION_TYPE } },
  bson: { [READ]: BSON_MODULE, ...bsonFunctions, BSON: bsonFunctions },
  mongodb: {
    [READ]: BSON_MODULE,
    BSON: bsonFunctions,
    MongoClient: { [CONSTRUCT]: { check: 'bson', optionsIndex: 1 } },
  },
  module: { ...COMPILED_MODULE, Module: COMPILED_MODULE },
  vm: {
    runInNewContext: callable(CODE_IN_CONTEXT_ARGUMENT),
    runInContext: callable(CODE_IN_CONTEXT_ARGUMENT),
    runInThisContext: callable(FIRST_IS_CODE),
    compileFunction: callable(codeInContext({ optionsIndex: 2, names: ['parsingContext', 'contextExtensions'] })),
    Script: {
      [CONSTRUCT]: { check: 'instance', construct: FIRST_IS_CODE, methods: { runInNewContext: SCRIPT_CONTEXT, runInContext: SCRIPT_CONTEXT } } as Sink,
    },
    SourceTextModule: { [CONSTRUCT]: codeInContext({ optionsIndex: 1, names: ['context'] }) },
  },
};

/**
 * Global code sinks (also reached through `globalThis`); CommonJS's `module.constructor` is
 * node:module's Module (`new module.constructor()._compile(code)`).
 */
const GLOBAL_CODE_SINKS: TraceMap<Sink> = {
  module: { constructor: COMPILED_MODULE },
  eval: callable(FIRST_IS_CODE),
  Function: { [CALL]: ALL_ARE_CODE, [CONSTRUCT]: ALL_ARE_CODE },
  setTimeout: callable(STRING_TIMER),
  setInterval: callable(STRING_TIMER),
};

const TRACKED: TrackingSpec<Sink> = { modules: DESERIALIZERS, globals: GLOBAL_CODE_SINKS };

/** The first js-yaml major whose `load` is safe by default (3.x used DEFAULT_FULL_SCHEMA). */
const FIRST_SAFE_JS_YAML_MAJOR = 4;
const MAX_FLOW_DEPTH = 8;

type Finding = { messageId: MessageIds; data: Record<string, string> };
type SourceCode = Rule.RuleContext['sourceCode'];

const rule: BastionRule<Options, MessageIds> = createRule<Options, MessageIds>({
  name: 'no-unsafe-deserialization',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow deserializing data into code or into objects with behaviour',
      recommended: true,
    },
    schema: [
      {
        type: 'object',
        properties: {
          jsYamlVersion: {
            type: ['string', 'integer'],
            description:
              'The js-yaml version the code runs with (e.g. "3.14.1" or 4); overrides settings.bastion.jsYamlVersion and detection.',
          },
          allowDataInVmContext: {
            type: 'boolean',
            description: 'Do not report request input or parameters placed in the context of constant vm code.',
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ allowDataInVmContext: false }],
    messages: {
      functionReviver:
        '{{callee}}() revives functions from its input, so whoever controls the data runs code. Store plain data: JSON.parse() plus a schema validator.',
      unsafeYamlSchema:
        "{{callee}}() with {{schema}} builds functions from YAML tags (!!js/function): use js-yaml's safe load (js-yaml 4+, or safeLoad in 3.x) or an explicit safe schema such as CORE_SCHEMA.",
      unknownYamlVersion:
        '{{callee}}() without a schema is unsafe in js-yaml 3 (it builds functions from !!js/function) and the installed js-yaml version is unknown. Pass `schema: CORE_SCHEMA`, or set settings.bastion.jsYamlVersion.',
      bsonEvalFunctions:
        '{{callee}}() with `evalFunctions: true` turns stored code into live functions: drop the option and keep code out of documents.',
      codeFromData:
        '{{callee}}() runs code built from a value that is not a constant: if any of it can come from outside, that is code execution. Revive data with JSON.parse() and a schema validator, copy objects with structuredClone(), build behaviour with closures.',
      generatedCode:
        '{{callee}}() compiles source this program generates into a function with named parameters, as template engines and schema compilers do. Pass outside values as arguments or escape them; never splice them into the source.',
      codeFromParameter:
        "{{callee}}() runs code that comes from the parameter `{{parameter}}`, so its callers decide what it is, which this file does not show. If it can be data (a message, a file, a request), parse it with JSON.parse() and a schema validator instead; if it is source the program generated (a bundle, a compiled template), keep outside values out of it: pass them as arguments or escape them.",
      codeFromRequestInput:
        '{{callee}}() turns {{origin}} ({{source}}) into code: whoever controls it runs code in this process. Parse data with JSON.parse() and a schema validator instead.',
      dataInVmContext:
        '{{callee}}() puts {{value}} in the context its code runs in. vm is not a security boundary: that code reaches the value and, through it, this process; if the code ever evaluates it (eval, Function, a template), the value is code. Pass only what the code needs, as plain data, and run code you do not trust in another process.',
    },
  },
  create(context) {
    const { sourceCode } = context;
    const [{ allowDataInVmContext = false } = {}] = context.options as Options;
    const checkYaml = createYamlCheck(context);
    return trackModuleCalls(context, TRACKED, (references) => {
      const reported = new Set<ESTree.Node>();
      for (const call of references.calls.flatMap((tracked) => expandInstanceCalls(sourceCode, tracked))) {
        const finding = check(call, references);
        if (!finding) continue;
        context.report({ node: call.node, ...finding });
        reported.add(call.node);
      }
      // The mongodb driver takes BSON's evalFunctions in client, db, collection and query options,
      // on objects no tracker can follow: in a file using bson or mongodb, the option name decides.
      if (!references.readInfos.has(BSON_MODULE)) return;
      for (const property of findProperties(sourceCode, 'evalFunctions')) {
        const call = getCallTakingOptions(property);
        if (!call || reported.has(call) || !isStaticallyTruthy(sourceCode, property.value)) continue;
        context.report({ node: call, messageId: 'bsonEvalFunctions', data: { callee: describeCallee(sourceCode, call) } });
        reported.add(call);
      }
    });

    function check(call: TrackedCall<Sink>, references: ModuleReferences<Sink>): Finding | undefined {
      const callee = call.name;
      const args = call.arguments;
      switch (call.info.check) {
        case 'reviver':
          return { messageId: 'functionReviver', data: { callee } };
        case 'yaml':
          return checkYaml(call, references);
        case 'bson':
          return args && isOptionTruthy(sourceCode, args, call.info.optionsIndex, 'evalFunctions')
            ? { messageId: 'bsonEvalFunctions', data: { callee } }
            : undefined;
        case 'code': {
          const code = call.info.codeArguments === 'all' ? args : args?.slice(0, 1);
          const data = classifyData(sourceCode, code);
          if (data.constant) return checkContext(call, call.info.context);
          // A timer given a callback runs no code from strings.
          const [first] = code ?? [];
          if (call.info.codeArguments === 'first-if-string' && !data.source && !(first && isStringBuilt(sourceCode, first))) {
            return undefined;
          }
          if (data.source) {
            return { messageId: 'codeFromRequestInput', data: { callee, source: data.source, origin: describeOrigin(data.source) } };
          }
          // `new Function('a', 'b', body)`: a code generator builds a function with parameters; a
          // reviver evaluates text (`new Function('return ' + text)`, `eval('(' + text + ')')`).
          if (call.info.codeArguments === 'all' && isGeneratorShaped(sourceCode, call)) return { messageId: 'generatedCode', data: { callee } };
          // Code handed in by callers (a bundle to test, a message) is data or generated source
          // depending on them: the message names both.
          const parameter = code?.length === 1 && first ? findCodeParameter(sourceCode, first) : undefined;
          if (parameter) return { messageId: 'codeFromParameter', data: { callee, parameter } };
          return { messageId: 'codeFromData', data: { callee } };
        }
        case 'context':
          return checkContext(call, call.info.context);
        default:
          return undefined;
      }
    }

    // Data in the context of constant code, with a message of its own: the code decides what happens to it.
    function checkContext(call: TrackedCall<Sink>, at: VmContext | undefined): Finding | undefined {
      const args = call.arguments;
      if (allowDataInVmContext || !at || !args) return undefined;
      const nodes =
        'argument' in at
          ? [args[at.argument]]
          : at.names.map((name) => {
              const option = findOption(sourceCode, args, at.optionsIndex, name);
              return option.found ? option.node : undefined;
            });
      for (const node of nodes) {
        const value = findContextData(sourceCode, node);
        if (value) return { messageId: 'dataInVmContext', data: { callee: call.name, value } };
      }
      return undefined;
    }
  },
});

/**
 * The method calls on the instance a tracked `new` makes, as calls of their own sink (with the `new`
 * itself when it is a sink too); other calls as they are.
 */
function expandInstanceCalls(sourceCode: SourceCode, call: TrackedCall<Sink>): TrackedCall<Sink>[] {
  const { info } = call;
  if (info.check !== 'instance') return [call];
  const construct = info.construct && { ...call, info: info.construct };
  // A Script of code that is not constant is reported at its `new`: where it runs adds nothing.
  if (construct && !classifyData(sourceCode, call.arguments?.slice(0, 1)).constant) return [construct];
  const methodCalls = Object.entries(info.methods).flatMap(([method, sink]) =>
    findInstanceMethodCalls(sourceCode, call.node, method).map((node): TrackedCall<Sink> => ({
      ...call,
      node,
      arguments: node.arguments,
      name: `${call.name}#${method}`,
      info: sink,
      style: 'call',
    })),
  );
  return construct ? [construct, ...methodCalls] : methodCalls;
}

/**
 * What of the data a vm context holds is worth naming: request input (`req.body`), or a parameter
 * (the callers decide what it holds). Followed through the context's locals, object literals and
 * `vm.createContext(object)`.
 */
function findContextData(sourceCode: SourceCode, node: ESTree.Node | undefined): string | undefined {
  if (!node) return undefined;
  const data = classifyData(sourceCode, [node]);
  if (data.constant) return undefined;
  if (data.source && isRequestInput(data.source)) return `request input (${data.source})`;
  const parameter = findInFlow(sourceCode, node, (part) =>
    part.type === 'Identifier' && resolveVariable(sourceCode, part)?.defs[0]?.type === 'Parameter' ? part.name : undefined,
  );
  return parameter === undefined ? undefined : `the parameter \`${parameter}\``;
}

/**
 * Whether `Function` gets a parameter list and a body: two or more arguments, or a list the program
 * builds, spread (`new Function(...parts)`) or applied (`Function.apply(null, parts)`).
 */
function isGeneratorShaped(sourceCode: SourceCode, call: TrackedCall<Sink>): boolean {
  const args = call.arguments;
  if (args) return args.length >= 2 || args.some((arg) => arg.type === 'SpreadElement' && isBuiltList(sourceCode, arg.argument));
  const list = call.style === 'function.apply' && call.node.type === 'CallExpression' ? call.node.arguments[1] : undefined;
  return list !== undefined && isBuiltList(sourceCode, list);
}

/**
 * Whether `node` is a list of parts built here: an array literal, `Array(n)`, a rest parameter,
 * `arguments`, or a local holding one. A list from elsewhere (`JSON.parse(text)`) may be data.
 */
function isBuiltList(sourceCode: SourceCode, node: ESTree.Node, depth = 0): boolean {
  const value = unwrapExpression(node);
  if (value.type === 'ArrayExpression') return true;
  if ((value.type === 'NewExpression' || value.type === 'CallExpression') && value.callee.type === 'Identifier' && value.callee.name === 'Array') {
    return (resolveVariable(sourceCode, value.callee)?.defs.length ?? 0) === 0;
  }
  if (value.type !== 'Identifier' || depth >= MAX_FLOW_DEPTH) return false;
  const variable = resolveVariable(sourceCode, value);
  if (!variable) return false;
  if (value.name === 'arguments' && variable.defs.length === 0 && variable.scope.type === 'function') return true;
  const [definition] = variable.defs;
  if (definition?.type === 'Parameter') return (definition.name as Rule.Node).parent?.type === 'RestElement';
  const initializer = getSingleInitializer(variable);
  return initializer ? isBuiltList(sourceCode, initializer, depth + 1) : false;
}

/**
 * The parameter that code is (`src`), is read from (`options.source`), converted from
 * (`src.toString()`) or computed from by a local function (`transform(code)`), through locals
 * assigned once; undefined for text built here, a request object's parameter (`req`, `ctx`:
 * request input) and anything else.
 */
function findCodeParameter(sourceCode: SourceCode, node: ESTree.Node, depth = 0): string | undefined {
  const value = unwrapExpression(node);
  if (depth >= MAX_FLOW_DEPTH) return undefined;
  const next = (child: ESTree.Node) => findCodeParameter(sourceCode, child, depth + 1);
  switch (value.type) {
    case 'MemberExpression':
      return value.object.type === 'Super' ? undefined : next(value.object);
    case 'CallExpression': {
      // A string conversion (`src.toString('utf8')`, `String(src)`) hands its operand through.
      const callee = unwrapExpression(value.callee);
      if (callee.type === 'MemberExpression' && getStaticKeyName(callee.property, callee.computed) === 'toString') return next(callee.object);
      if (callee.type === 'Identifier' && callee.name === 'String' && value.arguments[0]) return next(value.arguments[0]);
      return isLocalTransform(sourceCode, callee) ? value.arguments.map(next).find(Boolean) : undefined;
    }
    case 'Identifier': {
      const variable = resolveVariable(sourceCode, value);
      if (variable?.defs[0]?.type === 'Parameter') return REQUEST_OBJECTS.has(value.name) ? undefined : value.name;
      const initializer = variable && getSingleInitializer(variable);
      return initializer ? next(initializer) : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * A function of this file (`function wrap(code) {}`), or one a function of this file returned
 * (`const fn = makeTransform(opts)`): what it returns is built from its arguments. A module's
 * function (`readFileSync(file)`) is not: it reads what its argument names.
 */
function isLocalTransform(sourceCode: SourceCode, callee: ESTree.Node): boolean {
  if (callee.type !== 'Identifier') return false;
  if (findLocalFunction(sourceCode, callee)) return true;
  const variable = resolveVariable(sourceCode, callee);
  const factory = variable && getSingleInitializer(variable);
  const made = factory && unwrapExpression(factory);
  return made?.type === 'CallExpression' && made.callee.type === 'Identifier' && findLocalFunction(sourceCode, made.callee) !== undefined;
}

/** Whether `node` is visibly a string: a template, a concatenation with one, or a local holding one. */
function isStringBuilt(sourceCode: SourceCode, node: ESTree.Node, depth = 0): boolean {
  const value = unwrapExpression(node);
  if (value.type === 'TemplateLiteral' || (value.type === 'Literal' && typeof value.value === 'string')) return true;
  if (depth >= MAX_FLOW_DEPTH) return false;
  if (value.type === 'BinaryExpression' && value.operator === '+') {
    return isStringBuilt(sourceCode, value.left, depth + 1) || isStringBuilt(sourceCode, value.right, depth + 1);
  }
  if (value.type !== 'Identifier') return false;
  const variable = resolveVariable(sourceCode, value);
  const initializer = variable && getSingleInitializer(variable);
  return initializer ? isStringBuilt(sourceCode, initializer, depth + 1) : false;
}

/** Every object-literal property named `name` in the file (walked only in files that need it). */
function findProperties(sourceCode: SourceCode, name: string): ESTree.Property[] {
  const found: ESTree.Property[] = [];
  const pending: ESTree.Node[] = [sourceCode.ast];
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (node.type === 'Property' && getStaticKeyName(node.key, node.computed) === name) found.push(node);
    pending.push(...getChildNodes(sourceCode, node));
  }
  return found;
}

/** The call or `new` whose argument is the object literal holding `property`. */
function getCallTakingOptions(property: ESTree.Property): ESTree.CallExpression | ESTree.NewExpression | undefined {
  const object = (property as Rule.Node).parent;
  const call = object?.type === 'ObjectExpression' ? (object as Rule.Node).parent : undefined;
  if (call?.type !== 'CallExpression' && call?.type !== 'NewExpression') return undefined;
  return call.arguments.includes(object as ESTree.ObjectExpression) ? call : undefined;
}

function isStaticallyTruthy(sourceCode: SourceCode, node: ESTree.Node): boolean {
  return Boolean(getStaticValue(node as never, sourceCode.getScope(node))?.value);
}

/** A short name for an untracked callee (`collection.find`), for messages. */
function describeCallee(sourceCode: SourceCode, call: ESTree.CallExpression | ESTree.NewExpression): string {
  const text = sourceCode.getText(call.callee);
  return text.length <= 40 && !text.includes('\n') ? text : 'this call';
}

/** The js-yaml check, bound to the version the linted file runs with. */
function createYamlCheck(context: Rule.RuleContext) {
  const { sourceCode } = context;
  let major: { value: number | undefined } | undefined;
  const getMajor = (): number | undefined => (major ??= { value: getJsYamlMajor(context) }).value;
  return (call: TrackedCall<Sink>, references: ModuleReferences<Sink>): Finding | undefined => {
    const callee = call.name;
    const option = call.arguments ? findOption(sourceCode, call.arguments, 1, 'schema') : { found: false as const };
    if (!option.found) {
      if (call.info.check !== 'yaml' || call.info.safeWithoutSchema === 'always') return undefined;
      const version = getMajor();
      if (version === undefined) return { messageId: 'unknownYamlVersion', data: { callee } };
      return version < FIRST_SAFE_JS_YAML_MAJOR
        ? { messageId: 'unsafeYamlSchema', data: { callee, schema: "js-yaml 3's default schema (DEFAULT_FULL_SCHEMA)" } }
        : undefined;
    }
    const unsafeSchema = findInFlow(sourceCode, option.node, (node) => {
      const value = references.valueOf(node);
      return value?.check === 'yaml-schema' && !value.safe ? value.name : undefined;
    });
    if (unsafeSchema) return { messageId: 'unsafeYamlSchema', data: { callee, schema: unsafeSchema } };
    // A schema the flow cannot see into (built by a function, passed in, imported from another
    // module) is unsafe when the file takes js-yaml-js-types' function type.
    if (!references.readInfos.has(JS_FUNCTION_TYPE)) return undefined;
    const opaque = findInFlow(sourceCode, option.node, (node) =>
      node.type === 'Identifier' && isOpaqueIdentifier(sourceCode, node) ? true : undefined,
    );
    return opaque ? { messageId: 'unsafeYamlSchema', data: { callee, schema: 'a schema extended with js-yaml-js-types' } } : undefined;
  };
}

/**
 * Whether the value of `identifier` is out of the flow's sight: a parameter, a function, a class, a
 * variable assigned more than once, or an import from a module this rule does not know.
 */
function isOpaqueIdentifier(sourceCode: SourceCode, identifier: ESTree.Identifier): boolean {
  const variable = resolveVariable(sourceCode, identifier);
  if (!variable || variable.defs.length === 0 || getSingleInitializer(variable)) return false;
  const [definition] = variable.defs;
  if (definition?.type !== 'ImportBinding') return true;
  const specifier = String(definition.parent.source.value).replace(/^node:/u, '');
  return !Object.hasOwn(DESERIALIZERS, specifier);
}

/** From the rule option, then `settings.bastion.jsYamlVersion`, then the installed package. */
function getJsYamlMajor(context: Rule.RuleContext): number | undefined {
  const [{ jsYamlVersion } = {}] = context.options as Options;
  if (jsYamlVersion !== undefined) return parseConfiguredMajor(jsYamlVersion, 'the jsYamlVersion option');
  const settings = context.settings['bastion'] as { jsYamlVersion?: unknown } | undefined;
  if (settings?.jsYamlVersion !== undefined) {
    return parseConfiguredMajor(settings.jsYamlVersion, 'settings.bastion.jsYamlVersion');
  }
  return parseMajorVersion(resolvePackageVersion('js-yaml', context.filename, context.cwd));
}

/** A configured version must say which major it is: a typo must not silently mean "unknown". */
function parseConfiguredMajor(version: unknown, where: string): number {
  const major = parseMajorVersion(version);
  if (major === undefined) {
    throw new TypeError(
      `bastion/no-unsafe-deserialization: ${where} must be a js-yaml version such as "4.1.0" or 4, got ${JSON.stringify(version)} (${typeof version})`,
    );
  }
  return major;
}

export default rule;
