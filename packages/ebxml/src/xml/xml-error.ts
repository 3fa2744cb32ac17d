/**
 * Why a byte sequence is not an XML document we accept. The last three come from streaming reads that look for one
 * element: the input grew past the byte limit before it closed (XML_TOO_LARGE), ended before it closed
 * (XML_TRUNCATED), or is a well-formed start of a document that does not hold it where it must be (XML_UNEXPECTED_CONTENT).
 */
export type XmlErrorCode =
  | "XML_MALFORMED"
  | "XML_DOCTYPE"
  | "XML_TOO_DEEP"
  | "XML_ENCODING"
  | "XML_TOO_LARGE"
  | "XML_TRUNCATED"
  | "XML_UNEXPECTED_CONTENT";

export class XmlError extends Error {
  override readonly name = "XmlError";
  readonly code: XmlErrorCode;
  constructor(code: XmlErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
