import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../domain/actor.js";
import { DATABASE_KINDS, patientPath, startConsent, type ConsentUnderTest } from "../testing/consent-harness.js";

let counter = 0;
function freshPatient(): string {
  counter += 1;
  return `Q${Date.now().toString(36)}${counter}^^^&1.3.6.1.4.1.21367.2005.13.20.1000&ISO`;
}
function freshProfessional(): Actor {
  counter += 1;
  return { kind: "professional", id: `dr-${counter}`, organizationId: "practice-1" };
}

/** A wrong code of the right shape: the alphabet has no 0, so it can never be issued. */
const WRONG_CODE = "00000000";

describe.each(DATABASE_KINDS)("presence codes and grants on %s", (kind) => {
  let consent: ConsentUnderTest;
  beforeAll(async () => {
    // Small limits so the lockout is reached in a few requests; the grant lasts one hour here.
    consent = await startConsent(kind, {
      CONSENT_PRESENCE_CODE_TTL_SECONDS: "600",
      CONSENT_PRESENCE_GRANT_SECONDS: "3600",
      CONSENT_PRESENCE_MAX_FAILURES_PER_PATIENT: "3",
      CONSENT_PRESENCE_MAX_FAILURES_PER_PROFESSIONAL: "5",
      CONSENT_PRESENCE_FAILURE_WINDOW_SECONDS: "900",
      CONSENT_PRESENCE_LOCKOUT_SECONDS: "1800",
    });
  });
  afterAll(async () => {
    await consent.close();
  });

  async function issue(patientId: string): Promise<{ code: string; expiresAt: string }> {
    const res = await consent.call("POST", patientPath(patientId, "presence-codes"), { kind: "patient", id: patientId });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers["cache-control"]).toBe("no-store");
    return res.json();
  }
  function present(patientId: string, professional: Actor, code: string) {
    return consent.call("POST", patientPath(patientId, "presence-grants"), professional, { code });
  }
  async function decision(patientId: string, actor: Actor) {
    return (await consent.call("POST", "/api/consent/decisions", undefined, { actor, patientId, action: "read" })).json<Record<string, unknown>>();
  }

  it("issue, present, permit until the grant ends, then deny", async () => {
    const patientId = freshPatient();
    const professional = freshProfessional();
    const issued = await issue(patientId);
    expect(issued.code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/);
    expect(issued.expiresAt).toBe(new Date(consent.clock.now.getTime() + 600_000).toISOString());
    expect(await decision(patientId, professional)).toMatchObject({ decision: "deny", reason: "no-relationship" });

    const granted = await present(patientId, professional, issued.code.toLowerCase());
    expect(granted.statusCode, granted.body).toBe(201);
    const endsAt = new Date(consent.clock.now.getTime() + 3600_000).toISOString();
    expect(granted.json()).toMatchObject({ professionalId: professional.id, endsAt });
    expect(await decision(patientId, professional)).toMatchObject({ decision: "permit", basis: "presence-grant", validUntil: endsAt });

    const grants = (await consent.call("GET", patientPath(patientId, "access-grants"), { kind: "patient", id: patientId })).json<{ presenceGrants: unknown[] }>();
    expect(grants.presenceGrants).toEqual([{ professionalId: professional.id, organizationId: "practice-1", startsAt: consent.clock.now.toISOString(), endsAt }]);

    consent.advance(3599);
    expect(await decision(patientId, professional)).toMatchObject({ decision: "permit" });
    consent.advance(1);
    expect(await decision(patientId, professional)).toMatchObject({ decision: "deny", reason: "no-relationship" });
    expect((await consent.call("GET", patientPath(patientId, "access-grants"), { kind: "patient", id: patientId })).json<{ presenceGrants: unknown[] }>().presenceGrants).toEqual([]);
  });

  it("a code starts one grant only, and an unused code expires", async () => {
    const patientId = freshPatient();
    const { code } = await issue(patientId);
    expect((await present(patientId, freshProfessional(), code)).statusCode).toBe(201);
    const again = await present(patientId, freshProfessional(), code);
    expect(again.statusCode).toBe(403);
    expect(again.headers["content-type"]).toContain("application/problem+json");
    expect(again.json()).toMatchObject({ status: 403, code: "CONSENT_BAD_PRESENCE_CODE" });

    const late = await issue(patientId);
    consent.advance(600);
    expect((await present(patientId, freshProfessional(), late.code)).json()).toMatchObject({ code: "CONSENT_BAD_PRESENCE_CODE" });
  });

  it("a code is bound to its patient", async () => {
    const patientId = freshPatient();
    const { code } = await issue(patientId);
    expect((await present(freshPatient(), freshProfessional(), code)).json()).toMatchObject({ code: "CONSENT_BAD_PRESENCE_CODE" });
    expect((await present(patientId, freshProfessional(), code)).statusCode).toBe(201);
  });

  it("stores codes hashed: no column of the table holds the code", async () => {
    const patientId = freshPatient();
    const { code } = await issue(patientId);
    const rows = await sql<Record<string, unknown>>`SELECT * FROM presence_code WHERE patient_id = ${patientId}`.execute(consent.db);
    expect(rows.rows).toHaveLength(1);
    const stored = JSON.stringify(rows.rows);
    expect(stored).not.toContain(code);
    expect(stored.toLowerCase()).not.toContain(code.toLowerCase());
    expect(rows.rows[0]?.["code_hash"]).toMatch(/^[0-9a-f]{64}$/);
    const changes = await sql<Record<string, unknown>>`SELECT * FROM consent_change WHERE patient_id = ${patientId}`.execute(consent.db);
    expect(JSON.stringify(changes.rows)).not.toContain(code);
  });

  it("locks a professional out of a patient after the allowed wrong codes, even with the right code, until the lockout ends", async () => {
    const patientId = freshPatient();
    const professional = freshProfessional();
    const { code } = await issue(patientId);
    for (let i = 0; i < 3; i++) expect((await present(patientId, professional, WRONG_CODE)).json()).toMatchObject({ code: "CONSENT_BAD_PRESENCE_CODE" });

    const locked = await present(patientId, professional, code);
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ status: 429, code: "CONSENT_LOCKED_OUT" });
    expect(locked.headers["retry-after"]).toBe("1800");
    // Another professional is not concerned by this lockout.
    const other = await issue(patientId);
    expect((await present(patientId, freshProfessional(), other.code)).statusCode).toBe(201);

    consent.advance(1799);
    expect((await present(patientId, professional, code)).statusCode).toBe(429);
    consent.advance(1);
    const fresh = await issue(patientId);
    expect((await present(patientId, professional, fresh.code)).statusCode).toBe(201);

    const attempts = await sql<{ outcome: string }>`SELECT outcome FROM presence_attempt WHERE patient_id = ${patientId} AND professional_id = ${professional.id} ORDER BY id`.execute(consent.db);
    expect(attempts.rows.map((r) => r.outcome)).toEqual(["bad-code", "bad-code", "bad-code", "locked-out", "locked-out", "granted"]);
  });

  it("locks a professional out of every patient after the allowed wrong codes across patients", async () => {
    const professional = freshProfessional();
    // 5 wrong codes spread over patients, never 3 for one.
    for (let i = 0; i < 5; i++) expect((await present(freshPatient(), professional, WRONG_CODE)).statusCode).toBe(403);
    const patientId = freshPatient();
    const { code } = await issue(patientId);
    expect((await present(patientId, professional, code)).json()).toMatchObject({ code: "CONSENT_LOCKED_OUT" });
    consent.advance(1800);
    expect((await present(patientId, professional, (await issue(patientId)).code)).statusCode).toBe(201);
  });

  it("wrong codes outside the window do not add up", async () => {
    const patientId = freshPatient();
    const professional = freshProfessional();
    for (let i = 0; i < 2; i++) await present(patientId, professional, WRONG_CODE);
    consent.advance(901);
    await present(patientId, professional, WRONG_CODE);
    const { code } = await issue(patientId);
    expect((await present(patientId, professional, code)).statusCode).toBe(201);
  });

  it("only a professional presents a code, only the patient or a manager issues one, and a closed record takes none", async () => {
    const patientId = freshPatient();
    const { code } = await issue(patientId);
    expect((await present(patientId, { kind: "system", id: "lab" }, code)).json()).toMatchObject({ code: "CONSENT_FORBIDDEN" });
    expect((await present(patientId, { kind: "patient", id: patientId }, code)).statusCode).toBe(403);
    expect((await consent.call("POST", patientPath(patientId, "presence-grants"), undefined, { code })).json()).toMatchObject({ status: 401, code: "CONSENT_ACTOR_MISSING" });
    expect((await consent.call("POST", patientPath(patientId, "presence-codes"), freshProfessional())).json()).toMatchObject({ status: 403, code: "CONSENT_FORBIDDEN" });

    await consent.call("POST", patientPath(patientId, "record/close"), { kind: "patient", id: patientId });
    expect((await present(patientId, freshProfessional(), code)).json()).toMatchObject({ status: 409, code: "CONSENT_RECORD_CLOSED" });
    expect((await consent.call("POST", patientPath(patientId, "presence-codes"), { kind: "patient", id: patientId })).json()).toMatchObject({ status: 409, code: "CONSENT_RECORD_CLOSED" });
  });
});
