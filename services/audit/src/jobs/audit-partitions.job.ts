import type { JobQueue, Logger } from "@opendsp/platform";
import type { Kysely } from "kysely";
import type { AuditDatabase } from "../storage/audit-database.js";
import { ensureMonthlyPartitions } from "../storage/audit-partitions.js";

export const AUDIT_PARTITIONS_JOB = "create-audit-partitions";
/** Months created ahead of the current one, so a late check still finds next month's partition in place. */
export const PARTITION_MONTHS_AHEAD = 3;
/** Checked daily: a month is created three months before it starts, so missed runs do no harm. */
const EVERY_MS = 24 * 3_600_000;

/** Creates the monthly partitions ahead now, then daily through the job queue (one run per period across instances). */
export async function scheduleAuditPartitions(queue: JobQueue, deps: { readonly db: Kysely<AuditDatabase>; readonly now: () => Date; readonly logger: Logger }): Promise<void> {
  const ensure = async (): Promise<void> => {
    const { created, skipped } = await ensureMonthlyPartitions(deps.db, deps.now(), PARTITION_MONTHS_AHEAD);
    if (created.length > 0) deps.logger.info({ created }, "audit partitions created");
    if (skipped.length > 0) deps.logger.warn({ skipped }, "audit partitions not created: their months already have rows in the default partition");
  };
  await ensure();
  queue.define({ name: AUDIT_PARTITIONS_JOB, attempts: 3, backoffMs: 60_000, run: ensure });
  await queue.every(AUDIT_PARTITIONS_JOB, EVERY_MS, {});
}
