// A small shape checker for JSON read from disk: each check returns the value typed, or throws a
// ShapeError naming the path of the first bad field, so the viewer can say in one line what is wrong.

/** Checks a value and returns it typed. */
export type Check<T> = (value: unknown) => T;

/** A field that may be absent; `null` counts as absent too, as JSON writers often emit it. */
type Optional<T> = Check<T> & { readonly optional: true };

export class ShapeError extends Error {
  override name = 'ShapeError';
  readonly problem: string;
  readonly path: string | undefined;

  /**
   * `path` is where the problem is (`stack[3].line`; '' for the document itself), or undefined when
   * the problem is a whole sentence. Paths are built only on the way out of a failed check: a
   * profile has millions of values, and naming each one on the way in would cost seconds.
   */
  constructor(problem: string, path?: string) {
    super(path === undefined ? problem : `${path || 'the document'} ${problem}`);
    this.problem = problem;
    this.path = path;
  }

  /** The same problem, seen from the object or array that holds the value (`.line`, `[3]`). */
  within(segment: string): ShapeError {
    const path = this.path === undefined || this.path === '' || this.path.startsWith('[') ? `${segment}${this.path ?? ''}` : `${segment}.${this.path}`;
    return new ShapeError(this.problem, path);
  }
}

/** A value for an error message: numbers and booleans as they are, others by type, never a (hostile) string. */
function describe(value: unknown): string {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function fail(expected: string, value: unknown): never {
  throw new ShapeError(`must be ${expected}, not ${describe(value)}`, '');
}

/** Runs `check` on a part of a value, and says which part when it fails. */
function checkPart<T>(check: Check<T>, value: unknown, segment: string): T {
  try {
    return check(value);
  } catch (error) {
    throw error instanceof ShapeError ? error.within(segment) : error;
  }
}

export const string: Check<string> = (value) => (typeof value === 'string' ? value : fail('a string', value));

export const number: Check<number> = (value) => (typeof value === 'number' && Number.isFinite(value) ? value : fail('a number', value));

export const boolean: Check<boolean> = (value) => (typeof value === 'boolean' ? value : fail('true or false', value));

export const integer: Check<number> = (value) => (Number.isSafeInteger(value) ? (value as number) : fail('an integer', value));

export function literal<const T extends string | number>(...allowed: T[]): Check<T> {
  const expected = allowed.map((item) => JSON.stringify(item)).join(' or ');
  return (value) => (allowed.includes(value as T) ? (value as T) : fail(expected, value));
}

export function array<T>(item: Check<T>): Check<T[]> {
  return (value) => {
    if (!Array.isArray(value)) fail('an array', value);
    const result = new Array<T>(value.length);
    for (let index = 0; index < value.length; index++) result[index] = checkPart(item, value[index], `[${index}]`);
    return result;
  };
}

export function optional<T>(check: Check<T>): Optional<T> {
  return Object.assign((value: unknown) => check(value), { optional: true as const });
}

type Fields = Record<string, Check<unknown>>;
type Checked<C> = C extends Check<infer T> ? T : never;
type OptionalKeys<F extends Fields> = { [K in keyof F]: F[K] extends Optional<unknown> ? K : never }[keyof F];
type Shape<F extends Fields> = { [K in Exclude<keyof F, OptionalKeys<F>>]: Checked<F[K]> } & { [K in OptionalKeys<F>]?: Checked<F[K]> };

/** A plain object with these fields; any other field is dropped, so only checked data goes on. */
export function object<F extends Fields>(fields: F): Check<{ [K in keyof Shape<F>]: Shape<F>[K] }> {
  const entries = Object.entries(fields);
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('an object', value);
    const source = value as Record<string, unknown>;
    const result: Record<string, unknown> = {};
    for (const [key, check] of entries) {
      const field = Object.hasOwn(source, key) ? source[key] : undefined;
      if (field === undefined || field === null) {
        if ('optional' in check) continue;
        throw new ShapeError('is missing', key);
      }
      result[key] = checkPart(check, field, key);
    }
    return result as { [K in keyof Shape<F>]: Shape<F>[K] };
  };
}
