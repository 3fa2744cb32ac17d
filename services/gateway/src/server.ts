import { createLogger } from "@opendsp/platform";
import { join } from "node:path";
import { buildApp } from "./app.js";
import { loadGatewayConfig } from "./config.js";
import { createUpstreams } from "./domain/upstream/upstreams.js";
import { createGatewayMetrics } from "./metrics/gateway-metrics.js";

const REPO_ROOT = join(import.meta.dirname, "..", "..", "..");

export interface GatewayServer {
  /** http://host:port the gateway listens on. */
  readonly address: string;
  /** The two SOAP endpoints. */
  readonly registryUrl: string;
  readonly repositoryUrl: string;
  /** Stops listening, ends open connections and the connection pool to the services. */
  close(): Promise<void>;
}

/** Starts the gateway: configuration, the services' connection pool, the HTTP endpoint. */
export async function startGatewayServer(env: Readonly<Record<string, string | undefined>> = process.env): Promise<GatewayServer> {
  const config = loadGatewayConfig(env);
  const logger = createLogger({ service: "gateway", level: config.LOG_LEVEL });
  const upstreams = createUpstreams(config);
  const deps = {
    config,
    upstreams,
    metrics: createGatewayMetrics(),
    edgeSteps: [],
    wsdlDir: config.GATEWAY_WSDL_DIR ?? join(REPO_ROOT, "wsdl"),
    openapiDir: config.GATEWAY_OPENAPI_DIR ?? join(REPO_ROOT, "openapi"),
    logger,
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
    address = await app.listen({ host: config.GATEWAY_HOST, port: config.GATEWAY_PORT });
  } catch (err) {
    await app.close().catch(() => undefined);
    await upstreams.close();
    throw err;
  }
  const registryUrl = `${address}/xds/registry`;
  const repositoryUrl = `${address}/xds/repository`;
  // "soap" names the first SOAP endpoint, as every service's listening line does (test and bench launchers read it).
  logger.info({ soap: registryUrl, repository: repositoryUrl, registryUpstream: config.REGISTRY_URL, repositoryUpstream: config.REPOSITORY_URL }, "gateway listening");
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
