import { randomUUID } from "node:crypto";
import type { XdsMetadata } from "@opendsp/ebxml";

const UUID_URN = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuidUrn(id: string): boolean {
  return UUID_URN.test(id);
}

/**
 * Replaces every symbolic id (Document01, SubmissionSet01, ...) by a new urn:uuid, and every reference to it
 * (ITI TF-3 4.2.3.1.6: the registry assigns entryUUIDs to objects submitted with symbolic ids). Ids that are
 * already UUIDs are kept. Returns the metadata with the ids replaced and the map applied.
 */
export function assignEntryUuids(md: XdsMetadata): { metadata: XdsMetadata; assigned: ReadonlyMap<string, string> } {
  const assigned = new Map<string, string>();
  const own = [...md.submissionSets, ...md.documentEntries, ...md.folders, ...md.associations].map((o) => o.entryUuid);
  for (const id of own) {
    if (!isUuidUrn(id) && !assigned.has(id)) assigned.set(id, `urn:uuid:${randomUUID()}`);
  }
  const map = (id: string): string => assigned.get(id) ?? id;
  return {
    assigned,
    metadata: {
      submissionSets: md.submissionSets.map((s) => ({ ...s, entryUuid: map(s.entryUuid) })),
      documentEntries: md.documentEntries.map((d) => ({ ...d, entryUuid: map(d.entryUuid), logicalId: map(d.logicalId ?? d.entryUuid) })),
      folders: md.folders.map((f) => ({ ...f, entryUuid: map(f.entryUuid), logicalId: map(f.logicalId ?? f.entryUuid) })),
      associations: md.associations.map((a) => ({
        ...a,
        entryUuid: map(a.entryUuid),
        sourceUuid: map(a.sourceUuid),
        targetUuid: map(a.targetUuid),
      })),
      objectRefs: md.objectRefs,
    },
  };
}
