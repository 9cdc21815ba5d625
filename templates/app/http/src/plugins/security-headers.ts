// Security headers on every answer (helmet): no sniffing, no framing, HSTS, and a
// Content-Security-Policy that allows nothing, since this service serves JSON, not pages.
// SECURITY_HEADERS=false turns them off (when a gateway in front already sets them).
// helmet's middleware is built once, here, and run in one hook: @fastify/helmet builds a new one
// for every request, which costs more CPU than the rest of this file's work by far.
import helmet from 'helmet';
import type { FastifyInstance } from 'fastify';

export function registerSecurityHeaders(app: FastifyInstance, enabled: boolean): void {
  if (!enabled) return;
  const setHeaders = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  });
  app.addHook('onRequest', (request, reply, done) => {
    setHeaders(request.raw, reply.raw, () => done());
  });
}
