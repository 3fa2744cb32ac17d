import { pino, type Logger, type LoggerOptions } from "pino";

export type { Logger };

/**
 * The one logger factory. Logs carry ids, counts and outcomes only: message bodies, documents and patient
 * identifiers are never logged, and credentials are redacted should they reach a log call by mistake.
 */
export function createLogger(options: { service: string; level?: string; destination?: pino.DestinationStream }): Logger {
  const config: LoggerOptions = {
    name: options.service,
    level: options.level ?? "info",
    redact: {
      paths: [
        "req.headers.authorization",
        "req.headers.cookie",
        "headers.authorization",
        "*.password",
        "*.assertion",
        "*.patientId",
        "patientId",
      ],
      censor: "[redacted]",
    },
  };
  return pino(config, options.destination ?? bufferedStdout());
}

/** Lines gathered before one write to stdout, and the longest a line waits in the buffer. */
const LOG_BUFFER_BYTES = 4096;
const LOG_FLUSH_INTERVAL_MS = 200;

/**
 * Asynchronous, buffered writes to stdout: a busy endpoint must not pay one write system call per log line (one
 * per request was a tenth of the gateway's CPU). A timer empties the buffer so a quiet service's lines still show
 * within LOG_FLUSH_INTERVAL_MS; pino writes what is left when the process exits.
 */
function bufferedStdout(): pino.DestinationStream {
  const destination = pino.destination({ dest: 1, sync: false, minLength: LOG_BUFFER_BYTES });
  const flusher = setInterval(() => {
    try {
      destination.flush();
    } catch {
      // Destroyed at shutdown: nothing left to write.
      clearInterval(flusher);
    }
  }, LOG_FLUSH_INTERVAL_MS);
  flusher.unref();
  return destination;
}
