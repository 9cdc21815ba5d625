// The example job: the SHA-256 of a text, with WebCrypto, which hashes on libuv's thread pool and
// so keeps the event loop free. Replace it with your own work, keeping the shape: take the
// payload, honour the signal, throw to fail the job.
import type { JobHandler } from './runner.ts';

export interface ChecksumPayload {
  text: string;
}

export const checksumJob: JobHandler<ChecksumPayload> = async (job, { signal, log }) => {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(job.payload.text));
  signal.throwIfAborted();
  log.info({ sha256: Buffer.from(digest).toString('hex') }, 'checksum computed');
};
