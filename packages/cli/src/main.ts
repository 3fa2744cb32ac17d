import process from "node:process";
import { runCli } from "./cli.js";
import { processIo } from "./output/cli-io.js";

// Entry point of the `opendsp` command (the bundle in dist/ is built from this file).
process.exitCode = await runCli(process.argv.slice(2), processIo());
