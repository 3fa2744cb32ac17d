import { messageOf, type Logger } from "@opendsp/platform";
import type { Kysely } from "kysely";
import { insertReceivedAuditMessages } from "./received-audit-message.repository.js";
import type { ReceivedAuditMessageRow } from "./received-message.decoder.js";
import type { SyslogTables } from "./received-audit-message.table.js";

/** Rows stored by one INSERT. */
const BATCH_ROWS = 200;
const FIRST_RETRY_MS = 200;
const MAX_RETRY_MS = 10_000;

/**
 * Stores received messages in batches, in arrival order. A database outage holds the rows and retries with backoff;
 * `pending` and `whenBelow` let the receivers push back (pause TLS sockets, drop counted UDP datagrams).
 */
export interface ReceivedMessageWriter {
  add(row: ReceivedAuditMessageRow): void;
  /** Rows not yet stored. */
  readonly pending: number;
  /** Resolves once fewer than `limit` rows wait (at once if so already). */
  whenBelow(limit: number): Promise<void>;
  /** Resolves once every row added so far is stored. */
  flush(): Promise<void>;
  /** Stops retrying after one last attempt; rows that still could not be stored are logged by count. */
  close(): Promise<void>;
}

export function createReceivedMessageWriter(db: Kysely<SyslogTables>, logger: Logger): ReceivedMessageWriter {
  const queue: ReceivedAuditMessageRow[] = [];
  const waiters: { limit: number; resolve: () => void }[] = [];
  let running: Promise<void> | undefined;
  let closing = false;
  let retryTimer: { timer: NodeJS.Timeout; wake: () => void } | undefined;

  const notify = (): void => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i];
      if (w !== undefined && queue.length < w.limit) {
        waiters.splice(i, 1);
        w.resolve();
      }
    }
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        retryTimer = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      retryTimer = { timer, wake };
    });

  const drain = async (): Promise<void> => {
    let delay = FIRST_RETRY_MS;
    while (queue.length > 0) {
      const batch = queue.slice(0, BATCH_ROWS);
      try {
        await insertReceivedAuditMessages(db, batch);
        queue.splice(0, batch.length);
        delay = FIRST_RETRY_MS;
        notify();
      } catch (e) {
        if (closing) {
          logger.error({ code: "AUDIT_SYSLOG_STORE_FAILED", lost: queue.length, err: messageOf(e) }, "received audit messages could not be stored before shutdown");
          queue.length = 0;
          notify();
          return;
        }
        logger.warn({ code: "AUDIT_SYSLOG_STORE_RETRY", pending: queue.length, retryInMs: delay, err: messageOf(e) }, "received audit messages not stored yet; retrying");
        await sleep(delay);
        delay = Math.min(delay * 2, MAX_RETRY_MS);
      }
    }
  };

  const kick = (): Promise<void> => {
    running ??= drain().finally(() => {
      running = undefined;
      if (queue.length > 0) void kick();
    });
    return running;
  };

  return {
    add(row) {
      queue.push(row);
      void kick();
    },
    get pending() {
      return queue.length;
    },
    whenBelow(limit) {
      if (queue.length < limit) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ limit, resolve }));
    },
    async flush() {
      while (running) await running;
    },
    async close() {
      closing = true;
      retryTimer?.wake();
      while (running) await running;
      notify();
    },
  };
}
