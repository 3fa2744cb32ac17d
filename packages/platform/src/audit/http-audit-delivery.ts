import { AUDIT_DELIVERY, type AuditIntakeRefusal, type AuditIntakeRequest } from "@opendsp/atna";
import { messageOf } from "../errors/app-error.js";
import type { Logger } from "../logging/logger.js";
import type { AuditDelivery, InvalidAuditRecord } from "./audit-delivery.js";
import { AuditOutboxError } from "./audit-outbox-error.js";

export interface HttpAuditDeliveryOptions {
  /** The audit service's base URL (http:// or https://). */
  readonly auditUrl: string;
  readonly logger: Logger;
  /** How long one POST may take. Default 10 s. */
  readonly timeoutMs?: number;
}

/**
 * POSTs batches to the audit service's intake (AUDIT_DELIVERY.intakePath): 200 stored; 400 with `invalid` indexes
 * names the records to set aside; anything else, or no answer, means "send again later".
 */
export function createHttpAuditDelivery(options: HttpAuditDeliveryOptions): AuditDelivery {
  let intake: URL;
  try {
    intake = new URL(AUDIT_DELIVERY.intakePath, options.auditUrl.endsWith("/") ? options.auditUrl : `${options.auditUrl}/`);
  } catch (cause) {
    throw new AuditOutboxError("AUDIT_DELIVERY_CONFIG_INVALID", "the audit service URL is not a URL", { cause });
  }
  if (intake.protocol !== "http:" && intake.protocol !== "https:") {
    throw new AuditOutboxError("AUDIT_DELIVERY_CONFIG_INVALID", "the audit service URL must start with http:// or https://");
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    kind: "http",
    async deliver(records) {
      const body: AuditIntakeRequest = { records };
      let response: Response;
      try {
        response = await fetch(intake, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        return { outcome: "unavailable", reason: `the audit intake did not answer: ${messageOf(e)}` };
      }
      const text = await response.text().catch(() => "");
      if (response.status === 200) return { outcome: "delivered" };
      if (response.status === 400) {
        const invalid = invalidIndexesOf(text, records.length);
        if (invalid.length > 0) return { outcome: "invalid", invalid };
      }
      return { outcome: "unavailable", reason: `the audit intake answered ${response.status}` };
    },
    close: () => Promise.resolve(),
  };
}

/** The `invalid` list of a 400 answer, keeping only indexes of the batch sent. */
function invalidIndexesOf(text: string, size: number): InvalidAuditRecord[] {
  let refusal: Partial<AuditIntakeRefusal>;
  try {
    refusal = JSON.parse(text) as Partial<AuditIntakeRefusal>;
  } catch {
    return [];
  }
  if (!Array.isArray(refusal.invalid)) return [];
  const items: readonly Partial<InvalidAuditRecord>[] = refusal.invalid;
  return items
    .filter((item): item is InvalidAuditRecord => typeof item.index === "number" && Number.isInteger(item.index) && item.index >= 0 && item.index < size)
    .map((item) => ({ index: item.index, reason: typeof item.reason === "string" ? item.reason.slice(0, 1024) : "invalid" }));
}
