import { AppError } from "@opendsp/platform";
import { Agent } from "undici";
import type { GatewayConfig } from "../../config.js";
import type { UpstreamName } from "../routing/soap-routes.js";

/** The services behind the gateway and the one connection pool used to reach them (keep-alive, bounded waits). */
export interface Upstreams {
  readonly agent: Agent;
  /** Base URL of a service, without a trailing slash; the audit service's only when GATEWAY_AUDIT_URL is set. */
  base(name: UpstreamName): string;
  close(): Promise<void>;
}

export function createUpstreams(config: GatewayConfig): Upstreams {
  const agent = new Agent({
    connect: { timeout: config.GATEWAY_UPSTREAM_CONNECT_TIMEOUT_MS },
    headersTimeout: config.GATEWAY_UPSTREAM_HEADERS_TIMEOUT_MS,
    bodyTimeout: config.GATEWAY_UPSTREAM_BODY_TIMEOUT_MS,
  });
  const bases: Partial<Record<UpstreamName, string>> = {
    registry: config.REGISTRY_URL.replace(/\/+$/, ""),
    repository: config.REPOSITORY_URL.replace(/\/+$/, ""),
    consent: config.GATEWAY_CONSENT_URL.replace(/\/+$/, ""),
    ...(config.GATEWAY_AUDIT_URL === undefined ? {} : { audit: config.GATEWAY_AUDIT_URL.replace(/\/+$/, "") }),
  };
  return {
    agent,
    base(name) {
      const base = bases[name];
      // Routes to a service exist only when it is configured; reaching here otherwise is a wiring mistake.
      if (base === undefined) throw new AppError("GW_UPSTREAM_NOT_CONFIGURED", `no base URL is configured for the ${name} service`);
      return base;
    },
    async close() {
      await agent.close();
    },
  };
}
