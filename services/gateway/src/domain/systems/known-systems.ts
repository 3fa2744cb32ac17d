import type { TransactionId } from "@opendsp/ebxml";
import { AppError } from "@opendsp/platform";
import Type, { type Static } from "typebox";
import Value from "typebox/value";
import { SOAP_ROUTES } from "../routing/soap-routes.js";
import { SubjectSyntaxError, subjectKeyOfText, type SubjectKey } from "./certificate-subject.js";

/**
 * The registry of calling systems (GATEWAY_SYSTEMS_FILE): the laboratories, hospitals and practices whose
 * certificates, issued by a CA of GATEWAY_TLS_CLIENT_CA_FILE, identify them at the edge. ITI TF-2a 3.19.6.1 leaves
 * to the local organization the mix of chain of trust and direct comparison of certificates; a fingerprint is the
 * direct comparison, a subject name trusts the CA for a name. Which system may send what is the domain's policy.
 */

/** The transactions the gateway serves, as the file may name them: the routing table's ids, or IHE's "ITI-18". */
const SERVED: readonly TransactionId[] = SOAP_ROUTES.flatMap((route) => route.transactions);
const TRANSACTION_NAMES = new Map<string, TransactionId>(SERVED.flatMap((id) => [[id, id], [`ITI-${id.slice(3)}`, id]] as [string, TransactionId][]));

const SystemEntrySchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 128, pattern: "^[A-Za-z0-9._:-]+$" }),
    name: Type.String({ minLength: 1 }),
    organizationId: Type.String({ minLength: 1 }),
    kind: Type.Union([Type.Literal("laboratory"), Type.Literal("hospital"), Type.Literal("practice"), Type.Literal("other")]),
    certificate: Type.Object(
      {
        /** SHA-256 of the DER certificate, hex, with or without colons (openssl x509 -fingerprint -sha256). */
        sha256Fingerprint: Type.Optional(Type.String({ pattern: "^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{64}$" })),
        /** Subject DN (RFC 4514), e.g. "CN=lis.example.org,O=Laboratoire Exemple". */
        subject: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false },
    ),
    transactions: Type.Optional(Type.Array(Type.Union([...TRANSACTION_NAMES.keys()].map((name) => Type.Literal(name))), { minItems: 1 })),
  },
  { additionalProperties: false },
);
const SystemsFileSchema = Type.Array(SystemEntrySchema);
type SystemEntry = Static<typeof SystemEntrySchema>;

/** What the edge establishes about a calling system and passes on (edge attribute "system", audit). */
export interface SystemIdentity {
  readonly id: string;
  readonly name: string;
  readonly organizationId: string;
  readonly kind: "laboratory" | "hospital" | "practice" | "other";
}

export interface KnownSystem extends SystemIdentity {
  /** The transactions it may send; undefined: every transaction the gateway serves. */
  readonly transactions: ReadonlySet<TransactionId> | undefined;
  readonly fingerprint: string | undefined;
  readonly subject: SubjectKey | undefined;
}

/** A peer certificate as the TLS layer reports it, already verified against the client CAs. */
export interface PeerCertificateFacts {
  /** Colon-separated hex, as Node's fingerprint256. */
  readonly fingerprint256: string;
  readonly subject: SubjectKey;
}

export type SystemMatch = { readonly kind: "known"; readonly system: KnownSystem } | { readonly kind: "unknown" } | { readonly kind: "ambiguous"; readonly ids: readonly string[] };

export interface KnownSystems {
  readonly size: number;
  /**
   * The system a certificate belongs to. An entry matches when every criterion it gives holds: a fingerprint pins
   * one certificate, a subject accepts any certificate the trusted CAs issue under that name (renewals included).
   */
  identify(certificate: PeerCertificateFacts): SystemMatch;
}

export class SystemsFileError extends AppError {
  override readonly name = "SystemsFileError";
}

/** Parses and checks the systems file's JSON text; every problem is reported at once. */
export function parseKnownSystems(text: string, source: string): KnownSystems {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SystemsFileError("GATEWAY_SYSTEMS_FILE", `${source} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!Value.Check(SystemsFileSchema, json)) {
    const problems = [...Value.Errors(SystemsFileSchema, json)].slice(0, 10).map((e) => `${e.instancePath || "(root)"} ${e.message}`);
    throw new SystemsFileError("GATEWAY_SYSTEMS_FILE", `${source} is not a list of systems: ${problems.join("; ")}`);
  }
  const problems: string[] = [];
  const systems = json.map((entry, index) => {
    try {
      return knownSystemOf(entry);
    } catch (err) {
      problems.push(`/${index} (${entry.id}): ${(err as Error).message}`);
      return undefined;
    }
  });
  const byId = new Map<string, KnownSystem>();
  const byFingerprint = new Map<string, KnownSystem>();
  const bySubject = new Map<SubjectKey, KnownSystem>();
  for (const system of systems) {
    if (system === undefined) continue;
    if (byId.has(system.id)) problems.push(`system id "${system.id}" is registered twice`);
    byId.set(system.id, system);
    if (system.fingerprint !== undefined) {
      const other = byFingerprint.get(system.fingerprint);
      if (other !== undefined) problems.push(`systems "${other.id}" and "${system.id}" give the same certificate fingerprint`);
      byFingerprint.set(system.fingerprint, system);
    }
    if (system.subject !== undefined) {
      const other = bySubject.get(system.subject);
      if (other !== undefined) problems.push(`systems "${other.id}" and "${system.id}" give the same certificate subject`);
      bySubject.set(system.subject, system);
    }
  }
  if (problems.length > 0) throw new SystemsFileError("GATEWAY_SYSTEMS_FILE", `${source}: ${problems.join("; ")}`);
  return {
    size: byId.size,
    identify(certificate) {
      const fingerprint = normalizeFingerprint(certificate.fingerprint256);
      const candidates = new Set([byFingerprint.get(fingerprint), bySubject.get(certificate.subject)]);
      const matches = [...candidates].filter(
        (s): s is KnownSystem => s !== undefined && (s.fingerprint === undefined || s.fingerprint === fingerprint) && (s.subject === undefined || s.subject === certificate.subject),
      );
      const [first, second] = matches;
      if (first === undefined) return { kind: "unknown" };
      if (second !== undefined) return { kind: "ambiguous", ids: matches.map((s) => s.id) };
      return { kind: "known", system: first };
    },
  };
}

function knownSystemOf(entry: SystemEntry): KnownSystem {
  const { sha256Fingerprint, subject } = entry.certificate;
  if (sha256Fingerprint === undefined && subject === undefined) throw new Error("certificate gives neither sha256Fingerprint nor subject");
  let subjectKey: SubjectKey | undefined;
  try {
    subjectKey = subject === undefined ? undefined : subjectKeyOfText(subject);
  } catch (err) {
    if (err instanceof SubjectSyntaxError) throw new Error(`certificate.subject: ${err.message}`, { cause: err });
    throw err;
  }
  return {
    id: entry.id,
    name: entry.name,
    organizationId: entry.organizationId,
    kind: entry.kind,
    transactions: entry.transactions === undefined ? undefined : new Set(entry.transactions.map((name) => TRANSACTION_NAMES.get(name) as TransactionId)),
    fingerprint: sha256Fingerprint === undefined ? undefined : normalizeFingerprint(sha256Fingerprint),
    subject: subjectKey,
  };
}

function normalizeFingerprint(fingerprint: string): string {
  return fingerprint.replaceAll(":", "").toLowerCase();
}

/** The public part of a known system, as the edge passes it on. */
export function identityOf(system: KnownSystem): SystemIdentity {
  return { id: system.id, name: system.name, organizationId: system.organizationId, kind: system.kind };
}
