import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { formatOpenApi } from "@opendsp/platform";
import { AUDIT_OPENAPI_FILE, buildAuditOpenApi } from "./audit.openapi.js";

// `pnpm exec tsx services/audit/src/openapi/write-openapi.ts`: regenerates openapi/audit.json from the route
// schemas. Commit the result; audit.openapi.test.ts fails while the committed file differs.
const target = join(import.meta.dirname, "..", "..", "..", "..", AUDIT_OPENAPI_FILE);
await writeFile(target, formatOpenApi(await buildAuditOpenApi()));
process.stdout.write(`wrote ${AUDIT_OPENAPI_FILE}\n`);
