// A pool of worker threads (piscina) for CPU-bound work, so that hashing a large body does not
// stop the event loop from serving other requests.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';

// Tasks waiting for a thread. Past it, refusing at once beats a 503 at the task's deadline; the
// deadline bounds the wait of the tasks within it.
const MAX_QUEUED_TASKS = 1_000;

/**
 * A pool running the default export of `src/workers/<name>.ts` (`dist/workers/<name>.js` once
 * built). `threads` 0 means one per CPU.
 */
export function createWorkerPool<Task, Result>(name: string, threads: number): Piscina<Task, Result> {
  const extension = path.extname(import.meta.filename); // .ts under tests and `npm run dev`, .js in dist/
  const count = threads === 0 ? availableParallelism() : threads;
  return new Piscina<Task, Result>({
    filename: new URL(`./workers/${name}${extension}`, import.meta.url).href,
    minThreads: count,
    maxThreads: count,
    maxQueue: MAX_QUEUED_TASKS,
    env: threadEnv(),
  });
}

/**
 * The environment less NODE_OPTIONS: the threads run task modules only, and its preloads are the
 * main thread's (an APM agent; clinic doctor's sampler, which from every thread writes into one file
 * and corrupts it). Options set on the command line still reach the threads (execArgv).
 */
function threadEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['NODE_OPTIONS'];
  return env;
}
