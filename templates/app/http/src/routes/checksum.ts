// POST /api/checksum {"data": "<string>"} -> {"sha256": "<hex>"}. The example to copy for a route
// with CPU work: a JSON schema for the body, the work on the worker pool, a deadline per task.
import type { FastifyInstance } from 'fastify';
import type { Piscina } from 'piscina';
import { HttpError } from '../errors.ts';

export interface ChecksumOptions {
  pool: Piscina<string, string>;
  /** Past this the task is cancelled (its thread replaced) and the answer is 503. */
  timeoutMs: number;
}

const schema = {
  body: { type: 'object', required: ['data'], properties: { data: { type: 'string' } } },
  response: { 200: { type: 'object', required: ['sha256'], properties: { sha256: { type: 'string' } } } },
} as const;

export default async function checksumRoutes(app: FastifyInstance, { pool, timeoutMs }: ChecksumOptions): Promise<void> {
  app.post<{ Body: { data: string } }>('/checksum', { schema }, async (request) => {
    // A full queue means the threads are behind: say so now rather than queue without bound.
    if (pool.queueSize >= pool.options.maxQueue) throw new HttpError(503, 'too many checksums in progress; retry later');
    // Not request.signal: Fastify 5.12 aborts it as soon as a request body has been read (fastify#6725).
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      return { sha256: await pool.run(request.body.data, { signal }) };
    } catch (error) {
      if (signal.aborted) throw new HttpError(503, `checksum not done within ${timeoutMs} ms`, { cause: error });
      throw error;
    }
  });
}
