import type { Database } from "../db/database.js";
import type { Logger } from "../logging/logger.js";
import { createAuditRelay } from "./audit-relay.js";
import { createAuditDelivery } from "./create-audit-delivery.js";

export interface AuditOutboxRelaySettings {
  readonly redisUrl?: string | undefined;
  readonly auditUrl?: string | undefined;
  readonly queuePrefix?: string | undefined;
}

/** A service's relay, running or not: `notify` after a commit that wrote audit records, `close` at shutdown. */
export interface RunningAuditOutboxRelay {
  notify(): void;
  close(): Promise<void>;
}

/**
 * The delivery a service's settings name (Redis first, else the audit service's HTTP intake) and the relay that empties
 * the service's outbox (its database must hold the outbox table, createAuditOutboxTable) into it. With neither configured the records stay in the outbox until a delivery is (logged once
 * by createAuditDelivery), and notify does nothing.
 */
export async function startAuditOutboxRelay<DB>(
  database: Database<DB>,
  settings: AuditOutboxRelaySettings,
  logger: Logger,
): Promise<RunningAuditOutboxRelay> {
  const delivery = await createAuditDelivery({ redisUrl: settings.redisUrl, auditUrl: settings.auditUrl, queuePrefix: settings.queuePrefix, logger });
  if (delivery === undefined) return { notify: () => undefined, close: () => Promise.resolve() };
  const relay = createAuditRelay({ db: database.db, databaseKind: database.kind, delivery, logger });
  return {
    notify: () => relay.notify(),
    async close() {
      await relay.close();
      await delivery.close();
    },
  };
}
