import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { subjectKeyOfCertificate } from "../systems/certificate-subject.js";
import { identityOf, type KnownSystem, type KnownSystems, type SystemIdentity } from "../systems/known-systems.js";
import type { EdgeDecision, EdgeRequest, EdgeStep } from "./edge-step.js";

/** The edge attribute under which the calling system is passed to later steps and to forwarding. */
export const SYSTEM_ATTRIBUTE = "system";

/** The calling system an earlier "mutual-tls" step established, if any. */
export function systemOf(attributes: ReadonlyMap<string, unknown>): SystemIdentity | undefined {
  return attributes.get(SYSTEM_ATTRIBUTE) as SystemIdentity | undefined;
}

/** Who is at the other end of a connection, as far as its certificate tells. */
type Caller =
  | { readonly kind: "no-certificate" }
  | { readonly kind: "untrusted-certificate" }
  | { readonly kind: "known"; readonly system: KnownSystem }
  | { readonly kind: "unknown-system" }
  | { readonly kind: "ambiguous" };

/**
 * Edge step "mutual-tls": the calling system, from the client certificate the TLS layer verified against
 * GATEWAY_TLS_CLIENT_CA_FILE (ATNA Secure Node, Authenticate Node ITI TF-2a 3.19.6.1: the remote node's certificate is
 * validated by a trusted CA's signature and, as the local organization chooses, by comparison with the certificates
 * it knows; here the systems registry). A verified certificate of a registered system
 * passes with the attribute "system"; one no system is registered for, or a system sending a transaction it is not
 * registered for, is refused with a Sender Fault. No certificate passes under "optional" (the user is then
 * authenticated by an XUA assertion, a later step) and is refused under "required" (the handshake refuses it first).
 * A certificate no trusted CA issued never gets here: the HTTPS server closes such connections after the handshake
 * (tls/https-server.factory.ts); the check below is the same rule kept where the decision is made.
 */
export function createMutualTlsStep(systems: KnownSystems, clientCert: "required" | "optional"): EdgeStep {
  // The peer certificate cannot change on a connection (renegotiation is disabled), so the caller is worked out once
  // per connection, not per request on a keep-alive connection.
  const callers = new WeakMap<Socket, Caller>();
  const callerOf = (socket: TLSSocket | Socket): Caller => {
    let caller = callers.get(socket);
    if (caller === undefined) {
      caller = identifyCaller(socket, systems);
      callers.set(socket, caller);
    }
    return caller;
  };
  return {
    name: "mutual-tls",
    check(request: EdgeRequest): Promise<EdgeDecision> {
      return Promise.resolve(decide(callerOf(request.socket), request, clientCert));
    },
  };
}

function decide(caller: Caller, request: EdgeRequest, clientCert: "required" | "optional"): EdgeDecision {
  switch (caller.kind) {
    case "no-certificate":
      return clientCert === "optional" ? { kind: "pass" } : refuse("GW_TLS_NO_CERTIFICATE", "A client certificate is required", "no certificate");
    case "untrusted-certificate":
      return refuse("GW_TLS_UNTRUSTED_CERTIFICATE", "The client certificate is not trusted", "untrusted certificate");
    case "unknown-system":
      return refuse("GW_UNKNOWN_SYSTEM", "The client certificate belongs to an unknown system", "unknown system");
    case "ambiguous":
      return refuse("GW_AMBIGUOUS_SYSTEM", "The client certificate matches more than one registered system", "ambiguous system");
    case "known": {
      const { system } = caller;
      // Set before the transaction check: a refused system is still the requestor its audit record names.
      request.attributes.set(SYSTEM_ATTRIBUTE, identityOf(system));
      if (system.transactions !== undefined && !system.transactions.has(request.transaction)) {
        return refuse("GW_SYSTEM_TRANSACTION_NOT_ALLOWED", `The system ${system.id} is not allowed to send ${ihe(request.transaction)}`, `system ${system.id}: ${request.transaction} not allowed`);
      }
      return { kind: "pass" };
    }
  }
}

function identifyCaller(socket: TLSSocket | Socket, systems: KnownSystems): Caller {
  const tls = socket as Partial<TLSSocket>;
  if (tls.encrypted !== true || tls.getPeerCertificate === undefined) return { kind: "no-certificate" };
  const peer = tls.getPeerCertificate(false);
  // Node gives an empty object when the client sent no certificate.
  if (peer.fingerprint256 === undefined) return { kind: "no-certificate" };
  if (tls.authorized !== true) return { kind: "untrusted-certificate" };
  const match = systems.identify({
    fingerprint256: peer.fingerprint256,
    subject: subjectKeyOfCertificate(peer.subject),
  });
  if (match.kind === "known") return { kind: "known", system: match.system };
  return match.kind === "ambiguous" ? { kind: "ambiguous" } : { kind: "unknown-system" };
}

function refuse(code: string, reason: string, why: string): EdgeDecision {
  return { kind: "refuse", fault: { code: "Sender", reason }, code, reason: why };
}

/** "iti18" as IHE writes it, "ITI-18". */
function ihe(transaction: string): string {
  return `ITI-${transaction.replace(/^iti/, "")}`;
}
