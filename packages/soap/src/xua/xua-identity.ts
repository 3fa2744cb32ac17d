/** A coded value of an XUA attribute: hl7:Role or hl7:PurposeOfUse (HL7 v3 CE), or a plain string as `code`. */
export interface XuaCode {
  readonly code: string;
  readonly codeSystem?: string;
  readonly codeSystemName?: string;
  readonly displayName?: string;
}

/**
 * The claims of a verified XUA assertion (ITI TF-2b 3.40.4.1.2), read only from the element the signature covers.
 * It holds patient identifiers and names: never log it.
 */
export interface XuaIdentity {
  /** saml2:Assertion/@ID. */
  readonly assertionId: string;
  /** saml2:Issuer: the identity provider. */
  readonly issuer: string;
  /** saml2:Conditions/@NotOnOrAfter. */
  readonly notOnOrAfter: Date;
  /** saml2:Subject/saml2:NameID. */
  readonly subjectId: string;
  /** urn:oasis:names:tc:xspa:1.0:subject:subject-id: the user's name in plain text. */
  readonly subjectName?: string;
  /** urn:oasis:names:tc:xacml:2.0:subject:role, every value. */
  readonly roles: readonly XuaCode[];
  /** urn:oasis:names:tc:xspa:1.0:subject:organization. */
  readonly organization?: string;
  /** urn:oasis:names:tc:xspa:1.0:subject:organization-id. */
  readonly organizationId?: string;
  /** urn:oasis:names:tc:xspa:1.0:subject:purposeofuse; code EMERGENCY asks for break-the-glass access. */
  readonly purposeOfUse?: XuaCode;
  /** urn:oasis:names:tc:xacml:2.0:resource:resource-id: the patient, a CX string like `ID^^^&OID&ISO`. */
  readonly patientId?: string;
}

/** The purpose of use that asks for emergency (break-the-glass) access. */
export const EMERGENCY_PURPOSE_OF_USE = "EMERGENCY";

export function isEmergencyAccess(identity: XuaIdentity): boolean {
  return identity.purposeOfUse?.code === EMERGENCY_PURPOSE_OF_USE;
}
