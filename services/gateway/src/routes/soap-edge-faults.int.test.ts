import { ACTION } from "@opendsp/ebxml";
import { buildMtomMessage, parseSoapFault } from "@opendsp/soap";
import { request as httpRequest, createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayServer, type GatewayServer } from "../server.js";
import { createCollectingAuditTrail } from "../testing/collecting-audit-trail.testing.js";
import { envelopeOf, post, type HttpAnswer } from "../testing/xds-client.testing.js";

/**
 * What the gateway decides on its own, against a stand-in service that records what reaches it: the Faults for
 * requests it must not forward, what it forwards and how, and the Faults for a service that is down or silent.
 */
interface Recorded {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

const ENV = "http://www.w3.org/2003/05/soap-envelope";
const WSA = "http://www.w3.org/2005/08/addressing";
const ANSWER = `<s:Envelope xmlns:s="${ENV}"><s:Body><ok/></s:Body></s:Envelope>`;
const SIMPLE = "application/soap+xml; charset=UTF-8";

function envelope(headers: string, body = "<q:AdhocQueryRequest xmlns:q=\"urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0\"/>"): string {
  return `<s:Envelope xmlns:s="${ENV}" xmlns:a="${WSA}"><s:Header>${headers}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
}
const withAction = (action: string): string => envelope(`<a:Action>${action}</a:Action><a:MessageID>urn:uuid:edge-1</a:MessageID>`);

let recorded: Recorded[] = [];
let service: Server;
let silent: Server;
const silentSockets = new Set<Socket>();
let gateway: GatewayServer;
let downGateway: GatewayServer;
let slowGateway: GatewayServer;
let impatientGateway: GatewayServer;
let smallGateway: GatewayServer;
const smallAudit = createCollectingAuditTrail();

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  service = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      recorded.push({ url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      const fault = req.headers["x-test-answer"] === "fault";
      res.writeHead(fault ? 500 : 200, { "content-type": `${SIMPLE}; action="answer"`, "x-upstream": "seen", "keep-alive": "timeout=5" });
      res.end(ANSWER);
    });
  });
  // Accepts connections and never answers.
  silent = createServer(() => undefined);
  silent.on("connection", (s) => {
    silentSockets.add(s);
  });
  const serviceUrl = await listen(service);
  const silentUrl = await listen(silent);
  const common = { GATEWAY_PORT: "0", GATEWAY_ACCESS_CONTROL: "off", LOG_LEVEL: "silent" };
  gateway = await startGatewayServer({ ...common, REGISTRY_URL: serviceUrl, REPOSITORY_URL: serviceUrl });
  downGateway = await startGatewayServer({ ...common, REGISTRY_URL: "http://127.0.0.1:1", REPOSITORY_URL: "http://127.0.0.1:1" });
  slowGateway = await startGatewayServer({ ...common, REGISTRY_URL: silentUrl, REPOSITORY_URL: silentUrl, GATEWAY_UPSTREAM_HEADERS_TIMEOUT_MS: "300" });
  impatientGateway = await startGatewayServer({ ...common, REGISTRY_URL: serviceUrl, REPOSITORY_URL: serviceUrl, GATEWAY_UPSTREAM_HEADERS_TIMEOUT_MS: "300" });
  smallGateway = await startGatewayServer({ ...common, REGISTRY_URL: serviceUrl, REPOSITORY_URL: serviceUrl, GATEWAY_MAX_SOAP_MESSAGE_BYTES: String(64 * 1024) }, { auditTrail: smallAudit });
});

afterAll(async () => {
  await gateway?.close();
  await downGateway?.close();
  await slowGateway?.close();
  await impatientGateway?.close();
  await smallGateway?.close();
  for (const s of silentSockets) s.destroy();
  await new Promise((resolve) => service?.close(resolve));
  await new Promise((resolve) => silent?.close(resolve));
});

async function faultOf(answer: HttpAnswer): Promise<ReturnType<typeof parseSoapFault>> {
  return parseSoapFault(await envelopeOf(answer));
}

describe("requests the gateway does not forward", () => {
  it("answers Faults for a missing, unknown or other endpoint's Action, and nothing reaches the service", async () => {
    recorded = [];
    const cases: [string, string, string, string[]][] = [
      [gateway.registryUrl, envelope(`<a:MessageID>urn:uuid:x</a:MessageID>`), "Sender", ["wsa:MessageAddressingHeaderRequired"]],
      [gateway.registryUrl, withAction("urn:example:NotAnIheAction"), "Sender", ["wsa:ActionNotSupported"]],
      [gateway.registryUrl, withAction(ACTION.iti43.request), "Sender", ["wsa:ActionNotSupported"]],
      [gateway.repositoryUrl, withAction(ACTION.iti18.request), "Sender", ["wsa:ActionNotSupported"]],
      [gateway.repositoryUrl, envelope(`<a:Action>${ACTION.iti41.request}</a:Action><a:Action>${ACTION.iti41.request}</a:Action>`), "Sender", ["wsa:InvalidAddressingHeader", "wsa:InvalidCardinality"]],
    ];
    for (const [url, xml, code, subcodes] of cases) {
      const answer = await post(url, SIMPLE, xml);
      expect(answer.status, xml).toBe(400);
      expect(answer.contentType).toMatch(/^application\/soap\+xml/);
      expect(await faultOf(answer), xml).toMatchObject({ code, subcodes });
    }
    const relates = await faultOf(await post(gateway.registryUrl, SIMPLE, withAction(ACTION.iti41.request)));
    expect(relates?.addressing.relatesTo).toEqual(["urn:uuid:edge-1"]);
    expect(recorded).toEqual([]);
  });

  it("answers Faults for what is not a SOAP 1.2 request, in the request's format", async () => {
    recorded = [];
    const soap11 = `<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/></e:Envelope>`;
    expect(await faultOf(await post(gateway.registryUrl, "text/xml", soap11))).toMatchObject({ code: "VersionMismatch" });
    expect(await faultOf(await post(gateway.registryUrl, "application/json", "{}"))).toMatchObject({ code: "Sender" });
    expect(await faultOf(await post(gateway.registryUrl, SIMPLE, "<not-closed"))).toMatchObject({ code: "Sender" });
    // The header must come within the first 64 KiB: a padded one is refused, not buffered.
    const padded = envelope(`<a:Pad>${"x".repeat(100_000)}</a:Pad><a:Action>${ACTION.iti18.request}</a:Action>`);
    const tooFar = await faultOf(await post(gateway.registryUrl, SIMPLE, padded));
    expect(tooFar?.reason).toContain("not found within the first 65536 bytes");

    const mtom = buildMtomMessage({ root: withAction(ACTION.iti41.request), attachments: [] });
    const answer = await post(gateway.registryUrl, mtom.contentType, mtom.body);
    expect(answer.contentType).toMatch(/^multipart\/related/);
    expect(await faultOf(answer)).toMatchObject({ code: "Sender", subcodes: ["wsa:ActionNotSupported"] });
    expect(recorded).toEqual([]);
  });
});

describe("forwarding", () => {
  it("forwards the body byte for byte with end-to-end headers only, the request id and X-Forwarded-*", async () => {
    recorded = [];
    const xml = withAction(ACTION.iti18.request);
    const answer = await new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const req = httpRequest(gateway.registryUrl, {
        method: "POST",
        headers: { "content-type": SIMPLE, connection: "keep-alive, x-hop", "x-hop": "secret", "x-request-id": "caller-id-42", "x-end-to-end": "kept" },
      });
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      });
      req.on("error", reject);
      req.end(xml);
    });
    expect(answer).toMatchObject({ status: 200, body: ANSWER });
    expect(answer.headers).toMatchObject({ "content-type": `${SIMPLE}; action="answer"`, "x-upstream": "seen", "x-request-id": "caller-id-42" });
    expect(answer.headers["keep-alive"]).not.toBe("timeout=5");
    const [seen] = recorded;
    expect(seen?.url).toBe("/xds/registry");
    expect(seen?.body.toString()).toBe(xml);
    expect(seen?.headers).toMatchObject({ "x-request-id": "caller-id-42", "x-end-to-end": "kept", "x-forwarded-proto": "http", "x-forwarded-for": "127.0.0.1" });
    expect(seen?.headers["x-hop"]).toBeUndefined();
  });

  it("waits for the answer only once the request is sent: a slow upload is not cut by the answer timeout", async () => {
    recorded = [];
    const xml = Buffer.from(withAction(ACTION.iti41.request));
    async function* slowly(): AsyncGenerator<Buffer> {
      for (let at = 0; at < xml.length; at += 16) {
        await new Promise((resolve) => setTimeout(resolve, 40));
        yield xml.subarray(at, at + 16);
      }
    }
    // About 20 pieces, 40 ms apart: the upload lasts several times the 300 ms allowed for the answer.
    const answer = await post(impatientGateway.repositoryUrl, SIMPLE, Readable.from(slowly()));
    expect(answer.status).toBe(200);
    expect(recorded.map((r) => r.body.equals(xml))).toEqual([true]);
  });

  it("answers a Fault for a message over GATEWAY_MAX_SOAP_MESSAGE_BYTES, declared or found while it streams", async () => {
    const padded = Buffer.from(envelope(`<a:Action>${ACTION.iti41.request}</a:Action><a:MessageID>urn:uuid:edge-1</a:MessageID>`, `<x>${"x".repeat(100_000)}</x>`));
    const declared = await faultOf(await post(smallGateway.repositoryUrl, SIMPLE, padded));
    expect(declared?.reason).toBe("The message is larger than the 65536 bytes accepted");
    // Refused on its Content-Length before its Action was read: no transaction to audit, logged only.
    expect(smallAudit.take()).toEqual([]);
    function* inPieces(): Generator<Buffer> {
      for (let at = 0; at < padded.length; at += 8192) yield padded.subarray(at, at + 8192);
    }
    const streamed = await faultOf(await post(smallGateway.repositoryUrl, SIMPLE, Readable.from(inPieces())));
    expect(streamed).toMatchObject({ reason: "The message is larger than the 65536 bytes accepted" });
    expect(streamed?.addressing.relatesTo).toEqual(["urn:uuid:edge-1"]);
    const records = smallAudit.take();
    expect(records).toMatchObject([{ transaction: "ITI-41", role: "gateway", outcome: "serious-failure", messageId: "urn:uuid:edge-1", patientIds: [], failure: { code: "GW_MESSAGE_TOO_LARGE" } }]);
    expect(JSON.stringify(records)).not.toContain("xxxx");
  });

  it("refuses JSON API paths with dot segments, which would leave /api/patients at the service", async () => {
    recorded = [];
    for (const path of ["/api/patients/../xds/registry", "/api/patients/%2e%2E/health"]) {
      const status = await new Promise<number>((resolve, reject) => {
        httpRequest(`${gateway.address}${path}`, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on("error", reject)
          .end();
      });
      // 404 when the router itself declines the path, 400 when the proxy refuses it; either way it stays here.
      expect([400, 404], path).toContain(status);
    }
    expect(recorded).toEqual([]);
  });

  it("gives the service's error answers back with their status and Content-Type", async () => {
    const res = await fetch(gateway.repositoryUrl, { method: "POST", headers: { "content-type": SIMPLE, "x-test-answer": "fault" }, body: withAction(ACTION.iti43.request) });
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toBe(`${SIMPLE}; action="answer"`);
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.text()).toBe(ANSWER);
  });
});

describe("a service that is down or silent", () => {
  it("answers an env:Receiver Fault naming the unreachable service", async () => {
    for (const [url, service] of [
      [downGateway.registryUrl, "document registry"],
      [downGateway.repositoryUrl, "document repository"],
    ] as const) {
      const answer = await post(url, SIMPLE, withAction(url.endsWith("registry") ? ACTION.iti42.request : ACTION.iti41.request));
      expect(answer.status).toBe(500);
      const fault = await faultOf(answer);
      expect(fault).toMatchObject({ code: "Receiver" });
      expect(fault?.reason).toBe(`The ${service} could not be reached (ECONNREFUSED)`);
      expect(fault?.addressing.relatesTo).toEqual(["urn:uuid:edge-1"]);
    }
    const api = await fetch(`${downGateway.address}/api/patients/x`);
    expect(api.status).toBe(502);
    expect(await api.json()).toMatchObject({ type: "urn:opendsp:problem:upstream-unavailable", status: 502 });
  });

  it("answers an env:Receiver Fault when the service does not answer in time", async () => {
    const answer = await post(slowGateway.registryUrl, SIMPLE, withAction(ACTION.iti18.request));
    expect(answer.status).toBe(500);
    const fault = await faultOf(answer);
    expect(fault).toMatchObject({ code: "Receiver" });
    expect(fault?.reason).toBe("The document registry did not answer within 300 ms");
  });

  it("counts upstream errors in the metrics of the gateway that saw them only", async () => {
    const metric = async (g: GatewayServer): Promise<string> => (await fetch(`${g.address}/metrics`)).text();
    expect(await metric(downGateway)).toMatch(/^opendsp_gateway_upstream_errors_total\{upstream="registry",reason="unreachable"\} 2$/m);
    expect(await metric(slowGateway)).toMatch(/^opendsp_gateway_upstream_errors_total\{upstream="registry",reason="timeout"\} 1$/m);
    expect(await metric(gateway)).not.toMatch(/^opendsp_gateway_upstream_errors_total\{/m);
  });
});
