import type { AuditRecord } from "@opendsp/atna";
import type { Kysely } from "kysely";
import type { AuditDatabase } from "../storage/audit-database.js";
import { claimEventIds, insertEvents } from "../storage/audit-event.repository.js";
import { AuditError } from "./audit-error.js";

export interface StoreOutcome {
  readonly stored: number;
  /** Records whose eventId was stored before (or twice in the batch): nothing was written for them. */
  readonly duplicates: number;
}

/**
 * Stores checked records in one transaction, idempotently by eventId: a record stored before is a no-op counted as
 * a duplicate. A database failure is AUDIT_STORE_UNAVAILABLE with its cause, and nothing of the batch is written.
 */
export async function storeAuditRecords(db: Kysely<AuditDatabase>, records: readonly AuditRecord[], now: Date): Promise<StoreOutcome> {
  const stored = (await storeAuditRecordsEach(db, records, now)).filter(Boolean).length;
  return { stored, duplicates: records.length - stored };
}

/**
 * As storeAuditRecords, telling for each record whether it was stored now (true) or is a duplicate (false): stored
 * before, or an eventId met earlier in the same batch. The audit service's batcher settles each job with it.
 */
export async function storeAuditRecordsEach(db: Kysely<AuditDatabase>, records: readonly AuditRecord[], now: Date): Promise<boolean[]> {
  const unique = [...new Map(records.map((r) => [r.eventId.toLowerCase(), r])).values()];
  let claimed: Set<string>;
  try {
    claimed = await db.transaction().execute(async (trx) => {
      const ids = await claimEventIds(trx, unique);
      await insertEvents(trx, unique.filter((r) => ids.has(r.eventId.toLowerCase())), now);
      return ids;
    });
  } catch (cause) {
    // The database's message may quote a key, hence a patient id: only its code is told; the cause keeps the rest.
    throw new AuditError("AUDIT_STORE_UNAVAILABLE", `the audit store could not be written (${errorCodeOf(cause)}); nothing of the batch was stored`, { cause });
  }
  // The first record of each claimed id counts as stored; any later one with the same id is a duplicate.
  return records.map((r) => claimed.delete(r.eventId.toLowerCase()));
}

function errorCodeOf(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === "string") return code;
  return err instanceof Error ? err.name : "unknown error";
}
