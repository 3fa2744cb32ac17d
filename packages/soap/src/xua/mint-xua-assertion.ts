import { randomUUID } from "node:crypto";
import { signAssertion } from "./assertion.signer.js";
import type { XuaCode } from "./xua-identity.js";
import { ATTRNAME_FORMAT_URI, CONFIRMATION_BEARER, NAMEID_FORMAT_UNSPECIFIED, XUA_ATTRIBUTE, XUA_NS } from "./xua-names.js";
import { XuaError } from "./xua-error.js";

export interface MintXuaAssertionOptions {
  /** saml2:Issuer: the identity provider's name. */
  readonly issuer: string;
  /** PEM private key that signs the assertion. */
  readonly signingKeyPem: string;
  /** PEM certificate of that key, put in KeyInfo for the receiver's information. */
  readonly certificatePem?: string;
  readonly subjectId: string;
  readonly subjectName?: string;
  /** hl7:Role values (code and codeSystem), or plain strings. */
  readonly roles: readonly (XuaCode | string)[];
  readonly organization?: string;
  readonly organizationId?: string;
  /** hl7:PurposeOfUse, or a plain string; EMERGENCY asks for break-the-glass access. */
  readonly purposeOfUse?: XuaCode | string;
  /** The patient, a CX string like `ID^^^&OID&ISO`. */
  readonly patientId?: string;
  readonly audience: string;
  readonly lifetimeSeconds: number;
  readonly now?: Date;
  /** Defaults to a fresh "_" + UUID. */
  readonly assertionId?: string;
}

/**
 * A signed XUA assertion (ITI TF-2b 3.40.4.1.2) as a standalone XML string without an XML declaration, ready for a
 * wsse:Security header: what a development identity provider hands out, and what tests send. It is valid from one
 * second before `now` until `now + lifetimeSeconds`.
 */
export function mintXuaAssertion(options: MintXuaAssertionOptions): string {
  if (!Number.isFinite(options.lifetimeSeconds) || options.lifetimeSeconds <= 0) throw new XuaError("XUA_CONFIG", "lifetimeSeconds must be a positive number");
  for (const [name, value] of [["issuer", options.issuer], ["subjectId", options.subjectId], ["audience", options.audience]] as const) {
    if (value.trim() === "") throw new XuaError("XUA_CONFIG", `${name} must not be empty`);
  }
  const now = options.now ?? new Date();
  const id = options.assertionId ?? `_${randomUUID()}`;
  const instant = (ms: number): string => new Date(ms).toISOString();
  const attributes = [
    stringAttribute(XUA_ATTRIBUTE.subjectName, options.subjectName),
    stringAttribute(XUA_ATTRIBUTE.organization, options.organization),
    stringAttribute(XUA_ATTRIBUTE.organizationId, options.organizationId),
    options.roles.length === 0 ? "" : attribute(XUA_ATTRIBUTE.role, options.roles.map((r) => codedValue("Role", r)).join("")),
    options.purposeOfUse === undefined ? "" : attribute(XUA_ATTRIBUTE.purposeOfUse, codedValue("PurposeOfUse", options.purposeOfUse)),
    stringAttribute(XUA_ATTRIBUTE.patientId, options.patientId),
  ].join("");
  const xml =
    `<saml2:Assertion xmlns:saml2="${XUA_NS.saml2}" xmlns:xs="${XUA_NS.xs}" xmlns:xsi="${XUA_NS.xsi}" ` +
    `ID="${escape(id)}" IssueInstant="${instant(now.getTime())}" Version="2.0">` +
    `<saml2:Issuer>${escape(options.issuer)}</saml2:Issuer>` +
    `<saml2:Subject><saml2:NameID Format="${NAMEID_FORMAT_UNSPECIFIED}">${escape(options.subjectId)}</saml2:NameID>` +
    `<saml2:SubjectConfirmation Method="${CONFIRMATION_BEARER}"/></saml2:Subject>` +
    `<saml2:Conditions NotBefore="${instant(now.getTime() - 1000)}" NotOnOrAfter="${instant(now.getTime() + options.lifetimeSeconds * 1000)}">` +
    `<saml2:AudienceRestriction><saml2:Audience>${escape(options.audience)}</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions>` +
    `<saml2:AuthnStatement AuthnInstant="${instant(now.getTime())}"><saml2:AuthnContext>` +
    `<saml2:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified</saml2:AuthnContextClassRef>` +
    `</saml2:AuthnContext></saml2:AuthnStatement>` +
    (attributes === "" ? "" : `<saml2:AttributeStatement>${attributes}</saml2:AttributeStatement>`) +
    `</saml2:Assertion>`;
  return signAssertion(xml, {
    keyPem: options.signingKeyPem,
    ...(options.certificatePem === undefined ? {} : { certificatePem: options.certificatePem }),
  });
}

function attribute(name: string, values: string): string {
  return `<saml2:Attribute Name="${name}" NameFormat="${ATTRNAME_FORMAT_URI}">${values}</saml2:Attribute>`;
}

function stringAttribute(name: string, value: string | undefined): string {
  return value === undefined ? "" : attribute(name, `<saml2:AttributeValue xsi:type="xs:string">${escape(value)}</saml2:AttributeValue>`);
}

/** ITI TF-2b 3.40.4.1.2: hl7:Role and hl7:PurposeOfUse are HL7 v3 CE values inside the AttributeValue. */
function codedValue(element: "Role" | "PurposeOfUse", value: XuaCode | string): string {
  if (typeof value === "string") return `<saml2:AttributeValue xsi:type="xs:string">${escape(value)}</saml2:AttributeValue>`;
  const attrs = (["code", "codeSystem", "codeSystemName", "displayName"] as const)
    .map((k) => (value[k] === undefined ? "" : ` ${k}="${escape(value[k])}"`))
    .join("");
  return `<saml2:AttributeValue><hl7:${element} xmlns:hl7="${XUA_NS.hl7}" xsi:type="hl7:CE"${attrs}/></saml2:AttributeValue>`;
}

function escape(text: string): string {
  // Character references keep tabs and line breaks in attribute values (XML 1.0 §3.3.3 would normalise them).
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}
