import { createSocket } from "node:dgram";
import { formatSyslogMessage, toDicomAuditMessage } from "@opendsp/atna";
import { openDatabase } from "@opendsp/platform";
import { startCuttableTcpProxy } from "@opendsp/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SyslogTables } from "./received-audit-message.table.js";
import { startSyslogReceivers, type SyslogReceivers } from "./start-syslog-receivers.js";
import { eventually, migratedSyslogDatabase, sampleAuditRecord, silentLogger, syslogSettings } from "./syslog.testing.js";

const MAX_MESSAGE_BYTES = 4096;
let store: Awaited<ReturnType<typeof migratedSyslogDatabase>>;
let receivers: SyslogReceivers;

const syslogOf = (message: string): Buffer =>
  formatSyslogMessage({ severity: 5, timestamp: new Date(), hostname: "pas.test", appName: "pas", msgId: "IHE+RFC-3881", message });

async function sendDatagrams(port: number, datagrams: readonly Buffer[]): Promise<void> {
  const socket = createSocket("udp4");
  for (const d of datagrams) await new Promise<void>((resolve, reject) => socket.send(d, port, "127.0.0.1", (e) => (e ? reject(e) : resolve())));
  await new Promise<void>((resolve) => socket.close(() => resolve()));
}

async function storedRows(count: number) {
  return eventually(async () => {
    const found = await store.database.db.selectFrom("received_audit_message").selectAll().orderBy("id").execute();
    return found.length >= count ? found : undefined;
  }, 20_000);
}

beforeAll(async () => {
  store = await migratedSyslogDatabase();
  receivers = await startSyslogReceivers(
    syslogSettings({ AUDIT_SYSLOG_TLS_PORT: "-1", AUDIT_SYSLOG_UDP_PORT: "0", AUDIT_SYSLOG_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES) }),
    { db: store.database.db, logger: silentLogger() },
  );
});

afterAll(async () => {
  await receivers.close();
  await store.close();
});

beforeEach(async () => {
  await store.database.db.deleteFrom("received_audit_message").execute();
});

describe("ITI-20 Record Audit Event over syslog UDP (RFC 5426)", () => {
  it("stores one message per datagram, garbage and oversize ones as malformed", async () => {
    expect(receivers.tlsAddress).toBeUndefined();
    const oversize = syslogOf(`<AuditMessage>${"x".repeat(MAX_MESSAGE_BYTES)}</AuditMessage>`);
    await sendDatagrams(receivers.udpAddress?.port ?? -1, [
      syslogOf(toDicomAuditMessage(sampleAuditRecord(1))),
      Buffer.from([0x00, 0xff, 0x13, 0x37]),
      oversize,
    ]);
    const stored = await storedRows(3);
    expect(stored.map((r) => [r.transport, r.malformed, r.error_code])).toEqual([
      ["udp", false, null],
      ["udp", true, "ATNA_SYSLOG_MALFORMED"],
      ["udp", true, "AUDIT_SYSLOG_TOO_LARGE"],
    ]);
    expect(stored[0]).toMatchObject({ event_id_code: "110106", patient_ids: ["1001^^^&1.2.250.1.213.1.4.8&ISO"], peer_certificate_subject: null });
    expect(stored[1]).toMatchObject({ raw_encoding: "base64", raw_text: Buffer.from([0x00, 0xff, 0x13, 0x37]).toString("base64"), raw_bytes: 4 });
    expect(stored[2]).toMatchObject({ raw_bytes: oversize.length, raw_truncated: true });
  });

  it("holds datagrams while the database is unreachable, drops and counts those beyond its queue, and stores the held ones after", async () => {
    const proxy = await startCuttableTcpProxy({ host: "127.0.0.1", port: 5432 });
    const url = new URL(store.testDb.url);
    url.host = `${proxy.host}:${proxy.port}`;
    const viaProxy = await openDatabase<SyslogTables>({ url: url.toString() });
    const bounded = await startSyslogReceivers(
      syslogSettings({ AUDIT_SYSLOG_TLS_PORT: "-1", AUDIT_SYSLOG_UDP_PORT: "0", AUDIT_SYSLOG_UDP_QUEUE_MESSAGES: "5" }),
      { db: viaProxy.db, logger: silentLogger() },
    );
    try {
      proxy.cut();
      const port = bounded.udpAddress?.port ?? -1;
      await sendDatagrams(port, Array.from({ length: 20 }, (_, i) => syslogOf(toDicomAuditMessage(sampleAuditRecord(100 + i)))));
      await eventually(() => Promise.resolve(bounded.udpDropped === 15 ? true : undefined));
      proxy.restore();
      const stored = await storedRows(5);
      expect(stored.map((r) => r.patient_ids)).toEqual([100, 101, 102, 103, 104].map((n) => [`${1000 + n}^^^&1.2.250.1.213.1.4.8&ISO`]));
      expect(bounded.udpDropped).toBe(15);
    } finally {
      await bounded.close();
      await viaProxy.close();
      await proxy.close();
    }
  });

  it("fails to start with AUDIT_SYSLOG_LISTEN when the port is taken", async () => {
    const taken = String(receivers.udpAddress?.port ?? -1);
    await expect(startSyslogReceivers(syslogSettings({ AUDIT_SYSLOG_TLS_PORT: "-1", AUDIT_SYSLOG_UDP_PORT: taken }), { db: store.database.db, logger: silentLogger() })).rejects.toMatchObject({
      code: "AUDIT_SYSLOG_LISTEN",
    });
  });

  it("shuts down while the database is unreachable instead of waiting for it", async () => {
    const proxy = await startCuttableTcpProxy({ host: "127.0.0.1", port: 5432 });
    const url = new URL(store.testDb.url);
    url.host = `${proxy.host}:${proxy.port}`;
    const viaProxy = await openDatabase<SyslogTables>({ url: url.toString() });
    const stuck = await startSyslogReceivers(syslogSettings({ AUDIT_SYSLOG_TLS_PORT: "-1", AUDIT_SYSLOG_UDP_PORT: "0" }), { db: viaProxy.db, logger: silentLogger() });
    try {
      proxy.cut();
      await sendDatagrams(stuck.udpAddress?.port ?? -1, [syslogOf(toDicomAuditMessage(sampleAuditRecord(200)))]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const started = Date.now();
      await stuck.close();
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await viaProxy.close();
      await proxy.close();
    }
  });
});
