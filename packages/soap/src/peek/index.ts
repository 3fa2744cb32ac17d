// Public API of the routing peek: wsa:Action from the first bytes of a SOAP or MTOM request.
export { DEFAULT_PEEK_PREFIX_BYTES, peekSoapMessage, type PeekOptions, type PeekedSoapMessage } from "./peek-soap-message.js";
export { scanSoapHeader, type HeaderScan, type PeekedAddressing } from "./soap-header.scanner.js";
