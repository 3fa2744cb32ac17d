import { DEFAULT_DELIMITERS, type Hl7Delimiters, type Hl7Header } from "./adt-message.parser.js";
import type { AckCode, FeedError } from "./feed-result.types.js";

/** MSH-3 of our ACKs when the request named no receiving application. */
export const REGISTRY_APPLICATION = "OPENDSP_XDS_REGISTRY";

/** ITI-8 is HL7 v2.3.1 (ITI TF-2a 3.8.4.1.2): the version of an ACK to a message whose MSH could not be read. */
const DEFAULT_VERSION = "2.3.1";

export interface AckInput {
  /** The request's MSH, when it could be read; undefined for garbage. */
  readonly header: Hl7Header | undefined;
  readonly ackCode: AckCode;
  readonly error?: FeedError | undefined;
  /** MSH-7 of the ACK. */
  readonly now: Date;
  /** MSH-10 of the ACK, unique per message sent (HL7 v2.3.1 ch. 2.24.1.10). */
  readonly controlId: string;
}

/**
 * The general acknowledgment (HL7 v2.3.1 ch. 2.13.1, ITI TF-2a 3.8.4.2): MSH addressed back to the sender (our
 * MSH-3/4 are its MSH-5/6 and the reverse), MSH-9 `ACK^<trigger>^ACK`, its processing id and version echoed, MSA-1
 * the acknowledgment code and MSA-2 its MSH-10; on AE/AR, MSA-3 says why and an ERR segment gives the HL7 table 0357
 * code and location, in the v2.3.1 layout (ERR-1 CM: segment^sequence^field^code&text&HL70357) or the v2.5 one
 * (ERR-2 location, ERR-3 code, ERR-4 severity, ERR-8 user message). Written with the request's delimiters.
 * Returns the segments joined by CR, without MLLP framing.
 */
export function buildAck(input: AckInput): string {
  const h = input.header;
  const d = h?.delimiters ?? DEFAULT_DELIMITERS;
  const version = h && h.version !== "" ? h.version : DEFAULT_VERSION;
  const messageType = h && h.triggerEvent !== "" ? [`ACK`, escapeHl7(h.triggerEvent, d), "ACK"].join(d.component) : "ACK";
  const msh = [
    "MSH",
    `${d.component}${d.repetition}${d.escape}${d.subcomponent}`,
    h?.receivingApplication || REGISTRY_APPLICATION,
    h?.receivingFacility ?? "",
    h?.sendingApplication ?? "",
    h?.sendingFacility ?? "",
    hl7Timestamp(input.now),
    "",
    messageType,
    escapeHl7(input.controlId, d),
    h && h.processingId !== "" ? h.processingId : "P",
    version,
  ];
  const msa = ["MSA", input.ackCode, h?.controlId ?? ""];
  if (input.error) msa.push(escapeHl7(input.error.text, d));
  const segments = [msh.join(d.field), msa.join(d.field)];
  if (input.error) segments.push(errSegment(input.error, version, d));
  return segments.join("\r");
}

function errSegment(error: FeedError, version: string, d: Hl7Delimiters): string {
  const { code, text } = error.condition;
  const loc = error.location;
  if (version === "2.3.1" || version === "2.4") {
    // v2.3.1 ch. 2.24.2.1 ERR-1 error code and location (CM): segment ID ^ sequence ^ field position ^ code (CE).
    const ce = [code, escapeHl7(text, d), "HL70357"].join(d.subcomponent);
    const eld = [loc?.segment ?? "", loc ? String(loc.sequence) : "", loc ? String(loc.field) : "", ce].join(d.component);
    return ["ERR", eld].join(d.field);
  }
  // v2.5 ch. 2.15.5: ERR-2 error location (ERL), ERR-3 HL7 error code (CWE, required), ERR-4 severity, ERR-8 user message.
  const erl = loc ? [loc.segment, String(loc.sequence), String(loc.field), loc.component === undefined ? "" : "1", loc.component === undefined ? "" : String(loc.component)] : [];
  const cwe = [code, escapeHl7(text, d), "HL70357"].join(d.component);
  return ["ERR", "", trimTrailing(erl).join(d.component), cwe, "E", "", "", "", escapeHl7(error.text, d)].join(d.field);
}

function trimTrailing(values: string[]): string[] {
  let end = values.length;
  while (end > 0 && values[end - 1] === "") end -= 1;
  return values.slice(0, end);
}

/** HL7 v2.3.1 ch. 2.10: delimiters inside a value are written as escape sequences; line breaks are dropped. */
export function escapeHl7(value: string, d: Hl7Delimiters): string {
  let out = "";
  for (const ch of value.replace(/[\r\n]+/g, " ")) {
    if (ch === d.escape) out += `${d.escape}E${d.escape}`;
    else if (ch === d.field) out += `${d.escape}F${d.escape}`;
    else if (ch === d.component) out += `${d.escape}S${d.escape}`;
    else if (ch === d.subcomponent) out += `${d.escape}T${d.escape}`;
    else if (ch === d.repetition) out += `${d.escape}R${d.escape}`;
    else out += ch;
  }
  return out;
}

/** TS / DTM to the second with the UTC offset: YYYYMMDDHHMMSS+0000. */
export function hl7Timestamp(date: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, "0");
  return `${p(date.getUTCFullYear(), 4)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}+0000`;
}
