import {
  ACTION,
  parseRegistryResponse,
  writeProvideAndRegisterRequest,
  type DocumentEntry,
  type ProvidedDocument,
  type RegistryResponse,
} from "@opendsp/ebxml";
import {
  buildMtomMessage,
  buildSoapRequest,
  newContentId,
  parseSoapEnvelope,
  parseSoapFault,
  readSoapHttpBody,
  serializeSoapEnvelope,
  xopHref,
  type SoapFaultInfo,
} from "@opendsp/soap";
import { dischargeLetterEntry, freshOid, registerRequest, submissionSetFor } from "@opendsp/testing";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";

/** One document of a built submission. */
export interface TestDocument {
  readonly bytes: Buffer;
  readonly mimeType?: string;
  /** Overrides of the DocumentEntry (e.g. a declared hash or size); hash, size and repositoryUniqueId are absent by default. */
  readonly entry?: Partial<DocumentEntry>;
  /** "xop" (an MTOM part, the default in MTOM messages) or "inline" base64 inside xdsb:Document. */
  readonly payload?: "xop" | "inline";
  /** Leave out the xdsb:Document (metadata without document). */
  readonly withoutDocument?: boolean;
}

export interface BuiltSubmission {
  readonly contentType: string;
  readonly body: Buffer;
  /** The DocumentEntries as sent, in order. */
  readonly entries: readonly DocumentEntry[];
  readonly submissionSetUniqueId: string;
  readonly messageId: string;
}

/**
 * An ITI-41 request as a document source builds it: a SubmissionSet with HasMember to each DocumentEntry, one
 * xdsb:Document per entry; MTOM (documents as parts unless `payload: "inline"`) or simple SOAP (all inline).
 * `extraDocuments` adds xdsb:Documents that no entry describes (document without metadata).
 */
export async function buildProvideAndRegister(options: {
  patientId: string;
  documents: readonly TestDocument[];
  format: "mtom" | "simple";
  extraDocuments?: readonly { id: string; bytes: Buffer }[];
}): Promise<BuiltSubmission> {
  const entries = options.documents.map((d, i) => {
    // No hash, size or repositoryUniqueId unless the test declares them: the repository computes those.
    const { hash: _hash, size: _size, repositoryUniqueId: _repository, ...base } = dischargeLetterEntry(options.patientId);
    return { ...base, entryUuid: `Document${String(i + 1).padStart(2, "0")}`, mimeType: d.mimeType ?? "application/octet-stream", ...d.entry };
  });
  const submissionSet = submissionSetFor(options.patientId);
  const attachments: { contentId: string; contentType: string; body: Buffer }[] = [];
  const documents: ProvidedDocument[] = [];
  options.documents.forEach((d, i) => {
    const entry = entries[i];
    if (!entry || d.withoutDocument) return;
    if (options.format === "mtom" && d.payload !== "inline") {
      const contentId = newContentId("test.opendsp");
      attachments.push({ contentId, contentType: entry.mimeType ?? "application/octet-stream", body: d.bytes });
      documents.push({ id: entry.entryUuid, payload: { kind: "xop", href: xopHref(contentId) } });
    } else {
      documents.push({ id: entry.entryUuid, payload: { kind: "inline", bytes: d.bytes } });
    }
  });
  for (const extra of options.extraDocuments ?? []) documents.push({ id: extra.id, payload: { kind: "inline", bytes: extra.bytes } });

  const pnr = writeProvideAndRegisterRequest({ submitObjectsRequest: registerRequest({ submissionSet, documentEntries: entries }), documents });
  const { envelope, messageId } = buildSoapRequest({ action: ACTION.iti41.request, to: "http://127.0.0.1/xds/repository", body: pnr });
  const xml = serializeSoapEnvelope(envelope);
  const base = { entries, submissionSetUniqueId: submissionSet.uniqueId ?? "", messageId };
  if (options.format === "simple") {
    return { ...base, contentType: `application/soap+xml; charset=UTF-8; action="${ACTION.iti41.request}"`, body: Buffer.from(xml, "utf8") };
  }
  const mtom = buildMtomMessage({ root: xml, action: ACTION.iti41.request, attachments });
  const chunks: Buffer[] = [];
  for await (const c of mtom.body) chunks.push(c as Buffer);
  return { ...base, contentType: mtom.contentType, body: Buffer.concat(chunks) };
}

/** The repository's answer to an ITI-41 request, as a document source reads it. */
export interface Iti41Answer {
  readonly httpStatus: number;
  readonly format: "mtom" | "simple";
  readonly response?: RegistryResponse;
  readonly fault?: SoapFaultInfo;
  readonly action?: string;
  readonly relatesTo?: readonly string[];
}

/** POSTs an ITI-41 request (bytes as given) to the repository and reads the answer in whatever format it comes. */
export async function postProvideAndRegister(url: string, request: { contentType: string; body: Buffer }): Promise<Iti41Answer> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": request.contentType }, body: request.body });
  const body = res.body ? Readable.fromWeb(res.body as WebReadableStream<Uint8Array>) : Readable.from([]);
  const http = await readSoapHttpBody(body, res.headers.get("content-type") ?? undefined);
  await http.drain();
  const fault = parseSoapFault(http.root);
  if (fault) return { httpStatus: res.status, format: http.format, fault };
  const envelope = parseSoapEnvelope(http.root);
  const parsed = parseRegistryResponse(envelope.body);
  if (!parsed.ok) throw new Error(`not a RegistryResponse: ${JSON.stringify(parsed.errors)}`);
  return {
    httpStatus: res.status,
    format: http.format,
    response: parsed.value,
    ...(envelope.addressing.action === undefined ? {} : { action: envelope.addressing.action }),
    ...(envelope.addressing.relatesTo === undefined ? {} : { relatesTo: envelope.addressing.relatesTo }),
  };
}

export function sha1(bytes: Buffer): string {
  return createHash("sha1").update(bytes).digest("hex");
}

/** A fresh patient id in the test assigning authority, CX as XDS writes it (ITI TF-3 4.2.3.1.7). */
export function freshPatientId(): string {
  return `${freshOid("9").replace(/\./g, "")}^^^&1.3.6.1.4.1.59999.2&ISO`;
}
