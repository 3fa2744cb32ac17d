import { attributeOf, childElements, childrenNamed, isNamed, parseStrictXml, textOf, type DomElement } from "./dom-elements.js";
import type { XuaCode, XuaIdentity } from "./xua-identity.js";
import { XUA_ATTRIBUTE, XUA_NS } from "./xua-names.js";
import { XuaError } from "./xua-error.js";

export interface ClaimChecks {
  readonly assertionId: string;
  readonly audiences: ReadonlySet<string>;
  readonly now: Date;
  readonly clockSkewSeconds: number;
}

/**
 * When the assertion may be used, before clock skew: from the latest NotBefore to the earliest NotOnOrAfter of its
 * Conditions and bearer SubjectConfirmationData (SAML 2.0 Core §2.5.1.2, §2.4.1.2). -Infinity: no NotBefore.
 */
export interface ValidityWindow {
  readonly notBeforeMs: number;
  readonly notOnOrAfterMs: number;
}

export interface AssertionClaims {
  readonly identity: XuaIdentity;
  readonly validity: ValidityWindow;
}

/**
 * Reads and checks the claims of an assertion from the canonical XML its signature covers (never from the message):
 * Issuer, Subject, Conditions (SAML 2.0 Core §2.5.1) and the XUA attributes (ITI TF-2b 3.40.4.1.2). Also gives the
 * assertion's validity window, for a caller that checks it again later without reading the assertion.
 */
export function readAssertionClaims(signedXml: string, checks: ClaimChecks): AssertionClaims {
  const assertion = parseStrictXml(signedXml, (why) => new XuaError("XUA_MALFORMED", `The signed assertion cannot be read (${why})`)).root;
  // What was signed must be the very assertion that was found in the header, nothing else.
  if (!isNamed(assertion, XUA_NS.saml2, "Assertion") || attributeOf(assertion, "ID") !== checks.assertionId) {
    throw new XuaError("XUA_WRAPPED", "The signature does not cover the assertion found in the header");
  }
  if (attributeOf(assertion, "Version") !== "2.0") throw new XuaError("XUA_MALFORMED", "The assertion is not a SAML 2.0 assertion (Version must be 2.0)");

  // SAML 2.0 Core §2.3.3: Issuer is required and first.
  const issuer = optionalText(assertion, "Issuer");
  if (issuer === undefined) throw new XuaError("XUA_MISSING_ISSUER", "The assertion has no Issuer");

  // ITI TF-2b 3.40.4.1.2: the Subject's NameID identifies the user.
  const subject = single(assertion, "Subject");
  const subjectId = subject === undefined ? undefined : optionalText(subject, "NameID");
  if (subject === undefined || subjectId === undefined) throw new XuaError("XUA_MISSING_SUBJECT", "The assertion has no Subject NameID");

  // SAML 2.0 Core §2.4.1.2: a SubjectConfirmationData validity window limits the assertion further (the bearer's, for XUA).
  let notBeforeMs = Number.NEGATIVE_INFINITY;
  let notOnOrAfterMs = Number.POSITIVE_INFINITY;
  const narrow = (notBefore: Date | undefined, notOnOrAfter: Date | undefined): void => {
    if (notBefore !== undefined) notBeforeMs = Math.max(notBeforeMs, notBefore.getTime());
    if (notOnOrAfter !== undefined) notOnOrAfterMs = Math.min(notOnOrAfterMs, notOnOrAfter.getTime());
  };
  for (const confirmation of childrenNamed(subject, XUA_NS.saml2, "SubjectConfirmation")) {
    for (const data of childrenNamed(confirmation, XUA_NS.saml2, "SubjectConfirmationData")) {
      const notBefore = instantOf(data, "NotBefore");
      const notOnOrAfter = instantOf(data, "NotOnOrAfter");
      checkWindow(notBefore, notOnOrAfter, checks, "subject confirmation");
      narrow(notBefore, notOnOrAfter);
    }
  }
  const { notBefore, notOnOrAfter } = checkConditions(assertion, checks);
  narrow(notBefore, notOnOrAfter);
  const attributes = samlAttributesOf(assertion);
  const subjectName = singleValue(attributes, XUA_ATTRIBUTE.subjectName);
  const organization = singleValue(attributes, XUA_ATTRIBUTE.organization);
  const organizationId = singleValue(attributes, XUA_ATTRIBUTE.organizationId);
  const patientId = singleValue(attributes, XUA_ATTRIBUTE.patientId);
  const purposeOfUse = singleCode(attributes, XUA_ATTRIBUTE.purposeOfUse);
  const roles = (attributes.get(XUA_ATTRIBUTE.role) ?? []).map((v) => codeOf(v, XUA_ATTRIBUTE.role));
  const identity: XuaIdentity = {
    assertionId: checks.assertionId,
    issuer,
    notOnOrAfter,
    subjectId,
    roles,
    ...(subjectName === undefined ? {} : { subjectName }),
    ...(organization === undefined ? {} : { organization }),
    ...(organizationId === undefined ? {} : { organizationId }),
    ...(purposeOfUse === undefined ? {} : { purposeOfUse }),
    ...(patientId === undefined ? {} : { patientId }),
  };
  return { identity, validity: { notBeforeMs, notOnOrAfterMs } };
}

/**
 * SAML 2.0 Core §2.5.1.2: valid from NotBefore (inclusive) until NotOnOrAfter (exclusive), with the allowed clock
 * skew both ways. NotOnOrAfter is required here: an assertion that never expires would be a password.
 * §2.5.1.4: every AudienceRestriction must name one of our audiences.
 */
function checkConditions(assertion: DomElement, checks: ClaimChecks): { notBefore: Date | undefined; notOnOrAfter: Date } {
  const conditions = single(assertion, "Conditions");
  if (conditions === undefined) throw new XuaError("XUA_MALFORMED", "The assertion has no Conditions (validity period and audience)");
  const notOnOrAfter = instantOf(conditions, "NotOnOrAfter");
  if (notOnOrAfter === undefined) throw new XuaError("XUA_MALFORMED", "The assertion's Conditions have no NotOnOrAfter");
  const notBefore = instantOf(conditions, "NotBefore");
  checkWindow(notBefore, notOnOrAfter, checks, "assertion");

  const restrictions = childrenNamed(conditions, XUA_NS.saml2, "AudienceRestriction");
  if (restrictions.length === 0) throw new XuaError("XUA_WRONG_AUDIENCE", "The assertion has no AudienceRestriction");
  for (const restriction of restrictions) {
    const audiences = childrenNamed(restriction, XUA_NS.saml2, "Audience").map(textOf);
    if (!audiences.some((a) => checks.audiences.has(a))) throw new XuaError("XUA_WRONG_AUDIENCE", "The assertion is meant for another audience");
  }
  return { notBefore, notOnOrAfter };
}

function checkWindow(notBefore: Date | undefined, notOnOrAfter: Date | undefined, checks: ClaimChecks, what: string): void {
  const now = checks.now.getTime();
  const skew = checks.clockSkewSeconds * 1000;
  if (notBefore !== undefined && now + skew < notBefore.getTime()) throw new XuaError("XUA_NOT_YET_VALID", `The ${what} is valid from ${notBefore.toISOString()} only`);
  if (notOnOrAfter !== undefined && now - skew >= notOnOrAfter.getTime()) throw new XuaError("XUA_EXPIRED", `The ${what} expired at ${notOnOrAfter.toISOString()}`);
}

/** SAML 2.0 Core §1.3.3: xs:dateTime in UTC. A value that is not a date is refused, never read as "no limit". */
function instantOf(el: DomElement, name: string): Date | undefined {
  const value = attributeOf(el, name);
  if (value === undefined) return undefined;
  const date = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value.trim()) ? new Date(value.trim()) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) throw new XuaError("XUA_MALFORMED", `${el.localName}/@${name} is not an xs:dateTime`);
  return date;
}

/** Attribute name -> its AttributeValue elements, over every AttributeStatement. */
function samlAttributesOf(assertion: DomElement): Map<string, DomElement[]> {
  const map = new Map<string, DomElement[]>();
  for (const statement of childrenNamed(assertion, XUA_NS.saml2, "AttributeStatement")) {
    for (const attribute of childrenNamed(statement, XUA_NS.saml2, "Attribute")) {
      const name = attributeOf(attribute, "Name")?.trim();
      if (!name) throw new XuaError("XUA_MALFORMED", "An assertion Attribute has no Name");
      const values = childrenNamed(attribute, XUA_NS.saml2, "AttributeValue");
      map.set(name, [...(map.get(name) ?? []), ...values]);
    }
  }
  return map;
}

/** A single-valued attribute: two values would leave the choice to the reader, so they are refused. */
function singleElement(attributes: ReadonlyMap<string, DomElement[]>, name: string): DomElement | undefined {
  const values = attributes.get(name) ?? [];
  if (values.length > 1) throw new XuaError("XUA_MALFORMED", `The attribute ${name} has more than one value`);
  return values[0];
}

function singleValue(attributes: ReadonlyMap<string, DomElement[]>, name: string): string | undefined {
  const value = singleElement(attributes, name);
  if (value === undefined) return undefined;
  const text = textOf(value);
  if (text === "") throw new XuaError("XUA_MALFORMED", `The attribute ${name} is empty`);
  return text;
}

function singleCode(attributes: ReadonlyMap<string, DomElement[]>, name: string): XuaCode | undefined {
  const value = singleElement(attributes, name);
  return value === undefined ? undefined : codeOf(value, name);
}

/** ITI TF-2b 3.40.4.1.2: hl7:Role / hl7:PurposeOfUse (an HL7 v3 CE with code and codeSystem), or a plain string. */
function codeOf(value: DomElement, name: string): XuaCode {
  const coded = childElements(value);
  if (coded.length === 0) {
    const text = textOf(value);
    if (text === "") throw new XuaError("XUA_MALFORMED", `The attribute ${name} is empty`);
    return { code: text };
  }
  const ce = coded[0];
  if (coded.length > 1 || ce === undefined || ce.namespaceURI !== XUA_NS.hl7) throw new XuaError("XUA_MALFORMED", `The attribute ${name} must hold one HL7 v3 coded value`);
  const code = attributeOf(ce, "code")?.trim();
  if (!code) throw new XuaError("XUA_MALFORMED", `The attribute ${name} has a coded value without a code`);
  const optional = (attr: string): Record<string, string> => {
    const v = attributeOf(ce, attr)?.trim();
    return v ? { [attr]: v } : {};
  };
  return { code, ...optional("codeSystem"), ...optional("codeSystemName"), ...optional("displayName") };
}

function single(parent: DomElement, local: string): DomElement | undefined {
  const found = childrenNamed(parent, XUA_NS.saml2, local);
  if (found.length > 1) throw new XuaError("XUA_MALFORMED", `The assertion has more than one ${local}`);
  return found[0];
}

function optionalText(parent: DomElement, local: string): string | undefined {
  const el = single(parent, local);
  const text = el === undefined ? "" : textOf(el);
  return text === "" ? undefined : text;
}
