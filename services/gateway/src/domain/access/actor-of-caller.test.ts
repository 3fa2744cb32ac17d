import { describe, expect, it } from "vitest";
import { actorOfCaller, declaredPatientOf, rolesFromConfig } from "./actor-of-caller.js";

const roles = rolesFromConfig("patient,116154003", "representative");
const PATIENT = "P1^^^&1.2.3&ISO";
const identity = (codes: string[], extra: Record<string, unknown> = {}) => ({
  assertionId: "_a",
  issuer: "idp",
  notOnOrAfter: new Date(),
  subjectId: "subject-1",
  roles: codes.map((code) => ({ code })),
  ...extra,
});
const lab = { id: "lab-1", name: "Lab", organizationId: "1.2.3", kind: "laboratory" as const };

describe("the acting party of a request", () => {
  it("is the user of the assertion, by role: patient, representative or professional", () => {
    expect(actorOfCaller(identity(["116154003"], { subjectId: PATIENT }), undefined, roles)).toEqual({ kind: "patient", id: PATIENT });
    expect(actorOfCaller(identity(["representative"], { patientId: PATIENT }), undefined, roles)).toEqual({ kind: "representative", id: "subject-1", roles: ["representative"], patientId: PATIENT });
    expect(actorOfCaller(identity(["emergency"], { purposeOfUse: { code: "EMERGENCY" }, organizationId: "org-1", patientId: PATIENT }), lab, roles)).toEqual({
      kind: "professional",
      id: "subject-1",
      roles: ["emergency"],
      purposeOfUse: "EMERGENCY",
      organizationId: "org-1",
      patientId: PATIENT,
    });
  });

  it("is the system when mutual TLS authenticated one and no user came; nobody otherwise", () => {
    expect(actorOfCaller(undefined, lab, roles)).toEqual({ kind: "system", id: "lab-1", organizationId: "1.2.3" });
    expect(actorOfCaller(undefined, undefined, roles)).toBeUndefined();
  });

  it("declares the patient: the patient's own id, else the assertion's resource-id", () => {
    expect(declaredPatientOf({ kind: "patient", id: PATIENT })).toBe(PATIENT);
    expect(declaredPatientOf({ kind: "professional", id: "dr", patientId: PATIENT })).toBe(PATIENT);
    expect(declaredPatientOf({ kind: "professional", id: "dr" })).toBeUndefined();
  });
});
