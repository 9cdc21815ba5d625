// The example JobSource: an in-process queue. It loses its jobs when the process ends and never
// retries a failed one; production work comes from a real queue behind the same interface.
import type { Job, JobSource } from './job-source.ts';

export class MemoryJobSource<Payload> implements JobSource<Payload> {
  readonly #queue: Job<Payload>[] = [];
  readonly #waiting = new Set<() => void>();
  readonly completed: Job<Payload>[] = [];
  readonly failed: { job: Job<Payload>; error: unknown }[] = [];

  push(job: Job<Payload>): void {
    this.#queue.push(job);
    for (const wake of this.#waiting) wake();
  }

  async take(signal: AbortSignal): Promise<Job<Payload> | undefined> {
    while (this.#queue.length === 0) {
      if (signal.aborted) return undefined;
      const { promise, resolve } = Promise.withResolvers<void>();
      const wake = () => resolve();
      this.#waiting.add(wake);
      signal.addEventListener('abort', wake);
      try {
        await promise;
      } finally {
        this.#waiting.delete(wake);
        signal.removeEventListener('abort', wake);
      }
    }
    return this.#queue.shift();
  }

  async complete(job: Job<Payload>): Promise<void> {
    this.completed.push(job);
  }

  async fail(job: Job<Payload>, error: unknown): Promise<void> {
    this.failed.push({ job, error });
  }
}
