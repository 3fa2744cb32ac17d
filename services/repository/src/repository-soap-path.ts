/** The SOAP endpoint path; the gateway routes /xds/repository here. */
export const REPOSITORY_SOAP_PATH = "/xds/repository";
