import type { AuditRecord, AuditTransaction } from "@opendsp/atna";
import { RETURN_TYPE, STORED_QUERY, writeAdhocQueryRequest, type XmlElement } from "@opendsp/ebxml";
import { parseGrantHeader, type Grant, type GrantBasis } from "@opendsp/platform";
import { createPostgresTestDatabase, findDocumentsQuery, generateTestCertificate, provideAndRegisterBody, startServiceProcess, type ServiceProcess, type TestDatabase } from "@opendsp/testing";
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCollectingAuditTrail, type CollectingAuditTrail } from "../testing/collecting-audit-trail.testing.js";
import { REPOSITORY_UNIQUE_ID, freshPatientId, startXdsStack, type XdsStack } from "../testing/gateway-harness.js";
import { startRecordingRelay, type RecordingRelay } from "../testing/recording-relay.testing.js";
import { openUpstreamAuditOutbox, type UpstreamAuditOutbox } from "../testing/upstream-audit-outbox.testing.js";
import { createTestPki, tlsClient, type TestPki } from "../testing/mutual-tls.testing.js";
import {
  ITI,
  assertionFor,
  callApi,
  callGateway,
  retrieveRequest,
  submissionOutcome,
  uniqueIdsFound,
  uniqueIdsRetrieved,
  type Caller,
  type TestIdentityProvider,
  type UserClaims,
} from "../testing/authorized-client.testing.js";

/**
 * The DSP access model end to end (issue "Consent service and gateway authorization"): every actor x path (ITI-18
 * FindDocuments, ITI-18 GetDocuments, ITI-43, ITI-41) x record state (open, closed) x document (masked or not),
 * through the gateway as deployed: HTTPS with optional client certificates, XUA assertions from a trusted identity
 * provider, the consent service, registry and repository as their own processes on PostgreSQL. The patients set
 * their rules through the gateway's consent API with their own assertions, and publish their first documents
 * themselves. Relays in front of the registry and the repository show the X-OpenDSP-Grant each allowed request
 * reaches them with; the gateway's audit trail shows one record for each request it refused (or, for a read, let
 * through with nothing to see), and the services' audit outboxes (read from their databases) one record for each
 * request they served: naming the grant and its emergency flag for an allowed one, no grant and no document for a
 * denied read let through (ITI TF-2a 3.20: each actor records the transactions it takes part in).
 */

/** How long a presence code lasts here; the "expired code" professional presents theirs after it. */
const CODE_TTL_SECONDS = 30;

interface Expectation {
  readonly read: boolean;
  /** Sees the documents the patient masked (the patient and their representative do). */
  readonly seesMasked: boolean;
  readonly publish: boolean;
}
type State = "open" | "closed";

interface ActorCase {
  readonly name: string;
  /** The caller for a patient, and whether that patient is the one who refused emergency access. */
  readonly caller: (patientId: string) => Caller;
  readonly refusedEmergencyPatient?: boolean;
  readonly expected: Record<State, Expectation>;
  /** The right the gateway names to the services for what it lets through. */
  readonly grant: GrantBasis;
  /** Who the audit record of a refusal names as the requestor. */
  readonly requestor: { readonly kind: "patient" | "representative" | "professional" | "system"; readonly id: (patientId: string) => string };
}

interface PatientRecord {
  readonly patientId: string;
  readonly plain: string;
  readonly masked: string;
}

let pki: TestPki;
let idp: TestIdentityProvider;
let consentDb: TestDatabase;
let consent: ServiceProcess;
let stack: XdsStack;
let audit: CollectingAuditTrail;
const relays = new Map<"registry" | "repository", RecordingRelay>();
const outboxes = new Map<"registry" | "repository", UpstreamAuditOutbox>();
let userAgent: Agent;
let labAgent: Agent;
let apiBase: string;
const records = new Map<string, PatientRecord>();
const recordKey = (state: State, refused: boolean): string => `${state}${refused ? "-refused" : ""}`;

const user = (claims: UserClaims): Caller => ({ agent: userAgent, assertion: assertionFor(idp, claims) });
const professional = (subject: string, extra: Partial<UserClaims> = {}) => (patientId: string): Caller => user({ subject, roles: ["doctor"], patientId, ...extra });
const patientCaller = (patientId: string): Caller => user({ subject: patientId, roles: ["patient"] });

const NONE: Expectation = { read: false, seesMasked: false, publish: false };
const PROFESSIONAL_WITH_ACCESS: Record<State, Expectation> = { open: { read: true, seesMasked: false, publish: true }, closed: NONE };
const SELF: Record<State, Expectation> = { open: { read: true, seesMasked: true, publish: true }, closed: { read: true, seesMasked: true, publish: false } };
const NOBODY: Record<State, Expectation> = { open: NONE, closed: NONE };

const named = (id: string) => ({ kind: "professional" as const, id: () => id });

const ACTORS: readonly ActorCase[] = [
  { name: "referring doctor", caller: professional("dr-referring"), expected: PROFESSIONAL_WITH_ACCESS, grant: "referring-doctor", requestor: named("dr-referring") },
  { name: "trust-circle professional", caller: professional("dr-trusted"), expected: PROFESSIONAL_WITH_ACCESS, grant: "trust-circle", requestor: named("dr-trusted") },
  { name: "professional with a valid presence code", caller: professional("dr-presence"), expected: PROFESSIONAL_WITH_ACCESS, grant: "presence-grant", requestor: named("dr-presence") },
  { name: "professional with an expired presence code", caller: professional("dr-expired"), expected: NOBODY, grant: "presence-grant", requestor: named("dr-expired") },
  { name: "blacklisted professional also in the trust circle", caller: professional("dr-blacklisted"), expected: NOBODY, grant: "trust-circle", requestor: named("dr-blacklisted") },
  {
    name: "emergency professional",
    caller: professional("dr-emergency", { roles: ["emergency"], purposeOfUse: "EMERGENCY" }),
    expected: { open: { read: true, seesMasked: false, publish: false }, closed: NONE },
    grant: "emergency",
    requestor: named("dr-emergency"),
  },
  {
    name: "emergency professional, the patient refused emergency access",
    caller: professional("dr-emergency", { roles: ["emergency"], purposeOfUse: "EMERGENCY" }),
    refusedEmergencyPatient: true,
    expected: NOBODY,
    grant: "emergency",
    requestor: named("dr-emergency"),
  },
  { name: "unrelated professional", caller: professional("dr-unrelated"), expected: NOBODY, grant: "trust-circle", requestor: named("dr-unrelated") },
  {
    name: "laboratory system (mutual TLS, no assertion)",
    caller: () => ({ agent: labAgent }),
    expected: { open: { read: false, seesMasked: false, publish: true }, closed: NONE },
    grant: "system",
    requestor: { kind: "system", id: () => "lab-1" },
  },
  { name: "the patient", caller: patientCaller, expected: SELF, grant: "patient", requestor: { kind: "patient", id: (patientId) => patientId } },
  {
    name: "legal representative",
    caller: (patientId) => user({ subject: "rep-legal", roles: ["representative"], patientId }),
    expected: SELF,
    grant: "representative",
    requestor: { kind: "representative", id: () => "rep-legal" },
  },
];

/** The X-OpenDSP-Grant of each SOAP request the service behind the relay received since the last look. */
function grantsReceived(service: "registry" | "repository"): (Grant | undefined)[] {
  const relay = relays.get(service);
  if (relay === undefined) throw new Error("relays not started");
  return relay
    .take()
    .filter((r) => r.method === "POST" && r.path.startsWith("/xds/"))
    .map((r) => parseGrantHeader(r.headers["x-opendsp-grant"]));
}

/** Forgets what the relays, the audit trail and the services' outboxes saw, before a cell's request. */
async function startCell(): Promise<void> {
  for (const relay of relays.values()) relay.take();
  audit.take();
  for (const outbox of outboxes.values()) await outbox.mark();
}

/** The records of `transaction` the service wrote to its outbox since the cell started. */
async function upstreamRecords(service: "registry" | "repository", transaction: AuditTransaction): Promise<AuditRecord[]> {
  const outbox = outboxes.get(service);
  if (outbox === undefined) throw new Error("outboxes not opened");
  return (await outbox.since()).filter((r) => r.transaction === transaction);
}

interface CellOutcome {
  readonly allowed: boolean;
  readonly transaction: AuditTransaction;
  readonly service: "registry" | "repository";
  /** A refused read still reaches the service (answered as for a patient without documents); a publication does not. */
  readonly forwardedWhenRefused: boolean;
  /** A refusal the gateway can audit names a patient: a GetDocuments of a system, which declares none, names nobody. */
  readonly auditedWhenRefused: boolean;
}

/**
 * What an allowed request reaches the service with (the actor's right, flagged when it is break-the-glass) and what
 * a refused one leaves: exactly one audit record of the transaction, failed, naming who asked and whose record,
 * holding no document content.
 */
async function expectCellOutcome(actor: ActorCase, state: State, r: PatientRecord, outcome: CellOutcome): Promise<void> {
  const grants = grantsReceived(outcome.service);
  const records = audit.take();
  const served = await upstreamRecords(outcome.service, outcome.transaction);
  if (outcome.allowed) {
    const grant = { basis: actor.grant, emergency: actor.grant === "emergency" };
    expect(grants).toEqual([grant]);
    expect(records).toEqual([]);
    expect(served).toHaveLength(1);
    expect(served[0]?.grant).toEqual(grant);
    expect(served[0]?.patientIds).toEqual([r.patientId]);
    return;
  }
  if (outcome.forwardedWhenRefused) {
    // The denied read still reaches the service, which records what it answered: no grant, no document.
    expect(served).toHaveLength(1);
    expect(served[0]?.grant).toBeUndefined();
    expect(served[0]?.documents ?? []).toEqual([]);
  } else {
    expect(served).toEqual([]);
  }
  expect(grants).toEqual(outcome.forwardedWhenRefused ? [undefined] : []);
  if (!outcome.auditedWhenRefused) {
    expect(records).toEqual([]);
    return;
  }
  expect(records).toHaveLength(1);
  const [refusal] = records;
  expect(refusal).toMatchObject({
    transaction: outcome.transaction,
    role: "gateway",
    outcome: "serious-failure",
    requestor: { kind: actor.requestor.kind, id: actor.requestor.id(r.patientId) },
    patientIds: [r.patientId],
    failure: { code: expect.stringMatching(/^GW_[A-Z_]+$/) as unknown },
  });
  if (state === "closed" && (actor.requestor.kind === "professional" || outcome.transaction === "ITI-41")) expect(refusal?.failure?.code).toBe("GW_RECORD_CLOSED");
  expect(refusal?.grant).toBeUndefined();
  expect(refusal?.documents).toBeUndefined();
  expect(refusal?.query).toBeUndefined();
  expect(JSON.stringify(refusal)).not.toContain("report ");
}

function getDocumentsQuery(uniqueIds: readonly string[]): XmlElement {
  return writeAdhocQueryRequest({
    requestSlots: [],
    returnType: RETURN_TYPE.leafClass,
    query: { id: STORED_QUERY.getDocuments, slots: [{ name: "$XDSDocumentEntryUniqueId", values: [`(${uniqueIds.map((id) => `'${id}'`).join(",")})`] }] },
  });
}

async function publish(caller: Caller, patientId: string): Promise<{ outcome: string; uniqueId: string }> {
  const { body, entry } = provideAndRegisterBody(patientId, "text/plain", { kind: "inline", bytes: Buffer.from(`report ${randomBytes(6).toString("hex")}`) });
  const answer = await callGateway(caller, stack.gateway.repositoryUrl, ITI.provide, body);
  return { outcome: submissionOutcome(answer), uniqueId: entry.uniqueId ?? "" };
}

async function api(caller: Caller, method: "GET" | "PUT" | "POST" | "DELETE", patientId: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await callApi(caller, apiBase, method, `/api/consent/patients/${encodeURIComponent(patientId)}/${path}`, body);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.json)}`).toBeLessThan(300);
  return res.json;
}

/** A patient with the full set of rules, two documents they published themselves, one of them masked. */
async function preparePatient(refusedEmergency: boolean): Promise<PatientRecord> {
  const patientId = freshPatientId();
  await stack.registry.feedPatient(patientId);
  const self = patientCaller(patientId);
  await api(self, "PUT", patientId, "referring-doctor", { professionalId: "dr-referring" });
  for (const id of ["dr-trusted", "dr-blacklisted"]) await api(self, "PUT", patientId, `trust-circle/${id}`);
  await api(self, "PUT", patientId, "blacklist/dr-blacklisted");
  await api(self, "PUT", patientId, "representatives/rep-legal", { rights: ["read", "manage"], relation: "legal-representative" });
  if (refusedEmergency) await api(self, "PUT", patientId, "emergency-access", { refused: true });
  const code = await api(self, "POST", patientId, "presence-codes");
  await api(professional("dr-presence")(patientId), "POST", patientId, "presence-grants", { code: code["code"] });
  const plain = await publish(self, patientId);
  const masked = await publish(self, patientId);
  expect([plain.outcome, masked.outcome]).toEqual([SUCCESS, SUCCESS]);
  await api(self, "PUT", patientId, `masked-documents/${masked.uniqueId}`);
  return { patientId, plain: plain.uniqueId, masked: masked.uniqueId };
}

const SUCCESS = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success";

beforeAll(async () => {
  pki = await createTestPki();
  idp = { certificate: generateTestCertificate({ commonName: "OpenDSP test identity provider" }), audience: "urn:opendsp:test-gateway" };
  const idpFile = join(pki.dir, "idp.pem");
  await writeFile(idpFile, idp.certificate.certPem);
  consentDb = await createPostgresTestDatabase("opendsp_gw_consent");
  consent = await startServiceProcess("services/consent/src/main.ts", {
    DATABASE_URL: consentDb.url,
    CONSENT_PORT: "0",
    CONSENT_PRESENCE_CODE_KEY: randomBytes(32).toString("base64"),
    CONSENT_PRESENCE_CODE_TTL_SECONDS: String(CODE_TTL_SECONDS),
  });
  audit = createCollectingAuditTrail();
  stack = await startXdsStack(
    {
      ...pki.env,
      GATEWAY_XUA_IDP_CERT_FILE: idpFile,
      GATEWAY_XUA_AUDIENCES: idp.audience,
      GATEWAY_ACCESS_CONTROL: "enforced",
      GATEWAY_CONSENT_URL: new URL(consent.soapUrl).origin,
      // Long enough that only the invalidation on a rule change can explain a changed answer.
      GATEWAY_CONSENT_CACHE_SECONDS: "120",
    },
    {
      auditTrail: audit,
      upstreamUrl: async (service, url) => {
        const relay = await startRecordingRelay(url);
        relays.set(service, relay);
        return relay.url;
      },
    },
  );
  apiBase = stack.gateway.address;
  outboxes.set("registry", await openUpstreamAuditOutbox(stack.databaseUrls.registry));
  outboxes.set("repository", await openUpstreamAuditOutbox(stack.databaseUrls.repository));
  userAgent = tlsClient(pki.ca);
  labAgent = tlsClient(pki.ca, pki.laboratory);

  // The codes of the "expired code" professional are issued first, and presented once they have expired.
  const expiredCodes = new Map<string, string>();
  let lastIssuedAt = 0;
  const pending: { state: State; patientId: string }[] = [];
  for (const state of ["open", "closed"] as const) {
    for (const refused of [false, true]) {
      const record = await preparePatient(refused);
      records.set(recordKey(state, refused), record);
      const code = await api(patientCaller(record.patientId), "POST", record.patientId, "presence-codes");
      expiredCodes.set(record.patientId, String(code["code"]));
      lastIssuedAt = Date.now();
      pending.push({ state, patientId: record.patientId });
    }
  }
  const waitMs = lastIssuedAt + (CODE_TTL_SECONDS + 1) * 1000 - Date.now();
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  for (const { patientId, state } of pending) {
    const late = await callApi(professional("dr-expired")(patientId), apiBase, "POST", `/api/consent/patients/${encodeURIComponent(patientId)}/presence-grants`, { code: expiredCodes.get(patientId) });
    expect(late.status, JSON.stringify(late.json)).toBe(403);
    if (state === "closed") await api(patientCaller(patientId), "POST", patientId, "record/close");
  }
}, 180_000);

afterAll(async () => {
  await Promise.all([userAgent?.close(), labAgent?.close(), ...[...outboxes.values()].map((outbox) => outbox.close())]);
  await stack?.close();
  await Promise.all([...relays.values()].map((relay) => relay.close()));
  await consent?.stop();
  await consentDb?.drop();
  await pki?.remove();
});

describe.each(["open", "closed"] as const)("authorization matrix, %s record", (state) => {
  describe.each(ACTORS)("$name", (actor) => {
    const record = (): PatientRecord => {
      const found = records.get(recordKey(state, actor.refusedEmergencyPatient === true));
      if (found === undefined) throw new Error("patients not prepared");
      return found;
    };
    const expected = actor.expected[state];
    const visible = (r: PatientRecord): string[] => [...(expected.read ? [r.plain] : []), ...(expected.read && expected.seesMasked ? [r.masked] : [])].sort();
    const ofRecord = (ids: Set<string>, r: PatientRecord): string[] => [r.plain, r.masked].filter((id) => ids.has(id)).sort();

    it(`ITI-18 FindDocuments: ${expected.read ? (expected.seesMasked ? "every document" : "the unmasked document only") : "an empty Success, as for a patient without documents"}`, async () => {
      const r = record();
      await startCell();
      const answer = await callGateway(actor.caller(r.patientId), stack.gateway.registryUrl, ITI.query, findDocumentsQuery(r.patientId));
      const found = uniqueIdsFound(answer);
      expect(ofRecord(found, r)).toEqual(visible(r));
      if (!expected.read) expect(found.size).toBe(0);
      await expectCellOutcome(actor, state, r, { allowed: expected.read, transaction: "ITI-18", service: "registry", forwardedWhenRefused: true, auditedWhenRefused: true });
    });

    it(`ITI-18 GetDocuments: ${expected.read ? "what the actor may see" : "nothing"}`, async () => {
      const r = record();
      await startCell();
      const answer = await callGateway(actor.caller(r.patientId), stack.gateway.registryUrl, ITI.query, getDocumentsQuery([r.plain, r.masked]));
      expect(ofRecord(uniqueIdsFound(answer), r)).toEqual(visible(r));
      const auditedWhenRefused = actor.requestor.kind !== "system";
      await expectCellOutcome(actor, state, r, { allowed: expected.read, transaction: "ITI-18", service: "registry", forwardedWhenRefused: true, auditedWhenRefused });
    });

    it(`ITI-43: ${expected.read ? "delivers what the actor may see" : "delivers nothing"}; the rest is answered as unknown`, async () => {
      const r = record();
      await startCell();
      const answer = await callGateway(actor.caller(r.patientId), stack.gateway.repositoryUrl, ITI.retrieve, retrieveRequest(REPOSITORY_UNIQUE_ID, [r.plain, r.masked]), "mtom");
      expect(ofRecord(uniqueIdsRetrieved(answer), r)).toEqual(visible(r));
      await expectCellOutcome(actor, state, r, { allowed: expected.read, transaction: "ITI-43", service: "repository", forwardedWhenRefused: true, auditedWhenRefused: true });
    });

    it(`ITI-41: ${expected.publish ? "publishes" : "is refused with a Sender Fault, nothing registered"}`, async () => {
      const r = record();
      await startCell();
      const { outcome, uniqueId } = await publish(actor.caller(r.patientId), r.patientId);
      expect(outcome).toBe(expected.publish ? SUCCESS : "Fault");
      await expectCellOutcome(actor, state, r, { allowed: expected.publish, transaction: "ITI-41", service: "repository", forwardedWhenRefused: false, auditedWhenRefused: true });
      if (!expected.publish) {
        // Looked up as the patient, who sees everything of an open or closed record.
        const found = uniqueIdsFound(await callGateway(patientCaller(r.patientId), stack.gateway.registryUrl, ITI.query, getDocumentsQuery([uniqueId])));
        expect(found.has(uniqueId)).toBe(false);
      }
    });
  });
});

describe("the consent API through the gateway", () => {
  it("a rule change drops the gateway's cached decisions for that patient at once", async () => {
    const r = records.get(recordKey("open", false));
    if (r === undefined) throw new Error("patients not prepared");
    const trusted = professional("dr-trusted")(r.patientId);
    const query = (): Promise<Set<string>> => callGateway(trusted, stack.gateway.registryUrl, ITI.query, findDocumentsQuery(r.patientId)).then(uniqueIdsFound);
    expect((await query()).has(r.plain)).toBe(true);
    await api(patientCaller(r.patientId), "DELETE", r.patientId, "trust-circle/dr-trusted");
    expect((await query()).size).toBe(0);
    await api(patientCaller(r.patientId), "PUT", r.patientId, "trust-circle/dr-trusted");
    expect((await query()).has(r.plain)).toBe(true);
  });

  it("keeps the decision API internal, and refuses an assertion it cannot verify", async () => {
    const self = patientCaller("x");
    expect((await callApi(self, apiBase, "POST", "/api/consent/decisions", { actor: { kind: "patient", id: "x" }, patientId: "x", action: "read" })).status).toBe(404);
    const forged = { agent: userAgent, assertion: assertionFor({ ...idp, certificate: generateTestCertificate({ commonName: "somebody else" }) }, { subject: "P1", roles: ["patient"] }) };
    const r = records.get(recordKey("open", false));
    const refused = await callApi(forged, apiBase, "GET", `/api/consent/patients/${encodeURIComponent(r?.patientId ?? "")}/trust-circle`);
    expect(refused.status).toBe(401);
    const anonymous = await callApi({ agent: userAgent }, apiBase, "GET", `/api/consent/patients/${encodeURIComponent(r?.patientId ?? "")}/trust-circle`);
    expect(anonymous.status).toBe(401);
  });
});

describe("when the consent service is down", () => {
  it("refuses what it cannot decide with a Receiver Fault, and still answers what it decided moments ago", async () => {
    const r = records.get(recordKey("open", false));
    if (r === undefined) throw new Error("patients not prepared");
    const referring = professional("dr-referring")(r.patientId);
    // Asked (and cached) while the service is up.
    expect(uniqueIdsFound(await callGateway(referring, stack.gateway.registryUrl, ITI.query, findDocumentsQuery(r.patientId))).has(r.plain)).toBe(true);
    await consent.stop();
    const stranger = professional("dr-never-seen")(r.patientId);
    audit.take();
    const refused = await callGateway(stranger, stack.gateway.registryUrl, ITI.query, findDocumentsQuery(r.patientId));
    expect(refused.fault).toBe("Receiver");
    const publish = await callGateway(stranger, stack.gateway.repositoryUrl, ITI.provide, provideAndRegisterBody(r.patientId, "text/plain", { kind: "inline", bytes: Buffer.from("x") }).body);
    expect(publish.fault).toBe("Receiver");
    // Each refusal audited once, naming who asked; the patient is not known when nothing could be decided.
    expect(audit.take().map((a) => [a.transaction, a.outcome, a.requestor?.id, a.failure?.code])).toEqual([
      ["ITI-18", "serious-failure", "dr-never-seen", "GW_CONSENT_UNAVAILABLE"],
      ["ITI-41", "serious-failure", "dr-never-seen", "GW_CONSENT_UNAVAILABLE"],
    ]);
    expect(uniqueIdsFound(await callGateway(referring, stack.gateway.registryUrl, ITI.query, findDocumentsQuery(r.patientId))).has(r.plain)).toBe(true);
  });
});
