import type { Logger } from "@opendsp/platform";
import type { GatewayConfig } from "./config.js";
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
  /** HTTPS with client certificates; absent: plain HTTP. */
  readonly tls?: GatewayTls;
  /** Folders of the committed WSDL and OpenAPI documents. */
  readonly wsdlDir: string;
  readonly openapiDir: string;
  readonly logger: Logger;
}
