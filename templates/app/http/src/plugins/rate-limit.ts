// Caps the requests of one client IP per minute (429 with Retry-After), so that one caller cannot
// take the whole service. RATE_LIMIT_MAX=0 turns it off. Behind a proxy, set TRUST_PROXY, or
// every client shares the proxy's address and its limit.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';

/** Registers the limiter and returns the hook that applies it, or undefined when it is off. */
export async function createRateLimit(app: FastifyInstance, maxPerMinute: number): Promise<onRequestAsyncHookHandler | undefined> {
  if (maxPerMinute === 0) return undefined;
  // global: false, so the probes and /metrics are never limited; the app applies the hook where it counts.
  await app.register(rateLimit, { global: false, max: maxPerMinute, timeWindow: 60_000 });
  return app.rateLimit();
}
