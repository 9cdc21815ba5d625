// Preloaded by `npm run flame` ahead of the service. With V8's --prof every thread (isolate) writes a
// log of its own, and clinic's Flame (0x 5) draws whichever of them its directory lists first: as
// often the watchdog's or a piscina thread as the main thread, which serves the requests. At exit
// this deletes the other threads' logs, so that the one Flame finds is the main thread's.
/* eslint-disable bastion/no-sync -- an 'exit' listener gets no more turns of the event loop */
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

const logfile = process.execArgv.find((arg) => arg.startsWith('--logfile='))?.slice('--logfile='.length);
if (logfile !== undefined) {
  const dir = dirname(logfile);
  const ofThisProcess = (name: string): boolean => name.startsWith('isolate-') && name.endsWith(`-${process.pid}-v8.log`);
  // No other thread has started yet: the log there is the main thread's.
  const main = new Set(readdirSync(dir).filter(ofThisProcess));
  process.on('exit', () => {
    for (const name of readdirSync(dir)) {
      if (ofThisProcess(name) && !main.has(name)) rmSync(join(dir, name), { force: true });
    }
  });
}
