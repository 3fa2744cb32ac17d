import type { Kysely } from "kysely";
import type { ConsentDatabase } from "../storage/consent-database.js";
import { findRepresentative } from "../storage/patient-rules.repository.js";
import type { Actor } from "./actor.js";
import { ConsentError } from "./consent-error.js";

/**
 * Who may see and change a patient's rules: the patient (actor id = patient id) always; a representative of the
 * patient within the rights the patient gave: `manage` to change rules, `read` or `manage` to see them.
 * Professionals and systems never do: the rules are the patient's.
 */
export async function authorizeRulesAccess(db: Kysely<ConsentDatabase>, patientId: string, actor: Actor, need: "see" | "manage"): Promise<void> {
  if (actor.kind === "patient") {
    if (actor.id === patientId) return;
    throw new ConsentError("CONSENT_FORBIDDEN", "a patient manages only their own record");
  }
  if (actor.kind === "representative") {
    const representative = await findRepresentative(db, patientId, actor.id);
    if (!representative) throw new ConsentError("CONSENT_FORBIDDEN", "the actor is not a representative of this patient");
    if (need === "manage" && !representative.rights.includes("manage")) throw new ConsentError("CONSENT_FORBIDDEN", "the representative has no manage right for this patient");
    if (representative.rights.length === 0) throw new ConsentError("CONSENT_FORBIDDEN", "the representative has no right for this patient");
    return;
  }
  throw new ConsentError("CONSENT_FORBIDDEN", `a ${actor.kind} cannot see or change a patient's access rules`);
}
