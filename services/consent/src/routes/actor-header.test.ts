import type { FastifyRequest } from "fastify";
import { describe, expect, it } from "vitest";
import type { Actor } from "../domain/actor.js";
import { encodeActorHeader } from "@opendsp/platform";
import { actorOf } from "./actor-header.js";

function requestWith(header: string | string[] | undefined): FastifyRequest {
  return { headers: header === undefined ? {} : { "x-opendsp-actor": header } } as unknown as FastifyRequest;
}
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("the X-OpenDSP-Actor header", () => {
  it("round-trips every field of an actor", () => {
    const actor: Actor = { kind: "professional", id: "dr-1", roles: ["emergency"], organizationId: "chl", purposeOfUse: "EMERGENCY", patientId: "1^^^&1.2&ISO" };
    expect(actorOf(requestWith(encodeActorHeader(actor)))).toEqual(actor);
  });

  it("is required", () => {
    expect(() => actorOf(requestWith(undefined))).toThrow(expect.objectContaining({ code: "CONSENT_ACTOR_MISSING" }));
    expect(() => actorOf(requestWith(""))).toThrow(expect.objectContaining({ code: "CONSENT_ACTOR_MISSING" }));
  });

  it.each([
    ["two headers", [encode({ kind: "patient", id: "a" }), encode({ kind: "patient", id: "b" })]],
    ["padded base64", `${encode({ kind: "patient", id: "ab" })}=`],
    ["standard base64 characters", "ab+/"],
    ["not JSON", Buffer.from("{kind").toString("base64url")],
    ["JSON null", encode(null)],
    ["no id", encode({ kind: "patient" })],
    ["an empty id", encode({ kind: "patient", id: "" })],
    ["an unknown kind", encode({ kind: "administrator", id: "a" })],
    ["an unknown field", encode({ kind: "patient", id: "a", superuser: true })],
    ["roles that are not strings", encode({ kind: "professional", id: "a", roles: [1] })],
    ["a header too long", "a".repeat(8193)],
  ])("refuses %s as CONSENT_ACTOR_INVALID", (_name, header) => {
    expect(() => actorOf(requestWith(header))).toThrow(expect.objectContaining({ code: "CONSENT_ACTOR_INVALID" }));
  });
});
