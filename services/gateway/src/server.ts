import { createLogger } from "@opendsp/platform";
import { join } from "node:path";
import { buildApp } from "./app.js";
import { loadGatewayConfig, tlsFilesOf, xuaSettingsOf } from "./config.js";
import { createMutualTlsStep } from "./domain/edge/mutual-tls.step.js";
import { createXuaStep } from "./domain/edge/xua.step.js";
import { rolesFromConfig } from "./domain/access/actor-of-caller.js";
import { consentDecisionsFor, createConsentStepFor } from "./domain/edge/consent-step.factory.js";
import { loadXuaVerifier } from "./tls/xua-verifier.loader.js";
import type { EdgeStep } from "./domain/edge/edge-step.js";
import { DISCARDING_AUDIT_TRAIL, type GatewayAuditTrail } from "./domain/audit/gateway-audit-trail.js";
import { createUpstreams } from "./domain/upstream/upstreams.js";
import type { GatewayDeps } from "./gateway-deps.js";
import { createGatewayMetrics } from "./metrics/gateway-metrics.js";
import { loadGatewayTls } from "./tls/tls-material.loader.js";

const REPO_ROOT = join(import.meta.dirname, "..", "..", "..");

export interface GatewayServer {
  /** http://host:port the gateway listens on, https:// when TLS is configured. */
  readonly address: string;
  /** The two SOAP endpoints. */
  readonly registryUrl: string;
  readonly repositoryUrl: string;
  /** Stops listening, ends open connections and the connection pool to the services. */
  close(): Promise<void>;
}

export interface GatewayServerOptions {
  /** Where the audit records of refused requests go; default: discarded. */
  readonly auditTrail?: GatewayAuditTrail;
}

/**
 * Starts the gateway: configuration, HTTPS material and known systems when TLS is configured, the services'
 * connection pool, the HTTP(S) endpoint.
 */
export async function startGatewayServer(env: Readonly<Record<string, string | undefined>> = process.env, options: GatewayServerOptions = {}): Promise<GatewayServer> {
  const config = loadGatewayConfig(env);
  const logger = createLogger({ service: "gateway", level: config.LOG_LEVEL });
  const tlsFiles = tlsFilesOf(config);
  const tls = tlsFiles === undefined ? undefined : await loadGatewayTls(tlsFiles);
  const xuaSettings = xuaSettingsOf(config);
  const xua = xuaSettings === undefined ? undefined : await loadXuaVerifier(xuaSettings);
  const upstreams = createUpstreams(config);
  const consentDecisions = config.GATEWAY_ACCESS_CONTROL === "enforced" ? consentDecisionsFor(config, upstreams) : undefined;
  // The edge pipeline, in the order of domain/edge/edge-step.ts: the calling system, the user, then their access.
  const edgeSteps: EdgeStep[] = [
    ...(tls === undefined ? [] : [createMutualTlsStep(tls.systems, tls.clientCert)]),
    ...(xua === undefined ? [] : [createXuaStep(xua)]),
    ...(consentDecisions === undefined ? [] : [createConsentStepFor(config, upstreams, consentDecisions, logger)]),
  ];
  const deps: GatewayDeps = {
    config,
    upstreams,
    metrics: createGatewayMetrics(),
    edgeSteps,
    ...(consentDecisions === undefined ? {} : { consentDecisions }),
    ...(xua === undefined ? {} : { xua }),
    roles: rolesFromConfig(config.GATEWAY_PATIENT_ROLES, config.GATEWAY_REPRESENTATIVE_ROLES),
    ...(tls === undefined ? {} : { tls }),
    wsdlDir: config.GATEWAY_WSDL_DIR ?? join(REPO_ROOT, "wsdl"),
    openapiDir: config.GATEWAY_OPENAPI_DIR ?? join(REPO_ROOT, "openapi"),
    logger,
    auditTrail: options.auditTrail ?? DISCARDING_AUDIT_TRAIL,
  };
  let app;
  try {
    app = buildApp(deps, logger);
  } catch (err) {
    await upstreams.close();
    throw err;
  }
  let address: string;
  try {
    // Fastify names the scheme from its own https option, which a server built by serverFactory does not set.
    const scheme = (url: string): string => (tls === undefined ? url : url.replace(/^http:/, "https:"));
    address = scheme(await app.listen({ host: config.GATEWAY_HOST, port: config.GATEWAY_PORT, listenTextResolver: (at) => `Server listening at ${scheme(at)}` }));
  } catch (err) {
    await app.close().catch(() => undefined);
    await upstreams.close();
    throw err;
  }
  const registryUrl = `${address}/xds/registry`;
  const repositoryUrl = `${address}/xds/repository`;
  // "soap" names the first SOAP endpoint, as every service's listening line does (test and bench launchers read it).
  logger.info(
    {
      soap: registryUrl,
      repository: repositoryUrl,
      registryUpstream: config.REGISTRY_URL,
      repositoryUpstream: config.REPOSITORY_URL,
      ...(tls === undefined ? {} : { clientCertificates: tls.clientCert, knownSystems: tls.systems.size }),
      accessControl: config.GATEWAY_ACCESS_CONTROL,
      ...(config.GATEWAY_ACCESS_CONTROL === "enforced" ? { consent: config.GATEWAY_CONSENT_URL } : {}),
      ...(config.GATEWAY_AUDIT_URL === undefined ? {} : { audit: config.GATEWAY_AUDIT_URL }),
    },
    "gateway listening",
  );
  const listening = app;
  return {
    address,
    registryUrl,
    repositoryUrl,
    async close(): Promise<void> {
      // Keep-alive connections would hold close() open until their idle timeout.
      listening.server.closeIdleConnections();
      await listening.close();
      await upstreams.close();
    },
  };
}
