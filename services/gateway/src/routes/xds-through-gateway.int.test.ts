import { ACTION, RESPONSE_STATUS } from "@opendsp/ebxml";
import { parseSoapFault } from "@opendsp/soap";
import { dischargeLetterEntry, registerRequestElement, submissionSetFor } from "@opendsp/testing";
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPOSITORY_UNIQUE_ID, freshPatientId, startXdsStack, type XdsStack } from "../testing/gateway-harness.js";
import { envelopeOf, findDocuments, post, provideAndRegister, registryResponseOf, retrieveDocument, soapRequest } from "../testing/xds-client.testing.js";

/**
 * The gateway in front of the real registry and repository (each its own process, on PostgreSQL and s3rver):
 * every public endpoint of the platform's edge, end to end.
 */
let stack: XdsStack;
const SIMPLE = (action: string): string => `application/soap+xml; charset=UTF-8; action="${action}"`;

beforeAll(async () => {
  stack = await startXdsStack();
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

describe("SOAP through the gateway", () => {
  it("ITI-42 at /xds/registry registers, ITI-18 at /xds/registry finds it", async () => {
    const patientId = freshPatientId();
    await stack.registry.feedPatient(patientId);
    const entry = dischargeLetterEntry(patientId);
    const body = registerRequestElement({ submissionSet: submissionSetFor(patientId), documentEntries: [entry] });
    const answer = await post(stack.gateway.registryUrl, SIMPLE(ACTION.iti42.request), soapRequest(ACTION.iti42.request, body));
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/soap\+xml/);
    expect(await registryResponseOf(answer)).toEqual({ status: RESPONSE_STATUS.success, errors: [] });

    const found = await findDocuments(stack.gateway.registryUrl, patientId);
    expect(found.map((d) => d.uniqueId)).toEqual([entry.uniqueId]);
  });

  it("ITI-41 (MTOM, 6 MiB document) at /xds/repository stores it; ITI-43 at /xds/repository returns identical bytes", async () => {
    const patientId = freshPatientId();
    await stack.registry.feedPatient(patientId);
    const document = randomBytes(6 * 1024 * 1024 + 17);
    const request = provideAndRegister(patientId, document);
    const answer = await post(stack.gateway.repositoryUrl, request.contentType, request.body);
    expect(answer.status).toBe(200);
    // MTOM in, MTOM out (ITI TF-2x V.3.2): the repository's answer comes back as it was sent.
    expect(answer.contentType).toMatch(/^multipart\/related/);
    expect(await registryResponseOf(answer)).toEqual({ status: RESPONSE_STATUS.success, errors: [] });

    const back = await retrieveDocument(stack.gateway.repositoryUrl, REPOSITORY_UNIQUE_ID, request.entry.uniqueId ?? "");
    expect(back).toEqual({ sha1: createHash("sha1").update(document).digest("hex"), size: document.length });
    const [registered] = await findDocuments(stack.gateway.registryUrl, patientId);
    expect(registered).toMatchObject({ uniqueId: request.entry.uniqueId, size: String(document.length), repositoryUniqueId: REPOSITORY_UNIQUE_ID });
  });

  it("an Action of the other endpoint is a wsa:ActionNotSupported Fault on each endpoint", async () => {
    const patientId = freshPatientId();
    const body = registerRequestElement({ submissionSet: submissionSetFor(patientId), documentEntries: [dischargeLetterEntry(patientId)] });
    const atRepository = await post(stack.gateway.repositoryUrl, SIMPLE(ACTION.iti42.request), soapRequest(ACTION.iti42.request, body));
    expect(atRepository.status).toBe(400);
    expect(parseSoapFault(await envelopeOf(atRepository))).toMatchObject({ code: "Sender", subcodes: ["wsa:ActionNotSupported"] });

    const request = provideAndRegister(patientId, Buffer.from("%PDF-1.4 not at the registry"));
    const atRegistry = await post(stack.gateway.registryUrl, request.contentType, request.body);
    expect(atRegistry.status).toBe(400);
    // The request was MTOM, so is the Fault.
    expect(atRegistry.contentType).toMatch(/^multipart\/related/);
    expect(parseSoapFault(await envelopeOf(atRegistry))).toMatchObject({ code: "Sender", subcodes: ["wsa:ActionNotSupported"] });
    // Nothing reached the registry: the patient is still unknown there and has no documents.
    expect((await fetch(`${stack.registry.baseUrl}/api/patients/${encodeURIComponent(patientId)}`)).status).toBe(404);
  });
});

describe("the gateway's other endpoints", () => {
  it("GET ?wsdl serves each endpoint's WSDL with soap12:address at the address the client used", async () => {
    const registry = await fetch(`${stack.gateway.registryUrl}?wsdl`);
    expect(registry.status).toBe(200);
    expect(registry.headers.get("content-type")).toMatch(/^text\/xml/);
    const text = await registry.text();
    expect(text).toContain(`<soap12:address location="${stack.gateway.registryUrl}"/>`);
    expect(text).toContain('name="DocumentRegistry_Service"');

    const proxied = await fetch(`${stack.gateway.repositoryUrl}?wsdl`, { headers: { "x-forwarded-proto": "https", "x-forwarded-host": "dsp.example.org" } });
    const repository = await proxied.text();
    expect(repository).toContain('<soap12:address location="https://dsp.example.org/xds/repository"/>');
    expect(repository).toContain(ACTION.iti43.request);
    expect((await fetch(stack.gateway.registryUrl)).status).toBe(405);
  });

  it("/api/patients is the registry's admin API", async () => {
    const patientId = freshPatientId();
    const url = `${stack.gateway.address}/api/patients/${encodeURIComponent(patientId)}`;
    const created = await fetch(url, { method: "PUT" });
    expect(created.status).toBe(201);
    expect(created.headers.get("x-request-id")).toBeTruthy();
    expect(await created.json()).toEqual({ patientId, status: "active", mergedInto: null });
    expect(await (await fetch(url)).json()).toEqual({ patientId, status: "active", mergedInto: null });

    const merge = await fetch(`${stack.gateway.address}/api/patients/merge`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ survivingId: patientId }),
    });
    expect(merge.status).toBe(400);
    expect(merge.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await merge.json()).toMatchObject({ type: "urn:opendsp:problem:invalid-request", status: 400 });
  });

  it("/docs serves the OpenAPI UI over the committed documents", async () => {
    const ui = await fetch(`${stack.gateway.address}/docs/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain("swagger-ui");
    const initializer = await (await fetch(`${stack.gateway.address}/docs/static/swagger-initializer.js`)).text();
    expect(initializer).toContain("/docs/openapi/registry-admin.json");
    const document = (await (await fetch(`${stack.gateway.address}/docs/openapi/registry-admin.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toContain("/api/patients/{patientId}");
  });

  it("/metrics counts the requests by endpoint, transaction and outcome", async () => {
    const text = await (await fetch(`${stack.gateway.address}/metrics`)).text();
    const count = (labels: string): number => Number(new RegExp(`^opendsp_gateway_requests_total\\{${labels}\\} (\\d+)$`, "m").exec(text)?.[1] ?? 0);
    expect(count('endpoint="registry",action="iti42",outcome="ok"')).toBe(1);
    expect(count('endpoint="registry",action="iti18",outcome="ok"')).toBe(2);
    expect(count('endpoint="repository",action="iti41",outcome="ok"')).toBe(1);
    expect(count('endpoint="repository",action="iti43",outcome="ok"')).toBe(1);
    expect(count('endpoint="repository",action="iti42",outcome="refused"')).toBe(1);
    expect(count('endpoint="registry",action="iti41",outcome="refused"')).toBe(1);
    expect(count('endpoint="api",action="PUT",outcome="ok"')).toBe(1);
    expect(text).toMatch(/^opendsp_gateway_request_duration_seconds_bucket\{.*endpoint="repository",action="iti41",outcome="ok"/m);
    expect(text).toContain("opendsp_gateway_process_resident_memory_bytes");
  });

  it("/health is 200 while both services answer, 503 naming the registry once it is stopped", async () => {
    const healthy = await fetch(`${stack.gateway.address}/health`);
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toEqual({ status: "ok", dependencies: { registry: { status: "ok" }, repository: { status: "ok" } } });

    await stack.registry.stop();
    const down = await fetch(`${stack.gateway.address}/health`);
    expect(down.status).toBe(503);
    const body = (await down.json()) as { status: string; unavailable: string[]; dependencies: Record<string, { status: string }> };
    expect(body).toMatchObject({ status: "unavailable", unavailable: ["registry"], dependencies: { registry: { status: "unavailable" }, repository: { status: "ok" } } });
  });
});
