import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../domain/actor.js";
import { DATABASE_KINDS, patientPath, startConsent, type ConsentUnderTest } from "../testing/consent-harness.js";

let counter = 0;
const freshPatient = (): string => `T${Date.now().toString(36)}${++counter}^^^&1.3.6.1.4.1.21367.2005.13.20.1000&ISO`;

describe.each(DATABASE_KINDS)("GET /internal/statistics on %s", (kind) => {
  let consent: ConsentUnderTest;
  beforeAll(async () => {
    consent = await startConsent(kind);
  });
  afterAll(async () => {
    await consent.close();
  });

  async function declare(method: "PUT" | "DELETE", patientId: string, rest: string, body?: unknown): Promise<void> {
    const patient: Actor = { kind: "patient", id: patientId };
    const res = await consent.call(method, patientPath(patientId, rest), patient, body);
    expect(res.statusCode, res.body).toBeLessThan(300);
  }

  async function stats(): Promise<Record<string, unknown>> {
    const res = await consent.call("GET", "/internal/statistics");
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }

  it("answers zeros before any patient declared anyone", async () => {
    expect(await stats()).toEqual({
      generatedAt: consent.clock.now.toISOString(),
      professionalsDeclared: 0,
      trustCircleProfessionals: 0,
      patientsWithTrustCircle: 0,
      referringDoctors: 0,
      patientsWithReferringDoctor: 0,
    });
  });

  it("counts distinct professionals of trust circles and referring doctors, live, as SQL counts them", async () => {
    const [a, b, c] = [freshPatient(), freshPatient(), freshPatient()];
    await declare("PUT", a, "trust-circle/dr-1");
    await declare("PUT", a, "trust-circle/dr-2");
    await declare("PUT", b, "trust-circle/dr-2");
    await declare("PUT", b, "referring-doctor", { professionalId: "dr-1" });
    await declare("PUT", c, "referring-doctor", { professionalId: "dr-3" });
    // Blacklisted professionals are not declared ones.
    await declare("PUT", c, "blacklist/dr-9");
    expect(await stats()).toMatchObject({
      professionalsDeclared: 3,
      trustCircleProfessionals: 2,
      patientsWithTrustCircle: 2,
      referringDoctors: 2,
      patientsWithReferringDoctor: 2,
    });

    await declare("DELETE", a, "trust-circle/dr-1");
    await declare("DELETE", b, "referring-doctor");
    const after = await stats();
    const inSql = await sql<{ n: number }>`
      SELECT count(*)::integer AS n FROM (SELECT professional_id FROM trust_circle_member
        UNION SELECT referring_doctor FROM patient_rules WHERE referring_doctor IS NOT NULL) d`.execute(consent.db);
    expect(after).toMatchObject({ professionalsDeclared: 2, trustCircleProfessionals: 1, patientsWithTrustCircle: 2, referringDoctors: 1, patientsWithReferringDoctor: 1 });
    expect(after["professionalsDeclared"]).toBe(inSql.rows[0]?.n);
  });

  it("is counted on the indexes of the declared professionals", async () => {
    const indexes = await sql<{ indexname: string }>`SELECT indexname FROM pg_indexes WHERE tablename IN ('trust_circle_member', 'patient_rules')`.execute(consent.db);
    expect(indexes.rows.map((r) => r.indexname)).toEqual(expect.arrayContaining(["trust_circle_member_professional", "patient_rules_referring_doctor"]));
  });
});
