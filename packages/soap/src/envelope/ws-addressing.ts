import { randomUUID } from "node:crypto";
import { NS, element, firstChild, textContent, type XmlElement } from "@opendsp/ebxml";
import { SoapFaultError } from "./soap-fault-error.js";
import { mustUnderstandAttribute, qnameElement, type QName } from "./soap-names.js";

/** WS-Addressing 1.0 Core §2.1: the reply goes back on the transport's back-channel (the HTTP response). */
export const WSA_ANONYMOUS = "http://www.w3.org/2005/08/addressing/anonymous";
/** WS-Addressing 1.0 Core §2.1: messages sent to this address are discarded. */
export const WSA_NONE = "http://www.w3.org/2005/08/addressing/none";

/** The message addressing properties of one message (WS-Addressing 1.0 Core §3.1), as read from its headers. */
export interface WsAddressing {
  readonly action?: string;
  readonly messageId?: string;
  readonly to?: string;
  /** wsa:Address of the wsa:ReplyTo EPR. */
  readonly replyTo?: string;
  /** wsa:Address of the wsa:FaultTo EPR. */
  readonly faultTo?: string;
  /** wsa:Address of the wsa:From EPR. */
  readonly from?: string;
  readonly relatesTo?: readonly string[];
  /** Headers that break WS-Addressing 1.0 Core §3.2 (repeated, or an EPR without wsa:Address); see requireAddressing. */
  readonly problems?: readonly AddressingProblem[];
}

export interface AddressingProblem {
  /** Local name of the wsa header, e.g. "MessageID". */
  readonly header: string;
  /** WS-Addressing 1.0 SOAP Binding §6.4.1 subsubcode. */
  readonly subsubcode: "wsa:InvalidCardinality" | "wsa:MissingAddressInEPR";
}

/** Headers that may appear at most once (WS-Addressing 1.0 Core §3.2: [destination], [action], ... are 0..1 or 1..1). */
const SINGLE_VALUED = new Set(["Action", "MessageID", "To", "ReplyTo", "FaultTo", "From"]);
const EPR_HEADERS = new Set(["ReplyTo", "FaultTo", "From"]);

/** The wsa header blocks this layer processes; they count as understood for mustUnderstand (SOAP 1.2 Part 1 §5.2.3). */
export function isProcessedAddressingHeader(name: QName): boolean {
  return name.ns === NS.wsa && (SINGLE_VALUED.has(name.local) || name.local === "RelatesTo");
}

type MutableAddressing = { -readonly [K in keyof WsAddressing]: WsAddressing[K] };

/** Reads the WS-Addressing 1.0 headers among `headers` (other header blocks are skipped). Values are trimmed. */
export function readAddressing(headers: readonly XmlElement[]): WsAddressing {
  const out: MutableAddressing = {};
  const seen = new Set<string>();
  const problems: AddressingProblem[] = [];
  const relatesTo: string[] = [];
  const problem = (header: string, subsubcode: AddressingProblem["subsubcode"]): void => {
    if (!problems.some((p) => p.header === header && p.subsubcode === subsubcode)) problems.push({ header, subsubcode });
  };

  for (const h of headers) {
    if (h.ns !== NS.wsa) continue;
    if (SINGLE_VALUED.has(h.local)) {
      // The first occurrence wins for reading; the repetition itself is reported (InvalidCardinality).
      if (seen.has(h.local)) {
        problem(h.local, "wsa:InvalidCardinality");
        continue;
      }
      seen.add(h.local);
    }
    if (EPR_HEADERS.has(h.local)) {
      const address = firstChild(h, NS.wsa, "Address");
      if (!address) {
        problem(h.local, "wsa:MissingAddressInEPR");
        continue;
      }
      const value = textContent(address).trim();
      if (h.local === "ReplyTo") out.replyTo = value;
      else if (h.local === "FaultTo") out.faultTo = value;
      else out.from = value;
      continue;
    }
    const value = textContent(h).trim();
    switch (h.local) {
      case "Action":
        out.action = value;
        break;
      case "MessageID":
        out.messageId = value;
        break;
      case "To":
        out.to = value;
        break;
      case "RelatesTo":
        relatesTo.push(value);
        break;
      default:
        break;
    }
  }
  if (relatesTo.length > 0) out.relatesTo = relatesTo;
  if (problems.length > 0) out.problems = problems;
  return out;
}

export interface RequireAddressingOptions {
  /** Actions this endpoint serves; any other is wsa:ActionNotSupported. Omitted: any action is accepted. */
  readonly expectedActions?: readonly string[];
  /** Also require wsa:MessageID (WS-Addressing 1.0 Core §3.2 asks for it when a reply is expected). Default false:
   *  real XDS peers (NIST toolkit samples) omit it. */
  readonly requireMessageId?: boolean;
}

/**
 * Enforces the addressing rules IPF applies to every XDS service and returns the action.
 * ReplyTo/FaultTo other than anonymous are accepted, but XDS.b is synchronous: the reply always goes on the HTTP
 * response (ITI TF-2x Appendix V).
 */
export function requireAddressing(a: WsAddressing, options: RequireAddressingOptions = {}): string {
  const requestMessageId = a.messageId;
  const related = requestMessageId === undefined ? {} : { requestMessageId };

  const first = a.problems?.[0];
  if (first) {
    // WS-Addressing 1.0 SOAP Binding §6.4.1 Invalid Addressing Header.
    const why = first.subsubcode === "wsa:InvalidCardinality" ? "appears more than once" : "has no wsa:Address";
    throw new SoapFaultError("SOAP_ADDRESSING", `A header representing a Message Addressing Property is not valid: wsa:${first.header} ${why}`, {
      subcode: "wsa:InvalidAddressingHeader",
      subsubcodes: [first.subsubcode],
      detail: [problemHeaderQName(first.header)],
      ...related,
    });
  }

  if (!a.action) throw headerRequired("Action", requestMessageId);
  if (options.requireMessageId && !a.messageId) throw headerRequired("MessageID", requestMessageId);

  if (options.expectedActions && !options.expectedActions.includes(a.action)) {
    // WS-Addressing 1.0 SOAP Binding §6.4.4 Action Not Supported.
    throw new SoapFaultError("SOAP_ACTION", `The action "${a.action}" cannot be processed at the receiver`, {
      subcode: "wsa:ActionNotSupported",
      detail: [element(NS.wsa, "ProblemAction", {}, [element(NS.wsa, "Action", {}, [a.action])])],
      ...related,
    });
  }
  return a.action;
}

/** A fresh message id, as every peer writes it: urn:uuid:<uuid> (WS-Addressing 1.0 Core §3.2 requires an IRI). */
export function newMessageId(): string {
  return `urn:uuid:${randomUUID()}`;
}

export interface ResponseAddressingOptions {
  readonly action: string;
  /** The request's wsa:MessageID; omitted when the request had none. */
  readonly relatesTo?: string | undefined;
  readonly messageId?: string;
}

/**
 * Header blocks of a reply (WS-Addressing 1.0 Core §3.4): wsa:Action (mustUnderstand, as IPF/CXF send it),
 * a fresh wsa:MessageID, and wsa:RelatesTo pointing at the request. wsa:To is left out: anonymous is the default.
 */
export function responseAddressingHeaders(options: ResponseAddressingOptions): XmlElement[] {
  const action: XmlElement = { ...element(NS.wsa, "Action", {}, [options.action]), attrs: [mustUnderstandAttribute()] };
  const headers = [action, element(NS.wsa, "MessageID", {}, [options.messageId ?? newMessageId()])];
  if (options.relatesTo) headers.push(element(NS.wsa, "RelatesTo", {}, [options.relatesTo]));
  return headers;
}

/** WS-Addressing 1.0 SOAP Binding §6.4.2 Message Addressing Header Required. */
function headerRequired(header: string, requestMessageId: string | undefined): SoapFaultError {
  return new SoapFaultError("SOAP_ADDRESSING", `A required header representing a Message Addressing Property is not present: wsa:${header}`, {
    subcode: "wsa:MessageAddressingHeaderRequired",
    detail: [problemHeaderQName(header)],
    ...(requestMessageId === undefined ? {} : { requestMessageId }),
  });
}

/** [Detail] of §6.4.1 / §6.4.2: the QName of the offending header. */
function problemHeaderQName(local: string): XmlElement {
  return qnameElement(NS.wsa, "ProblemHeaderQName", { ns: NS.wsa, local }, "wsa");
}
