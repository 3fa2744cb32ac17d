import type { AuditRecord } from "@opendsp/atna";

/**
 * Where the gateway hands the audit records of what it refused (ATNA, ITI TF-2a 3.20: a Secure Node records
 * security-relevant events). The integrator connects it to the audit delivery; record() must not throw nor block
 * the request it audits.
 */
export interface GatewayAuditTrail {
  record(record: AuditRecord): void;
}

/** For tests and benches that do not look at audit records. */
export const DISCARDING_AUDIT_TRAIL: GatewayAuditTrail = { record: () => undefined };
