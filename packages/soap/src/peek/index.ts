// Public API of the routing peek: wsa:Action from the first bytes of a SOAP or MTOM request.
export { DEFAULT_PEEK_PREFIX_BYTES, createSoapPeek, peekSoapMessage, type PeekOptions, type PeekedSoapMessage, type PeekScan, type SoapPeek } from "./peek-soap-message.js";
export { createEnvelopeBytesReader, type EnvelopeBytesReader } from "./envelope-bytes.reader.js";
export { scanSoapHeader, type HeaderScan, type PeekedAddressing } from "./soap-header.scanner.js";
