// Koa 3 with @koa/router; no signal handler (Node's default: SIGTERM ends the process).
import Router from '@koa/router';
import Koa from 'koa';

function buildQuarterlyReport(ms) {
  const end = Date.now() + ms;
  let rows = 0;
  while (Date.now() < end) rows += 1;
  return { quarter: 'Q3', rows };
}

function matchesSkuPattern(sku) {
  return /^(a+)+$/.test(sku);
}

const app = new Koa();
const router = new Router();
router.get('/health', (ctx) => {
  ctx.body = { status: 'ok' };
});
router.get('/orders/:id', (ctx) => {
  ctx.body = { id: ctx.params.id, total: 42 };
});
router.get('/reports/quarterly', (ctx) => {
  ctx.body = buildQuarterlyReport(Number(ctx.query.ms ?? 3000));
});
router.get('/skus/check', (ctx) => {
  ctx.body = { valid: matchesSkuPattern(String(ctx.query.sku ?? '')) };
});
app.use(router.routes()).use(router.allowedMethods());

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`READY ${JSON.stringify({ port: server.address().port })}`);
});
