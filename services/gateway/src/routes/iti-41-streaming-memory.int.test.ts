import { RESPONSE_STATUS } from "@opendsp/ebxml";
import { generatedDocument, sampleResidentMemory, startServiceProcess, type ServiceProcess } from "@opendsp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPatientId, startXdsStack, type XdsStack } from "../testing/gateway-harness.js";
import { findDocuments, post, provideAndRegister, registryResponseOf } from "../testing/xds-client.testing.js";

/**
 * A 200 MiB MTOM ITI-41 through a gateway running as its own process: the gateway reads only the start of the
 * message to route it and streams the rest, so its resident memory grows far less than the document.
 */
const MiB = 1024 * 1024;
const DOCUMENT_BYTES = 200 * MiB;

let stack: XdsStack;
let gateway: ServiceProcess;

beforeAll(async () => {
  stack = await startXdsStack();
  gateway = await startServiceProcess("services/gateway/src/main.ts", {
    GATEWAY_PORT: "0",
    GATEWAY_ACCESS_CONTROL: "off",
    REGISTRY_URL: stack.registry.baseUrl,
    REPOSITORY_URL: new URL(stack.repository.soapUrl).origin,
  });
}, 180_000);

afterAll(async () => {
  await gateway?.stop();
  await stack?.close();
});

describe("ITI-41 streamed through the gateway", () => {
  it("forwards a 200 MiB document with the gateway's memory growing far less than the document", async () => {
    const patientId = freshPatientId();
    await stack.registry.feedPatient(patientId);
    const document = generatedDocument(DOCUMENT_BYTES, MiB);
    const request = provideAndRegister(patientId, document.stream);
    const repositoryUrl = `${new URL(gateway.soapUrl).origin}/xds/repository`;

    const memory = sampleResidentMemory(gateway.pid);
    const answer = await post(repositoryUrl, request.contentType, request.body);
    const { first, peak } = await memory.stop();

    expect(answer.status).toBe(200);
    expect(await registryResponseOf(answer)).toEqual({ status: RESPONSE_STATUS.success, errors: [] });
    const [registered] = await findDocuments(stack.gateway.registryUrl, patientId);
    expect(registered).toMatchObject({ hash: document.sha1(), size: String(DOCUMENT_BYTES) });
    // Measured: about 72 MiB of growth whatever the size (600 MiB gives the same): stream chunks not yet collected
    // and the heap's own growth. A gateway that buffered the message would grow by 200 MiB or more.
    expect(peak - first).toBeLessThan(100 * MiB);
  }, 180_000);
});
