import { register as globalRegistry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createGatewayMetrics } from "./gateway-metrics.js";

describe("createGatewayMetrics", () => {
  it("gives each gateway its own registry: two in one process neither clash nor share counts", async () => {
    const a = createGatewayMetrics();
    const b = createGatewayMetrics();
    a.observe({ endpoint: "registry", action: "iti18", outcome: "ok" }, 0.01);
    a.upstreamError("repository", "timeout");
    const textA = await a.registry.metrics();
    const textB = await b.registry.metrics();
    expect(textA).toMatch(/^opendsp_gateway_requests_total\{endpoint="registry",action="iti18",outcome="ok"\} 1$/m);
    expect(textA).toMatch(/^opendsp_gateway_upstream_errors_total\{upstream="repository",reason="timeout"\} 1$/m);
    expect(textB).not.toMatch(/^opendsp_gateway_requests_total\{/m);
    // Default process metrics are there, in the instance's registry and not in prom-client's global one.
    expect(textB).toContain("opendsp_gateway_process_cpu_seconds_total");
    expect(await globalRegistry.metrics()).not.toContain("opendsp_gateway_");
  });
});
