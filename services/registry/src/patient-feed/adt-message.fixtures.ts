import type { CodesConfig } from "@opendsp/ebxml";

/**
 * ITI-8 messages as IHE Connectathon tools (NIST PIX/PAT_IDENTITY_X_REF_MGR simulators, Gazelle) send them to an XDS
 * registry, for the tests. The affinity domain is the Connectathon's "IHERED" (&1.3.6.1.4.1.21367.13.20.1000&ISO);
 * PID-3 also carries a local id of another authority, which the registry must ignore.
 */
export const IHERED_AUTHORITY = "&1.3.6.1.4.1.21367.13.20.1000&ISO";

/** A codes configuration whose affinity domain accepts only IHERED ids. */
export const IHERED_CODES: CodesConfig = {
  codeTypes: new Map(),
  mimeTypes: [],
  assigningAuthorities: [{ id: IHERED_AUTHORITY, display: "IHERED" }],
};

export function domainId(id: string): string {
  return `${id}^^^${IHERED_AUTHORITY}`;
}

/** Segments joined with CR, the HL7 segment terminator. */
export function hl7(...segments: string[]): string {
  return segments.join("\r");
}

const MSH_PREFIX = "MSH|^~\\&|PAT_IDENTITY_X_REF_MGR_MISYS|ALLSCRIPTS|XDSb_REG|OPENDSP|20261122120000||";

export function adtA04(controlId: string, pid3 = `${domainId("PATID1234")}~X77^^^&9.9.9&ISO`, version = "2.3.1"): string {
  return hl7(
    `${MSH_PREFIX}ADT^A04^ADT_A01|${controlId}|P|${version}`,
    "EVN||20261122120000",
    `PID|||${pid3}||Muller^Anne||19600101|F|||12 rue de la Gare^^Luxembourg^^1611^LUX`,
    "PV1||O",
  );
}

export function adtA01(controlId: string, pid3 = domainId("PATID2001"), version = "2.5"): string {
  return hl7(
    `${MSH_PREFIX}ADT^A01^ADT_A01|${controlId}|P|${version}`,
    "EVN|A01|20261122120000",
    `PID|||${pid3}||Weber^Jean^^^^^L||19551212|M`,
    "PV1||I|CARDIO^101^1^CHL",
  );
}

export function adtA08(controlId: string, pid3 = domainId("PATID1234"), version = "2.3.1"): string {
  return hl7(
    `${MSH_PREFIX}ADT^A08^ADT_A01|${controlId}|P|${version}`,
    "EVN|A08|20261122121500",
    `PID|||${pid3}||Muller-Schmit^Anne||19600101|F`,
    "PV1||O",
  );
}

/** A40: PID-3 the surviving id, MRG-1 the subsumed one (ITI TF-2a 3.8.4.2). */
export function adtA40(controlId: string, surviving = domainId("PATID1234"), subsumed = domainId("PATID9999"), version = "2.3.1"): string {
  return hl7(
    `${MSH_PREFIX}ADT^A40^ADT_A39|${controlId}|P|${version}`,
    "EVN|A40|20261122123000",
    `PID|||${surviving}~X77^^^&9.9.9&ISO||Muller^Anne||19600101|F`,
    `MRG|${subsumed}~X78^^^&9.9.9&ISO`,
  );
}
