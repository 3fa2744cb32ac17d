import { ACTION, parseRetrieveDocumentSetResponse, writeRetrieveDocumentSetRequest, type XmlElement } from "@opendsp/ebxml";
import { buildMtomMessage, mintXuaAssertion, parseSoapEnvelope, parseSoapFault, withXuaAssertion } from "@opendsp/soap";
import { documentEntriesOf, registryResponseStatusOf, type TestCertificate } from "@opendsp/testing";
import { Readable } from "node:stream";
import { request, type Agent } from "undici";
import { envelopeOf, soapRequest } from "./xds-client.testing.js";

/**
 * A caller of the gateway in the authorization tests: a user with a signed XUA assertion (over HTTPS without a client
 * certificate), or a registered system with its client certificate (mutual TLS) and no assertion.
 */
export interface Caller {
  readonly agent: Agent;
  /** The signed assertion put in wsse:Security, and in the JSON APIs' Authorization. */
  readonly assertion?: string;
}

export interface TestIdentityProvider {
  readonly certificate: TestCertificate;
  readonly audience: string;
}

export interface UserClaims {
  readonly subject: string;
  readonly roles: readonly string[];
  readonly patientId?: string;
  readonly purposeOfUse?: string;
}

export function assertionFor(idp: TestIdentityProvider, claims: UserClaims): string {
  return mintXuaAssertion({
    issuer: "https://idp.test.opendsp",
    signingKeyPem: idp.certificate.keyPem,
    certificatePem: idp.certificate.certPem,
    subjectId: claims.subject,
    roles: claims.roles,
    ...(claims.patientId === undefined ? {} : { patientId: claims.patientId }),
    ...(claims.purposeOfUse === undefined ? {} : { purposeOfUse: claims.purposeOfUse }),
    audience: idp.audience,
    lifetimeSeconds: 900,
  });
}

export interface SoapAnswer {
  readonly status: number;
  /** The SOAP Fault's code, when the answer is one. */
  readonly fault?: string;
  readonly body?: XmlElement;
}

/** One SOAP 1.2 request (plain, or MTOM when asked) with the caller's assertion, the answer's envelope read. */
export async function callGateway(caller: Caller, url: string, action: string, body: XmlElement, format: "simple" | "mtom" = "simple"): Promise<SoapAnswer> {
  const plain = soapRequest(action, body);
  const xml = caller.assertion === undefined ? plain : withXuaAssertion(plain, caller.assertion);
  let contentType = `application/soap+xml; charset=UTF-8; action="${action}"`;
  let payload: Buffer = Buffer.from(xml, "utf8");
  if (format === "mtom") {
    const message = buildMtomMessage({ root: xml, action, attachments: [] });
    contentType = message.contentType;
    payload = Buffer.concat(await Readable.from(message.body).toArray());
  }
  const res = await request(url, { dispatcher: caller.agent, method: "POST", headers: { "content-type": contentType }, body: payload });
  const answer = { status: res.statusCode, contentType: String(res.headers["content-type"] ?? ""), body: Buffer.from(await res.body.arrayBuffer()) };
  const envelope = await envelopeOf(answer);
  const fault = parseSoapFault(envelope);
  if (fault !== undefined) return { status: answer.status, fault: fault.code };
  return { status: answer.status, body: parseSoapEnvelope(envelope).body };
}

/** The uniqueIds an ITI-18 LeafClass answer holds; throws unless the query succeeded. */
export function uniqueIdsFound(answer: SoapAnswer): Set<string> {
  if (answer.body === undefined) throw new Error(`the query was answered with a Fault (${answer.fault ?? ""})`);
  return new Set(documentEntriesOf(answer.body).map((e) => e.uniqueId ?? ""));
}

/** The uniqueIds of the documents an ITI-43 answer delivered. */
export function uniqueIdsRetrieved(answer: SoapAnswer): Set<string> {
  if (answer.body === undefined) throw new Error(`the retrieve was answered with a Fault (${answer.fault ?? ""})`);
  const parsed = parseRetrieveDocumentSetResponse(answer.body);
  if (!parsed.ok) throw new Error("unreadable ITI-43 answer");
  return new Set(parsed.value.documentResponses.map((d) => d.documentUniqueId));
}

export function retrieveRequest(repositoryUniqueId: string, uniqueIds: readonly string[]): XmlElement {
  return writeRetrieveDocumentSetRequest({ documentRequests: uniqueIds.map((documentUniqueId) => ({ repositoryUniqueId, documentUniqueId })) });
}

/** The RegistryResponse status of an ITI-41/42 answer, or "Fault". */
export function submissionOutcome(answer: SoapAnswer): string {
  if (answer.body === undefined) return "Fault";
  return registryResponseStatusOf(answer.body).status;
}

/** A JSON API call through the gateway, the assertion in `Authorization: SAML <base64url>`. */
export async function callApi(caller: Caller, base: string, method: "GET" | "PUT" | "POST" | "DELETE", path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = caller.assertion === undefined ? {} : { authorization: `SAML ${Buffer.from(caller.assertion, "utf8").toString("base64url")}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await request(`${base}${path}`, { dispatcher: caller.agent, method, headers, body: body === undefined ? null : JSON.stringify(body) });
  const text = await res.body.text();
  return { status: res.statusCode, json: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

export const ITI = { query: ACTION.iti18.request, register: ACTION.iti42.request, provide: ACTION.iti41.request, retrieve: ACTION.iti43.request } as const;
