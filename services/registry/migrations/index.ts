import type { MigrationSet } from "@opendsp/platform";
import * as registrySchema from "./2026-11-22T0400-registry-schema.js";
import * as leafXml from "./2026-11-22T0600-leaf-xml.js";
import * as documentStatistics from "./2026-12-06T0400-document-statistics.js";
import * as auditRecordOutbox from "./2026-12-06T0500-audit-record-outbox.js";
import * as statisticsRecountIndex from "./2026-12-06T0600-statistics-recount-index.js";
import * as registrationLookup from "./2026-12-06T0700-registration-lookup.js";
import * as registerIfClear from "./2026-12-07T0400-register-if-clear.js";
import * as lz4MetadataCompression from "./2026-12-08T0400-lz4-metadata-compression.js";
import * as registerRowsIfClear from "./2026-12-09T0400-register-rows-if-clear.js";

/** Every migration of the registry database, in order of their timestamped names. */
export const REGISTRY_MIGRATIONS: MigrationSet = {
  "2026-11-22T0400-registry-schema": registrySchema,
  "2026-11-22T0600-leaf-xml": leafXml,
  "2026-12-06T0400-document-statistics": documentStatistics,
  "2026-12-06T0500-audit-record-outbox": auditRecordOutbox,
  "2026-12-06T0600-statistics-recount-index": statisticsRecountIndex,
  "2026-12-06T0700-registration-lookup": registrationLookup,
  "2026-12-07T0400-register-if-clear": registerIfClear,
  "2026-12-08T0400-lz4-metadata-compression": lz4MetadataCompression,
  "2026-12-09T0400-register-rows-if-clear": registerRowsIfClear,
};
