/** Why a byte sequence is not an XML document we accept. */
export type XmlErrorCode = "XML_MALFORMED" | "XML_DOCTYPE" | "XML_TOO_DEEP" | "XML_ENCODING";

export class XmlError extends Error {
  override readonly name = "XmlError";
  readonly code: XmlErrorCode;
  constructor(code: XmlErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
