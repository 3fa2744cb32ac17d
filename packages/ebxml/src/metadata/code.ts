import { SLOT } from "../vocabulary.js";
import type { Classification } from "../rim/rim-types.js";
import { derivedUuid, firstText, slotValues } from "./rim-access.js";

/**
 * A coded value (ITI TF-3 4.2.3.1.2): the code in nodeRepresentation, the coding scheme in the codingScheme
 * slot, the display name in Name.
 */
export interface Code {
  readonly code: string;
  readonly codingScheme: string;
  readonly displayName?: string;
}

export function codeFromClassification(c: Classification): Code {
  const code: { -readonly [K in keyof Code]: Code[K] } = {
    code: c.nodeRepresentation ?? "",
    codingScheme: slotValues(c, SLOT.codingScheme)?.[0] ?? "",
  };
  const display = firstText(c.name)?.value;
  if (display !== undefined) code.displayName = display;
  return code;
}

export function classificationFromCode(scheme: string, classifiedObject: string, code: Code, role: string): Classification {
  return {
    kind: "Classification",
    id: derivedUuid(classifiedObject, role),
    objectType: "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Classification",
    classificationScheme: scheme,
    classifiedObject,
    nodeRepresentation: code.code,
    slots: [{ name: SLOT.codingScheme, values: [code.codingScheme] }],
    ...(code.displayName !== undefined ? { name: [{ value: code.displayName }] } : {}),
    classifications: [],
    externalIdentifiers: [],
  };
}
