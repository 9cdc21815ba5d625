// Hello-world server for the overhead runs: node:http (or Fastify for the under-pressure pair)
// with one subject installed. run.ts asks it over IPC for CPU time, requests served and memory.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createFastifyApp, emit, installSubject, usesFastify } from './subjects.mjs';

const BODY = 'hello world';
let requestsServed = 0;

await installSubject();

async function listen() {
  if (usesFastify) {
    const app = await createFastifyApp();
    app.get('/', async () => {
      requestsServed += 1;
      return BODY;
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    return app.server.address().port;
  }
  const server = createServer((_request, response) => {
    requestsServed += 1;
    response.end(BODY);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server.address().port;
}

process.on('message', (message) => {
  if (message === 'sample') {
    const { user, system } = process.cpuUsage();
    process.send({ cpuMicros: user + system, requestsServed, rssBytes: process.memoryUsage.rss(), privateBytes: privateBytes() });
  }
});
process.on('disconnect', () => process.exit(0));

/** Anonymous memory: RSS without the pages of mapped files (the node binary's code, shared). */
function privateBytes() {
  const kib = /^Anonymous:\s+(\d+) kB/m.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'))?.[1];
  return kib === undefined ? Number.NaN : Number(kib) * 1024;
}

emit('READY', { port: await listen() });
