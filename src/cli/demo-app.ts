// A stand-in service for `bastion demo`: it ticks for a moment, then blocks its own event
// loop in a CPU-bound function for three seconds, recovers, and exits on its own.
function checksumInvoices(durationMs: number): number {
  const until = Date.now() + durationMs;
  let sum = 0;
  while (Date.now() < until) sum = (sum * 31 + 7) % 1_000_003;
  return sum;
}

let ticks = 0;
const heartbeat = setInterval(() => {
  ticks += 1;
  if (ticks === 3) {
    process.stdout.write('demo service: starting a 3 s CPU-bound job on the main thread…\n');
    checksumInvoices(3000);
    process.stdout.write('demo service: job done, event loop free again\n');
  }
  if (ticks === 6) clearInterval(heartbeat);
}, 100);
