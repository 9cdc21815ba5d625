// Express 5: the usual shape, with a SIGTERM handler that closes the server (the common pattern).
import express from 'express';

function buildQuarterlyReport(ms) {
  const end = Date.now() + ms;
  let rows = 0;
  while (Date.now() < end) rows += 1;
  return { quarter: 'Q3', rows };
}

function matchesSkuPattern(sku) {
  return /^(a+)+$/.test(sku);
}

const app = express();
app.use(express.json());
app.get('/health', (_req, res) => res.json({ status: 'ok' }));
app.get('/orders/:id', (req, res) => res.json({ id: req.params.id, total: 42 }));
app.get('/reports/quarterly', (req, res) => res.json(buildQuarterlyReport(Number(req.query.ms ?? 3000))));
app.get('/skus/check', (req, res) => res.json({ valid: matchesSkuPattern(String(req.query.sku ?? '')) }));

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', (error) => {
  if (error) throw error;
  console.log(`READY ${JSON.stringify({ port: server.address().port })}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
