import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../domain/actor.js";
import { DATABASE_KINDS, patientPath, startConsent, type ConsentUnderTest } from "../testing/consent-harness.js";

let counter = 0;
function freshPatient(): string {
  counter += 1;
  return `C${Date.now().toString(36)}${counter}^^^&1.3.6.1.4.1.21367.2005.13.20.1000&ISO`;
}

// Requests in flight together: the guarantees must hold when they race, not only one after another.
describe.each(DATABASE_KINDS)("concurrent requests on %s", (kind) => {
  let consent: ConsentUnderTest;
  beforeAll(async () => {
    consent = await startConsent(kind, { CONSENT_PRESENCE_MAX_FAILURES_PER_PATIENT: "3" });
  });
  afterAll(async () => {
    await consent.close();
  });

  it("a code presented by several professionals at once starts exactly one grant", async () => {
    const patientId = freshPatient();
    const { code } = (await consent.call("POST", patientPath(patientId, "presence-codes"), { kind: "patient", id: patientId })).json<{ code: string }>();
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => consent.call("POST", patientPath(patientId, "presence-grants"), { kind: "professional", id: `dr-race-${i}` }, { code })),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 403, 403, 403, 403, 403]);
  });

  it("simultaneous wrong codes cannot get past the allowed number", async () => {
    const patientId = freshPatient();
    const professional: Actor = { kind: "professional", id: `dr-guess-${counter}` };
    await Promise.all(Array.from({ length: 10 }, () => consent.call("POST", patientPath(patientId, "presence-grants"), professional, { code: "00000000" })));
    const attempts = await sql<{ outcome: string; n: string }>`
      SELECT outcome, count(*) AS n FROM presence_attempt WHERE professional_id = ${professional.id} GROUP BY outcome ORDER BY outcome`.execute(consent.db);
    expect(attempts.rows.map((r) => [r.outcome, Number(r.n)])).toEqual([
      ["bad-code", 3],
      ["locked-out", 7],
    ]);
  });

  it("simultaneous changes each get their own rules version, and the log has them all", async () => {
    const patientId = freshPatient();
    const patient: Actor = { kind: "patient", id: patientId };
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => consent.call("PUT", patientPath(patientId, `trust-circle/dr-${i}`), patient)));
    expect(answers.map((a) => a.json<{ rulesVersion: number }>().rulesVersion).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const log = (await consent.call("GET", patientPath(patientId, "changes"), patient)).json<{ items: { rulesVersion: number }[] }>();
    expect(log.items.map((c) => c.rulesVersion)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
  });
});
