import type {
  Classification,
  ExternalIdentifier,
  InternationalString,
  LocalizedString,
  RegistryObjectBase,
  Slot,
} from "../rim/rim-types.js";

/** Read helpers over the wire model, shared by every XDS view. */

export function slotValues(o: { readonly slots: readonly Slot[] }, name: string): readonly string[] | undefined {
  for (const s of o.slots) if (s.name === name) return s.values;
  return undefined;
}

export function firstText(s: InternationalString | undefined): LocalizedString | undefined {
  return s?.[0];
}

export function externalIdentifierValue(o: RegistryObjectBase, scheme: string): string | undefined {
  for (const e of o.externalIdentifiers) if (e.identificationScheme === scheme) return e.value;
  return undefined;
}

export function hasClassificationNode(
  o: RegistryObjectBase,
  node: string,
  external: ReadonlyMap<string, readonly Classification[]>,
): boolean {
  return (
    o.classifications.some((c) => c.classificationNode === node) ||
    (external.get(o.id) ?? []).some((c) => c.classificationNode === node)
  );
}

/**
 * A stable urn:uuid for a child object (Classification, ExternalIdentifier) derived from its parent's id and
 * role, so the same entry always serialises to the same ids. It is computed for every child of every object a
 * query returns, so it uses four 32-bit FNV-1a hashes with different offsets rather than a cryptographic digest;
 * the layout is an RFC 9562 §5.8 version 8 (custom) UUID.
 */
export function derivedUuid(parentId: string, role: string): string {
  const state = parentState(parentId);
  let hex = "";
  for (const seed of state) {
    let h: number = seed;
    for (let i = 0; i < role.length; i++) {
      h ^= role.charCodeAt(i);
      h = Math.imul(h, FNV_PRIME_32);
    }
    hex += (h >>> 0).toString(16).padStart(8, "0");
  }
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const FNV_OFFSETS = [0x811c9dc5, 0x050c5d1f, 0x6c62272e, 0x2f3b9b4d] as const;
const FNV_PRIME_32 = 0x01000193;

/** The four hash states after `parentId` and a separator, kept for the parents seen last (one object has many children). */
const parentStates = new Map<string, readonly number[]>();

function parentState(parentId: string): readonly number[] {
  const known = parentStates.get(parentId);
  if (known) return known;
  const state = FNV_OFFSETS.map((offset) => {
    let h: number = offset;
    for (let i = 0; i < parentId.length; i++) {
      h ^= parentId.charCodeAt(i);
      h = Math.imul(h, FNV_PRIME_32);
    }
    return Math.imul(h, FNV_PRIME_32);
  });
  if (parentStates.size >= 256) parentStates.clear();
  parentStates.set(parentId, state);
  return state;
}

export function slot(name: string, values: readonly string[] | string | undefined): Slot | undefined {
  if (values === undefined) return undefined;
  return { name, values: typeof values === "string" ? [values] : values };
}

export function text(value: string | LocalizedText | undefined): InternationalString | undefined {
  if (value === undefined) return undefined;
  return [typeof value === "string" ? { value } : value];
}

/** A title or comment with its language (rim:LocalizedString). */
export type LocalizedText = LocalizedString;

export function compact<T>(list: readonly (T | undefined)[]): T[] {
  return list.filter((x): x is T => x !== undefined);
}

export function makeExternalIdentifier(registryObject: string, scheme: string, value: string, name: string | undefined): ExternalIdentifier {
  return {
    kind: "ExternalIdentifier",
    id: derivedUuid(registryObject, `ei:${scheme}`),
    objectType: "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:ExternalIdentifier",
    registryObject,
    identificationScheme: scheme,
    value,
    slots: [],
    ...(name !== undefined ? { name: [{ value: name }] } : {}),
    classifications: [],
    externalIdentifiers: [],
  };
}

/** A classification that only marks what an object is (a classificationNode, no scheme). */
export function makeNodeClassification(classifiedObject: string, node: string): Classification {
  return {
    kind: "Classification",
    id: derivedUuid(classifiedObject, `node:${node}`),
    objectType: "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Classification",
    classifiedObject,
    classificationNode: node,
    slots: [],
    classifications: [],
    externalIdentifiers: [],
  };
}

/** Slots not described by the XDS model, kept as sent (extra metadata, ITI TF-3 4.2.3.1.3). */
export function otherSlots(slots: readonly Slot[], known: ReadonlySet<string>): Slot[] {
  return slots.filter((s) => !known.has(s.name));
}

/** Classifications of a scheme nested in the object or standing at the top level of the list (both are legal). */
export function withExternal(
  o: RegistryObjectBase,
  external: ReadonlyMap<string, readonly Classification[]>,
  scheme: string,
): Classification[] {
  const nested = o.classifications.filter((c) => c.classificationScheme === scheme);
  const top = (external.get(o.id) ?? []).filter((c) => c.classificationScheme === scheme);
  return top.length ? [...nested, ...top] : nested;
}

export function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

