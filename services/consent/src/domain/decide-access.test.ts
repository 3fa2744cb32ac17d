import { describe, expect, it } from "vitest";
import type { Actor } from "./actor.js";
import { decideAccess, type AccessAction, type DecisionBasis, type DenyReason } from "./decide-access.js";
import { defaultRules, type PatientRules, type RecordState } from "./patient-rules.js";

const PATIENT = "123^^^&1.3.6.1.4.1.21367.2005.13.20.1000&ISO";
const NOW = new Date("2026-12-05T10:00:00Z");
const POLICY = { emergencyRoles: ["emergency"] };

/** One patient's rules naming every kind of relationship the matrix exercises. */
function rulesFor(recordState: RecordState, overrides: Partial<PatientRules> = {}): PatientRules {
  return {
    ...defaultRules(PATIENT),
    recordState,
    referringDoctor: "dr-referring",
    trustCircle: ["dr-trusted", "dr-blacklisted"],
    blacklist: ["dr-blacklisted"],
    maskedDocumentUniqueIds: ["1.2.3.4.5"],
    representatives: [
      { personId: "rep-legal", rights: ["read"], relation: "legal-representative" },
      { personId: "rep-companion", rights: [], relation: "companion" },
    ],
    presenceGrants: [
      { professionalId: "dr-present", startsAt: new Date("2026-12-05T08:00:00Z"), endsAt: new Date("2026-12-05T20:00:00Z") },
      { professionalId: "dr-was-present", startsAt: new Date("2026-12-04T08:00:00Z"), endsAt: new Date("2026-12-04T20:00:00Z") },
    ],
    rulesVersion: 7,
    ...overrides,
  };
}

const emergencyProfessional: Actor = { kind: "professional", id: "dr-er", roles: ["emergency"], purposeOfUse: "EMERGENCY" };

const ACTORS = {
  "referring doctor": { actor: { kind: "professional", id: "dr-referring" } },
  "trust-circle professional": { actor: { kind: "professional", id: "dr-trusted" } },
  "professional with a valid presence grant": { actor: { kind: "professional", id: "dr-present" } },
  "professional with an expired presence grant": { actor: { kind: "professional", id: "dr-was-present" } },
  "blacklisted professional in the trust circle": { actor: { kind: "professional", id: "dr-blacklisted" } },
  "blacklisted professional who is the referring doctor": {
    actor: { kind: "professional", id: "dr-blacklisted" },
    rules: { referringDoctor: "dr-blacklisted" },
  },
  "blacklisted professional in emergency": {
    actor: { ...emergencyProfessional, id: "dr-blacklisted" },
  },
  "emergency professional": { actor: emergencyProfessional },
  "emergency professional, patient refused emergency access": { actor: emergencyProfessional, rules: { emergencyRefused: true } },
  "emergency role without purpose EMERGENCY": { actor: { kind: "professional", id: "dr-er", roles: ["emergency"], purposeOfUse: "TREATMENT" } },
  "unrelated professional": { actor: { kind: "professional", id: "dr-stranger" } },
  "laboratory system": { actor: { kind: "system", id: "lab-system", organizationId: "lab" } },
  "the patient": { actor: { kind: "patient", id: PATIENT } },
  "another patient": { actor: { kind: "patient", id: "999^^^&1.3.6.1.4.1.21367.2005.13.20.1000&ISO" } },
  "legal representative with read": { actor: { kind: "representative", id: "rep-legal" } },
  "companion without read": { actor: { kind: "representative", id: "rep-companion" } },
  "representative with manage": {
    actor: { kind: "representative", id: "rep-manager" },
    rules: { representatives: [{ personId: "rep-manager", rights: ["read", "manage"], relation: "legal-representative" }] },
  },
} satisfies Record<string, { actor: Actor; rules?: Partial<PatientRules> }>;

type Outcome = `permit:${DecisionBasis}` | `deny:${DenyReason}`;
type Row = readonly [actor: keyof typeof ACTORS, readOpen: Outcome, publishOpen: Outcome, readClosed: Outcome, publishClosed: Outcome];

// The expected answer of every cell: actor x (read, publish) x (open, closed).
const MATRIX: readonly Row[] = [
  //  actor                                                          read/open                  publish/open               read/closed              publish/closed
  ["referring doctor",                                              "permit:referring-doctor", "permit:referring-doctor", "deny:record-closed",    "deny:record-closed"],
  ["trust-circle professional",                                     "permit:trust-circle",     "permit:trust-circle",     "deny:record-closed",    "deny:record-closed"],
  ["professional with a valid presence grant",                      "permit:presence-grant",   "permit:presence-grant",   "deny:record-closed",    "deny:record-closed"],
  ["professional with an expired presence grant",                   "deny:no-relationship",    "deny:no-relationship",    "deny:record-closed",    "deny:record-closed"],
  ["blacklisted professional in the trust circle",                  "deny:blacklisted",        "deny:blacklisted",        "deny:record-closed",    "deny:record-closed"],
  ["blacklisted professional who is the referring doctor",          "deny:blacklisted",        "deny:blacklisted",        "deny:record-closed",    "deny:record-closed"],
  ["blacklisted professional in emergency",                         "deny:blacklisted",        "deny:blacklisted",        "deny:record-closed",    "deny:record-closed"],
  ["emergency professional",                                        "permit:emergency",        "deny:no-relationship",    "deny:record-closed",    "deny:record-closed"],
  ["emergency professional, patient refused emergency access",      "deny:emergency-refused",  "deny:no-relationship",    "deny:record-closed",    "deny:record-closed"],
  ["emergency role without purpose EMERGENCY",                      "deny:no-relationship",    "deny:no-relationship",    "deny:record-closed",    "deny:record-closed"],
  ["unrelated professional",                                        "deny:no-relationship",    "deny:no-relationship",    "deny:record-closed",    "deny:record-closed"],
  ["laboratory system",                                             "deny:system-cannot-read", "permit:system",           "deny:system-cannot-read", "deny:record-closed"],
  ["the patient",                                                   "permit:patient",          "permit:patient",          "permit:patient",        "deny:record-closed"],
  ["another patient",                                               "deny:no-relationship",    "deny:no-relationship",    "deny:no-relationship",  "deny:record-closed"],
  ["legal representative with read",                                "permit:representative",   "deny:no-manage-right",    "permit:representative", "deny:record-closed"],
  ["companion without read",                                        "deny:no-read-right",      "deny:no-manage-right",    "deny:no-read-right",    "deny:record-closed"],
  ["representative with manage",                                    "permit:representative",   "permit:representative",   "permit:representative", "deny:record-closed"],
];

const CELLS: readonly { action: AccessAction; state: RecordState; column: 1 | 2 | 3 | 4 }[] = [
  { action: "read", state: "open", column: 1 },
  { action: "publish", state: "open", column: 2 },
  { action: "read", state: "closed", column: 3 },
  { action: "publish", state: "closed", column: 4 },
];

function outcomeOf(decision: ReturnType<typeof decideAccess>): Outcome {
  return decision.decision === "permit" ? `permit:${decision.basis ?? "?"}` as Outcome : `deny:${decision.reason ?? "?"}` as Outcome;
}

describe("decideAccess: the authorization matrix", () => {
  it("covers every actor of the table", () => {
    expect(MATRIX.map(([name]) => name).sort()).toEqual(Object.keys(ACTORS).sort());
  });

  for (const row of MATRIX) {
    const [name] = row;
    for (const { action, state, column } of CELLS) {
      it(`${name} / ${action} / ${state} record: ${row[column]}`, () => {
        const { actor, ...rest } = ACTORS[name];
        const rules = rulesFor(state, "rules" in rest ? rest.rules : {});
        expect(outcomeOf(decideAccess(rules, actor, action, NOW, POLICY))).toBe(row[column]);
      });
    }
  }

  it("a reopened record is open again to everyone the rules name", () => {
    for (const row of MATRIX) {
      const { actor, ...rest } = ACTORS[row[0]];
      const rules = rulesFor("reopened", "rules" in rest ? rest.rules : {});
      expect(outcomeOf(decideAccess(rules, actor, "read", NOW, POLICY)), row[0]).toBe(row[1]);
      expect(outcomeOf(decideAccess(rules, actor, "publish", NOW, POLICY)), row[0]).toBe(row[2]);
    }
  });
});

describe("decideAccess: what a decision carries", () => {
  it("flags break-the-glass and nothing else as emergency", () => {
    expect(decideAccess(rulesFor("open"), emergencyProfessional, "read", NOW, POLICY).emergency).toBe(true);
    const trusted: Actor = { kind: "professional", id: "dr-trusted", roles: ["emergency"], purposeOfUse: "EMERGENCY" };
    expect(decideAccess(rulesFor("open"), trusted, "read", NOW, POLICY)).toMatchObject({ basis: "trust-circle", emergency: false });
  });

  it("hides masked documents from professionals reading, with the author exemption, and never from the patient or representatives", () => {
    const rules = rulesFor("open");
    for (const actor of [ACTORS["trust-circle professional"].actor, emergencyProfessional, ACTORS["professional with a valid presence grant"].actor] as Actor[]) {
      expect(decideAccess(rules, actor, "read", NOW, POLICY)).toMatchObject({ maskedDocumentUniqueIds: ["1.2.3.4.5"], authorExemption: true });
    }
    for (const actor of [ACTORS["the patient"].actor, ACTORS["legal representative with read"].actor] as Actor[]) {
      expect(decideAccess(rules, actor, "read", NOW, POLICY)).toMatchObject({ decision: "permit", maskedDocumentUniqueIds: [], authorExemption: false });
    }
    const unmasked = rulesFor("open", { maskedDocumentUniqueIds: [] });
    expect(decideAccess(unmasked, ACTORS["referring doctor"].actor, "read", NOW, POLICY)).toMatchObject({ maskedDocumentUniqueIds: [], authorExemption: false });
  });

  it("returns the rules version with every decision, permits and denials alike", () => {
    for (const row of MATRIX) {
      const { actor } = ACTORS[row[0]];
      expect(decideAccess(rulesFor("open"), actor, "read", NOW, POLICY).rulesVersion).toBe(7);
    }
  });

  it("bounds a presence-grant permit by the grant's end, and a grant ends exactly at its end", () => {
    const grantee: Actor = { kind: "professional", id: "dr-present" };
    expect(decideAccess(rulesFor("open"), grantee, "read", NOW, POLICY).validUntil).toEqual(new Date("2026-12-05T20:00:00Z"));
    expect(decideAccess(rulesFor("open"), grantee, "read", new Date("2026-12-05T20:00:00Z"), POLICY)).toMatchObject({ decision: "deny", reason: "no-relationship" });
    expect(decideAccess(rulesFor("open"), grantee, "read", new Date("2026-12-05T07:59:59Z"), POLICY).decision).toBe("deny");
    expect(decideAccess(rulesFor("open"), ACTORS["trust-circle professional"].actor, "read", NOW, POLICY).validUntil).toBeUndefined();
  });

  it("takes the emergency roles from the policy", () => {
    expect(decideAccess(rulesFor("open"), emergencyProfessional, "read", NOW, { emergencyRoles: ["urgentiste"] })).toMatchObject({ decision: "deny", reason: "no-relationship" });
  });

  it("decides for a patient who never set rules: only the patient, systems and emergency get in", () => {
    const rules = defaultRules(PATIENT);
    expect(decideAccess(rules, { kind: "patient", id: PATIENT }, "read", NOW, POLICY)).toMatchObject({ decision: "permit", rulesVersion: 0 });
    expect(decideAccess(rules, { kind: "professional", id: "dr-any" }, "read", NOW, POLICY)).toMatchObject({ decision: "deny", reason: "no-relationship" });
    expect(decideAccess(rules, emergencyProfessional, "read", NOW, POLICY)).toMatchObject({ decision: "permit", basis: "emergency", emergency: true });
  });
});
