import { loadAuditConfig } from "./config.js";
import { startAuditServer } from "./server.js";

// Entry point: `node --import tsx services/audit/src/main.ts`. Stops cleanly on SIGINT/SIGTERM.
const server = await startAuditServer(loadAuditConfig(process.env));
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
