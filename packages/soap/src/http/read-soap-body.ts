import { parseContentType } from "../mime/content-type.js";
import { resolveLimits, type MessageLimits } from "../mtom/limits.js";
import type { ByteSource, MultipartParserOptions } from "../mtom/multipart-parser.js";
import { readAll } from "../mtom/read-all.js";
import { readMtomMessage, type MtomAttachment } from "../mtom/read-mtom.js";
import { SoapError } from "../soap-error.js";

/** An HTTP request body holding a SOAP message, in either wire format. */
export interface SoapHttpBody {
  /** "mtom": multipart/related XOP package; "simple": the envelope alone (SOAP 1.2 Part 2 §7, or SOAP 1.1). */
  readonly format: "mtom" | "simple";
  /** The SOAP envelope bytes. */
  readonly root: Buffer;
  /** The `action` media type parameter (RFC 3902); wsa:Action in the envelope is authoritative over it. */
  readonly action?: string;
  readonly charset?: string;
  /** MTOM extension parts, streamed; always empty for simple SOAP. */
  readonly attachments: AsyncIterable<MtomAttachment>;
  /** Consumes and discards what is left of the body. */
  drain(): Promise<void>;
}

const SIMPLE_TYPES = new Set([
  "application/soap+xml", // SOAP 1.2 (RFC 3902)
  "text/xml", // SOAP 1.1; accepted leniently, the envelope namespace says which version it is
]);

/** Reads a SOAP HTTP request body according to its Content-Type. Anything but SOAP or MTOM is SOAP_CONTENT_TYPE. */
export async function readSoapHttpBody(
  source: ByteSource,
  contentTypeHeader: string | undefined,
  limits: Partial<MessageLimits> = {},
  options: MultipartParserOptions = {},
): Promise<SoapHttpBody> {
  if (contentTypeHeader === undefined || contentTypeHeader.trim() === "") {
    throw new SoapError("SOAP_CONTENT_TYPE", "the request has no Content-Type");
  }
  const contentType = parseContentType(contentTypeHeader);
  const resolved = resolveLimits(limits);

  if (SIMPLE_TYPES.has(contentType.mediaType)) {
    const root = await readAll(source, resolved.maxRootBytes, "SOAP message");
    const { action, charset } = contentType.params;
    return {
      format: "simple",
      root,
      ...(action !== undefined && { action }),
      ...(charset !== undefined && { charset }),
      attachments: NO_ATTACHMENTS,
      drain: () => Promise.resolve(),
    };
  }

  if (contentType.mediaType === "multipart/related") {
    // MTOM (SOAP 1.2 MTOM §3.2 / XOP 1.0 §4.1) says type="application/xop+xml"; some clients leave it out.
    const type = contentType.params["type"];
    if (type !== undefined && type.trim().toLowerCase() !== "application/xop+xml") {
      throw new SoapError("SOAP_CONTENT_TYPE", `multipart/related of type ${JSON.stringify(type)} is not MTOM/XOP`);
    }
    const message = await readMtomMessage(source, contentType, resolved, options);
    return {
      format: "mtom",
      root: message.root.bytes,
      ...(message.action !== undefined && { action: message.action }),
      ...(message.root.charset !== undefined && { charset: message.root.charset }),
      attachments: message.attachments,
      drain: () => message.drain(),
    };
  }

  throw new SoapError("SOAP_CONTENT_TYPE", `unsupported Content-Type ${JSON.stringify(contentType.mediaType)} for a SOAP request`);
}

const NO_ATTACHMENTS: AsyncIterable<MtomAttachment> = {
  [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ done: true, value: undefined }) }),
};
