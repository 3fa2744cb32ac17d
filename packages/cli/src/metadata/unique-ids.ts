import { randomUUID } from "node:crypto";

/**
 * An OID under the 2.25 arc made of a UUID as one integer (ITU-T X.667 / ISO 9834-8 §6.3): globally unique
 * without a registered arc, and at most 44 characters, within the 64 of a uniqueId (ITI TF-3 4.2.3.2.26).
 */
export function uuidOid(uuid: string = randomUUID()): string {
  const hex = uuid.replace(/^urn:uuid:/, "").replace(/-/g, "");
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new TypeError(`not a UUID: ${uuid}`);
  return `2.25.${BigInt(`0x${hex}`).toString(10)}`;
}

/** A fresh entryUUID (ITI TF-3 4.2.3.2.8): the source may name its objects with UUIDs the registry keeps. */
export function newEntryUuid(): string {
  return `urn:uuid:${randomUUID()}`;
}

/** The sourceId of submissions sent by this command (ITI TF-3 4.2.3.3.9); placeholder arc, like codes.xml. */
export const CLI_SOURCE_ID = "1.3.6.1.4.1.59999.4.1";
