import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { REGISTRY_ADMIN_OPENAPI_FILE, buildRegistryAdminOpenApi } from "./registry-admin.openapi.js";
import { formatOpenApi } from "@opendsp/platform";

// `pnpm exec tsx services/registry/src/openapi/write-openapi.ts`: regenerates openapi/registry-admin.json from the
// route schemas. Commit the result; registry-admin.openapi.test.ts fails while the committed file differs.
const target = join(import.meta.dirname, "..", "..", "..", "..", REGISTRY_ADMIN_OPENAPI_FILE);
await writeFile(target, formatOpenApi(await buildRegistryAdminOpenApi()));
process.stdout.write(`wrote ${REGISTRY_ADMIN_OPENAPI_FILE}\n`);
