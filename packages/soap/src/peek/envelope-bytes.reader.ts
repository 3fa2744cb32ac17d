import { parseContentType } from "../mime/content-type.js";
import { SoapError } from "../soap-error.js";
import { locateMtomRoot } from "./mtom-root.locator.js";

/**
 * The SOAP envelope's bytes out of a request body as it arrives, for a reader of the envelope that must not wait for
 * the whole message (the gateway reads a submission's metadata, which comes before its documents): the body itself
 * for a plain SOAP message, the root part for MTOM (XOP 1.0 §4.1), without its MIME headers. Attachments are never
 * handed out; bytes read past the root part are ignored.
 */
export interface EnvelopeBytesReader {
  /** Takes the next chunk of the body and returns the envelope bytes it brought (possibly none). */
  push(chunk: Buffer): Buffer;
}

const EMPTY = Buffer.alloc(0);

/** Throws a SoapError for a Content-Type that is not plain SOAP or multipart/related with a boundary. */
export function createEnvelopeBytesReader(contentTypeHeader: string | undefined): EnvelopeBytesReader {
  const contentType = parseContentType(contentTypeHeader ?? "");
  if (contentType.mediaType !== "multipart/related") return { push: (chunk) => chunk };
  const boundary = contentType.params["boundary"];
  if (!boundary) throw new SoapError("MTOM_MALFORMED", "multipart/related without a boundary parameter");
  const start = contentType.params["start"];
  let buffered: Buffer = EMPTY;
  let handedOut = 0;
  let complete = false;
  return {
    push(chunk) {
      if (complete) return EMPTY;
      // The root part leads the package and is small beside the attachments: scanning it again per chunk is cheap.
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      const root = locateMtomRoot(buffered, boundary, start, false);
      if (root.kind === "more") return EMPTY;
      complete = root.complete;
      const fresh = root.content.subarray(handedOut);
      handedOut = root.content.length;
      return fresh;
    },
  };
}
