import type { Kysely } from "kysely";
import type { ConsentConfig } from "./config.js";
import type { AccessPolicy } from "./domain/decide-access.js";
import type { ConsentDatabase } from "./storage/consent-database.js";

/** What the consent service's routes and domain work with, built once at start and passed explicitly. */
export interface ConsentDeps {
  readonly db: Kysely<ConsentDatabase>;
  /** The HMAC key presence codes are stored under (CONSENT_PRESENCE_CODE_KEY, or a fresh one per start). */
  readonly presenceCodeKey: Buffer;
  readonly policy: AccessPolicy;
  /** The time of every rule, grant and decision; tests move it. */
  readonly now: () => Date;
}

/** The parts of the configuration the domain reads. */
export type ConsentSettings = Pick<
  ConsentConfig,
  | "CONSENT_PRESENCE_CODE_TTL_SECONDS"
  | "CONSENT_PRESENCE_GRANT_SECONDS"
  | "CONSENT_PRESENCE_MAX_FAILURES_PER_PATIENT"
  | "CONSENT_PRESENCE_MAX_FAILURES_PER_PROFESSIONAL"
  | "CONSENT_PRESENCE_FAILURE_WINDOW_SECONDS"
  | "CONSENT_PRESENCE_LOCKOUT_SECONDS"
>;
