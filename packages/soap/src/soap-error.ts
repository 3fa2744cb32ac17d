/**
 * Errors of the SOAP layer. Each carries a stable code and the SOAP 1.2 fault code it maps to
 * (SOAP 1.2 Part 1 §5.4.6: Sender = the message was wrong, Receiver = we failed to process a good one).
 */
export type SoapFaultCode = "VersionMismatch" | "MustUnderstand" | "DataEncodingUnknown" | "Sender" | "Receiver";

export type SoapErrorCode =
  | "SOAP_CONTENT_TYPE"
  | "SOAP_MALFORMED_XML"
  | "SOAP_XML_DOCTYPE"
  | "SOAP_NOT_ENVELOPE"
  | "SOAP_VERSION_MISMATCH"
  | "SOAP_MUST_UNDERSTAND"
  | "SOAP_ADDRESSING"
  | "SOAP_ACTION"
  | "SOAP_BODY"
  | "SOAP_HTTP_HEADER"
  | "MTOM_MALFORMED"
  | "MTOM_TRUNCATED"
  | "MTOM_NO_ROOT"
  | "MTOM_MISSING_PART"
  | "MTOM_LIMIT"
  | "MTOM_BAD_INCLUDE";

export class SoapError extends Error {
  override readonly name = "SoapError";
  readonly code: SoapErrorCode;
  readonly faultCode: SoapFaultCode;
  /** Optional SOAP 1.2 fault subcode as a QName text, e.g. "wsa:InvalidAddressingHeader". */
  readonly subcode: string | undefined;

  constructor(
    code: SoapErrorCode,
    message: string,
    options: { faultCode?: SoapFaultCode; subcode?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.faultCode = options.faultCode ?? "Sender";
    this.subcode = options.subcode;
  }
}
