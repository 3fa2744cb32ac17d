import { readFileSync } from "node:fs";
import { startCuttableTcpProxy, type CuttableTcpProxy } from "@opendsp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readForwardCursor } from "./forward-cursor.repository.js";
import { SYSLOG_FORWARD_CURSOR, createSyslogForwarder, type FetchAuditBatch, type ForwardableAuditRecord } from "./syslog-forwarder.js";
import { startTestAuditRepository, type TestAuditRepository } from "./syslog-tls.test-server.js";
import { eventually, migratedSyslogDatabase, sampleAuditRecord, silentLogger, syslogSettings, writeTlsFiles, type TlsFiles } from "./syslog.testing.js";

let store: Awaited<ReturnType<typeof migratedSyslogDatabase>>;
/** The forwarder's client certificate and CA, and the repository's server certificate and CA: two trust domains. */
let files: TlsFiles;
let repositoryFiles: TlsFiles;
let repository: TestAuditRepository;
let proxy: CuttableTcpProxy;

/** The audit store as the audit service would read it: records in order, cursor = zero-padded position. */
const stored: ForwardableAuditRecord[] = [];
const addRecords = (from: number, to: number): void => {
  for (let n = from; n <= to; n++) stored.push({ cursor: String(n).padStart(8, "0"), record: sampleAuditRecord(n) });
};
let onFetch: (after: string | undefined) => void = () => undefined;
const fetchBatch: FetchAuditBatch = (after, limit) => {
  onFetch(after);
  return Promise.resolve(stored.filter((s) => after === undefined || s.cursor > after).slice(0, limit));
};

const expectedPatients = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => `${1000 + from + i}^^^&1.2.250.1.213.1.4.8&ISO`);
/** Arrival order with repeats (at-least-once delivery) removed. */
const firstArrivals = (): string[] => [...new Set(repository.received.map((m) => m.patientIds[0] ?? ""))];

const settings = () =>
  syslogSettings({
    AUDIT_SYSLOG_TLS_PORT: "-1",
    AUDIT_FORWARD_URL: `syslog-tls://127.0.0.1:${proxy.port}`,
    AUDIT_FORWARD_TLS_CERT_FILE: files.clientCertFile,
    AUDIT_FORWARD_TLS_KEY_FILE: files.clientKeyFile,
    AUDIT_FORWARD_TLS_CA_FILE: repositoryFiles.caFile,
    AUDIT_FORWARD_BATCH_SIZE: "5",
    AUDIT_FORWARD_POLL_MS: "20",
    AUDIT_FORWARD_MAX_BACKOFF_MS: "200",
  });

beforeAll(async () => {
  store = await migratedSyslogDatabase();
  files = writeTlsFiles();
  repositoryFiles = writeTlsFiles();
  repository = await startTestAuditRepository({
    cert: readFileSync(repositoryFiles.serverCertFile, "utf8"),
    key: readFileSync(repositoryFiles.serverKeyFile, "utf8"),
    ca: files.ca.certPem,
  });
  proxy = await startCuttableTcpProxy({ host: "127.0.0.1", port: repository.port });
  addRecords(1, 30);
});

afterAll(async () => {
  await proxy.close();
  await repository.close();
  await store.close();
  files.remove();
  repositoryFiles.remove();
});

describe("ITI-20 forwarding of the audit records to an external audit repository over syslog TLS", () => {
  it("sends in order, lives through an outage in the middle without losing a message, and resumes from its cursor after a restart", async () => {
    const forwarder = createSyslogForwarder(settings(), { db: store.database.db, logger: silentLogger(), fetchBatch });
    expect(await forwarder.runOnce()).toBe(5);
    expect(await forwarder.runOnce()).toBe(5);
    expect(firstArrivals()).toEqual(expectedPatients(1, 10));
    expect(repository.authorizedConnections).toBeGreaterThan(0);

    // The repository is unreachable: the batch fails and the cursor stays where it was.
    proxy.cut();
    await expect(forwarder.runOnce()).rejects.toMatchObject({ code: "AUDIT_FORWARD_SEND" });
    expect(await readForwardCursor(store.database.db, SYSLOG_FORWARD_CURSOR)).toBe("00000010");
    proxy.restore();

    // A cut while a batch is on its way; the polling loop retries with backoff.
    let cuts = 0;
    onFetch = (after) => {
      if (after === "00000020" && cuts === 0) {
        cuts += 1;
        setImmediate(() => proxy.cut());
        setTimeout(() => proxy.restore(), 300);
      }
    };
    forwarder.start();
    await eventually(() => Promise.resolve(firstArrivals().length === 30 ? true : undefined), 20_000);
    await forwarder.close();
    expect(cuts).toBe(1);
    expect(firstArrivals()).toEqual(expectedPatients(1, 30));
    expect(await readForwardCursor(store.database.db, SYSLOG_FORWARD_CURSOR)).toBe("00000030");

    // After a restart only the records stored since are sent.
    onFetch = () => undefined;
    const before = repository.received.length;
    addRecords(31, 33);
    const restarted = createSyslogForwarder(settings(), { db: store.database.db, logger: silentLogger(), fetchBatch });
    expect(await restarted.runOnce()).toBe(3);
    expect(await restarted.runOnce()).toBe(0);
    await restarted.close();
    expect(repository.received.slice(before).map((m) => m.patientIds[0])).toEqual(expectedPatients(31, 33));
    expect(repository.received.at(-1)).toMatchObject({ transaction: "ITI-43", eventId: { code: "110106" } });
  });

  it("refuses to start without a forward URL", () => {
    expect(() => createSyslogForwarder(syslogSettings({ AUDIT_SYSLOG_TLS_PORT: "-1" }), { db: store.database.db, logger: silentLogger(), fetchBatch })).toThrow(
      expect.objectContaining({ code: "AUDIT_SYSLOG_CONFIG" }),
    );
  });
});
