/**
 * Namespaces, attribute names and algorithm identifiers of an XUA assertion (IHE ITI TF-2b 3.40, ITI TF-3 3.40),
 * in one place so that the verifier and the minter cannot drift apart.
 */

export const XUA_NS = {
  /** SAML 2.0 Core §2: saml2:Assertion and everything in it. */
  saml2: "urn:oasis:names:tc:SAML:2.0:assertion",
  /** WSS 1.1 SOAP Message Security §5: wsse:Security (WSS 1.1 keeps the 1.0 namespace for it). */
  wsse: "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
  /** XML-DSig Core §4. */
  ds: "http://www.w3.org/2000/09/xmldsig#",
  /** HL7 v3: the hl7:Role and hl7:PurposeOfUse values of ITI TF-2b 3.40.4.1.2. */
  hl7: "urn:hl7-org:v3",
  xsi: "http://www.w3.org/2001/XMLSchema-instance",
  xs: "http://www.w3.org/2001/XMLSchema",
} as const;

/** The attributes an XUA X-Service User may assert (ITI TF-2b 3.40.4.1.2, subject and resource attributes). */
export const XUA_ATTRIBUTE = {
  subjectName: "urn:oasis:names:tc:xspa:1.0:subject:subject-id",
  organization: "urn:oasis:names:tc:xspa:1.0:subject:organization",
  organizationId: "urn:oasis:names:tc:xspa:1.0:subject:organization-id",
  role: "urn:oasis:names:tc:xacml:2.0:subject:role",
  purposeOfUse: "urn:oasis:names:tc:xspa:1.0:subject:purposeofuse",
  patientId: "urn:oasis:names:tc:xacml:2.0:resource:resource-id",
} as const;

/** SAML 2.0 Core §8.2.2: attribute names that are URIs. */
export const ATTRNAME_FORMAT_URI = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri";

/** SAML 2.0 Core §8.3.6: a NameID that is an e-mail-like or otherwise unspecified string. */
export const NAMEID_FORMAT_UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

/** SAML 2.0 Profiles §3.3: the bearer subject confirmation method. */
export const CONFIRMATION_BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

export const DSIG_ALGORITHM = {
  /** Exclusive XML Canonicalization 1.0, without comments: SAML 2.0 Core §5.4.3 and §5.4.4. */
  excC14n: "http://www.w3.org/2001/10/xml-exc-c14n#",
  envelopedSignature: "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
  rsaSha1: "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
  rsaSha256: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
  rsaSha512: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
  sha1: "http://www.w3.org/2000/09/xmldsig#sha1",
  sha256: "http://www.w3.org/2001/04/xmlenc#sha256",
  sha512: "http://www.w3.org/2001/04/xmlenc#sha512",
} as const;

/** RSA with SHA-256 or stronger (RFC 6931 §2.3); RSA-SHA1 is collision-prone and refused. */
export const ACCEPTED_SIGNATURE_METHODS: ReadonlySet<string> = new Set([DSIG_ALGORITHM.rsaSha256, DSIG_ALGORITHM.rsaSha512]);
export const ACCEPTED_DIGEST_METHODS: ReadonlySet<string> = new Set([DSIG_ALGORITHM.sha256, DSIG_ALGORITHM.sha512]);
/** SAML 2.0 Core §5.4.4: the enveloped-signature transform and exclusive canonicalization, nothing else. */
export const ACCEPTED_TRANSFORMS: ReadonlySet<string> = new Set([DSIG_ALGORITHM.envelopedSignature, DSIG_ALGORITHM.excC14n]);
