// Bundles the command into dist/opendsp.js: one ESM file for Node.js 24 with every dependency inside (commander,
// @opendsp/ebxml, @opendsp/soap and theirs), so the built package runs with `npx opendsp` on its own.
import { build } from "esbuild";
import { chmod, rm } from "node:fs/promises";
import { URL, fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const outfile = `${here}dist/opendsp.js`;

await rm(`${here}dist`, { recursive: true, force: true });
await build({
  entryPoints: [`${here}src/main.ts`],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node24",
  sourcemap: false,
  legalComments: "eof",
  logLevel: "warning",
  // A dependency written as CommonJS calls require(); an ESM bundle has none unless it is made here.
  banner: {
    js: '#!/usr/bin/env node\nimport { createRequire as __opendspCreateRequire } from "node:module";\nconst require = __opendspCreateRequire(import.meta.url);',
  },
});
await chmod(outfile, 0o755);
