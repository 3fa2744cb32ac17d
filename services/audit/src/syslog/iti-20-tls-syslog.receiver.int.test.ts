import { connect, type ConnectionOptions, type TLSSocket } from "node:tls";
import { formatSyslogMessage, frameOctetCounted, toDicomAuditMessage } from "@opendsp/atna";
import { openDatabase } from "@opendsp/platform";
import { startCuttableTcpProxy } from "@opendsp/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SyslogTables } from "./received-audit-message.table.js";
import { startSyslogReceivers, type SyslogReceivers } from "./start-syslog-receivers.js";
import { eventually, migratedSyslogDatabase, sampleAuditRecord, silentLogger, syslogSettings, writeTlsFiles, type TlsFiles } from "./syslog.testing.js";

const MAX_MESSAGE_BYTES = 8192;
let store: Awaited<ReturnType<typeof migratedSyslogDatabase>>;
let files: TlsFiles;
let receivers: SyslogReceivers;

const syslogOf = (message: string | Uint8Array, bom = true): Buffer =>
  formatSyslogMessage({ severity: 5, timestamp: new Date(), hostname: "registry.test", appName: "registry", msgId: "IHE+RFC-3881", message, bom });

function clientOptions(port: number, withCert = true): ConnectionOptions {
  return {
    host: "127.0.0.1",
    port,
    ca: files.ca.certPem,
    ...(withCert && { cert: files.client.certPem, key: files.client.keyPem }),
  };
}

/** Connects, writes the chunks one by one, closes, and resolves when the server has closed too (or with its error). */
function send(options: ConnectionOptions, chunks: readonly Buffer[]): Promise<{ error?: string }> {
  return new Promise((resolve) => {
    let error: string | undefined;
    const socket = connect(options, () => {
      for (const chunk of chunks) socket.write(chunk);
      socket.end();
    });
    socket.on("error", (e: Error & { code?: string }) => (error = e.code ?? e.message));
    socket.on("data", () => undefined);
    socket.on("close", () => resolve(error === undefined ? {} : { error }));
  });
}

async function rows(count: number) {
  return eventually(async () => {
    const found = await store.database.db.selectFrom("received_audit_message").selectAll().orderBy("id").execute();
    return found.length >= count ? found : undefined;
  });
}

beforeAll(async () => {
  store = await migratedSyslogDatabase();
  files = writeTlsFiles();
  receivers = await startSyslogReceivers(
    syslogSettings({
      AUDIT_SYSLOG_TLS_PORT: "0",
      AUDIT_SYSLOG_TLS_CERT_FILE: files.serverCertFile,
      AUDIT_SYSLOG_TLS_KEY_FILE: files.serverKeyFile,
      AUDIT_SYSLOG_TLS_CA_FILE: files.caFile,
      AUDIT_SYSLOG_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
    }),
    { db: store.database.db, logger: silentLogger() },
  );
});

afterAll(async () => {
  await receivers.close();
  await store.close();
  files.remove();
});

beforeEach(async () => {
  await store.database.db.deleteFrom("received_audit_message").execute();
});

const port = (): number => receivers.tlsAddress?.port ?? -1;

describe("ITI-20 Record Audit Event over syslog TLS (RFC 5425)", () => {
  it("stores each DICOM audit message of a connection, read into its fields, even when frames are split across writes", async () => {
    const stream = Buffer.concat([1, 2, 3].map((n) => frameOctetCounted(syslogOf(toDicomAuditMessage(sampleAuditRecord(n))))));
    const chunks = [stream.subarray(0, 3), stream.subarray(3, 700), stream.subarray(700)];
    expect(await send(clientOptions(port()), chunks)).toEqual({});
    const stored = await rows(3);
    expect(stored).toHaveLength(3);
    expect(stored.map((r) => r.patient_ids)).toEqual([1, 2, 3].map((n) => [`${1000 + n}^^^&1.2.250.1.213.1.4.8&ISO`]));
    expect(stored[0]).toMatchObject({
      transport: "tls",
      peer_address: expect.stringMatching(/127\.0\.0\.1$/) as string,
      peer_certificate_subject: "CN=registry.test, O=OpenDSP Test",
      malformed: false,
      error_code: null,
      event_id_code: "110106",
      event_action_code: "R",
      event_outcome_indicator: "0",
      source_id: "opendsp-repository",
      raw_encoding: "utf8",
    });
    expect(stored[0]?.event_datetime).toEqual(new Date("2026-12-05T12:45:12.345Z"));
    expect(stored[0]?.participant_user_ids).toContain("10001234567");
  });

  it("keeps a garbage frame, an unreadable XML and a non-UTF-8 message as malformed, and goes on reading", async () => {
    const latin1 = syslogOf(Buffer.from('<?xml version="1.0"?><AuditMessage>caf\xe9</AuditMessage>', "latin1"), true);
    const frames = [
      frameOctetCounted("not syslog at all"),
      frameOctetCounted(syslogOf("<AuditMessage><EventIdentification>")),
      frameOctetCounted(latin1),
      frameOctetCounted(syslogOf(toDicomAuditMessage(sampleAuditRecord(4)))),
    ];
    expect(await send(clientOptions(port()), [Buffer.concat(frames)])).toEqual({});
    const stored = await rows(4);
    expect(stored.map((r) => [r.malformed, r.error_code])).toEqual([
      [true, "ATNA_SYSLOG_MALFORMED"],
      [true, "ATNA_AUDIT_NOT_XML"],
      [true, "AUDIT_SYSLOG_MSG_NOT_UTF8"],
      [false, null],
    ]);
    expect(stored[0]).toMatchObject({ raw_text: "not syslog at all", raw_encoding: "utf8", patient_ids: [], message: null });
    expect(stored[2]).toMatchObject({ raw_encoding: "base64", raw_text: latin1.toString("base64") });
  });

  it("stores what came before an oversize frame, keeps the frame's start, and closes the connection", async () => {
    const good = frameOctetCounted(syslogOf(toDicomAuditMessage(sampleAuditRecord(5))));
    const oversize = Buffer.concat([Buffer.from(`${MAX_MESSAGE_BYTES + 1} `), Buffer.alloc(100, 0x41)]);
    const after = frameOctetCounted(syslogOf(toDicomAuditMessage(sampleAuditRecord(6))));
    await send(clientOptions(port()), [Buffer.concat([good, oversize, after])]);
    const stored = await rows(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const again = await rows(2);
    expect(again).toHaveLength(2);
    expect(stored[0]).toMatchObject({ malformed: false, patient_ids: ["1005^^^&1.2.250.1.213.1.4.8&ISO"] });
    expect(stored[1]).toMatchObject({ malformed: true, error_code: "ATNA_FRAME_TOO_LARGE" });
    expect(stored[1]?.raw_text.startsWith(`${MAX_MESSAGE_BYTES + 1} AAAA`)).toBe(true);
  });

  it("keeps a frame with an invalid length prefix, and one the sender left incomplete", async () => {
    await send(clientOptions(port()), [Buffer.from("<85>1 no octet count")]);
    await send(clientOptions(port()), [Buffer.from("400 <85>1 2026-12-06T03:00:00Z host app - IHE+RFC-3881 - <AuditMess")]);
    const stored = await rows(2);
    expect(stored.map((r) => r.error_code)).toEqual(["ATNA_FRAME_LENGTH_INVALID", "AUDIT_SYSLOG_FRAME_INCOMPLETE"]);
    expect(stored[0]?.raw_text).toBe("<85>1 no octet count");
    expect(stored[1]?.raw_text).toMatch(/^400 <85>1 .*<AuditMess$/);
  });

  it("refuses a sender without a client certificate (RFC 5425 section 5.2 mutual authentication)", async () => {
    const outcome = await send(clientOptions(port(), false), [frameOctetCounted(syslogOf(toDicomAuditMessage(sampleAuditRecord(7))))]);
    expect(outcome.error).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await store.database.db.selectFrom("received_audit_message").select("id").execute()).toEqual([]);
  });

  it("takes a sender without a certificate when client certificates are not required, with no subject", async () => {
    const open = await startSyslogReceivers(
      syslogSettings({
        AUDIT_SYSLOG_TLS_PORT: "0",
        AUDIT_SYSLOG_TLS_CERT_FILE: files.serverCertFile,
        AUDIT_SYSLOG_TLS_KEY_FILE: files.serverKeyFile,
        AUDIT_SYSLOG_REQUIRE_CLIENT_CERT: "false",
      }),
      { db: store.database.db, logger: silentLogger() },
    );
    try {
      expect(await send(clientOptions(open.tlsAddress?.port ?? -1, false), [frameOctetCounted(syslogOf(toDicomAuditMessage(sampleAuditRecord(8))))])).toEqual({});
      const stored = await rows(1);
      expect(stored[0]).toMatchObject({ malformed: false, peer_certificate_subject: null });
    } finally {
      await open.close();
    }
  });

  it("refuses connections beyond AUDIT_SYSLOG_MAX_CONNECTIONS and closes an idle one, keeping its unfinished frame", async () => {
    const small = await startSyslogReceivers(
      syslogSettings({
        AUDIT_SYSLOG_TLS_PORT: "0",
        AUDIT_SYSLOG_TLS_CERT_FILE: files.serverCertFile,
        AUDIT_SYSLOG_TLS_KEY_FILE: files.serverKeyFile,
        AUDIT_SYSLOG_TLS_CA_FILE: files.caFile,
        AUDIT_SYSLOG_MAX_CONNECTIONS: "1",
        AUDIT_SYSLOG_IDLE_TIMEOUT_MS: "1000",
      }),
      { db: store.database.db, logger: silentLogger() },
    );
    try {
      const options = clientOptions(small.tlsAddress?.port ?? -1);
      const idle = await new Promise<TLSSocket>((resolve) => {
        const socket: TLSSocket = connect(options, () => {
          socket.write("50 <85>1 half");
          resolve(socket);
        });
      });
      idle.on("error", () => undefined);
      const closedByServer = new Promise<number>((resolve) => {
        const opened = Date.now();
        idle.on("close", () => resolve(Date.now() - opened));
      });
      expect((await send(options, [Buffer.from("5 hello")])).error).toBeDefined();
      expect(await closedByServer).toBeGreaterThanOrEqual(900);
      const stored = await rows(1);
      expect(stored.map((r) => [r.error_code, r.raw_text])).toEqual([["AUDIT_SYSLOG_FRAME_INCOMPLETE", "50 <85>1 half"]]);
    } finally {
      await small.close();
    }
  });

  it("holds a sender back while the database is unreachable and stores every message once it is back", async () => {
    const proxy = await startCuttableTcpProxy({ host: "127.0.0.1", port: 5432 });
    const url = new URL(store.testDb.url);
    url.host = `${proxy.host}:${proxy.port}`;
    const viaProxy = await openDatabase<SyslogTables>({ url: url.toString() });
    const receiver = await startSyslogReceivers(
      syslogSettings({
        AUDIT_SYSLOG_TLS_PORT: "0",
        AUDIT_SYSLOG_TLS_CERT_FILE: files.serverCertFile,
        AUDIT_SYSLOG_TLS_KEY_FILE: files.serverKeyFile,
        AUDIT_SYSLOG_TLS_CA_FILE: files.caFile,
      }),
      { db: viaProxy.db, logger: silentLogger() },
    );
    try {
      proxy.cut();
      const message = frameOctetCounted(syslogOf(toDicomAuditMessage(sampleAuditRecord(9))));
      const sent = send(clientOptions(receiver.tlsAddress?.port ?? -1), Array.from({ length: 1500 }, () => message));
      await new Promise((resolve) => setTimeout(resolve, 1000));
      proxy.restore();
      expect(await sent).toEqual({});
      const stored = await eventually(async () => {
        const { n } = await store.database.db.selectFrom("received_audit_message").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
        return Number(n) === 1500 ? Number(n) : undefined;
      }, 30_000);
      expect(stored).toBe(1500);
    } finally {
      await receiver.close();
      await viaProxy.close();
      await proxy.close();
    }
  });

  it("fails to start with AUDIT_SYSLOG_LISTEN when the port is taken, and AUDIT_SYSLOG_TLS_FILE when a PEM file is missing", async () => {
    const base = { AUDIT_SYSLOG_TLS_CERT_FILE: files.serverCertFile, AUDIT_SYSLOG_TLS_KEY_FILE: files.serverKeyFile, AUDIT_SYSLOG_TLS_CA_FILE: files.caFile };
    const deps = { db: store.database.db, logger: silentLogger() };
    await expect(startSyslogReceivers(syslogSettings({ ...base, AUDIT_SYSLOG_TLS_PORT: String(port()) }), deps)).rejects.toMatchObject({ code: "AUDIT_SYSLOG_LISTEN" });
    await expect(startSyslogReceivers(syslogSettings({ ...base, AUDIT_SYSLOG_TLS_PORT: "0", AUDIT_SYSLOG_TLS_CA_FILE: `${files.dir}/missing.pem` }), deps)).rejects.toMatchObject({
      code: "AUDIT_SYSLOG_TLS_FILE",
    });
  });
});
