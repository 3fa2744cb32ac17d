export { ActorSchema, type Actor } from "@opendsp/platform";
import type { Actor } from "@opendsp/platform";

export type ActorKind = Actor["kind"];

/** The purpose of use that asks for break-the-glass access (the XUA PurposeOfUse code used by the gateway). */
export const EMERGENCY_PURPOSE_OF_USE = "EMERGENCY";
