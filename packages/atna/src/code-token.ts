/**
 * Role and purpose-of-use codes travel in the record as FHIR-style tokens, "system|code" (FHIR R4 search token
 * syntax), or as a bare code from the local vocabulary; a DICOM coded value needs both parts.
 */
export const LOCAL_CODE_SYSTEM = "OpenDSP";

export function splitCodeToken(token: string): { system: string; code: string } {
  const bar = token.indexOf("|");
  if (bar <= 0 || bar === token.length - 1) return { system: LOCAL_CODE_SYSTEM, code: token };
  return { system: token.slice(0, bar), code: token.slice(bar + 1) };
}

export function joinCodeToken(system: string | undefined, code: string): string {
  return system === undefined || system === LOCAL_CODE_SYSTEM ? code : `${system}|${code}`;
}
