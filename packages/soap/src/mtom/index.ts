// Public API of the MIME, MTOM/XOP and HTTP-body layer of @opendsp/soap.
export { parseContentType, formatContentType } from "../mime/content-type.js";
export type { ContentType, FormatContentTypeOptions } from "../mime/content-type.js";
export { normalizeContentId, contentIdFromHref, contentIdKey, contentIdsEqual } from "./content-id.js";
export { DEFAULT_MESSAGE_LIMITS, resolveLimits } from "./limits.js";
export type { MessageLimits } from "./limits.js";
export { parseMultipart, createParserStats } from "./multipart-parser.js";
export type { ByteSource, MultipartPart, MultipartParserOptions, MultipartParserStats } from "./multipart-parser.js";
export { readMtomMessage } from "./read-mtom.js";
export type { MtomAttachment, MtomMessage, MtomRoot } from "./read-mtom.js";
export { buildMtomMessage, newContentId, xopHref } from "./write-mtom.js";
export type { BuildMtomOptions, BuiltMtomMessage, MtomAttachmentSource } from "./write-mtom.js";
export { readSoapHttpBody } from "../http/read-soap-body.js";
export type { SoapHttpBody } from "../http/read-soap-body.js";
