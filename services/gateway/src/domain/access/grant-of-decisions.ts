import type { Actor, Grant, GrantBasis } from "@opendsp/platform";
import type { ConsentDecision } from "./consent-decisions.client.js";

const BASES: ReadonlySet<string> = new Set<GrantBasis>(["patient", "representative", "referring-doctor", "trust-circle", "presence-grant", "emergency", "system"]);

/**
 * The right under which the consent decisions let the actor through, for the X-OpenDSP-Grant header (the services'
 * audit records name it, and the patient's access history shows it). A system authenticated by mutual TLS acts under
 * "system". A request over several patients names the first permitting decision's basis; a break-the-glass permit
 * among them makes it "emergency", flagged, since the patient must learn of it whatever else was allowed.
 * Undefined when nothing was permitted.
 */
export function grantOfDecisions(actor: Actor, permitted: readonly ConsentDecision[]): Grant | undefined {
  if (actor.kind === "system") return { basis: "system", emergency: false };
  if (permitted.some((d) => d.emergency)) return { basis: "emergency", emergency: true };
  const basis = permitted.find((d) => d.basis !== undefined && BASES.has(d.basis))?.basis;
  return basis === undefined ? undefined : { basis: basis as GrantBasis, emergency: false };
}
