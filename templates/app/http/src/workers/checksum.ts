// Runs on a worker thread of the pool (piscina): the CPU work of POST /api/checksum.
import { createHash } from 'node:crypto';

export default function checksum(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}
