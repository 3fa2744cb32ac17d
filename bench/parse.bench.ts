import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { printMetadataFigures, runMetadataBench } from "./metadata-parse.bench.js";

/**
 * `pnpm bench:parse`: metadata parse+validate and parse+serialize throughput, then the 100 MB MTOM parse in a
 * fresh process so that its RSS baseline is not the metadata run's heap.
 */
printMetadataFigures(runMetadataBench());

const mtom = spawnSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "mtom-parse.bench.ts")], {
  stdio: "inherit",
  cwd: join(import.meta.dirname, ".."),
});
process.exitCode = mtom.status ?? 1;
