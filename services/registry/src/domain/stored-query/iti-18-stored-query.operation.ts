import { ACTION, attribute, firstAdhocQuery, parseAdhocQueryRequest, writeAdhocQueryResponse, writeXmlUtf8, type XmlElement } from "@opendsp/ebxml";
import { ACCESS_HEADER, AccessHeaderError, parseAccessHeader, soapAuditContext, type AccessRestriction, type Logger } from "@opendsp/platform";
import { SoapError, type SoapOperation, type SoapRequest } from "@opendsp/soap";
import { registryAuditor, type RegistryAuditor } from "../../audit/registry-audit-record.js";
import type { RegistryDeps } from "../../registry-deps.js";
import { REGISTRY_SOAP_PATH } from "../../registry-soap-path.js";
import { auditRefusal, refuseQuery, runStoredQuery } from "./run-stored-query.js";

/**
 * ITI-18 Registry Stored Query over SOAP (ITI TF-2a 3.18): the body is a query:AdhocQueryRequest, the answer a
 * query:AdhocQueryResponse. A request that cannot be read is answered with a Failure response carrying the reason
 * (XDSRegistryError), not with a SOAP Fault. The gateway's access restriction (X-OpenDSP-Access) is read first: a
 * malformed one is a Sender Fault, since the request is not the one the gateway meant to let through and running it
 * unrestricted could show what it meant to hide.
 */
export function createStoredQueryOperation(deps: RegistryDeps, log?: Logger): SoapOperation {
  return {
    responseAction: ACTION.iti18.response,
    async handle(request) {
      const { envelope, httpHeaders } = request;
      const auditor = registryAuditor(deps.config, soapAuditContext(request, REGISTRY_SOAP_PATH, log, "REG_AUDIT_HEADER_INVALID"));
      const requestBase64 = requestBase64Of(envelope.body);
      let stored: Promise<unknown> | undefined;
      try {
        const access = await accessOf(deps, httpHeaders, envelope.body, auditor, requestBase64, log);
        const parsed = parseAdhocQueryRequest(envelope.body, { metadataError: "XDSRegistryError" });
        const answer = parsed.ok
          ? await runStoredQuery(deps, parsed.value, access, auditor, requestBase64, log)
          : { response: await refuseQuery(deps, parsed.errors, { queryId: queryIdOf(envelope.body), returnType: "" }, auditor, requestBase64, log) };
        const body = writeAdhocQueryResponse(answer.response);
        if (!answer.stored) return { body };
        stored = answer.stored;
        return { body, beforeSending: answer.stored.then((instead) => (instead ? { body: writeAdhocQueryResponse(instead) } : undefined)) };
      } finally {
        // The relay is told once the row is committed (it never rejects).
        if (stored) void stored.then(() => deps.auditWritten());
        else deps.auditWritten();
      }
    },
  };
}

/** The restriction of the request, or a SOAP Fault (Sender) when its header is malformed; the refusal is audited. */
async function accessOf(
  deps: RegistryDeps,
  headers: SoapRequest["httpHeaders"],
  body: XmlElement,
  auditor: RegistryAuditor,
  requestBase64: string | undefined,
  log?: Logger,
): Promise<AccessRestriction | undefined> {
  try {
    return parseAccessHeader(headers[ACCESS_HEADER]);
  } catch (err) {
    if (!(err instanceof AccessHeaderError)) throw err;
    // The registry's own code in its audit rows, as before the header's reader was shared.
    await auditRefusal(deps, ["REG_ACCESS_HEADER_INVALID"], { queryId: queryIdOf(body), returnType: "" }, auditor, requestBase64, log);
    throw new SoapError("SOAP_HTTP_HEADER", `The access restriction is malformed: ${err.message}`, { faultCode: "Sender", cause: err });
  }
}

/** The audit row still names the query when the AdhocQuery element can be found. */
function queryIdOf(body: XmlElement): string {
  const query = firstAdhocQuery(body);
  return (query && attribute(query, "id")) ?? "";
}

/** ITI TF-2a 3.18.5.1.2: the query participant object holds the AdhocQueryRequest, base64; left out past the record's bound. */
function requestBase64Of(body: XmlElement): string | undefined {
  const base64 = writeXmlUtf8(body).toString("base64");
  return base64.length <= 262_144 ? base64 : undefined;
}
