// Answers 503 with Retry-After instead of taking more work when the event loop is saturated
// (@fastify/under-pressure): a mean loop delay over MAX_EVENT_LOOP_DELAY_MS, or the loop busy
// 98 % of the last second. Registered for the API only, so probes and /metrics still answer
// under load. MAX_EVENT_LOOP_DELAY_MS=0 turns it off.
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';

export async function registerLoadShedding(app: FastifyInstance, maxEventLoopDelayMs: number): Promise<void> {
  if (maxEventLoopDelayMs === 0) return;
  await app.register(underPressure, {
    maxEventLoopDelay: maxEventLoopDelayMs,
    maxEventLoopUtilization: 0.98,
    // Per sample, not averaged since start (the default), which would hide a saturated minute in an idle day.
    eventLoopUtilizationMode: 'interval',
    retryAfter: 10,
  });
}
