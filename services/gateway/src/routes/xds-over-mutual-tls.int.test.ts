import { ACTION, RESPONSE_STATUS } from "@opendsp/ebxml";
import { parseSoapEnvelope, parseSoapFault } from "@opendsp/soap";
import {
  createPostgresTestDatabase,
  dischargeLetterEntry,
  documentEntriesOf,
  findDocumentsQuery,
  registerRequestElement,
  registryResponseStatusOf,
  startRegistryProcess,
  startServiceProcess,
  submissionSetFor,
  type RegistryProcess,
  type ServiceProcess,
  type TestDatabase,
} from "@opendsp/testing";
import type { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPatientId } from "../testing/gateway-harness.js";
import { createTestPki, sendOverTls, tlsClient, type TestPki } from "../testing/mutual-tls.testing.js";
import { envelopeOf, soapRequest } from "../testing/xds-client.testing.js";

/**
 * The gateway as deployed, its own process started from main.ts with the TLS variables, in front of the real
 * registry (its own process, on PostgreSQL): registered systems query and register over mutual TLS end to end.
 */
let pki: TestPki;
let db: TestDatabase;
let registry: RegistryProcess;
let gateway: ServiceProcess;
let registryUrl: string;
const clients: Agent[] = [];
const SIMPLE = (action: string): string => `application/soap+xml; charset=UTF-8; action="${action}"`;

beforeAll(async () => {
  pki = await createTestPki();
  db = await createPostgresTestDatabase("opendsp_gw_mtls_registry");
  registry = await startRegistryProcess({ DATABASE_URL: db.url });
  gateway = await startServiceProcess("services/gateway/src/main.ts", {
    ...pki.env,
    GATEWAY_PORT: "0",
    GATEWAY_ACCESS_CONTROL: "off",
    REGISTRY_URL: registry.baseUrl,
    REPOSITORY_URL: "http://127.0.0.1:1",
  });
  // The gateway's "listening" log line names its SOAP endpoint; it is the https one.
  registryUrl = gateway.soapUrl;
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await gateway?.stop();
  await registry?.stop();
  await db?.drop();
  await pki?.remove();
});

function client(certificate?: TestPki["laboratory"]): Agent {
  const agent = tlsClient(pki.ca, certificate);
  clients.push(agent);
  return agent;
}

describe("XDS over mutual TLS through the gateway process", () => {
  it("logs its endpoints as https", () => {
    expect(registryUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/xds\/registry$/);
  });

  it("a registered laboratory registers a document (ITI-42) and finds it (ITI-18)", async () => {
    const lab = client(pki.laboratory);
    const patientId = freshPatientId();
    await registry.feedPatient(patientId);
    const entry = dischargeLetterEntry(patientId);
    const register = soapRequest(ACTION.iti42.request, registerRequestElement({ submissionSet: submissionSetFor(patientId), documentEntries: [entry] }));
    const registered = await sendOverTls(lab, registryUrl, { method: "POST", headers: { "content-type": SIMPLE(ACTION.iti42.request) }, body: register });
    expect(registered.status).toBe(200);
    expect(registryResponseStatusOf(parseSoapEnvelope(await envelopeOf(registered)).body)).toEqual({ status: RESPONSE_STATUS.success, errors: [] });

    const query = soapRequest(ACTION.iti18.request, findDocumentsQuery(patientId));
    const found = await sendOverTls(lab, registryUrl, { method: "POST", headers: { "content-type": SIMPLE(ACTION.iti18.request) }, body: query });
    expect(found.status).toBe(200);
    expect(documentEntriesOf(parseSoapEnvelope(await envelopeOf(found)).body).map((d) => d.uniqueId)).toEqual([entry.uniqueId]);
  });

  it("a trusted certificate of no registered system gets a Fault, and nothing is registered", async () => {
    const patientId = freshPatientId();
    await registry.feedPatient(patientId);
    const register = soapRequest(ACTION.iti42.request, registerRequestElement({ submissionSet: submissionSetFor(patientId), documentEntries: [dischargeLetterEntry(patientId)] }));
    const answer = await sendOverTls(client(pki.stranger), registryUrl, { method: "POST", headers: { "content-type": SIMPLE(ACTION.iti42.request) }, body: register });
    expect(answer.status).toBe(400);
    expect(parseSoapFault(await envelopeOf(answer))).toMatchObject({ code: "Sender", reason: "The client certificate belongs to an unknown system" });
    // Nothing reached the registry: the laboratory finds no document for the patient.
    const query = soapRequest(ACTION.iti18.request, findDocumentsQuery(patientId));
    const found = await sendOverTls(client(pki.laboratory), registryUrl, { method: "POST", headers: { "content-type": SIMPLE(ACTION.iti18.request) }, body: query });
    expect(documentEntriesOf(parseSoapEnvelope(await envelopeOf(found)).body)).toEqual([]);
  });
});
