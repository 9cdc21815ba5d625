// One JSON logger for the whole process: requests, jobs, start-up and shutdown share it, so every
// line has the same shape and the same redaction.
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import type { Config } from './config.ts';

// Credentials never reach the logs, in whichever logged object they show up (pino matches these
// paths at the top level and one level down; redact deeper fields where you log them).
const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'];
const SECRET_FIELDS = ['password', 'secret', 'token', 'apiKey', 'accessToken', 'refreshToken', 'clientSecret'];
export const REDACTED_PATHS = [
  ...SECRET_HEADERS.flatMap((header) => [`headers["${header}"]`, `*.headers["${header}"]`]),
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`]),
];

export function createLogger(level: Config['LOG_LEVEL'], destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // "level":"error" rather than "level":50: log platforms and people read the label.
    formatters: { level: (label: string) => ({ level: label }) },
  };
  // Synchronous writes to stdout: shutdown ends with process.exit(), which would drop or reorder
  // the last lines still queued by an asynchronous destination ("shutdown complete" among them).
  return pino(options, destination ?? pino.destination({ dest: 1, sync: true }));
}
