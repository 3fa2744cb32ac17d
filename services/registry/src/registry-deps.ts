import type { CodesConfig } from "@opendsp/ebxml";
import type { Kysely } from "kysely";
import type { RegistryConfig } from "./config.js";
import type { RegistryDatabase } from "./storage/registry-database.js";

/** What the registry's routes and transactions work with, built once at start and passed explicitly. */
export interface RegistryDeps {
  readonly config: RegistryConfig;
  readonly db: Kysely<RegistryDatabase>;
  /** The affinity domain's codes; undefined in an open domain (no code checks). */
  readonly codes: CodesConfig | undefined;
  /**
   * Called after an ITI-42 registration committed, with the submission set's entryUUID (the statistics job is queued
   * here). A failure is logged and never changes the answer: the registration is committed already.
   */
  readonly afterRegistration?: (submissionSetUuid: string) => Promise<void>;
  /** Called after a request wrote audit records, to wake the audit relay (a no-op without one). */
  readonly auditWritten: () => void;
}
