import { startConsentServer } from "./server.js";

// Entry point: `node --import tsx services/consent/src/main.ts`. Stops cleanly on SIGINT/SIGTERM.
const server = await startConsentServer();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
