import { withSoap12Address } from "@opendsp/soap";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { SoapRoute } from "../domain/routing/soap-routes.js";
import { firstValue } from "../domain/upstream/forwarded-headers.js";
import type { GatewayDeps } from "../gateway-deps.js";

const PROBLEM = "application/problem+json";
// A host[:port] as it may appear in Host or X-Forwarded-Host (RFC 9110 §7.2), IPv6 literals included.
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;
const CACHE_SIZE = 16;

/**
 * GET <endpoint>?wsdl: the committed WSDL of the endpoint with soap12:address set to the endpoint as clients reach it,
 * as SOAP stacks serve it and tools such as SoapUI expect. The address is GATEWAY_PUBLIC_URL + path, or built from
 * the request (X-Forwarded-Proto / X-Forwarded-Host set by a reverse proxy in front, else the connection and Host).
 */
export function registerWsdlRoute(app: FastifyInstance, route: SoapRoute, deps: GatewayDeps): void {
  const wsdl = readFileSync(join(deps.wsdlDir, route.wsdl), "utf8");
  // Fails at start, not on the first request, if the committed file is broken.
  withSoap12Address(wsdl, `http://127.0.0.1${route.path}`);
  const served = new Map<string, string>();

  app.get(route.path, async (request, reply) => {
    const query = new URL(request.url, "http://gateway").searchParams;
    if (![...query.keys()].some((k) => k.toLowerCase() === "wsdl")) {
      return reply
        .code(405)
        .header("allow", "POST")
        .type(PROBLEM)
        .send({ type: "urn:opendsp:problem:method-not-allowed", title: "Method not allowed", status: 405, detail: `Send SOAP 1.2 requests by POST; the WSDL is at ${route.path}?wsdl` });
    }
    const base = publicBase(request, deps.config.GATEWAY_PUBLIC_URL);
    if (base === undefined) {
      return reply.code(400).type(PROBLEM).send({ type: "urn:opendsp:problem:invalid-host", title: "Invalid Host header", status: 400, detail: "The Host (or X-Forwarded-Host) header is not a host name" });
    }
    const location = `${base}${route.path}`;
    let document = served.get(location);
    if (document === undefined) {
      document = withSoap12Address(wsdl, location);
      if (served.size >= CACHE_SIZE) served.clear();
      served.set(location, document);
    }
    return reply.type("text/xml; charset=UTF-8").send(document);
  });
}

/** scheme://host[:port][/prefix] of the gateway as the client reached it, without a trailing slash. */
function publicBase(request: FastifyRequest, configured: string | undefined): string | undefined {
  if (configured !== undefined) return configured.replace(/\/+$/, "");
  const forwardedProto = firstValue(request.headers["x-forwarded-proto"])?.toLowerCase();
  const proto = forwardedProto === "https" || forwardedProto === "http" ? forwardedProto : request.protocol;
  const host = firstValue(request.headers["x-forwarded-host"]) ?? request.headers.host;
  if (host === undefined || !HOST.test(host)) return undefined;
  return `${proto}://${host}`;
}
