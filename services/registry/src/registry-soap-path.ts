/** The SOAP endpoint path; the gateway routes /xds/registry here. */
export const REGISTRY_SOAP_PATH = "/xds/registry";
