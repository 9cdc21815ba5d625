// hapi 21; no signal handler (Node's default: SIGTERM ends the process).
import Hapi from '@hapi/hapi';

function buildQuarterlyReport(ms) {
  const end = Date.now() + ms;
  let rows = 0;
  while (Date.now() < end) rows += 1;
  return { quarter: 'Q3', rows };
}

function matchesSkuPattern(sku) {
  return /^(a+)+$/.test(sku);
}

const server = Hapi.server({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
server.route([
  { method: 'GET', path: '/health', handler: () => ({ status: 'ok' }) },
  { method: 'GET', path: '/orders/{id}', handler: (request) => ({ id: request.params.id, total: 42 }) },
  { method: 'GET', path: '/reports/quarterly', handler: (request) => buildQuarterlyReport(Number(request.query.ms ?? 3000)) },
  { method: 'GET', path: '/skus/check', handler: (request) => ({ valid: matchesSkuPattern(String(request.query.sku ?? '')) }) },
]);
await server.start();
console.log(`READY ${JSON.stringify({ port: server.info.port })}`);
