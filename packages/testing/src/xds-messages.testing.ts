import {
  OBJECT_STATUS,
  RESPONSE_STATUS,
  RETURN_TYPE,
  STORED_QUERY,
  parseAdhocQueryResponse,
  parseRegistryResponse,
  writeAdhocQueryRequest,
  writeProvideAndRegisterRequest,
  xdsMetadataFromRim,
  type DocumentEntry,
  type DocumentPayload,
  type MessageInput,
  type XmlElement,
} from "@opendsp/ebxml";
import { createHash } from "node:crypto";
import { dischargeLetterEntry, registerRequest, submissionSetFor } from "./xds-submission.builder.js";

/**
 * The body of an ITI-41 request for one discharge letter of `patientId` and the entry it submits. hash, size and
 * repositoryUniqueId are left out: the repository sets them as the bytes stream in (ITI TF-2b 3.41.4.1.3).
 */
export function provideAndRegisterBody(patientId: string, mimeType: string, payload: DocumentPayload): { body: XmlElement; entry: DocumentEntry } {
  const { hash: _hash, size: _size, repositoryUniqueId: _repository, ...entry } = dischargeLetterEntry(patientId, { mimeType });
  const body = writeProvideAndRegisterRequest({
    submitObjectsRequest: registerRequest({ submissionSet: submissionSetFor(patientId), documentEntries: [entry] }),
    documents: [{ id: entry.entryUuid, payload }],
  });
  return { body, entry };
}

/** The status and errors of a RegistryResponse (ITI-41, ITI-42 answers); throws when it cannot be read. */
export function registryResponseStatusOf(body: MessageInput): { status: string; errors: readonly unknown[] } {
  const parsed = parseRegistryResponse(body);
  if (!parsed.ok) throw new Error(`unreadable RegistryResponse: ${JSON.stringify(parsed.errors)}`);
  return { status: parsed.value.status, errors: parsed.value.errors };
}

/** The body of an ITI-18 FindDocuments query (LeafClass, Approved entries only) for a patient. */
export function findDocumentsQuery(patientId: string): XmlElement {
  return writeAdhocQueryRequest({
    requestSlots: [],
    returnType: RETURN_TYPE.leafClass,
    query: {
      id: STORED_QUERY.findDocuments,
      slots: [
        { name: "$XDSDocumentEntryPatientId", values: [`'${patientId}'`] },
        { name: "$XDSDocumentEntryStatus", values: [`('${OBJECT_STATUS.approved}')`] },
      ],
    },
  });
}

/** The document entries of a successful FindDocuments answer (LeafClass); throws on any other answer. */
export function documentEntriesOf(body: MessageInput): DocumentEntry[] {
  const parsed = parseAdhocQueryResponse(body);
  if (!parsed.ok) throw new Error(`unreadable AdhocQueryResponse: ${JSON.stringify(parsed.errors)}`);
  if (parsed.value.status !== RESPONSE_STATUS.success) throw new Error(`FindDocuments failed: ${JSON.stringify(parsed.value.errors)}`);
  return [...xdsMetadataFromRim(parsed.value.objects).documentEntries];
}

/** SHA-1 (hex) and byte count of a stream read to its end, never holding it whole. */
export async function sha1AndSizeOf(stream: AsyncIterable<unknown>): Promise<{ sha1: string; size: number }> {
  const hash = createHash("sha1");
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha1: hash.digest("hex"), size };
}
