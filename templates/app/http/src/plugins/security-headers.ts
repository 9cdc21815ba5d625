// Security headers on every answer (@fastify/helmet): no sniffing, no framing, HSTS, and a
// Content-Security-Policy that allows nothing, since this service serves JSON, not pages.
// SECURITY_HEADERS=false turns them off (when a gateway in front already sets them).
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export async function registerSecurityHeaders(app: FastifyInstance, enabled: boolean): Promise<void> {
  if (!enabled) return;
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  });
}
