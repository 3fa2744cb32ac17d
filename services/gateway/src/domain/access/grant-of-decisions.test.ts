import type { Actor } from "@opendsp/platform";
import { describe, expect, it } from "vitest";
import type { ConsentDecision } from "./consent-decisions.client.js";
import { grantOfDecisions } from "./grant-of-decisions.js";

const permit = (basis: string | undefined, emergency = false): ConsentDecision => ({
  decision: "permit",
  ...(basis === undefined ? {} : { basis }),
  emergency,
  maskedDocumentUniqueIds: [],
  authorExemption: false,
  rulesVersion: 1,
});
const doctor: Actor = { kind: "professional", id: "dr-1", roles: ["doctor"] };

describe("grantOfDecisions", () => {
  it("names the permitting decision's basis", () => {
    expect(grantOfDecisions(doctor, [permit("trust-circle")])).toEqual({ basis: "trust-circle", emergency: false });
    expect(grantOfDecisions({ kind: "patient", id: "P1" }, [permit("patient")])).toEqual({ basis: "patient", emergency: false });
  });

  it("is 'system' for a system authenticated by mutual TLS", () => {
    expect(grantOfDecisions({ kind: "system", id: "lab-1" }, [])).toEqual({ basis: "system", emergency: false });
  });

  it("flags a break-the-glass permit among several, whatever the others", () => {
    expect(grantOfDecisions(doctor, [permit("referring-doctor"), permit("emergency", true)])).toEqual({ basis: "emergency", emergency: true });
  });

  it("is undefined when nothing was permitted, or no permit names a known basis", () => {
    expect(grantOfDecisions(doctor, [])).toBeUndefined();
    expect(grantOfDecisions(doctor, [permit(undefined), permit("friendship")])).toBeUndefined();
  });
});
