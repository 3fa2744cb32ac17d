import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** How a request through the gateway ended, as a bounded metric label. */
export type Outcome =
  /** The service answered 2xx. */
  | "ok"
  /** The service answered with an error status (a SOAP Fault, a problem+json). */
  | "upstream-fault"
  /** The gateway refused the request itself (no or wrong wsa:Action, unreadable message, an edge step). */
  | "refused"
  /** The service could not be reached or did not answer in time. */
  | "upstream-error";

export type Endpoint = "registry" | "repository" | "api";

const EVENT_LOOP_SAMPLE_MS = 100;

/**
 * The gateway's Prometheus metrics, in a registry owned by one app instance: two gateways in one process (tests,
 * the one-process launcher) never share or clash over counters.
 */
export interface GatewayMetrics {
  readonly registry: Registry;
  observe(labels: { endpoint: Endpoint; action: string; outcome: Outcome }, seconds: number): void;
  upstreamError(upstream: string, reason: string): void;
}

export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  // The event-loop lag is sampled by a timer: prom-client's 10 ms default woke the gateway 100 times a second, busy
  // or idle, each wake-up taking a turn on the CPU from the services; 100 ms still shows every lag that matters.
  collectDefaultMetrics({ register: registry, prefix: "opendsp_gateway_", eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  const labelNames = ["endpoint", "action", "outcome"] as const;
  const requests = new Counter({
    name: "opendsp_gateway_requests_total",
    help: "Requests through the gateway by endpoint, transaction (or HTTP method for JSON APIs) and outcome",
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "opendsp_gateway_request_duration_seconds",
    help: "Time from the request's arrival to the end of its answer, by endpoint, transaction and outcome",
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const upstreamErrors = new Counter({
    name: "opendsp_gateway_upstream_errors_total",
    help: "Failed calls to the services behind the gateway, by service and reason",
    labelNames: ["upstream", "reason"] as const,
    registers: [registry],
  });
  // The label sets are few (endpoints x transactions x outcomes): each one's series are looked up once, not hashed
  // from the labels on every request.
  const series = new Map<string, { readonly count: () => void; readonly time: (seconds: number) => void }>();
  return {
    registry,
    observe(labels, seconds) {
      const key = `${labels.endpoint} ${labels.action} ${labels.outcome}`;
      let one = series.get(key);
      if (one === undefined) {
        const counter = requests.labels(labels);
        const histogram = duration.labels(labels);
        one = { count: () => counter.inc(), time: (s) => histogram.observe(s) };
        series.set(key, one);
      }
      one.count();
      one.time(seconds);
    },
    upstreamError(upstream, reason) {
      upstreamErrors.inc({ upstream, reason });
    },
  };
}
