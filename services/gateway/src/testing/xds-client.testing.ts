import { ACTION, parseRetrieveDocumentSetResponse, writeRetrieveDocumentSetRequest, type DocumentEntry } from "@opendsp/ebxml";
import {
  buildMtomMessage,
  buildSoapRequest,
  callSoap,
  newContentId,
  parseSoapEnvelope,
  readSoapHttpBody,
  resolveXopIncludes,
  serializeSoapEnvelope,
  xopHref,
} from "@opendsp/soap";
import { documentEntriesOf, findDocumentsQuery, provideAndRegisterBody, registryResponseStatusOf, sha1AndSizeOf } from "@opendsp/testing";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";

/** What a SOAP endpoint answered, body read whole (tests send small messages or read the answer as MTOM). */
export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
}

export async function post(url: string, contentType: string, body: string | Buffer | Readable): Promise<HttpAnswer> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": contentType },
    body: body instanceof Readable ? (Readable.toWeb(body) as ReadableStream<Uint8Array>) : body,
    duplex: "half",
  });
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", body: Buffer.from(await res.arrayBuffer()) };
}

/** The SOAP envelope of an answer, simple or MTOM. */
export async function envelopeOf(answer: HttpAnswer): Promise<Buffer> {
  const http = await readSoapHttpBody(Readable.from([answer.body]), answer.contentType);
  await http.drain();
  return http.root;
}

/** A SOAP 1.2 request envelope with `action` in wsa:Action. */
export function soapRequest(action: string, body: Parameters<typeof buildSoapRequest>[0]["body"]): string {
  return serializeSoapEnvelope(buildSoapRequest({ action, body }).envelope);
}

/** ITI-41 as MTOM for one document of `patientId`, the bytes as their own part. */
export function provideAndRegister(patientId: string, document: Buffer | Readable): { contentType: string; body: Readable; entry: DocumentEntry } {
  const contentId = newContentId("gateway.test");
  const { body, entry } = provideAndRegisterBody(patientId, "application/octet-stream", { kind: "xop", href: xopHref(contentId) });
  const message = buildMtomMessage({
    root: soapRequest(ACTION.iti41.request, body),
    action: ACTION.iti41.request,
    attachments: [{ contentId, contentType: "application/octet-stream", body: document }],
  });
  return { contentType: message.contentType, body: message.body, entry };
}

/** The status and errors of a RegistryResponse answer (ITI-41, ITI-42), simple or MTOM. */
export async function registryResponseOf(answer: HttpAnswer): Promise<{ status: string; errors: readonly unknown[] }> {
  return registryResponseStatusOf(parseSoapEnvelope(await envelopeOf(answer)).body);
}

/** ITI-18 FindDocuments (LeafClass, Approved) for a patient through `registryUrl`. */
export async function findDocuments(registryUrl: string, patientId: string): Promise<DocumentEntry[]> {
  const reply = await callSoap({ url: registryUrl, action: ACTION.iti18.request, timeoutMs: 20_000, body: findDocumentsQuery(patientId) });
  return documentEntriesOf(reply.body);
}

/** ITI-43 for one document through `repositoryUrl`, the answer's MTOM part hashed as it streams. */
export async function retrieveDocument(repositoryUrl: string, repositoryUniqueId: string, documentUniqueId: string): Promise<{ sha1: string; size: number }> {
  const envelope = soapRequest(ACTION.iti43.request, writeRetrieveDocumentSetRequest({ documentRequests: [{ repositoryUniqueId, documentUniqueId }] }));
  const message = buildMtomMessage({ root: envelope, action: ACTION.iti43.request, attachments: [] });
  const res = await fetch(repositoryUrl, {
    method: "POST",
    headers: { "content-type": message.contentType },
    body: Readable.toWeb(message.body) as ReadableStream<Uint8Array>,
    duplex: "half",
  });
  if (res.status !== 200 || !res.body) throw new Error(`ITI-43 answered HTTP ${res.status}`);
  const http = await readSoapHttpBody(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), res.headers.get("content-type") ?? undefined);
  const parsed = parseRetrieveDocumentSetResponse(parseSoapEnvelope(http.root).body);
  if (!parsed.ok) throw new Error(`unreadable ITI-43 answer: ${JSON.stringify(parsed.errors)}`);
  let result: { sha1: string; size: number } | undefined;
  const includes = parsed.value.documentResponses.flatMap((d) => (d.payload.kind === "xop" ? [{ key: d.documentUniqueId, href: d.payload.href }] : []));
  await resolveXopIncludes(includes, http.attachments, async (_key, part) => {
    result = await sha1AndSizeOf(part.body);
  });
  await http.drain();
  if (!result) throw new Error(`ITI-43 carried no document: ${JSON.stringify(parsed.value.registryResponse)}`);
  return result;
}
