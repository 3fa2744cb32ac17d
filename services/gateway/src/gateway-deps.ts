import type { Logger } from "@opendsp/platform";
import type { GatewayConfig } from "./config.js";
import type { XuaVerifier } from "@opendsp/soap";
import type { ActorRoles } from "./domain/access/actor-of-caller.js";
import type { ConsentDecisions } from "./domain/access/consent-decisions.client.js";
import type { GatewayAuditTrail } from "./domain/audit/gateway-audit-trail.js";
import type { EdgeStep } from "./domain/edge/edge-step.js";
import type { Upstreams } from "./domain/upstream/upstreams.js";
import type { GatewayMetrics } from "./metrics/gateway-metrics.js";
import type { GatewayTls } from "./tls/tls-material.loader.js";

/** What the gateway's routes work with, built once at start and passed explicitly. */
export interface GatewayDeps {
  readonly config: GatewayConfig;
  readonly upstreams: Upstreams;
  readonly metrics: GatewayMetrics;
  /** The edge pipeline run before a SOAP request is forwarded (domain/edge/edge-step.ts). */
  readonly edgeSteps: readonly EdgeStep[];
  /** The XUA verifier when identity providers are configured (SOAP's wsse:Security and the JSON APIs' Authorization). */
  readonly xua?: XuaVerifier;
  /** Which XUA roles make a user the patient or a representative. */
  readonly roles: ActorRoles;
  /** The consent service's decisions, when access control is enforced; the API proxy forgets a patient's on a rule change. */
  readonly consentDecisions?: ConsentDecisions;
  /** HTTPS with client certificates; absent: plain HTTP. */
  readonly tls?: GatewayTls;
  /** Folders of the committed WSDL and OpenAPI documents. */
  readonly wsdlDir: string;
  readonly openapiDir: string;
  readonly logger: Logger;
  /** Where the audit records of refused requests go. */
  readonly auditTrail: GatewayAuditTrail;
}
