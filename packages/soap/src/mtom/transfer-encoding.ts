import { pipeline, Transform, type Readable, type TransformCallback } from "node:stream";
import { SoapError } from "../soap-error.js";

/**
 * Content-Transfer-Encoding of a MIME part (RFC 2045 §6). MTOM parts are normally "binary" (XOP 1.0 §4.2, the
 * point of XOP is to avoid base64); the identity encodings pass through, base64 is decoded as it streams.
 * quoted-printable is never used by SOAP stacks for XOP parts and is refused.
 */
export function decodeTransferEncoding(body: Readable, encoding: string | undefined): Readable {
  const enc = (encoding ?? "").trim().toLowerCase();
  if (enc === "" || enc === "binary" || enc === "8bit" || enc === "7bit") return body;
  if (enc === "base64") {
    const decoder = new Base64Decoder();
    decoder.on("error", noop);
    // pipeline propagates errors both ways: a truncated part errors the decoder, a consumer that destroys the
    // decoder releases the part (the parser then skips the rest of it).
    pipeline(body, decoder, noop);
    return decoder;
  }
  throw new SoapError("MTOM_MALFORMED", `unsupported Content-Transfer-Encoding ${JSON.stringify(encoding)}`);
}

/** Streaming base64 decoder: line breaks and blanks are skipped (RFC 2045 §6.8), 4-character groups decoded. */
export class Base64Decoder extends Transform {
  private carry = "";

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const text = this.carry + chunk.toString("latin1").replace(/[\r\n\t ]+/g, "");
    if (/[^A-Za-z0-9+/=]/.test(text)) {
      callback(new SoapError("MTOM_MALFORMED", "invalid character in a base64 MIME part"));
      return;
    }
    const usable = text.length - (text.length % 4);
    this.carry = text.slice(usable);
    if (usable > 0) this.push(Buffer.from(text.slice(0, usable), "base64"));
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.carry.length === 1) {
      callback(new SoapError("MTOM_MALFORMED", "truncated base64 MIME part"));
      return;
    }
    // Unpadded endings (2 or 3 characters) are accepted: Buffer decodes them.
    if (this.carry.length > 0) this.push(Buffer.from(this.carry, "base64"));
    callback();
  }
}

function noop(): void {}
