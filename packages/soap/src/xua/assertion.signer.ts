import { SignedXml } from "xml-crypto";
import { DSIG_ALGORITHM } from "./xua-names.js";

export interface SignAssertionOptions {
  /** PEM private key of the identity provider. */
  readonly keyPem: string;
  /** PEM certificate, published in KeyInfo/X509Data for the receiver's information (a verifier must not trust it). */
  readonly certificatePem?: string;
  /** Defaults to RSA-SHA256. */
  readonly signatureAlgorithm?: string;
  /** Defaults to SHA-256. */
  readonly digestAlgorithm?: string;
  /** Reference the whole document with URI="" instead of "#" + ID (never valid for SAML; to test verifiers). */
  readonly emptyReferenceUri?: boolean;
}

/**
 * Signs a standalone saml2:Assertion the way SAML 2.0 Core §5.4 asks: an enveloped signature placed right after
 * saml2:Issuer (the schema's order, §2.3.3), one Reference to the assertion's ID, the enveloped-signature and
 * exclusive c14n transforms.
 */
export function signAssertion(assertionXml: string, options: SignAssertionOptions): string {
  const signer = new SignedXml({
    privateKey: options.keyPem,
    ...(options.certificatePem === undefined ? {} : { publicCert: options.certificatePem }),
    signatureAlgorithm: options.signatureAlgorithm ?? DSIG_ALGORITHM.rsaSha256,
    canonicalizationAlgorithm: DSIG_ALGORITHM.excC14n,
  });
  signer.addReference({
    xpath: "/*",
    transforms: [DSIG_ALGORITHM.envelopedSignature, DSIG_ALGORITHM.excC14n],
    digestAlgorithm: options.digestAlgorithm ?? DSIG_ALGORITHM.sha256,
    ...(options.emptyReferenceUri === true ? { isEmptyUri: true } : {}),
  });
  signer.computeSignature(assertionXml, {
    prefix: "ds",
    location: { reference: "/*/*[local-name(.)='Issuer']", action: "after" },
  });
  return signer.getSignedXml();
}
