import type { DocumentPayload } from "@opendsp/ebxml";
import type { BlobStore } from "@opendsp/platform";
import { resolveXopIncludes, type MtomAttachment, type XopInclude } from "@opendsp/soap";
import { Readable } from "node:stream";
import { newDocumentBlobKey } from "./document-blob-key.js";
import { measureOnly, putMeasured, type MeasuredBlob } from "./measured-blob-put.js";

/** One xdsb:Document of the request with what its DocumentEntry says about it. */
export interface DocumentToStore {
  /** The DocumentEntry (ExtrinsicObject) id, which is also the xdsb:Document id. */
  readonly entryId: string;
  readonly uniqueId: string;
  readonly mimeType: string;
  readonly payload: DocumentPayload;
  /** The blob of this uniqueId when the repository holds it already (a resubmission): bytes are compared, not stored. */
  readonly heldBlobKey?: string;
}

export interface StoredBlob extends MeasuredBlob {
  readonly entryId: string;
  readonly uniqueId: string;
  readonly mimeType: string;
  readonly blobKey: string;
  /** True when the bytes were only measured because the repository holds this document already. */
  readonly alreadyHeld: boolean;
}

/**
 * Writes the bytes of every document of a submission to the blob store, each measured on the way (SHA-1, size).
 * Inline (base64) documents come first, from the bytes the envelope held already; then the MTOM parts, in the
 * order they arrive on the wire, each streamed from the request straight into the store (XOP 1.0 §3: an
 * xop:Include names a `cid:` part of the same package).
 *
 * A document the repository holds already (`heldBlobKey`) is only measured, so the caller can compare it with
 * the stored one; its blob is left alone.
 *
 * Every key is added to `written` before its put starts, so the caller can remove whatever was (partly) written
 * when this throws: a SoapError of the MTOM layer (missing part, truncated message), or a DocumentStoreError.
 */
export async function storeDocuments(
  blobs: BlobStore,
  documents: readonly DocumentToStore[],
  attachments: AsyncIterable<MtomAttachment>,
  written: string[],
): Promise<StoredBlob[]> {
  const stored: StoredBlob[] = [];
  const store = async (doc: DocumentToStore, body: Readable): Promise<void> => {
    const base = { entryId: doc.entryId, uniqueId: doc.uniqueId, mimeType: doc.mimeType };
    if (doc.heldBlobKey !== undefined) {
      stored.push({ ...base, blobKey: doc.heldBlobKey, alreadyHeld: true, ...(await measureOnly(body)) });
      return;
    }
    const blobKey = newDocumentBlobKey();
    written.push(blobKey);
    const measured = await putMeasured(blobs, blobKey, body, doc.mimeType);
    stored.push({ ...base, blobKey, alreadyHeld: false, ...measured });
  };

  const byEntry = new Map<string, DocumentToStore>();
  const includes: XopInclude[] = [];
  for (const doc of documents) {
    if (doc.payload.kind === "inline") {
      await store(doc, Readable.from([Buffer.from(doc.payload.bytes.buffer, doc.payload.bytes.byteOffset, doc.payload.bytes.byteLength)]));
    } else {
      byEntry.set(doc.entryId, doc);
      includes.push({ key: doc.entryId, href: doc.payload.href });
    }
  }
  if (includes.length > 0) {
    await resolveXopIncludes(includes, attachments, async (entryId, attachment) => {
      const doc = byEntry.get(entryId);
      if (!doc) {
        // Cannot happen: every include was built from a document above. Release the part all the same.
        attachment.body.destroy();
        return;
      }
      await store(doc, attachment.body);
    });
  }
  return stored;
}
