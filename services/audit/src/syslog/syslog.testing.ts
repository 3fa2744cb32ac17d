import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditRecord } from "@opendsp/atna";
import { createLogger, loadConfig, migrateToLatest, openDatabase, type Database, type Logger } from "@opendsp/platform";
import { createPostgresTestDatabase, generateTestCertificate, type TestCertificate, type TestDatabase } from "@opendsp/testing";
import { receivedAuditMessageMigration } from "./2026-12-06T0300-received-audit-message.js";
import type { SyslogTables } from "./received-audit-message.table.js";
import { SyslogSettingsSchema, type SyslogSettings } from "./syslog-settings.js";

/** An ITI-43 retrieve as the repository records it; `n` makes its event id and document distinct. */
export function sampleAuditRecord(n: number, overrides: Partial<AuditRecord> = {}): AuditRecord {
  const hex = n.toString(16).padStart(12, "0");
  return {
    eventId: `0b0c1f0e-4a8e-4c1e-9d3a-${hex}`,
    occurredAt: "2026-12-05T13:45:12.345+01:00",
    transaction: "ITI-43",
    role: "repository",
    outcome: "success",
    auditSource: { id: "opendsp-repository", enterpriseSiteId: "OpenDSP-Test", service: "repository" },
    requestor: { kind: "professional", id: "10001234567", name: "Alice Martin", roles: ["urn:oid:1.2.250.1.213.1.1.4.6|10"] },
    client: { id: "http://consumer.example/reply", networkAddress: "10.1.2.3" },
    destination: { endpoint: "https://dsp.example/xds/repository", networkAddress: "dsp.example" },
    patientIds: [`${1000 + n}^^^&1.2.250.1.213.1.4.8&ISO`],
    documents: [{ uniqueId: `1.2.250.1.999.2.${n}`, repositoryUniqueId: "1.2.250.1.999.3" }],
    ...overrides,
  };
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, written as PEM files in a fresh folder. */
export interface TlsFiles {
  readonly dir: string;
  readonly ca: TestCertificate;
  readonly caFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  readonly client: TestCertificate;
  remove(): void;
}

export function writeTlsFiles(): TlsFiles {
  const dir = mkdtempSync(join(tmpdir(), "audit-syslog-"));
  const ca = generateTestCertificate({ commonName: "Audit Test CA", ca: true });
  const server = generateTestCertificate({ commonName: "audit.test", issuer: ca, serverAuth: true, dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"] });
  const client = generateTestCertificate({ commonName: "registry.test", organization: "OpenDSP Test", issuer: ca, clientAuth: true });
  const file = (name: string, pem: string): string => {
    const path = join(dir, name);
    writeFileSync(path, pem);
    return path;
  };
  return {
    dir,
    ca,
    client,
    caFile: file("ca.pem", ca.certPem),
    serverCertFile: file("server.pem", server.certPem),
    serverKeyFile: file("server.key", server.keyPem),
    clientCertFile: file("client.pem", client.certPem),
    clientKeyFile: file("client.key", client.keyPem),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The settings from environment-like values, with the schema's defaults (as the service will load them). */
export function syslogSettings(env: Record<string, string>): SyslogSettings {
  return loadConfig(SyslogSettingsSchema, env, "audit");
}

/** A fresh PostgreSQL database for one test file, migrated with the received-audit-message migration. */
export async function migratedSyslogDatabase(): Promise<{ database: Database<SyslogTables>; testDb: TestDatabase; close(): Promise<void> }> {
  const testDb = await createPostgresTestDatabase("audit_syslog");
  const database = await openDatabase<SyslogTables>({ url: testDb.url });
  await migrateToLatest(database.db as never, { "2026-12-06T0300-received-audit-message": receivedAuditMessageMigration });
  return {
    database,
    testDb,
    async close() {
      await database.close();
      await testDb.drop();
    },
  };
}

export const silentLogger = (): Logger => createLogger({ service: "audit", level: "silent" });

/** Polls until `check` returns a value other than undefined. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
