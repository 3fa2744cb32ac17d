import { documentEntriesOf, findDocumentsQuery, provideAndRegisterBody, registryResponseStatusOf } from "@opendsp/testing";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { ACTION, parseRetrieveDocumentSetResponse, writeRetrieveDocumentSetRequest, type DocumentEntry } from "@opendsp/ebxml";
import {
  buildMtomMessage,
  buildSoapRequest,
  callSoap,
  parseSoapEnvelope,
  readSoapHttpBody,
  resolveXopIncludes,
  serializeSoapEnvelope,
  xuaSecurityHeader,
} from "@opendsp/soap";

/** The repositoryUniqueId the repository uses unless REPOSITORY_UNIQUE_ID says otherwise. */
export const DEFAULT_REPOSITORY_UNIQUE_ID = "1.3.6.1.4.1.59999.3.1";

let counter = 0;
/** A patient id of the default affinity domain (IHERED, in the shipped codes.xml) that no other test uses. */
export function freshPatientId(): string {
  return `LA${Date.now()}${process.pid}${++counter}^^^&1.3.6.1.4.1.21367.13.20.1000&ISO`;
}

/** Adds a patient through the gateway's patient admin API, as an operator would. */
export async function addPatient(gatewayUrl: string, patientId: string): Promise<number> {
  const res = await fetch(`${gatewayUrl}/api/patients/${encodeURIComponent(patientId)}`, { method: "PUT" });
  await res.arrayBuffer();
  return res.status;
}

/*
 * Each request carries the user's XUA assertion (`assertion`, from patientToken) in its wsse:Security header, as the
 * gateway requires.
 */

/** ITI-41 of one discharge letter with `bytes`, inline (simple SOAP); the registry's answer status and the entry sent. */
export async function provideAndRegister(
  repositoryUrl: string,
  patientId: string,
  bytes: Buffer,
  assertion: string,
): Promise<{ status: string; errors: readonly unknown[]; entry: DocumentEntry }> {
  const { body, entry } = provideAndRegisterBody(patientId, "application/pdf", { kind: "inline", bytes });
  const reply = await callSoap({ url: repositoryUrl, action: ACTION.iti41.request, timeoutMs: 30_000, body, extraHeaders: [xuaSecurityHeader(assertion)] });
  return { ...registryResponseStatusOf(reply.body), entry };
}

/** ITI-18 FindDocuments (Approved, LeafClass) for a patient. */
export async function findDocuments(registryUrl: string, patientId: string, assertion: string): Promise<DocumentEntry[]> {
  const reply = await callSoap({
    url: registryUrl,
    action: ACTION.iti18.request,
    timeoutMs: 30_000,
    body: findDocumentsQuery(patientId),
    extraHeaders: [xuaSecurityHeader(assertion)],
  });
  return documentEntriesOf(reply.body);
}

/** ITI-43 of one document, sent as MTOM; the document's bytes as they came back. */
export async function retrieveDocument(repositoryUrl: string, repositoryUniqueId: string, documentUniqueId: string, assertion: string): Promise<Buffer> {
  const { envelope } = buildSoapRequest({
    action: ACTION.iti43.request,
    to: repositoryUrl,
    extraHeaders: [xuaSecurityHeader(assertion)],
    body: writeRetrieveDocumentSetRequest({ documentRequests: [{ repositoryUniqueId, documentUniqueId }] }),
  });
  const message = buildMtomMessage({ root: serializeSoapEnvelope(envelope), action: ACTION.iti43.request, attachments: [] });
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
  const [document] = parsed.value.documentResponses;
  if (!document) throw new Error(`ITI-43 carried no document: ${JSON.stringify(parsed.value.registryResponse)}`);
  let bytes: Buffer | undefined;
  if (document.payload.kind === "inline") bytes = Buffer.from(document.payload.bytes);
  else {
    await resolveXopIncludes([{ key: document.documentUniqueId, href: document.payload.href }], http.attachments, async (_key, part) => {
      const chunks: Buffer[] = [];
      for await (const chunk of part.body) chunks.push(chunk as Buffer);
      bytes = Buffer.concat(chunks);
    });
  }
  await http.drain();
  if (!bytes) throw new Error("ITI-43 answer without the document's bytes");
  return bytes;
}
