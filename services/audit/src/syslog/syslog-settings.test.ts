import { describe, expect, it } from "vitest";
import { forwardTargetOf, tlsReceiverEnabled, validateSyslogSettings } from "./syslog-settings.js";
import { syslogSettings } from "./syslog.testing.js";

const TLS = { AUDIT_SYSLOG_TLS_CERT_FILE: "/c.pem", AUDIT_SYSLOG_TLS_KEY_FILE: "/k.pem", AUDIT_SYSLOG_TLS_CA_FILE: "/ca.pem" };

describe("ITI-20 syslog settings", () => {
  it("fill the documented defaults: TLS on 6514 with client certificates once its files are given, UDP off", () => {
    expect(syslogSettings({})).toMatchObject({
      AUDIT_SYSLOG_HOST: "127.0.0.1",
      AUDIT_SYSLOG_TLS_PORT: 6514,
      AUDIT_SYSLOG_UDP_PORT: -1,
      AUDIT_SYSLOG_REQUIRE_CLIENT_CERT: true,
      AUDIT_SYSLOG_MAX_MESSAGE_BYTES: 65_536,
      AUDIT_FORWARD_BATCH_SIZE: 100,
    });
  });

  it("leave the TLS receiver off without certificate and key, and refuse half of them or client certificates without a CA", () => {
    expect(tlsReceiverEnabled(validateSyslogSettings(syslogSettings({})))).toBe(false);
    expect(tlsReceiverEnabled(syslogSettings({ ...TLS, AUDIT_SYSLOG_TLS_PORT: "-1" }))).toBe(false);
    expect(tlsReceiverEnabled(validateSyslogSettings(syslogSettings(TLS)))).toBe(true);
    for (const half of [{ AUDIT_SYSLOG_TLS_CERT_FILE: "/c.pem" }, { AUDIT_SYSLOG_TLS_KEY_FILE: "/k.pem" }, { AUDIT_SYSLOG_TLS_CA_FILE: "/ca.pem" }]) {
      expect(() => validateSyslogSettings(syslogSettings(half))).toThrow(expect.objectContaining({ code: "AUDIT_SYSLOG_CONFIG", message: expect.stringContaining("AUDIT_SYSLOG_TLS_CERT_FILE") as string }));
    }
    const noCa = syslogSettings({ AUDIT_SYSLOG_TLS_CERT_FILE: "/c.pem", AUDIT_SYSLOG_TLS_KEY_FILE: "/k.pem" });
    expect(() => validateSyslogSettings(noCa)).toThrow(expect.objectContaining({ code: "AUDIT_SYSLOG_CONFIG", message: expect.stringContaining("AUDIT_SYSLOG_TLS_CA_FILE") as string }));
    expect(validateSyslogSettings(syslogSettings({ ...TLS, AUDIT_SYSLOG_TLS_CA_FILE: "", AUDIT_SYSLOG_REQUIRE_CLIENT_CERT: "false" })).AUDIT_SYSLOG_REQUIRE_CLIENT_CERT).toBe(false);
    expect(validateSyslogSettings(syslogSettings({ AUDIT_SYSLOG_TLS_PORT: "-1", AUDIT_SYSLOG_UDP_PORT: "514" })).AUDIT_SYSLOG_UDP_PORT).toBe(514);
  });

  it("refuse a forward URL that is not syslog-tls://host:port, or without a client certificate", () => {
    expect(() => syslogSettings({ AUDIT_FORWARD_URL: "https://arr.example:6514" })).toThrow(expect.objectContaining({ code: "AUDIT_CONFIG" }));
    expect(() => validateSyslogSettings(syslogSettings({ ...TLS, AUDIT_FORWARD_URL: "syslog-tls://arr.example:6514" }))).toThrow(
      expect.objectContaining({ code: "AUDIT_SYSLOG_CONFIG", message: expect.stringContaining("AUDIT_FORWARD_TLS_CERT_FILE") as string }),
    );
    expect(() => validateSyslogSettings(syslogSettings({ ...TLS, AUDIT_FORWARD_URL: "syslog-tls://arr.example:0", AUDIT_FORWARD_TLS_CERT_FILE: "/c", AUDIT_FORWARD_TLS_KEY_FILE: "/k" }))).toThrow(
      expect.objectContaining({ code: "AUDIT_SYSLOG_CONFIG" }),
    );
    expect(forwardTargetOf("syslog-tls://[::1]:6514")).toEqual({ host: "::1", port: 6514 });
    expect(forwardTargetOf("syslog-tls://arr.example:7514/")).toEqual({ host: "arr.example", port: 7514 });
  });
});
