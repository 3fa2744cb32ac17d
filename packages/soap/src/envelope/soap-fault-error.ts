import type { XmlElement } from "@opendsp/ebxml";
import { SoapError, type SoapErrorCode, type SoapFaultCode } from "../soap-error.js";
import type { QName } from "./soap-names.js";

export interface SoapFaultErrorOptions {
  readonly faultCode?: SoapFaultCode;
  /** First-level subcode, e.g. "wsa:InvalidAddressingHeader". */
  readonly subcode?: string;
  /** Deeper subcodes below `subcode`, e.g. ["wsa:InvalidCardinality"] (WS-Addressing 1.0 SOAP Binding §6.4.1). */
  readonly subsubcodes?: readonly string[];
  /** Header blocks to list with env:NotUnderstood in a MustUnderstand fault (SOAP 1.2 Part 1 §5.4.8). */
  readonly notUnderstood?: readonly QName[];
  /** Detail entries for env:Detail, e.g. wsa:ProblemHeaderQName (WS-Addressing 1.0 SOAP Binding §6.4). */
  readonly detail?: readonly XmlElement[];
  /** wsa:MessageID of the faulty request, so the fault can carry wsa:RelatesTo (WS-Addressing 1.0 Core §3.4). */
  readonly requestMessageId?: string;
  readonly cause?: unknown;
}

/**
 * A SoapError that carries what a precise SOAP fault needs beyond a code and one subcode: the header blocks that
 * were not understood, deeper subcodes, detail entries and the request's MessageID. Still a SoapError, so code
 * that only knows SoapError keeps working.
 */
export class SoapFaultError extends SoapError {
  readonly subsubcodes: readonly string[];
  readonly notUnderstood: readonly QName[];
  readonly detail: readonly XmlElement[];
  readonly requestMessageId: string | undefined;

  constructor(code: SoapErrorCode, message: string, options: SoapFaultErrorOptions = {}) {
    super(code, message, {
      ...(options.faultCode === undefined ? {} : { faultCode: options.faultCode }),
      ...(options.subcode === undefined ? {} : { subcode: options.subcode }),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.subsubcodes = options.subsubcodes ?? [];
    this.notUnderstood = options.notUnderstood ?? [];
    this.detail = options.detail ?? [];
    this.requestMessageId = options.requestMessageId;
  }
}
