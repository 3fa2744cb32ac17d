import type { BlobStore } from "@opendsp/platform";
import type { Kysely } from "kysely";
import type { RepositoryConfig } from "./config.js";
import type { RepositoryDatabase } from "./storage/repository-database.js";

/** What the repository's routes, transactions and jobs work with, built once at start and passed explicitly. */
export interface RepositoryDeps {
  readonly config: RepositoryConfig;
  readonly db: Kysely<RepositoryDatabase>;
  readonly blobs: BlobStore;
  /** Called after a request wrote audit records, to wake the audit relay (a no-op without one). */
  readonly auditWritten: () => void;
}
