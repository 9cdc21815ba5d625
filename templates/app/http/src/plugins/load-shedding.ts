// Answers 503 with Retry-After instead of taking more work while the event loop lags
// (@fastify/under-pressure): its mean delay over the last second above MAX_EVENT_LOOP_DELAY_MS.
// Delay, not utilization: a loop busy 100 % of the time at full throughput still answers in time,
// while a growing delay means requests are queueing. Registered for the API only, so probes and
// /metrics still answer under load. MAX_EVENT_LOOP_DELAY_MS=0 turns it off.
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';

export async function registerLoadShedding(app: FastifyInstance, maxEventLoopDelayMs: number): Promise<void> {
  if (maxEventLoopDelayMs === 0) return;
  await app.register(underPressure, { maxEventLoopDelay: maxEventLoopDelayMs, retryAfter: 10 });
}
