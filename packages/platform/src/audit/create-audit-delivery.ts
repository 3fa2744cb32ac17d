import type { Logger } from "../logging/logger.js";
import type { AuditDelivery } from "./audit-delivery.js";
import { createHttpAuditDelivery } from "./http-audit-delivery.js";
import { createQueueAuditDelivery } from "./queue-audit-delivery.js";

export interface AuditDeliveryConfig {
  readonly redisUrl?: string | undefined;
  readonly auditUrl?: string | undefined;
  readonly queuePrefix?: string | undefined;
  readonly logger: Logger;
}

/**
 * The delivery a service's configuration gives: the audit queue on Redis when REDIS_URL is set, else the audit
 * service's HTTP intake when AUDIT_URL is set, else none (records then wait in the outbox, which is said once here).
 */
export async function createAuditDelivery(config: AuditDeliveryConfig): Promise<AuditDelivery | undefined> {
  if (config.redisUrl) {
    const delivery = await createQueueAuditDelivery({ redisUrl: config.redisUrl, queuePrefix: config.queuePrefix, logger: config.logger });
    config.logger.info({ auditDelivery: "queue" }, "audit records are delivered through the audit queue on Redis");
    return delivery;
  }
  if (config.auditUrl) {
    const delivery = createHttpAuditDelivery({ auditUrl: config.auditUrl, logger: config.logger });
    config.logger.info({ auditDelivery: "http" }, "audit records are delivered to the audit service's intake");
    return delivery;
  }
  config.logger.warn(
    { auditDelivery: "none" },
    "neither REDIS_URL nor AUDIT_URL is set: audit records stay in the outbox until a delivery is configured",
  );
  return undefined;
}
