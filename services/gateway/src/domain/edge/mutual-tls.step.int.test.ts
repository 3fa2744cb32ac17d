import { ACTION, type TransactionId } from "@opendsp/ebxml";
import { X509Certificate } from "node:crypto";
import { connect, createServer, type Server, type TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseKnownSystems, type KnownSystems } from "../systems/known-systems.js";
import { createTestPki, type TestPki } from "../../testing/mutual-tls.testing.js";
import { RequestBody } from "../upstream/request-body.js";
import { createMutualTlsStep, systemOf } from "./mutual-tls.step.js";
import type { EdgeDecision } from "./edge-step.js";

/**
 * The step alone, on the server side of real TLS connections that let every certificate through the handshake
 * (no guard in front), so each of its decisions can be seen, also those the gateway's server makes first.
 */
let pki: TestPki;
let systems: KnownSystems;
let server: Server;
let port: number;
const accepted: TLSSocket[] = [];
let waiting: ((socket: TLSSocket) => void) | undefined;

beforeAll(async () => {
  pki = await createTestPki();
  const fingerprint = new X509Certificate(pki.laboratory.certPem).fingerprint256;
  systems = parseKnownSystems(
    JSON.stringify([
      { id: "lab-1", name: "Laboratoire Exemple", organizationId: "1.2.250.1.71.4.2.2.1", kind: "laboratory", certificate: { subject: "CN=lis.example.org,O=Laboratoire Exemple" } },
      { id: "lab-pinned", name: "Laboratoire Exemple", organizationId: "1.2.250.1.71.4.2.2.1", kind: "laboratory", certificate: { sha256Fingerprint: fingerprint } },
      { id: "lab-submit", name: "Envoi", organizationId: "1.2.250.1.71.4.2.2.1", kind: "practice", certificate: { subject: "CN=submit.example.org,O=Laboratoire Exemple" }, transactions: ["ITI-41"] },
    ]),
    "systems",
  );
  server = createServer({ cert: pki.server.certPem, key: pki.server.keyPem, ca: pki.ca.certPem, requestCert: true, rejectUnauthorized: false }, (socket) => {
    accepted.push(socket);
    waiting?.(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  for (const socket of accepted) socket.destroy();
  await new Promise((resolve) => server?.close(resolve));
  await pki?.remove();
});

/** The server side of a new connection from a client showing `certificate`. */
async function serverSocketFor(certificate?: TestPki["laboratory"]): Promise<TLSSocket> {
  const arrived = new Promise<TLSSocket>((resolve) => (waiting = resolve));
  const client = connect({ host: "127.0.0.1", port, ca: pki.ca.certPem, ...(certificate === undefined ? {} : { cert: certificate.certPem, key: certificate.keyPem }) });
  client.on("error", () => undefined);
  const socket = await arrived;
  client.destroy();
  return socket;
}

async function decide(socket: TLSSocket, clientCert: "required" | "optional", transaction: TransactionId = "iti18"): Promise<{ decision: EdgeDecision; attributes: Map<string, unknown> }> {
  const attributes = new Map<string, unknown>();
  const step = createMutualTlsStep(systems, clientCert);
  const decision = await step.check({ requestId: "r-1", upstream: "registry", transaction, action: ACTION[transaction].request, messageId: undefined, headers: {}, headerBytes: Buffer.alloc(0), contentType: "application/soap+xml", body: new RequestBody((async function* () {})(), Buffer.alloc(0)), socket, attributes });
  return { decision, attributes };
}

describe("edge step mutual-tls", () => {
  it("refuses a certificate matched by two entries (one by subject, one by fingerprint) as ambiguous", async () => {
    const { decision, attributes } = await decide(await serverSocketFor(pki.laboratory), "optional");
    expect(decision).toEqual({ kind: "refuse", fault: { code: "Sender", reason: "The client certificate matches more than one registered system" }, code: "GW_AMBIGUOUS_SYSTEM", reason: "ambiguous system" });
    expect(systemOf(attributes)).toBeUndefined();
  });

  it("passes a registered system with its identity, and refuses it a transaction it is not registered for", async () => {
    const socket = await serverSocketFor(pki.submitOnly);
    const allowed = await decide(socket, "required", "iti41");
    expect(allowed.decision).toEqual({ kind: "pass" });
    expect(systemOf(allowed.attributes)).toEqual({ id: "lab-submit", name: "Envoi", organizationId: "1.2.250.1.71.4.2.2.1", kind: "practice" });
    const refused = await decide(socket, "required", "iti43");
    expect(refused.decision).toMatchObject({ kind: "refuse", fault: { code: "Sender", reason: "The system lab-submit is not allowed to send ITI-43" }, code: "GW_SYSTEM_TRANSACTION_NOT_ALLOWED" });
    // Still named, as the requestor of the refusal's audit record.
    expect(systemOf(refused.attributes)?.id).toBe("lab-submit");
  });

  it("refuses a certificate the TLS layer could not verify, whatever the mode", async () => {
    for (const certificate of [pki.untrusted, pki.expired]) {
      const socket = await serverSocketFor(certificate);
      expect(socket.authorized).toBe(false);
      for (const mode of ["optional", "required"] as const) {
        expect((await decide(socket, mode)).decision).toMatchObject({ kind: "refuse", fault: { code: "Sender", reason: "The client certificate is not trusted" } });
      }
    }
  });

  it("passes no certificate under 'optional' with no system, refuses it under 'required'", async () => {
    const socket = await serverSocketFor();
    const optional = await decide(socket, "optional");
    expect(optional.decision).toEqual({ kind: "pass" });
    expect(optional.attributes.size).toBe(0);
    expect((await decide(socket, "required")).decision).toMatchObject({ kind: "refuse", fault: { reason: "A client certificate is required" } });
  });

  it("refuses a trusted certificate of no registered system", async () => {
    expect((await decide(await serverSocketFor(pki.stranger), "optional")).decision).toMatchObject({
      kind: "refuse",
      fault: { code: "Sender", reason: "The client certificate belongs to an unknown system" },
      reason: "unknown system",
    });
  });
});
