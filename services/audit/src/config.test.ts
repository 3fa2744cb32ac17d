import { AUDIT_DELIVERY } from "@opendsp/atna";
import Type from "typebox";
import Value from "typebox/value";
import { describe, expect, it } from "vitest";
import { AuditHttpSettings, AuditQueueSettings, auditorRolesOf, loadAuditConfig } from "./config.js";
import { tlsReceiverEnabled } from "./syslog/syslog-settings.js";

describe("loadAuditConfig", () => {
  it("fills in the defaults", () => {
    const config = loadAuditConfig({});
    expect(config).toMatchObject({
      AUDIT_HOST: "127.0.0.1",
      AUDIT_PORT: 8085,
      AUDIT_DATA_DIR: "./data/audit",
      MIGRATE_ON_START: true,
      AUDIT_QUEUE_PREFIX: AUDIT_DELIVERY.queuePrefix,
      AUDIT_HISTORY_DEFAULT_LIMIT: 50,
      AUDIT_HISTORY_MAX_LIMIT: 200,
      LOG_LEVEL: "info",
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(auditorRolesOf(config)).toEqual(["auditor"]);
  });

  it("reads and converts the environment", () => {
    const config = loadAuditConfig({ AUDIT_PORT: "9000", REDIS_URL: "redis://127.0.0.1:6379", AUDIT_AUDITOR_ROLES: "auditor,dpo", MIGRATE_ON_START: "false", AUDIT_QUEUE_CONCURRENCY: "8" });
    expect(config).toMatchObject({ AUDIT_PORT: 9000, REDIS_URL: "redis://127.0.0.1:6379", MIGRATE_ON_START: false, AUDIT_QUEUE_CONCURRENCY: 8 });
    expect(auditorRolesOf(config)).toEqual(["auditor", "dpo"]);
  });

  it("refuses bad values with every problem named", () => {
    expect(() => loadAuditConfig({ AUDIT_PORT: "70000", DATABASE_URL: "mysql://x", REDIS_URL: "http://x" })).toThrow(/AUDIT_PORT.*DATABASE_URL.*REDIS_URL|invalid audit configuration/);
    expect(() => loadAuditConfig({ AUDIT_AUDITOR_ROLES: "auditor, dpo" })).toThrow(/AUDIT_AUDITOR_ROLES/);
    expect(() => loadAuditConfig({ AUDIT_HISTORY_DEFAULT_LIMIT: "100", AUDIT_HISTORY_MAX_LIMIT: "10" })).toThrow(expect.objectContaining({ code: "AUDIT_CONFIG" }));
  });

  it("reads the ITI-20 syslog settings: TLS port 6514 by default, off until certificate and key are given; a bad combination stops the load", () => {
    const config = loadAuditConfig({});
    expect(config).toMatchObject({ AUDIT_SYSLOG_TLS_PORT: 6514, AUDIT_SYSLOG_UDP_PORT: -1, AUDIT_SYSLOG_REQUIRE_CLIENT_CERT: true });
    expect(tlsReceiverEnabled(config)).toBe(false);
    expect(tlsReceiverEnabled(loadAuditConfig({ AUDIT_SYSLOG_TLS_CERT_FILE: "/c.pem", AUDIT_SYSLOG_TLS_KEY_FILE: "/k.pem", AUDIT_SYSLOG_TLS_CA_FILE: "/ca.pem" }))).toBe(true);
    expect(() => loadAuditConfig({ AUDIT_SYSLOG_TLS_CERT_FILE: "/c.pem", AUDIT_SYSLOG_TLS_KEY_FILE: "/k.pem" })).toThrow(expect.objectContaining({ code: "AUDIT_SYSLOG_CONFIG" }));
    expect(() => loadAuditConfig({ AUDIT_FORWARD_URL: "syslog-tls://arr.example:6514" })).toThrow(expect.objectContaining({ code: "AUDIT_SYSLOG_CONFIG" }));
  });

  it("exports fragments another module spreads into a schema of its own", () => {
    const schema = Type.Object({ ...AuditHttpSettings, ...AuditQueueSettings, EXTRA: Type.String({ default: "x" }) });
    expect(Value.Check(schema, Value.Default(schema, {}))).toBe(true);
  });
});
