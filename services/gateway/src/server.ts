import { createAuditDelivery, createLogger, createMemoryAuditOutbox, type Logger } from "@opendsp/platform";
import { join } from "node:path";
import { buildApp } from "./app.js";
import { loadGatewayConfig, tlsFilesOf, xuaSettingsOf, type GatewayConfig } from "./config.js";
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
  /**
   * Where the audit records of refused requests go. Default: delivered to the audit service (REDIS_URL's queue, else
   * GATEWAY_AUDIT_URL's intake) when one is configured, else discarded with a warning at start.
   */
  readonly auditTrail?: GatewayAuditTrail;
}

interface OwnedAuditTrail extends GatewayAuditTrail {
  close(): Promise<void>;
}

/**
 * The gateway has no database: its refusal records wait in a bounded memory outbox that retries the delivery with
 * backoff, so an audit service or Redis outage delays them without holding the refused request back.
 */
async function deliveredAuditTrail(config: GatewayConfig, logger: Logger): Promise<OwnedAuditTrail | undefined> {
  const delivery = await createAuditDelivery({
    ...(config.REDIS_URL === undefined ? {} : { redisUrl: config.REDIS_URL }),
    ...(config.GATEWAY_AUDIT_URL === undefined ? {} : { auditUrl: config.GATEWAY_AUDIT_URL }),
    queuePrefix: config.AUDIT_QUEUE_PREFIX,
    logger,
  });
  if (delivery === undefined) return undefined;
  const outbox = createMemoryAuditOutbox({ delivery, logger });
  return {
    record: (record) => outbox.append(record),
    async close() {
      await outbox.close();
      await delivery.close();
    },
  };
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
  const ownedTrail = options.auditTrail === undefined ? await deliveredAuditTrail(config, logger) : undefined;
  if (options.auditTrail === undefined && ownedTrail === undefined) {
    logger.warn("no audit service configured (GATEWAY_AUDIT_URL or REDIS_URL): the audit records of refused requests are discarded");
  }
  const auditTrail = options.auditTrail ?? ownedTrail ?? DISCARDING_AUDIT_TRAIL;
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
    auditTrail,
  };
  let app;
  try {
    app = buildApp(deps, logger);
  } catch (err) {
    await upstreams.close();
    await ownedTrail?.close();
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
    await ownedTrail?.close();
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
      // After the listener: refusals of the last requests are in the outbox by then.
      await ownedTrail?.close();
    },
  };
}
