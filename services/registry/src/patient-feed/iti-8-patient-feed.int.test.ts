import { createLogger } from "@opendsp/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findPatient } from "../storage/patient.repository.js";
import { auditRecordsIn } from "../testing/audit-records.js";
import { DATABASE_KINDS, startRegistry, type RegistryUnderTest } from "../testing/registry-harness.js";
import { IHERED_CODES, adtA01, adtA04, adtA08, adtA40, domainId } from "./adt-message.fixtures.js";
import { MllpTestClient, readAck } from "./mllp-client.testing.js";
import { CR, FS, VT, encodeMllpFrame } from "./mllp-frame.reader.js";
import { startPatientFeedListener, type PatientFeedListener } from "./patient-feed.listener.js";

let counter = 0;
/** A patient id no other test (or earlier run on the shared server) uses. */
const freshId = (): string => `P${Date.now()}-${process.pid}-${++counter}`;

describe.each(DATABASE_KINDS)("ITI-8 Patient Identity Feed over MLLP on %s", (kind) => {
  let registry: RegistryUnderTest;
  let listener: PatientFeedListener;
  const clients: MllpTestClient[] = [];

  beforeAll(async () => {
    registry = await startRegistry(kind, { codes: IHERED_CODES, env: { HL7_MLLP_PORT: "0" } });
    listener = await startPatientFeedListener(
      { config: registry.config, db: registry.db, codes: IHERED_CODES, auditWritten: () => undefined },
      createLogger({ service: "registry", level: "silent" }),
    );
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await listener.close();
    await registry.close();
  });

  async function client(): Promise<MllpTestClient> {
    const c = await MllpTestClient.connect(listener.port);
    clients.push(c);
    return c;
  }

  async function auditRows(controlId: string) {
    return (await auditRecordsIn(registry.db)).filter((r) => r.messageId === controlId);
  }

  it("listens on a free port when HL7_MLLP_PORT is 0", () => {
    expect(registry.config.HL7_MLLP_PORT).toBe(0);
    expect(listener.port).toBeGreaterThan(0);
  });

  it("A04 v2.3.1: AA, the domain's id stored active, the local id ignored, one audit row", async () => {
    const c = await client();
    const local = `L${freshId()}^^^&9.9.9&ISO`;
    const id = freshId();
    const ack = readAck(await c.send(adtA04("MSG0001", `${domainId(id)}~${local}`)));
    expect(ack).toMatchObject({ ackCode: "AA", controlId: "MSG0001" });
    expect(ack.msh.slice(2, 6)).toEqual(["XDSb_REG", "OPENDSP", "PAT_IDENTITY_X_REF_MGR_MISYS", "ALLSCRIPTS"]);
    expect(ack.msh[8]).toBe("ACK^A04^ACK");
    expect(ack.msh[11]).toBe("2.3.1");
    expect(await findPatient(registry.db, domainId(id))).toEqual({ patientId: domainId(id), status: "active", mergedInto: null });
    expect(await findPatient(registry.db, local)).toBeUndefined();
    const audit = await auditRows("MSG0001");
    expect(audit).toHaveLength(1);
    // ITI TF-2a 3.8.5.1: source MSH-3|MSH-4, destination MSH-5|MSH-6, Create for A04.
    expect(audit[0]).toMatchObject({
      transaction: "ITI-8",
      role: "registry",
      outcome: "success",
      patientIds: [domainId(id)],
      feedAction: "create",
      client: { id: "PAT_IDENTITY_X_REF_MGR_MISYS|ALLSCRIPTS", networkAddress: expect.stringMatching(/127\.0\.0\.1/) as unknown },
      destination: { endpoint: "XDSb_REG|OPENDSP" },
    });
  });

  it("A01 v2.5 then A08 on one connection: created then updated, ACKs in v2.5", async () => {
    const c = await client();
    const id = domainId(freshId());
    const first = readAck(await c.send(adtA01("MSG-A01", id)));
    expect(first).toMatchObject({ ackCode: "AA", controlId: "MSG-A01" });
    expect(first.msh[11]).toBe("2.5");
    expect(readAck(await c.send(adtA08("MSG-A08", id, "2.5")))).toMatchObject({ ackCode: "AA", controlId: "MSG-A08" });
    expect((await auditRows("MSG-A08"))[0]).toMatchObject({ outcome: "success", feedAction: "update" });
    expect(await findPatient(registry.db, id)).toMatchObject({ status: "active" });
  });

  it("AE 204 when PID-3 holds no id of the affinity domain; nothing stored, a failure audit row", async () => {
    const c = await client();
    const local = `L${freshId()}^^^&9.9.9&ISO`;
    const ack = readAck(await c.send(adtA04("MSG-NODOMAIN", local)));
    expect(ack).toMatchObject({ ackCode: "AE", controlId: "MSG-NODOMAIN" });
    expect(ack.err?.[1]).toBe("PID^1^3^204&Unknown key identifier&HL70357");
    expect(await findPatient(registry.db, local)).toBeUndefined();
    expect(await auditRows("MSG-NODOMAIN")).toEqual([expect.objectContaining({ transaction: "ITI-8", outcome: "serious-failure", patientIds: [] })]);
  });

  it("AR to an unsupported message type and trigger event", async () => {
    const c = await client();
    expect(readAck(await c.send(adtA04("MSG-ORU").replace("ADT^A04^ADT_A01", "ORU^R01^ORU_R01")))).toMatchObject({ ackCode: "AR", controlId: "MSG-ORU" });
    const a03 = readAck(await c.send(adtA04("MSG-A03").replace("ADT^A04^ADT_A01", "ADT^A03^ADT_A03")));
    expect(a03).toMatchObject({ ackCode: "AR", controlId: "MSG-A03" });
    expect(a03.err?.[1]).toBe("MSH^1^9^201&Unsupported event code&HL70357");
  });

  it("answers several pipelined messages in order", async () => {
    const c = await client();
    const ids = [freshId(), freshId(), freshId()];
    c.write(Buffer.concat(ids.map((id, i) => encodeMllpFrame(Buffer.from(adtA04(`PIPE${i}`, domainId(id)))))));
    const acks = (await c.waitForAcks(3)).map(readAck);
    expect(acks.map((a) => [a.ackCode, a.controlId])).toEqual([
      ["AA", "PIPE0"],
      ["AA", "PIPE1"],
      ["AA", "PIPE2"],
    ]);
  });

  it("answers a message sent just before the sender half-closes", async () => {
    const c = await client();
    c.write(encodeMllpFrame(Buffer.from(adtA04("MSG-HALF", domainId(freshId())))));
    c.end();
    const acks = await c.waitForAcks(1);
    expect(readAck(acks[0] ?? "")).toMatchObject({ ackCode: "AA", controlId: "MSG-HALF" });
    expect(await c.closed()).toBe(true);
  });

  it("a frame of garbage gets AR; the same connection then takes a good message", async () => {
    const c = await client();
    const ack = readAck(await c.send("\u0000\u0001 definitely not HL7 \u00ff"));
    expect(ack).toMatchObject({ ackCode: "AR", controlId: "" });
    expect(ack.err?.[1]).toBe("^^^100&Segment sequence error&HL70357");
    expect(readAck(await c.send(adtA04("MSG-AFTER-GARBAGE", domainId(freshId()))))).toMatchObject({ ackCode: "AA", controlId: "MSG-AFTER-GARBAGE" });
  });

  it("bytes outside a frame close the connection; the server takes the next connection", async () => {
    const c = await client();
    c.write(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    expect(await c.closed()).toBe(true);
    expect(c.received).toEqual([]);
    const next = await client();
    expect(readAck(await next.send(adtA04("MSG-AFTER-HTTP", domainId(freshId()))))).toMatchObject({ ackCode: "AA" });
  });

  it("a frame over 1 MiB gets AR with its MSH-10, is skipped, and the connection goes on", async () => {
    const c = await client();
    const id = domainId(freshId());
    const huge = `${adtA04("MSG-HUGE", id)}\rNTE|1||${"x".repeat(1024 * 1024)}`;
    const ack = readAck(await c.send(huge));
    expect(ack).toMatchObject({ ackCode: "AR", controlId: "MSG-HUGE" });
    expect(ack.text).toContain("larger than 1048576 bytes");
    expect(await findPatient(registry.db, id)).toBeUndefined();
    expect(readAck(await c.send(adtA04("MSG-AFTER-HUGE", domainId(freshId()))))).toMatchObject({ ackCode: "AA", controlId: "MSG-AFTER-HUGE" });
  });

  it("a half frame followed by a new VT is dropped, the new frame answered", async () => {
    const c = await client();
    c.write(Buffer.concat([Buffer.from([VT]), Buffer.from("MSH|^~\\&|PIX|H|XDSb_REG|OPENDSP|2026||ADT^A04|LOST|P|2.5")]));
    const good = adtA04("MSG-AFTER-HALF", domainId(freshId()));
    c.write(Buffer.concat([Buffer.from([VT]), Buffer.from(good), Buffer.from([FS, CR])]));
    const acks = (await c.waitForAcks(1)).map(readAck);
    expect(acks.map((a) => a.controlId)).toEqual(["MSG-AFTER-HALF"]);
  });

  describe("A40 merge", () => {
    it("merges the MRG-1 id into the PID-3 id: AA, the subsumed id merged, audit ITI-8-merge", async () => {
      const c = await client();
      const surviving = domainId(freshId());
      const subsumed = domainId(freshId());
      expect(readAck(await c.send(adtA04("M-ADD-1", surviving))).ackCode).toBe("AA");
      expect(readAck(await c.send(adtA04("M-ADD-2", subsumed))).ackCode).toBe("AA");
      const ack = readAck(await c.send(adtA40("M-MERGE", surviving, subsumed)));
      expect(ack).toMatchObject({ ackCode: "AA", controlId: "M-MERGE" });
      expect(ack.msh[8]).toBe("ACK^A40^ACK");
      expect(await findPatient(registry.db, subsumed)).toEqual({ patientId: subsumed, status: "merged", mergedInto: surviving });
      expect(await findPatient(registry.db, surviving)).toMatchObject({ status: "active" });
      const audit = await auditRows("M-MERGE");
      expect(audit).toEqual([expect.objectContaining({ transaction: "ITI-8", outcome: "success", feedAction: "update", patientIds: [surviving, subsumed] })]);

      // The same A40 again (a sender's retry) is harmless.
      expect(readAck(await c.send(adtA40("M-MERGE-AGAIN", surviving, subsumed))).ackCode).toBe("AA");
      // A feed of the subsumed id does not undo the merge.
      const refeed = readAck(await c.send(adtA08("M-REFEED", subsumed)));
      expect(refeed.ackCode).toBe("AE");
      expect(await findPatient(registry.db, subsumed)).toMatchObject({ status: "merged", mergedInto: surviving });
      expect(await auditRows("M-REFEED")).toEqual([expect.objectContaining({ outcome: "serious-failure", failure: expect.objectContaining({ code: "REG_PATIENT_MERGED" }) as unknown })]);
    });

    it("creates an unknown surviving id", async () => {
      const c = await client();
      const surviving = domainId(freshId());
      const subsumed = domainId(freshId());
      await c.send(adtA04("M2-ADD", subsumed));
      expect(readAck(await c.send(adtA40("M2-MERGE", surviving, subsumed))).ackCode).toBe("AA");
      expect(await findPatient(registry.db, surviving)).toMatchObject({ status: "active" });
      expect((await auditRows("M2-MERGE"))[0]).toMatchObject({ outcome: "success", patientIds: [surviving, subsumed] });
    });

    it("AE 204 on MRG when the subsumed id is unknown; AE when both ids are the same", async () => {
      const c = await client();
      const surviving = domainId(freshId());
      const unknown = readAck(await c.send(adtA40("M3-UNKNOWN", surviving, domainId(freshId()))));
      expect(unknown).toMatchObject({ ackCode: "AE", controlId: "M3-UNKNOWN" });
      expect(unknown.err?.[1]).toBe("MRG^1^1^204&Unknown key identifier&HL70357");
      expect(await findPatient(registry.db, surviving)).toBeUndefined();
      expect(await auditRows("M3-UNKNOWN")).toEqual([expect.objectContaining({ transaction: "ITI-8", outcome: "serious-failure", feedAction: "update" })]);

      await c.send(adtA04("M3-ADD", surviving));
      expect(readAck(await c.send(adtA40("M3-SELF", surviving, surviving))).ackCode).toBe("AE");
      expect(await findPatient(registry.db, surviving)).toMatchObject({ status: "active" });
    });
  });
});
