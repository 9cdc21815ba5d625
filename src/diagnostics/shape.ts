// A small shape checker for JSON read from disk: each check returns the value typed, or throws a
// ShapeError naming the path of the first bad field, so the viewer can say in one line what is wrong.

/** Checks `value` found at `path` (`stack[3].line`) and returns it typed. */
export type Check<T> = (value: unknown, path: string) => T;

/** A field that may be absent; `null` counts as absent too, as JSON writers often emit it. */
type Optional<T> = Check<T> & { readonly optional: true };

export class ShapeError extends Error {
  override name = 'ShapeError';
}

/** A value for an error message: numbers and booleans as they are, others by type, never a (hostile) string. */
function describe(value: unknown): string {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function fail(path: string, expected: string, value: unknown): never {
  throw new ShapeError(`${path} must be ${expected}, not ${describe(value)}`);
}

export const string: Check<string> = (value, path) => (typeof value === 'string' ? value : fail(path, 'a string', value));

export const number: Check<number> = (value, path) =>
  typeof value === 'number' && Number.isFinite(value) ? value : fail(path, 'a number', value);

export const integer: Check<number> = (value, path) => (Number.isSafeInteger(value) ? (value as number) : fail(path, 'an integer', value));

export function literal<const T extends string | number>(...allowed: T[]): Check<T> {
  const expected = allowed.map((item) => JSON.stringify(item)).join(' or ');
  return (value, path) => (allowed.includes(value as T) ? (value as T) : fail(path, expected, value));
}

export function array<T>(item: Check<T>): Check<T[]> {
  return (value, path) => (Array.isArray(value) ? value.map((entry, index) => item(entry, `${path}[${index}]`)) : fail(path, 'an array', value));
}

export function optional<T>(check: Check<T>): Optional<T> {
  return Object.assign((value: unknown, path: string) => check(value, path), { optional: true as const });
}

type Fields = Record<string, Check<unknown>>;
type Checked<C> = C extends Check<infer T> ? T : never;
type OptionalKeys<F extends Fields> = { [K in keyof F]: F[K] extends Optional<unknown> ? K : never }[keyof F];
type Shape<F extends Fields> = { [K in Exclude<keyof F, OptionalKeys<F>>]: Checked<F[K]> } & { [K in OptionalKeys<F>]?: Checked<F[K]> };

/** A plain object with these fields; any other field is dropped, so only checked data goes on. */
export function object<F extends Fields>(fields: F): Check<{ [K in keyof Shape<F>]: Shape<F>[K] }> {
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path || 'the document', 'an object', value);
    const source = value as Record<string, unknown>;
    const result: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(fields)) {
      const fieldPath = path ? `${path}.${key}` : key;
      const field = Object.hasOwn(source, key) ? source[key] : undefined;
      if (field === undefined || field === null) {
        if ('optional' in check) continue;
        throw new ShapeError(`${fieldPath} is missing`);
      }
      result[key] = check(field, fieldPath);
    }
    return result as { [K in keyof Shape<F>]: Shape<F>[K] };
  };
}
