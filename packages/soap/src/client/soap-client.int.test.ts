import { NS, element, textContent, type XmlElement } from "@opendsp/ebxml";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSoapResponse, serializeSoapEnvelope } from "../envelope/build-envelope.js";
import { parseSoapEnvelope } from "../envelope/soap-envelope.js";
import { buildSoapFault } from "../envelope/soap-fault.js";
import { buildMtomMessage } from "../mtom/write-mtom.js";
import { readAll } from "../mtom/read-all.js";
import { callSoap, type CallSoapOptions } from "./soap-client.js";
import { SoapClientError } from "./soap-client-error.js";

const ACTION = "urn:ihe:iti:2007:RegisterDocumentSet-b";
const RESPONSE_ACTION = "urn:ihe:iti:2007:RegisterDocumentSet-bResponse";

/** What the server saw of the last request, to check the wire format of the client. */
let lastRequest: { contentType: string | undefined; accept: string | undefined; action?: string; to?: string; messageId?: string; replyTo?: string } | undefined;
let server: Server;
let base: string;
const sockets = new Set<Socket>();

function answerBody(text: string): XmlElement {
  return element(NS.rs, "RegistryResponse", { status: text });
}

/** Each path is one behaviour of a peer, good or broken. */
const ROUTES: Record<string, (req: IncomingMessage, res: ServerResponse, request: ReturnType<typeof parseSoapEnvelope>) => void> = {
  "/simple": (_req, res, request) => {
    const xml = serializeSoapEnvelope(buildSoapResponse({ request: request.addressing, action: RESPONSE_ACTION, body: answerBody("ok") }));
    res.writeHead(200, { "content-type": `application/soap+xml; charset=UTF-8; action="${RESPONSE_ACTION}"` }).end(xml);
  },
  "/no-relates-to": (_req, res) => {
    const xml = serializeSoapEnvelope({ body: answerBody("anonymous") });
    res.writeHead(200, { "content-type": "application/soap+xml; charset=UTF-8" }).end(xml);
  },
  "/mtom": (_req, res, request) => {
    const xml = serializeSoapEnvelope(buildSoapResponse({ request: request.addressing, action: RESPONSE_ACTION, body: answerBody("mtom") }));
    const mtom = buildMtomMessage({
      root: xml,
      action: RESPONSE_ACTION,
      attachments: [{ contentId: "extra@test", contentType: "application/octet-stream", body: Buffer.alloc(100_000, 7) }],
    });
    res.writeHead(200, { "content-type": mtom.contentType });
    mtom.body.pipe(res);
  },
  "/fault": (_req, res, request) => {
    const xml = buildSoapFault({
      code: "Sender",
      subcodes: ["wsa:ActionNotSupported"],
      reason: "The action cannot be processed",
      ...(request.addressing.messageId === undefined ? {} : { relatesTo: request.addressing.messageId }),
    });
    res.writeHead(400, { "content-type": "application/soap+xml; charset=UTF-8" }).end(xml);
  },
  "/garbage-500": (_req, res) => {
    res.writeHead(500, { "content-type": "text/html" }).end("<html><body>Internal Server Error</body></html>");
  },
  "/empty-503": (_req, res) => {
    res.writeHead(503).end();
  },
  "/garbage-200": (_req, res) => {
    res.writeHead(200, { "content-type": "application/soap+xml" }).end("this is not XML");
  },
  "/wrong-relates-to": (_req, res) => {
    const xml = serializeSoapEnvelope(
      buildSoapResponse({ request: { messageId: "urn:uuid:someone-else" }, action: RESPONSE_ACTION, body: answerBody("ok") }),
    );
    res.writeHead(200, { "content-type": "application/soap+xml; charset=UTF-8" }).end(xml);
  },
  "/wrong-action": (_req, res, request) => {
    const xml = serializeSoapEnvelope(buildSoapResponse({ request: request.addressing, action: "urn:other", body: answerBody("ok") }));
    res.writeHead(200, { "content-type": "application/soap+xml; charset=UTF-8" }).end(xml);
  },
  "/hang": () => {
    // Never answers: the client's timeout must end the call.
  },
  "/stall-body": (_req, res) => {
    res.writeHead(200, { "content-type": "application/soap+xml; charset=UTF-8" });
    res.write("<?xml version='1.0'?><soapenv:Envelope xmlns:soapenv=\"http://www.w3.org/2003/05/soap-envelope\">");
  },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req, 10 * 1024 * 1024, "request");
      const request = parseSoapEnvelope(body);
      lastRequest = {
        contentType: req.headers["content-type"],
        accept: req.headers.accept,
        ...(request.addressing.action === undefined ? {} : { action: request.addressing.action }),
        ...(request.addressing.to === undefined ? {} : { to: request.addressing.to }),
        ...(request.addressing.messageId === undefined ? {} : { messageId: request.addressing.messageId }),
        ...(request.addressing.replyTo === undefined ? {} : { replyTo: request.addressing.replyTo }),
      };
      const route = ROUTES[new URL(req.url ?? "/", "http://x").pathname];
      if (route) route(req, res, request);
      else res.writeHead(404).end();
    })();
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function call(path: string, overrides: Partial<CallSoapOptions> = {}) {
  return callSoap({ url: `${base}${path}`, action: ACTION, body: element(NS.lcm, "SubmitObjectsRequest"), timeoutMs: 5000, ...overrides });
}

async function failure(p: Promise<unknown>): Promise<SoapClientError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SoapClientError) return e;
    throw e;
  }
  throw new Error("expected a SoapClientError");
}

describe("callSoap", () => {
  it("sends simple SOAP 1.2 with WS-Addressing and returns the answer's envelope", async () => {
    const reply = await call("/simple", { messageId: "urn:uuid:0b5e1c7e-1111-4a4a-9f9f-000000000001", responseAction: RESPONSE_ACTION });
    expect(reply.body.local).toBe("RegistryResponse");
    expect(reply.addressing.action).toBe(RESPONSE_ACTION);
    expect(reply.addressing.relatesTo).toEqual(["urn:uuid:0b5e1c7e-1111-4a4a-9f9f-000000000001"]);
    expect(lastRequest).toMatchObject({
      contentType: `application/soap+xml; charset=UTF-8; action="${ACTION}"`,
      action: ACTION,
      to: `${base}/simple`,
      messageId: "urn:uuid:0b5e1c7e-1111-4a4a-9f9f-000000000001",
      replyTo: "http://www.w3.org/2005/08/addressing/anonymous",
    });
    expect(lastRequest?.accept).toContain("application/soap+xml");
  });

  it("reads an MTOM answer and discards its extra parts", async () => {
    const reply = await call("/mtom");
    expect(reply.body.attrs.find((a) => a.local === "status")?.value).toBe("mtom");
  });

  it("accepts an answer without wsa:RelatesTo", async () => {
    const reply = await call("/no-relates-to");
    expect(textContent(reply.body)).toBe("");
    expect(reply.addressing.relatesTo).toBeUndefined();
  });

  it("reports a SOAP Fault with the parsed fault", async () => {
    const err = await failure(call("/fault"));
    expect(err.code).toBe("SOAP_CLIENT_FAULT");
    expect(err.status).toBe(400);
    expect(err.fault).toMatchObject({ code: "Sender", subcodes: ["wsa:ActionNotSupported"], reason: "The action cannot be processed" });
  });

  it("reports a non-200 answer without a fault as SOAP_CLIENT_HTTP", async () => {
    const err = await failure(call("/garbage-500"));
    expect(err).toMatchObject({ code: "SOAP_CLIENT_HTTP", status: 500 });
    expect(await failure(call("/empty-503"))).toMatchObject({ code: "SOAP_CLIENT_HTTP", status: 503 });
    expect(await failure(call("/nowhere"))).toMatchObject({ code: "SOAP_CLIENT_HTTP", status: 404 });
  });

  it("reports a 200 answer that is not SOAP as SOAP_CLIENT_MALFORMED, with the cause kept", async () => {
    const err = await failure(call("/garbage-200"));
    expect(err.code).toBe("SOAP_CLIENT_MALFORMED");
    expect(err.cause).toBeInstanceOf(Error);
  });

  it("refuses an answer that relates to another message or carries another action", async () => {
    expect((await failure(call("/wrong-relates-to"))).code).toBe("SOAP_CLIENT_MALFORMED");
    expect((await failure(call("/wrong-action", { responseAction: RESPONSE_ACTION }))).code).toBe("SOAP_CLIENT_MALFORMED");
  });

  it("times out when the peer never answers, and when the answer stalls half-way", async () => {
    const started = Date.now();
    expect((await failure(call("/hang", { timeoutMs: 300 }))).code).toBe("SOAP_CLIENT_TIMEOUT");
    expect((await failure(call("/stall-body", { timeoutMs: 300 }))).code).toBe("SOAP_CLIENT_TIMEOUT");
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("reports a closed port and an unknown host as SOAP_CLIENT_UNREACHABLE", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await failure(callSoap({ url: `http://127.0.0.1:${port}/xds`, action: ACTION, body: answerBody("x"), timeoutMs: 5000 }));
    expect(err.code).toBe("SOAP_CLIENT_UNREACHABLE");
    expect(err.message).toContain("ECONNREFUSED");
    expect(err.cause).toBeDefined();
    const dns = await failure(callSoap({ url: "http://registry.opendsp.invalid/xds", action: ACTION, body: answerBody("x"), timeoutMs: 10_000 }));
    expect(dns.code).toBe("SOAP_CLIENT_UNREACHABLE");
  });
});
