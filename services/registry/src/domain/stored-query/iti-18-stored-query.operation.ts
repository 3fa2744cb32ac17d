import { ACTION, attribute, firstAdhocQuery, parseAdhocQueryRequest, writeAdhocQueryResponse } from "@opendsp/ebxml";
import type { Logger } from "@opendsp/platform";
import type { SoapOperation } from "@opendsp/soap";
import type { RegistryDeps } from "../../registry-deps.js";
import { refuseQuery, runStoredQuery } from "./run-stored-query.js";

/**
 * ITI-18 Registry Stored Query over SOAP (ITI TF-2a 3.18): the body is a query:AdhocQueryRequest, the answer a
 * query:AdhocQueryResponse. A request that cannot be read is answered with a Failure response carrying the reason
 * (XDSRegistryError), not with a SOAP Fault.
 */
export function createStoredQueryOperation(deps: RegistryDeps, log?: Logger): SoapOperation {
  return {
    responseAction: ACTION.iti18.response,
    async handle({ envelope }) {
      const actor = { replyTo: envelope.addressing.replyTo, messageId: envelope.addressing.messageId };
      const parsed = parseAdhocQueryRequest(envelope.body, { metadataError: "XDSRegistryError" });
      if (parsed.ok) return { body: writeAdhocQueryResponse(await runStoredQuery(deps, parsed.value, actor, log)) };
      // The audit row still names the query when the AdhocQuery element could be found.
      const query = firstAdhocQuery(envelope.body);
      const queryId = (query && attribute(query, "id")) ?? "";
      return { body: writeAdhocQueryResponse(await refuseQuery(deps, parsed.errors, { queryId, returnType: "" }, actor, log)) };
    },
  };
}
