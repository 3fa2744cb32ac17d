import {
  ACTION,
  parseRetrieveDocumentSetResponse,
  writeProvideAndRegisterRequest,
  writeRetrieveDocumentSetRequest,
  type DocumentEntry,
} from "@opendsp/ebxml";
import {
  buildMtomMessage,
  buildSoapRequest,
  newContentId,
  parseSoapEnvelope,
  readSoapHttpBody,
  resolveXopIncludes,
  serializeSoapEnvelope,
  xopHref,
} from "@opendsp/soap";
import { dischargeLetterEntry, registerRequest, sha1AndSizeOf, submissionSetFor } from "@opendsp/testing";
import type { Readable } from "node:stream";
import { post, postForText, type PostedResponse } from "../http-post.js";

/** A prepared ITI-41 request: the SOAP envelope (built before any clock starts) and the ids it submits. */
export interface PreparedSubmission {
  readonly envelope: string;
  readonly contentId: string;
  readonly documentUniqueId: string;
  readonly mimeType: string;
}

/**
 * An ITI-41 envelope for one document of `patientId`, its bytes in the MTOM part `contentId`. hash and size are
 * left out of the entry: the repository computes them while the bytes stream in (ITI TF-2b 3.41.4.1.3).
 */
export function prepareSubmission(patientId: string): PreparedSubmission {
  const { hash: _hash, size: _size, ...entry }: DocumentEntry = dischargeLetterEntry(patientId);
  const contentId = newContentId("bench");
  const body = writeProvideAndRegisterRequest({
    submitObjectsRequest: registerRequest({ submissionSet: submissionSetFor(patientId), documentEntries: [entry] }),
    documents: [{ id: entry.entryUuid, payload: { kind: "xop", href: xopHref(contentId) } }],
  });
  return {
    envelope: serializeSoapEnvelope(buildSoapRequest({ action: ACTION.iti41.request, body }).envelope),
    contentId,
    documentUniqueId: entry.uniqueId ?? "",
    mimeType: entry.mimeType ?? "application/octet-stream",
  };
}

/** Posts one ITI-41 as MTOM, the document streamed as its own part; throws unless the answer is a Success. */
export async function submit(url: string, s: PreparedSubmission, document: Buffer | Readable): Promise<void> {
  const message = buildMtomMessage({
    root: s.envelope,
    action: ACTION.iti41.request,
    attachments: [{ contentId: s.contentId, contentType: s.mimeType, body: document }],
  });
  const res = await postForText(url, message.contentType, message.body);
  const text = res.text;
  if (res.status !== 200 || !text.includes('status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success"')) {
    throw new Error(`ITI-41 refused (HTTP ${res.status}): ${text.slice(0, 1500)}`);
  }
}

/** An ITI-43 envelope for one document of this repository. */
export function retrieveEnvelope(repositoryUniqueId: string, documentUniqueId: string): string {
  const body = writeRetrieveDocumentSetRequest({ documentRequests: [{ repositoryUniqueId, documentUniqueId }] });
  return serializeSoapEnvelope(buildSoapRequest({ action: ACTION.iti43.request, body }).envelope);
}

async function postRetrieve(url: string, envelope: string): Promise<PostedResponse> {
  const message = buildMtomMessage({ root: envelope, action: ACTION.iti43.request, attachments: [] });
  const res = await post(url, message.contentType, message.body);
  if (res.status !== 200) throw new Error(`ITI-43 failed: HTTP ${res.status}`);
  return res;
}

/** Posts one ITI-43 and reads the whole answer without parsing it (the throughput loop); returns its byte count. */
export async function retrieveBytes(url: string, envelope: string): Promise<number> {
  const res = await postRetrieve(url, envelope);
  if (!res.contentType.startsWith("multipart/related")) throw new Error("ITI-43 answer is not MTOM");
  let n = 0;
  for await (const chunk of res.body) n += (chunk as Buffer).length;
  return n;
}

/**
 * Posts one ITI-43 and reads the answer as a client does: the MTOM stream parsed as it arrives, the status
 * checked and the document part hashed. Returns the SHA-1 and size of the one document.
 */
export async function retrieveAndHash(url: string, envelope: string): Promise<{ sha1: string; size: number }> {
  const res = await postRetrieve(url, envelope);
  const http = await readSoapHttpBody(res.body, res.contentType, {
    maxTotalBytes: Number.POSITIVE_INFINITY,
  });
  const parsed = parseRetrieveDocumentSetResponse(parseSoapEnvelope(http.root).body);
  if (!parsed.ok) throw new Error(`unreadable ITI-43 answer: ${JSON.stringify(parsed.errors)}`);
  const { registryResponse, documentResponses } = parsed.value;
  if (!registryResponse.status.endsWith(":Success")) throw new Error(`ITI-43 answered ${registryResponse.status}: ${JSON.stringify(registryResponse.errors)}`);
  let result: { sha1: string; size: number } | undefined;
  const includes = documentResponses.flatMap((d) => (d.payload.kind === "xop" ? [{ key: d.documentUniqueId, href: d.payload.href }] : []));
  await resolveXopIncludes(includes, http.attachments, async (_key, part) => {
    result = await sha1AndSizeOf(part.body);
  });
  await http.drain();
  if (!result) throw new Error("ITI-43 answer carried no document part");
  return result;
}
