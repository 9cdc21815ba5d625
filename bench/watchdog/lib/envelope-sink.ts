// A loopback HTTP endpoint that plays Sentry's ingest for the Sentry anchors. Their watchdog workers
// send with their own HTTP transport built from the DSN (a custom transport on the main thread is
// not used there), so the DSN points here: nothing leaves the machine, and the harness stamps when
// each event arrived.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { wallNow } from './app-process.ts';

export interface SinkEvent {
  receivedAt: number;
  /** Function names of the blocked thread's stack, innermost first. */
  frames: string[];
}

interface SentryFrame {
  function?: string;
}

interface SentryEvent {
  exception?: { values?: { stacktrace?: { frames?: SentryFrame[] } }[] };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return (request.headers['content-encoding'] === 'gzip' ? await promisify(gunzip)(raw) : raw).toString('utf8');
}

/** Events in an envelope: header line, then (item header, item payload) pairs. */
function eventsInEnvelope(body: string): SentryEvent[] {
  const lines = body.split('\n');
  const events: SentryEvent[] = [];
  for (let index = 1; index + 1 < lines.length; index += 2) {
    const itemHeader = JSON.parse(lines[index] ?? '{}') as { type?: string };
    if (itemHeader.type === 'event') events.push(JSON.parse(lines[index + 1] ?? '{}') as SentryEvent);
  }
  return events;
}

export class EnvelopeSink {
  readonly events: SinkEvent[] = [];
  #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<EnvelopeSink> {
    const server = createServer();
    const sink = new EnvelopeSink(server);
    server.on('request', (request, response) => {
      const receivedAt = wallNow();
      readBody(request)
        .then((body) => {
          for (const event of eventsInEnvelope(body)) {
            const frames = (event.exception?.values?.[0]?.stacktrace?.frames ?? []).map((frame) => frame.function ?? '?').reverse();
            sink.events.push({ receivedAt, frames });
          }
        })
        .catch((error: unknown) => console.error(`envelope sink: unreadable envelope: ${String(error)}`))
        .finally(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return sink;
  }

  /** A DSN whose ingest endpoint is this sink. */
  get dsn(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://bench@127.0.0.1:${port}/1`;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
