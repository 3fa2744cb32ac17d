import type { KeyObject } from "node:crypto";
import { SignedXml } from "xml-crypto";
import { allElements, attributeOf, attributesOf, childrenNamed, descendantsNamed, type DomDocument, type DomElement } from "./dom-elements.js";
import { ACCEPTED_DIGEST_METHODS, ACCEPTED_SIGNATURE_METHODS, ACCEPTED_TRANSFORMS, DSIG_ALGORITHM, XUA_NS } from "./xua-names.js";
import { XuaError } from "./xua-error.js";

/**
 * Verifies the enveloped XML-DSig signature of one saml2:Assertion (SAML 2.0 Core §5, XML-DSig Core §3.2) against
 * the trusted identity-provider keys only, and returns the canonical XML the signature covers: the caller reads the
 * claims from that text and from nothing else (the defence against signature wrapping that xml-crypto documents
 * for getSignedReferences, and the one OWASP's SAML guidance asks for).
 *
 * Before any cryptography, the signature's shape is checked against SAML 2.0 Core §5.4: one signature, a child of the
 * assertion, one Reference whose URI is "#" + the assertion's ID, the enveloped-signature and exclusive c14n
 * transforms, and accepted algorithms. The KeyInfo is never read: a key inside the message proves nothing.
 *
 * @param xml the text `document` was parsed from; xml-crypto parses it again and digests the element it finds by ID.
 */
export function verifyAssertionSignature(xml: string, document: DomDocument, assertion: DomElement, trustedKeys: readonly KeyObject[]): string {
  const signature = checkAssertionSignatureShape(document, assertion);

  let lastFailure: unknown;
  for (const key of trustedKeys) {
    // getCertFromKeyInfo returning null makes xml-crypto use publicCert only, never a certificate in KeyInfo.
    const signed = new SignedXml({ publicCert: key, getCertFromKeyInfo: () => null });
    let valid: boolean;
    try {
      signed.loadSignature(signature);
      valid = signed.checkSignature(xml);
    } catch (err) {
      // The signature value does not verify with this key: try the next trusted one.
      lastFailure = err;
      continue;
    }
    // xml-crypto digests the references before it checks the signature value, whatever the key: a digest that
    // differs means the assertion was changed after it was signed.
    if (!valid) throw new XuaError("XUA_BAD_SIGNATURE", "The assertion was changed after it was signed (its digest does not match)");
    const references = signed.getSignedReferences();
    if (references.length !== 1 || references[0] === undefined) {
      throw new XuaError("XUA_WRAPPED", "The signature does not cover exactly one element");
    }
    return references[0];
  }
  throw new XuaError("XUA_UNTRUSTED_SIGNER", "No trusted identity-provider certificate verifies the assertion's signature", { cause: lastFailure });
}

/** The shape rules of SAML 2.0 Core §5.4 for the assertion as it sits in `document`; returns its ds:Signature. */
export function checkAssertionSignatureShape(document: DomDocument, assertion: DomElement): DomElement {
  const id = attributeOf(assertion, "ID");
  // SAML 2.0 Core §2.3.3: ID is required, an xs:ID (an NCName, so never empty).
  if (id === undefined || !/^[A-Za-z_][\w.-]*$/.test(id)) throw new XuaError("XUA_MALFORMED", "The assertion has no valid ID attribute");
  const signature = signatureOf(assertion);
  rejectRepeatedId(document, id);
  checkSignedInfo(signature, id);
  return signature;
}

/** SAML 2.0 Core §5.4.1: the assertion's ds:Signature is its own child; a second one, or one deeper down, is refused. */
function signatureOf(assertion: DomElement): DomElement {
  const all = descendantsNamed(assertion, XUA_NS.ds, "Signature");
  const own = childrenNamed(assertion, XUA_NS.ds, "Signature");
  if (all.length === 0) throw new XuaError("XUA_UNSIGNED", "The assertion is not signed");
  if (all.length > 1 || own.length !== 1 || own[0] === undefined) {
    throw new XuaError("XUA_WRAPPED", "The assertion must carry exactly one enveloped signature, as its own child");
  }
  return own[0];
}

/**
 * XML-DSig references resolve "#id" through ID-typed attributes, and without a schema every ID/Id/id attribute counts
 * (xml-crypto's own rule): the same value twice would let the signature cover one element while another is read.
 */
function rejectRepeatedId(document: DomDocument, id: string): void {
  let seen = 0;
  for (const el of allElements(document)) {
    for (const attr of attributesOf(el)) {
      const local = attr.localName ?? attr.name;
      if ((local === "ID" || local === "Id" || local === "id") && attr.value === id) seen++;
    }
  }
  if (seen > 1) throw new XuaError("XUA_WRAPPED", "The assertion's ID appears more than once in the SOAP header");
}

function checkSignedInfo(signature: DomElement, id: string): void {
  const signedInfo = onlyChild(signature, "SignedInfo");
  const canonicalization = algorithmOf(onlyChild(signedInfo, "CanonicalizationMethod"));
  if (canonicalization !== DSIG_ALGORITHM.excC14n) {
    throw new XuaError("XUA_WEAK_ALGORITHM", `The canonicalization ${canonicalization} is not accepted: use exclusive c14n without comments (SAML 2.0 Core §5.4.3)`);
  }
  const method = algorithmOf(onlyChild(signedInfo, "SignatureMethod"));
  if (!ACCEPTED_SIGNATURE_METHODS.has(method)) throw new XuaError("XUA_WEAK_ALGORITHM", `The signature method ${method} is not accepted: use RSA-SHA256 or stronger`);

  const references = childrenNamed(signedInfo, XUA_NS.ds, "Reference");
  if (references.length !== 1 || references[0] === undefined) throw new XuaError("XUA_WRAPPED", "The signature must have exactly one Reference, to the assertion");
  const reference = references[0];
  // SAML 2.0 Core §5.4.2: the Reference URI is "#" + the assertion's ID; "" (the whole document) or another element is refused.
  if (attributeOf(reference, "URI") !== `#${id}`) throw new XuaError("XUA_WRAPPED", "The signature's Reference does not point to the assertion's ID");

  const transforms = childrenNamed(reference, XUA_NS.ds, "Transforms").flatMap((t) => childrenNamed(t, XUA_NS.ds, "Transform"));
  const algorithms = transforms.map(algorithmOf);
  // SAML 2.0 Core §5.4.4: enveloped-signature, then exclusive c14n (optionally with InclusiveNamespaces); nothing else.
  if (!algorithms.includes(DSIG_ALGORITHM.envelopedSignature) || algorithms.some((a) => !ACCEPTED_TRANSFORMS.has(a))) {
    throw new XuaError("XUA_WEAK_ALGORITHM", "The Reference's transforms must be enveloped-signature and exclusive c14n (SAML 2.0 Core §5.4.4)");
  }
  const digest = algorithmOf(onlyChild(reference, "DigestMethod"));
  if (!ACCEPTED_DIGEST_METHODS.has(digest)) throw new XuaError("XUA_WEAK_ALGORITHM", `The digest method ${digest} is not accepted: use SHA-256 or stronger`);
}

function onlyChild(parent: DomElement, local: string): DomElement {
  const found = childrenNamed(parent, XUA_NS.ds, local);
  if (found.length !== 1 || found[0] === undefined) throw new XuaError("XUA_MALFORMED", `The signature must have exactly one ds:${local}`);
  return found[0];
}

function algorithmOf(el: DomElement): string {
  const algorithm = attributeOf(el, "Algorithm");
  if (algorithm === undefined || algorithm === "") throw new XuaError("XUA_MALFORMED", `ds:${el.localName} has no Algorithm`);
  return algorithm;
}
