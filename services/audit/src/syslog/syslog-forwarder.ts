import { hostname } from "node:os";
import { AtnaError, IHE_AUDIT_MSGID, formatSyslogMessage, frameOctetCounted, toDicomAuditMessage, type AuditRecord } from "@opendsp/atna";
import { AppError, messageOf, type Logger } from "@opendsp/platform";
import type { Kysely } from "kysely";
import { readForwardCursor, saveForwardCursor } from "./forward-cursor.repository.js";
import type { SyslogTables } from "./received-audit-message.table.js";
import { forwardTargetOf, validateSyslogSettings, type SyslogSettings } from "./syslog-settings.js";
import { sendSyslogFramesConfirmed, type SyslogTlsTarget } from "./syslog-tls.sender.js";
import { readOptionalPemFile, readPemFile } from "./tls-material.js";

/** One stored audit record and its position in the store, an opaque string that orders the records. */
export interface ForwardableAuditRecord {
  readonly cursor: string;
  readonly record: AuditRecord;
}

/**
 * Reads the stored audit records after `afterCursor` (from the first when undefined), in store order, at most
 * `limit`. Provided by the audit service, which owns the audit_event table.
 */
export type FetchAuditBatch = (afterCursor: string | undefined, limit: number) => Promise<readonly ForwardableAuditRecord[]>;

export interface SyslogForwarderDeps {
  readonly db: Kysely<SyslogTables>;
  readonly logger: Logger;
  readonly fetchBatch: FetchAuditBatch;
  /** RFC 5424 HOSTNAME of the messages sent; the machine's name by default. */
  readonly hostname?: string;
}

export interface SyslogForwarder {
  /** Sends the next batch; resolves with the number of records sent (0: nothing new). Throws AUDIT_FORWARD_SEND. */
  runOnce(): Promise<number>;
  /** Polls every AUDIT_FORWARD_POLL_MS, sending whole batches while there are any, backing off after a failure. */
  start(): void;
  /** Stops polling; an attempt under way finishes first. */
  close(): Promise<void>;
}

/** The forward_cursor row of this forwarder. */
export const SYSLOG_FORWARD_CURSOR = "syslog-forward";
/** RFC 5424 APP-NAME of the messages sent. */
const APP_NAME = "opendsp-audit";
/** RFC 5424 section 6.2.1 severity 5 (notice), the custom for audit messages. */
const NOTICE = 5;
const BATCH_TIMEOUT_MS = 30_000;

/**
 * Forwards the stored audit records, as ITI-20 DICOM audit messages over syslog TLS, to an external audit
 * repository: in store order, at least once (a batch is sent again until the repository has read it), resuming from
 * forward_cursor after a restart or an outage.
 */
export function createSyslogForwarder(settings: SyslogSettings, deps: SyslogForwarderDeps): SyslogForwarder {
  validateSyslogSettings(settings);
  if (settings.AUDIT_FORWARD_URL === undefined) throw new AppError("AUDIT_SYSLOG_CONFIG", "AUDIT_FORWARD_URL is not set: there is nothing to forward to");
  const target: SyslogTlsTarget = {
    ...forwardTargetOf(settings.AUDIT_FORWARD_URL),
    cert: readPemFile("AUDIT_FORWARD_TLS_CERT_FILE", settings.AUDIT_FORWARD_TLS_CERT_FILE ?? ""),
    key: readPemFile("AUDIT_FORWARD_TLS_KEY_FILE", settings.AUDIT_FORWARD_TLS_KEY_FILE ?? ""),
    ca: readOptionalPemFile("AUDIT_FORWARD_TLS_CA_FILE", settings.AUDIT_FORWARD_TLS_CA_FILE),
    timeoutMs: BATCH_TIMEOUT_MS,
  };
  const logger = deps.logger.child({ component: "syslog-forwarder", target: `${target.host}:${target.port}` });
  const host = syslogHostname(deps.hostname ?? hostname());
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let closed = false;
  let failures = 0;

  const forwardBatch = async (): Promise<number> => {
    const after = await readForwardCursor(deps.db, SYSLOG_FORWARD_CURSOR);
    const batch = await deps.fetchBatch(after, settings.AUDIT_FORWARD_BATCH_SIZE);
    const last = batch.at(-1);
    if (last === undefined) return 0;
    const frames = batch.flatMap((item) => frameOf(item, host, logger));
    if (frames.length > 0) await sendSyslogFramesConfirmed(target, frames);
    await saveForwardCursor(deps.db, SYSLOG_FORWARD_CURSOR, last.cursor, frames.length, new Date());
    return batch.length;
  };

  const runOnce = (): Promise<number> => {
    running ??= forwardBatch().finally(() => {
      running = undefined;
    });
    return running;
  };

  const schedule = (ms: number): void => {
    if (closed) return;
    timer = setTimeout(() => void tick(), ms);
  };

  const tick = async (): Promise<void> => {
    try {
      const sent = await runOnce();
      if (failures > 0) logger.info({ afterFailures: failures }, "audit forwarding resumed");
      failures = 0;
      // A full batch means more may wait: go on at once.
      schedule(sent >= settings.AUDIT_FORWARD_BATCH_SIZE ? 0 : settings.AUDIT_FORWARD_POLL_MS);
    } catch (e) {
      failures += 1;
      const delay = Math.min(settings.AUDIT_FORWARD_POLL_MS * 2 ** Math.min(failures, 20), settings.AUDIT_FORWARD_MAX_BACKOFF_MS);
      logger.warn({ code: e instanceof AppError ? e.code : "AUDIT_FORWARD_FAILED", failures, retryInMs: delay, err: messageOf(e) }, "audit forwarding failed; retrying");
      schedule(delay);
    }
  };

  return {
    runOnce,
    start() {
      if (closed || timer !== undefined) return;
      schedule(0);
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}

function frameOf(item: ForwardableAuditRecord, host: string, logger: Logger): Buffer[] {
  try {
    const message = formatSyslogMessage({ severity: NOTICE, timestamp: new Date(), hostname: host, appName: APP_NAME, msgId: IHE_AUDIT_MSGID, message: toDicomAuditMessage(item.record) });
    return [frameOctetCounted(message)];
  } catch (e) {
    // A record that cannot be written would stop every later one: it is skipped, and said so.
    logger.error({ code: e instanceof AtnaError ? e.code : "AUDIT_FORWARD_FORMAT", eventId: item.record.eventId, cursor: item.cursor }, "audit record not forwarded: it cannot be written as a syslog message");
    return [];
  }
}

/** RFC 5424 section 6.2.4: HOSTNAME is 1..255 printable US-ASCII characters. */
function syslogHostname(name: string): string {
  const cleaned = name.replace(/[^\x21-\x7e]/g, "").slice(0, 255);
  return cleaned === "" ? "-" : cleaned;
}
