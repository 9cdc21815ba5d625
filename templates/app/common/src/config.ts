// Configuration from the environment, validated once at start: a bad value stops the start with one
// line that names the variable, the rule and the value, instead of failing later in a handler.
import envSchema from 'env-schema';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface Config {
  PORT: number;
  HOST: string;
  LOG_LEVEL: (typeof LOG_LEVELS)[number];
  /** Hard deadline for a graceful shutdown, counted from the signal. */
  SHUTDOWN_TIMEOUT_MS: number;
  /** Longer than a load balancer's idle timeout (AWS ALB, nginx: 60 s): the balancer closes idle connections, not us mid-request. */
  KEEP_ALIVE_TIMEOUT_MS: number;
  /** Time a client has to send the whole request (slow-loris protection). */
  REQUEST_TIMEOUT_MS: number;
<% if (kind === 'http') { -%>
  /** After SIGTERM, time to answer ready with 503 while still serving, so the load balancer stops routing here first. */
  SHUTDOWN_DELAY_MS: number;
  BODY_LIMIT_BYTES: number;
  /** Requests per client IP per minute; 0 turns rate limiting off. */
  RATE_LIMIT_MAX: number;
  /** Shed load (503) when the event loop's mean delay exceeds this; 0 turns the check off. */
  MAX_EVENT_LOOP_DELAY_MS: number;
  SECURITY_HEADERS: boolean;
  /** Proxies whose X-Forwarded-For names the client: addresses, CIDRs or proxy-addr names (loopback, uniquelocal), comma-separated; empty: none. */
  TRUST_PROXY: string;
  CHECKSUM_TIMEOUT_MS: number;
  /** Threads of the CPU pool; 0 means one per available CPU. */
  POOL_THREADS: number;
<% } else { -%>
  /** A job still running after this is aborted and counted as failed. */
  JOB_TIMEOUT_MS: number;
<% } -%>
}

const milliseconds = (defaultMs: number) => ({ type: 'integer', minimum: 0, maximum: 2_147_483_647, default: defaultMs });

<% if (kind === 'http') { -%>
// One trusted proxy: an IPv4 or IPv6 address or CIDR, or a proxy-addr name. Never "true": trusting
// every hop lets any client choose its own address, and with it its rate-limit budget.
const PROXY = String.raw`(?:[\d.]+|[\da-fA-F]*:[\da-fA-F:.]*|loopback|linklocal|uniquelocal)(?:/\d+)?`;

<% } -%>
const schema = {
  type: 'object',
  properties: {
    PORT: { type: 'integer', minimum: 0, maximum: 65_535, default: <%= port %> },
    HOST: { type: 'string', minLength: 1, default: '0.0.0.0' },
    LOG_LEVEL: { type: 'string', enum: LOG_LEVELS, default: 'info' },
    SHUTDOWN_TIMEOUT_MS: { ...milliseconds(9_000), minimum: 1 },
    KEEP_ALIVE_TIMEOUT_MS: { ...milliseconds(72_000), minimum: 1 },
    REQUEST_TIMEOUT_MS: milliseconds(30_000),
<% if (kind === 'http') { -%>
    SHUTDOWN_DELAY_MS: milliseconds(3_000),
    BODY_LIMIT_BYTES: { type: 'integer', minimum: 1, maximum: 2_147_483_647, default: 1_048_576 },
    RATE_LIMIT_MAX: { type: 'integer', minimum: 0, default: 1_000 },
    MAX_EVENT_LOOP_DELAY_MS: milliseconds(1_000),
    SECURITY_HEADERS: { type: 'boolean', default: true },
    TRUST_PROXY: { type: 'string', pattern: `^(?:${PROXY}(?:\\s*,\\s*${PROXY})*)?$`, default: '' },
    CHECKSUM_TIMEOUT_MS: { ...milliseconds(2_000), minimum: 1 },
    POOL_THREADS: { type: 'integer', minimum: 0, maximum: 256, default: 0 },
<% } else { -%>
    JOB_TIMEOUT_MS: { ...milliseconds(5_000), minimum: 1 },
<% } -%>
  },
};

/** Thrown for an invalid environment; its message is the one line to print. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

interface SchemaError {
  instancePath: string;
  message?: string;
  params: { allowedValues?: readonly unknown[] };
}

/** Reads and validates the configuration; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    // A copy: env-schema writes defaults and coerced values into the object it validates.
    return envSchema<Config>({ schema, data: { ...env }, env: false });
  } catch (error) {
    const problems = (error as { errors?: SchemaError[] }).errors;
    if (problems === undefined) throw error;
    throw new ConfigError(`invalid configuration: ${problems.map((problem) => describe(problem, env)).join('; ')}`);
  }
}

/** The configuration, or exit 1 after one line on stderr: a bad environment is an operator's mistake, not a crash. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

function describe({ instancePath, message, params }: SchemaError, env: NodeJS.ProcessEnv): string {
  const variable = instancePath.slice(1);
  const rule = params.allowedValues ? `must be one of ${params.allowedValues.join(', ')}` : message;
  return `${variable} ${rule}, got ${JSON.stringify(env[variable])}`;
}
