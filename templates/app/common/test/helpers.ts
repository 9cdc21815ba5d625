// Shared by the tests: the production configuration made quiet, a logger whose lines a test can
// read, and the built server started exactly as `npm start` starts it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app.ts';
import type { Config } from '../src/config.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import type { Readiness } from '../src/plugins/health.ts';
import { createMetricsRegistry } from '../src/plugins/metrics.ts';

export type LogLine = Record<string, unknown> & { level: string; msg: string };

/** The defaults of production, with the given variables on top and logging off. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ LOG_LEVEL: 'silent', POOL_THREADS: '1', ...env });
}

/** A logger at `info` that keeps its lines, parsed, in `lines`. */
export function captureLogs(): { logger: ReturnType<typeof createLogger>; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

/**
 * The app built in process for inject(), without a port: production defaults with `env` on top,
 * its log lines in `lines`, closed when the test ends.
 */
export async function buildTestApp(t: TestContext, env: Record<string, string> = {}) {
  const { logger, lines } = captureLogs();
  const readiness: Readiness = { draining: false };
  const app = await buildApp({ config: testConfig(env), logger, readiness, registry: createMetricsRegistry() });
  t.after(() => app.close());
  return { app, readiness, lines };
}

export interface ServerProcess {
  child: ChildProcess;
  /** Its stdout, one parsed JSON line each, as they come. */
  logs: LogLine[];
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs the command of `npm start` (read from package.json, so the two cannot drift apart) on
 * 127.0.0.1 and a free port, with `imports` preloaded after the watchdog. Needs `npm run build`.
 */
export async function spawnServer(env: Record<string, string> = {}, imports: string[] = []): Promise<ServerProcess> {
  const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  const [, ...flags] = manifest.scripts.start.split(' ');
  const script = flags.pop() ?? '';
  const child = spawn(process.execPath, [...flags, ...imports.flatMap((file) => ['--import', file]), script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  createInterface({ input: child.stdout }).on('line', (text) => logs.push(JSON.parse(text) as LogLine));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  return { child, logs, stderr: () => stderr, exited };
}

/** Starts the server and resolves with its base URL once it listens. */
export async function startServer(env: Record<string, string> = {}, imports: string[] = []): Promise<ServerProcess & { url: string }> {
  const server = await spawnServer(env, imports);
  const prefix = 'Server listening at ';
  const line = await waitForLog(server, (entry) => entry.msg.startsWith(prefix));
  return { ...server, url: line.msg.slice(prefix.length) };
}

/** The first log line that matches; rejects after `timeoutMs` or when the process has exited without one. */
export async function waitForLog(server: ServerProcess, matches: (line: LogLine) => boolean, timeoutMs = 10_000): Promise<LogLine> {
  let exited = false;
  void server.exited.then(() => (exited = true));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = server.logs.find(matches);
    if (found) return found;
    if (exited || Date.now() > deadline) {
      throw new Error(`no such log line; stdout: ${JSON.stringify(server.logs)}; stderr: ${server.stderr()}`);
    }
    await sleep(20);
  }
}
