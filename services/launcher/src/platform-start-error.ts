import { AppError, messageOf } from "@opendsp/platform";

/** The parts of the platform, in start order. */
export type PlatformService = "registry" | "repository" | "consent" | "audit" | "gateway";

/**
 * Why the platform did not start, naming the part that failed (`service`; "platform" for what comes before any
 * service: configuration, data folder, databases, ports). Codes: LAUNCHER_PORT_IN_USE, LAUNCHER_SERVICE_FAILED,
 * LAUNCHER_DATA_DIR_LOCKED, LAUNCHER_DATABASE, LAUNCHER_CONFIG.
 */
export class PlatformStartError extends AppError {
  override readonly name = "PlatformStartError";
  readonly service: PlatformService | "platform";

  constructor(service: PlatformService | "platform", code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.service = service;
  }
}

/** A port a part of the platform listens on, and the variable that sets it. */
export interface PlannedListener {
  readonly service: PlatformService;
  readonly variable: string;
  readonly host: string;
  readonly port: number;
}

export function portInUseError(listener: PlannedListener, cause?: unknown): PlatformStartError {
  return new PlatformStartError(
    listener.service,
    "LAUNCHER_PORT_IN_USE",
    `the ${listener.service} could not start: port ${listener.port} on ${listener.host} is already in use (${listener.variable}); stop what uses it or set ${listener.variable} to another port`,
    { cause },
  );
}

/** The error of a service that failed to start, in words an operator can act on. */
export function serviceStartError(service: PlatformService, cause: unknown, listeners: readonly PlannedListener[]): PlatformStartError {
  const err = cause as { code?: unknown; port?: unknown };
  if (err.code === "EADDRINUSE") {
    const listener = listeners.find((l) => l.service === service && l.port === err.port) ?? listeners.find((l) => l.service === service);
    if (listener) return portInUseError({ ...listener, port: typeof err.port === "number" ? err.port : listener.port }, cause);
  }
  return new PlatformStartError(service, "LAUNCHER_SERVICE_FAILED", `the ${service} could not start: ${messageOf(cause)}`, { cause });
}
