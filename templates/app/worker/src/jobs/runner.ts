// The loop: take a job, run it with a deadline, complete or fail it, one at a time. stop() takes
// no new job and resolves once the current one has finished.
import type { Logger } from 'pino';
import { Counter, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Job, JobSource } from './job-source.ts';

/** Runs one job. `signal` aborts at the deadline: stop there, since the job then counts as failed. */
export type JobHandler<Payload> = (job: Job<Payload>, context: { signal: AbortSignal; log: Logger }) => Promise<void>;

export interface JobRunnerOptions<Payload> {
  source: JobSource<Payload>;
  handle: JobHandler<Payload>;
  logger: Logger;
  registry: Registry;
  timeoutMs: number;
}

export class JobRunner<Payload> {
  readonly #options: JobRunnerOptions<Payload>;
  readonly #stopping = new AbortController();
  readonly #jobs: Counter<'outcome'>;
  readonly #duration: Histogram<'outcome'>;
  #loop: Promise<void> | undefined;

  constructor(options: JobRunnerOptions<Payload>) {
    this.#options = options;
    const registers = [options.registry];
    this.#jobs = new Counter({ name: 'jobs_total', help: 'Jobs run, by outcome (completed, failed)', labelNames: ['outcome'], registers });
    this.#duration = new Histogram({ name: 'job_duration_seconds', help: 'Time to run one job, by outcome', labelNames: ['outcome'], registers });
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const { source } = this.#options;
    const { signal } = this.#stopping;
    while (!signal.aborted) {
      const job = await source.take(signal);
      if (job === undefined) return;
      await this.#runOne(job);
    }
  }

  async #runOne(job: Job<Payload>): Promise<void> {
    const { source, handle, logger, timeoutMs } = this.#options;
    const log = logger.child({ jobId: job.id });
    const started = performance.now();
    // Not aborted by stop(): a shutdown lets the current job finish.
    const signal = AbortSignal.timeout(timeoutMs);
    let outcome: 'completed' | 'failed' = 'completed';
    try {
      // A handler that ignores its signal is not waited for past the deadline.
      await Promise.race([handle(job, { signal, log }), failAtDeadline(signal, timeoutMs)]);
      await source.complete(job);
    } catch (error) {
      outcome = 'failed';
      log.error({ err: error }, 'job failed');
      await source.fail(job, error);
    }
    const seconds = (performance.now() - started) / 1_000;
    this.#jobs.inc({ outcome });
    this.#duration.observe({ outcome }, seconds);
    log.info({ outcome, durationMs: Math.round(seconds * 1_000) }, 'job finished');
  }
}

function failAtDeadline(signal: AbortSignal, timeoutMs: number): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(new Error(`job not done within ${timeoutMs} ms`)), { once: true });
  });
}
