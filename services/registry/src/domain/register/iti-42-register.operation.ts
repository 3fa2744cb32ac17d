import { ACTION, parseSubmitObjectsRequest, writeRegistryResponse } from "@opendsp/ebxml";
import type { Logger } from "@opendsp/platform";
import type { SoapOperation } from "@opendsp/soap";
import type { RegistryDeps } from "../../registry-deps.js";
import { refuseRegistration, registerSubmission } from "./register-submission.js";

/** ITI-42 over SOAP: the body is an lcm:SubmitObjectsRequest, the answer an rs:RegistryResponse. */
export function createRegisterOperation(deps: RegistryDeps, log: Logger): SoapOperation {
  return {
    responseAction: ACTION.iti42.response,
    async handle({ envelope }) {
      const parsed = parseSubmitObjectsRequest(envelope.body);
      const actor = { replyTo: envelope.addressing.replyTo, messageId: envelope.addressing.messageId };
      const response = parsed.ok
        ? await registerSubmission(deps, parsed.value, actor, log)
        : await refuseRegistration(deps, parsed.errors, undefined, actor, log);
      return { body: writeRegistryResponse(response) };
    },
  };
}
