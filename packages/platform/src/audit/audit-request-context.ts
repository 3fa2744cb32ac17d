import type { AuditRecord } from "@opendsp/atna";
import { messageOf } from "../errors/app-error.js";
import { ACTOR_HEADER, parseActorHeader } from "../http/actor.header.js";
import { GRANT_HEADER, parseGrantHeader } from "../http/grant.header.js";

/** The parts of an audit record that come from the request rather than from what the service did with it. */
export type AuditRequestContext = Pick<AuditRecord, "requestor" | "grant" | "client" | "destination" | "messageId">;

export interface AuditRequestInput {
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** wsa:ReplyTo, wsa:MessageID and wsa:To of a SOAP request. */
  readonly replyTo?: string | undefined;
  readonly messageId?: string | undefined;
  readonly to?: string | undefined;
  /** The path the service answers on, for the destination endpoint when wsa:To is absent. */
  readonly path: string;
}

/** Longest identifier an audit record holds (AuditRecordSchema); longer values are cut so a record is never refused for them. */
const MAX_ID = 256;

/**
 * Who asked and from where, read from the headers the gateway sets (X-OpenDSP-Actor, X-OpenDSP-Grant,
 * X-Forwarded-*) and from WS-Addressing. A malformed actor or grant header is left out of the record and reported in
 * `headerErrors` (the caller logs it): the event is audited either way.
 */
export function auditRequestContextOf(input: AuditRequestInput): { context: AuditRequestContext; headerErrors: string[] } {
  const headerErrors: string[] = [];
  const context: { -readonly [K in keyof AuditRequestContext]: AuditRequestContext[K] } = {};
  try {
    const header = input.headers[ACTOR_HEADER];
    if (header !== undefined && header !== "") {
      const actor = parseActorHeader(header);
      context.requestor = {
        kind: actor.kind,
        id: actor.id,
        ...(actor.roles === undefined ? {} : { roles: actor.roles }),
        ...(actor.organizationId === undefined ? {} : { organizationId: actor.organizationId }),
        ...(actor.purposeOfUse === undefined ? {} : { purposeOfUse: actor.purposeOfUse }),
      };
    }
  } catch (e) {
    headerErrors.push(messageOf(e));
  }
  try {
    const grant = parseGrantHeader(input.headers[GRANT_HEADER]);
    if (grant) context.grant = grant;
  } catch (e) {
    headerErrors.push(messageOf(e));
  }
  const networkAddress = clientAddressOf(input.headers["x-forwarded-for"]);
  const replyTo = bounded(input.replyTo);
  if (replyTo !== undefined || networkAddress !== undefined) {
    context.client = { ...(replyTo === undefined ? {} : { id: replyTo }), ...(networkAddress === undefined ? {} : { networkAddress }) };
  }
  const host = bounded(first(input.headers["x-forwarded-host"]) ?? first(input.headers.host));
  const protocol = first(input.headers["x-forwarded-proto"]) === "https" ? "https" : "http";
  const endpoint = bounded(input.to) ?? (host === undefined ? undefined : bounded(`${protocol}://${host}${input.path}`));
  if (endpoint !== undefined) context.destination = { endpoint, ...(host === undefined ? {} : { networkAddress: host.replace(/:\d+$/, "") }) };
  const messageId = bounded(input.messageId);
  if (messageId !== undefined) context.messageId = messageId;
  return { context, headerErrors };
}

/** Patient ids as an audit record holds them: each at most 256 characters (a longer one is no CX id), at most 64. */
export function auditPatientIds(ids: readonly (string | undefined)[]): string[] {
  const kept = ids.filter((id): id is string => id !== undefined && id.length > 0 && id.length <= MAX_ID);
  return [...new Set(kept)].slice(0, 64);
}

/** The client as the gateway saw it: the last address of X-Forwarded-For (the one the gateway appended). */
function clientAddressOf(header: string | readonly string[] | undefined): string | undefined {
  const chain = typeof header === "string" ? header : header?.join(",");
  const last = chain?.split(",").map((part) => part.trim()).filter(Boolean).at(-1);
  return bounded(last);
}

function first(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === "string" ? value : value?.[0];
}

function bounded(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  return value.length > MAX_ID ? value.slice(0, MAX_ID) : value;
}
