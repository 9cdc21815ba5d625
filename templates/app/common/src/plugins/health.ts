// Probes for the orchestrator: live says the process answers at all (restart it if not); ready
// says it should get traffic, and turns 503 as soon as shutdown begins.
import type { FastifyInstance } from 'fastify';

/** Shared with the shutdown: `draining` flips to true on the first signal. */
export interface Readiness {
  draining: boolean;
}

// Probes arrive every few seconds: their lines would drown the log, so only warnings are written.
const PROBE = { logLevel: 'warn' } as const;

export default async function health(app: FastifyInstance, { readiness }: { readiness: Readiness }): Promise<void> {
  app.get('/health/live', PROBE, async () => ({ status: 'ok' }));
  app.get('/health/ready', PROBE, async (_request, reply) => {
    if (readiness.draining) return reply.code(503).send({ status: 'draining' });
    return { status: 'ready' };
  });
}
