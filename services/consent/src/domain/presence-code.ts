import { createHmac, randomInt } from "node:crypto";

/**
 * Presence codes: 8 characters from an alphabet without look-alikes (no 0/O, no 1/I/L), read aloud or typed by
 * the professional from the patient's phone. 31^8 ≈ 8.5·10^11 codes: with the lockout (by default 5 wrong codes
 * per patient, 20 in all per professional, per window) guessing has no practical chance, while 6 digits (10^6)
 * would leave one chance in 200 000 per lockout window.
 */
export const PRESENCE_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const PRESENCE_CODE_LENGTH = 8;

export function generatePresenceCode(): string {
  let code = "";
  // randomInt draws uniformly (rejection sampling inside), so no character is likelier than another.
  for (let i = 0; i < PRESENCE_CODE_LENGTH; i++) code += PRESENCE_CODE_ALPHABET[randomInt(PRESENCE_CODE_ALPHABET.length)];
  return code;
}

/** The code as typed: case, spaces and hyphens do not matter (a code may be shown as ABCD-EFGH). */
export function normalizePresenceCode(input: string): string {
  return input.replace(/[\s-]/g, "").toUpperCase();
}

/**
 * What is stored instead of the code: HMAC-SHA-256 under the server key over the patient id and the code. A copy of
 * the table without the key tells nothing, and a code is bound to the patient it was issued for.
 */
export function hashPresenceCode(key: Buffer, patientId: string, code: string): string {
  return createHmac("sha256", key).update(patientId).update("\u0000").update(normalizePresenceCode(code)).digest("hex");
}
