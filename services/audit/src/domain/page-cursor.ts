import { AuditError } from "./audit-error.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface PageCursor {
  readonly occurredAt: Date;
  readonly eventId: string;
}

/** The opaque cursor of the page after this event: base64url of "epoch-ms|eventId". */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(`${cursor.occurredAt.getTime()}|${cursor.eventId}`, "utf8").toString("base64url");
}

export function decodeCursor(text: string): PageCursor {
  const [ms, eventId, extra] = Buffer.from(text, "base64url").toString("utf8").split("|");
  const time = Number(ms);
  if (extra !== undefined || eventId === undefined || !UUID.test(eventId) || !Number.isSafeInteger(time)) {
    throw new AuditError("AUDIT_INVALID_CURSOR", "cursor is not one this service issued");
  }
  return { occurredAt: new Date(time), eventId };
}
