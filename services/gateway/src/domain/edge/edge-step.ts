import type { TransactionId } from "@opendsp/ebxml";
import type { SoapFaultOptions } from "@opendsp/soap";
import type { IncomingHttpHeaders } from "node:http";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import type { UpstreamName } from "../routing/soap-routes.js";
import type { RequestBody } from "../upstream/request-body.js";

/**
 * The edge pipeline: checks a SOAP request passes, in order, after its wsa:Action has been read and accepted for
 * the endpoint and before anything is forwarded. This is where the public edge's security plugs in:
 * - authentication of the calling system by mutual TLS (ATNA Secure Node, ITI TF-2a 3.19): `socket` is the TLS
 *   socket when the gateway listens with HTTPS, its peer certificate is the caller's identity;
 * - the user's identity by an XUA assertion (ITI-40, ITI TF-2b 3.40) in the wsse:Security header;
 * - the patient's consent decision for that user and transaction.
 * A step either lets the request through (possibly adding what it learnt to `attributes` for the next steps) or
 * refuses it with a SOAP Fault; a refused request never reaches a service. The list holds "mutual-tls"
 * (mutual-tls.step.ts) when TLS is configured, "xua" (xua.step.ts) when XUA is, and "consent" (consent.step.ts)
 * when access control is enforced (GATEWAY_ACCESS_CONTROL, the default). With access control off, the gateway routes
 * only. In every case, only the gateway may reach the services.
 */
export interface EdgeRequest {
  /** The request id, also sent to the service in X-Request-Id. */
  readonly requestId: string;
  readonly upstream: UpstreamName;
  readonly transaction: TransactionId;
  readonly action: string;
  readonly messageId: string | undefined;
  readonly headers: IncomingHttpHeaders;
  /** The SOAP envelope from its first byte to the end of env:Header (for MTOM, of the root part): the wsse:Security
   * header with its XUA assertion is in it, whatever the size of the body. */
  readonly headerBytes: Buffer;
  /** The request's Content-Type (plain SOAP or MTOM). */
  readonly contentType: string | undefined;
  /**
   * The body, for a step that must read the message to decide (the consent step): what it reads is kept and
   * forwarded first. A step reads no more than it needs, so an upload keeps streaming.
   */
  readonly body: RequestBody;
  /** The client's socket: a TLSSocket under HTTPS (peer certificate), a plain one otherwise. */
  readonly socket: TLSSocket | Socket;
  /** What earlier steps established (e.g. the authenticated subject), for later steps. */
  readonly attributes: Map<string, unknown>;
}

/**
 * Why the edge refused (or, for a read, let through with nothing visible): a stable code for the audit record
 * (GW_...), a reason for logs and audit that holds no patient data, and the patients concerned when known.
 */
export interface EdgeRefusal {
  readonly code: string;
  readonly reason: string;
  readonly patientIds?: readonly string[];
}

export type EdgeDecision = { readonly kind: "pass" } | ({ readonly kind: "refuse"; readonly fault: SoapFaultOptions } & EdgeRefusal);

export interface EdgeStep {
  /** A stable name for logs and metrics, e.g. "mutual-tls" or "xua". */
  readonly name: string;
  check(request: EdgeRequest): Promise<EdgeDecision>;
}

/** Runs the steps in order; the first refusal ends the pipeline. */
export async function runEdgeSteps(steps: readonly EdgeStep[], request: EdgeRequest): Promise<EdgeDecision & { step?: string }> {
  for (const step of steps) {
    const decision = await step.check(request);
    if (decision.kind === "refuse") return { ...decision, step: step.name };
  }
  return { kind: "pass" };
}
