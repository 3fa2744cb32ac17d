import {
  ACTION,
  parseRetrieveDocumentSetResponse,
  writeRetrieveDocumentSetRequest,
  type DocumentRequest,
  type RetrieveDocumentSetResponse,
} from "@opendsp/ebxml";
import { buildMtomMessage, buildSoapRequest, parseSoapEnvelope, readSoapHttpBody, resolveXopIncludes, serializeSoapEnvelope } from "@opendsp/soap";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";

/** One MIME part of an ITI-43 answer, as the client received it. */
export interface ReceivedPart {
  readonly sha1: string;
  readonly size: number;
  readonly contentType: string | undefined;
}

export interface RetrieveAnswer {
  readonly httpStatus: number;
  readonly contentType: string;
  /** The declared Content-Length (absent when the answer was chunked) and the body bytes that arrived. */
  readonly contentLength: number | undefined;
  readonly receivedBytes: number;
  readonly format: "mtom" | "simple";
  readonly relatesTo: readonly string[];
  readonly action: string | undefined;
  readonly response: RetrieveDocumentSetResponse;
  /** The parts the DocumentResponses include, by DocumentUniqueId. */
  readonly parts: ReadonlyMap<string, ReceivedPart>;
}

/** A SOAP 1.2 envelope with wsa headers around a RetrieveDocumentSetRequest. */
export function retrieveEnvelope(requests: readonly DocumentRequest[]): string {
  return serializeSoapEnvelope(
    buildSoapRequest({ action: ACTION.iti43.request, body: writeRetrieveDocumentSetRequest({ documentRequests: requests }) }).envelope,
  );
}

/**
 * Posts an ITI-43 envelope as MTOM (as XDS peers send it) or as simple SOAP, and reads the answer the way a
 * client does: the MIME stream is parsed as it arrives and each included part is hashed, never kept.
 */
export async function postRetrieve(
  url: string,
  envelope: string,
  format: "mtom" | "simple" = "mtom",
  headers: Readonly<Record<string, string>> = {},
): Promise<RetrieveAnswer> {
  const request =
    format === "mtom"
      ? (() => {
          const m = buildMtomMessage({ root: envelope, action: ACTION.iti43.request, attachments: [] });
          return { contentType: m.contentType, body: Readable.toWeb(m.body) };
        })()
      : { contentType: `application/soap+xml; charset=UTF-8; action="${ACTION.iti43.request}"`, body: envelope };
  const res = await fetch(url, { method: "POST", headers: { ...headers, "content-type": request.contentType }, body: request.body, duplex: "half" });
  const contentType = res.headers.get("content-type") ?? "";
  if (!res.body) throw new Error(`no response body (HTTP ${res.status})`);
  let receivedBytes = 0;
  const counted = res.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        receivedBytes += chunk.byteLength;
        controller.enqueue(chunk);
      },
    }),
  );
  const declaredLength = res.headers.get("content-length");
  const http = await readSoapHttpBody(Readable.fromWeb(counted), contentType, { maxTotalBytes: Number.MAX_SAFE_INTEGER });
  const envelopeIn = parseSoapEnvelope(http.root);
  const parsed = parseRetrieveDocumentSetResponse(envelopeIn.body);
  if (!parsed.ok) throw new Error(`unreadable RetrieveDocumentSetResponse: ${JSON.stringify(parsed.errors)}`);
  const parts = new Map<string, ReceivedPart>();
  const includes = parsed.value.documentResponses.flatMap((d) =>
    d.payload.kind === "xop" ? [{ key: d.documentUniqueId, href: d.payload.href }] : [],
  );
  await resolveXopIncludes(includes, http.attachments, async (key, attachment) => {
    const hash = createHash("sha1");
    let size = 0;
    for await (const chunk of attachment.body) {
      const b = chunk as Buffer;
      hash.update(b);
      size += b.length;
    }
    parts.set(key, { sha1: hash.digest("hex"), size, contentType: attachment.contentType });
  });
  await http.drain();
  return {
    httpStatus: res.status,
    contentType,
    contentLength: declaredLength === null ? undefined : Number(declaredLength),
    receivedBytes,
    format: http.format,
    relatesTo: envelopeIn.addressing.relatesTo ?? [],
    action: envelopeIn.addressing.action,
    response: parsed.value,
    parts,
  };
}
