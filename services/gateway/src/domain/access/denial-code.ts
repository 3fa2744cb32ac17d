/**
 * The audit code of a consent denial, by the consent service's stable deny reasons (services/consent
 * decide-access.ts) and the gateway's own ("other-patient": not the patient the user declared working on). An
 * unknown reason keeps the generic code, so a new reason never breaks auditing.
 */
const CODES: Readonly<Record<string, string>> = {
  "record-closed": "GW_RECORD_CLOSED",
  blacklisted: "GW_CONSENT_BLACKLISTED",
  "emergency-refused": "GW_CONSENT_EMERGENCY_REFUSED",
  "no-relationship": "GW_CONSENT_NO_RELATIONSHIP",
  "no-read-right": "GW_CONSENT_NO_READ_RIGHT",
  "no-manage-right": "GW_CONSENT_NO_MANAGE_RIGHT",
  "system-cannot-read": "GW_CONSENT_SYSTEM_CANNOT_READ",
  "other-patient": "GW_CONSENT_OTHER_PATIENT",
  "invalid-patient-id": "GW_CONSENT_INVALID_PATIENT_ID",
};

export function denialCodeOf(reason: string | undefined): string {
  return (reason === undefined ? undefined : CODES[reason]) ?? "GW_CONSENT_DENIED";
}
