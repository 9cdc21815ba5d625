// Where jobs come from. A queue consumer (SQS, Redis streams, RabbitMQ, a database table) sits
// behind this interface, so the runner does not change when the queue does.

/** One unit of work, as the queue delivered it. */
export interface Job<Payload> {
  id: string;
  payload: Payload;
}

export interface JobSource<Payload> {
  /** Waits for the next job; resolves undefined once `signal` aborts (shutdown). */
  take(signal: AbortSignal): Promise<Job<Payload> | undefined>;
  /** The job is done: remove it for good (ack, delete). */
  complete(job: Job<Payload>): Promise<void>;
  /** The job failed: hand it back for a retry or a dead-letter queue (nack). */
  fail(job: Job<Payload>, error: unknown): Promise<void>;
}
