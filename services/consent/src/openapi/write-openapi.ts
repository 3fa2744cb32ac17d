import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CONSENT_OPENAPI_FILE, buildConsentOpenApi } from "./consent.openapi.js";
import { formatOpenApi } from "@opendsp/platform";

// `pnpm exec tsx services/consent/src/openapi/write-openapi.ts`: regenerates openapi/consent.json from the route
// schemas. Commit the result; consent.openapi.test.ts fails while the committed file differs.
const target = join(import.meta.dirname, "..", "..", "..", "..", CONSENT_OPENAPI_FILE);
await writeFile(target, formatOpenApi(await buildConsentOpenApi()));
process.stdout.write(`wrote ${CONSENT_OPENAPI_FILE}\n`);
