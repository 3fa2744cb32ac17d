import { describe, expect, it } from "vitest";
import { loadLauncherConfig } from "./launcher-config.js";
import { databaseNameOf, redactedUrl, serviceDatabases } from "./postgres-databases.js";
import { auditEnv, consentEnv, dataLayout, gatewayEnv, plannedListeners, registryEnv, repositoryEnv } from "./service-env.js";

describe("what each service is given", () => {
  it("on embedded defaults: the contract's ports, data folders under OPENDSP_DATA_DIR, no database URL", () => {
    const env = { OPENDSP_DATA_DIR: "/srv/opendsp", REPOSITORY_UNIQUE_ID: "1.2.3.4", REGISTRY_URL: "http://elsewhere" };
    const config = loadLauncherConfig(env);
    const databases = serviceDatabases(config);
    expect(databases).toEqual({ registry: undefined, repository: undefined, consent: undefined, audit: undefined });
    expect(plannedListeners(config).map((l) => `${l.variable}=${l.port}`)).toEqual([
      "REGISTRY_PORT=8081",
      "HL7_MLLP_PORT=2575",
      "REPOSITORY_PORT=8082",
      "CONSENT_PORT=8084",
      "AUDIT_PORT=8085",
      "GATEWAY_PORT=8080",
    ]);

    expect(registryEnv(env, config, "/srv/opendsp", databases, "http://127.0.0.1:8085")).toMatchObject({
      AUDIT_URL: "http://127.0.0.1:8085",
      REGISTRY_PORT: "8081",
      HL7_MLLP_PORT: "2575",
      REGISTRY_DATA_DIR: "/srv/opendsp/registry",
      DATABASE_URL: undefined,
    });
    const repository = repositoryEnv(env, config, "/srv/opendsp", databases, "http://127.0.0.1:8081/xds/registry", "http://127.0.0.1:8085");
    // The service's own settings pass through; the launcher's decisions win over the environment's.
    expect(repository).toMatchObject({
      REPOSITORY_PORT: "8082",
      REPOSITORY_DATA_DIR: "/srv/opendsp/repository",
      REPOSITORY_UNIQUE_ID: "1.2.3.4",
      REGISTRY_URL: "http://127.0.0.1:8081/xds/registry",
      AUDIT_URL: "http://127.0.0.1:8085",
    });
    expect(auditEnv(env, config, "/srv/opendsp", databases)).toMatchObject({
      AUDIT_PORT: "8085",
      AUDIT_DATA_DIR: "/srv/opendsp/audit/db",
      DATABASE_URL: undefined,
    });
    expect(consentEnv(env, config, "/srv/opendsp", databases, "k".repeat(44))).toMatchObject({
      CONSENT_PORT: "8084",
      CONSENT_DATA_DIR: "/srv/opendsp/consent/db",
      DATABASE_URL: undefined,
      CONSENT_PRESENCE_CODE_KEY: "k".repeat(44),
    });
    const upstreams = { registry: "http://127.0.0.1:8081", repository: "http://127.0.0.1:8082", consent: "http://127.0.0.1:8084", audit: "http://127.0.0.1:8085" };
    const identity = { idpCertFile: "/srv/opendsp/identity-provider/signing-certificate.pem", audiences: "urn:opendsp:gateway", dir: "/srv/opendsp/identity-provider" };
    expect(gatewayEnv(env, config, upstreams, identity)).toMatchObject({
      GATEWAY_PORT: "8080",
      REGISTRY_URL: "http://127.0.0.1:8081",
      REPOSITORY_URL: "http://127.0.0.1:8082",
      GATEWAY_CONSENT_URL: "http://127.0.0.1:8084",
      GATEWAY_AUDIT_URL: "http://127.0.0.1:8085",
      GATEWAY_ACCESS_CONTROL: "enforced",
      GATEWAY_XUA_IDP_CERT_FILE: "/srv/opendsp/identity-provider/signing-certificate.pem",
      GATEWAY_XUA_AUDIENCES: "urn:opendsp:gateway",
    });
    // The operator's identity providers and an explicit "off" pass through untouched.
    const operator = { ...env, GATEWAY_XUA_IDP_CERT_FILE: "/etc/opendsp/idp.pem", GATEWAY_XUA_AUDIENCES: "urn:example:dsp", GATEWAY_ACCESS_CONTROL: "off" };
    expect(gatewayEnv(operator, loadLauncherConfig(operator), upstreams, undefined)).toMatchObject({
      GATEWAY_XUA_IDP_CERT_FILE: "/etc/opendsp/idp.pem",
      GATEWAY_XUA_AUDIENCES: "urn:example:dsp",
      GATEWAY_ACCESS_CONTROL: "off",
    });
    expect(dataLayout("/srv/opendsp")).toEqual({
      registryDb: "/srv/opendsp/registry",
      repositoryDir: "/srv/opendsp/repository",
      repositoryDb: "/srv/opendsp/repository/db",
      documents: "/srv/opendsp/repository/blobs",
      consentDb: "/srv/opendsp/consent/db",
      presenceCodeKey: "/srv/opendsp/consent/presence-code.key",
      auditDb: "/srv/opendsp/audit/db",
      identityProvider: "/srv/opendsp/identity-provider",
    });
  });

  it("turns the MLLP listener off with -1 and checks no port for it", () => {
    expect(plannedListeners(loadLauncherConfig({ HL7_MLLP_PORT: "-1" })).map((l) => l.variable)).not.toContain("HL7_MLLP_PORT");
  });

  it("derives one database per service from DATABASE_URL, unless a service's database is named outright", () => {
    const config = loadLauncherConfig({ DATABASE_URL: "postgres://opendsp:pw@db.internal:5432/opendsp?sslmode=require" });
    expect(serviceDatabases(config)).toEqual({
      registry: { url: "postgres://opendsp:pw@db.internal:5432/opendsp_registry?sslmode=require", name: "opendsp_registry", create: true },
      repository: { url: "postgres://opendsp:pw@db.internal:5432/opendsp_repository?sslmode=require", name: "opendsp_repository", create: true },
      consent: { url: "postgres://opendsp:pw@db.internal:5432/opendsp_consent?sslmode=require", name: "opendsp_consent", create: true },
      audit: { url: "postgres://opendsp:pw@db.internal:5432/opendsp_audit?sslmode=require", name: "opendsp_audit", create: true },
    });
    const explicit = loadLauncherConfig({ DATABASE_URL: "postgres://u@h/base", REPOSITORY_DATABASE_URL: "postgres://r@h2/docs", CONSENT_DATABASE_URL: "postgres://c@h3/rules" });
    expect(serviceDatabases(explicit).repository).toEqual({ url: "postgres://r@h2/docs", name: "docs", create: false });
    expect(serviceDatabases(explicit).consent).toEqual({ url: "postgres://c@h3/rules", name: "rules", create: false });
    expect(databaseNameOf("postgres://u@h")).toBe("opendsp");
    expect(() => serviceDatabases(loadLauncherConfig({ DATABASE_URL: `postgres://u@h/${"x".repeat(60)}` }))).toThrow(/63 bytes/);
    expect(redactedUrl("postgres://u:secret@h/db")).toBe("postgres://u:***@h/db");
  });

  it("reports every bad setting at once", () => {
    expect(() => loadLauncherConfig({ GATEWAY_PORT: "http", DATABASE_URL: "mysql://x" })).toThrow(/GATEWAY_PORT.*DATABASE_URL|DATABASE_URL.*GATEWAY_PORT/);
  });
});
