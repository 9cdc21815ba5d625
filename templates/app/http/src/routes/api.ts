// Everything under /api. Load shedding and the rate limit apply here and not to the probes or
// /metrics, which must answer even when the API is refusing work.
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import type { Config } from '../config.ts';
import { registerLoadShedding } from '../plugins/load-shedding.ts';
import { createWorkerPool } from '../worker-pool.ts';
import checksumRoutes from './checksum.ts';

export interface ApiOptions {
  config: Config;
  rateLimit: onRequestAsyncHookHandler | undefined;
}

export default async function api(app: FastifyInstance, { config, rateLimit }: ApiOptions): Promise<void> {
  await registerLoadShedding(app, config.MAX_EVENT_LOOP_DELAY_MS);
  if (rateLimit) app.addHook('onRequest', rateLimit);
  // Closed with the server, after the last in-flight request: pool.close() lets running tasks finish.
  const pool = createWorkerPool<string, string>('checksum', config.POOL_THREADS);
  app.addHook('onClose', () => pool.close());
  await app.register(checksumRoutes, { pool, timeoutMs: config.CHECKSUM_TIMEOUT_MS });
}
