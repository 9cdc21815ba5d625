// Finds every call of the module functions a rule cares about, however the module was loaded.
// ReferenceTracker (legacy mode) follows import declarations and, from each `require()` call,
// destructuring, aliases and namespace objects; this module adds the entry points it does not follow (getBuiltinModule,
// createRequire, `await import()`, TypeScript `import x = require()`), `.call`/`.apply`,
// `util.promisify(fn)`, and functions kept in class fields or object literals.
import type { Rule, Scope } from 'eslint';
import type * as ESTree from 'estree';
import {
  CALL,
  CONSTRUCT,
  READ,
  ReferenceTracker,
  getStringIfConstant,
  type TraceMap,
  type TrackedReferences,
} from '@eslint-community/eslint-utils';
import {
  getSingleInitializer,
  getStaticKeyName,
  iterateReads,
  resolveVariable,
  unwrapExpression,
  type CallArgument,
  type Node,
} from './ast.js';
import { findStoredReads } from './find-stored-reads.js';
import { augmentTraceMap, type CallStyle, type Tag, withNodeAliases } from './trace-map.js';

/** One call (`new`, or use as a template tag when asked for) of a tracked function. */
export interface TrackedCall<T> {
  readonly node: ESTree.CallExpression | ESTree.NewExpression | ESTree.TaggedTemplateExpression;
  /** The arguments the function receives (a tag: its template); undefined when unknowable (`fn.apply(x, list)`). */
  readonly arguments: readonly CallArgument[] | undefined;
  /** Dotted name without the `node:` prefix, e.g. `child_process.exec`. */
  readonly name: string;
  readonly info: T;
  readonly style: CallStyle;
  /** Called through the function `util.promisify()` returned. */
  readonly promisified: boolean;
  /** Read back from where it was stored (a class field, an object literal) before the call. */
  readonly stored: boolean;
}

/** Everything a rule learns about one file. */
export interface ModuleReferences<T> {
  readonly calls: readonly TrackedCall<T>[];
  /** Infos of the READ entries referenced anywhere in the file. */
  readonly readInfos: ReadonlySet<T>;
  /** The READ entry `node` denotes, directly or through a local alias. */
  valueOf(node: ESTree.Node): T | undefined;
}

export interface TrackingSpec<T> {
  /** Modules by specifier; built-ins also match with the `node:` prefix. */
  readonly modules?: TraceMap<T>;
  /** Globals such as `eval` (also reached through `globalThis`). */
  readonly globals?: TraceMap<T>;
  /** Also report uses as a template tag (`$\`ls ${dir}\``), with the template as the one argument. */
  readonly taggedTemplates?: boolean;
}

/**
 * Where a module's value enters the code without ReferenceTracker seeing it: `node` holds the
 * module (a namespace object when `namespace`), or its member `members` when destructured.
 */
type Entry = {
  readonly node: ESTree.Node;
  readonly specifier: string;
  readonly namespace: boolean;
  readonly members: readonly string[];
};
type SourceCode = Rule.RuleContext['sourceCode'];
type Reference<T> = TrackedReferences<Tag<T>>;

// Globals that load a module by name: `require('fs')`, `process.getBuiltinModule('node:fs')`.
const REQUIRE_LIKE: TraceMap<true> = { require: { [CALL]: true }, process: { getBuiltinModule: { [CALL]: true } } };
const CREATE_REQUIRE: TraceMap<true> = withNodeAliases({ module: { createRequire: { [CALL]: true } } });
const PROMISIFY: TraceMap<true> = withNodeAliases({ util: { promisify: { [CALL]: true } } });
const MAX_ALIAS_DEPTH = 8;

/**
 * Returns listeners that collect the file's module entry points and, when the whole file has been
 * seen, hand `report` the tracked calls and values of `spec`.
 */
export function trackModuleCalls<T>(
  context: Rule.RuleContext,
  spec: TrackingSpec<T>,
  report: (references: ModuleReferences<T>) => void,
): Rule.RuleListener {
  if (!mayReference(context.sourceCode.text, spec)) return {};
  const dynamicImports: ESTree.ImportExpression[] = [];
  const importEquals: Node[] = [];
  return {
    ImportExpression(node) {
      dynamicImports.push(node);
    },
    TSImportEqualsDeclaration(node: Node) {
      importEquals.push(node);
    },
    'Program:exit'() {
      let collector = collectors.get(context.sourceCode);
      if (!collector) {
        collector = new ReferenceCollector(context.sourceCode, dynamicImports, importEquals);
        collectors.set(context.sourceCode, collector);
      }
      report(collector.collect(spec));
    },
  };
}

/**
 * Whether the file's text can name what `spec` tracks: a module's specifier in quotes, or a global
 * whose use is tracked (for an object such as CommonJS's `module`, the tracked member's name). A
 * file whose text cannot is skipped before its references are built: on a real tree, three files in
 * four (docs/eslint-plugin-benchmarks.md). Text with a `\u` or `\x` escape is not judged by its
 * letters; a name split over a concatenation (`require('child_' + 'process')`) is not seen.
 */
function mayReference(text: string, spec: TrackingSpec<unknown>): boolean {
  let pattern = mentionPatterns.get(spec);
  if (!pattern) {
    const specifiers = Object.keys(spec.modules ?? {}).map(escapeRegExp);
    const globals = Object.entries(spec.globals ?? {}).flatMap(([name, entry]) => trackedNames(name, entry)).map(escapeRegExp);
    const alternatives = [String.raw`\\[ux]`];
    if (specifiers.length > 0) alternatives.push(`['"\`](?:node:)?(?:${specifiers.join('|')})['"\`/]`);
    if (globals.length > 0) alternatives.push(String.raw`\b(?:${globals.join('|')})\b`);
    pattern = new RegExp(alternatives.join('|'), 'u');
    mentionPatterns.set(spec, pattern);
  }
  return pattern.test(text);
}

// Per spec object: the rules pass one constant spec each.
const mentionPatterns = new WeakMap<TrackingSpec<unknown>, RegExp>();

/** The names one of which a use of the global `name` must spell: its own, else a tracked member's. */
function trackedNames(name: string, entry: TraceMap<unknown>[string]): string[] {
  if (entry === undefined || CALL in entry || CONSTRUCT in entry || READ in entry) return [name];
  return Object.entries(entry).flatMap(([member, child]) => trackedNames(member, child as TraceMap<unknown>[string]));
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/gu, '\\$&');

/**
 * One collector per file, shared by the rules linting it: the module entry points and the
 * promisify() calls are the same for every rule, so they are found once.
 */
const collectors = new WeakMap<SourceCode, ReferenceCollector>();

class ReferenceCollector {
  readonly #sourceCode: SourceCode;
  readonly #tracker: ReferenceTracker;
  readonly #dynamicImports: readonly ESTree.ImportExpression[];
  readonly #importEquals: readonly Node[];
  #entries: Entry[] | undefined;
  #directEntries: Entry[] | undefined;
  #promisifyCalls: ESTree.CallExpression[] | undefined;

  constructor(sourceCode: SourceCode, dynamicImports: readonly ESTree.ImportExpression[], importEquals: readonly Node[]) {
    this.#sourceCode = sourceCode;
    this.#tracker = new ReferenceTracker(this.#sourceCode.scopeManager.globalScope as never, {
      mode: 'legacy',
    });
    this.#dynamicImports = dynamicImports;
    this.#importEquals = importEquals;
  }

  collect<T>(spec: TrackingSpec<T>): ModuleReferences<T> {
    const references: Reference<T>[] = [];
    if (spec.modules) references.push(...this.#iterateModuleReferences(augmentTraceMap(spec.modules, 'modules')));
    if (spec.globals) references.push(...this.#tracker.iterateGlobalReferences(augmentTraceMap(spec.globals, 'globals')));

    const calls = new Map<ESTree.Node, TrackedCall<T>>();
    const values = new Map<ESTree.Node, Reference<T>>();
    for (const reference of references) {
      if (reference.info.kind !== 'call') {
        values.set(reference.node, reference);
        continue;
      }
      const call = toTrackedCall(reference.node, reference.path, reference.info, { promisified: false, stored: false });
      if (call && !calls.has(call.node)) calls.set(call.node, call);
    }
    const valueOf = this.#createValueLookup(values);
    for (const call of this.#iterateIndirectCalls(values, valueOf, spec.taggedTemplates ?? false)) {
      if (!calls.has(call.node)) calls.set(call.node, call);
    }
    const readInfos = new Set<T>();
    for (const { info } of values.values()) if (info.kind === 'value') readInfos.add(info.info);
    return {
      calls: [...calls.values()],
      readInfos,
      valueOf(node) {
        const found = valueOf(node);
        return found?.info.kind === 'value' ? found.info.info : undefined;
      },
    };
  }

  /** References reached from every way a module can be loaded. */
  *#iterateModuleReferences<U>(
    map: TraceMap<U>,
    options: { viaCreateRequire: boolean } = { viaCreateRequire: true },
  ): Generator<TrackedReferences<U>> {
    yield* this.#tracker.iterateEsmReferences(map);
    for (const entry of this.#getEntries(options.viaCreateRequire)) {
      const exports = map[entry.specifier];
      if (!exports) continue;
      // A module namespace from import() also exposes CommonJS exports under `default`.
      let entryMap: TraceMap<U>[string] | undefined = entry.namespace ? { default: exports, ...exports } : exports;
      for (const member of entry.members) entryMap = entryMap?.[member];
      if (!entryMap) continue;
      const path = [entry.specifier, ...entry.members].filter((key) => key !== 'default');
      if (entryMap[READ] !== undefined) {
        yield { node: entry.node as Node, path, type: READ, info: entryMap[READ] };
      }
      // The module itself, and where it is kept: `const tools = { cp: require('child_process') }`.
      for (const holder of [entry.node, ...findStoredReads(this.#sourceCode, entry.node)]) {
        for (const reference of this.#tracker.iteratePropertyReferences(holder as never, entryMap)) {
          yield { ...reference, path: path.concat(reference.path.filter((key) => key !== 'default')) };
        }
      }
    }
  }

  /**
   * Where modules enter the code other than through import declarations, found once per file:
   * `require()` (what ReferenceTracker's iterateCjsReferences would find, without walking the
   * `require` references again for every trace map) and the entry points it does not follow.
   */
  #getEntries(viaCreateRequire: boolean): readonly Entry[] {
    if (!viaCreateRequire) return this.#getDirectEntries();
    this.#entries ??= [...this.#getDirectEntries(), ...this.#getCreateRequireEntries()];
    return this.#entries;
  }

  #getDirectEntries(): readonly Entry[] {
    this.#directEntries ??= [
      ...this.#getRequireLikeEntries(),
      ...this.#getDynamicImportEntries(),
      ...this.#getImportEqualsEntries(),
    ];
    return this.#directEntries;
  }

  /**
   * `require('fs')`, with `require` the global (CommonJS, or declared by the config's globals), and
   * `process.getBuiltinModule('node:fs')`, which returns the module's exports the same way.
   */
  *#getRequireLikeEntries(): Generator<Entry> {
    for (const { node } of this.#tracker.iterateGlobalReferences(REQUIRE_LIKE)) {
      const entry = requireLikeEntry(node);
      if (entry) yield findInteropWrapper(entry) ?? entry;
    }
  }

  /** `const require = createRequire(import.meta.url); require('fs')`. */
  *#getCreateRequireEntries(): Generator<Entry> {
    const factories = this.#iterateModuleReferences(CREATE_REQUIRE, { viaCreateRequire: false });
    for (const factory of factories) {
      if (factory.type !== CALL) continue;
      for (const { node } of this.#tracker.iteratePropertyReferences(factory.node as never, { [CALL]: true })) {
        const entry = requireLikeEntry(node);
        if (entry) yield entry;
      }
    }
  }

  /** `await import('fs')` and `import('fs').then((fs) => ...)` give the module namespace. */
  *#getDynamicImportEntries(): Generator<Entry> {
    for (const node of this.#dynamicImports) {
      const specifier = getStringIfConstant(node.source as never);
      if (specifier === null) continue;
      const parent = (node as Node).parent;
      if (parent?.type === 'AwaitExpression') {
        yield { node: parent, specifier, namespace: true, members: [] };
        continue;
      }
      for (const { identifier, members } of this.#iterateThenParameterReads(node)) {
        yield { node: identifier, specifier, namespace: true, members };
      }
    }
  }

  /** Reads of `ns` in `import('x').then((ns) => ...)`, or of `a` in `.then(({ a }) => ...)`. */
  *#iterateThenParameterReads(
    node: ESTree.ImportExpression,
  ): Generator<{ identifier: ESTree.Identifier; members: readonly string[] }> {
    const member = (node as Node).parent;
    if (member?.type !== 'MemberExpression' || member.object !== node) return;
    if (getStaticKeyName(member.property, member.computed) !== 'then') return;
    const call = member.parent;
    if (call.type !== 'CallExpression' || call.callee !== member) return;
    const callback = call.arguments[0];
    if (callback?.type !== 'ArrowFunctionExpression' && callback?.type !== 'FunctionExpression') return;
    const [parameter] = callback.params;
    for (const { identifier, members } of listBindings(parameter)) {
      for (const read of iterateReads(resolveVariable(this.#sourceCode, identifier))) {
        yield { identifier: read, members };
      }
    }
  }

  /** TypeScript `import cp = require('child_process')`. */
  *#getImportEqualsEntries(): Generator<Entry> {
    for (const node of this.#importEquals) {
      const reference = (node as unknown as { moduleReference?: { type: string; expression?: ESTree.Node } })
        .moduleReference;
      if (reference?.type !== 'TSExternalModuleReference' || !reference.expression) continue;
      const specifier = getStringIfConstant(reference.expression as never);
      if (specifier === null) continue;
      for (const variable of this.#sourceCode.getDeclaredVariables(node)) {
        for (const identifier of iterateReads(variable)) {
          yield { node: identifier, specifier, namespace: false, members: [] };
        }
      }
    }
  }

  /**
   * Calls ReferenceTracker cannot see: of the function `util.promisify(fn)` returns (same
   * arguments, a promise instead of a callback), of functions kept in class fields or in local
   * object literals, and, with `tags`, uses as a template tag.
   */
  *#iterateIndirectCalls<T>(
    values: ReadonlyMap<ESTree.Node, Reference<T>>,
    valueOf: ValueLookup<T>,
    tags: boolean,
  ): Generator<TrackedCall<T>> {
    for (const holder of this.#iterateFunctionHolders(values, valueOf)) {
      const { function: held, promisified } = holder;
      if (held.info.kind !== 'function') continue;
      const tagged = (holder.node as Node).parent;
      const call = held.info.leaf[CALL];
      if (tags && !promisified && tagged?.type === 'TaggedTemplateExpression' && tagged.tag === holder.node && call?.kind === 'call') {
        yield { node: tagged, arguments: [tagged.quasi], name: formatName(held.path, 'call'), info: call.info, style: 'tag', promisified, stored: false };
      }
      const starts = [
        ...(promisified ? [{ node: holder.node, stored: false }] : []),
        ...findStoredReads(this.#sourceCode, holder.node).map((node) => ({ node, stored: true })),
      ];
      for (const start of starts) {
        for (const reference of this.#tracker.iteratePropertyReferences(start.node as never, held.info.leaf)) {
          if (reference.info.kind !== 'call') continue;
          const path = held.path.concat(reference.path);
          const call = toTrackedCall(reference.node, path, reference.info, { promisified, stored: start.stored });
          if (call) yield call;
        }
      }
    }
  }

  /** Expressions holding a tracked function: its reads, reads of variables bound to it, and promisify() results. */
  *#iterateFunctionHolders<T>(
    values: ReadonlyMap<ESTree.Node, Reference<T>>,
    valueOf: ValueLookup<T>,
  ): Generator<{ node: ESTree.Node; function: Reference<T>; promisified: boolean }> {
    for (const [node, reference] of values) {
      if (reference.info.kind !== 'function') continue;
      yield { node, function: reference, promisified: false };
      for (const variable of this.#variablesBoundBy(node)) {
        for (const identifier of iterateReads(variable)) yield { node: identifier, function: reference, promisified: false };
      }
    }
    for (const promisify of this.#getPromisifyCalls()) {
      const [target] = promisify.arguments;
      const wrapped = target && valueOf(target);
      if (wrapped?.info.kind === 'function') yield { node: promisify, function: wrapped, promisified: true };
    }
  }

  #getPromisifyCalls(): readonly ESTree.CallExpression[] {
    this.#promisifyCalls ??= [...this.#iterateModuleReferences(PROMISIFY)].flatMap(({ type, node }) =>
      type === CALL && node.type === 'CallExpression' ? [node] : [],
    );
    return this.#promisifyCalls;
  }

  /** Maps an expression to the tracked value it holds: a tracked node, or an alias of one. */
  #createValueLookup<T>(values: ReadonlyMap<ESTree.Node, Reference<T>>): ValueLookup<T> {
    const byVariable = new Map<Scope.Variable, Reference<T>>();
    for (const [node, reference] of values) {
      for (const variable of this.#variablesBoundBy(node)) byVariable.set(variable, reference);
    }
    const lookup = (node: ESTree.Node, depth: number): Reference<T> | undefined => {
      const target = unwrapExpression(node);
      const direct = values.get(target);
      if (direct || target.type !== 'Identifier' || depth >= MAX_ALIAS_DEPTH) return direct;
      const variable = resolveVariable(this.#sourceCode, target);
      if (!variable) return undefined;
      const bound = byVariable.get(variable);
      if (bound) return bound;
      const initializer = getSingleInitializer(variable);
      return initializer ? lookup(initializer, depth + 1) : undefined;
    };
    return (node) => lookup(node, 0);
  }

  /** Variables a tracked READ node declares: `import { x }`, `const { x } = require(...)`. */
  #variablesBoundBy(node: ESTree.Node): Scope.Variable[] {
    if (
      node.type === 'ImportSpecifier' ||
      node.type === 'ImportDefaultSpecifier' ||
      node.type === 'ImportNamespaceSpecifier'
    ) {
      return this.#sourceCode.getDeclaredVariables(node);
    }
    if (node.type === 'Property') {
      const value = node.value.type === 'AssignmentPattern' ? node.value.left : node.value;
      const variable = value.type === 'Identifier' ? resolveVariable(this.#sourceCode, value) : null;
      return variable ? [variable] : [];
    }
    return [];
  }
}

type ValueLookup<T> = (node: ESTree.Node) => Reference<T> | undefined;

/** An entry for `require('x')`-shaped calls whose first argument is a constant specifier. */
function requireLikeEntry(node: ESTree.Node): Entry | undefined {
  if (node.type !== 'CallExpression') return undefined;
  const [argument] = node.arguments;
  const specifier = argument ? getStringIfConstant(argument as never) : null;
  return specifier === null ? undefined : { node, specifier, namespace: false, members: [] };
}

/**
 * Compiled ES modules wrap `require()` in an interop helper (`_interop_require_default(require('x'))`
 * from SWC, `_interopRequireDefault`/`_interopRequireWildcard` from Babel, `__importDefault`/
 * `__importStar` from tsc, `__toESM` from esbuild) and read the exports from the result, directly or
 * under `default`: the wrapper call is then the entry, as a namespace.
 */
function findInteropWrapper(entry: Entry): Entry | undefined {
  const wrapper = (entry.node as Node).parent;
  if (wrapper?.type !== 'CallExpression' || wrapper.arguments[0] !== entry.node) return undefined;
  const callee = unwrapExpression(wrapper.callee);
  const name = callee.type === 'MemberExpression' ? getStaticKeyName(callee.property, callee.computed) : callee.type === 'Identifier' ? callee.name : undefined;
  return name !== undefined && INTEROP_HELPER.test(name) ? { ...entry, node: wrapper, namespace: true } : undefined;
}

/** The interop helpers' names as the compilers emit them. */
const INTEROP_HELPER = /^_*(?:interop_?require_?(?:default|wildcard)|importdefault|importstar|toesm)$/iu;

/** The identifiers a parameter binds, with the member each one takes: `ns`, or `{ a, b: c }`. */
function listBindings(
  parameter: ESTree.Pattern | undefined,
): { identifier: ESTree.Identifier; members: readonly string[] }[] {
  if (parameter?.type === 'Identifier') return [{ identifier: parameter, members: [] }];
  if (parameter?.type !== 'ObjectPattern') return [];
  return parameter.properties.flatMap((property) => {
    if (property.type !== 'Property') return [];
    const key = getStaticKeyName(property.key, property.computed);
    const value = property.value.type === 'AssignmentPattern' ? property.value.left : property.value;
    return key !== undefined && value.type === 'Identifier' ? [{ identifier: value, members: [key] }] : [];
  });
}

function toTrackedCall<T>(
  node: ESTree.Node,
  path: readonly string[],
  tag: Extract<Tag<T>, { kind: 'call' }>,
  route: Pick<TrackedCall<T>, 'promisified' | 'stored'>,
): TrackedCall<T> | undefined {
  if (node.type !== 'CallExpression' && node.type !== 'NewExpression') return undefined;
  return {
    node,
    arguments: getEffectiveArguments(node, tag.style),
    name: formatName(path, tag.style),
    info: tag.info,
    style: tag.style,
    ...route,
  };
}

/** What the callee receives: `f.call(self, a)` passes `a`; `f.apply(self, [a])` passes `a` too. */
function getEffectiveArguments(
  node: ESTree.CallExpression | ESTree.NewExpression,
  style: CallStyle,
): readonly CallArgument[] | undefined {
  if (style === 'function.call') return node.arguments.slice(1);
  if (style !== 'function.apply') return node.arguments;
  const list = node.arguments[1];
  if (list === undefined) return [];
  const array = unwrapExpression(list);
  if (array.type !== 'ArrayExpression' || array.elements.some((element) => element === null)) return undefined;
  return array.elements as CallArgument[];
}

function formatName(path: readonly string[], style: CallStyle): string {
  const segments = style === 'function.call' || style === 'function.apply' ? path.slice(0, -1) : [...path];
  const [first, ...rest] = segments;
  return [first?.replace(/^node:/u, ''), ...rest].join('.');
}
