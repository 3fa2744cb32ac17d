export { callSoap, type CallSoapOptions } from "./soap-client.js";
export { SoapClientError, type SoapClientErrorCode } from "./soap-client-error.js";
