import type { Kysely } from "kysely";
import { findDocumentAccessFacts, type DocumentAccessFacts } from "../../storage/document-lookup.repository.js";
import type { RegistryDatabase } from "../../storage/registry-database.js";

export type { DocumentAccessFacts };

/** Most uniqueIds one lookup takes: an ITI-43 request of a consumer rarely asks for more than a few dozen. */
export const MAX_LOOKUP_IDS = 1000;

/**
 * The facts the gateway checks before it lets an ITI-43 Retrieve Document Set through: for each requested document
 * its patient, repository, status and authors. The documents are looked up by uniqueId (ITI-43 names documents by
 * DocumentUniqueId and RepositoryUniqueId, ITI TF-2b 3.43.4.1.2); unknown ones are left out, so the gateway treats
 * them as it treats any document it may not release. Ids asked for twice are looked up once.
 */
export async function lookupDocuments(db: Kysely<RegistryDatabase>, uniqueIds: readonly string[]): Promise<DocumentAccessFacts[]> {
  return findDocumentAccessFacts(db, [...new Set(uniqueIds)]);
}
