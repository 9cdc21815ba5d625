// A child Node process running one of the plain-JS apps in ../apps/, speaking the line protocol
// `TAG {json}` on stdout (READY, STALL, END, DETECTED, NOTE).
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ProtocolLine {
  tag: string;
  payload: Record<string, unknown>;
  /** Wall-clock time at which the harness read the line. */
  receivedAt: number;
}

export interface StderrChunk {
  text: string;
  receivedAt: number;
}

export interface AppLaunch {
  script: string;
  /** Arguments after the script. */
  args?: readonly string[];
  nodeArgs: readonly string[];
  env: Record<string, string>;
  ipc?: boolean;
  /** A command that runs node (e.g. valgrind and its flags). */
  wrapper?: readonly string[];
  /** Working directory (default: this process's). */
  cwd?: string;
}

export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export class AppProcess {
  readonly child: ChildProcess;
  readonly lines: ProtocolLine[] = [];
  readonly stderr: StderrChunk[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #listeners = new Set<(line: ProtocolLine) => void>();

  constructor({ script, args = [], nodeArgs, env, ipc = false, wrapper = [], cwd }: AppLaunch) {
    const [command = process.execPath, ...commandArgs] = [...wrapper, process.execPath];
    this.child = spawn(command, [...commandArgs, ...nodeArgs, script, ...args], {
      env: { ...process.env, ...env },
      ...(cwd === undefined ? {} : { cwd }),
      stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? (['ipc'] as const) : [])],
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    const stdout = this.child.stdout;
    const stderr = this.child.stderr;
    if (stdout === null || stderr === null) throw new Error('child stdio pipes are missing');
    createInterface({ input: stdout }).on('line', (text) => this.#onStdoutLine(text));
    stderr.setEncoding('utf8').on('data', (text: string) => this.stderr.push({ text, receivedAt: wallNow() }));
  }

  #onStdoutLine(text: string): void {
    const space = text.indexOf(' ');
    if (space <= 0) return;
    let payload: unknown;
    try {
      payload = JSON.parse(text.slice(space + 1));
    } catch {
      return; // not a protocol line (an anchor printing on stdout)
    }
    if (typeof payload !== 'object' || payload === null) return;
    const line = { tag: text.slice(0, space), payload: payload as Record<string, unknown>, receivedAt: wallNow() };
    this.lines.push(line);
    for (const listener of this.#listeners) listener(line);
  }

  /** Calls `listener` for every protocol line from now on; returns the unsubscribe function. */
  onLine(listener: (line: ProtocolLine) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves with the first line tagged `tag` (already received or future). */
  waitFor(tag: string, timeoutMs: number): Promise<ProtocolLine> {
    const seen = this.lines.find((line) => line.tag === tag);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`no ${tag} line within ${timeoutMs} ms; stderr:\n${this.stderrText().slice(-2000)}`));
      }, timeoutMs);
      const unsubscribe = this.onLine((line) => {
        if (line.tag !== tag) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(line);
      });
      void this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        unsubscribe();
        reject(new Error(`exited (${String(code ?? signal)}) before ${tag}; stderr:\n${this.stderrText().slice(-2000)}`));
      });
    });
  }

  /** One IPC request/response (apps answer each message with exactly one reply). */
  request<T>(message: unknown, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no IPC reply within ${timeoutMs} ms`)), timeoutMs);
      this.child.once('message', (reply) => {
        clearTimeout(timer);
        resolve(reply as T);
      });
      this.child.send(message as never);
    });
  }

  stderrText(): string {
    return this.stderr.map((chunk) => chunk.text).join('');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}
