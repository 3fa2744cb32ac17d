import { xdsError, type DocumentEntry, type XdsError } from "@opendsp/ebxml";
import type { MeasuredBlob } from "./measured-blob-put.js";

/**
 * What the Document Repository itself checks in ITI-41 before anything is stored, beyond the metadata rules and
 * the Document/DocumentEntry pairing of validateProvideAndRegister (XDSMissingDocument, XDSMissingDocumentMetadata).
 *
 * repositoryUniqueId: ITI TF-2b 3.41.4.1.3 has the Repository supply repositoryUniqueId (with hash and size) in the
 * metadata it registers, and ITI TF-3 4.2.3.2.18 defines it as the repository *where the document is stored*. A
 * source may send it (optional for the Document Source); equal to ours it is kept, but another repository's id
 * means the submission was meant for that repository. Overwriting it silently (as some implementations do) would
 * register the document under an identity the source did not ask for, and keeping it would register an entry
 * that points to a repository which never got the bytes; both are worse than telling the source. Hence
 * XDSRepositoryMetadataError (ITI TF-3 Table 4.2.4.1-2: the repository found an error in the metadata).
 */
export function checkRepositoryRules(entries: readonly DocumentEntry[], repositoryUniqueId: string): XdsError[] {
  const errors: XdsError[] = [];
  for (const de of entries) {
    if (de.repositoryUniqueId !== undefined && de.repositoryUniqueId.trim() !== repositoryUniqueId) {
      errors.push(
        xdsError(
          "XDSRepositoryMetadataError",
          `XDSDocumentEntry.repositoryUniqueId is ${de.repositoryUniqueId}, but this repository is ${repositoryUniqueId}: send the document to the repository it names, or leave repositoryUniqueId out (ITI TF-2b 3.41.4.1.3)`,
          locationOf(de),
        ),
      );
    }
  }
  return errors;
}

/**
 * ITI TF-2b 3.41.4.1.3: hash and size are optional from the source; when given they must be those of the bytes
 * received. A mismatch is reported as XDSNonIdenticalHash / XDSNonIdenticalSize (ITI TF-3 Table 4.2.4.1-2), the
 * precise codes rather than a generic metadata error; the SHA-1 comparison ignores case (ITI TF-3 4.2.3.2.10 allows
 * either), the size is compared as a number.
 */
export function checkDeclaredHashAndSize(entry: DocumentEntry, measured: MeasuredBlob): XdsError[] {
  const errors: XdsError[] = [];
  const declaredHash = entry.hash?.trim();
  if (declaredHash !== undefined && declaredHash.toLowerCase() !== measured.hash) {
    errors.push(
      xdsError(
        "XDSNonIdenticalHash",
        `XDSDocumentEntry.hash is ${declaredHash}, the SHA-1 of the document received is ${measured.hash}`,
        locationOf(entry),
      ),
    );
  }
  const declaredSize = entry.size?.trim();
  if (declaredSize !== undefined && !sameSize(declaredSize, measured.size)) {
    errors.push(
      xdsError(
        "XDSNonIdenticalSize",
        `XDSDocumentEntry.size is ${declaredSize}, the document received has ${measured.size} bytes`,
        locationOf(entry),
      ),
    );
  }
  return errors;
}

/**
 * A document provided again under a uniqueId this repository holds must be the same bytes: the registry answers a
 * repeated DocumentEntry uniqueId with another hash with XDSNonIdenticalHash (ITI TF-3 Table 4.2.4.1-2), and the
 * repository, which holds the bytes, says so before registering anything.
 */
export function checkSameDocument(held: { readonly documentUniqueId: string; readonly hash: string; readonly size: number }, measured: MeasuredBlob): XdsError[] {
  if (held.hash === measured.hash && held.size === measured.size) return [];
  const errors: XdsError[] = [];
  if (held.hash !== measured.hash) {
    errors.push(
      xdsError(
        "XDSNonIdenticalHash",
        `A document with uniqueId ${held.documentUniqueId} is already stored with SHA-1 ${held.hash}; the one received has ${measured.hash}`,
        held.documentUniqueId,
      ),
    );
  }
  if (held.size !== measured.size) {
    errors.push(
      xdsError(
        "XDSNonIdenticalSize",
        `A document with uniqueId ${held.documentUniqueId} is already stored with ${held.size} bytes; the one received has ${measured.size}`,
        held.documentUniqueId,
      ),
    );
  }
  return errors;
}

function sameSize(declared: string, actual: number): boolean {
  return /^\d+$/.test(declared) && BigInt(declared) === BigInt(actual);
}

/** The uniqueId names the document for the sender; the entry id alone is often a symbolic "Document01". */
function locationOf(de: DocumentEntry): string {
  return de.uniqueId ?? de.entryUuid;
}
