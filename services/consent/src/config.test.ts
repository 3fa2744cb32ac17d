import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { emergencyRolesOf, loadConsentConfig, loadConsentDatabaseSettings } from "./config.js";

describe("loadConsentConfig", () => {
  it("fills the documented defaults", () => {
    const config = loadConsentConfig({});
    expect(config).toMatchObject({
      CONSENT_HOST: "127.0.0.1",
      CONSENT_PORT: 8084,
      CONSENT_DATA_DIR: "./data/consent",
      CONSENT_PRESENCE_CODE_TTL_SECONDS: 900,
      CONSENT_PRESENCE_GRANT_SECONDS: 43200,
      CONSENT_PRESENCE_MAX_FAILURES_PER_PATIENT: 5,
      CONSENT_PRESENCE_MAX_FAILURES_PER_PROFESSIONAL: 20,
      CONSENT_PRESENCE_FAILURE_WINDOW_SECONDS: 900,
      CONSENT_PRESENCE_LOCKOUT_SECONDS: 900,
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(emergencyRolesOf(config)).toEqual(["emergency"]);
    expect(emergencyRolesOf(loadConsentConfig({ CONSENT_EMERGENCY_ROLES: "urgentiste,samu" }))).toEqual(["urgentiste", "samu"]);
  });

  it("requires the presence code key with a PostgreSQL database, and a key of at least 32 bytes", () => {
    expect(() => loadConsentConfig({ DATABASE_URL: "postgres://db/consent" })).toThrow(expect.objectContaining({ code: "CONSENT_CONFIG", message: expect.stringContaining("CONSENT_PRESENCE_CODE_KEY") as string }));
    const key = randomBytes(32).toString("base64");
    expect(loadConsentConfig({ DATABASE_URL: "postgres://db/consent", CONSENT_PRESENCE_CODE_KEY: key }).CONSENT_PRESENCE_CODE_KEY).toBe(key);
    expect(() => loadConsentConfig({ CONSENT_PRESENCE_CODE_KEY: randomBytes(16).toString("base64") })).toThrow(expect.objectContaining({ code: "CONSENT_CONFIG" }));
  });

  it("reports every invalid setting", () => {
    expect(() => loadConsentConfig({ CONSENT_PORT: "99999", CONSENT_PRESENCE_GRANT_SECONDS: "soon", CONSENT_EMERGENCY_ROLES: "a,,b" })).toThrow(/CONSENT_PORT.*CONSENT_PRESENCE_GRANT_SECONDS.*CONSENT_EMERGENCY_ROLES/);
  });
});

describe("loadConsentDatabaseSettings", () => {
  it("needs no presence-code key with DATABASE_URL: the migrations only reach the database", () => {
    const url = "postgres://consent:pw@db:5432/consent";
    expect(loadConsentDatabaseSettings({ DATABASE_URL: url })).toEqual({ DATABASE_URL: url, CONSENT_DATA_DIR: "./data/consent" });
    expect(() => loadConsentDatabaseSettings({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
  });
});
