import { describe, expect, it } from "vitest";
import { describePlatform } from "./platform-summary.js";
import type { RunningPlatform } from "./start-platform.js";

const platform: RunningPlatform = {
  gateway: {
    url: "http://127.0.0.1:8080",
    registrySoapUrl: "http://127.0.0.1:8080/xds/registry",
    repositorySoapUrl: "http://127.0.0.1:8080/xds/repository",
    consentApiUrl: "http://127.0.0.1:8080/api/consent",
    auditApiUrl: "http://127.0.0.1:8080/api/audit",
  },
  registry: { url: "http://127.0.0.1:8081", soapUrl: "http://127.0.0.1:8081/xds/registry", mllpHost: "127.0.0.1", mllpPort: 2575 },
  repository: { url: "http://127.0.0.1:8082", soapUrl: "http://127.0.0.1:8082/xds/repository" },
  consent: { url: "http://127.0.0.1:8084", apiUrl: "http://127.0.0.1:8084/api/consent" },
  audit: { url: "http://127.0.0.1:8085" },
  accessControl: "enforced",
  identityProvider: {
    dir: "/srv/opendsp/data/identity-provider",
    certificateFile: "/srv/opendsp/data/identity-provider/signing-certificate.pem",
    audiences: "urn:opendsp:gateway",
  },
  dataDir: "/srv/opendsp/data",
  backends: {
    registryDatabase: { kind: "pglite", location: "/srv/opendsp/data/registry" },
    repositoryDatabase: { kind: "postgres", location: "postgres://opendsp:***@db:5432/opendsp_repository" },
    consentDatabase: { kind: "pglite", location: "/srv/opendsp/data/consent/db" },
    auditDatabase: { kind: "pglite", location: "/srv/opendsp/data/audit/db" },
    documents: { kind: "s3", location: "http://minio:9000 bucket opendsp-documents" },
    jobs: { kind: "bullmq", location: "redis://redis:6379" },
  },
  stop: () => Promise.resolve(),
};

describe("the start listing", () => {
  it("names every endpoint, where the data lives, the backends and the time to ready", () => {
    const text = describePlatform(platform, 4321);
    expect(text.split("\n")[0]).toBe("OpenDSP is ready (4.3 s)");
    for (const expected of [
      "http://127.0.0.1:8080/xds/registry",
      "http://127.0.0.1:8080/xds/registry?wsdl",
      "http://127.0.0.1:8080/xds/repository?wsdl",
      "http://127.0.0.1:8080/health",
      "http://127.0.0.1:8080/metrics",
      "http://127.0.0.1:8080/docs",
      "http://127.0.0.1:8080/api/patients/{patientId}",
      "127.0.0.1:2575",
      "http://127.0.0.1:8081/health",
      "http://127.0.0.1:8080/api/consent/patients/{patientId}",
      "http://127.0.0.1:8084/health",
      "http://127.0.0.1:8080/api/audit/patients/{patientId}/accesses",
      "http://127.0.0.1:8085/health",
      "PGlite (embedded PostgreSQL): /srv/opendsp/data/audit/db",
      "PGlite (embedded PostgreSQL): /srv/opendsp/data/consent/db",
      "/srv/opendsp/data/identity-provider",
      "pnpm opendsp token --subject <id> --role <role> [--patient <id>] [--purpose EMERGENCY]",
      "/srv/opendsp/data",
      "PGlite (embedded PostgreSQL): /srv/opendsp/data/registry",
      "PostgreSQL: postgres://opendsp:***@db:5432/opendsp_repository",
      "S3: http://minio:9000 bucket opendsp-documents",
      "BullMQ on Redis: redis://redis:6379",
    ]) {
      expect(text).toContain(expected);
    }
  });

  it("says who the gateway lets in when the operator configured the identity providers, or turned access control off", () => {
    expect(describePlatform({ ...platform, identityProvider: undefined }, 1000)).toContain("identity providers in GATEWAY_XUA_IDP_CERT_FILE");
    const off = describePlatform({ ...platform, accessControl: "off", identityProvider: undefined }, 1000);
    expect(off).toContain("GATEWAY_ACCESS_CONTROL=off");
    expect(off).not.toContain("opendsp token");
  });

  it("says when the MLLP listener is off", () => {
    expect(describePlatform({ ...platform, registry: { ...platform.registry, mllpPort: undefined } }, 1000)).toContain("off (HL7_MLLP_PORT=-1)");
  });
});
