import { createServer } from "node:net";
import { PlatformStartError, portInUseError, type PlannedListener } from "./platform-start-error.js";

/**
 * Checks, before anything starts, that every fixed port of the platform can be listened on, so a taken port is
 * reported at once with its variable and nothing is left half-started. (A port taken between this check and the
 * service's own listen is still reported, by the service's start.)
 */
export async function assertPortsFree(listeners: readonly PlannedListener[]): Promise<void> {
  const fixed = listeners.filter((l) => l.port > 0);
  const seen = new Map<number, PlannedListener>();
  for (const listener of fixed) {
    const other = seen.get(listener.port);
    if (other) {
      throw new PlatformStartError(
        listener.service,
        "LAUNCHER_PORT_IN_USE",
        `${listener.variable} and ${other.variable} are both ${listener.port}: each part of the platform needs its own port`,
      );
    }
    seen.set(listener.port, listener);
  }
  for (const listener of fixed) await tryListen(listener);
}

function tryListen(listener: PlannedListener): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE") reject(portInUseError(listener, err));
      else {
        reject(
          new PlatformStartError(
            listener.service,
            "LAUNCHER_PORT_IN_USE",
            `the ${listener.service} cannot listen on ${listener.host}:${listener.port} (${listener.variable}): ${err.code ?? err.message}`,
            { cause: err },
          ),
        );
      }
    });
    server.listen({ host: listener.host, port: listener.port, exclusive: true }, () => {
      server.close(() => resolve());
    });
  });
}
