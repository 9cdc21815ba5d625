// Builds the trace maps the tracker walks: rules describe modules once, by bare name, and these
// helpers add what every rule needs (the `node:` alias of each built-in, `.call`/`.apply`, and a
// READ marker on each function so `util.promisify(fn)` can be followed).
import { isBuiltin } from 'node:module';
import { CALL, CONSTRUCT, ESM, READ, type TraceMap } from '@eslint-community/eslint-utils';

/** One level of a trace map: the exports (or properties) of a module, keyed by name. */
export type TraceMapObject<T> = TraceMap<T>[string];

/** How a tracked call passes its arguments. */
export type CallStyle = 'call' | 'construct' | 'function.call' | 'function.apply' | 'tag';

/** What the augmented map carries back from the tracker for each kind of reference. */
export type Tag<T> =
  | { readonly kind: 'call'; readonly info: T; readonly style: CallStyle }
  | { readonly kind: 'value'; readonly info: T }
  | { readonly kind: 'function'; readonly leaf: TraceMapObject<Tag<T>> };

const augmentedMaps = new WeakMap<object, TraceMap<Tag<unknown>>>();

/**
 * Copies `map` (once per map object: rules pass module-level constants), wrapping each info in a
 * Tag, giving every callable `call`/`apply` members and a READ marker (unless the rule asked for
 * its own READ), and, for a map of modules, every built-in a `node:` twin.
 */
export function augmentTraceMap<T>(map: TraceMap<T>, keys: 'modules' | 'globals'): TraceMap<Tag<T>> {
  const cached = augmentedMaps.get(map) as TraceMap<Tag<T>> | undefined;
  if (cached) return cached;
  const augmented: TraceMap<Tag<T>> = {};
  for (const [key, members] of Object.entries(map)) augmented[key] = augmentObject(members);
  const result = keys === 'modules' ? withNodeAliases(augmented) : augmented;
  augmentedMaps.set(map, result as TraceMap<Tag<unknown>>);
  return result;
}

/** `map` plus, for each built-in module named without it, the same entry under its `node:` name. */
export function withNodeAliases<T>(map: TraceMap<T>): TraceMap<T> {
  const aliased: TraceMap<T> = { ...map };
  for (const [key, members] of Object.entries(map)) {
    if (isBuiltin(key) && !key.startsWith('node:')) aliased[`node:${key}`] = members;
  }
  return aliased;
}

function augmentObject<T>(source: TraceMapObject<T>): TraceMapObject<Tag<T>> {
  const target: TraceMapObject<Tag<T>> = {};
  for (const [key, child] of Object.entries(source)) target[key] = augmentObject(child);
  const callInfo = source[CALL];
  if (callInfo !== undefined) {
    target[CALL] = { kind: 'call', info: callInfo, style: 'call' };
    target['call'] = { [CALL]: { kind: 'call', info: callInfo, style: 'function.call' } };
    target['apply'] = { [CALL]: { kind: 'call', info: callInfo, style: 'function.apply' } };
  }
  const constructInfo = source[CONSTRUCT];
  if (constructInfo !== undefined) {
    target[CONSTRUCT] = { kind: 'call', info: constructInfo, style: 'construct' };
  }
  const readInfo = source[READ];
  if (readInfo !== undefined) {
    target[READ] = { kind: 'value', info: readInfo };
  } else if (callInfo !== undefined) {
    target[READ] = { kind: 'function', leaf: target };
  }
  if (source[ESM] !== undefined) target[ESM] = source[ESM];
  return target;
}
