import { appendAuditRecord, messageOf, type Logger } from "@opendsp/platform";
import { randomBytes } from "node:crypto";
import { failureOf, registryAuditor } from "../audit/registry-audit-record.js";
import type { RegistryDeps } from "../registry-deps.js";
import { parseAdtMessage, type Hl7Header } from "./adt-message.parser.js";
import { HL7_ERROR, feedError, type AckCode, type FeedError } from "./feed-result.types.js";
import { buildAck } from "./hl7-ack.builder.js";
import { decodeHl7, encodeHl7, type Hl7Charset } from "./hl7-charset.js";
import { toFeedCommand, type FeedCommand } from "./iti-8-feed.command.js";
import { mergePatients, recordPatientIdentity, type AuditContext, type MergeResult } from "./patient-identity.service.js";

/** Who sent the message, as the socket saw it. */
export interface FeedPeer {
  readonly remoteAddress?: string | undefined;
}

/**
 * ITI-8 Patient Identity Feed, the Document Registry side (ITI TF-2a 3.8.4): one HL7 v2 message in, its ACK out
 * (MLLP framing is the listener's). Never throws: a failure of the database is an AE the sender retries.
 * Logs the control id, trigger and outcome only, never the identifiers.
 */
export async function handlePatientFeedMessage(deps: RegistryDeps, payload: Buffer, peer: FeedPeer, log: Logger): Promise<Buffer> {
  try {
    return await handleMessage(deps, payload, peer, log);
  } finally {
    deps.auditWritten();
  }
}

async function handleMessage(deps: RegistryDeps, payload: Buffer, peer: FeedPeer, log: Logger): Promise<Buffer> {
  const { text, charset } = decodeHl7(payload);
  const parsed = parseAdtMessage(text);
  if (!parsed.ok) {
    // AR: not understood as a transaction, nothing to audit. AE (a PID or MRG missing): a refused feed, audited.
    if (parsed.header && parsed.error.ackCode === "AE") await auditRefusal(deps, parsed.header, parsed.error, peer, log);
    return answer(parsed.header, parsed.error, charset, log);
  }
  const { header } = parsed.message;
  const command = toFeedCommand(parsed.message, deps.codes);
  if (!command.ok) {
    await auditRefusal(deps, header, command.error, peer, log);
    return answer(header, command.error, charset, log);
  }
  try {
    // Refusals found while applying are audited in the transaction that found them.
    const error = await apply(deps, header, command.command, peer);
    return answer(header, error, charset, log, error ? undefined : command.command);
  } catch (err) {
    // The database (or the audit outbox) failed: nothing was applied, the sender may send the message again.
    log.error({ controlId: header.controlId, trigger: header.triggerEvent, errorName: err instanceof Error ? err.name : "unknown", error: messageOf(err) }, "ITI-8 message could not be applied");
    const internal = feedError("AE", HL7_ERROR.applicationInternalError, "The registry could not store the change; nothing was applied, send the message again later");
    return answer(header, internal, charset, log);
  }
}

/** The AR to a frame larger than the listener accepts; its first bytes give MSH-10 when they hold the MSH. */
export function rejectOversizedMessage(head: Buffer, maxBytes: number, log: Logger): Buffer {
  const { text, charset } = decodeHl7(head);
  const parsed = parseAdtMessage(text);
  const header = parsed.ok ? parsed.message.header : parsed.header;
  const error = feedError("AR", HL7_ERROR.applicationInternalError, `The message is larger than ${maxBytes} bytes`);
  log.warn({ controlId: header?.controlId, ackCode: "AR", maxBytes }, "ITI-8 message too large");
  return reply(header, error, charset);
}

/** Applies the command; returns the reason when the registry refuses it (AE), undefined when applied (AA). */
async function apply(deps: RegistryDeps, header: Hl7Header, command: FeedCommand, peer: FeedPeer): Promise<FeedError | undefined> {
  if (command.kind === "identity") {
    const result = await recordPatientIdentity(deps.db, command.patientId, { reactivateMerged: false, audit: auditContext(deps, header, peer) });
    if (result.ok) return undefined;
    return feedError("AE", HL7_ERROR.applicationInternalError, "The patient id was merged into another id; feed the surviving id", { segment: "PID", sequence: 1, field: 3 });
  }
  const result = await mergePatients(deps.db, command.merges, auditContext(deps, header, peer));
  return result.ok ? undefined : mergeError(result, command.merges.indexOf(result.merge) + 1);
}

function mergeError(failure: Extract<MergeResult, { ok: false }>, sequence: number): FeedError {
  switch (failure.reason) {
    case "same-id":
      return feedError("AE", HL7_ERROR.applicationInternalError, "PID-3 and MRG-1 hold the same id: nothing to merge", { segment: "MRG", sequence, field: 1 });
    case "unknown-subsumed":
      return feedError("AE", HL7_ERROR.unknownKeyIdentifier, "The MRG-1 id is not known to the registry", { segment: "MRG", sequence, field: 1 });
    case "subsumed-merged-elsewhere":
      return feedError("AE", HL7_ERROR.applicationInternalError, "The MRG-1 id was already merged into another id", { segment: "MRG", sequence, field: 1 });
    case "surviving-merged":
      return feedError("AE", HL7_ERROR.applicationInternalError, "The PID-3 id was itself merged into another id; merge into that one", { segment: "PID", sequence, field: 3 });
  }
}

/**
 * ITI TF-2a 3.8.5.1: the source is MSH-3|MSH-4 at its network address, the destination MSH-5|MSH-6, the message id
 * MSH-10; EventActionCode C for A01/A04/A05, U for A08/A40.
 */
function auditContext(deps: RegistryDeps, header: Hl7Header, peer: FeedPeer): AuditContext {
  const bounded = (value: string): string | undefined => (value.length > 0 && value.length <= 256 ? value : undefined);
  const source = bounded(`${header.sendingApplication}|${header.sendingFacility}`);
  const destination = bounded(`${header.receivingApplication}|${header.receivingFacility}`);
  const address = peer.remoteAddress === undefined ? undefined : bounded(peer.remoteAddress);
  const messageId = bounded(header.controlId);
  const auditor = registryAuditor(deps.config, {
    client: { ...(source === undefined ? {} : { id: source }), ...(address === undefined ? {} : { networkAddress: address }) },
    ...(destination === undefined ? {} : { destination: { endpoint: destination } }),
    ...(messageId === undefined ? {} : { messageId }),
  });
  return { auditor, feedAction: ["A01", "A04", "A05"].includes(header.triggerEvent) ? "create" : "update" };
}

/** Logs the outcome (control id, trigger, codes: no identifiers) and builds the ACK. */
function answer(header: Hl7Header | undefined, error: FeedError | undefined, charset: Hl7Charset, log: Logger, applied?: FeedCommand): Buffer {
  const ackCode: AckCode = error?.ackCode ?? "AA";
  log.info(
    {
      controlId: header?.controlId,
      trigger: header?.triggerEvent,
      ackCode,
      ...(error ? { errorCode: error.condition.code, reason: error.text } : {}),
      ...(applied?.kind === "merge" ? { merges: applied.merges.length } : {}),
    },
    "ITI-8 message",
  );
  return reply(header, error, charset);
}

async function auditRefusal(deps: RegistryDeps, header: Hl7Header, error: FeedError, peer: FeedPeer, log: Logger): Promise<void> {
  const context = auditContext(deps, header, peer);
  try {
    await appendAuditRecord(
      deps.db,
      context.auditor.record({
        transaction: "ITI-8",
        outcome: "serious-failure",
        patientIds: [],
        ...(context.feedAction === undefined ? {} : { feedAction: context.feedAction }),
        failure: failureOf([`HL7_${error.condition.code}`]),
      }),
    );
  } catch (err) {
    log.error({ controlId: header.controlId, error: messageOf(err) }, "ITI-8: the audit row of a refused message could not be written");
  }
}

function reply(header: Hl7Header | undefined, error: FeedError | undefined, charset: Hl7Charset): Buffer {
  const ack = buildAck({ header, ackCode: error?.ackCode ?? "AA", error, now: new Date(), controlId: randomBytes(8).toString("hex") });
  return encodeHl7(ack, charset);
}
