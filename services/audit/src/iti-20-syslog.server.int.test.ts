import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import { AUDIT_DELIVERY, formatSyslogMessage, frameOctetCounted, toDicomAuditMessage } from "@opendsp/atna";
import { createLogger, encodeActorHeader } from "@opendsp/platform";
import { createPostgresTestDatabase, type TestDatabase } from "@opendsp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAuditConfig } from "./config.js";
import { startAuditServer } from "./server.js";
import { startTestAuditRepository, type TestAuditRepository } from "./syslog/syslog-tls.test-server.js";
import { eventually, sampleAuditRecord, writeTlsFiles, type TlsFiles } from "./syslog/syslog.testing.js";

const AUDITOR = { "x-opendsp-actor": encodeActorHeader({ kind: "professional", id: "auditor-1", roles: ["auditor"] }) };
const PROFESSIONAL = { "x-opendsp-actor": encodeActorHeader({ kind: "professional", id: "10001234567", roles: ["doctor"] }) };

interface ReceivedPage {
  items: { id: string; malformed: boolean; errorCode: string | null; transport: string; peerCertificateSubject: string | null; eventIdCode: string | null; patientIds: string[] }[];
  nextCursor?: string;
}

let dataDir = "";
let files: TlsFiles;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "opendsp-audit-syslog-"));
  files = writeTlsFiles();
});
afterAll(async () => {
  files.remove();
  await rm(dataDir, { recursive: true, force: true });
});

/** Writes the frames over mutual TLS and resolves when the receiver has closed the connection too. */
function sendOverTls(port: number, frames: readonly Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, ca: files.ca.certPem, cert: files.client.certPem, key: files.client.keyPem }, () => {
      socket.end(Buffer.concat(frames));
    });
    socket.on("error", reject);
    socket.on("data", () => undefined);
    socket.on("close", () => resolve());
  });
}

describe("startAuditServer with ITI-20 syslog", () => {
  it("starts without any syslog file: the TLS receiver stays off on its default port, with a warning", async () => {
    const lines: string[] = [];
    const logger = createLogger({ service: "audit", level: "warn", destination: { write: (line: string) => void lines.push(line) } });
    const server = await startAuditServer(loadAuditConfig({ AUDIT_DATA_DIR: join(dataDir, "plain"), AUDIT_PORT: "0" }), { logger });
    try {
      expect(server.syslogTlsPort).toBeUndefined();
      expect(server.syslogUdpPort).toBeUndefined();
      expect((await fetch(`${server.address}/health`)).status).toBe(200);
    } finally {
      await server.close();
    }
    expect(lines.map((l) => JSON.parse(l) as { code?: string }).filter((l) => l.code === "AUDIT_SYSLOG_TLS_OFF")).toHaveLength(1);
  });

  it("ITI-20: stores a DICOM audit message received over mutual TLS and a malformed one; auditors read them back, paged and filtered", async () => {
    const server = await startAuditServer(
      loadAuditConfig({
        AUDIT_DATA_DIR: join(dataDir, "tls"),
        AUDIT_PORT: "0",
        LOG_LEVEL: "silent",
        AUDIT_SYSLOG_TLS_PORT: "0",
        AUDIT_SYSLOG_TLS_CERT_FILE: files.serverCertFile,
        AUDIT_SYSLOG_TLS_KEY_FILE: files.serverKeyFile,
        AUDIT_SYSLOG_TLS_CA_FILE: files.caFile,
      }),
    );
    try {
      const port = server.syslogTlsPort ?? -1;
      expect(port).toBeGreaterThan(0);
      const message = formatSyslogMessage({ severity: 5, timestamp: new Date(), hostname: "registry.test", appName: "registry", msgId: "IHE+RFC-3881", message: toDicomAuditMessage(sampleAuditRecord(7)) });
      await sendOverTls(port, [frameOctetCounted(message), frameOctetCounted("not syslog at all")]);

      const url = `${server.address}/api/audit/admin/received-messages`;
      const all = await eventually(async () => {
        const page = (await (await fetch(`${url}?limit=1`, { headers: AUDITOR })).json()) as ReceivedPage;
        return page.nextCursor === undefined ? undefined : page;
      });
      // Newest first: the malformed frame came second.
      expect(all.items).toMatchObject([{ malformed: true, errorCode: "ATNA_SYSLOG_MALFORMED", transport: "tls" }]);
      const second = (await (await fetch(`${url}?limit=1&cursor=${all.nextCursor ?? ""}`, { headers: AUDITOR })).json()) as ReceivedPage;
      expect(second.nextCursor).toBeUndefined();
      expect(second.items).toMatchObject([
        { malformed: false, errorCode: null, eventIdCode: "110106", peerCertificateSubject: "CN=registry.test, O=OpenDSP Test", patientIds: ["1007^^^&1.2.250.1.213.1.4.8&ISO"] },
      ]);

      const readable = (await (await fetch(`${url}?malformed=false`, { headers: AUDITOR })).json()) as ReceivedPage;
      expect(readable.items.map((i) => i.malformed)).toEqual([false]);
      const malformed = (await (await fetch(`${url}?malformed=true`, { headers: AUDITOR })).json()) as ReceivedPage;
      expect(malformed.items.map((i) => i.errorCode)).toEqual(["ATNA_SYSLOG_MALFORMED"]);

      expect((await fetch(url, { headers: PROFESSIONAL })).status).toBe(403);
      expect((await fetch(url)).status).toBe(401);
      const badCursor = await fetch(`${url}?cursor=abc`, { headers: AUDITOR });
      expect(badCursor.status).toBe(400);
      expect(await badCursor.json()).toMatchObject({ code: "AUDIT_INVALID_CURSOR" });
      expect((await fetch(`${url}?malformed=maybe`, { headers: AUDITOR })).status).toBe(400);
    } finally {
      await server.close();
    }
  });

  describe("with AUDIT_FORWARD_URL", () => {
    let repositoryFiles: TlsFiles;
    let repository: TestAuditRepository;
    let testDb: TestDatabase;
    beforeAll(async () => {
      repositoryFiles = writeTlsFiles();
      repository = await startTestAuditRepository({
        cert: readFileSync(repositoryFiles.serverCertFile, "utf8"),
        key: readFileSync(repositoryFiles.serverKeyFile, "utf8"),
        ca: files.ca.certPem,
      });
      testDb = await createPostgresTestDatabase("opendsp_audit_forward");
    });
    afterAll(async () => {
      await repository.close();
      await testDb.drop();
      repositoryFiles.remove();
    });

    it("ITI-20: forwards the records it stores, in store order, to the external repository over mutual TLS, and resumes after a restart", async () => {
      const env = {
        DATABASE_URL: testDb.url,
        AUDIT_PORT: "0",
        LOG_LEVEL: "silent",
        AUDIT_SYSLOG_TLS_PORT: "-1",
        AUDIT_FORWARD_URL: `syslog-tls://127.0.0.1:${repository.port}`,
        AUDIT_FORWARD_TLS_CERT_FILE: files.clientCertFile,
        AUDIT_FORWARD_TLS_KEY_FILE: files.clientKeyFile,
        AUDIT_FORWARD_TLS_CA_FILE: repositoryFiles.caFile,
        AUDIT_FORWARD_BATCH_SIZE: "2",
        AUDIT_FORWARD_POLL_MS: "20",
      };
      // Records in different months land in different partitions; store order is the order they were stored in.
      const months = ["2026-12-05T13:45:12.345+01:00", "2026-10-01T08:00:00Z", "2027-02-01T08:00:00Z"];
      const records = [1, 2, 3, 4, 5].map((n) => sampleAuditRecord(n, { occurredAt: months[n % months.length] ?? months[0] ?? "" }));
      const post = (server: { address: string }, batch: unknown[]) =>
        fetch(`${server.address}${AUDIT_DELIVERY.intakePath}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ records: batch }) });
      const forwarded = (): string[] => [...new Set(repository.received.map((m) => m.patientIds[0] ?? ""))];
      const patientsOf = (from: number, to: number): string[] => records.slice(from - 1, to).map((r) => r.patientIds[0] ?? "");

      const first = await startAuditServer(loadAuditConfig(env));
      try {
        for (const record of records.slice(0, 3)) expect((await post(first, [record])).status).toBe(200);
        await eventually(() => Promise.resolve(forwarded().length === 3 ? true : undefined));
      } finally {
        await first.close();
      }
      expect(forwarded()).toEqual(patientsOf(1, 3));
      expect(repository.authorizedConnections).toBeGreaterThan(0);

      const before = repository.received.length;
      const second = await startAuditServer(loadAuditConfig(env));
      try {
        expect((await post(second, records.slice(3))).status).toBe(200);
        await eventually(() => Promise.resolve(forwarded().length === 5 ? true : undefined));
      } finally {
        await second.close();
      }
      expect(forwarded()).toEqual(patientsOf(1, 5));
      // The restart went on from the stored cursor: only the new records were sent.
      expect(repository.received.slice(before).map((m) => m.patientIds[0])).toEqual(patientsOf(4, 5));
      expect(repository.received.at(-1)).toMatchObject({ transaction: "ITI-43", eventId: { code: "110106" } });
    });

    it("refuses to start with a forward client certificate it cannot read (AUDIT_SYSLOG_TLS_FILE)", async () => {
      const config = loadAuditConfig({
        DATABASE_URL: testDb.url,
        AUDIT_PORT: "0",
        LOG_LEVEL: "silent",
        AUDIT_SYSLOG_TLS_PORT: "-1",
        AUDIT_FORWARD_URL: `syslog-tls://127.0.0.1:${repository.port}`,
        AUDIT_FORWARD_TLS_CERT_FILE: join(files.dir, "missing.pem"),
        AUDIT_FORWARD_TLS_KEY_FILE: files.clientKeyFile,
      });
      await expect(startAuditServer(config)).rejects.toMatchObject({ code: "AUDIT_SYSLOG_TLS_FILE" });
    });
  });
});
