import {
  STORED_QUERY_PATIENT_PARAMETERS,
  createSubmissionPatientScan,
  parseAdhocQueryRequest,
  parseParamValue,
  parseRetrieveDocumentSetRequest,
  type Slot,
} from "@opendsp/ebxml";
import type { AccessRestriction, Actor, Grant, Logger } from "@opendsp/platform";
import { XUA_NS, createEnvelopeBytesReader, parseSoapEnvelope, soapFaultFromError, type SoapEnvelope } from "@opendsp/soap";
import { actorOfCaller, declaredPatientOf, type ActorRoles } from "../access/actor-of-caller.js";
import { ConsentUnavailableError, type ConsentDecision, type ConsentDecisions } from "../access/consent-decisions.client.js";
import { denialCodeOf } from "../access/denial-code.js";
import type { RegisteredDocument } from "../access/document-lookup.client.js";
import { grantOfDecisions } from "../access/grant-of-decisions.js";
import type { EdgeDecision, EdgeRefusal, EdgeRequest, EdgeStep } from "./edge-step.js";
import { systemOf } from "./mutual-tls.step.js";
import { userOf } from "./xua.step.js";

/** The edge attributes the consent step leaves for forwarding: the acting party, and what it may see. */
export const ACTOR_ATTRIBUTE = "actor";
export const ACCESS_ATTRIBUTE = "access";
/** The right the request was let through under (X-OpenDSP-Grant); absent when nothing was permitted. */
export const GRANT_ATTRIBUTE = "grant";
/**
 * A read let through although every patient it names was denied: it is answered as for a patient without documents
 * (nothing tells the caller), and the denial is audited like a refusal.
 */
export const DENIAL_ATTRIBUTE = "denial";

export function actorAttributeOf(attributes: ReadonlyMap<string, unknown>): Actor | undefined {
  return attributes.get(ACTOR_ATTRIBUTE) as Actor | undefined;
}
export function accessAttributeOf(attributes: ReadonlyMap<string, unknown>): AccessRestriction | undefined {
  return attributes.get(ACCESS_ATTRIBUTE) as AccessRestriction | undefined;
}
export function grantAttributeOf(attributes: ReadonlyMap<string, unknown>): Grant | undefined {
  return attributes.get(GRANT_ATTRIBUTE) as Grant | undefined;
}
export function denialAttributeOf(attributes: ReadonlyMap<string, unknown>): EdgeRefusal | undefined {
  return attributes.get(DENIAL_ATTRIBUTE) as EdgeRefusal | undefined;
}

export interface ConsentStepOptions {
  readonly decisions: ConsentDecisions;
  readonly roles: ActorRoles;
  readonly lookUpDocuments: (uniqueIds: readonly string[]) => Promise<RegisteredDocument[]>;
  /** Largest ITI-18 or ITI-43 request read to decide (both are a few KB). */
  readonly maxRequestBytes: number;
  /** Most bytes read to find the end of a submission's metadata (ITI-41, ITI-42). */
  readonly maxMetadataBytes: number;
  readonly logger: Logger;
}

const SECURITY = { ns: XUA_NS.wsse, local: "Security" };

/**
 * Edge step "consent": the patient's access rules (services/consent) applied to every transaction, after the caller
 * is authenticated (mutual TLS, XUA). What is decided, and where it is enforced:
 * - ITI-18: the queried patient (the query's patient parameter, else the patient the user declared) must be
 *   readable; the registry gets the restriction in X-OpenDSP-Access and applies it inside its SQL, so a patient the
 *   actor may not see answers exactly like a patient without documents, and masked documents are absent with their
 *   associations, counts and XDSTooManyResults included;
 * - ITI-43: each requested document's patient (looked up in the registry) must be readable and the document not
 *   masked for the actor; the repository answers the others as documents it does not hold;
 * - ITI-41, ITI-42: the submission's patients, read from its metadata before any byte is forwarded, must accept a
 *   publication by the actor; a refusal is a Sender Fault and nothing reaches a service.
 * A request with no authenticated party is refused; when the consent service cannot answer, so is the request.
 */
export function createConsentStep(options: ConsentStepOptions): EdgeStep {
  return {
    name: "consent",
    async check(request) {
      const actor = actorOfCaller(userOf(request.attributes), systemOf(request.attributes), options.roles);
      if (actor === undefined) {
        return refuse(
          { code: "Sender", subcodes: [{ ns: XUA_NS.wsse, local: "FailedAuthentication" }], reason: "The request is not authenticated: an XUA assertion or a registered client certificate is required" },
          "GW_NOT_AUTHENTICATED",
          "no authenticated party",
        );
      }
      request.attributes.set(ACTOR_ATTRIBUTE, actor);
      try {
        switch (request.transaction) {
          case "iti18":
            return await checkQuery(options, request, actor);
          case "iti43":
            return await checkRetrieve(options, request, actor);
          case "iti41":
          case "iti42":
            return await checkPublication(options, request, actor);
          default:
            return refuse({ code: "Sender", reason: "This transaction is not open through the gateway" }, "GW_TRANSACTION_CLOSED", `no consent rule for ${request.transaction}`);
        }
      } catch (err) {
        if (!(err instanceof ConsentUnavailableError)) throw err;
        options.logger.warn({ requestId: request.requestId, err }, "access could not be decided");
        return refuse({ code: "Receiver", reason: "Access could not be decided: the consent service is unavailable; try again later" }, "GW_CONSENT_UNAVAILABLE", "consent unavailable");
      }
    },
  };
}

/** ITI-18 (ITI TF-2a 3.18.4.1.2.3.7: the patient parameter of each stored query). */
async function checkQuery(options: ConsentStepOptions, request: EdgeRequest, actor: Actor): Promise<EdgeDecision> {
  const envelope = await readEnvelope(options, request);
  if (envelope.kind === "refuse") return envelope;
  const parsed = parseAdhocQueryRequest(envelope.envelope.body);
  // A query the registry cannot read either gets its error from the registry; it would show nothing anyway.
  const named = parsed.ok ? patientsOfQuery(parsed.value.query.slots) : [];
  const declared = declaredPatientOf(actor);
  const patients = named.length > 0 ? named : declared === undefined ? [] : [declared];
  const decisions = await decideEach(options, actor, patients, "read");
  const restriction = readRestriction(actor, decisions);
  request.attributes.set(ACCESS_ATTRIBUTE, restriction);
  noteReadOutcome(request, actor, decisions);
  return { kind: "pass" };
}

/** ITI-43 (ITI TF-2b 3.43.4.1.2): every DocumentRequest, by the patient the registry holds it for. */
async function checkRetrieve(options: ConsentStepOptions, request: EdgeRequest, actor: Actor): Promise<EdgeDecision> {
  const envelope = await readEnvelope(options, request);
  if (envelope.kind === "refuse") return envelope;
  const parsed = parseRetrieveDocumentSetRequest(envelope.envelope.body);
  if (!parsed.ok) return refuse({ code: "Sender", reason: "The RetrieveDocumentSetRequest could not be read" }, "GW_UNREADABLE_REQUEST", "unreadable ITI-43 request");
  const requested = parsed.value.documentRequests.map((d) => d.documentUniqueId);
  const registered = await options.lookUpDocuments(requested);
  const decisions = await decideEach(options, actor, [...new Set(registered.map((d) => d.patientId))], "read");
  const entriesOf = new Map<string, RegisteredDocument[]>();
  for (const doc of registered) entriesOf.set(doc.uniqueId, [...(entriesOf.get(doc.uniqueId) ?? []), doc]);
  // Unknown to the registry is hidden too: what the registry does not index, nobody was allowed to see.
  const visible = (uniqueId: string): boolean => {
    const entries = entriesOf.get(uniqueId) ?? [];
    return entries.length > 0 && entries.every((doc) => documentVisible(actor, decisions.get(doc.patientId), doc));
  };
  const restriction: AccessRestriction = {
    patientIds: [...decisions].filter(([, d]) => d.decision === "permit").map(([p]) => p),
    hiddenDocumentUniqueIds: [...new Set(requested.filter((id) => !visible(id)))],
  };
  request.attributes.set(ACCESS_ATTRIBUTE, restriction);
  noteReadOutcome(request, actor, decisions);
  return { kind: "pass" };
}

/** ITI-41, ITI-42: the patients of the SubmitObjectsRequest, read from the stream up to the end of the metadata. */
async function checkPublication(options: ConsentStepOptions, request: EdgeRequest, actor: Actor): Promise<EdgeDecision> {
  let patients: readonly string[] | undefined;
  try {
    const envelopeBytes = createEnvelopeBytesReader(request.contentType);
    const scan = createSubmissionPatientScan({ maxBytes: options.maxMetadataBytes });
    const done = await request.body.readUntil((chunk) => {
      const result = scan.push(envelopeBytes.push(chunk));
      if (result.kind === "done") patients = result.patientIds;
      return result.kind === "done";
    });
    if (!done) {
      const result = scan.end();
      if (result.kind === "done") patients = result.patientIds;
    }
  } catch (err) {
    return refuse({ ...soapFaultFromError(err), code: "Sender", reason: `The submission's metadata could not be read: ${(err as Error).message}` }, "GW_UNREADABLE_REQUEST", "unreadable submission");
  }
  // No patient id at all: nothing to decide for. The submission goes on to be refused by the registry's metadata
  // checks (a DocumentEntry and a SubmissionSet need a patientId, ITI TF-3 4.2.3), every error listed; the scan
  // reports every patientId the registry could read, never fewer.
  const decisions = await decideEach(options, actor, patients ?? [], "publish");
  const denied = [...decisions.values()].find((d) => d.decision === "deny");
  if (denied !== undefined) {
    // The publisher learns the submission is refused, not why (a blacklisting is the patient's business).
    return refuse(
      { code: "Sender", reason: "The submission is refused: this record does not accept documents from you" },
      denialCodeOf(denied.reason),
      `publish denied: ${denied.reason ?? "deny"}`,
      [...decisions.keys()],
    );
  }
  const grant = grantOfDecisions(actor, [...decisions.values()]);
  if (grant !== undefined) request.attributes.set(GRANT_ATTRIBUTE, grant);
  return { kind: "pass" };
}

/**
 * A read's grant (the permitting decisions' right) or, when it names patients and none of them is readable, its
 * denial for the audit trail.
 */
function noteReadOutcome(request: EdgeRequest, actor: Actor, decisions: ReadonlyMap<string, ConsentDecision>): void {
  const permitted = [...decisions.values()].filter((d) => d.decision === "permit");
  if (permitted.length > 0) {
    const grant = grantOfDecisions(actor, permitted);
    if (grant !== undefined) request.attributes.set(GRANT_ATTRIBUTE, grant);
    return;
  }
  const denied = [...decisions.values()][0];
  if (denied === undefined) return;
  const denial: EdgeRefusal = { code: denialCodeOf(denied.reason), reason: `read denied: ${denied.reason ?? "deny"}`, patientIds: [...decisions.keys()] };
  request.attributes.set(DENIAL_ATTRIBUTE, denial);
}

/** One decision per patient; a patient other than the one the user declared working on is not theirs to see. */
async function decideEach(options: ConsentStepOptions, actor: Actor, patients: readonly string[], action: "read" | "publish"): Promise<Map<string, ConsentDecision>> {
  const declared = actor.kind === "patient" ? undefined : actor.patientId;
  const decisions = await Promise.all(
    patients.map(async (patientId): Promise<[string, ConsentDecision]> => {
      if (declared !== undefined && declared !== patientId) return [patientId, OTHER_PATIENT];
      return [patientId, await options.decisions.decide(actor, patientId, action)];
    }),
  );
  return new Map(decisions);
}

const OTHER_PATIENT: ConsentDecision = { decision: "deny", reason: "other-patient", emergency: false, maskedDocumentUniqueIds: [], authorExemption: false, rulesVersion: 0 };

/** The registry's restriction: the readable patients, their masked documents, and the author who still sees theirs. */
function readRestriction(actor: Actor, decisions: ReadonlyMap<string, ConsentDecision>): AccessRestriction {
  const permitted = [...decisions].filter(([, d]) => d.decision === "permit");
  const hidden = [...new Set(permitted.flatMap(([, d]) => d.maskedDocumentUniqueIds))];
  const exempt = permitted.some(([, d]) => d.authorExemption) && !actor.id.includes("^");
  return { patientIds: permitted.map(([p]) => p), hiddenDocumentUniqueIds: hidden, ...(exempt ? { authorId: actor.id } : {}) };
}

function documentVisible(actor: Actor, decision: ConsentDecision | undefined, doc: RegisteredDocument): boolean {
  if (decision?.decision !== "permit") return false;
  if (!decision.maskedDocumentUniqueIds.includes(doc.uniqueId)) return true;
  return decision.authorExemption && doc.authorIds.includes(actor.id);
}

/** The values of the query's patient parameters ('id' or a list of them). */
function patientsOfQuery(slots: readonly Slot[]): string[] {
  const out: string[] = [];
  for (const slot of slots) {
    if (!STORED_QUERY_PATIENT_PARAMETERS.has(slot.name)) continue;
    for (const raw of slot.values) {
      const parsed = parseParamValue(raw);
      if (parsed.ok) out.push(...parsed.value.atoms.map((a) => a.text));
    }
  }
  return [...new Set(out)];
}

type ReadEnvelope = { readonly kind: "envelope"; readonly envelope: SoapEnvelope } | Extract<EdgeDecision, { kind: "refuse" }>;

async function readEnvelope(options: ConsentStepOptions, request: EdgeRequest): Promise<ReadEnvelope> {
  const whole = await request.body.readWhole(options.maxRequestBytes);
  if (whole === undefined) {
    return refuse({ code: "Sender", reason: `A ${request.transaction === "iti18" ? "stored query" : "retrieve request"} over ${options.maxRequestBytes} bytes is not accepted` }, "GW_REQUEST_TOO_LARGE", "request too large to decide");
  }
  try {
    const bytes = createEnvelopeBytesReader(request.contentType).push(whole);
    return { kind: "envelope", envelope: parseSoapEnvelope(bytes, { understoodHeaders: [SECURITY] }) };
  } catch (err) {
    return refuse(soapFaultFromError(err), "GW_UNREADABLE_REQUEST", "unreadable envelope");
  }
}

function refuse(fault: Extract<EdgeDecision, { kind: "refuse" }>["fault"], code: string, reason: string, patientIds?: readonly string[]): Extract<EdgeDecision, { kind: "refuse" }> {
  return { kind: "refuse", fault, code, reason, ...(patientIds === undefined ? {} : { patientIds }) };
}
