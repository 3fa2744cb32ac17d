import type { XmlElement } from "@opendsp/ebxml";
import {
  SoapClientError,
  buildMtomMessage,
  buildSoapRequest,
  checkSoapReply,
  readSoapHttpBody,
  serializeSoapEnvelope,
  soapHttpError,
  xuaSecurityHeader,
  type MessageLimits,
  type MtomAttachmentSource,
  type SoapEnvelope,
  type SoapHttpBody,
} from "@opendsp/soap";
import { Readable, Transform, pipeline } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { idleWatchdog } from "./idle-watchdog.js";

export interface MtomExchangeOptions {
  readonly url: string;
  readonly action: string;
  readonly body: XmlElement;
  /** The documents, opened only when the request reaches them (never read whole into memory). */
  readonly attachments: readonly MtomAttachmentSource[];
  /** When given, an answer with another wsa:Action is refused. */
  readonly responseAction: string;
  /** The transfer is abandoned after this long without progress. */
  readonly idleTimeoutMs: number;
  readonly limits?: Partial<MessageLimits>;
  /** Abandons the exchange (the user interrupted the command). */
  readonly signal?: AbortSignal;
  /** The user's XUA assertion, sent in a wsse:Security header (ITI TF-2b 3.40.4.1). */
  readonly assertion?: string;
}

/** The answer of an MTOM exchange, its attachments still to be read; close() once done with them. */
export interface MtomExchange {
  readonly envelope: SoapEnvelope;
  readonly http: SoapHttpBody;
  close(): void;
}

/**
 * One SOAP 1.2 request-response over HTTP POST, sent as MTOM/XOP (ITI-41 and ITI-43 require it, XDS-REFERENCE
 * §1.3) with the attachments streamed from their sources, and an answer in either format whose parts are left
 * for the caller to stream. Failures are SoapClientErrors, as those of callSoap (packages/soap/src/client), except
 * a failing attachment source, whose own error is thrown.
 */
export async function exchangeMtom(options: MtomExchangeOptions): Promise<MtomExchange> {
  const { url, action } = options;
  const { envelope, messageId } = buildSoapRequest({
    action,
    to: url,
    body: options.body,
    ...(options.assertion === undefined ? {} : { extraHeaders: [xuaSecurityHeader(options.assertion)] }),
  });
  const message = buildMtomMessage({ root: serializeSoapEnvelope(envelope), action, attachments: options.attachments });
  const watchdog = idleWatchdog(options.idleTimeoutMs);
  let sourceError: Error | undefined;
  async function* upload(): AsyncGenerator<Buffer, void, undefined> {
    try {
      for await (const chunk of message.body) {
        watchdog.touch();
        yield chunk as Buffer;
      }
    } catch (err) {
      sourceError = err instanceof Error ? err : new Error(String(err));
      throw sourceError;
    }
  }
  const timeout = (cause: unknown): SoapClientError =>
    new SoapClientError("SOAP_CLIENT_TIMEOUT", `no progress from ${url} for ${Math.round(options.idleTimeoutMs / 1000)} s`, { url, cause });

  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": message.contentType, accept: "multipart/related, application/soap+xml" },
      body: upload(),
      duplex: "half",
      signal: options.signal ? AbortSignal.any([watchdog.signal, options.signal]) : watchdog.signal,
      redirect: "error",
    });
  } catch (cause) {
    watchdog.stop();
    message.body.destroy();
    if (sourceError !== undefined) throw sourceError;
    if (watchdog.fired) throw timeout(cause);
    throw new SoapClientError("SOAP_CLIENT_UNREACHABLE", `${url} could not be reached`, { url, cause });
  }

  const status = response.status;
  const raw = response.body ? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>) : Readable.from([]);
  const progress = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      watchdog.touch();
      done(null, chunk);
    },
  });
  pipeline(raw, progress, () => undefined);
  const close = (): void => {
    watchdog.stop();
    if (!progress.readableEnded) progress.destroy();
    if (!raw.readableEnded) raw.destroy();
  };

  try {
    let http: SoapHttpBody;
    try {
      http = await readSoapHttpBody(progress, response.headers.get("content-type") ?? undefined, options.limits ?? {});
    } catch (cause) {
      if (watchdog.fired) throw timeout(cause);
      if (status !== 200) throw soapHttpError(url, status, cause);
      throw new SoapClientError("SOAP_CLIENT_MALFORMED", `the answer of ${url} is not a SOAP message`, { url, status, cause });
    }
    const reply = checkSoapReply(http, { url, status, messageId, responseAction: options.responseAction });
    return { envelope: reply, http, close };
  } catch (err) {
    close();
    throw err;
  }
}
