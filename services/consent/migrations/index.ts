import type { MigrationSet } from "@opendsp/platform";
import * as consentSchema from "./2026-12-05T1100-consent-schema.js";
import * as declaredProfessionalIndexes from "./2026-12-06T0400-declared-professional-indexes.js";

/** Every migration of the consent database, in order of their timestamped names. */
export const CONSENT_MIGRATIONS: MigrationSet = {
  "2026-12-05T1100-consent-schema": consentSchema,
  "2026-12-06T0400-declared-professional-indexes": declaredProfessionalIndexes,
};
