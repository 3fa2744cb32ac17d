import { describe, expect, it } from "vitest";
import { encodeActorHeader } from "../http/actor.header.js";
import { encodeGrantHeader } from "../http/grant.header.js";
import { auditPatientIds, auditRequestContextOf } from "./audit-request-context.js";

describe("auditRequestContextOf", () => {
  it("reads the requestor, the grant, the client and the destination from the gateway's headers and WS-Addressing", () => {
    const { context, headerErrors } = auditRequestContextOf({
      headers: {
        "x-opendsp-actor": encodeActorHeader({ kind: "professional", id: "10001234567", roles: ["10"], purposeOfUse: "TREAT" }),
        "x-opendsp-grant": encodeGrantHeader({ basis: "emergency", emergency: true }),
        "x-forwarded-for": "203.0.113.9, 10.0.0.7",
        "x-forwarded-proto": "https",
        "x-forwarded-host": "dsp.example:443",
      },
      replyTo: "http://www.w3.org/2005/08/addressing/anonymous",
      messageId: "urn:uuid:1",
      path: "/xds/registry",
    });
    expect(headerErrors).toEqual([]);
    expect(context).toEqual({
      requestor: { kind: "professional", id: "10001234567", roles: ["10"], purposeOfUse: "TREAT" },
      grant: { basis: "emergency", emergency: true },
      client: { id: "http://www.w3.org/2005/08/addressing/anonymous", networkAddress: "10.0.0.7" },
      destination: { endpoint: "https://dsp.example:443/xds/registry", networkAddress: "dsp.example" },
      messageId: "urn:uuid:1",
    });
  });

  it("leaves out a malformed actor or grant and says why, and bounds long identifiers", () => {
    const { context, headerErrors } = auditRequestContextOf({
      headers: { "x-opendsp-actor": "%%%", "x-opendsp-grant": "e30" },
      replyTo: `http://reply.example/${"x".repeat(400)}`,
      to: "http://registry.example/xds/registry",
      path: "/xds/registry",
    });
    expect(headerErrors).toHaveLength(2);
    expect(context.requestor).toBeUndefined();
    expect(context.grant).toBeUndefined();
    expect(context.client?.id).toHaveLength(256);
    expect(context.destination).toEqual({ endpoint: "http://registry.example/xds/registry" });
  });

  it("keeps patient ids an audit record can hold, once each", () => {
    expect(auditPatientIds(["a^^^&1.2&ISO", undefined, "a^^^&1.2&ISO", "", "x".repeat(300)])).toEqual(["a^^^&1.2&ISO"]);
  });
});
