import { AppError, type Actor } from "@opendsp/platform";
import { request, type Dispatcher } from "undici";

/** The consent service's answer for one actor, patient and action (services/consent, POST /api/consent/decisions). */
export interface ConsentDecision {
  readonly decision: "permit" | "deny";
  readonly basis?: string;
  readonly reason?: string;
  readonly emergency: boolean;
  readonly maskedDocumentUniqueIds: readonly string[];
  readonly authorExemption: boolean;
  readonly rulesVersion: number;
  readonly validUntil?: string;
}

export type AccessAction = "read" | "publish";

/** The consent service could not be asked or gave no usable answer: the request is refused (fail closed). */
export class ConsentUnavailableError extends AppError {
  override readonly name = "ConsentUnavailableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("GW_CONSENT_UNAVAILABLE", message, options);
  }
}

export interface ConsentDecisions {
  decide(actor: Actor, patientId: string, action: AccessAction): Promise<ConsentDecision>;
  /** Drops every decision held for the patient: their rules have just changed. */
  forgetPatient(patientId: string): void;
}

export interface ConsentDecisionsOptions {
  readonly agent: Dispatcher;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** 0: ask every time. */
  readonly cacheSeconds: number;
  /** Entries kept at most; the oldest go first. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

interface Entry {
  readonly patientId: string;
  readonly expiresAt: number;
  readonly decision: Promise<ConsentDecision>;
}

const DEFAULT_MAX_ENTRIES = 50_000;

/**
 * Asks the consent service, and keeps each decision briefly (the "cached briefly"): at most cacheSeconds, never
 * past the decision's own validUntil (the end of a presence grant), and dropped at once when the patient's rules
 * change through this gateway. Concurrent requests for one key share one call. A failed call is not kept.
 */
export function createConsentDecisions(options: ConsentDecisionsOptions): ConsentDecisions {
  const url = `${options.baseUrl.replace(/\/+$/, "")}/api/consent/decisions`;
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const ttlMs = options.cacheSeconds * 1000;
  const entries = new Map<string, Entry>();
  const byPatient = new Map<string, Set<string>>();

  const forget = (key: string, entry: Entry): void => {
    if (entries.get(key) !== entry) return;
    entries.delete(key);
    const keys = byPatient.get(entry.patientId);
    keys?.delete(key);
    if (keys?.size === 0) byPatient.delete(entry.patientId);
  };

  return {
    decide(actor, patientId, action) {
      if (ttlMs === 0) return ask(options, url, actor, patientId, action);
      const key = JSON.stringify([actor.kind, actor.id, actor.roles ?? [], actor.purposeOfUse ?? "", actor.organizationId ?? "", actor.patientId ?? "", patientId, action]);
      const at = now();
      const held = entries.get(key);
      if (held !== undefined && held.expiresAt > at) return held.decision;
      if (held !== undefined) forget(key, held);
      const decision = ask(options, url, actor, patientId, action);
      const entry: Entry = { patientId, expiresAt: at + ttlMs, decision };
      entries.set(key, entry);
      let keys = byPatient.get(patientId);
      if (keys === undefined) byPatient.set(patientId, (keys = new Set()));
      keys.add(key);
      if (entries.size > maxEntries) {
        const [oldestKey, oldest] = entries.entries().next().value as [string, Entry];
        forget(oldestKey, oldest);
      }
      decision.then(
        (d) => {
          // A presence grant ending before the cache would let the decision outlive it.
          if (d.validUntil !== undefined && Date.parse(d.validUntil) < entry.expiresAt) forget(key, entry);
        },
        () => forget(key, entry),
      );
      return decision;
    },
    forgetPatient(patientId) {
      for (const key of byPatient.get(patientId) ?? []) entries.delete(key);
      byPatient.delete(patientId);
    },
  };
}

async function ask(options: ConsentDecisionsOptions, url: string, actor: Actor, patientId: string, action: AccessAction): Promise<ConsentDecision> {
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, {
      dispatcher: options.agent,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ actor, patientId, action }),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (err) {
    throw new ConsentUnavailableError("the consent service could not be reached", { cause: err });
  }
  let body: unknown;
  try {
    body = await response.body.json();
  } catch (err) {
    throw new ConsentUnavailableError(`the consent service answered ${response.statusCode} without JSON`, { cause: err });
  }
  // A patient id the consent service cannot hold (not a CX identifier) has no rules and no record: nobody has access.
  if (response.statusCode === 400) return { decision: "deny", reason: "invalid-patient-id", emergency: false, maskedDocumentUniqueIds: [], authorExemption: false, rulesVersion: 0 };
  if (response.statusCode !== 200 || !isDecision(body)) {
    const code = typeof body === "object" && body !== null && "code" in body ? ` (${String((body).code)})` : "";
    throw new ConsentUnavailableError(`the consent service answered ${response.statusCode}${code} instead of a decision`);
  }
  return body;
}

function isDecision(value: unknown): value is ConsentDecision {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (v["decision"] === "permit" || v["decision"] === "deny") && Array.isArray(v["maskedDocumentUniqueIds"]) && typeof v["authorExemption"] === "boolean";
}
