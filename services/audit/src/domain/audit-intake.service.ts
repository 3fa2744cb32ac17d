import { AtnaError, type AuditRecord } from "@opendsp/atna";
import type { Kysely } from "kysely";
import type { AuditDatabase } from "../storage/audit-database.js";
import { recordIntakeRefusals } from "../storage/intake-refusal.repository.js";
import { AuditError } from "./audit-error.js";
import { storeAuditRecords, type StoreOutcome } from "./audit-store.service.js";
import { parseStorableRecord } from "./storable-record.js";

export interface InvalidRecord {
  readonly index: number;
  readonly reason: string;
}

/** A batch with invalid records: AUDIT_INTAKE_INVALID naming each, so the relay can set them aside. */
export class IntakeInvalidError extends AuditError {
  readonly invalid: readonly InvalidRecord[];
  constructor(invalid: readonly InvalidRecord[]) {
    super("AUDIT_INTAKE_INVALID", `${invalid.length} record(s) of the batch are not audit records; nothing of the batch was stored`);
    this.invalid = invalid;
  }
}

/**
 * The HTTP intake's batch (AUDIT_DELIVERY, no Redis): every record is checked first; one invalid record refuses
 * the whole batch (the refused ones are kept for the dead letter), otherwise all are stored in one transaction.
 */
export async function takeIntakeBatch(db: Kysely<AuditDatabase>, records: readonly unknown[], now: Date): Promise<StoreOutcome> {
  const valid: AuditRecord[] = [];
  const invalid: InvalidRecord[] = [];
  const refused: { record: unknown; reason: string }[] = [];
  records.forEach((record, index) => {
    try {
      valid.push(parseStorableRecord(record));
    } catch (err) {
      if (!(err instanceof AtnaError) && !(err instanceof AuditError)) throw err;
      const reason = `${err.code}: ${err.message}`;
      invalid.push({ index, reason });
      refused.push({ record, reason });
    }
  });
  if (invalid.length > 0) {
    try {
      await recordIntakeRefusals(db, refused, now);
    } catch (cause) {
      throw new AuditError("AUDIT_STORE_UNAVAILABLE", "the refused records could not be kept for the dead letter", { cause });
    }
    throw new IntakeInvalidError(invalid);
  }
  return storeAuditRecords(db, valid, now);
}
