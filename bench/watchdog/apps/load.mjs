// The load generator, in its own process so it never shares an event loop with the server.
// run.ts sends { url, durationS, connections } or { url, amount, connections } over IPC and gets
// back autocannon's figures for that one run.
import { createRequire } from 'node:module';

const autocannon = createRequire(import.meta.url)('autocannon');

function runOnce({ url, durationS, amount, connections }) {
  const options = { url, connections, pipelining: 1 };
  if (amount !== undefined) options.amount = amount;
  else options.duration = durationS;
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

process.on('message', async (request) => {
  try {
    const result = await runOnce(request);
    process.send({
      ok: true,
      requests: result.requests.total,
      requestsPerSecond: result.requests.total / (result.duration || 1),
      errors: result.errors + result.non2xx,
    });
  } catch (error) {
    process.send({ ok: false, message: String(error) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
