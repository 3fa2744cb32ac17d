import type { Logger } from "@opendsp/platform";
import type { GatewayConfig } from "../../config.js";
import { rolesFromConfig } from "../access/actor-of-caller.js";
import { createConsentDecisions, type ConsentDecisions } from "../access/consent-decisions.client.js";
import { lookUpDocuments } from "../access/document-lookup.client.js";
import type { Upstreams } from "../upstream/upstreams.js";
import { createConsentStep } from "./consent.step.js";
import type { EdgeStep } from "./edge-step.js";

/** ITI-18 and ITI-43 requests are a few KB; a MiB leaves room for long id lists. */
const MAX_DECIDED_REQUEST_BYTES = 1024 * 1024;

/** The consent service's decisions as configured (GATEWAY_CONSENT_*), shared by the consent step and the API proxy. */
export function consentDecisionsFor(config: GatewayConfig, upstreams: Upstreams): ConsentDecisions {
  return createConsentDecisions({ agent: upstreams.agent, baseUrl: config.GATEWAY_CONSENT_URL, timeoutMs: config.GATEWAY_CONSENT_TIMEOUT_MS, cacheSeconds: config.GATEWAY_CONSENT_CACHE_SECONDS });
}

/** The consent step as configured: the decisions, and the documents' patients from the registry. */
export function createConsentStepFor(config: GatewayConfig, upstreams: Upstreams, decisions: ConsentDecisions, logger: Logger): EdgeStep {
  const timeoutMs = config.GATEWAY_CONSENT_TIMEOUT_MS;
  return createConsentStep({
    decisions,
    roles: rolesFromConfig(config.GATEWAY_PATIENT_ROLES, config.GATEWAY_REPRESENTATIVE_ROLES),
    lookUpDocuments: (uniqueIds) => lookUpDocuments(upstreams.agent, upstreams.base("registry"), uniqueIds, timeoutMs),
    maxRequestBytes: MAX_DECIDED_REQUEST_BYTES,
    maxMetadataBytes: config.GATEWAY_MAX_METADATA_BYTES,
    logger,
  });
}
