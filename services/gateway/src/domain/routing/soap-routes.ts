import { ACTION, type TransactionId } from "@opendsp/ebxml";

/** A service behind the gateway: those serving the SOAP endpoints, the consent and audit services (their JSON APIs). */
export type UpstreamName = SoapUpstream | "consent" | "audit";
export type SoapUpstream = "registry" | "repository";

/** One public SOAP endpoint: the transactions it accepts, by WS-Addressing request action, and where they go. */
export interface SoapRoute {
  /** Path at the gateway and at the upstream service (each service serves its endpoint on the same path). */
  readonly path: string;
  readonly upstream: SoapUpstream;
  /** File under wsdl/ served at `<path>?wsdl`. */
  readonly wsdl: string;
  readonly transactions: readonly TransactionId[];
}

/**
 * The routing table (ITI TF-2x V.3.2: the transaction is chosen by wsa:Action). One URL per actor, as the IHE WSDLs
 * describe them: the Document Registry (ITI-18, ITI-42; ITI TF-2a 3.18, ITI TF-2b 3.42) and the Document Repository
 * (ITI-41, ITI-43; ITI TF-2b 3.41, 3.43). Metadata update (ITI-57) and delete (ITI-62) join the registry's list
 * when the registry serves them.
 */
export const SOAP_ROUTES: readonly SoapRoute[] = [
  { path: "/xds/registry", upstream: "registry", wsdl: "DocumentRegistry.wsdl", transactions: ["iti18", "iti42"] },
  { path: "/xds/repository", upstream: "repository", wsdl: "DocumentRepository.wsdl", transactions: ["iti41", "iti43"] },
];

/** The request actions a route accepts. */
export function requestActions(route: SoapRoute): string[] {
  return route.transactions.map((t) => ACTION[t].request);
}

/** The transaction a request action names, for logs and metric labels (bounded: unknown actions are "other"). */
export function transactionOf(action: string | undefined): TransactionId | "other" | "none" {
  if (action === undefined || action === "") return "none";
  for (const [id, actions] of Object.entries(ACTION) as [TransactionId, { request: string }][]) {
    if (actions.request === action) return id;
  }
  return "other";
}
