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
  // Asynchronous writes to stdout: a busy endpoint must not pay one write system call per log line.
  return pino(config, options.destination ?? pino.destination({ dest: 1, sync: false }));
}
