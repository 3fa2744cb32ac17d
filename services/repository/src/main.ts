import { startRepositoryServer } from "./server.js";

// Entry point: `node --max-semi-space-size=1 --import tsx services/repository/src/main.ts` (README: why the flag).
// Stops cleanly on SIGINT/SIGTERM.
const server = await startRepositoryServer();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
