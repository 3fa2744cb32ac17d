#!/usr/bin/env node
// The `opendsp` command of the published package: runs the bundle that `pnpm --filter @opendsp/cli build` writes to
// dist/. Inside the workspace the command also runs from its sources: `pnpm opendsp <command>`.
import { existsSync } from "node:fs";
import process from "node:process";
import { URL } from "node:url";

const bundle = new URL("../dist/opendsp.js", import.meta.url);
if (existsSync(bundle)) {
  await import(bundle.href);
} else {
  process.stderr.write(
    "opendsp: the command is not built yet (packages/cli/dist/opendsp.js is missing).\n" +
      "Build it with `pnpm --filter @opendsp/cli build`, or run it from the sources with `pnpm opendsp <command>`.\n",
  );
  process.exitCode = 1;
}
