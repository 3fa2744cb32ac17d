import { describe, expect, it } from "vitest";
import { patientOfConsentWrite } from "./api-caller.js";

describe("the patient whose consent rules a JSON API call changes", () => {
  it("is the decoded path patient of a write; reads and other paths change nobody's rules", () => {
    const encoded = encodeURIComponent("P1^^^&1.2.3&ISO");
    expect(patientOfConsentWrite("PUT", `/api/consent/patients/${encoded}/trust-circle/dr-1`)).toBe("P1^^^&1.2.3&ISO");
    expect(patientOfConsentWrite("POST", `/api/consent/patients/${encoded}/record/close`)).toBe("P1^^^&1.2.3&ISO");
    expect(patientOfConsentWrite("GET", `/api/consent/patients/${encoded}/trust-circle`)).toBeUndefined();
    expect(patientOfConsentWrite("POST", "/api/consent/decisions")).toBeUndefined();
    expect(patientOfConsentWrite("DELETE", "/api/consent/patients/%E0%A4%A/x")).toBeUndefined();
  });
});
