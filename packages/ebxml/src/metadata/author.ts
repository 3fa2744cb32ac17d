import { SLOT } from "../vocabulary.js";
import type { Classification, Slot } from "../rim/rim-types.js";
import { compact, derivedUuid, slot, slotValues } from "./rim-access.js";

/**
 * An author (ITI TF-3 4.2.3.1.4): a Classification with an empty nodeRepresentation whose slots carry the
 * person (XCN), institutions (XON), roles, specialties and telecommunications (XTN).
 */
export interface Author {
  readonly person?: string;
  readonly institutions: readonly string[];
  readonly roles: readonly string[];
  readonly specialties: readonly string[];
  readonly telecommunications: readonly string[];
}

export function authorFromClassification(c: Classification): Author {
  const author: { -readonly [K in keyof Author]: Author[K] } = {
    institutions: slotValues(c, SLOT.authorInstitution) ?? [],
    roles: slotValues(c, SLOT.authorRole) ?? [],
    specialties: slotValues(c, SLOT.authorSpecialty) ?? [],
    telecommunications: slotValues(c, SLOT.authorTelecommunication) ?? [],
  };
  const person = slotValues(c, SLOT.authorPerson)?.[0];
  if (person !== undefined) author.person = person;
  return author;
}

export function classificationFromAuthor(scheme: string, classifiedObject: string, a: Author, role: string): Classification {
  const many = (name: string, values: readonly string[]): Slot | undefined => (values.length ? slot(name, values) : undefined);
  return {
    kind: "Classification",
    id: derivedUuid(classifiedObject, role),
    objectType: "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Classification",
    classificationScheme: scheme,
    classifiedObject,
    nodeRepresentation: "",
    slots: compact([
      slot(SLOT.authorPerson, a.person),
      many(SLOT.authorInstitution, a.institutions),
      many(SLOT.authorRole, a.roles),
      many(SLOT.authorSpecialty, a.specialties),
      many(SLOT.authorTelecommunication, a.telecommunications),
    ]),
    classifications: [],
    externalIdentifiers: [],
  };
}
