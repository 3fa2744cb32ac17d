import { loadDevelopmentIdentityProvider, mintXuaAssertion } from "@opendsp/soap";
import type { RunningPlatform } from "../start-platform.js";

/**
 * A signed XUA assertion of the platform's development identity provider for the patient `patientId` acting on their
 * own record (role "patient", subject = the patient's CX id): a patient may publish into and read their own open
 * record, so the tests go through the gateway's real access path.
 */
export async function patientToken(platform: RunningPlatform, patientId: string): Promise<string> {
  if (platform.identityProvider === undefined) throw new Error("the platform runs without the development identity provider");
  const provider = await loadDevelopmentIdentityProvider(platform.identityProvider.dir);
  return mintXuaAssertion({
    issuer: provider.issuer,
    signingKeyPem: provider.signingKeyPem,
    audience: provider.audience,
    subjectId: patientId,
    roles: ["patient"],
    patientId,
    lifetimeSeconds: 3600,
  });
}
