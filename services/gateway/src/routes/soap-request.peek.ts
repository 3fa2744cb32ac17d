import { SoapError, createSoapPeek, type PeekScan, type PeekedSoapMessage, type SoapPeek } from "@opendsp/soap";
import type { IncomingMessage } from "node:http";

/**
 * Reads a SOAP request being received until its WS-Addressing headers are known (packages/soap createSoapPeek), from
 * the request's own 'data' events, then pauses it: the same answer as peekSoapMessage, without an async iterator and
 * a promise per chunk on every request. The body handed back is the bytes read, then the rest of the request as it
 * arrives; a message read to its end (or to its declared Content-Length) also comes back whole.
 */
export function peekSoapRequest(req: IncomingMessage, contentType: string | undefined, options: { maxPrefixBytes: number; contentLength?: number }): Promise<PeekedSoapMessage> {
  return new Promise((resolve) => {
    let peek: SoapPeek;
    try {
      peek = createSoapPeek(contentType, options.maxPrefixBytes);
    } catch (err) {
      resolve({ ok: false, error: asSoapError(err), body: req });
      return;
    }
    let ended = false;
    const settle = (peeked: PeekedSoapMessage): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.pause();
      resolve(peeked);
    };
    const rest = (): AsyncIterable<Buffer> => withPrefix(peek.bytes(), ended ? undefined : req);
    const routed = (scan: PeekScan): void => {
      if (scan.kind === "more") return;
      const prefix = peek.bytes();
      const whole = ended || prefix.length === options.contentLength;
      settle({ ok: true, format: peek.format, addressing: scan.addressing, headerBytes: scan.headerBytes, body: rest(), ...(whole ? { whole: prefix } : {}) });
    };
    const refused = (err: unknown): void => settle({ ok: false, error: asSoapError(err), body: rest() });
    function onData(chunk: Buffer): void {
      try {
        routed(peek.push(chunk));
      } catch (err) {
        refused(err);
      }
    }
    function onEnd(): void {
      ended = true;
      try {
        routed(peek.end());
      } catch (err) {
        refused(err);
      }
    }
    function onError(err: Error): void {
      refused(err);
    }
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", onError);
  });
}

/** A SoapError as the peek throws it, or one saying the body could not be read (the client went away). */
function asSoapError(err: unknown): SoapError {
  return err instanceof SoapError ? err : new SoapError("SOAP_BODY", "The request body could not be read", { faultCode: "Sender", cause: err });
}

async function* withPrefix(prefix: Buffer, rest: AsyncIterable<Buffer> | undefined): AsyncGenerator<Buffer> {
  if (prefix.length > 0) yield prefix;
  if (rest !== undefined) yield* rest;
}
