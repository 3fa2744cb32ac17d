import { encodeGrantHeader } from "@opendsp/platform";
import { describe, expect, it } from "vitest";
import { answerFields, endToEndHeaders, firstValue, forwardedFor, forwardedRequestFields, setByGatewayOnly } from "./forwarded-headers.js";

describe("endToEndHeaders", () => {
  it("drops the hop-by-hop fields of RFC 9110 §7.6.1, those named in Connection, Host and Expect", () => {
    const headers = {
      host: "gateway:8080",
      connection: "keep-alive, X-Hop",
      "keep-alive": "timeout=5",
      "x-hop": "1",
      "transfer-encoding": "chunked",
      te: "trailers",
      upgrade: "h2c",
      "proxy-authorization": "Basic x",
      expect: "100-continue",
      "content-type": "application/soap+xml",
      "content-length": "12",
      "x-end-to-end": ["a", "b"],
    };
    expect(endToEndHeaders(headers)).toEqual({ "content-type": "application/soap+xml", "content-length": "12", "x-end-to-end": ["a", "b"] });
    expect(endToEndHeaders(headers, (lower) => lower === "content-length")).not.toHaveProperty("content-length");
  });
});

describe("forwardedFor", () => {
  it("appends the client to X-Forwarded-For and keeps what a proxy in front said about protocol and host", () => {
    expect(forwardedFor({ host: "gw:8080" }, "10.0.0.7", "http")).toEqual({ "x-forwarded-for": "10.0.0.7", "x-forwarded-proto": "http", "x-forwarded-host": "gw:8080" });
    expect(
      forwardedFor({ host: "gw:8080", "x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "https", "x-forwarded-host": "dsp.example.org, inner" }, "10.0.0.1", "http"),
    ).toEqual({ "x-forwarded-for": "203.0.113.9, 10.0.0.1", "x-forwarded-proto": "https", "x-forwarded-host": "dsp.example.org" });
  });

  it("firstValue takes the first of repeated or comma-separated values", () => {
    expect(firstValue(["https, http", "http"])).toBe("https");
    expect(firstValue(" ")).toBeUndefined();
    expect(firstValue(undefined)).toBeUndefined();
  });
});

describe("forwardedRequestFields", () => {
  it("keeps the raw end-to-end fields as received, drops hop-by-hop ones, and sets X-Forwarded-* and X-Request-Id", () => {
    const raw = [
      "Host", "gw:8080",
      "Connection", "keep-alive, X-Hop",
      "X-Hop", "secret",
      "Content-Type", "application/soap+xml",
      "Content-Length", "12",
      "X-Request-Id", "caller-id",
      "X-Forwarded-For", "203.0.113.9",
      "X-End-To-End", "a",
      "X-End-To-End", "b",
    ];
    const headers = { host: "gw:8080", connection: "keep-alive, X-Hop", "x-hop": "secret", "x-forwarded-for": "203.0.113.9" };
    expect(forwardedRequestFields(raw, headers, "10.0.0.1", "http", "id-1")).toEqual([
      "Content-Type", "application/soap+xml",
      "Content-Length", "12",
      "X-End-To-End", "a",
      "X-End-To-End", "b",
      "x-forwarded-for", "203.0.113.9, 10.0.0.1",
      "x-forwarded-proto", "http",
      "x-forwarded-host", "gw:8080",
      "x-request-id", "id-1",
    ]);
  });

  it("removes a client's own X-OpenDSP-System and sets the one the edge authenticated", () => {
    const raw = ["Content-Type", "application/soap+xml", "X-OpenDSP-System", "forged-system", "x-opendsp-system", "another"];
    expect(forwardedRequestFields(raw, {}, "10.0.0.1", "https", "id-1")).toEqual([
      "Content-Type", "application/soap+xml",
      "x-forwarded-for", "10.0.0.1",
      "x-forwarded-proto", "https",
      "x-request-id", "id-1",
    ]);
    expect(forwardedRequestFields(raw, {}, "10.0.0.1", "https", "id-1", { systemId: "lab-1" }).slice(-2)).toEqual(["x-opendsp-system", "lab-1"]);
    expect(forwardedRequestFields(raw, {}, "10.0.0.1", "https", "id-1", { systemId: "lab-1", securityVerified: true }).slice(-4)).toEqual([
      "x-opendsp-system", "lab-1",
      "x-opendsp-security-verified", "wsse:Security",
    ]);
    expect(endToEndHeaders({ "x-opendsp-system": "forged", accept: "application/json" }, setByGatewayOnly)).toEqual({ accept: "application/json" });
  });

  it("removes every X-OpenDSP-* field a client sends, such as an access restriction or an acting user it made up", () => {
    const raw = ["X-OpenDSP-Access", "e30", "x-opendsp-actor", "forged", "X-OpenDSP-Future", "x", "X-Opendsp", "kept", "Accept", "*/*"];
    expect(forwardedRequestFields(raw, {}, "10.0.0.1", "http", "id-1").slice(0, 4)).toEqual(["X-Opendsp", "kept", "Accept", "*/*"]);
    expect(endToEndHeaders({ "x-opendsp-access": "e30", "x-opendsp-actor": "forged", accept: "*/*" }, setByGatewayOnly)).toEqual({ accept: "*/*" });
  });
  it("sets the X-OpenDSP-Grant the consent step established, never a client's own", () => {
    const forged = encodeGrantHeader({ basis: "emergency", emergency: true });
    const raw = ["X-OpenDSP-Grant", forged, "x-opendsp-actor", "forged", "Accept", "*/*"];
    const grant = encodeGrantHeader({ basis: "trust-circle", emergency: false });
    const fields = forwardedRequestFields(raw, {}, "10.0.0.1", "http", "id-1", { actor: "actor", grant });
    expect(fields.slice(-4)).toEqual(["x-opendsp-actor", "actor", "x-opendsp-grant", grant]);
    expect(fields.filter((f) => f.toLowerCase() === "x-opendsp-grant")).toHaveLength(1);
    expect(fields).not.toContain(forged);
    expect(forwardedRequestFields(raw, {}, "10.0.0.1", "http", "id-1").map((f) => f.toLowerCase())).not.toContain("x-opendsp-grant");
    expect(endToEndHeaders({ "x-opendsp-grant": forged, accept: "*/*" }, setByGatewayOnly)).toEqual({ accept: "*/*" });
  });
});

describe("answerFields", () => {
  it("keeps the service's end-to-end fields, each value of a repeated one, and answers the request's id", () => {
    const headers = {
      "content-type": "application/soap+xml",
      "content-length": "130000",
      connection: "keep-alive",
      "keep-alive": "timeout=5",
      "transfer-encoding": "chunked",
      date: "Sat, 05 Dec 2026 08:00:00 GMT",
      "x-request-id": "other",
      "set-cookie": ["a=1", "b=2"],
    };
    expect(answerFields(headers, "id-1")).toEqual([
      "content-type", "application/soap+xml",
      "content-length", "130000",
      "set-cookie", "a=1",
      "set-cookie", "b=2",
      "x-request-id", "id-1",
    ]);
  });
});
