import { ERROR_SEVERITY, RESPONSE_STATUS } from "@opendsp/ebxml";
import { SoapClientError } from "@opendsp/soap";
import { describe, expect, it } from "vitest";
import { CliError, EXIT_CODE } from "./cli-error.js";
import { describeError, platformBaseOf, registryErrorText, statusName } from "./describe-error.js";
import { HttpUnreachableError, ProblemDetailsError, UnexpectedAnswerError, XdsTransactionError } from "./platform-errors.js";

const REGISTRY = "http://127.0.0.1:8080/xds/registry";

function fault(code: string, subcodes: string[], reason: string) {
  return { code, subcodes, reason, detailEntries: [], notUnderstood: [], addressing: {} };
}

describe("describeError", () => {
  it("says the platform cannot be reached, with the base URL and how to start it (exit 3)", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8080"), { code: "ECONNREFUSED" });
    const err = new SoapClientError("SOAP_CLIENT_UNREACHABLE", "x", { url: REGISTRY, cause: new TypeError("fetch failed", { cause: refused }) });
    expect(describeError(err)).toEqual({
      message: "cannot reach OpenDSP at http://127.0.0.1:8080 (ECONNREFUSED): is it running? start it with `pnpm start`",
      exitCode: EXIT_CODE.unreachable,
    });
    const http = describeError(new HttpUnreachableError("http://127.0.0.1:8081/api/patients/x", "ECONNREFUSED", false));
    expect(http.message).toBe("cannot reach OpenDSP at http://127.0.0.1:8081 (ECONNREFUSED): is it running? start it with `pnpm start`");
    expect(describeError(new SoapClientError("SOAP_CLIENT_TIMEOUT", "x", { url: REGISTRY })).exitCode).toBe(EXIT_CODE.unreachable);
  });

  it("gives a SOAP Fault's code, subcodes and reason (exit 1)", () => {
    const err = new SoapClientError("SOAP_CLIENT_FAULT", "x", {
      url: "http://h/xds/repository",
      status: 400,
      fault: fault("Sender", ["wsa:ActionNotSupported"], "The action\n is not supported"),
    });
    expect(describeError(err)).toEqual({
      message: "the repository answered with a SOAP Fault: Sender / wsa:ActionNotSupported: The action is not supported",
      exitCode: EXIT_CODE.refused,
    });
  });

  it("lists every RegistryError of a Failure or PartialSuccess on one line", () => {
    const err = new XdsTransactionError("ITI-41", "repository", RESPONSE_STATUS.failure, [
      { errorCode: "XDSUnknownPatientId", codeContext: "patient not known", location: "Document01", severity: ERROR_SEVERITY.error },
      { errorCode: "XDSRegistryMetadataError", codeContext: "classCode missing", severity: ERROR_SEVERITY.error },
      { errorCode: "XDSExtraMetadataNotSaved", codeContext: "slot dropped", severity: ERROR_SEVERITY.warning },
    ]);
    const d = describeError(err);
    expect(d.exitCode).toBe(EXIT_CODE.refused);
    expect(d.message).toBe(
      "the repository refused the submission (ITI-41 Failure): XDSUnknownPatientId: patient not known (at Document01); " +
        "XDSRegistryMetadataError: classCode missing; XDSExtraMetadataNotSaved [warning]: slot dropped",
    );
    const partial = describeError(new XdsTransactionError("ITI-18", "registry", RESPONSE_STATUS.partialSuccess, []));
    expect(partial.message).toBe("the registry refused the query (ITI-18 PartialSuccess): no RegistryError given");
    const retrieve = describeError(new XdsTransactionError("ITI-43", "repository", RESPONSE_STATUS.failure, [{ errorCode: "XDSMissingDocument", codeContext: "gone", severity: ERROR_SEVERITY.error }]));
    expect(retrieve.message).toBe("the repository could not return the document (ITI-43 Failure): XDSMissingDocument: gone");
  });

  it("gives the problem details of the admin API", () => {
    const err = new ProblemDetailsError("http://h:8081/api/patients/x", 400, {
      type: "urn:opendsp:problem:invalid-patient-id",
      title: "Not a patient id of this affinity domain",
      detail: "patientId is not a CX patient id",
    });
    expect(describeError(err)).toEqual({
      message: "the patient admin API refused the request: Not a patient id of this affinity domain: patientId is not a CX patient id (HTTP 400, urn:opendsp:problem:invalid-patient-id)",
      exitCode: EXIT_CODE.refused,
    });
    expect(describeError(new ProblemDetailsError("http://h:8081/api/patients/x", 404, undefined)).message).toBe(
      "http://h:8081/api/patients/x answered HTTP 404 without problem details: is http://h:8081 an OpenDSP platform (check --url)?",
    );
  });

  it("passes CliErrors through, and words anything else as an unexpected failure on one line", () => {
    expect(describeError(new CliError("file", "cannot read a.pdf: no such file or directory"))).toEqual({ message: "cannot read a.pdf: no such file or directory", exitCode: EXIT_CODE.file });
    expect(describeError(new UnexpectedAnswerError("odd answer")).exitCode).toBe(EXIT_CODE.refused);
    expect(describeError(new Error("boom\n  at x"))).toEqual({ message: "unexpected failure: boom at x", exitCode: EXIT_CODE.refused });
  });

  it("has small helpers for status names, error lines and base URLs", () => {
    expect(statusName(RESPONSE_STATUS.partialSuccess)).toBe("PartialSuccess");
    expect(statusName("")).toBe("without status");
    expect(registryErrorText({ errorCode: "", codeContext: "", severity: ERROR_SEVERITY.error, value: "text" })).toBe("no errorCode: text");
    expect(platformBaseOf("http://h:1/pre/xds/repository")).toBe("http://h:1/pre");
    expect(platformBaseOf("http://h:1/api/patients/a%5E")).toBe("http://h:1");
  });
});
