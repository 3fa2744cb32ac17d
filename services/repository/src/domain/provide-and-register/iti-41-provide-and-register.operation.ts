import { ACTION, writeRegistryResponse } from "@opendsp/ebxml";
import type { Logger } from "@opendsp/platform";
import type { SoapOperation } from "@opendsp/soap";
import type { RepositoryDeps } from "../../repository-deps.js";
import { provideAndRegister } from "./iti-41-provide-and-register.js";

/**
 * The ITI-41 SOAP operation of the repository endpoint. The answer is an rs:RegistryResponse with the ITI-41
 * response action; the endpoint sends it as MTOM when the request was MTOM and as simple SOAP otherwise
 * ("MTOM in, MTOM out", ITI TF-2x Appendix V).
 */
export function createProvideAndRegisterOperation(deps: RepositoryDeps, log: Logger): SoapOperation {
  const iti41 = log.child({ transaction: "ITI-41" });
  return {
    responseAction: ACTION.iti41.response,
    async handle(request) {
      const response = await provideAndRegister(deps, iti41, request);
      return { body: writeRegistryResponse(response) };
    },
  };
}
